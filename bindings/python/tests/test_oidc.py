"""id_tokens made by an independent library (`cryptography`), one key of each kind, verified by tgauth.oidc."""
import base64
import json
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import tgauth
from tgauth.oidc import TelegramOIDC

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
NOW = 1_800_000_000
CLAIMS = {"iss": "https://oauth.telegram.org", "aud": "7342037359", "sub": "opaque-sub", "id": 279058397,
          "name": "Vladislav", "preferred_username": "vdkfrost", "iat": NOW - 10, "exp": NOW + 3590, "nonce": "n-1",
          "telegram_extra": {"a": 1}}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def num(n: int, size: int) -> str:
    return b64(n.to_bytes(size, "big"))


KEYS = {
    "RS256": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "ES256": ec.generate_private_key(ec.SECP256R1()),
    "EdDSA": ed25519.Ed25519PrivateKey.generate(),
    "ES256K": ec.generate_private_key(ec.SECP256K1()),
}


def jwk(alg: str, kid: str) -> dict:
    key = KEYS[alg].public_key()
    if alg == "RS256":
        n = key.public_numbers()
        return {"kty": "RSA", "alg": alg, "kid": kid, "n": num(n.n, 256), "e": num(n.e, 3)}
    if alg == "EdDSA":
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
        return {"kty": "OKP", "crv": "Ed25519", "alg": alg, "kid": kid, "x": b64(key.public_bytes(Encoding.Raw, PublicFormat.Raw))}
    p = key.public_numbers()
    return {"kty": "EC", "crv": "P-256" if alg == "ES256" else "secp256k1", "alg": alg, "kid": kid,
            "x": num(p.x, 32), "y": num(p.y, 32)}


def sign(alg: str, message: bytes) -> bytes:
    key = KEYS[alg]
    if alg == "RS256":
        return key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    if alg == "EdDSA":
        return key.sign(message)
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def token(alg: str, claims=None, kid=None) -> str:
    header = {"alg": alg, "kid": kid or alg.lower()}
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims or CLAIMS).encode())
    return signing_input + "." + b64(sign(alg, signing_input.encode()))


JWKS = json.dumps({"keys": [jwk(alg, alg.lower()) for alg in KEYS]})


@pytest.fixture(scope="module")
def oidc():
    return TelegramOIDC(7342037359, jwks=JWKS)


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_tokens_of_an_independent_library_verify(oidc, alg):
    t = oidc.verify_id_token(token(alg), nonce="n-1", now=NOW)
    assert (t.sub, t.id, t.name, t.preferred_username, t.iat, t.exp, t.nonce) == (
        "opaque-sub", 279058397, "Vladislav", "vdkfrost", NOW - 10, NOW + 3590, "n-1")
    assert t.extras == {"iss": "https://oauth.telegram.org", "aud": "7342037359", "telegram_extra": {"a": 1}}


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_every_one_byte_change_fails(oidc, alg):
    good = token(alg)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for at in range(0, len(good), 7):
        c = good[at]
        bad = good[:at] + (alphabet[(alphabet.index(c) + 1) % 64] if c in alphabet else "A") + good[at + 1:]
        with pytest.raises(tgauth.AuthError):
            oidc.verify_id_token(bad, now=NOW)


def test_errors_have_their_kinds(oidc):
    with pytest.raises(tgauth.UnknownKeyError):
        oidc.verify_id_token(token("EdDSA", kid="rotated"), now=NOW)
    with pytest.raises(tgauth.BadSignatureError):  # an EdDSA signature under the ES256K key's kid
        oidc.verify_id_token(token("EdDSA", kid="es256k"), now=NOW)
    with pytest.raises(tgauth.BadClaimError) as e:
        oidc.verify_id_token(token("ES256K"), nonce="n-2", now=NOW)
    assert e.value.field == "nonce"
    with pytest.raises(tgauth.ExpiredError):
        oidc.verify_id_token(token("ES256"), now=NOW + 3590 + 61)
    with pytest.raises(tgauth.ExpiredError):
        oidc.verify_id_token(token("ES256"), now=NOW, max_age=5)
    with pytest.raises(tgauth.BadClaimError):
        oidc.verify_id_token(token("RS256", dict(CLAIMS, aud="123")), now=NOW)
    with pytest.raises(tgauth.MalformedError):
        oidc.verify_id_token("a.b", now=NOW)
    with pytest.raises(ValueError):
        TelegramOIDC(1, jwks='{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]}')


