#!/usr/bin/env python3
"""What test_server.sh cannot do with curl: raw requests against examples/c-server on loopback.

    abuse_check.py nul-header PORT INIT_DATA    Authorization: tma <valid initData>\\0junk must be refused (401)
    abuse_check.py slow-clients PORT INIT_DATA  1,100 slow clients from 127.0.0.1 (a header line every 4 s) hold
                                                their connections while 20 requests from 127.0.0.2 must each be
                                                answered 200 in under 100 ms

Every request goes to 127.0.0.1:PORT, and the slow clients stop by themselves after 20 s. Exit status 0 when
the server held, 1 otherwise; the figures are printed.
"""
import http.client
import resource
import socket
import sys
import threading
import time

SLOW_CLIENTS = 1100
LINE_EVERY = 4.0
HOLD = 20.0
BAR_MS = 100.0


def nul_header(port: int, init_data: str) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: tma " + init_data.encode()
                  + b"\0junk\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    status = answer.split(b"\r\n", 1)[0]
    print(f"nul-header: {status.decode(errors='replace')}")
    return b" 401 " in status and b'"error":"malformed"' in answer


def slow_clients(port: int, init_data: str) -> bool:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < SLOW_CLIENTS + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, SLOW_CLIENTS + 200), hard))
    sockets, stop = [], threading.Event()
    for _ in range(SLOW_CLIENTS):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        sockets.append(s)

    def dribble() -> None:
        """A request line, then one header line every LINE_EVERY seconds, never the blank line that ends it."""
        line = b"GET /api/me HTTP/1.1\r\nHost: x\r\n"
        deadline = time.monotonic() + HOLD
        while not stop.is_set() and time.monotonic() < deadline:
            for s in sockets:
                try:
                    s.send(line)
                except OSError:
                    pass  # refused or closed by the server's limits
            line = b"X-Slow: 1\r\n"
            stop.wait(LINE_EVERY)

    sender = threading.Thread(target=dribble)
    sender.start()
    time.sleep(2 * LINE_EVERY + 1)  # past the first lines, while every slow client still sends
    open_now = sum(1 for s in sockets if _still_open(s))
    timings, wrong = [], 0
    for _ in range(20):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=("127.0.0.2", 0))
        started = time.monotonic()
        try:
            conn.request("GET", "/api/me", headers={"Authorization": "tma " + init_data})
            answer = conn.getresponse()
            answer.read()
            ok = answer.status == 200
        except OSError:
            ok = False
        timings.append((time.monotonic() - started) * 1000)
        wrong += 0 if ok else 1
        conn.close()
        time.sleep(0.1)
    stop.set()
    sender.join()
    for s in sockets:
        s.close()
    print(f"slow-clients: {SLOW_CLIENTS} slow clients from 127.0.0.1, {open_now} of them held open by the server; "
          f"20 requests from 127.0.0.2: {wrong} failed, slowest {max(timings):.1f} ms, median {sorted(timings)[10]:.1f} ms")
    return wrong == 0 and max(timings) < BAR_MS


def _still_open(s: socket.socket) -> bool:
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True  # nothing to read, and not closed
    except OSError:
        return False


if __name__ == "__main__":
    check = {"nul-header": nul_header, "slow-clients": slow_clients}[sys.argv[1]]
    sys.exit(0 if check(int(sys.argv[2]), sys.argv[3]) else 1)
