"""The loopback stack of tgauth-serve's demo, tests and bench: free ports, waiting for a server, plain HTTP
without following redirects, an app that echoes the identity headers it is given, and nginx's configuration
in front of the gateway (auth_request) as the README gives it."""
import http.server
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional, Tuple, Union


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int, process: Optional[subprocess.Popen] = None) -> None:
    for _ in range(400):
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.025)
    raise RuntimeError(f"nothing listens on {port}")


class Echo(http.server.BaseHTTPRequestHandler):
    """The protected app: answers with the identity headers the proxy passed on (JSON, or a page for a browser)."""

    def do_GET(self) -> None:
        seen = {k: v for k, v in self.headers.items() if k.lower().startswith("x-auth-request-")}
        if "text/html" in self.headers.get("Accept", "") and "X-Auth-Request-User" in seen:
            body = (f"<!doctype html><title>Protected</title><h1>The protected app</h1><p>Telegram user "
                    f"<b id='telegram-id'>{int(seen['X-Auth-Request-User'])}</b></p><p><a id='logout' "
                    f"href='/tgauth/logout?rd=/'>Log out</a></p>").encode()
            content_type = "text/html; charset=utf-8"
        else:
            body, content_type = json.dumps(seen).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def request(url: str, cookie: str = "", accept: str = "text/html", **extra: str):
    """(status, headers, body) without following redirects."""
    opener = urllib.request.build_opener(NoRedirect)
    headers = {"Accept": accept, **{k.replace("_", "-"): v for k, v in extra.items()}}
    if cookie:
        headers["Cookie"] = cookie
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def nginx_config(tmp_path, port: int, gateways, backend: int) -> str:
    """nginx in front of the backend, asking the gateways (one port, or a list: one upstream, round robin)."""
    servers = "".join(f"server 127.0.0.1:{g};" for g in (gateways if isinstance(gateways, list) else [gateways]))
    return f"""
daemon off; worker_processes 1; pid {tmp_path}/nginx.pid; error_log {tmp_path}/nginx-error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy; fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
    upstream tgauth {{ {servers} }}
    server {{
        listen 127.0.0.1:{port};
        location /tgauth/ {{
            proxy_pass http://tgauth;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $host;
        }}
        location = /tgauth-check {{
            internal;
            proxy_pass http://tgauth/tgauth/auth;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
        }}
        location /api/ {{
            auth_request /tgauth-check;
            auth_request_set $tg_user $upstream_http_x_auth_request_user;
            proxy_set_header X-Auth-Request-User $tg_user;
            proxy_pass http://127.0.0.1:{backend};
        }}
        location / {{
            auth_request /tgauth-check;
            auth_request_set $tg_user $upstream_http_x_auth_request_user;
            auth_request_set $tg_username $upstream_http_x_auth_request_preferred_username;
            proxy_set_header X-Auth-Request-User $tg_user;
            proxy_set_header X-Auth-Request-Preferred-Username $tg_username;
            error_page 401 = @login;
            proxy_pass http://127.0.0.1:{backend};
        }}
        location @login {{
            return 302 /tgauth/login?rd=$request_uri;
        }}
    }}
}}
"""


