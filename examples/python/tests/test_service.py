"""Starts the example service on loopback and calls it with signed data."""
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from werkzeug.serving import make_server

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import tgauth  # noqa: E402
from app import create_app  # noqa: E402

TOKEN = "123456:service-test-token"


@pytest.fixture(scope="module")
def base_url():
    server = make_server("127.0.0.1", 0, create_app(TOKEN, "test_bot"), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url, headers=None):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {})) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def test_api_accepts_signed_init_data(base_url):
    init = tgauth.sign_init_data(TOKEN, {"user": '{"id":5,"first_name":"Ann","username":"ann"}', "start_param": "ref"},
                                 int(time.time()))
    status, _, body = get(base_url + "/api/me", {"Authorization": "tma " + init})
    assert status == 200
    assert json.loads(body) == {"id": 5, "first_name": "Ann", "username": "ann", "auth_date": json.loads(body)["auth_date"],
                                "start_param": "ref"}


def test_api_rejects_tampered_and_missing(base_url):
    init = tgauth.sign_init_data(TOKEN, {"user": '{"id":5,"first_name":"Ann"}'}, int(time.time()))
    status, _, body = get(base_url + "/api/me", {"Authorization": "tma " + init.replace("Ann", "Eve")})
    assert status == 401 and json.loads(body)["error"] == "bad_hash"
    assert TOKEN not in body
    status, _, body = get(base_url + "/api/me")
    assert status == 401
    old = tgauth.sign_init_data(TOKEN, {"user": '{"id":5,"first_name":"Ann"}'}, 1000)
    status, _, body = get(base_url + "/api/me", {"Authorization": "tma " + old})
    assert status == 401 and json.loads(body)["error"] == "expired"


def test_widget_callback_sets_session(base_url):
    fields = tgauth.sign_widget(TOKEN, {"id": "8", "first_name": "Bo", "username": "bo"}, int(time.time()))
    status, headers, body = get(base_url + "/auth/telegram/callback?" + urlencode(fields))
    assert status == 200 and json.loads(body)["id"] == 8
    assert "session=8." in headers.get("Set-Cookie", "")
    status, _, body = get(base_url + "/auth/telegram/callback?" + urlencode(dict(fields, id="9")))
    assert status == 401 and json.loads(body)["error"] == "bad_hash"


def test_webview_page_and_app_redirect(base_url):
    status, _, page = get(base_url + "/login")
    assert status == 200 and 'data-auth-url="/auth/telegram/app"' in page and "test_bot" in page
    fields = tgauth.sign_widget(TOKEN, {"id": "8", "first_name": "Bo"}, int(time.time()))
    status, headers, _ = get(base_url + "/auth/telegram/app?" + urlencode(fields))
    target = urlparse(headers["Location"])
    assert status == 302 and target.scheme == "myapp" and target.netloc == "telegram-callback"
    assert parse_qs(target.query)["hash"] == [fields["hash"]]
    status, headers, _ = get(base_url + "/auth/telegram/app?" + urlencode(dict(fields, first_name="X")))
    assert parse_qs(urlparse(headers["Location"]).query) == {"error": ["bad_hash"]}
