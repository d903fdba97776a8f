#!/usr/bin/env python3
"""make bench-serve: tgauth-serve's /tgauth/auth under wrk on loopback, beside the floor of the same stack (a
Hummingbird route that answers 202 and does nothing), in one run: with a valid session cookie, and with
`Authorization: tma <initData>`; then the same through nginx's auth_request. Each case runs in interleaved
rounds; the ratio printed is the median of the per-round ratios (this host drifts between runs).

    bench_serve.py SERVE FLOOR CLI      (the release binaries; nginx and wrk from Debian)"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "serve"))
from stack import free_port, session_cookie, wait_listening, widget_login  # noqa: E402

SERVE, FLOOR, CLI = sys.argv[1:4]
TOKEN = "123456:bench-serve-token"
ROUNDS, SECONDS, CONNECTIONS = int(os.environ.get("ROUNDS", "3")), os.environ.get("SECONDS", "4"), "32"


def wrk(url: str, *headers: str) -> tuple:
    """(requests per second, p50 ms, p99 ms, non-2xx count)."""
    args = ["wrk", "-t2", "-c" + CONNECTIONS, "-d" + SECONDS + "s", "--latency"]
    for h in headers:
        args += ["-H", h]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return rps, ms("50"), ms("99"), int(bad.group(1)) if bad else 0


def main() -> None:
    work = tempfile.mkdtemp()
    token_file, secret_file = os.path.join(work, "token"), os.path.join(work, "secret")
    open(token_file, "w").write(TOKEN)
    open(secret_file, "wb").write(os.urandom(32))
    gateway, floor, nginx_port = free_port(), free_port(), free_port()
    procs = [subprocess.Popen([SERVE, "--listen", f"127.0.0.1:{gateway}", "--public-url", f"http://127.0.0.1:{nginx_port}",
                               "--bot-token-file", token_file, "--bot-username", "BenchBot", "--cookie-secret-file", secret_file,
                               "--cookie-insecure"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
             subprocess.Popen([FLOOR, str(floor)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    os.chmod(work, 0o755)  # nginx's workers (nobody, under a root master) read the static files
    os.makedirs(os.path.join(work, "www"))
    for name in ("protected", "floor"):
        open(os.path.join(work, "www", name), "w").write("ok\n")
    conf = os.path.join(work, "nginx.conf")
    open(conf, "w").write(f"""
daemon off; worker_processes 1; pid {work}/nginx.pid; error_log {work}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/b; proxy_temp_path {work}/p; fastcgi_temp_path {work}/f; uwsgi_temp_path {work}/u; scgi_temp_path {work}/s;
    upstream gateway {{ server 127.0.0.1:{gateway}; keepalive 32; }}
    upstream floor {{ server 127.0.0.1:{floor}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{nginx_port};
        location = /check {{ internal; proxy_pass http://gateway/tgauth/auth; proxy_http_version 1.1; proxy_set_header Connection "";
                             proxy_pass_request_body off; proxy_set_header Content-Length ""; }}
        location = /floor-check {{ internal; proxy_pass http://floor/floor; proxy_http_version 1.1; proxy_set_header Connection "";
                                   proxy_pass_request_body off; proxy_set_header Content-Length ""; }}
        # a static file, served in the content phase (after auth_request; `return` would answer before it)
        location = /protected {{ auth_request /check; root {work}/www; }}
        location = /floor {{ auth_request /floor-check; root {work}/www; }}
    }}
}}""")
    procs.append(subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", conf, "-p", work], stderr=subprocess.DEVNULL))
    try:
        for port in (gateway, floor, nginx_port):
            wait_listening(port)
        widget = subprocess.run([CLI, "sign", "widget", "--bot-token", TOKEN, "--auth-date", str(int(time.time())), "id=279058397",
                                 "first_name=Vlad", "username=vdkfrost"], capture_output=True, text=True, check=True).stdout.strip()
        cookie = "Cookie: " + session_cookie(widget_login(f"http://127.0.0.1:{gateway}", widget)[1])
        init_data = subprocess.run([CLI, "sign", "init-data", "--bot-token", TOKEN, "--auth-date", str(int(time.time())),
                                    'user={"id":279058397,"first_name":"Vlad","username":"vdkfrost"}', "query_id=AAH"],
                                   capture_output=True, text=True, check=True).stdout.strip()
        tma = "Authorization: tma " + init_data
        direct = {"floor": (f"http://127.0.0.1:{floor}/floor",), "cookie": (f"http://127.0.0.1:{gateway}/tgauth/auth", cookie),
                  "tma": (f"http://127.0.0.1:{gateway}/tgauth/auth", tma)}
        proxied = {"floor": (f"http://127.0.0.1:{nginx_port}/floor",), "cookie": (f"http://127.0.0.1:{nginx_port}/protected", cookie),
                   "tma": (f"http://127.0.0.1:{nginx_port}/protected", tma)}
        for title, cases in (("direct", direct), ("through nginx auth_request", proxied)):
            results = {name: [] for name in cases}
            for _ in range(ROUNDS):
                for name, args in cases.items():
                    results[name].append(wrk(*args))
            print(f"== {title}: wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, {ROUNDS} interleaved rounds")
            for name, runs in results.items():
                rps = statistics.median(r[0] for r in runs)
                ratios = [r[0] / f[0] for r, f in zip(runs, results["floor"])]
                bad = sum(r[3] for r in runs)
                print(f"  {name:7} {rps:9.0f} req/s  p50 {statistics.median(r[1] for r in runs):6.2f} ms  "
                      f"p99 {statistics.median(r[2] for r in runs):6.2f} ms  {statistics.median(ratios):.2f}x the floor"
                      + (f"  ({bad} answers not 2xx!)" if bad else ""))
                if bad:
                    raise SystemExit(f"bench-serve: {name} {title} answered {bad} requests with an error; the figures above mean nothing")
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        shutil.rmtree(work, ignore_errors=True)


main()
