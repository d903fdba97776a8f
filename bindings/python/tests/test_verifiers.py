"""The verifiers through the Python binding: the public vectors, typed and frozen results, every rejection kind,
the time window, bad arguments, signing, the third-party cache, threads, the library's version and loading."""
import json
import os
import subprocess
import sys
import threading
import time

import pytest

import tgauth

TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
USER = '{"id":9007199254740993,"first_name":"Ünïcode + %","last_name":"L","username":"u_1","language_code":"en","is_premium":true,"photo_url":"https:\\/\\/t.me\\/p.svg"}'


def signed(auth_date=None, **extra):
    fields = {"user": USER, "query_id": "Q1", "chat_instance": "-42", "chat_type": "private"}
    fields.update(extra)
    return tgauth.sign_init_data(TOKEN, fields, auth_date or int(time.time()))


# ---- shared Telegram vectors --------------------------------------------------------------------------

def test_mini_app_vectors(vectors):
    for v in vectors["mini_app_hmac"]:
        data = tgauth.MiniAppValidator(v["bot_token"]).validate(v["init_data"], max_age=None)
        for path, expected in v["expect"].items():
            obj = data
            for part in path.split("."):
                obj = getattr(obj, part)
            assert obj == expected, (v["name"], path)


def test_third_party_vectors(vectors):
    real, custom = vectors["third_party_ed25519"]
    data = tgauth.validate_third_party(real["init_data"], real["bot_id"], max_age=None)
    assert data.user.id == 279058397 and data.signature
    with pytest.raises(tgauth.BadSignatureError) as e:
        tgauth.validate_third_party(real["init_data"], real["bot_id"], environment="test", max_age=None)
    assert e.value.kind == "bad_signature" and e.value.field == "signature"
    data = tgauth.validate_third_party(custom["init_data"], 42, public_key=custom["public_key_hex"], max_age=None)
    assert data.user.first_name == "Test" and data.query_id == "test"
    data = tgauth.validate_third_party(custom["init_data"], 42, public_key=bytes.fromhex(custom["public_key_hex"]), max_age=None)
    assert data.user.id == 42
    with pytest.raises(tgauth.BadSignatureError):
        tgauth.validate_third_party(custom["invalid_variant"], 42, public_key=custom["public_key_hex"], max_age=None)


def test_widget_vectors(vectors):
    for v in vectors["login_widget"]:
        w = tgauth.LoginWidgetVerifier(v["bot_token"])
        for form in (v["query"], v["json"], v["query"].encode(), "myapp://telegram-callback?" + v["query"],
                     "https://example.com/auth?" + v["query"], dict(json.loads(v["json"]))):
            user = w.verify(form, max_age=None)
            assert (user.id, user.first_name, user.last_name, user.username) == (42, "John", "Smith", "username")
            assert user.photo_url == "https://t.me/i/userpic/320/picname.jpg" and user.auth_date == 1565810688


# ---- Mini App -----------------------------------------------------------------------------------------

def test_validate_full_result_str_bytes_and_header():
    v = tgauth.MiniAppValidator(TOKEN)
    text = signed(start_param="sp", custom="x=y")
    for form in (text, text.encode(), "tma " + text, bytearray(text.encode())):
        data = v.validate(form)
        assert isinstance(data, tgauth.InitData)
        assert data.user == tgauth.WebAppUser(
            id=9007199254740993, first_name="Ünïcode + %", last_name="L", username="u_1", language_code="en",
            is_premium=True, photo_url="https://t.me/p.svg")
        assert data.user.is_bot is None and data.receiver is None and data.chat is None
        assert (data.query_id, data.chat_instance, data.chat_type, data.start_param) == ("Q1", "-42", "private", "sp")
        assert data.extras == {"custom": "x=y"}
        assert len(data.hash) == 64 and data.signature is None and data.can_send_after is None


def test_results_are_frozen():
    data = tgauth.MiniAppValidator(TOKEN).validate(signed())
    with pytest.raises(Exception):
        data.user.id = 1
    with pytest.raises(Exception):
        data.auth_date = 1


@pytest.mark.parametrize("mutate, error, kind", [
    (lambda s: "", tgauth.MalformedError, "malformed"),
    (lambda s: s + "&", tgauth.MalformedError, "malformed"),
    (lambda s: "=x&" + s, tgauth.MalformedError, "malformed"),
    (lambda s: s + "&query_id=Q2", tgauth.MalformedError, "malformed"),
    (lambda s: s.replace("Q1", "%zz"), tgauth.MalformedError, "malformed"),
    (lambda s: s[:-64] + s[-64:].upper(), tgauth.MalformedError, "malformed"),
    (lambda s: s.replace("query_id=Q1", "query_id=Q2"), tgauth.BadHashError, "bad_hash"),
    (lambda s: s[: s.index("&hash=")], tgauth.MissingFieldError, "missing_field"),
    (lambda s: s + "&pad=" + "a" * 20000, tgauth.TooLargeError, "too_large"),
])
def test_every_rejection_kind(mutate, error, kind):
    v = tgauth.MiniAppValidator(TOKEN)
    with pytest.raises(error) as e:
        v.validate(mutate(signed()))
    assert isinstance(e.value, tgauth.AuthError) and e.value.kind == kind
    assert TOKEN not in str(e.value) and TOKEN.split(":")[1] not in str(e.value)


