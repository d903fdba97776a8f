"""The exceptions of the tgauth binding, one class per error kind that is a verdict on data or a store failure."""
from __future__ import annotations


class AuthError(Exception):
    """Telegram data was rejected. `kind` is the library's stable identifier of the reason."""

    kind: str = "unknown"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        #: the field at fault (`hash`, `user.id`, ...), or "" when none
        self.field = field


class MalformedError(AuthError):
    kind = "malformed"


class MissingFieldError(AuthError):
    kind = "missing_field"


class BadHashError(AuthError):
    kind = "bad_hash"


class BadSignatureError(AuthError):
    kind = "bad_signature"


class ExpiredError(AuthError):
    kind = "expired"


class FutureAuthDateError(AuthError):
    kind = "future_auth_date"


class TooLargeError(AuthError):
    kind = "too_large"


class BadWebhookSecretError(AuthError):
    """A deep-link webhook request whose X-Telegram-Bot-Api-Secret-Token header is missing or wrong."""

    kind = "bad_webhook_secret"


class StoreError(Exception):
    """The deep-link login store failed (not a verdict on any data): answer 503, not 401."""

    kind: str = "unknown"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StoreFullError(StoreError):
    kind = "store_full"


class StoreUnavailableError(StoreError):
    kind = "store_unavailable"


class UnknownKeyError(AuthError):
    """An id_token names a key the key set lacks: fetch the key set again."""

    kind = "unknown_key"


class BadClaimError(AuthError):
    """An id_token's claims are not for this client (iss, aud, sub, nonce, or a missing time)."""

    kind = "bad_claim"


class OAuthError(AuthError):
    """The OAuth token endpoint refused the request (Telegram's `error` and description are in the message)."""

    kind = "oauth_error"


class NetworkError(AuthError):
    """An HTTPS request (the key set, the token request) got no usable answer: no connection, TLS, a timeout,
    an HTTP error status or an oversized answer."""

    kind = "network"


ERRORS_BY_KIND = {cls.kind: cls for cls in (
    MalformedError, MissingFieldError, BadHashError, BadSignatureError, ExpiredError, FutureAuthDateError, TooLargeError,
    BadWebhookSecretError, StoreFullError, StoreUnavailableError, UnknownKeyError, BadClaimError,
    OAuthError, NetworkError)}


def error_for(code: int, field: str, message: str) -> Exception:
    """The exception for a status code: an AuthError or StoreError subclass by kind, or ValueError for a bad
    argument (invalid_argument, and anything that is not about the data itself)."""
    from ._ffi import KINDS

    cls = ERRORS_BY_KIND.get(KINDS.get(code, "unknown"))
    if cls is None:
        return ValueError(message)
    return cls(message, field)
