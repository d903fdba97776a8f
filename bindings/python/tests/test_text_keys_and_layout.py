"""Text, keys and layout through the Python binding: text with no UTF-8 form is a verdict (MalformedError),
never a UnicodeEncodeError; key sets and claims are held to the rules; a library of another record layout is
refused when the binding loads."""
import importlib.util
import os
import subprocess
import sys

import pytest

import tgauth
from tgauth.oidc import TelegramOIDC

TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
JWKS = os.path.join(ROOT, "tests", "vectors", "telegram-oidc-jwks.json")
LONE = "\udcff"  # what surrogateescape decoding leaves for the byte 0xff


def served_jwks():
    with open(JWKS) as f:
        return f.read()


# ---- a str that UTF-8 cannot carry -----------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: tgauth.MiniAppValidator(TOKEN).validate("query_id=" + LONE),
    lambda: tgauth.ThirdPartyValidator(7342037359).validate("query_id=" + LONE),
    lambda: tgauth.LoginWidgetVerifier(TOKEN).verify("id=" + LONE),
    lambda: tgauth.LoginWidgetVerifier(TOKEN).verify({"id": "1", "first_name": LONE}),
    lambda: tgauth.MiniAppValidator(TOKEN + LONE),
    lambda: tgauth.sign_init_data(TOKEN, {"query_id": LONE}, 1),
    lambda: TelegramOIDC(7342037359, jwks=served_jwks()).verify_id_token("a." + LONE + ".c"),
    lambda: TelegramOIDC(7342037359, jwks=served_jwks()).verify_id_token("a.b.c", nonce=LONE),
    lambda: tgauth.DeepLinkLogin("TgAuthBot", "wh-secret").start(device=LONE),
    lambda: tgauth.DeepLinkLogin("TgAuthBot", "wh-secret").handle_webhook(b"{}", LONE),
    lambda: tgauth.DeepLinkLogin("TgAuthBot", "wh-secret").poll(LONE),
], ids=["mini_app", "third_party", "widget", "widget mapping", "bot token", "signing", "id_token", "nonce",
        "deep-link device", "webhook header", "poll secret"])
def test_a_lone_surrogate_is_malformed_data(call):
    with pytest.raises(tgauth.MalformedError) as caught:
        call()
    assert "UTF-8" in str(caught.value)


# ---- key sets and claims (the input table holds each rule; here, the messages and a good case) -------

def test_a_weak_rsa_key_is_refused_by_its_kid():
    import json

    keys = json.loads(served_jwks())
    keys["keys"][0]["e"] = "AQ"  # e = 1: the signature of a message would be its padded digest
    with pytest.raises(ValueError) as caught:
        TelegramOIDC(7342037359, jwks=json.dumps(keys))
    assert "JWK oidc-1" in str(caught.value) and "exponent" in str(caught.value)


def test_a_key_set_over_the_limit_is_too_large():
    with pytest.raises(tgauth.TooLargeError):
        TelegramOIDC(7342037359, jwks=b'{"keys":[],"pad":"' + b"a" * (1 << 20) + b'"}')


def test_azp_lets_a_token_name_several_audiences():
    from test_input_table import signed_claims

    claims = b'{"iss":"https://oauth.telegram.org","aud":["7342037359","other"],"azp":"7342037359","sub":"s","iat":1700000000,"exp":1700003600,"nbf":1700000030}'
    key_set, token = signed_claims(claims)
    verified = TelegramOIDC(7342037359, jwks=key_set).verify_id_token(token, now=1_700_000_000)
    assert verified.sub == "s" and verified.extras["azp"] == "7342037359"  # nbf 30 s ahead is within the skew


# ---- records: a library of another layout is refused when the binding loads -----------------------------

def load_generator():
    spec = importlib.util.spec_from_file_location("generate", os.path.join(ROOT, "scripts", "generate.py"))
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    return generate


