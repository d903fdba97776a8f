"""The framework integrations, each served by the real framework on loopback and called over HTTP: signed data
answers 200 with the user; expired, tampered, missing and wrongly schemed headers answer 401 with the kind,
`WWW-Authenticate: tma` and the JSON body; third-party mode checks Telegram's real signature by bot id."""
import asyncio
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import tgauth

TOKEN = "123456:integration-test-token"
GATEWAY_TOKEN = "gw-integration-test-token"
USER = '{"id":279058397,"first_name":"Vladislav","username":"vdkfrost"}'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.025)
    raise RuntimeError("the server did not start")


def get(url: str, authorization=None):
    headers = {} if authorization is None else {"Authorization": authorization}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, json.loads(e.read())


# ---- the servers: each app has /me (own bot, max_age 1 day), /third (third-party by bot id, any age) ----

def fastapi_server(third_party_bot):
    import uvicorn
    from fastapi import Depends, FastAPI

    from tgauth.integrations.fastapi import GatewayReports, TelegramInitData, install

    app = FastAPI()
    install(app)
    own, third = TelegramInitData(TOKEN), TelegramInitData(bot_id=third_party_bot, max_age=None)
    reports = GatewayReports(GATEWAY_TOKEN)

    @app.post("/gateway")
    def gateway(report: tgauth.GatewayReport = Depends(reports)):
        return {"request_id": report.request_id, "status": report.delivery_status.status}

    @app.get("/me")
    def me(data: tgauth.InitData = Depends(own)):
        return {"id": data.user.id, "name": data.user.first_name}

    @app.get("/third")
    def third_view(data: tgauth.InitData = Depends(third)):
        return {"id": data.user.id, "name": data.user.first_name}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_listening(port)

    def stop():
        server.should_exit = True
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


def aiohttp_server(third_party_bot):
    from aiohttp import web

    from tgauth.integrations.aiohttp import GATEWAY_REPORT, INIT_DATA, GatewayReports, TelegramInitData

    own, third = TelegramInitData(TOKEN), TelegramInitData(bot_id=third_party_bot, max_age=None)

    async def view(request):
        data = request[INIT_DATA]
        return web.json_response({"id": data.user.id, "name": data.user.first_name})

    @GatewayReports(GATEWAY_TOKEN)
    async def gateway(request):
        report = request[GATEWAY_REPORT]
        return web.json_response({"request_id": report.request_id, "status": report.delivery_status.status})

    app = web.Application()
    app.router.add_post("/gateway", gateway)
    app.router.add_get("/me", own(view))
    app.router.add_get("/third", third(view))
    port, loop = free_port(), asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def stop():
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return f"http://127.0.0.1:{port}", stop


def flask_server(third_party_bot):
    from flask import Flask, g
    from werkzeug.serving import make_server

    from tgauth.integrations.flask import GatewayReports, LoginWidgetCallback, TelegramInitData

    app = Flask(__name__)
    own, third = TelegramInitData(TOKEN), TelegramInitData(bot_id=third_party_bot, max_age=None)
    widget = LoginWidgetCallback(TOKEN)

    @app.post("/gateway")
    @GatewayReports(GATEWAY_TOKEN)
    def gateway():
        report = g.gateway_report
        return {"request_id": report.request_id, "status": report.delivery_status.status}

    @app.get("/me")
    @own
    def me():
        return {"id": g.init_data.user.id, "name": g.init_data.user.first_name}

    @app.get("/third")
    @third
    def third_view():
        return {"id": g.init_data.user.id, "name": g.init_data.user.first_name}

    @app.get("/widget")
    def widget_callback():
        user = widget.user()
        return {"id": user.id, "name": user.first_name}

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server.shutdown


SERVERS = {"fastapi": fastapi_server, "aiohttp": aiohttp_server, "flask": flask_server}


@pytest.fixture(params=sorted(SERVERS))
def served(request, vectors):
    third_party = vectors["third_party_ed25519"][0]
    url, stop = SERVERS[request.param](third_party["bot_id"])
    yield url, third_party
    stop()


def signed(auth_date=None, **extra):
    fields = {"user": USER, "query_id": "AAH"}
    fields.update(extra)
    return tgauth.sign_init_data(TOKEN, fields, auth_date or int(time.time()))


def test_signed_data_reaches_the_endpoint_typed(served):
    url, _ = served
    status, _, body = get(url + "/me", "tma " + signed())
    assert (status, body) == (200, {"id": 279058397, "name": "Vladislav"})
    assert get(url + "/me", "TMA  " + signed())[0] == 200  # the scheme is case-insensitive


@pytest.mark.parametrize("case, kind", [
    ("expired", "expired"), ("tampered", "bad_hash"), ("missing", "missing_field"), ("bearer", "malformed"),
    ("empty", "malformed"), ("future", "future_auth_date"), ("garbage", "malformed"),
])
def test_each_bad_request_is_a_401_with_its_kind(served, case, kind):
    url, _ = served
    good = signed()
    header = {
        "expired": "tma " + signed(auth_date=int(time.time()) - 2 * 86400),
        "tampered": "tma " + good.replace("Vladislav", "Mallory"),
        "missing": None,
        "bearer": "Bearer " + good,
        "empty": "tma ",
        "future": "tma " + signed(auth_date=int(time.time()) + 3600),
        "garbage": "tma %%%",
    }[case]
    status, headers, body = get(url + "/me", header)
    assert status == 401 and body["error"] == kind and body["detail"], body
    assert headers.get("www-authenticate") == "tma"
    assert TOKEN not in json.dumps(body) and TOKEN.split(":")[1] not in json.dumps(body)


