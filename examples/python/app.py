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

from flask import Flask, jsonify, redirect, request

import tgauth


def create_app(bot_token: str | None = None, bot_username: str | None = None) -> Flask:
    bot_token = bot_token or os.environ["TELEGRAM_BOT_TOKEN"]
    bot_username = bot_username or os.environ.get("TELEGRAM_BOT_USERNAME", "my_bot")
    app_callback = os.environ.get("APP_CALLBACK_URL", "myapp://telegram-callback")
    # one validator per bot for the life of the process; they are thread-safe
    mini_app = tgauth.MiniAppValidator(bot_token)
    widget = tgauth.LoginWidgetVerifier(bot_token)
    session_key = secrets.token_bytes(32)
    app = Flask(__name__)

    def rejected(error: tgauth.AuthError):
        # the kind is safe to show; the detail never contains the token
        return jsonify(error=error.kind, detail=error.message), 401

    @app.get("/api/me")
    def me():
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("tma "):
            return jsonify(error="missing_field", detail="Authorization: tma <initData> required"), 401
        try:
            data = mini_app.validate(header)
        except tgauth.AuthError as error:
            return rejected(error)
        user = data.user
        return jsonify(
            id=user.id if user else None, first_name=user.first_name if user else None,
            username=user.username if user else None, auth_date=data.auth_date, start_param=data.start_param)

    @app.get("/auth/telegram/callback")
    def widget_callback():
        try:
            user = widget.verify(request.args.to_dict())
        except tgauth.AuthError as error:
            return rejected(error)
        token = f"{user.id}.{hmac.new(session_key, str(user.id).encode(), hashlib.sha256).hexdigest()}"
        response = jsonify(id=user.id, first_name=user.first_name, username=user.username)
        response.set_cookie("session", token, httponly=True, secure=True, samesite="Lax")
        return response

    @app.get("/login")
    def login_page():
        return (
            "<!doctype html><title>Log in</title>"
            f'<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="{bot_username}" '
            'data-size="large" data-auth-url="/auth/telegram/app" data-request-access="write"></script>'
        )

    @app.get("/auth/telegram/app")
    def app_callback_redirect():
        # the WebView intercepts this redirect; the app receives verified fields only
        try:
            user = widget.verify(request.args.to_dict())
        except tgauth.AuthError as error:
            return redirect(f"{app_callback}?{urlencode({'error': error.kind})}")
        return redirect(f"{app_callback}?{urlencode(request.args)}")

    return app


if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ.get("PORT", "8080")))
