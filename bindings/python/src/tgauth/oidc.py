"""Log In With Telegram over OpenID Connect: the id_token, verified by the library (tgauth_oidc.h)."""
from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Union

from . import _call, _ffi
from ._verify import _data, _limits

Text = Union[str, bytes]


@dataclass(frozen=True)
class IDToken:
    """A verified id_token's claims. `claims` holds every claim as sent (unknown ones too)."""

    sub: str
    iat: int
    exp: int
    id: Optional[int] = None
    name: Optional[str] = None
    preferred_username: Optional[str] = None
    picture: Optional[str] = None
    phone_number: Optional[str] = None
    nonce: Optional[str] = None
    claims: Dict[str, Any] = field(default_factory=dict, hash=False)


class TelegramOIDC:
    """Verifies id_tokens for one client (the bot id) with Telegram's key set (the JWKS JSON, as served by
    https://oauth.telegram.org/.well-known/jwks.json). Safe to share between threads; `set_jwks` replaces
    the keys while others verify."""

    __slots__ = ("_handle", "client_id")

    def __init__(self, client_id: Union[str, int], jwks: Text) -> None:
        self.client_id = str(client_id)
        raw, cid = _data(jwks, "jwks"), self.client_id.encode()
        self._handle = _call.new_handle(_ffi.oidc_new, _ffi.oidc_free, cid, len(cid), raw, len(raw))

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
        raw = _data(token, "token")
        wanted = None if nonce is None else nonce.encode()
        check = _limits(max_age, now, 1 << 20)
        err = _ffi.Error()
        text = _call.write_output(lambda out, size: _ffi.oidc_verify(
            self._handle.ptr, out, size, ctypes.byref(err), raw, len(raw), wanted, 0 if wanted is None else len(wanted),
            check.ref), size=2048, err=err)
        claims = json.loads(text)
        known = {k: claims[k] for k in IDToken.__dataclass_fields__ if k in claims and k != "claims"}
        return IDToken(claims=claims, **known)
