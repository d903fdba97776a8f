"""Mini App and Login Widget authentication for Flask: a view decorator, and the widget's redirect callback.

    from flask import Flask, g
    from tgauth.integrations.flask import LoginWidgetCallback, TelegramInitData

    app = Flask(__name__)
    telegram = TelegramInitData(bot_token)        # or TelegramInitData(bot_id=...) for third-party data
    widget = LoginWidgetCallback(bot_token)

    @app.get("/me")
    @telegram
    def me():
        return {"id": g.init_data.user.id}        # the validated InitData

    @app.get("/auth/telegram/callback")           # the widget's data-auth-url
    def callback():
        user = widget.user()                      # the WidgetUser of this request's query, or a 401 is sent
        ...

    reports = GatewayReports(gateway_api_token)   # Telegram Gateway delivery reports

    @app.post("/gateway/report")                  # the callback_url given to sendVerificationMessage
    @reports
    def report():
        save(g.gateway_report)                    # the verified GatewayReport; a bad one was answered 401
        return "", 200

Rejections answer 401 `{"error": kind, "detail": message}` with `WWW-Authenticate: tma`.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Optional, TypeVar

from flask import abort, g, jsonify, request

from .._errors import AuthError
from .._results import WidgetUser
from .._verify import DEFAULT_MAX_AGE, LoginWidgetVerifier
from ._common import GatewayReports as _Reports
from ._common import Protector, Rejected

__all__ = ["TelegramInitData", "LoginWidgetCallback", "GatewayReports"]

View = TypeVar("View", bound=Callable[..., Any])


def _answer(r: Rejected) -> Any:
    response = jsonify(r.body)
    response.status_code = r.status
    response.headers.update(r.headers)
    return response


class TelegramInitData(Protector):
    """A decorator for views that need a Mini App user: the validated InitData is `flask.g.init_data`."""

    def __call__(self, view: View) -> View:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                g.init_data = self.auth(request.headers.get("Authorization"))
            except Rejected as r:
                return _answer(r)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]


class LoginWidgetCallback:
    """The Login Widget's redirect callback (`data-auth-url`): the query Telegram appends, verified."""

    def __init__(self, bot_token: str, max_age: Optional[int] = DEFAULT_MAX_AGE) -> None:
        self.verifier = LoginWidgetVerifier(bot_token)
        self.max_age = max_age

    def user(self) -> WidgetUser:
        """The user of this request's query string; on rejection the request ends with the 401 answer."""
        try:
            return self.verifier.verify(request.query_string.decode("utf-8", "replace"), max_age=self.max_age)
        except AuthError as error:
            abort(_answer(Rejected(error.kind, error.message, error.field)))


class GatewayReports(_Reports):
    """A decorator for the view at a Gateway callback_url: the verified GatewayReport is
    `flask.g.gateway_report`; a report that does not verify is answered 401 and never reaches the view."""

    def __call__(self, view: View) -> View:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                g.gateway_report = self.check(request.get_data(cache=True), request.headers.get)
            except Rejected as r:
                return _answer(r)
            return view(*args, **kwargs)

        return checked  # type: ignore[return-value]
