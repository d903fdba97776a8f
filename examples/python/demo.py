"""make demo: every verification kind end to end from Python, on data signed by the library itself."""
import json
import os
import sys
import time

import tgauth

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "vectors", "telegram-vectors.json")
TOKEN = "5768337691:AAH5YkoiEuPk8-FZa32hStHTqXiLPtAEhx8"

print(f"tgauth (Python) over libtgauth {tgauth.library_version()}")
now = int(time.time())
init = tgauth.sign_init_data(TOKEN, {"user": '{"id":279058397,"first_name":"Vladislav","username":"vdkfrost"}',
                                     "chat_instance": "-42", "chat_type": "private"}, now)
data = tgauth.MiniAppValidator(TOKEN).validate("tma " + init)
assert data.user is not None  # initData may come without a user (from an inline button in a group)
print(f"Mini App initData:  user {data.user.id} {data.user.first_name} (@{data.user.username}), chat_type {data.chat_type}")
try:
    tgauth.MiniAppValidator(TOKEN).validate(init.replace("Vladislav", "Mallory"))
except tgauth.AuthError as e:
    print(f"  tampered copy rejected: {e.kind}: {e}")

widget = tgauth.sign_widget(TOKEN, {"id": "42", "first_name": "John", "username": "john"}, now)
user = tgauth.LoginWidgetVerifier(TOKEN).verify(widget)
print(f"Login Widget (dict): user {user.id} {user.first_name}")
user = tgauth.LoginWidgetVerifier(TOKEN).verify("myapp://telegram-callback?" + "&".join(f"{k}={v}" for k, v in widget.items()))
print(f"Login Widget (myapp:// redirect): user {user.id}")

with open(FIXTURES) as f:
    real = json.load(f)["third_party_ed25519"][0]
data = tgauth.validate_third_party(real["init_data"], real["bot_id"], max_age=None)
assert data.user is not None
print(f"third-party (Telegram's real Ed25519 signature, production key): user {data.user.id} {data.user.first_name!r}")
try:
    tgauth.validate_third_party(real["init_data"], real["bot_id"], environment="test", max_age=None)
except tgauth.BadSignatureError as e:
    print(f"  same data against the test key: {e.kind}")

gateway = tgauth.GatewayReportVerifier("example-gateway-api-token")
body = json.dumps({"request_id": "eAAAAAAAAAA", "phone_number": "+15551234567", "request_cost": 0.03,
                   "verification_status": {"status": "code_valid", "updated_at": now, "code_entered": "8817"}}).encode()
signature = gateway.sign(body, str(now))  # what Telegram sends in X-Request-Signature (a test helper)
report = gateway.verify(body, timestamp=str(now), signature=signature)
assert report.verification_status is not None
print(f"Gateway report: request {report.request_id}, code {report.verification_status.status}, cost {report.request_cost}")
try:
    gateway.verify(body, timestamp=str(now - 600), signature=gateway.sign(body, str(now - 600)))
except tgauth.ExpiredError as e:
    print(f"  a report ten minutes old: {e.kind}: {e}")
sys.exit(0)
