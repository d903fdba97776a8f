'use strict';
// Telegram's OpenID Connect key set, fetched with fetch() (never by libcurl on the event loop), and fetched
// again on an unknown kid, at most once a minute.
const { AuthError } = require('./errors');

const TELEGRAM_JWKS = 'https://oauth.telegram.org/.well-known/jwks.json';
const MIN_INTERVAL_MS = 60_000;

/** Keeps `oidc` (a TelegramOIDC) supplied with the key set at `url`. */
class KeySetRefresher {
  #oidc;
  #url;
  #fetch;
  #last = -Infinity;
  #pending = null;

  constructor(oidc, { url = TELEGRAM_JWKS, fetch = globalThis.fetch } = {}) {
    if (typeof fetch !== 'function') throw new TypeError('no fetch(): Node 18 or later has one, or pass { fetch }');
    this.#oidc = oidc;
    this.#url = url;
    this.#fetch = fetch;
  }

  /** Fetches the key set now (one fetch at a time) and gives it to the client. */
  async refresh() {
    if (this.#pending) return this.#pending;
    this.#last = Date.now();
    this.#pending = (async () => {
      const response = await this.#fetch(this.#url, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new AuthError('network', '', `the key set answered HTTP ${response.status}`);
      this.#oidc.setJwks(await response.text());
    })().finally(() => { this.#pending = null; });
    return this.#pending;
  }

  /** Verifies `idToken`; on `unknown_key` fetches the key set again (at most once a minute) and retries. */
  async verify(idToken, options) {
    try {
      return this.#oidc.verify(idToken, options);
    } catch (error) {
      if (!(error instanceof AuthError) || error.kind !== 'unknown_key' || Date.now() - this.#last < MIN_INTERVAL_MS) throw error;
    }
    await this.refresh();
    return this.#oidc.verify(idToken, options);
  }
}

module.exports = { KeySetRefresher, TELEGRAM_JWKS };
