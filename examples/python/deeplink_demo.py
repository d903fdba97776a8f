"""The whole bot deep-link login, run locally: login_server.py plays the backend, telegram_simulator.py
plays Telegram, and this script plays the app (one login waits on the WebSocket, one polls).

  python deeplink_demo.py [--redis redis://127.0.0.1:6379/0 | --redis auto]

With --redis, two server instances share the store: the app talks to one, Telegram's webhook to the other.
`--redis auto` runs a private redis-server on a free loopback port for the demo.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import aiohttp

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import telegram_simulator  # noqa: E402

USER = {"id": 279058397, "is_bot": False, "first_name": "Vladislav", "username": "vdkfrost", "language_code": "en"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def local_redis() -> Iterator[Tuple[str, "subprocess.Popen[bytes]"]]:
    """A private redis-server (no persistence) on a free loopback port: yields (url, process)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server; make demo installs it)")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.terminate()
        process.wait(5)


class Server:
    """login_server.py in its own process, on a free loopback port."""

    def __init__(self, secret: str, redis: str | None = None, extra: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, os.path.join(HERE, "login_server.py"), "--bot-username", "TgAuthDemoBot",
                "--port", str(self.port), "--app-name", "Demo App", *extra]
        if redis:
            args += ["--redis", redis]
        env = dict(os.environ, TGAUTH_WEBHOOK_SECRET=secret)
        env.pop("TELEGRAM_BOT_TOKEN", None)
        self.process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"login_server exited: {self.process.stdout.read() if self.process.stdout else ''}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("login_server did not start")

    def stop(self) -> str:
        self.process.terminate()
        try:
            output, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        return output

    def request(self, method: str, path: str, body: Dict[str, Any] | None = None, headers: Dict[str, Any] | None = None) -> tuple[int, Dict[str, Any]]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def start(self, device: str) -> Dict[str, Any]:
        status, body = self.request("POST", "/login/start", {"device": device})
        assert status == 200, (status, body)
        return body

    def poll(self, poll_secret: str) -> tuple[int, Dict[str, Any]]:
        return self.request("GET", "/login/poll", headers={"Authorization": f"Bearer {poll_secret}"})


async def wait_on_websocket(server: Server, poll_secret: str, timeout: float = 30.0) -> Dict[str, Any]:
    """What the app does instead of polling: one WebSocket, one pushed result."""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(server.url.replace("http", "ws", 1) + "/login/ws") as ws:
            await ws.send_str(poll_secret)
            message = await ws.receive(timeout=timeout)
            pushed: Dict[str, Any] = json.loads(message.data)
            return pushed


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--redis", help="a redis:// URL: run two instances sharing it")
    args = parser.parse_args(argv)
    if args.redis == "auto":
        with local_redis() as (url, _):
            return main(["--redis", url])
    secret = secrets.token_urlsafe(24)
    app_side = Server(secret, args.redis)
    telegram_side = Server(secret, args.redis) if args.redis else app_side
    where = f"two instances sharing {args.redis}" if args.redis else "one instance, in-memory store"
    try:
        print(f"-- deep-link login ({where}); the app waits on the WebSocket, the user confirms")
        login = app_side.start("Pixel 8 (demo)")
        print(f"app opens {login['tg_link']}  (expires in {login['expires_in']} s, poll every {login['interval']} s)")

        async def flow() -> Dict[str, Any]:
            pushed = asyncio.ensure_future(wait_on_websocket(app_side, login["poll_secret"]))
            await asyncio.sleep(0.2)
            ok = await asyncio.to_thread(telegram_simulator.run, telegram_side.url + "/telegram/webhook", secret,
                                         login["tg_link"], USER)
            assert ok, "the webhook did not answer 200"
            return await pushed

        result = asyncio.run(flow())
        print(f"WebSocket pushed: {json.dumps(result)}")
        assert result["status"] == "approved" and result["user"]["id"] == USER["id"]
        print(f"poll again -> {app_side.poll(login['poll_secret'])[1]['status']}  (an approval is handed out once)")

        print("-- a second login, polled; the user taps Cancel")
        login = app_side.start("Firefox on Linux")
        print(f"poll -> {app_side.poll(login['poll_secret'])[1]['status']}")
        telegram_simulator.run(telegram_side.url + "/telegram/webhook", secret, login["https_link"], USER, cancel=True)
        time.sleep(login["interval"])
        status, body = app_side.poll(login["poll_secret"])
        print(f"poll -> {body['status']}")
        assert body["status"] == "denied"

        print("-- a webhook without the right secret header")
        forged = telegram_simulator.Telegram(telegram_side.url + "/telegram/webhook", "guess", USER).send_start("x" * 22)
        print(f"HTTP {forged[0]}")
        assert forged[0] == 401
    finally:
        app_side.stop()
        if telegram_side is not app_side:
            telegram_side.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
