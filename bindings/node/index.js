'use strict';
// tgauth for Node.js: every check is libtgauth's (the same Swift core as the C, Python and CLI surfaces),
// reached through one native call per verification; this file holds the idiom (classes, options, errors).
const native = require('./lib/native');
const { read } = require('./lib/records');
const { AuthError, lastError } = require('./lib/errors');
const { FIELDS } = require('./lib/_results');

const ENVIRONMENTS = { production: 0, test: 1 };

// ---- arguments ----

function fail() {
  const error = lastError();
  if (error.kind === 'invalid_argument') throw new RangeError(error.message);
  throw error;
}

function text(value, name) {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  throw new TypeError(`${name} must be a string${value === undefined ? '' : `, not ${describe(value)}`}`);
}

function describe(value) {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

/** initData, or a whole `Authorization: tma <initData>` value. */
function initDataOf(value) {
  if (typeof value === 'string') return value.length > 4 && value.slice(0, 4).toLowerCase() === 'tma ' ? value.slice(4).trim() : value;
  if (value instanceof Uint8Array) return value;
  if (value !== null && typeof value === 'object') {
    throw new TypeError('pass the raw initData string (Telegram.WebApp.initData, or the whole "tma <initData>" header), ' +
      'not initDataUnsafe or an already-parsed object: the signature covers the exact text');
  }
  throw new TypeError(`initData must be a string, not ${describe(value)}`);
}

function seconds(value, name, { zero = false } = {}) {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of seconds, not ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 0 || (!zero && value === 0)) {
    throw new RangeError(`${name} must be a whole number of seconds${zero ? ', 0 or more' : ' above 0'}`);
  }
  return value;
}

const DEFAULTS = Object.freeze([undefined, undefined, undefined]);

/** [maxAge, now, maxBytes] of an options object; undefined leaves the library's default (a day, the system
 *  clock, 16 KiB). */
function checkOf(options) {
  if (options === undefined) return DEFAULTS;
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const maxBytes = options.maxBytes;
  if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)) throw new RangeError('maxBytes must be a whole number above 0');
  return [seconds(options.maxAge, 'maxAge', { zero: true }), seconds(options.now, 'now'), maxBytes];
}

/** "key\0value\0…" and the pair count, for the library's pair forms. */
function pairsOf(entries, name) {
  const parts = [];
  let count = 0;
  for (const [key, value] of entries) {
    if (typeof key !== 'string') throw new TypeError(`${name} names must be strings`);
    if (typeof value === 'string') parts.push(key, value);
    else if (typeof value === 'number' && Number.isSafeInteger(value)) parts.push(key, String(value));
    else if (typeof value === 'boolean') parts.push(key, value ? 'true' : 'false');
    else throw new TypeError(`${name} ${key} must be a string or a whole number, not ${describe(value)}`);
    count++;
  }
  return [parts.join('\0'), count];
}

function made(handle) {
  return handle === undefined ? fail() : handle;
}

// ---- the verifiers ----

/** What the two initData validators share: validate() and isValid() over the record call each makes. */
class InitDataCheck {
  #handle;
  #call;
  constructor(handle, call) {
    this.#handle = made(handle);
    this.#call = call;
  }

  /** The verified InitData; throws AuthError (`bad_hash`, `expired`, `future_auth_date`, …). `initData` is
   *  Telegram.WebApp.initData or the whole `tma <initData>` header. */
  validate(initData, options) {
    const c = checkOf(options);
    const record = this.#call(this.#handle, initDataOf(initData), c[0], c[1], c[2]);
    return record === undefined ? fail() : read(record);
  }

  /** Whether `initData` verifies (bad arguments still throw). */
  isValid(initData, options) {
    const c = checkOf(options);
    return this.#call(this.#handle, initDataOf(initData), c[0], c[1], c[2]) !== undefined;
  }
}

