"""Mini App authentication for FastAPI (and Starlette): a dependency that gives the endpoint the typed
`InitData`.

    from fastapi import Depends, FastAPI
    from tgauth.integrations.fastapi import TelegramInitData, install

    app = FastAPI()
    install(app)                                  # rejections answer 401 {"error": kind, "detail": ...}
    telegram = TelegramInitData(bot_token)        # or TelegramInitData(bot_id=...) for third-party data

    @app.get("/me")
    def me(data: InitData = Depends(telegram)):
        return {"id": data.user.id}

Telegram Gateway delivery reports, at the callback_url given to sendVerificationMessage:

    reports = GatewayReports(gateway_api_token)

    @app.post("/gateway/report")
    def report(report: GatewayReport = Depends(reports)):
        save(report)                              # the verified report; a bad one was answered 401
        return {}

Without `install`, a rejection is still a 401 with `WWW-Authenticate: tma`, but with FastAPI's default body
`{"detail": message}`.
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse

from .._results import GatewayReport, InitData
from ._common import GatewayReports as _Reports
from ._common import Protector, Rejected

__all__ = ["TelegramInitData", "TelegramAuthRejected", "GatewayReports", "install"]


class TelegramAuthRejected(HTTPException):
    """Raised by the dependency; `install(app)` answers it with the JSON body of the other integrations."""

    def __init__(self, rejected: Rejected) -> None:
        super().__init__(status_code=rejected.status, detail=rejected.detail, headers=rejected.headers)
        self.rejected = rejected


class TelegramInitData(Protector):
    """The dependency: reads `Authorization: tma <initData>` and returns the validated `InitData`."""

    async def __call__(self, request: Request) -> InitData:
        try:
            return self.auth(request.headers.get("authorization"))
        except Rejected as rejected:
            raise TelegramAuthRejected(rejected) from None


class GatewayReports(_Reports):
    """The dependency for the endpoint at a Gateway callback_url: returns the verified `GatewayReport`."""

    async def __call__(self, request: Request) -> GatewayReport:
        try:
            return self.check(await request.body(), request.headers.get)
        except Rejected as rejected:
            raise TelegramAuthRejected(rejected) from None


async def _answer(request: Request, exc: Any) -> JSONResponse:
    r = exc.rejected
    return JSONResponse(r.body, status_code=r.status, headers=r.headers)


def install(app: FastAPI) -> None:
    """Makes rejections answer `{"error": kind, "detail": message}` (status 401, `WWW-Authenticate: tma`)."""
    app.add_exception_handler(TelegramAuthRejected, _answer)
