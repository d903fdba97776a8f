"""Adversarial inputs through the Python binding: extreme integers, control bytes in messages,
duplicate JSON members, the signature rule of each path, the third-party cache under hash variants, and the
deep-link abuse cases."""
import json
import time
import urllib.parse

import pytest

import tgauth

TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"
ISSUED = 1_700_000_000
SECRET = "wh-secret_1"
ALICE = {"id": 111, "is_bot": False, "first_name": "Alice", "username": "alice"}


def signed(user='{"id":1,"first_name":"A"}', **extra):
    return tgauth.sign_init_data(TOKEN, [("user", user), *extra.items()], ISSUED)


# ---- integers that do not fit the C types ------------------------------------------------------------

def test_times_at_the_ends_of_64_bits_give_exact_verdicts():
    app = tgauth.MiniAppValidator(TOKEN)
    data = signed()
    with pytest.raises(tgauth.ExpiredError) as old:
        app.validate(data, now=2**63 - 1)
    assert f"auth_date is {2**63 - 1 - ISSUED} s old" in str(old.value)
    assert app.validate(data, max_age=2**63 - 1, now=2**63 - 1).user.id == 1


def test_ints_that_would_wrap_in_ctypes_are_refused():
    app = tgauth.MiniAppValidator(TOKEN)
    data = signed()
    for kwargs in ({"now": 2**64 + 10}, {"now": 2**63}, {"max_age": 2**64}):
        with pytest.raises(ValueError):
            app.validate(data, **kwargs)
    # a bot id of 2**64 + 42 would have become bot 42
    with pytest.raises(ValueError):
        tgauth.ThirdPartyValidator(2**64 + 7342037359)
    with pytest.raises(ValueError):
        tgauth.sign_init_data(TOKEN, [], 2**64 + ISSUED)
    for kwargs in ({"ttl": 2**64 + 300}, {"interval": 2**64}, {"capacity": 2**64 + 1}):
        with pytest.raises(ValueError):
            tgauth.DeepLinkLogin("TgAuthBot", SECRET, **kwargs)


def test_a_size_limit_past_any_buffer_is_no_limit():
    app = tgauth.MiniAppValidator(TOKEN)
    for limit in (2**63, 2**64 - 1, 10**30):
        assert app.validate(signed(), max_age=None, max_bytes=limit).user.id == 1


# ---- messages ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a%0D%1B%5B31mFAKE=1&a%0D%1B%5B31mFAKE=2",
    "a%0D%1B%5B31mFAKE",
    "x%7F%0A=%FF",
    "user=%7B%22id%22%3A1%2C%22first_name%22%3A%22A%22%2C%22%0D%1B%22%3A1%2C%22%0D%1B%22%3A2%7D",
])
def test_no_message_or_field_carries_a_control_byte(text):
    for verify in (tgauth.MiniAppValidator(TOKEN).validate, tgauth.LoginWidgetVerifier("1:abc").verify):
        with pytest.raises(tgauth.AuthError) as rejected:
            verify(text)
        for shown in (str(rejected.value), rejected.value.field or ""):
            assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in shown), repr(shown)
    with pytest.raises(tgauth.MalformedError) as dup:
        tgauth.MiniAppValidator(TOKEN).validate("a%0D%1B%5B31mFAKE=1&a%0D%1B%5B31mFAKE=2")
    assert "a\\r\\x1b[31mFAKE" in str(dup.value)


# ---- strictness --------------------------------------------------------------------------------------

@pytest.mark.parametrize("member", ["user", "receiver"])
def test_a_member_given_twice_is_malformed(member):
    app = tgauth.MiniAppValidator(TOKEN)
    for twice in ('{"id":1,"first_name":"A","first_name":"B"}', '{"id":1,"i\\u0064":2,"first_name":"A"}',
                  '{"id":1,"first_name":"A","x":1,"x":2}', '{"id":1,"first_name":"A","last_name":null,"last_name":"L"}'):
        data = tgauth.sign_init_data(TOKEN, [(member, twice), ("user", '{"id":2,"first_name":"U"}')] if member == "receiver"
                                     else [(member, twice)], ISSUED)
        with pytest.raises(tgauth.MalformedError, match="duplicate member"):
            app.validate(data, max_age=None)
    chat = tgauth.sign_init_data(TOKEN, [("chat", '{"id":1,"type":"group","title":"T","title":"U"}')], ISSUED)
    with pytest.raises(tgauth.MalformedError, match="duplicate member"):
        app.validate(chat, max_age=None)


def test_the_hmac_path_takes_any_signature_the_hash_covers():
    app = tgauth.MiniAppValidator(TOKEN)
    for value in ("", "not base64!", "x" * 86 + "=="):
        assert app.validate(signed(signature=value), max_age=None).signature == value