def test_time_window():
    v = tgauth.MiniAppValidator(TOKEN)
    old = signed(auth_date=1_000_000)
    with pytest.raises(tgauth.ExpiredError) as e:
        v.validate(old)
    assert e.value.kind == "expired"
    assert v.validate(old, max_age=None).auth_date == 1_000_000
    assert v.validate(old, max_age=0).auth_date == 1_000_000
    assert v.validate(old, max_age=100, now=1_000_050).auth_date == 1_000_000
    with pytest.raises(tgauth.ExpiredError):
        v.validate(old, max_age=100, now=1_000_101)
    with pytest.raises(tgauth.FutureAuthDateError) as e:
        v.validate(old, now=1_000_000 - 61)
    assert e.value.kind == "future_auth_date"
    future = signed(auth_date=int(time.time()) + 3600)
    with pytest.raises(tgauth.FutureAuthDateError):
        v.validate(future)


def test_bad_arguments():
    with pytest.raises(ValueError):
        tgauth.MiniAppValidator("")
    with pytest.raises(TypeError):
        tgauth.MiniAppValidator(123)
    v = tgauth.MiniAppValidator(TOKEN)
    with pytest.raises(TypeError):
        v.validate(12345)
    with pytest.raises(ValueError):
        v.validate(signed(), max_age=-1)
    with pytest.raises(TypeError):
        v.validate(signed(), max_age="1")
    # a bool is refused even after the equal int (True == 1) has been used: limits are checked on every call
    v.validate(signed(), max_age=1)
    for validator in (v, tgauth.LoginWidgetVerifier(TOKEN)):
        check = validator.validate if isinstance(validator, tgauth.MiniAppValidator) else validator.verify
        with pytest.raises(TypeError):
            check(signed(), max_age=True)
        with pytest.raises(TypeError):
            check(signed(), max_bytes=16384.0)
    with pytest.raises(ValueError):
        v.validate(signed(), now=-5)
    with pytest.raises(ValueError):
        tgauth.validate_third_party("x", 0)
    with pytest.raises(TypeError):
        tgauth.validate_third_party("x", "42")
    with pytest.raises(ValueError):
        tgauth.validate_third_party("x", 42, environment="staging")
    with pytest.raises(ValueError):
        tgauth.validate_third_party("x", 42, public_key=b"\0" * 31)
    with pytest.raises(ValueError):
        tgauth.validate_third_party("x", 42, public_key="zz" * 32)
    with pytest.raises(ValueError):
        tgauth.sign_init_data(TOKEN, {"hash": "x"}, 1)
    with pytest.raises(ValueError):
        tgauth.sign_init_data(TOKEN, {"a": "b"}, -1)
    with pytest.raises(ValueError):
        tgauth.sign_init_data(TOKEN, {"a": "b"}, 1, ed25519_private_key="11" * 32)
    with pytest.raises(TypeError):
        tgauth.sign_widget(TOKEN, [("a",)], 1)


# ---- third party and signing -------------------------------------------------------------------------

def test_sign_with_ed25519_round_trip(vectors):
    custom = vectors["third_party_ed25519"][1]
    text = tgauth.sign_init_data(TOKEN, [("user", USER)], int(time.time()),
                                 ed25519_private_key=custom["private_key_seed_hex"], bot_id=42)
    data = tgauth.validate_third_party(text, 42, public_key=custom["public_key_hex"])
    assert data.user.id == 9007199254740993 and len(data.signature) in (86, 88)
    assert tgauth.MiniAppValidator(TOKEN).validate(text).signature == data.signature
    validator = tgauth.ThirdPartyValidator(43, public_key=custom["public_key_hex"])
    with pytest.raises(tgauth.BadSignatureError):
        validator.validate(text)
    with pytest.raises(tgauth.MissingFieldError) as e:
        tgauth.validate_third_party(signed(), 42, public_key=custom["public_key_hex"])
    assert e.value.field == "signature"
    bad = text.replace("signature=", "signature=%2B")
    with pytest.raises(tgauth.MalformedError):
        tgauth.validate_third_party(bad, 42, public_key=custom["public_key_hex"])


