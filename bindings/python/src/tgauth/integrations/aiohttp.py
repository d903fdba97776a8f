"""Mini App authentication for aiohttp (what aiogram bots serve their web apps with): a handler decorator.

    from aiohttp import web
    from tgauth.integrations.aiohttp import TelegramInitData

    telegram = TelegramInitData(bot_token)        # or TelegramInitData(bot_id=...) for third-party data

    @telegram
    async def me(request: web.Request) -> web.Response:
        data = request["init_data"]               # the validated InitData
        return web.json_response({"id": data.user.id})

Telegram Gateway delivery reports, at the callback_url given to sendVerificationMessage:

    reports = GatewayReports(gateway_api_token)

    @reports
    async def report(request: web.Request) -> web.Response:
        save(request[GATEWAY_REPORT])             # the verified GatewayReport
        return web.Response()

A rejection answers 401 `{"error": kind, "detail": message}` with `WWW-Authenticate: tma`.
"""
from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable

from aiohttp import web

from .._results import GatewayReport
from ._common import GatewayReports as _Reports
from ._common import Protector, Rejected

__all__ = ["TelegramInitData", "INIT_DATA", "GatewayReports", "GATEWAY_REPORT"]

#: where the decorated handler finds the validated InitData: request[INIT_DATA]
INIT_DATA = "init_data"
#: where the decorated handler finds the verified GatewayReport: request[GATEWAY_REPORT], a web.RequestKey
#: where aiohttp has them (the string "gateway_report" on older aiohttp)
GATEWAY_REPORT: Any = (web.RequestKey("gateway_report", GatewayReport) if hasattr(web, "RequestKey")
                       else "gateway_report")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class TelegramInitData(Protector):
    """A decorator for handlers that need a Mini App user."""

    def __call__(self, handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            try:
                request[INIT_DATA] = self.auth(request.headers.get("Authorization"))
            except Rejected as r:
                return web.json_response(r.body, status=r.status, headers=r.headers)
            return await handler(request)

        return checked


class GatewayReports(_Reports):
    """A decorator for the handler at a Gateway callback_url; a report that does not verify is answered 401."""

    def __call__(self, handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            try:
                request[GATEWAY_REPORT] = self.check(await request.read(), request.headers.get)
            except Rejected as r:
                return web.json_response(r.body, status=r.status, headers=r.headers)
            return await handler(request)

        return checked
