#!/usr/bin/env python3
"""make demo: tgauth-serve in front of an app that knows nothing of Telegram. Starts, on free loopback ports,
a small backend that echoes the identity headers it receives, nginx asking the gateway on every request
(auth_request), and tgauth-serve; then walks a browser's path with plain HTTP: the protected page without a
session, the login page, a Login Widget callback signed with the demo token (as Telegram would sign it), the
page again with the session cookie, and the logout.

    demo.py TGAUTH_SERVE TGAUTH_CLI"""
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

SERVE, CLI = sys.argv[1:3]
TOKEN = "123456:demo-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int) -> None:
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.025)
    raise SystemExit(f"nothing listens on {port}")


class App(http.server.BaseHTTPRequestHandler):
    """The protected app: it only reads the headers nginx passes on."""

    def do_GET(self) -> None:
        body = json.dumps({"app saw": {k: v for k, v in self.headers.items() if k.startswith("X-Auth-Request-")}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class Manual(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def get(url: str, cookie: str = "") -> tuple:
    request = urllib.request.Request(url, headers={"Accept": "text/html", **({"Cookie": cookie} if cookie else {})})
    try:
        with urllib.request.build_opener(Manual).open(request, timeout=10) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def main() -> None:
    work = tempfile.mkdtemp()
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    gateway, port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    open(os.path.join(work, "token"), "w").write(TOKEN)
    open(os.path.join(work, "secret"), "wb").write(os.urandom(32))
    open(os.path.join(work, "nginx.conf"), "w").write(f"""
daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {work}/b; proxy_temp_path {work}/p; fastcgi_temp_path {work}/f; uwsgi_temp_path {work}/u; scgi_temp_path {work}/s;
    server {{
        listen 127.0.0.1:{port};
        location /tgauth/ {{ proxy_pass http://127.0.0.1:{gateway}; }}
        location = /tgauth-check {{ internal; proxy_pass http://127.0.0.1:{gateway}/tgauth/auth;
                                    proxy_pass_request_body off; proxy_set_header Content-Length ""; }}
        location / {{
            auth_request /tgauth-check;
            auth_request_set $tg_user $upstream_http_x_auth_request_user;
            auth_request_set $tg_username $upstream_http_x_auth_request_preferred_username;
            proxy_set_header X-Auth-Request-User $tg_user;
            proxy_set_header X-Auth-Request-Preferred-Username $tg_username;
            error_page 401 = @login;
            proxy_pass http://127.0.0.1:{app.server_address[1]};
        }}
        location @login {{ return 302 /tgauth/login?rd=$request_uri; }}
    }}
}}""")
    processes = [
        subprocess.Popen([SERVE, "--listen", f"127.0.0.1:{gateway}", "--public-url", base, "--bot-token-file", f"{work}/token",
                          "--bot-username", "DemoBot", "--cookie-secret-file", f"{work}/secret", "--cookie-insecure"],
                         stdout=open(f"{work}/gateway.log", "w"), stderr=subprocess.STDOUT),
        subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", f"{work}/nginx.conf", "-p", work], stderr=subprocess.DEVNULL),
    ]
    try:
        wait_listening(gateway)
        wait_listening(port)
        print(f"nginx on {base}, tgauth-serve on 127.0.0.1:{gateway}, the app on 127.0.0.1:{app.server_address[1]}")
        status, headers, _ = get(base + "/reports")
        print(f"GET /reports without a session: {status} -> {headers['Location']}")
        status, _, page = get(base + headers["Location"])
        print(f"the login page: {status}, with the Login Widget: {'data-telegram-login=\"DemoBot\"' in page}")
        fields = subprocess.run([CLI, "sign", "widget", "--bot-token", TOKEN, "--auth-date", str(int(time.time())), "id=279058397",
                                 "first_name=Vladislav", "username=vdkfrost"], capture_output=True, text=True, check=True).stdout.strip()
        status, headers, _ = get(f"{base}/tgauth/callback/widget?rd=%2Freports&{fields}")
        cookie = headers["Set-Cookie"].split(";")[0]
        print(f"the widget's callback (signed as Telegram signs it): {status} -> {headers['Location']}, "
              f"session cookie of {len(cookie)} bytes")
        status, _, body = get(base + "/reports", cookie)
        print(f"GET /reports with the session: {status} {body}")
        tampered = fields.replace("vdkfrost", "mallory")
        print(f"a tampered callback: {get(f'{base}/tgauth/callback/widget?{tampered}')[0]}")
        status, headers, _ = get(base + "/tgauth/logout?rd=/", cookie)
        print(f"logout: {status}, cookie cleared: {headers['Set-Cookie'].startswith('tgauth=;')}; "
              f"GET /reports again: {get(base + '/reports')[0]}")
        print("the gateway's access log:")
        time.sleep(0.2)
        for line in open(f"{work}/gateway.log"):
            if "user=" in line:
                print("  " + line.split("] ", 1)[-1].strip()[:120])
    finally:
        for p in processes:
            p.terminate()
            p.wait(10)
        app.shutdown()
        shutil.rmtree(work, ignore_errors=True)


main()
