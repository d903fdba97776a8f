"""Telegram Gateway delivery reports through the binding: Telegram's documented formula, computed here with
Python's own hmac and hashlib, accepted; every refusal its AuthError; the CLI's exit statuses."""
import hashlib
import hmac
import json
import os
import subprocess
import time

import pytest

import tgauth
from tgauth.gateway import DEFAULT_MAX_SKEW

TOKEN = "gw-12345:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
NOW = 1733200100
BODY = json.dumps({
    "request_id": "eAAAAAAAAAA", "phone_number": "+15551234567", "request_cost": 0.03, "is_refunded": False,
    "remaining_balance": 12.47, "delivery_status": {"status": "read", "updated_at": 1733200050},
    "verification_status": {"status": "code_valid", "updated_at": 1733200090, "code_entered": "8817"},
    "payload": "order-77", "a_member_added_later": [1, {"x": None}],
}).encode()


def sign(body=BODY, timestamp=str(NOW), token=TOKEN):
    """The X-Request-Signature Telegram sends: hex HMAC-SHA256(SHA256(token), timestamp + "\\n" + body)."""
    key = hashlib.sha256(token.encode()).digest()
    return hmac.new(key, timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


VERIFIER = tgauth.GatewayReportVerifier(TOKEN)


def test_a_report_signed_by_telegrams_formula_is_returned_typed():
    report = VERIFIER.verify(BODY, timestamp=str(NOW), signature=sign(), now=NOW)
    assert report == tgauth.GatewayReport(
        request_id="eAAAAAAAAAA", phone_number="+15551234567", request_cost=0.03, is_refunded=False,
        remaining_balance=12.47, delivery_status=tgauth.DeliveryStatus(status="read", updated_at=1733200050),
        verification_status=tgauth.VerificationStatus(status="code_valid", updated_at=1733200090, code_entered="8817"),
        payload="order-77")
    assert VERIFIER.max_skew == DEFAULT_MAX_SKEW == 300
    assert VERIFIER.sign(BODY, str(NOW)) == sign()


def test_the_system_clock_is_the_default():
    stamp = str(int(time.time()))
    assert VERIFIER.verify(BODY, timestamp=stamp, signature=sign(timestamp=stamp)).request_id == "eAAAAAAAAAA"
    with pytest.raises(tgauth.ExpiredError):
        old = str(int(time.time()) - 400)
        VERIFIER.verify(BODY, timestamp=old, signature=sign(timestamp=old))


@pytest.mark.parametrize("change, error", [
    (dict(body=BODY.replace(b"0.03", b"0.01")), tgauth.BadSignatureError),
    (dict(body=BODY + b"\n"), tgauth.BadSignatureError),
    (dict(timestamp=str(NOW + 1)), tgauth.BadSignatureError),
    (dict(signature=sign(token="another")), tgauth.BadSignatureError),
    (dict(signature=sign().upper()), tgauth.MalformedError),
    (dict(signature=sign()[:-2]), tgauth.MalformedError),
    (dict(timestamp="17332001OO"), tgauth.MalformedError),
    (dict(timestamp=None), tgauth.MissingFieldError),
    (dict(signature=None), tgauth.MissingFieldError),
    (dict(now=NOW + 301), tgauth.ExpiredError),
    (dict(now=NOW - 301), tgauth.FutureAuthDateError),
    (dict(body=b" " * 16385), tgauth.TooLargeError),
])
def test_each_refusal_is_its_auth_error(change, error):
    args = dict(body=BODY, timestamp=str(NOW), signature=sign(), now=NOW)
    args.update(change)
    with pytest.raises(error) as raised:
        VERIFIER.verify(args.pop("body"), **args)
    assert TOKEN not in str(raised.value) and raised.value.kind


def test_the_window_is_the_verifiers():
    strict = tgauth.GatewayReportVerifier(TOKEN, max_skew=5)
    assert strict.verify(BODY, timestamp=str(NOW), signature=sign(), now=NOW + 5).payload == "order-77"
    with pytest.raises(tgauth.ExpiredError):
        strict.verify(BODY, timestamp=str(NOW), signature=sign(), now=NOW + 6)


def test_a_body_that_is_not_a_request_status_is_malformed_after_the_signature():
    for body, error in ((b"[]", tgauth.MalformedError), (b'{"request_id":"r"}', tgauth.MissingFieldError),
                        (b'{"request_id":"r","phone_number":"+1","request_cost":"1"}', tgauth.MalformedError)):
        with pytest.raises(error):
            VERIFIER.verify(body, timestamp=str(NOW), signature=sign(body), now=NOW)


def test_arguments_are_checked():
    for bad in ("", "has space"):
        with pytest.raises(ValueError) as raised:
            tgauth.GatewayReportVerifier(bad)
        assert not bad or bad not in str(raised.value)
    with pytest.raises(ValueError):
        tgauth.GatewayReportVerifier(TOKEN, max_skew=-1)
    with pytest.raises(TypeError):
        tgauth.GatewayReportVerifier(TOKEN, max_skew="300")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        VERIFIER.verify(BODY, timestamp=str(NOW), signature=sign(), now="now")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        VERIFIER.verify(42, timestamp=str(NOW), signature=sign())  # type: ignore[arg-type]


CLI = os.environ.get("TGAUTH_CLI") or os.path.join(os.path.dirname(__file__), "..", "..", "..", "build", "bin", "tgauth")


def test_the_cli_prints_the_report_or_the_refusal(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    args = [CLI, "verify", "gateway-report", "--token-file", str(token_file), "--timestamp", str(NOW),
            "--signature", sign(), "--now", str(NOW)]
    ok = subprocess.run(args, input=BODY, capture_output=True)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["verification_status"]["code_entered"] == "8817"
    bad = subprocess.run(args + [BODY.decode().replace("0.03", "0.01")], capture_output=True, text=True)
    assert bad.returncode == 1 and bad.stderr.startswith("error: bad_signature: ") and TOKEN not in bad.stderr
    token_file.write_text("")
    assert subprocess.run(args, input=BODY, capture_output=True).returncode == 2