/** Mini App initData checked with the bot token (HMAC-SHA256 with the key derived once). Share it freely. */
class MiniAppValidator extends InitDataCheck {
  constructor(botToken) {
    super(native.miniAppNew(text(botToken, 'botToken')), native.miniAppValidateRecord);
  }
}

/** Mini App initData checked by its Ed25519 `signature` with Telegram's public key and the bot id only. */
class ThirdPartyValidator extends InitDataCheck {
  constructor(botId, options = {}) {
    if (!Number.isSafeInteger(botId) || botId <= 0) throw new RangeError('botId must be a positive whole number');
    const environment = options.environment ?? 'production';
    if (!(environment in ENVIRONMENTS)) throw new RangeError("environment must be 'production' or 'test'");
    let key = options.publicKey ?? null;
    if (typeof key === 'string') {
      if (!/^[0-9a-fA-F]{64}$/.test(key)) throw new RangeError('publicKey must be 32 bytes or 64 hex characters');
      key = Buffer.from(key, 'hex');
    } else if (key !== null && !(key instanceof Uint8Array)) {
      throw new TypeError('publicKey must be a Buffer, a Uint8Array or 64 hex characters');
    }
    super(key === null ? native.thirdPartyNew(botId, ENVIRONMENTS[environment]) : native.thirdPartyNewWithKey(botId, key),
      native.thirdPartyValidateRecord);
  }
}

/** Login Widget data: a query string, the callback URL, the JSON callback's text, or its fields as an
 *  object or URLSearchParams. */
class LoginWidgetVerifier {
  #handle;
  constructor(botToken) {
    this.#handle = made(native.widgetNew(text(botToken, 'botToken')));
  }

