"""The input table (tests/inputs/cases.tsv, shared with the Swift, C, Node and PHP suites): every bad row
raises the exception class that docs/errors.md's table lists for its kind, and each kind's every-field row gives
a result that carries every field the schema declares (this is the schema walk of the Python surface)."""
import base64
import json
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import tgauth

TABLE = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "inputs", "cases.tsv")
TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
EXCEPTIONS = {
    "malformed": tgauth.MalformedError, "missing_field": tgauth.MissingFieldError, "bad_hash": tgauth.BadHashError,
    "bad_signature": tgauth.BadSignatureError, "expired": tgauth.ExpiredError,
    "future_auth_date": tgauth.FutureAuthDateError, "too_large": tgauth.TooLargeError, "invalid_argument": ValueError,
    "unknown_key": tgauth.UnknownKeyError, "bad_claim": tgauth.BadClaimError,
}
JWKS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "vectors", "telegram-oidc-jwks.json")


def rows():
    with open(TABLE) as f:
        for line in f:
            if line.startswith("#"):
                continue
            name, target, now, max_bytes, expect, data, result = line.rstrip("\n").split("\t")
            yield pytest.param(target, int(now), int(max_bytes), expect, bytes.fromhex(data), result, id=f"{name} ({target})")


def run(target, now, max_bytes, data):
    if target == "mini_app":
        return tgauth.MiniAppValidator(TOKEN).validate(data, now=now, max_bytes=max_bytes)
    if target == "widget":
        return tgauth.LoginWidgetVerifier(TOKEN).verify(data, now=now, max_bytes=max_bytes)
    if target == "third_party":
        return tgauth.ThirdPartyValidator(7342037359, cache_size=0).validate(data, now=now, max_bytes=max_bytes)
    if target == "bot_token":
        return tgauth.MiniAppValidator(data.decode())
    if target == "webhook":
        r = tgauth.DeepLinkLogin("TgAuthBot", "bad-input-secret").handle_webhook(data, "bad-input-secret")
        return f"{r.outcome}:{r.reason}"
    if target == "deeplink":  # a login started here, its token in place of LOGIN_TOKEN
        flow = tgauth.DeepLinkLogin("TgAuthBot", "bad-input-secret", confirm=False)
        update = data.replace(b"LOGIN_TOKEN", flow.start().login_token.encode())
        r = flow.handle_webhook(update, "bad-input-secret")
        assert r.outcome == "approved", r
        return r.user
    if target == "id_token":
        from tgauth.oidc import TelegramOIDC

        with open(JWKS) as f:
            return TelegramOIDC(7342037359, jwks=f.read()).verify_id_token(data, now=now)
    if target == "jwks":  # the key set, a NUL, then an id_token to verify with it
        from tgauth.oidc import TelegramOIDC

        key_set, _, token = data.partition(b"\0")
        return TelegramOIDC(7342037359, jwks=key_set).verify_id_token(token, now=now)
    if target == "claims":  # the claims, signed here with Ed25519 (seed 2a...2a, kid claims-1)
        from tgauth.oidc import TelegramOIDC

        key_set, token = signed_claims(data)
        return TelegramOIDC(7342037359, jwks=key_set).verify_id_token(token, now=now)
    if target == "gateway":  # timestamp NUL signature NUL body; an empty header is an absent one
        timestamp, signature, body = data.split(b"\0", 2)
        return tgauth.GatewayReportVerifier(TOKEN).verify(body, timestamp=timestamp or None, signature=signature or None, now=now)
    raise AssertionError(f"unknown target {target}")


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed_claims(claims):
    """(a key set of one Ed25519 key, an EdDSA id_token of `claims` signed by it), with cryptography."""
    key = Ed25519PrivateKey.from_private_bytes(b"\x2a" * 32)
    x = b64(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    key_set = '{"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"claims-1","x":"%s"}]}' % x
    signing_input = b64(b'{"alg":"EdDSA","kid":"claims-1"}') + "." + b64(claims)
    return key_set, signing_input + "." + b64(key.sign(signing_input.encode()))


def fields(result):
    """A result's schema fields as plain values (its `extras` left out)."""
    if hasattr(result, "__dataclass_fields__"):
        return {k: fields(getattr(result, k)) for k in result.__dataclass_fields__ if k != "extras"}
    return result


@pytest.mark.parametrize("target,now,max_bytes,expect,data,result", list(rows()))
def test_input(target, now, max_bytes, expect, data, result):
    if expect == "accepted":
        assert fields(run(target, now, max_bytes, data)) == json.loads(result)
        return
    if expect.startswith("ignored:"):
        assert run(target, now, max_bytes, data) == expect
        return
    with pytest.raises(EXCEPTIONS[expect]) as caught:
        run(target, now, max_bytes, data)
    if isinstance(caught.value, tgauth.AuthError):
        assert type(caught.value) is EXCEPTIONS[expect] and caught.value.kind == expect
    assert "AAH5YkoiEuPk8" not in str(caught.value)


def test_the_table_is_complete():
    assert len(list(rows())) >= 40
    assert {p.values[0] for p in rows() if p.values[3] == "accepted"} == {"mini_app", "widget", "claims", "gateway", "deeplink"}


def test_max_bytes_argument():
    with pytest.raises(tgauth.TooLargeError):
        tgauth.MiniAppValidator(TOKEN).validate("a" * 101, max_bytes=100)
    for bad in (0, -1):
        with pytest.raises(ValueError):
            tgauth.MiniAppValidator(TOKEN).validate("a", max_bytes=bad)
    with pytest.raises(TypeError):
        tgauth.LoginWidgetVerifier(TOKEN).verify("a", max_bytes="1")
