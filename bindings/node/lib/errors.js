'use strict';
const native = require('./native');

/** A verification that failed: `kind` is the library's stable name (`bad_hash`, `expired`, …, the same the
 *  CLI prints and the Python exceptions carry), `field` the field at fault or '' when none. The message never
 *  holds a secret. */
class AuthError extends Error {
  constructor(kind, field, message) {
    super(message || kind);
    this.name = 'AuthError';
    this.kind = kind;
    this.field = field;
  }
}

/** The AuthError of the library's last failure on this thread. */
function lastError() {
  const [code, field, message] = native.lastError();
  return new AuthError(native.errorKind(code), field, message);
}

module.exports = { AuthError, lastError };
