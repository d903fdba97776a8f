"""Differential testing of id_tokens: hypothesis generates claims (unicode names, 64-bit ids, optional claims),
PyJWT signs them with a key of each of the four kinds (its cryptography backend: independent of tgauth's
OpenSSL, libsodium and libsecp256k1 calls), and tgauth.oidc must accept every token with the same claims;
then one byte of the token is changed, and the token must be refused (tgauth reads base64url canonically, so
no changed byte, not even in the unused bits of the last character, leaves the same token).
"""
import json
import os
import sys
import time

import jwt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tgauth
from tgauth.oidc import TelegramOIDC

NOW = int(time.time())
# keys, their JWKs and the cryptography-only signer come from the example's simulator of Telegram
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python"))
from oidc_simulator import ALGORITHMS, new_key, public_jwk, sign_jws  # noqa: E402

KEYS = {alg: new_key(alg) for alg in ALGORITHMS}

OURS = TelegramOIDC(7342037359, jwks=json.dumps({"keys": [public_jwk(a, a, k) for a, k in KEYS.items()]}))

# Two deliberate disagreements, each pinned by its own test below: a claim with NUL (C reads claims as
# NUL-terminated strings, where "a\0b" would read as "a") and a claim with a lone surrogate (json.dumps writes
# it as an escape such as "\ud800", which no UTF-8 text can hold; tgauth's strict JSON reader refuses it).
# PyJWT accepts both; tgauth refuses both as malformed.
text = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))
claims_strategy = st.fixed_dictionaries(
    {"sub": st.text(text, min_size=1, max_size=40), "id": st.integers(min_value=1, max_value=2**63 - 1)},
    optional={"name": st.text(text, max_size=60), "preferred_username": st.from_regex(r"[A-Za-z0-9_]{5,32}", fullmatch=True),
              "picture": st.just("https://t.me/i/userpic/320/x.jpg"), "phone_number": st.from_regex(r"\+[0-9]{7,15}", fullmatch=True),
              "nonce": st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=43)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alg=st.sampled_from(sorted(KEYS)), extra=claims_strategy, position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_pyjwt_tokens_verify_and_any_changed_byte_fails(alg, extra, position, flip):
    claims = dict(extra, iss="https://oauth.telegram.org", aud="7342037359", iat=NOW - 5, exp=NOW + 3600)
    token = jwt.encode(claims, KEYS[alg], algorithm=alg, headers={"kid": alg})
    verified = OURS.verify_id_token(token, nonce=claims.get("nonce"))
    assert verified.sub == claims["sub"] and verified.id == claims["id"] and verified.name == claims.get("name")
    raw = bytearray(token.encode())
    at = position % len(raw)
    raw[at] ^= flip
    with pytest.raises((tgauth.AuthError, ValueError)):  # canonical base64url: no changed byte is the same token
        OURS.verify_id_token(bytes(raw))


@pytest.mark.parametrize("alg", sorted(KEYS))
@pytest.mark.parametrize("claim", ["sub", "name"])
def test_nul_in_a_claim_is_refused(alg, claim):
    claims = {"sub": "s", "id": 1, "iss": "https://oauth.telegram.org", "aud": "7342037359", "iat": NOW - 5,
              "exp": NOW + 3600, claim: "a\x00b"}
    token = jwt.encode(claims, KEYS[alg], algorithm=alg, headers={"kid": alg})
    with pytest.raises(tgauth.MalformedError, match="NUL"):
        OURS.verify_id_token(token)


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_a_lone_surrogate_in_a_claim_is_refused(alg):
    claims = {"sub": "s\ud800", "id": 1, "iss": "https://oauth.telegram.org", "aud": "7342037359", "iat": NOW - 5,
              "exp": NOW + 3600}
    token = jwt.encode(claims, KEYS[alg], algorithm=alg, headers={"kid": alg})
    with pytest.raises(tgauth.MalformedError, match="surrogate"):
        OURS.verify_id_token(token)


# The same with tokens signed by `cryptography` itself, not through PyJWT: the example's simulator signs that way
# (RSASSA-PKCS1-v1_5, ECDSA turned into raw r||s by hand, Ed25519), with S high or low as ECDSA draws it.

@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(alg=st.sampled_from(sorted(KEYS)), extra=claims_strategy, position=st.integers(min_value=0), flip=st.integers(1, 255))
def test_cryptography_tokens_verify_and_any_changed_byte_fails(alg, extra, position, flip):
    claims = dict(extra, iss="https://oauth.telegram.org", aud="7342037359", iat=NOW - 5, exp=NOW + 3600)
    token = sign_jws(alg, alg, KEYS[alg], claims)
    verified = OURS.verify_id_token(token, nonce=claims.get("nonce"))
    assert verified.sub == claims["sub"] and verified.id == claims["id"] and verified.name == claims.get("name")
    raw = bytearray(token.encode())
    raw[position % len(raw)] ^= flip
    with pytest.raises((tgauth.AuthError, ValueError)):
        OURS.verify_id_token(bytes(raw))