  verify(data, options) {
    const c = checkOf(options);
    let record;
    if (typeof data === 'string' || data instanceof Uint8Array) {
      record = native.widgetVerifyRecord(this.#handle, data, c[0], c[1], c[2]);
    } else if (data instanceof URLSearchParams || (data !== null && typeof data === 'object' && !Array.isArray(data))) {
      const [pairs, count] = pairsOf(data instanceof URLSearchParams ? data : Object.entries(data), 'widget field');
      record = native.widgetVerifyPairsRecord(this.#handle, pairs, count, c[0], c[1], c[2]);
    } else {
      throw new TypeError(`widget data must be a query string, an object or URLSearchParams, not ${describe(data)}`);
    }
    return record === undefined ? fail() : read(record);
  }

  isValid(data, options) {
    try {
      this.verify(data, options);
      return true;
    } catch (error) {
      if (error instanceof AuthError) return false;
      throw error;
    }
  }
}

/** Telegram Gateway delivery reports: the X-Request-Signature HMAC of timestamp and body, within maxSkew. */
class GatewayReportVerifier {
  #handle;
  constructor(apiToken, options = {}) {
    const maxSkew = seconds(options.maxSkew, 'maxSkew');
    this.#handle = made(native.gatewayNew(text(apiToken, 'apiToken'), maxSkew ?? -1));
  }

  /** The seconds a report's timestamp may differ from now. */
  get maxSkew() {
    return native.gatewayMaxSkew(this.#handle);
  }

  /** The verified report; `timestamp` and `signature` are the X-Request-Timestamp and -Signature headers. */
  verify(body, options = {}) {
    const signature = options.signature === undefined || options.signature === null ? null : text(options.signature, 'signature');
    const record = native.gatewayReportVerifyRecord(this.#handle, text(body, 'body'), timestampOf(options.timestamp), signature,
      seconds(options.now, 'now') ?? 0);
    return record === undefined ? fail() : read(record);
  }

  /** The X-Request-Signature Telegram would send (for test fixtures). */
  sign(body, timestamp) {
    const signature = native.gatewaySign(this.#handle, timestampOf(timestamp), text(body, 'body'));
    return signature === undefined ? fail() : signature;
  }
}

function timestampOf(value) {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError('timestamp must be a whole number of seconds');
    return String(value);
  }
  if (value === undefined || value === null) return null;  // absent: missing_field
  return text(value, 'timestamp');
}

// The id_token's schema claims; the rest go to `extras`
const CLAIMS = new Set(FIELDS.IDToken.map(([name]) => name));
const EMPTY_KEY_SET = '{"keys":[]}';

/** Log In With Telegram (OpenID Connect): id_tokens verified against a key set given as its JSON text. The
 *  library never fetches keys here (that would block the event loop): `refreshingKeys` fetches them with
 *  fetch(). */
class TelegramOIDC {
  #handle;
  constructor(clientId, options = {}) {
    if (typeof clientId === 'number' && Number.isSafeInteger(clientId)) clientId = String(clientId);
    this.#handle = made(native.oidcNew(text(clientId, 'clientId'), jwksOf(options.jwks ?? EMPTY_KEY_SET)));
  }

  /** Replaces the key set (after a rotation, or an `unknown_key`). */
  setJwks(jwks) {
    if (native.oidcSetJwks(this.#handle, jwksOf(jwks)) === undefined) fail();
  }

  /** The verified token: its schema claims as fields (`sub`, `id`, `name`, …), the others in `extras`. */
  verify(idToken, options = {}) {
    const c = checkOf({ maxAge: options.maxAge ?? 0, now: options.now });  // no age limit unless asked: exp decides
    const nonce = options.nonce === undefined || options.nonce === null ? null : text(options.nonce, 'nonce');
    const claims = native.oidcVerify(this.#handle, text(idToken, 'idToken'), nonce, c[0], c[1], c[2]);
    if (claims === undefined) fail();
    const token = { extras: {} };
    for (const [name, value] of Object.entries(JSON.parse(claims))) {
      if (CLAIMS.has(name)) token[name] = value;
      else token.extras[name] = value;
    }
    return token;
  }
}

function jwksOf(jwks) {
  if (jwks !== null && typeof jwks === 'object' && !(jwks instanceof Uint8Array)) return JSON.stringify(jwks);
  return text(jwks, 'jwks');
}

/** Checks a webhook's X-Telegram-Bot-Api-Secret-Token (in constant time); throws AuthError
 *  `bad_webhook_secret` when it is missing (undefined or null) or differs. */
function checkWebhookSecret(secret, headerValue) {
  if (native.webhookSecretCheck(text(secret, 'secret'), headerValue ?? null) === undefined) fail();
}

// ---- signers, for test fixtures ----

function authDateOf(options) {
  return seconds(options?.authDate, 'authDate') ?? Math.floor(Date.now() / 1000);
}

/** initData signed as Telegram signs it (`fields`: an object or [key, value] pairs; objects are JSON). */
function signInitData(botToken, fields, options = {}) {
  const entries = (Array.isArray(fields) ? fields : Object.entries(fields))
    .map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]);
  const [pairs, count] = pairsOf(entries, 'field');
  const seed = options.seed === undefined ? null : typeof options.seed === 'string' ? Buffer.from(options.seed, 'hex') : options.seed;
  const signed = native.signInitData(text(botToken, 'botToken'), pairs, count, authDateOf(options), seed, options.botId ?? 0);
  return signed === undefined ? fail() : signed;
}

/** Login Widget data signed as Telegram signs it, as a query string. */
function signWidget(botToken, fields, options = {}) {
  const [pairs, count] = pairsOf(Array.isArray(fields) ? fields : Object.entries(fields), 'field');
  const signed = native.signWidget(text(botToken, 'botToken'), pairs, count, authDateOf(options));
  return signed === undefined ? fail() : signed;
}

const version = native.versionString();

// Names and re-exports only: Node reads this list without running it for index.mjs's `export *`.
module.exports = {
  MiniAppValidator, ThirdPartyValidator, LoginWidgetVerifier, GatewayReportVerifier, TelegramOIDC, checkWebhookSecret, AuthError,
  signInitData, signWidget, version,
  ...require('./lib/keys'),
  ...require('./lib/http'),
};
