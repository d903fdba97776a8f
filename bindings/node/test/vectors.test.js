'use strict';
// The public Telegram vectors (tests/vectors/telegram-vectors.json), as every suite reads them.
const test = require('node:test');
const assert = require('node:assert/strict');
const tgauth = require('..');
const { vectors, at } = require('./support');

for (const v of vectors.mini_app_hmac) {
  test(`mini app: ${v.name}`, () => {
    const validator = new tgauth.MiniAppValidator(v.bot_token);
    const data = validator.validate(v.init_data, { maxAge: 0 });
    for (const [path, expected] of Object.entries(v.expect)) assert.equal(at(data, path), expected, path);
    assert.equal(validator.validate('tma ' + v.init_data, { maxAge: 0 }).auth_date, v.expect.auth_date);
    // one byte of the hash changed: bad_hash, with the field named
    const forged = v.init_data.replace(/hash=([0-9a-f])/, (_, c) => `hash=${c === '0' ? '1' : '0'}`);
    assert.throws(() => validator.validate(forged, { maxAge: 0 }), { name: 'AuthError', kind: 'bad_hash', field: 'hash' });
    assert.equal(validator.isValid(forged, { maxAge: 0 }), false);
    // the default maxAge (a day) refuses data this old
    assert.throws(() => validator.validate(v.init_data), (e) => e.kind === 'expired');
  });
}

for (const v of vectors.third_party_ed25519) {
  test(`third party: ${v.name}`, () => {
    const options = v.public_key_hex ? { publicKey: v.public_key_hex } : { environment: v.environment };
    const validator = new tgauth.ThirdPartyValidator(v.bot_id, options);
    const data = validator.validate(v.init_data, { maxAge: 0 });
    assert.ok(data.auth_date > 0 && data.signature);
    if (v.public_key_hex) {
      const raw = new tgauth.ThirdPartyValidator(v.bot_id, { publicKey: Buffer.from(v.public_key_hex, 'hex') });
      assert.equal(raw.validate(v.init_data, { maxAge: 0 }).auth_date, data.auth_date);
      assert.throws(() => validator.validate(v.invalid_variant, { maxAge: 0 }), { kind: 'bad_signature' });
    }
    // another bot id: the signature covers it
    assert.throws(() => new tgauth.ThirdPartyValidator(v.bot_id + 1, options).validate(v.init_data, { maxAge: 0 }), { kind: 'bad_signature' });
  });
}

for (const v of vectors.login_widget) {
  test(`login widget: ${v.name}`, () => {
    const verifier = new tgauth.LoginWidgetVerifier(v.bot_token);
    const fromQuery = verifier.verify(v.query, { maxAge: 0 });
    assert.deepEqual(verifier.verify(v.json, { maxAge: 0 }), fromQuery);
    assert.deepEqual(verifier.verify(new URLSearchParams(v.query), { maxAge: 0 }), fromQuery);
    assert.deepEqual(verifier.verify(JSON.parse(v.json), { maxAge: 0 }), fromQuery);
    assert.equal(typeof fromQuery.id, 'number');
    assert.throws(() => verifier.verify(v.query.replace('first_name=', 'first_name=X'), { maxAge: 0 }), { kind: 'bad_hash' });
  });
}
