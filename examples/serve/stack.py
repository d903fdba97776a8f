"""The loopback stack of tgauth-serve's demo, tests and bench: free ports, waiting for a server, plain HTTP
without following redirects, an app that echoes the identity headers it is given, and nginx's configuration
in front of the gateway (auth_request) as docs/serve.md gives it."""
import http.server
import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional, Tuple, Union


def stop(*processes: subprocess.Popen) -> None:
    """Ends each process (SIGTERM) and waits for it, in order."""
    for process in processes:
        process.terminate()
        process.wait(10)


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
        # every spelling an app server might read as an identity header: dashes or underscores, any case
        seen = {k: v for k, v in self.headers.items() if k.lower().replace("_", "-").startswith(("x-auth-request-", "x-tgauth-"))}
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


def session_cookie(headers, name: str = "tgauth") -> Optional[str]:
    """The cookie `name` a response sets (not one it clears), as a Cookie header value."""
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";")[0]
        if pair.startswith(name + "=") and pair != name + "=":
            return pair
    return None


def start_widget_login(base: str, rd: str = "/", cookie: str = "") -> Tuple[str, str]:
    """What a browser holds after opening the login page: its flow cookie and the state in the widget's
    data-auth-url."""
    _, headers, page = request(f"{base}/tgauth/login?rd={urllib.parse.quote(rd, safe='')}", cookie)
    flow = session_cookie(headers, "tgauth-flow") or session_cookie(headers, "__Host-tgauth-flow")
    match = re.search(r"callback/widget\?state=([0-9a-f]+)", page)
    assert flow and match, "the login page started no widget login"
    return flow, match.group(1)


def widget_login(base: str, fields: str, rd: str = "/", cookie: str = ""):
    """A Login Widget login as a browser makes it: the login page, then Telegram's redirect to data-auth-url
    with the signed `fields`. Returns (status, headers, body) of the callback."""
    flow, state = start_widget_login(base, rd, cookie)
    return request(f"{base}/tgauth/callback/widget?state={state}&{fields}", "; ".join(c for c in (cookie, flow) if c))


# The identity headers the gateway answers with; a proxy must set or remove every one of them (and their
# underscore spellings, which many app servers read as the same name) before the app sees the request.
IDENTITY_HEADERS = ["X-Auth-Request-User", "X-Auth-Request-Preferred-Username", "X-Auth-Request-Name", "X-Auth-Request-Method",
                    "X-Tgauth-Assertion"]


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
            proxy_set_header X-Auth-Request-Preferred-Username "";
            proxy_set_header X-Auth-Request-Name "";
            proxy_set_header X-Auth-Request-Method "";
            proxy_set_header X-Tgauth-Assertion "";
            proxy_pass http://127.0.0.1:{backend};
        }}
        location / {{
            auth_request /tgauth-check;
            auth_request_set $tg_user $upstream_http_x_auth_request_user;
            auth_request_set $tg_username $upstream_http_x_auth_request_preferred_username;
            auth_request_set $tg_name $upstream_http_x_auth_request_name;
            auth_request_set $tg_method $upstream_http_x_auth_request_method;
            auth_request_set $tg_assertion $upstream_http_x_tgauth_assertion;
            proxy_set_header X-Auth-Request-User $tg_user;
            proxy_set_header X-Auth-Request-Preferred-Username $tg_username;
            proxy_set_header X-Auth-Request-Name $tg_name;
            proxy_set_header X-Auth-Request-Method $tg_method;
            proxy_set_header X-Tgauth-Assertion $tg_assertion;
            error_page 401 = @login;
            proxy_pass http://127.0.0.1:{backend};
        }}
        location @login {{
            return 302 /tgauth/login?rd=$request_uri;
        }}
    }}
}}
"""


def caddy_config(port: int, gateway: int, backend: int) -> str:
    """Caddy in front of the backend, as docs/serve.md gives it: the client's identity headers (any spelling)
    removed, then forward_auth copying the gateway's, in this order (a route keeps it)."""
    return f"""{{
    admin off
    auto_https off
}}
http://127.0.0.1:{port} {{
    handle /tgauth/* {{
        reverse_proxy 127.0.0.1:{gateway}
    }}
    handle {{
        route {{
            request_header -X-Auth-Request-*
            request_header -X_Auth_Request_*
            request_header -X-Tgauth-Assertion
            request_header -X_Tgauth_Assertion
            forward_auth 127.0.0.1:{gateway} {{
                uri /tgauth/verify
                copy_headers X-Auth-Request-User X-Auth-Request-Preferred-Username X-Auth-Request-Name X-Auth-Request-Method
            }}
            reverse_proxy 127.0.0.1:{backend}
        }}
    }}
}}
"""


def traefik_config(port: int, gateway: int, backend: int) -> str:
    """Traefik's dynamic configuration, as docs/serve.md gives it: `authResponseHeaders` replaces the client's
    dashed identity headers with the gateway's, and the `strip` middleware removes the underscore spellings
    and the assertion (an empty value deletes a header). `port` is the entry point's, in traefik_static."""
    return f"""http:
  middlewares:
    strip:
      headers:
        customRequestHeaders: {{X_Auth_Request_User: "", X_Auth_Request_Preferred_Username: "", X_Auth_Request_Name: "", X_Auth_Request_Method: "", X_Tgauth_Assertion: "", X-Tgauth-Assertion: ""}}
    telegram:
      forwardAuth:
        address: http://127.0.0.1:{gateway}/tgauth/verify
        authResponseHeaders: [X-Auth-Request-User, X-Auth-Request-Preferred-Username, X-Auth-Request-Name, X-Auth-Request-Method]
  routers:
    tgauth: {{rule: "Host(`127.0.0.1`) && PathPrefix(`/tgauth/`)", service: tgauth}}
    app: {{rule: "Host(`127.0.0.1`)", service: app, middlewares: [strip, telegram]}}
  services:
    tgauth: {{loadBalancer: {{servers: [{{url: "http://127.0.0.1:{gateway}"}}]}}}}
    app: {{loadBalancer: {{servers: [{{url: "http://127.0.0.1:{backend}"}}]}}}}
"""


def traefik_static(port: int, dynamic_file: str) -> str:
    """Traefik's static configuration: one entry point on loopback, the dynamic configuration from a file,
    nothing sent anywhere."""
    return f"""global: {{checkNewVersion: false, sendAnonymousUsage: false}}
entryPoints:
  web: {{address: "127.0.0.1:{port}"}}
providers:
  file: {{filename: "{dynamic_file}"}}
log: {{level: ERROR}}
"""
