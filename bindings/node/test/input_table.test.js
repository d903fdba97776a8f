'use strict';
// The input table (tests/inputs/cases.tsv, which every suite reads): every bad row throws AuthError of its
// kind (a bad argument: RangeError), and no message holds the token; each kind's every-field row gives a result
// with every field the schema declares (this binding's schema walk). The deep-link rows (webhook, deeplink)
// are not this binding's: it has no deep-link login.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const tgauth = require('..');
const { inputTable, oidcKeySet } = require('./support');

const TOKEN = '5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8';
const b64 = (raw) => Buffer.from(raw).toString('base64url');

/** (a key set of one Ed25519 key, an EdDSA id_token of `claims` signed by it): seed 2a…2a, kid claims-1. */
function signedClaims(claims) {
  const key = crypto.createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, 0x2a)]), format: 'der', type: 'pkcs8' });
  const x = crypto.createPublicKey(key).export({ format: 'jwk' }).x;
  const keySet = `{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"claims-1","x":"${x}"}]}`;
  const input = b64('{"alg":"EdDSA","kid":"claims-1"}') + '.' + b64(claims);
  return [keySet, input + '.' + b64(crypto.sign(null, Buffer.from(input), key))];
}

function run({ target, now, maxBytes, data }) {
  const options = { now, maxBytes };
  switch (target) {
    case 'mini_app': return new tgauth.MiniAppValidator(TOKEN).validate(data, options);
    case 'widget': return new tgauth.LoginWidgetVerifier(TOKEN).verify(data, options);
    case 'third_party': return new tgauth.ThirdPartyValidator(7342037359).validate(data, options);
    case 'bot_token': return new tgauth.MiniAppValidator(data.toString());
    case 'id_token': return new tgauth.TelegramOIDC(7342037359, { jwks: oidcKeySet }).verify(data.toString('latin1'), { now });
    case 'jwks': {  // the key set, a NUL, then an id_token to verify with it
      const nul = data.indexOf(0);
      const keySet = nul < 0 ? data : data.subarray(0, nul);
      const token = nul < 0 ? '' : data.subarray(nul + 1).toString('latin1');
      return new tgauth.TelegramOIDC(7342037359, { jwks: keySet }).verify(token, { now });
    }
    case 'claims': {
      const [keySet, token] = signedClaims(data);
      return new tgauth.TelegramOIDC(7342037359, { jwks: keySet }).verify(token, { now });
    }
    case 'gateway': {  // timestamp NUL signature NUL body; an empty header is an absent one
      const first = data.indexOf(0), second = data.indexOf(0, first + 1);
      const timestamp = data.subarray(0, first).toString('latin1'), signature = data.subarray(first + 1, second).toString('latin1');
      return new tgauth.GatewayReportVerifier(TOKEN).verify(data.subarray(second + 1), { timestamp: timestamp || undefined, signature: signature || undefined, now });
    }
    default: throw new Error(`unknown target ${target}`);
  }
}

/** A result's fields as a plain object (its extras left out). */
function fields(result) {
  if (result === null || typeof result !== 'object') return result;
  return Object.fromEntries(Object.entries(result).filter(([key]) => key !== 'extras').map(([key, value]) => [key, fields(value)]));
}

const rows = inputTable().filter((row) => row.target !== 'webhook' && row.target !== 'deeplink');

test('the table is read', () => {
  assert.ok(rows.length >= 40);
  assert.deepEqual(rows.filter((row) => row.result).map((row) => row.target).sort(), ['claims', 'gateway', 'mini_app', 'widget']);
});

for (const row of rows) {
  test(`${row.name} (${row.target})`, () => {
    if (row.result) {
      assert.deepEqual(fields(run(row)), row.result);
      return;
    }
    assert.throws(() => run(row), (error) => {
      if (row.expect === 'invalid_argument') assert.ok(error instanceof RangeError, `${error.name}: ${error.message}`);
      else assert.ok(error instanceof tgauth.AuthError && error.kind === row.expect, `${error.name} ${error.kind}: ${error.message}`);
      assert.ok(!String(error.message).includes('AAH5YkoiEuPk8'));
      return true;
    });
  });
}
