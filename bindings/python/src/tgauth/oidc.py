"""Log In With Telegram over OpenID Connect: the id_token, verified by the library (tgauth_oidc.h)."""
from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from . import _call, _ffi
from ._results import FIELDS, IDToken
from ._args import DEFAULT_MAX_BYTES
from ._args import data as _data, limits as _limits, not_utf8 as _not_utf8

__all__ = ["TelegramOIDC", "IDToken", "AuthorizationRequest", "TokenRequest", "TokenResponse"]

Text = Union[str, bytes]


@dataclass(frozen=True)
class AuthorizationRequest:
    """One login's start: send the browser to `url`; keep `state`, `nonce` and `code_verifier` on the server."""

    url: str
    state: str
    nonce: Optional[str]
    code_verifier: str


@dataclass(frozen=True)
class TokenRequest:
    """POST `body` to `url` with `headers` (form-encoded; Basic authentication when there is a client secret)."""

    url: str
    headers: Dict[str, str]
    body: str


@dataclass(frozen=True)
class TokenResponse:
    id_token: str
    access_token: Optional[str]
    expires_in: Optional[int]


def _record(call: Callable[..., int]) -> List[str]:
    """The strings of a record a flow function writes (the output-buffer rule: asked again when short)."""
    err = _ffi.Error()
    text = _call.write_output(lambda out, size: call(out, size, ctypes.byref(err)), size=4096, err=err)
    return text.decode().split("\0")


#: the claims the schema declares (schema/results.json); the others are the token's extras
_CLAIM_FIELDS = frozenset(name for name, *_ in FIELDS["IDToken"])
_NO_LENGTH = ctypes.c_size_t(0)


