"""tgauth-serve behind Debian's nginx (auth_request) and Caddy (forward_auth), in front of a small backend
that echoes the identity headers it receives: without a session nginx answers 401 (and its login redirect)
and Caddy redirects the browser to the login page; after a Login Widget callback signed with the test token
the backend sees the user's numeric id; after logout, no session again.

Every server listens on a free loopback port; TGAUTH_SERVE and TGAUTH_CLI name the binaries."""
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "serve"))
from stack import free_port, nginx_config, request, wait_listening, Echo  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SERVE = os.environ.get("TGAUTH_SERVE") or os.path.join(ROOT, "serve", ".build", "debug", "tgauth-serve")
CLI = os.environ.get("TGAUTH_CLI") or os.path.join(ROOT, "build", "bin", "tgauth")
TOKEN = "123456:proxy-test-token"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CADDY = shutil.which("caddy") or "/usr/bin/caddy"


@pytest.fixture
def backend():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def start_gateway(tmp_path, public_url: str, *extra: str, bot_username: str = "TgAuthBot") -> tuple:
    token_file, secret_file = tmp_path / "token", tmp_path / "cookie-secret"
    token_file.write_text(TOKEN + "\n")
    secret_file.write_bytes(os.urandom(32))
    port = free_port()
    log = open(tmp_path / "gateway.log", "w")
    process = subprocess.Popen(
        [SERVE, "--listen", f"127.0.0.1:{port}", "--public-url", public_url, "--bot-token-file", str(token_file),
         *(["--bot-username", bot_username] if bot_username else []), "--cookie-secret-file", str(secret_file),
         "--cookie-insecure", *extra],
        stdout=log, stderr=subprocess.STDOUT)
    wait_listening(port, process)
    return port, process, tmp_path / "gateway.log"


def caddy_config(port: int, gateway: int, backend: int) -> str:
    return f"""{{
    admin off
    auto_https off
}}
http://127.0.0.1:{port} {{
    handle /tgauth/* {{
        reverse_proxy 127.0.0.1:{gateway}
    }}
    handle {{
        forward_auth 127.0.0.1:{gateway} {{
            uri /tgauth/verify
            copy_headers X-Auth-Request-User X-Auth-Request-Preferred-Username X-Auth-Request-Name X-Auth-Request-Method
        }}
        reverse_proxy 127.0.0.1:{backend}
    }}
}}
"""


def signed_widget(user_id: int = 279058397) -> str:
    run = subprocess.run([CLI, "sign", "widget", "--bot-token", TOKEN, "--auth-date", str(int(time.time())), f"id={user_id}",
                          "first_name=Vlad", "username=vdkfrost"], capture_output=True, text=True, check=True)
    return run.stdout.strip()


def log_in(base: str, rd: str = "/") -> str:
    """A Login Widget callback through the proxy; returns the session cookie as a Cookie header value."""
    status, headers, _ = request(f"{base}/tgauth/callback/widget?rd={urllib.parse.quote(rd, safe='')}&{signed_widget()}")
    assert status == 302 and headers["Location"] == rd
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("tgauth=") and "HttpOnly" in headers["Set-Cookie"]
    return cookie


def test_nginx_auth_request(tmp_path, backend):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gateway, process, log = start_gateway(tmp_path, base)
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(tmp_path, port, gateway, backend))
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)], stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, nginx)
        assert request(base + "/api/data", accept="application/json")[0] == 401
        status, headers, _ = request(base + "/admin?x=1")
        assert status == 302 and headers["Location"].endswith("/tgauth/login?rd=/admin?x=1")
        status, headers, page = request(base + "/tgauth/login?rd=/admin")
        assert status == 200 and 'data-telegram-login="TgAuthBot"' in page
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
        cookie = log_in(base, "/admin")
        status, _, body = request(base + "/admin", cookie, "application/json")
        assert status == 200 and json.loads(body) == {"X-Auth-Request-User": "279058397", "X-Auth-Request-Preferred-Username": "vdkfrost"}
        assert json.loads(request(base + "/api/data", cookie, "application/json")[2])["X-Auth-Request-User"] == "279058397"
        # an identity header the client forges is replaced by the gateway's, and gets nobody in by itself
        forged = request(base + "/api/data", cookie, "application/json", X_Auth_Request_User="1")[2]
        assert json.loads(forged)["X-Auth-Request-User"] == "279058397"
        assert request(base + "/api/data", "", "application/json", X_Auth_Request_User="1")[0] == 401
        status, headers, _ = request(base + "/tgauth/logout?rd=/", cookie)
        assert status == 302 and headers["Set-Cookie"].startswith("tgauth=;")
        assert request(base + "/api/data", accept="application/json")[0] == 401
    finally:
        nginx.terminate()
        nginx.wait(10)
        process.terminate()
        process.wait(10)
    text = log.read_text()
    assert "GET /tgauth/auth 202 user=279058397" in text and TOKEN not in text and "hash=" not in text