def test_third_party_cache_hits_recheck_time_and_can_be_turned_off(vectors):
    custom = vectors["third_party_ed25519"][1]
    issued = 1_700_000_000
    text = tgauth.sign_init_data(TOKEN, [("user", USER)], issued,
                                 ed25519_private_key=custom["private_key_seed_hex"], bot_id=42)
    v = tgauth.ThirdPartyValidator(42, public_key=custom["public_key_hex"], cache_size=4)
    assert v.cache_stats == tgauth.CacheStats(hits=0, misses=0, entries=0, capacity=4)
    first = v.validate(text, max_age=60, now=issued + 1)
    again = v.validate(text.encode(), max_age=60, now=issued + 2)
    header = v.validate("tma " + text, max_age=60, now=issued + 3)
    assert first == again == header and again.user.id == 9007199254740993
    assert v.cache_stats == tgauth.CacheStats(hits=2, misses=1, entries=1, capacity=4)
    # a hit still applies the caller's time window: expired, then dropped from the cache
    with pytest.raises(tgauth.ExpiredError):
        v.validate(text, max_age=60, now=issued + 3600)
    assert v.cache_stats.entries == 0
    with pytest.raises(tgauth.FutureAuthDateError):
        v.validate(text, max_age=60, now=issued - 3600)
    # a changed byte is never answered from the cache
    v.validate(text, max_age=None)
    with pytest.raises(tgauth.BadSignatureError):
        v.validate(text.replace("first_name", "first_namf"), max_age=None)
    v.cache_size = 0
    assert v.cache_size == 0
    v.validate(text, max_age=None)
    assert v.cache_stats.entries == 0
    with pytest.raises(ValueError):
        v.cache_size = -1
    with pytest.raises(TypeError):
        tgauth.ThirdPartyValidator(42, cache_size="10")
    assert tgauth.ThirdPartyValidator(42).cache_size == tgauth.DEFAULT_CACHE_SIZE


def test_sign_widget_and_verify_every_form():
    fields = {"id": "77", "first_name": "Ann", "username": "ann", "new_field": "kept"}
    signed_fields = tgauth.sign_widget(TOKEN, fields, int(time.time()))
    assert set(signed_fields) == set(fields) | {"auth_date", "hash"}
    w = tgauth.LoginWidgetVerifier(TOKEN)
    user = w.verify(signed_fields)
    assert (user.id, user.first_name, user.username, user.last_name) == (77, "Ann", "ann", None)
    assert user.extras == {"new_field": "kept"}
    js = dict(signed_fields, id=77, auth_date=int(signed_fields["auth_date"]))
    assert w.verify(js).id == 77
    assert w.verify(json.dumps(js)).id == 77
    with pytest.raises(tgauth.BadHashError):
        w.verify(dict(signed_fields, first_name="Eve"))
    with pytest.raises(tgauth.MalformedError):
        w.verify(dict(signed_fields, first_name="a\0b"))
    with pytest.raises(tgauth.MissingFieldError):
        w.verify({k: v for k, v in signed_fields.items() if k != "hash"})
    with pytest.raises(TypeError):
        w.verify({1: "x"})
    with pytest.raises(TypeError):
        w.verify(3.5)


def test_library_version():
    assert tgauth.library_version() == tgauth.__version__
    assert tgauth.__version__.count(".") == 2


# ---- threads ------------------------------------------------------------------------------------------

def test_eight_threads_share_validators():
    v = tgauth.MiniAppValidator(TOKEN)
    w = tgauth.LoginWidgetVerifier(TOKEN)
    now = int(time.time())
    good = [tgauth.sign_init_data(TOKEN, {"user": '{"id":%d,"first_name":"T%d"}' % (i, i)}, now) for i in range(50)]
    widgets = [tgauth.sign_widget(TOKEN, {"id": str(i), "first_name": "W"}, now) for i in range(50)]
    wrong = []

    def work(seed):
        for n in range(2000):
            i = (seed * 7 + n) % 50
            if v.validate(good[i]).user.id != i:
                wrong.append(("mini", i))
            if w.verify(widgets[i]).id != i:
                wrong.append(("widget", i))
            if n % 10 == 0:
                try:
                    v.validate(good[i].replace("T", "X"))
                    wrong.append(("accepted", i))
                except tgauth.BadHashError:
                    pass

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


# ---- loading ------------------------------------------------------------------------------------------

def test_load_failure_says_where_it_looked(tmp_path):
    code = "import tgauth"
    env = dict(os.environ, TGAUTH_LIBRARY=str(tmp_path / "missing.so"), LD_LIBRARY_PATH="")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode != 0
    assert "OSError" in out.stderr and "TGAUTH_LIBRARY" in out.stderr and "missing.so" in out.stderr
    # without the variable the other places are listed
    env.pop("TGAUTH_LIBRARY")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        assert "package copy" in out.stderr or "find_library" in out.stderr