def test_a_rotation_replaces_the_keys():
    oidc = TelegramOIDC("7342037359", jwks=JWKS)
    rotated = json.dumps({"keys": [jwk("EdDSA", "next")]})
    oidc.set_jwks(rotated)
    with pytest.raises(tgauth.UnknownKeyError):
        oidc.verify_id_token(token("EdDSA"), now=NOW)
    assert oidc.verify_id_token(token("EdDSA", kid="next"), now=NOW).sub == "opaque-sub"
    with pytest.raises(tgauth.MalformedError):
        oidc.set_jwks("{")
    assert oidc.verify_id_token(token("EdDSA", kid="next"), now=NOW).sub == "opaque-sub"


def test_telegrams_served_key_set_loads():
    with open(os.path.join(ROOT, "tests", "vectors", "telegram-oidc-jwks.json")) as f:
        TelegramOIDC(7342037359, jwks=f.read())


def test_the_authorization_code_flow():
    from urllib.parse import parse_qs, urlsplit

    oidc = TelegramOIDC(7342037359, jwks=JWKS, client_secret="s3cr3t", redirect_uri="https://app.example/callback")
    a, b = oidc.authorization_request(["openid", "profile", "phone"]), oidc.authorization_request()
    q = {k: v[0] for k, v in parse_qs(urlsplit(a.url).query).items()}
    assert a.url.startswith("https://oauth.telegram.org/auth?")
    assert q["client_id"] == "7342037359" and q["redirect_uri"] == "https://app.example/callback"
    assert q["scope"] == "openid profile phone" and q["state"] == a.state and q["nonce"] == a.nonce
    assert q["code_challenge_method"] == "S256" and a.code_verifier not in a.url and len(a.code_verifier) == 43
    import hashlib
    assert q["code_challenge"] == base64.urlsafe_b64encode(hashlib.sha256(a.code_verifier.encode()).digest()).rstrip(b"=").decode()
    assert a.state != b.state and a.code_verifier != b.code_verifier
    assert oidc.authorization_request(nonce=False).nonce is None
    with pytest.raises(ValueError):
        oidc.authorization_request(["email"])

    r = oidc.token_request("c0de", a.code_verifier)
    assert r.url == "https://oauth.telegram.org/token"
    assert r.headers["Authorization"] == "Basic " + base64.b64encode(b"7342037359:s3cr3t").decode()
    assert parse_qs(r.body) == {"grant_type": ["authorization_code"], "code": ["c0de"], "client_id": ["7342037359"],
                                "redirect_uri": ["https://app.example/callback"], "code_verifier": [a.code_verifier]}
    with pytest.raises(ValueError) as e:
        oidc.token_request("c0de", "short")
    assert "s3cr3t" not in str(e.value)

    answer = json.dumps({"access_token": "at", "token_type": "Bearer", "expires_in": 3600,
                         "id_token": token("EdDSA", dict(CLAIMS, nonce=a.nonce))})
    response, verified = oidc.read_token_response(answer, nonce=a.nonce, now=NOW)
    assert (response.access_token, response.expires_in, verified.sub) == ("at", 3600, "opaque-sub")
    with pytest.raises(tgauth.BadClaimError):
        oidc.read_token_response(answer, nonce=b.nonce, now=NOW)
    with pytest.raises(tgauth.OAuthError) as e:
        oidc.read_token_response('{"error":"invalid_grant","error_description":"code used"}')
    assert "invalid_grant" in str(e.value) and "code used" in str(e.value)
    with pytest.raises(ValueError):
        TelegramOIDC(7342037359, jwks=JWKS).authorization_request()
