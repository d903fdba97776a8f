"""Limits a real deployment hits: under systemd's default soft limit of 1,024 open files, the gateway raises its
own to the hard limit, so 1,100 idle connections leave /ping answering; --max-connections caps what it accepts
(the rest wait in the listen queue until a connection closes)."""
import resource
import socket
import time

import pytest

from test_proxies import free_port, request, start_gateway, stop


def soft_limit_1024() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))


def open_idle(port: int, count: int) -> list:
    idle = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        idle.append(s)
    return idle


@pytest.fixture
def many_files():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 4096:
        pytest.skip(f"the hard limit of open files is {hard}: no room for 1,100 connections on both ends")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_1100_idle_connections_under_a_soft_limit_of_1024(tmp_path, many_files):
    gateway, process, _ = start_gateway(tmp_path, "http://127.0.0.1:1", preexec_fn=soft_limit_1024)
    idle = []
    try:
        limits = open(f"/proc/{process.pid}/limits").read()
        soft, hard = next(line.split()[3:5] for line in limits.splitlines() if line.startswith("Max open files"))
        assert soft == hard != "1024", limits  # raised at start
        idle = open_idle(gateway, 1100)
        time.sleep(0.3)
        status, _, body = request(f"http://127.0.0.1:{gateway}/ping")
        assert status == 200 and body == "OK\n"
    finally:
        for s in idle:
            s.close()
        stop(process)


def test_max_connections_caps_what_the_gateway_accepts(tmp_path):
    gateway, process, _ = start_gateway(tmp_path, "http://127.0.0.1:1", "--max-connections", "50")
    idle = []
    try:
        idle = open_idle(gateway, 50)
        time.sleep(0.3)
        waiting = socket.create_connection(("127.0.0.1", gateway), timeout=1)
        waiting.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        with pytest.raises(socket.timeout):
            waiting.recv(100)  # the 51st is not accepted while 50 are open
        for s in idle[:10]:
            s.close()
        waiting.settimeout(5)
        assert waiting.recv(100).startswith(b"HTTP/1.1 200")  # room again: it is accepted and answered
        waiting.close()
    finally:
        for s in idle:
            s.close()
        stop(process)
