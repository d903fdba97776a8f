'use strict';
// The JavaScript API: options, argument errors, the Gateway report, id_tokens and their key sets, the
// webhook secret, and the package's version.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const tgauth = require('..');

const TOKEN = '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11';
const NOW = 1_800_000_000;
const signed = (fields = { user: { id: 279058397, first_name: 'Vlad' }, query_id: 'AAH' }, authDate = NOW - 10) =>
  tgauth.signInitData(TOKEN, fields, { authDate });

test('a result is named as Telegram names it, with numbers as numbers and absent fields undefined', () => {
  const data = new tgauth.MiniAppValidator(TOKEN).validate(signed(), { now: NOW });
  assert.equal(data.auth_date, NOW - 10);
  assert.equal(data.user.id, 279058397);
  assert.equal(data.user.first_name, 'Vlad');
  assert.equal(data.user.last_name, undefined);
  assert.equal(data.chat, undefined);
  assert.equal(data.query_id, 'AAH');
  assert.deepEqual(data.extras, {});
});

test('maxAge and now: 0 turns the age check off; the future is refused', () => {
  const v = new tgauth.MiniAppValidator(TOKEN);
  const old = signed(undefined, NOW - 100_000);
  assert.throws(() => v.validate(old, { now: NOW }), { kind: 'expired' });
  assert.equal(v.validate(old, { now: NOW, maxAge: 0 }).auth_date, NOW - 100_000);
  assert.equal(v.validate(old, { now: NOW, maxAge: 200_000 }).auth_date, NOW - 100_000);
  assert.throws(() => v.validate(signed(undefined, NOW + 3600), { now: NOW }), { kind: 'future_auth_date' });
  assert.equal(v.isValid(old, { now: NOW }), false);
  assert.equal(v.isValid('tma ' + signed(), { now: NOW }), true);
});

test('bad arguments are TypeError or RangeError, and an object instead of initData says what to pass', () => {
  const v = new tgauth.MiniAppValidator(TOKEN);
  assert.throws(() => v.validate({ user: { id: 1 } }), { name: 'TypeError', message: /raw initData string/ });
  assert.throws(() => v.isValid({ query_id: 'x' }), { name: 'TypeError', message: /initDataUnsafe/ });
  assert.throws(() => v.validate(42), TypeError);
  assert.throws(() => v.validate(signed(), { maxAge: -1 }), RangeError);
  assert.throws(() => v.validate(signed(), { maxAge: 1.5 }), RangeError);
  assert.throws(() => v.validate(signed(), { maxAge: '60' }), TypeError);
  assert.throws(() => v.validate(signed(), { now: 0 }), RangeError);
  assert.throws(() => v.validate(signed(), null), TypeError);
  assert.throws(() => new tgauth.MiniAppValidator(), TypeError);
  assert.throws(() => new tgauth.MiniAppValidator('no colon'), { name: 'RangeError', message: /bot token/ });
  assert.throws(() => new tgauth.ThirdPartyValidator(0), RangeError);
  assert.throws(() => new tgauth.ThirdPartyValidator(1, { environment: 'staging' }), RangeError);
  assert.throws(() => new tgauth.ThirdPartyValidator(1, { publicKey: 'abcd' }), RangeError);
  assert.throws(() => new tgauth.ThirdPartyValidator(1, { publicKey: Buffer.alloc(31) }), RangeError);
  assert.throws(() => new tgauth.LoginWidgetVerifier(TOKEN).verify([['id', '1']]), TypeError);
  assert.throws(() => new tgauth.LoginWidgetVerifier(TOKEN).verify({ id: { nested: 1 } }), TypeError);
});

test('a token never reaches a message', () => {
  const v = new tgauth.MiniAppValidator(TOKEN);
  for (const bad of ['', 'hash=00', signed().replace('Vlad', 'Evil'), 'a'.repeat(20000)]) {
    assert.throws(() => v.validate(bad, { now: NOW }), (e) => !e.message.includes('zyx57W2v1u123ew11') && e instanceof tgauth.AuthError);
  }
});

test('Gateway reports: timestamp as text or number, the window both ways, missing headers', () => {
  const g = new tgauth.GatewayReportVerifier('gateway-api-token', { maxSkew: 300 });
  const body = Buffer.from('{"request_id":"r1","phone_number":"+15550100","request_cost":0.05,"is_refunded":false,"delivery_status":{"status":"delivered","updated_at":1800000000}}');
  const signature = g.sign(body, NOW);
  assert.equal(g.maxSkew, 300);
  for (const timestamp of [NOW, String(NOW)]) {
    const report = g.verify(body, { timestamp, signature, now: NOW });
    assert.equal(report.request_cost, 0.05);
    assert.equal(report.is_refunded, false);
    assert.deepEqual(report.delivery_status, { status: 'delivered', updated_at: 1800000000 });
  }
  assert.equal(g.verify(body.toString(), { timestamp: NOW, signature, now: NOW }).request_id, 'r1');
  assert.throws(() => g.verify(body, { timestamp: NOW, signature, now: NOW + 301 }), { kind: 'expired' });
  assert.throws(() => g.verify(body, { timestamp: NOW, signature, now: NOW - 301 }), { kind: 'future_auth_date' });
  assert.throws(() => g.verify(body, { timestamp: NOW, now: NOW }), { kind: 'missing_field' });
  assert.throws(() => g.verify(body, { signature, now: NOW }), { kind: 'missing_field' });
  assert.throws(() => g.verify(Buffer.concat([body, Buffer.from(' ')]), { timestamp: NOW, signature, now: NOW }), { kind: 'bad_signature' });
  assert.equal(new tgauth.GatewayReportVerifier('gateway-api-token').maxSkew, 300);  // the library's default
});