def test_a_nested_field_added_changes_the_fingerprint():
    generate = load_generator()
    objects, by_name = generate.load()
    assert generate.record_fingerprint(objects, by_name) == tgauth._results.RECORD_FINGERPRINT
    by_name["WebAppUser"]["fields"].append({"name": "emoji_status", "type": "string", "required": False})
    assert generate.record_fingerprint(objects, by_name) != tgauth._results.RECORD_FINGERPRINT


def stand_in_library(tmp_path, fingerprint):
    """A library that says it is 0.2 and writes records of `fingerprint` (None: it has no fingerprint at all)."""
    body = "unsigned tgauth_version_number(void) { return 200; }\n"
    if fingerprint is not None:
        body += f'const char *tgauth_record_fingerprint(void) {{ return "{fingerprint}"; }}\n'
    source, library = tmp_path / "stand_in.c", tmp_path / "libstand_in.so"
    source.write_text(body)
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return str(library)


@pytest.mark.parametrize("layout", ["next", None], ids=["a layout with a nested field added", "no fingerprint"])
def test_the_binding_refuses_a_library_of_another_layout(tmp_path, layout):
    generate = load_generator()
    objects, by_name = generate.load()
    by_name["WebAppUser"]["fields"].append({"name": "emoji_status", "type": "string", "required": False})
    fingerprint = generate.record_fingerprint(objects, by_name) if layout else None
    env = dict(os.environ, TGAUTH_LIBRARY=stand_in_library(tmp_path, fingerprint))
    run = subprocess.run([sys.executable, "-c", "import tgauth"], capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert run.returncode != 0 and "OSError" in run.stderr
    expected = f"record layout {fingerprint}" if layout else "no tgauth_record_fingerprint"
    assert expected in run.stderr, run.stderr
    # the same stand-in with this binding's layout passes the check (and then lacks the functions it never had)
    env["TGAUTH_LIBRARY"] = stand_in_library(tmp_path, tgauth._results.RECORD_FINGERPRINT)
    run = subprocess.run([sys.executable, "-c", "import tgauth"], capture_output=True, text=True, env=env, cwd=str(tmp_path))
    assert "record layout" not in run.stderr and "AttributeError" in run.stderr and "tgauth_" in run.stderr


# ---- inputs bounded before they are copied ------------------------------------------------------------

def test_each_input_kind_has_its_limit():
    oidc = TelegramOIDC(7342037359, jwks=served_jwks())
    with pytest.raises(tgauth.TooLargeError) as caught:
        oidc.verify_id_token(b"a" * (16384 + 1))
    assert "the limit is 16384" in str(caught.value)
    with pytest.raises(tgauth.MalformedError):
        oidc.verify_id_token(b"a" * 16384)  # at the limit it is read, and is no JWS
    with pytest.raises(ValueError) as caught:
        tgauth.MiniAppValidator("1:" + "a" * 4096)
    assert "the limit is 4096" in str(caught.value)
    with pytest.raises(ValueError):
        oidc.verify_id_token("a.b.c", nonce="n" * 4097)
    with pytest.raises(ValueError):
        tgauth.DeepLinkLogin("TgAuthBot", "s" * 4097)


# ---- the Bot API webhook secret token (issue 28's first part) ------------------------------------------

def test_the_webhook_secret_check():
    tgauth.check_webhook_secret("s3cr3t_-Token", "s3cr3t_-Token")
    for wrong in (None, "", "s3cr3t", "s3cr3t_-Token ", "S3CR3T_-TOKEN"):
        with pytest.raises(tgauth.BadWebhookSecretError) as caught:
            tgauth.check_webhook_secret("s3cr3t_-Token", wrong)
        assert "s3cr3t" not in str(caught.value)
    with pytest.raises(ValueError):
        tgauth.check_webhook_secret("has space", "has space")
    with pytest.raises(tgauth.MalformedError):
        tgauth.check_webhook_secret("s3cr3t_-Token", "\udcff")