def test_caddy_forward_auth(tmp_path, backend):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gateway, process, log = start_gateway(tmp_path, base)
    config = tmp_path / "Caddyfile"
    config.write_text(caddy_config(port, gateway, backend))
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
    caddy = subprocess.Popen([CADDY, "run", "--config", str(config), "--adapter", "caddyfile"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, caddy)
        status, headers, _ = request(base + "/admin?x=1")
        assert status == 302
        assert headers["Location"] == base + "/tgauth/login?rd=" + urllib.parse.quote(base + "/admin?x=1", safe="")
        assert request(base + "/api", accept="application/json")[0] == 401
        cookie = log_in(base, base + "/admin")
        status, _, body = request(base + "/admin", cookie, "application/json")
        seen = json.loads(body)
        assert status == 200 and seen["X-Auth-Request-User"] == "279058397" and seen["X-Auth-Request-Method"] == "widget"
        request(base + "/tgauth/logout", cookie)
        assert request(base + "/admin")[0] == 302
    finally:
        caddy.terminate()
        caddy.wait(10)
        process.terminate()
        process.wait(10)
    assert TOKEN not in log.read_text()


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--loglevel", "warning"], stdout=subprocess.DEVNULL)
    wait_listening(port, process)
    return process


def test_two_replicas_share_sessions_in_redis_and_fail_closed(tmp_path, backend):
    """Two gateways behind one nginx upstream, sessions in one real Redis: a session made through one is
    accepted by the other, a logout on one revokes it on both; with Redis stopped /tgauth/auth refuses and
    /ready fails; Redis back, service returns without restarting the gateways."""
    port, redis_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    redis = start_redis(redis_port)
    secret = tmp_path / "cookie-secret"
    secret.write_bytes(os.urandom(32))
    store = f"redis://127.0.0.1:{redis_port}/0"
    replicas = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cookie-secret").write_bytes(secret.read_bytes())
        replicas.append(start_gateway(tmp_path / name, base, "--session-store", store))
    config = tmp_path / "nginx.conf"
    config.write_text(nginx_config(tmp_path, port, [gateway for gateway, _, _ in replicas], backend))
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)], stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, nginx)
        one, two = (f"http://127.0.0.1:{gateway}" for gateway, _, _ in replicas)
        cookie = log_in(base, "/")  # made through nginx, by replica one
        for replica in (one, two):
            assert request(replica + "/tgauth/auth", cookie)[0] == 202
        status, _, body = request(base + "/api/x", cookie, "application/json")
        assert status == 200 and json.loads(body)["X-Auth-Request-User"] == "279058397"
        request(two + "/tgauth/logout", cookie)  # logout on two
        assert request(one + "/tgauth/auth", cookie)[0] == 401 and request(base + "/api/x", cookie, "application/json")[0] == 401
        cookie = log_in(base, "/")
        redis.terminate()
        redis.wait(10)
        for replica in (one, two):
            assert request(replica + "/tgauth/auth", cookie)[0] == 503  # fail closed; nginx shows it as 500
            assert request(replica + "/ready")[0] == 503
        assert request(base + "/api/x", cookie, "application/json")[0] == 500
        time.sleep(0.2)
        assert "refusing: the session store is unavailable: cannot connect to Redis at 127.0.0.1" in replicas[0][2].read_text()
        redis = start_redis(redis_port)
        assert request(one + "/ready")[0] == 200 and request(one + "/tgauth/auth", cookie)[0] == 401  # an empty Redis
        cookie = log_in(base, "/")
        assert request(two + "/tgauth/auth", cookie)[0] == 202
    finally:
        nginx.terminate()
        nginx.wait(10)
        for _, process, _ in replicas:
            process.terminate()
            process.wait(10)
        redis.terminate()
        redis.wait(10)


def test_configuration_from_the_environment_and_an_allow_list_file(tmp_path):
    """Every flag has a TGAUTH_ variable; the allow list file takes numeric ids and comments; a bad id or a
    missing secret stops the gateway with a message that names no secret."""
    (tmp_path / "token").write_text(TOKEN + "\n")
    (tmp_path / "secret").write_bytes(os.urandom(32))
    (tmp_path / "allowed").write_text("# the admins\n42\n\n279058397\n")
    port = free_port()
    env = dict(os.environ, TGAUTH_LISTEN=f"127.0.0.1:{port}", TGAUTH_PUBLIC_URL=f"http://127.0.0.1:{port}",
               TGAUTH_BOT_TOKEN_FILE=str(tmp_path / "token"), TGAUTH_COOKIE_SECRET_FILE=str(tmp_path / "secret"),
               TGAUTH_ALLOW_USERS_FILE=str(tmp_path / "allowed"), TGAUTH_COOKIE_INSECURE="1", TGAUTH_SESSION_TTL="30m")
    process = subprocess.Popen([SERVE], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, process)
        base = f"http://127.0.0.1:{port}"
        status, headers, _ = request(f"{base}/tgauth/callback/widget?{signed_widget(279058397)}")
        assert status == 302 and "Max-Age=1800" in headers["Set-Cookie"]
        assert request(f"{base}/tgauth/callback/widget?{signed_widget(7)}")[0] == 403  # not on the list
    finally:
        process.terminate()
        process.wait(10)
    (tmp_path / "allowed").write_text("@vdkfrost\n")
    run = subprocess.run([SERVE], env=env, capture_output=True, text=True, timeout=30)
    assert run.returncode != 0 and "is not a numeric Telegram id" in run.stderr
    del env["TGAUTH_COOKIE_SECRET_FILE"]
    run = subprocess.run([SERVE], env=env, capture_output=True, text=True, timeout=30)
    assert run.returncode != 0 and "--cookie-secret-file is required" in run.stderr and TOKEN not in run.stderr