class TelegramOIDC:
    """Log In With Telegram for one client (the bot id): verifies id_tokens, starts logins and exchanges their
    codes. Safe to share between threads.

    Keys: pass `jwks` (the key set JSON, as served by https://oauth.telegram.org/.well-known/jwks.json) and
    replace it with `set_jwks`; or leave it out, and the library fetches the set over HTTPS when a verification
    first needs it, keeps it as its Cache-Control max-age says (an hour by default), fetches again at once for
    an unknown kid (then at most once a minute), and keeps the last good set when a fetch fails.

    `client_secret` and `redirect_uri` are needed for the authorization-code flow only; `issuer` names a
    stand-in for Telegram (tests), `ca_file` the PEM certificates to trust instead of the system's, and
    `timeout` the seconds one HTTPS request may take."""

    __slots__ = ("_handle", "client_id", "redirect_uri")

    def __init__(self, client_id: Union[str, int], client_secret: Optional[str] = None,
                 redirect_uri: Optional[str] = None, jwks: Optional[Text] = None, *, issuer: Optional[str] = None,
                 ca_file: Optional[str] = None, timeout: Optional[float] = None) -> None:
        self.client_id = str(client_id)
        self.redirect_uri = redirect_uri
        options = _ffi.OIDCOptions()
        _ffi.oidc_options_init(ctypes.byref(options))
        for name, value in (("client_secret", client_secret), ("redirect_uri", redirect_uri), ("issuer", issuer),
                            ("ca_file", ca_file)):
            if value is not None:
                raw = _data(value, name)
                setattr(options, name, raw)
                setattr(options, name + "_len", len(raw))
        if timeout is not None:
            if not timeout > 0:
                raise ValueError("timeout must be a positive number of seconds")
            options.timeout_ms = int(timeout * 1000)
        keys, cid = (None if jwks is None else _data(jwks, "jwks")), _data(self.client_id, "client_id")
        self._handle = _call.new_handle(_ffi.oidc_new, _ffi.oidc_free, cid, len(cid), keys,
                                        0 if keys is None else len(keys), ctypes.byref(options))

    def authorization_request(self, scopes: Sequence[str] = ("openid", "profile"), nonce: bool = True) -> AuthorizationRequest:
        """A login's start: fresh state, nonce and PKCE code verifier, and the URL of the provider's /auth."""
        s = _data(" ".join(scopes), "scopes")
        url, state, n, verifier = _record(lambda out, size, err: _ffi.oidc_authorization_request(
            self._handle.ptr, out, size, err, s, len(s), 1 if nonce else 0))
        return AuthorizationRequest(url, state, n or None, verifier)

    def exchange(self, code: str, code_verifier: str, expected_nonce: Optional[str] = None,
                 max_age: Optional[int] = None, now: Optional[int] = None) -> IDToken:
        """Exchanges the callback's code at the token endpoint over HTTPS and verifies the id_token it answers
        with the request's nonce. Raises OAuthError when the endpoint refuses (a used or wrong code, verifier or
        secret), NetworkError when no answer comes, or what verify_id_token raises."""
        c, v = _data(code, "code"), _data(code_verifier, "code_verifier")
        wanted = None if expected_nonce is None else _data(expected_nonce, "expected_nonce")
        token, err = ctypes.c_void_p(), _ffi.Error()
        rc = _ffi.oidc_exchange(self._handle.ptr, ctypes.byref(token), ctypes.byref(err), c, len(c), v, len(v), wanted,
                                0 if wanted is None else len(wanted), _limits(max_age, now, DEFAULT_MAX_BYTES).ref)
        if rc != _ffi.OK:
            raise _call.failure(rc, err)
        try:
            length = ctypes.c_size_t()
            claims = ctypes.string_at(_ffi.id_token_claims(token, ctypes.byref(length)), length.value)
        finally:
            _ffi.id_token_free(token)
        return _id_token(claims.decode())

    def token_request(self, code: str, code_verifier: str) -> TokenRequest:
        """The request that exchanges the callback's code for tokens, for making it with another HTTP client
        (an async one); `exchange` makes it itself."""
        c, v = _data(code, "code"), _data(code_verifier, "code_verifier")
        parts = _record(lambda out, size, err: _ffi.oidc_token_request(self._handle.ptr, out, size, err, c, len(c), v, len(v)))
        return TokenRequest(parts[0], dict(zip(parts[2::2], parts[3::2])), parts[1])

    def read_token_response(self, body: Text, nonce: Optional[str] = None, now: Optional[int] = None) -> Tuple[TokenResponse, IDToken]:
        """Reads the token endpoint's answer (an OAuth error raises OAuthError) and verifies its id_token with
        the request's nonce."""
        raw = _data(body, "body")
        id_token, access, expires = _record(lambda out, size, err: _ffi.oidc_token_response(out, size, err, raw, len(raw)))
        response = TokenResponse(id_token, access or None, int(expires) if expires else None)
        return response, self.verify_id_token(id_token, nonce=nonce, now=now)

    def set_jwks(self, jwks: Text) -> None:
        """Replaces the key set (after a rotation, or an UnknownKeyError); on failure the old set stays."""
        raw, err = _data(jwks, "jwks"), _ffi.Error()
        code = _ffi.oidc_set_jwks(self._handle.ptr, ctypes.byref(err), raw, len(raw))
        if code != _ffi.OK:
            raise _call.failure(code, err)

    def verify_id_token(self, token: Text, nonce: Optional[str] = None, max_age: Optional[int] = None,
                        now: Optional[int] = None) -> IDToken:
        """Checks the token's signature and claims (iss, aud, sub, exp, iat; `nonce` when given; `max_age`
        seconds from iat when given). Raises an AuthError subclass: BadSignatureError, UnknownKeyError (a key
        set given: replace it; fetched: it was fetched again already), ExpiredError, FutureAuthDateError,
        BadClaimError, MalformedError; NetworkError when keys are fetched and none could be yet."""
        try:  # inline rather than _data: this is the hot path
            raw = token.encode() if type(token) is str else _data(token, "token")
        except UnicodeEncodeError as error:
            raise _not_utf8("token", error) from None
        check = _limits(max_age, now, DEFAULT_MAX_BYTES)  # max_bytes is not read: a token has its own 16 KiB limit
        if nonce is None:
            return _id_token(_call.verify_record(_ffi.oidc_verify, self._handle, raw, None, _NO_LENGTH, check.ref))
        wanted = _data(nonce, "nonce")
        return _id_token(_call.verify_record(_ffi.oidc_verify, self._handle, raw, wanted, ctypes.c_size_t(len(wanted)), check.ref))


def _id_token(claims_json: str) -> IDToken:
    """The IDToken of verified claims: the schema's claims as fields, the others as extras."""
    claims = json.loads(claims_json)
    result = object.__new__(IDToken)  # a frozen dataclass, filled through its __dict__
    d = result.__dict__
    extras = {}
    for name, value in claims.items():
        if name in _CLAIM_FIELDS:
            d[name] = value
        else:
            extras[name] = value
    d["extras"] = extras
    return result
