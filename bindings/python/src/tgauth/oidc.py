"""Log In With Telegram over OpenID Connect: the id_token, verified by the library (tgauth_oidc.h)."""
from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple, Union

from . import _call, _ffi
from ._results import FIELDS, IDToken
from ._verify import _data, _limits

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


def _record(call) -> List[str]:
    """The strings of a record a flow function writes (the output-buffer rule: asked again when short)."""
    err = _ffi.Error()
    text = _call.write_output(lambda out, size: call(out, size, ctypes.byref(err)), size=4096, err=err)
    return text.decode().split("\0")


#: the claims the schema declares (schema/results.json); the others are the token's extras
_CLAIM_FIELDS = frozenset(name for name, *_ in FIELDS["IDToken"])


class TelegramOIDC:
    """Verifies id_tokens for one client (the bot id) with Telegram's key set (the JWKS JSON, as served by
    https://oauth.telegram.org/.well-known/jwks.json). Safe to share between threads; `set_jwks` replaces
    the keys while others verify."""

    __slots__ = ("_handle", "client_id", "redirect_uri", "_secret")

    def __init__(self, client_id: Union[str, int], jwks: Text, client_secret: Optional[str] = None,
                 redirect_uri: Optional[str] = None) -> None:
        """`client_secret` and `redirect_uri` are needed for the authorization-code flow only."""
        self.client_id = str(client_id)
        self.redirect_uri = redirect_uri
        self._secret = client_secret
        raw, cid = _data(jwks, "jwks"), self.client_id.encode()
        self._handle = _call.new_handle(_ffi.oidc_new, _ffi.oidc_free, cid, len(cid), raw, len(raw))

    def _flow_arguments(self) -> Tuple[bytes, bytes]:
        if self.redirect_uri is None:
            raise ValueError("the authorization-code flow needs redirect_uri")
        return self.client_id.encode(), self.redirect_uri.encode()

    def authorization_request(self, scopes: Sequence[str] = ("openid", "profile"), nonce: bool = True) -> AuthorizationRequest:
        """A login's start: fresh state, nonce and PKCE code verifier, and the URL of Telegram's /auth."""
        cid, uri = self._flow_arguments()
        s = " ".join(scopes).encode()
        url, state, n, verifier = _record(lambda out, size, err: _ffi.oidc_authorization_request(
            out, size, err, cid, len(cid), uri, len(uri), s, len(s), 1 if nonce else 0))
        return AuthorizationRequest(url, state, n or None, verifier)

    def token_request(self, code: str, code_verifier: str) -> TokenRequest:
        """The request that exchanges the callback's code for tokens (make it with any HTTP client)."""
        cid, uri = self._flow_arguments()
        secret = None if self._secret is None else self._secret.encode()
        c, v = code.encode(), code_verifier.encode()
        parts = _record(lambda out, size, err: _ffi.oidc_token_request(
            out, size, err, cid, len(cid), uri, len(uri), secret, 0 if secret is None else len(secret), c, len(c),
            v, len(v)))
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
        seconds from iat when given). Raises an AuthError subclass: BadSignatureError, UnknownKeyError
        (fetch the key set again), ExpiredError, FutureAuthDateError, BadClaimError, MalformedError."""
        raw = token.encode() if type(token) is str else _data(token, "token")
        wanted = None if nonce is None else nonce.encode()
        check = _limits(max_age, now, 1 << 20)
        s = _call.scratch()  # this thread's buffer, grown to the size the library asks for when short
        s.input_len.value = len(raw)
        while True:
            s.length.value = s.size
            code = _ffi.oidc_verify(self._handle.ptr, s.buffer, s.length_ref, s.err_ref, raw, s.input_len, wanted,
                                    0 if wanted is None else len(wanted), check.ref)
            if code == _ffi.OK:
                break
            if code != _ffi.BUFFER_TOO_SMALL:
                raise _call.failure(code, s.err)
            s.resize(s.length.value)
        text = s.data[: s.length.value - 1]
        claims = json.loads(text)
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