test('the webhook secret: missing and different are refused, equal passes', () => {
  assert.equal(tgauth.checkWebhookSecret('s3cret_token', 's3cret_token'), undefined);
  for (const header of [undefined, null, '', 's3cret_tokeN', 's3cret_token ']) {
    assert.throws(() => tgauth.checkWebhookSecret('s3cret_token', header), { kind: 'bad_webhook_secret' });
  }
  assert.throws(() => tgauth.checkWebhookSecret('bad secret!', 'bad secret!'), RangeError);
});

function eddsa(kid = 'k1') {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const jwk = { ...publicKey.export({ format: 'jwk' }), alg: 'EdDSA', kid, use: 'sig' };
  const sign = (claims) => {
    const input = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', kid })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${crypto.sign(null, Buffer.from(input), privateKey).toString('base64url')}`;
  };
  return { jwks: JSON.stringify({ keys: [jwk] }), sign };
}

test('id_tokens: schema claims as fields, others in extras; the nonce; a new key set', async () => {
  const { jwks, sign } = eddsa();
  const claims = { iss: 'https://oauth.telegram.org', aud: '7342037359', sub: 's', id: 42, name: 'Ann', iat: NOW, exp: NOW + 600, nonce: 'n1', extra: [1] };
  const oidc = new tgauth.TelegramOIDC(7342037359, { jwks });
  const token = oidc.verify(sign(claims), { now: NOW + 5, nonce: 'n1' });
  assert.equal(token.id, 42);
  assert.equal(token.sub, 's');
  assert.deepEqual(token.extras, { iss: 'https://oauth.telegram.org', aud: '7342037359', extra: [1] });
  assert.throws(() => oidc.verify(sign(claims), { now: NOW + 5, nonce: 'other' }), { kind: 'bad_claim' });
  assert.throws(() => oidc.verify(sign(claims), { now: NOW + 700 }), { kind: 'expired' });
  // another key: unknown_key until the key set is replaced, which the refresher does with fetch()
  const rotated = eddsa('k2');
  assert.throws(() => oidc.verify(rotated.sign(claims), { now: NOW + 5 }), { kind: 'unknown_key' });
  let fetches = 0;
  const fetch = async () => { fetches++; return new Response(rotated.jwks, { status: 200 }); };
  const refresher = new tgauth.KeySetRefresher(oidc, { url: 'https://keys.invalid/jwks.json', fetch });
  assert.equal((await refresher.verify(rotated.sign(claims), { now: NOW + 5 })).id, 42);
  assert.equal(fetches, 1);
  // within the minute, another unknown kid is not fetched again
  await assert.rejects(refresher.verify(eddsa('k3').sign(claims), { now: NOW + 5 }), { kind: 'unknown_key' });
  assert.equal(fetches, 1);
  // without a key set, nothing is fetched by the library: unknown_key, never a blocking request
  assert.throws(() => new tgauth.TelegramOIDC('7342037359').verify(sign(claims), { now: NOW + 5 }), { kind: 'unknown_key' });
});

test('the package, the library and the header agree on the version', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  const header = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'include', 'tgauth_verify.h'), 'utf8');
  assert.equal(pkg.version, tgauth.version);
  assert.equal(header.match(/#define TGAUTH_VERSION_STRING "(.*)"/)[1], tgauth.version);
});

test('the ES module entry gives every export of the CommonJS one, by name', async () => {
  const esm = await import('../index.mjs');
  assert.deepEqual(Object.keys(esm).filter((name) => name !== 'default').sort(), Object.keys(tgauth).sort());
  for (const name of Object.keys(tgauth)) assert.equal(esm[name], tgauth[name], name);
  assert.equal(esm.default, tgauth);
});

test('no call of the addon blocks the event loop: a function the headers say blocks is left out', () => {
  const native = require('../lib/native');
  const headers = fs.readdirSync(path.join(__dirname, '..', '..', '..', 'include')).filter((name) => name.startsWith('tgauth_'))
    .map((name) => fs.readFileSync(path.join(__dirname, '..', '..', '..', 'include', name), 'utf8')).join('\n');
  const blocking = [...headers.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*TGAUTH_API[^;(]*?tgauth_(\w+)\s*\(/g)]
    .filter((m) => /\bblocks\b/.test(m[1])).map((m) => m[2].replace(/_(\w)/g, (_, c) => c.toUpperCase()));
  assert.deepEqual(blocking, ['deeplinkWait']);
  for (const name of blocking) assert.equal(native[name], undefined, name);
  assert.equal(typeof native.deeplinkPoll, 'function');
});