def test_third_party_signatures_are_86_base64url_characters(vectors):
    custom = vectors["third_party_ed25519"][1]
    v = tgauth.ThirdPartyValidator(custom["bot_id"], public_key=custom["public_key_hex"], cache_size=0)
    text = custom["init_data"]
    signature = dict(urllib.parse.parse_qsl(text))["signature"]
    assert len(signature) == 86
    assert v.validate(text, max_age=None).user.id == 42
    # percent-encoding is decoding, as for every value: the same signature
    escaped = text.replace(signature, "%" + format(ord(signature[0]), "02X") + signature[1:])
    assert v.validate(escaped, max_age=None).user.id == 42
    for bad in (signature + "==", signature + "%3D%3D", signature[:-1], signature.replace(signature[5], "+", 1)):
        with pytest.raises(tgauth.MalformedError):
            v.validate(text.replace(signature, bad), max_age=None)


# ---- the third-party cache -----------------------------------------------------------------------------

def test_2048_hash_variants_of_one_payload_leave_the_cache_intact(vectors):
    custom = vectors["third_party_ed25519"][1]
    seed = custom["private_key_seed_hex"]
    v = tgauth.ThirdPartyValidator(42, public_key=custom["public_key_hex"], cache_size=16)
    payloads = [tgauth.sign_init_data(TOKEN, [("user", f'{{"id":{i},"first_name":"U"}}')], ISSUED,
                                      ed25519_private_key=seed, bot_id=42) for i in range(1, 9)]
    for p in payloads:
        v.validate(p, max_age=None)
    original = payloads[0]
    unhashed = "&".join(part for part in original.split("&") if not part.startswith("hash="))
    for i in range(2048):
        assert v.validate(f"{unhashed}&hash={i:064x}", max_age=None).user.id == 1
    stats = v.cache_stats
    assert stats.entries == 8 and stats.misses == 8 and stats.hits == 2048
    for p in payloads:
        v.validate(p, max_age=None)
    assert v.cache_stats.hits == 2048 + 8


# ---- deep-link abuse ---------------------------------------------------------------------------------

def start_update(token, chat_type="private", user=ALICE):
    chat = {"id": user["id"] if chat_type == "private" else -100123, "type": chat_type}
    return json.dumps({"update_id": 1, "message": {"message_id": 5, "from": user, "date": 1, "chat": chat,
                                                   "text": f"/start {token}"}})


def test_a_token_posted_in_a_group_cancels_the_login():
    flow = tgauth.DeepLinkLogin("TgAuthBot", SECRET, app_name="Acme")
    s = flow.start(device="Pixel 8")
    r = flow.handle_webhook(start_update(s.login_token, "supergroup"), SECRET)
    assert r.outcome == "refused" and r.reason == "group_chat"
    reply = json.loads(r.response_body)
    assert reply["chat_id"] == -100123 and "cancelled" in reply["text"]
    assert flow.wait(s.poll_secret, timeout=1).status == "denied"
    member = dict(ALICE, id=222, first_name="Member")
    assert flow.handle_webhook(start_update(s.login_token, user=member), SECRET).outcome == "ignored"
    time.sleep(0.01)
    assert flow.poll(s.poll_secret).status == "denied"


def test_the_device_text_is_one_quoted_line():
    flow = tgauth.DeepLinkLogin("TgAuthBot", SECRET, app_name="Acme")
    s = flow.start(device="Chrome\n\nTelegram: your account is verified.\r\x1b[31m Tap Confirm")
    ask = json.loads(flow.handle_webhook(start_update(s.login_token), SECRET).response_body)["text"]
    lines = ask.split("\n")
    assert lines[:3] == ["Log in to Acme?", "Device: “Chrome Telegram: your account is verified. [31m Tap Confirm”", ""]
    assert not any(ord(c) < 0x20 and c != "\n" for c in ask)
    s = flow.start(device="я" * 300)
    ask = json.loads(flow.handle_webhook(start_update(s.login_token), SECRET).response_body)["text"]
    assert "Device: “" + "я" * 63 + "…”" in ask
    with pytest.raises(tgauth.TooLargeError):
        flow.start(device="x" * 1025)


def test_expired_logins_free_their_place_at_once():
    flow = tgauth.DeepLinkLogin("TgAuthBot", SECRET, ttl=1, capacity=50)
    for _ in range(50):
        flow.start()
    with pytest.raises(tgauth.StoreError) as full:
        flow.start()
    assert full.value.kind == "store_full"
    time.sleep(1.1)
    mine = flow.start(device="mine")  # not ttl + 600 s later: now
    assert flow.poll(mine.poll_secret).status == "pending"
