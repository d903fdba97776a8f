#!/usr/bin/env python3
"""make demo: tgauth-serve in front of an app that knows nothing of Telegram. Starts, on free loopback ports,
the app (it echoes the identity headers it receives), nginx asking the gateway on every request
(auth_request, docs/serve.md's configuration) and tgauth-serve; then walks a browser's path with plain HTTP:
the protected page without a session, the login page, a Login Widget callback signed with the demo token (as
Telegram would sign it), the page again with the session cookie, a tampered callback, and the logout.

    demo.py TGAUTH_SERVE TGAUTH_CLI"""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from stack import Echo, free_port, nginx_config, request, session_cookie, start_widget_login, wait_listening, widget_login

SERVE, CLI = sys.argv[1:3]
TOKEN = "123456:demo-token"


def main() -> None:
    work = tempfile.mkdtemp()
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    gateway, port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    open(os.path.join(work, "token"), "w").write(TOKEN)
    open(os.path.join(work, "secret"), "wb").write(os.urandom(32))
    open(os.path.join(work, "nginx.conf"), "w").write(nginx_config(work, port, gateway, app.server_address[1]))
    processes = [
        subprocess.Popen([SERVE, "--listen", f"127.0.0.1:{gateway}", "--public-url", base, "--bot-token-file", f"{work}/token",
                          "--bot-username", "DemoBot", "--cookie-secret-file", f"{work}/secret", "--cookie-insecure"],
                         stdout=open(f"{work}/gateway.log", "w"), stderr=subprocess.STDOUT),
        subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", f"{work}/nginx.conf", "-p", work], stderr=subprocess.DEVNULL),
    ]
    try:
        wait_listening(gateway, processes[0])
        wait_listening(port, processes[1])
        print(f"nginx on {base}, tgauth-serve on 127.0.0.1:{gateway}, the app on 127.0.0.1:{app.server_address[1]}")
        status, headers, _ = request(base + "/reports")
        print(f"GET /reports without a session: {status} -> {headers['Location']}")
        status, _, page = request(headers["Location"])
        print(f"the login page: {status}, with the Login Widget: {'data-telegram-login=' in page}")
        fields = subprocess.run([CLI, "sign", "widget", "--bot-token", TOKEN, "--auth-date", str(int(time.time())), "id=279058397",
                                 "first_name=Vladislav", "username=vdkfrost"], capture_output=True, text=True, check=True).stdout.strip()
        flow, state = start_widget_login(base, "/reports")  # the login page's flow cookie and widget state
        callback = f"{base}/tgauth/callback/widget?state={state}&{fields}"
        status, headers, _ = request(callback, flow)
        cookie = session_cookie(headers)
        print(f"the widget's callback (signed as Telegram signs it, back in the browser that opened the login page): "
              f"{status} -> {headers['Location']}, a session cookie of {len(cookie)} bytes")
        print(f"the same callback replayed: {request(callback, flow)[0]}; opened in another browser (login CSRF): "
              f"{request(callback)[0]}")
        status, _, body = request(base + "/reports", cookie, "application/json")
        print(f"GET /reports with the session: {status}, the app saw {json.loads(body)}")
        tampered = fields.replace("vdkfrost", "mallory")
        print(f"a tampered callback: {widget_login(base, tampered)[0]}")
        status, headers, _ = request(base + "/tgauth/logout?rd=/", cookie)
        print(f"logout: {status}, cookie cleared: {headers['Set-Cookie'].startswith('tgauth=;')}; "
              f"GET /reports again: {request(base + '/reports', accept='application/json')[0]}")
        time.sleep(0.2)
        print("the gateway's access log:")
        for line in open(f"{work}/gateway.log"):
            if "user=" in line:
                print("  " + line.split("[access] ", 1)[-1].strip())
    finally:
        for p in processes:
            p.terminate()
            p.wait(10)
        app.shutdown()
        shutil.rmtree(work, ignore_errors=True)


main()