def report(timestamp=None, body=None, token=GATEWAY_TOKEN):
    """A Gateway report signed by Telegram's formula with Python's own hmac: (body, headers)."""
    import hashlib
    import hmac

    body = body or json.dumps({"request_id": "eAAA", "phone_number": "+1555", "request_cost": 0.03,
                               "delivery_status": {"status": "delivered", "updated_at": 1733200050}}).encode()
    stamp = str(timestamp or int(time.time()))
    mac = hmac.new(hashlib.sha256(token.encode()).digest(), stamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()
    return body, {"X-Request-Timestamp": stamp, "X-Request-Signature": mac}


def post(url, body, headers):
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, json.loads(e.read())


def test_a_verified_gateway_report_reaches_the_handler(served):
    url, _ = served
    body, headers = report()
    assert post(url + "/gateway", body, headers)[::2] == (200, {"request_id": "eAAA", "status": "delivered"})


@pytest.mark.parametrize("case, kind", [
    ("tampered", "bad_signature"), ("other token", "bad_signature"), ("old", "expired"), ("ahead", "future_auth_date"),
    ("no signature", "missing_field"), ("no timestamp", "missing_field"), ("upper-case hex", "malformed"),
])
def test_each_bad_gateway_report_is_a_401(served, case, kind):
    url, _ = served
    body, headers = {
        "tampered": lambda: (report()[0].replace(b"0.03", b"0.00"), report()[1]),
        "other token": lambda: report(token="another"),
        "old": lambda: report(timestamp=int(time.time()) - 400),
        "ahead": lambda: report(timestamp=int(time.time()) + 400),
        "no signature": lambda: (report()[0], {"X-Request-Timestamp": report()[1]["X-Request-Timestamp"]}),
        "no timestamp": lambda: (report()[0], {"X-Request-Signature": report()[1]["X-Request-Signature"]}),
        "upper-case hex": lambda: (report()[0], {**report()[1], "X-Request-Signature": report()[1]["X-Request-Signature"].upper()}),
    }[case]()
    status, answer_headers, answer = post(url + "/gateway", body, headers)
    assert status == 401 and answer["error"] == kind and answer["detail"], answer
    assert "www-authenticate" not in answer_headers and GATEWAY_TOKEN not in json.dumps(answer)


def test_third_party_mode_checks_telegrams_signature_by_bot_id(served):
    url, third_party = served
    status, _, body = get(url + "/third", "tma " + third_party["init_data"])
    assert status == 200 and body["id"] == 279058397
    forged = third_party["init_data"].replace("vdkfrost", "vdkfrosT")
    status, _, body = get(url + "/third", "tma " + forged)
    assert status == 401 and body["error"] == "bad_signature"
    # data signed for our own bot is not Telegram's signature for the third-party bot
    status, _, body = get(url + "/third", "tma " + signed())
    assert status == 401 and body["error"] in ("missing_field", "bad_signature")


def test_the_flask_login_widget_callback():
    from tgauth.integrations._common import InitDataAuth

    url, stop = flask_server(1)
    try:
        fields = tgauth.sign_widget(TOKEN, {"id": 42, "first_name": "John", "username": "john"}, int(time.time()))
        status, _, body = get(url + "/widget?" + urllib.parse.urlencode(fields))
        assert (status, body) == (200, {"id": 42, "name": "John"})
        fields["first_name"] = "Johnny"
        status, _, body = get(url + "/widget?" + urllib.parse.urlencode(fields))
        assert status == 401 and body["error"] == "bad_hash"
        status, _, body = get(url + "/widget")
        assert status == 401 and body["error"] in ("missing_field", "malformed")
    finally:
        stop()
    with pytest.raises(ValueError):
        InitDataAuth()
    with pytest.raises(ValueError):
        InitDataAuth(TOKEN, bot_id=1)


def test_importing_the_package_imports_no_framework():
    import subprocess
    import sys

    code = ("import sys, tgauth, tgauth.integrations, tgauth.integrations._common; "
            "print(sorted(m for m in ('fastapi', 'starlette', 'aiohttp', 'flask') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_a_header_that_is_not_utf8_is_a_401(served):
    """The raw byte 0xff in the header: aiohttp decodes it with surrogateescape (a lone surrogate), the WSGI and
    ASGI servers as latin-1; either way the answer is a 401, never a 500."""
    import http.client

    url, _ = served
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest("GET", "/me")
    conn.putheader("Authorization", b"tma query_id=\xff&" + signed().encode())
    conn.endheaders()
    answer = conn.getresponse()
    body = json.loads(answer.read())
    conn.close()
    assert answer.status == 401 and body["error"] in ("malformed", "bad_hash")
