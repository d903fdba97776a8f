"""Bot deep-link login: a runnable backend (aiohttp) built on tgauth.DeepLinkLogin.

The app's side of the flow:
  POST /login/start        {"device": "Pixel 8"} -> {"tg_link", "https_link", "poll_secret", "expires_at", "expires_in", "interval"}
  GET  /login/poll         header `Authorization: Bearer <poll_secret>` -> {"status", "interval", "user"?}
  GET  /login/ws           WebSocket: send the poll secret as the first text message; the server pushes
                           one JSON message ({"status", "user"?}) when the login is approved, denied or expired
Telegram's side:
  POST /telegram/webhook   the Bot API's webhook (setWebhook with secret_token); the reply goes back in the response

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
from typing import Optional

from aiohttp import WSMsgType, web

import tgauth

log = logging.getLogger("login_server")

# Statuses after which the app stops waiting.
FINAL = {"approved", "denied", "expired", "unknown"}


def user_json(user: Optional[tgauth.TelegramUser]) -> Optional[dict]:
    if user is None:
        return None
    return {"id": user.id, "first_name": user.first_name, "last_name": user.last_name, "username": user.username,
            "language_code": user.language_code, "is_premium": user.is_premium}


def poll_json(result: tgauth.PollResult) -> dict:
    body = {"status": result.status, "interval": result.interval}
    if result.user is not None:
        body["user"] = user_json(result.user)
    return body


def bearer(request: web.Request) -> Optional[str]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def create_app(bot_username: str, webhook_secret: str, store: Optional[str] = None, *, confirm: bool = True,
               app_name: str = "Example App", ttl: int = 300, interval: int = 2, bot_token: Optional[str] = None,
               wait_slice: float = 20.0) -> web.Application:
    flow = tgauth.DeepLinkLogin(bot_username, webhook_secret, store=store, ttl=ttl, confirm=confirm,
                                app_name=app_name, interval=interval)
    # Store calls may block (Redis round trips, `wait`): they run on threads, never on the event loop.
    # tgauth releases the GIL while it works, so these threads run in parallel.
    workers = ThreadPoolExecutor(max_workers=64, thread_name_prefix="tgauth")
    app = web.Application(client_max_size=tgauth.DeepLinkLogin.MAX_UPDATE_BYTES)
    app["flow"] = flow

    async def off_loop(function, *args):
        return await asyncio.get_running_loop().run_in_executor(workers, function, *args)

    def store_down(error: tgauth.StoreError) -> web.Response:
        log.error("login store: %s", error)
        return web.json_response({"error": error.kind, "detail": "the login store is unavailable; retry later"}, status=503)

    async def start(request: web.Request) -> web.Response:
        device = ""
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"error": "malformed", "detail": "the body must be JSON"}, status=400)
            device = body.get("device", "") if isinstance(body, dict) else None
            if not isinstance(device, str) or len(device) > 64:
                return web.json_response({"error": "malformed", "detail": "device must be a string of at most 64 characters"}, status=400)
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
        while not ws.closed:
            try:
                result = await off_loop(flow.wait, secret, wait_slice)
            except tgauth.StoreError as error:
                log.error("login store: %s", error)
                await ws.send_json({"status": "error", "error": error.kind})
                break
            if result.status in FINAL:
                # An approval is handed out once: if the app is gone by now it must start again.
                if ws.closed:
                    log.warning("login finished (%s) after its WebSocket closed", result.status)
                else:
                    await ws.send_json(poll_json(result))
                break
        await ws.close()
        return ws

    def send_calls(calls) -> None:
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

    async def shutdown(_app):
        workers.shutdown(wait=False, cancel_futures=True)

    app.on_shutdown.append(shutdown)
    return app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bot-username", default=os.environ.get("TELEGRAM_BOT_USERNAME"), required="TELEGRAM_BOT_USERNAME" not in os.environ)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--redis", metavar="URL", help="share logins with other instances (redis://host:port/db)")
    parser.add_argument("--app-name", default="Example App")
    parser.add_argument("--no-confirm", action="store_true", help="approve on /start, without the Confirm button")
    parser.add_argument("--ttl", type=int, default=300)
    args = parser.parse_args(argv)
    secret = os.environ.get("TGAUTH_WEBHOOK_SECRET")
    if not secret:
        parser.error("set TGAUTH_WEBHOOK_SECRET (1-256 characters of A-Za-z0-9_-, the setWebhook secret_token)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    try:
        app = create_app(args.bot_username, secret, args.redis, confirm=not args.no_confirm, app_name=args.app_name,
                         ttl=args.ttl, bot_token=os.environ.get("TELEGRAM_BOT_TOKEN"))
    except (tgauth.AuthError, tgauth.StoreError, ValueError) as error:
        print(f"login_server: {error}", file=sys.stderr)
        return 2
    web.run_app(app, host=args.host, port=args.port, print=lambda line: print(line, flush=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
