"""A small Flask service protected by Telegram login, using the tgauth binding.

Endpoints:
  GET /api/me                    Mini App API: `Authorization: tma <initData>` -> the user as JSON
  GET /auth/telegram/callback    Login Widget redirect (`data-auth-url`) -> a session cookie
  GET /login                     a page embedding the widget, for a mobile WebView
  GET /auth/telegram/app         the WebView's callback: verifies, then redirects to myapp://telegram-callback?...

Configuration: TELEGRAM_BOT_TOKEN, TELEGRAM_BOT_USERNAME, APP_CALLBACK_URL (default myapp://telegram-callback).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from urllib.parse import urlencode

from flask import Flask, g, jsonify, redirect, request
from flask.typing import ResponseReturnValue

import tgauth
from tgauth.integrations.flask import LoginWidgetCallback, TelegramInitData


def create_app(bot_token: str | None = None, bot_username: str | None = None) -> Flask:
    bot_token = bot_token or os.environ["TELEGRAM_BOT_TOKEN"]
    bot_username = bot_username or os.environ.get("TELEGRAM_BOT_USERNAME", "my_bot")
    app_callback = os.environ.get("APP_CALLBACK_URL", "myapp://telegram-callback")
    # one validator per bot for the life of the process; they are thread-safe
    mini_app = TelegramInitData(bot_token)       # rejections: 401 {"error": kind, "detail": ...}
    widget = LoginWidgetCallback(bot_token)
    verifier = tgauth.LoginWidgetVerifier(bot_token)
    session_key = secrets.token_bytes(32)
    app = Flask(__name__)

    @app.get("/api/me")
    @mini_app
    def me() -> ResponseReturnValue:
        data: tgauth.InitData = g.init_data
        user = data.user
        return jsonify(
            id=user.id if user else None, first_name=user.first_name if user else None,
            username=user.username if user else None, auth_date=data.auth_date, start_param=data.start_param)

    @app.get("/auth/telegram/callback")
    def widget_callback() -> ResponseReturnValue:
        user = widget.user()  # a rejection has answered 401 already
        token = f"{user.id}.{hmac.new(session_key, str(user.id).encode(), hashlib.sha256).hexdigest()}"
        response = jsonify(id=user.id, first_name=user.first_name, username=user.username)
        response.set_cookie("session", token, httponly=True, secure=True, samesite="Lax")
        return response

    @app.get("/login")
    def login_page() -> ResponseReturnValue:
        return (
            "<!doctype html><title>Log in</title>"
            f'<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="{bot_username}" '
            'data-size="large" data-auth-url="/auth/telegram/app" data-request-access="write"></script>'
        )

    @app.get("/auth/telegram/app")
    def app_callback_redirect() -> ResponseReturnValue:
        # the WebView intercepts this redirect; the app receives verified fields only
        try:
            verifier.verify(request.args.to_dict())
        except tgauth.AuthError as error:
            return redirect(f"{app_callback}?{urlencode({'error': error.kind})}")
        return redirect(f"{app_callback}?{urlencode(request.args)}")

    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
