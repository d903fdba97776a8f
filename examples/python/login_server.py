"""Bot deep-link login: a runnable backend (aiohttp) built on tgauth.DeepLinkLogin.

The app's side of the flow:
  POST /login/start        {"device": "Pixel 8"} -> {"tg_link", "https_link", "poll_secret", "expires_at", "expires_in", "interval"}
  GET  /login/poll         header `Authorization: Bearer <poll_secret>` -> {"status", "interval", "user"?}
  GET  /login/ws           WebSocket: send the poll secret as the first text message; the server pushes
                           one JSON message ({"status", "user"?}) when the login is approved, denied or expired
Telegram's side:
  POST /telegram/webhook   the Bot API's webhook (setWebhook with secret_token); the reply goes back in the response

Limits against exhaustion: each WebSocket waits on a thread of its own pool (never on the shared workers
that serve start, poll and the webhook), in one-second slices that end as soon as the socket closes; at most
--max-waits sockets wait at once, at most --waits-per-client from one address; /login/start takes a burst of
--start-burst per client address, then one every 60/--starts-per-minute seconds (429 with Retry-After).

Run it:  python login_server.py --bot-username my_bot --port 8080 [--redis redis://127.0.0.1:6379/0]
The webhook secret comes from TGAUTH_WEBHOOK_SECRET. Set TELEGRAM_BOT_TOKEN too, and the server sends the
second Bot API call of a confirmation (answerCallbackQuery) itself; without it that call is only logged by name.
Several instances given the same --redis URL share every login: start on one, webhook on another, poll on a third.
Secrets (poll secrets, the webhook secret, the bot token) are never logged and never appear in a URL.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Sequence, Set, Tuple, TypeVar

from aiohttp import WSMsgType, web

import tgauth

log = logging.getLogger("login_server")
T = TypeVar("T")

# Statuses after which the app stops waiting.
FINAL = {"approved", "denied", "expired", "unknown"}


def user_json(user: Optional[tgauth.TelegramUser]) -> Optional[Dict[str, Any]]:
    if user is None:
        return None
    return {"id": user.id, "first_name": user.first_name, "last_name": user.last_name, "username": user.username,
            "language_code": user.language_code, "is_premium": user.is_premium}


def poll_json(result: tgauth.PollResult) -> Dict[str, Any]:
    body: Dict[str, Any] = {"status": result.status, "interval": result.interval}
    if result.user is not None:
        body["user"] = user_json(result.user)
    return body


def bearer(request: web.Request) -> Optional[str]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


@dataclass
class Limits:
    """How much one client, and all clients together, may hold of the server."""
    max_waits: int = 256          # WebSockets waiting at once, in all
    waits_per_client: int = 8     # ... from one client address
    start_burst: int = 10         # /login/start calls one address may make at once
    starts_per_minute: float = 10  # ... and then, on average
    wait_slice: float = 1.0       # seconds one blocking wait lasts before the socket is looked at again


class StartRateLimit:
    """A token bucket per client address; buckets that have refilled are forgotten."""

    def __init__(self, burst: int, per_minute: float) -> None:
        self.burst, self.rate = burst, per_minute / 60.0
        self.buckets: Dict[str, Tuple[float, float]] = {}  # address -> (tokens, when)

    def take(self, address: str) -> float:
        """0 when the call may go ahead, else the seconds until it may."""
        now = time.monotonic()
        tokens, when = self.buckets.get(address, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - when) * self.rate)
        if tokens < 1:
            self.buckets[address] = (tokens, now)
            return float((1 - tokens) / self.rate)
        self.buckets[address] = (tokens - 1, now)
        if len(self.buckets) > 10_000:  # drop the full ones: they are the same as absent
            self.buckets = {a: b for a, b in self.buckets.items() if b[0] + (now - b[1]) * self.rate < self.burst}
        return 0.0


def create_app(bot_username: str, webhook_secret: str, store: Optional[str] = None, *, confirm: bool = True,
               app_name: str = "Example App", ttl: int = 300, interval: int = 2, bot_token: Optional[str] = None,
               limits: Limits = Limits()) -> web.Application:
    flow = tgauth.DeepLinkLogin(bot_username, webhook_secret, store=store, ttl=ttl, confirm=confirm,
                                app_name=app_name, interval=interval)
    # Store calls may block (Redis round trips, `wait`): they run on threads, never on the event loop.
    # tgauth releases the GIL while it works, so these threads run in parallel. WebSocket waits have a pool
    # of their own, so however many sockets wait, start, poll and the webhook always find a worker.
    workers = ThreadPoolExecutor(max_workers=64, thread_name_prefix="tgauth")
    waiters = ThreadPoolExecutor(max_workers=limits.max_waits, thread_name_prefix="tgauth-wait")
    waiting: Dict[str, int] = {}  # client address -> sockets waiting now
    start_limit = StartRateLimit(limits.start_burst, limits.starts_per_minute)
    app = web.Application(client_max_size=tgauth.DeepLinkLogin.MAX_UPDATE_BYTES)
    app["flow"] = flow
    app["waiting"] = waiting

    async def off_loop(function: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(workers, function, *args)

    def store_down(error: tgauth.StoreError) -> web.Response:
        log.error("login store: %s", error)
        return web.json_response({"error": error.kind, "detail": "the login store is unavailable; retry later"}, status=503)

    async def start(request: web.Request) -> web.Response:
        retry_after = start_limit.take(request.remote or "")
        if retry_after > 0:
            return web.json_response({"error": "rate_limited", "detail": "too many logins started; retry later"},
                                     status=429, headers={"Retry-After": str(max(1, round(retry_after)))})
        device = ""
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "malformed", "detail": "the body must be JSON"}, status=400)
            given = body.get("device", "") if isinstance(body, dict) else None
            if not isinstance(given, str) or len(given) > 64:
                return web.json_response({"error": "malformed", "detail": "device must be a string of at most 64 characters"}, status=400)
            device = given
        try:
            s = await off_loop(flow.start, device)
        except tgauth.StoreError as error:
            return store_down(error)
        return web.json_response({"tg_link": s.tg_link, "https_link": s.https_link, "poll_secret": s.poll_secret,
                                  "expires_at": s.expires_at, "expires_in": max(0, s.expires_at - int(time.time())),
                                  "interval": s.interval})

    async def poll(request: web.Request) -> web.Response:
        secret = bearer(request)
        if secret is None:
            return web.json_response({"error": "missing_field", "detail": "Authorization: Bearer <poll_secret> required"}, status=401)
        try:
            result = await off_loop(flow.poll, secret)
        except tgauth.StoreError as error:
            return store_down(error)
        return web.json_response(poll_json(result))

    async def websocket(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=15.0)
        await ws.prepare(request)
        try:
            first = await ws.receive(timeout=30.0)
        except asyncio.TimeoutError:
            await ws.close(code=4001, message=b"send the poll secret first")
            return ws
        if first.type != WSMsgType.TEXT or not first.data.strip():
            await ws.close(code=4001, message=b"send the poll secret first")
            return ws
        secret = first.data.strip()
        address = request.remote or ""
        if sum(waiting.values()) >= limits.max_waits or waiting.get(address, 0) >= limits.waits_per_client:
            await ws.close(code=1013, message=b"too many waiting sockets; poll instead or retry later")
            return ws
        waiting[address] = waiting.get(address, 0) + 1
        # The app sends nothing more, so a finished read means the socket closed (or broke the protocol).
        closed = asyncio.ensure_future(ws.receive())
        try:
            while not closed.done():
                waited = asyncio.get_running_loop().run_in_executor(waiters, flow.wait, secret, limits.wait_slice)
                either: Set["asyncio.Future[Any]"] = {closed, waited}
                await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
                if not waited.done():
                    break  # the socket closed: this wait ends within its slice, and nothing more is started
                try:
                    result = waited.result()
                except tgauth.StoreError as error:
                    log.error("login store: %s", error)
                    await ws.send_json({"status": "error", "error": error.kind})
                    break
                if result.status in FINAL:
                    # An approval is handed out once: if the app is gone by now it must start again.
                    if ws.closed or closed.done():
                        log.warning("login finished (%s) after its WebSocket closed", result.status)
                    else:
                        await ws.send_json(poll_json(result))
                    break
        finally:
            waiting[address] -= 1
            if waiting[address] == 0:
                del waiting[address]
            closed.cancel()
        await ws.close()
        return ws

    def send_calls(calls: Sequence[str]) -> None:
        for call in calls:
            method = json.loads(call).get("method", "?")
            if not bot_token:
                log.info("not sent (no TELEGRAM_BOT_TOKEN): %s", method)
                continue
            request = urllib.request.Request(f"https://api.telegram.org/bot{bot_token}/{method}", data=call.encode(),
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    response.read()
            except OSError as error:  # the URL holds the token: log the method and the error class only
                log.error("Bot API %s failed: %s", method, type(error).__name__)

    async def webhook(request: web.Request) -> web.Response:
        body = await request.read()
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        try:
            result = await off_loop(flow.handle_webhook, body, secret)
        except tgauth.BadWebhookSecretError:
            return web.json_response({"error": "bad_webhook_secret"}, status=401)
        except tgauth.StoreError as error:
            return store_down(error)  # Telegram retries the update later: nothing is lost
        except tgauth.AuthError as error:
            # an update we cannot read; answering 200 stops Telegram from retrying it forever
            log.warning("update refused: %s", error.kind)
            return web.Response(status=200)
        log.info("webhook: %s%s", result.outcome, f" ({result.reason})" if result.reason else "")
        if result.additional_calls:
            asyncio.get_running_loop().run_in_executor(workers, send_calls, result.additional_calls)
        if result.response_body is None:
            return web.Response(status=200)
        return web.Response(status=200, text=result.response_body, content_type="application/json")

    app.router.add_post("/login/start", start)
    app.router.add_get("/login/poll", poll)
    app.router.add_get("/login/ws", websocket)
    app.router.add_post("/telegram/webhook", webhook)

    async def shutdown(_app: web.Application) -> None:
        workers.shutdown(wait=False, cancel_futures=True)
        waiters.shutdown(wait=False, cancel_futures=True)

    app.on_shutdown.append(shutdown)
    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bot-username", default=os.environ.get("TELEGRAM_BOT_USERNAME"), required="TELEGRAM_BOT_USERNAME" not in os.environ)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--redis", metavar="URL", help="share logins with other instances (redis://host:port/db)")
    parser.add_argument("--app-name", default="Example App")
    parser.add_argument("--no-confirm", action="store_true", help="approve on /start, without the Confirm button")
    parser.add_argument("--ttl", type=int, default=300)
    defaults = Limits()
    parser.add_argument("--max-waits", type=int, default=defaults.max_waits, help="WebSockets waiting at once")
    parser.add_argument("--waits-per-client", type=int, default=defaults.waits_per_client)
    parser.add_argument("--start-burst", type=int, default=defaults.start_burst, help="starts per address at once")
    parser.add_argument("--starts-per-minute", type=float, default=defaults.starts_per_minute)
    args = parser.parse_args(argv)
    limits = Limits(max_waits=args.max_waits, waits_per_client=args.waits_per_client, start_burst=args.start_burst,
                    starts_per_minute=args.starts_per_minute)
    secret = os.environ.get("TGAUTH_WEBHOOK_SECRET")
    if not secret:
        parser.error("set TGAUTH_WEBHOOK_SECRET (1-256 characters of A-Za-z0-9_-, the setWebhook secret_token)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    try:
        app = create_app(args.bot_username, secret, args.redis, confirm=not args.no_confirm, app_name=args.app_name,
                         ttl=args.ttl, bot_token=os.environ.get("TELEGRAM_BOT_TOKEN"), limits=limits)
    except (tgauth.AuthError, tgauth.StoreError, ValueError) as error:
        print(f"login_server: {error}", file=sys.stderr)
        return 2
    web.run_app(app, host=args.host, port=args.port, print=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
