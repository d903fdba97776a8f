"""A small Flask site with "Log in with Telegram" over OpenID Connect, using tgauth.oidc.

Two ways in, both ending in a session cookie:
  GET  /login                  the redirect flow: to Telegram's /auth (state, nonce, PKCE), and back to ...
  GET  /callback               ... here: the state checked, the code exchanged over HTTPS, the id_token verified
  GET  /login/nonce            for telegram-login.js on the page: a nonce to pass to Telegram.Login.auth
  POST /auth/id-token          {"id_token": ...} as telegram-login.js hands it over, verified with that nonce
  GET  /                       a page with the button, or who is logged in
  GET  /me                     the session's user as JSON (401 without a session)
  POST /logout

What a login needs between /login and /callback (state, nonce, code verifier) stays on the server, under a
random cookie; the session is a random id as well. Nothing secret is ever logged.

Configuration (environment): TELEGRAM_CLIENT_ID (the bot id), TELEGRAM_CLIENT_SECRET, APP_URL (this site,
e.g. https://example.com; the redirect URI is APP_URL/callback), and for a stand-in provider (tests, the
demo) TELEGRAM_OIDC_ISSUER and TELEGRAM_OIDC_CA_FILE.

  TELEGRAM_CLIENT_ID=... TELEGRAM_CLIENT_SECRET=... APP_URL=http://127.0.0.1:5000 flask --app oidc_app run
"""
from __future__ import annotations

import hmac
import html
import logging
import os
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple, Union

from flask import Flask, jsonify, make_response, redirect, request
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

import tgauth
from tgauth.oidc import IDToken, TelegramOIDC

log = logging.getLogger("oidc_app")

LOGIN_TTL = 600  # seconds a started login may take
SESSION_TTL = 7 * 24 * 3600
MAX_PENDING = 10_000  # logins started and not finished; past it the oldest is forgotten
STARTS_PER_MINUTE = 20  # logins one address may start a minute (after a burst of as many)


#: what the site keeps of a logged-in user
User = Dict[str, Any]


@dataclass
class PendingLogin:
    state: Optional[str]
    nonce: Optional[str]
    code_verifier: Optional[str]
    started: float


class Store:
    """Pending logins and sessions, in this process (a real site would use its database or Redis).

    Pending logins are bounded: at most MAX_PENDING (the oldest goes first), each address may start
    STARTS_PER_MINUTE a minute, and every insert costs O(1): the table is in start order, so expired logins
    are dropped from its front."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: "OrderedDict[str, PendingLogin]" = OrderedDict()
        self.starts: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()  # address -> (tokens, when)
        self.sessions: Dict[str, Tuple[User, float]] = {}  # id -> (user, expires)

    def put_pending(self, login: PendingLogin, address: str) -> Optional[str]:
        """The key of a new pending login, or None when `address` started too many this minute."""
        key = secrets.token_urlsafe(24)
        with self.lock:
            if not self._may_start(address, login.started):
                return None
            while self.pending:  # the oldest first: stop at the first still running
                oldest = next(iter(self.pending.values()))
                if login.started - oldest.started < LOGIN_TTL and len(self.pending) < MAX_PENDING:
                    break
                self.pending.popitem(last=False)
            self.pending[key] = login
        return key

    def _may_start(self, address: str, now: float) -> bool:
        """A token bucket per address (STARTS_PER_MINUTE, refilled evenly); the table of addresses is bounded
        like the logins, the least recently seen going first."""
        tokens, then = self.starts.pop(address, (float(STARTS_PER_MINUTE), now))
        tokens = min(float(STARTS_PER_MINUTE), tokens + (now - then) * STARTS_PER_MINUTE / 60)
        self.starts[address] = (tokens - 1 if tokens >= 1 else tokens, now)
        if len(self.starts) > MAX_PENDING:
            self.starts.popitem(last=False)
        return tokens >= 1

    def take_pending(self, key: Optional[str]) -> Optional[PendingLogin]:
        """The login started under `key`, removed: each is good for one callback."""
        with self.lock:
            login = self.pending.pop(key or "", None)
        return login if login and time.monotonic() - login.started < LOGIN_TTL else None

    def new_session(self, user: User) -> str:
        sid = secrets.token_urlsafe(32)
        with self.lock:
            self.sessions[sid] = (user, time.time() + SESSION_TTL)
        return sid

    def user(self, sid: Optional[str]) -> Optional[User]:
        with self.lock:
            entry = self.sessions.get(sid or "")
        return entry[0] if entry and entry[1] > time.time() else None

    def end_session(self, sid: Optional[str]) -> None:
        with self.lock:
            self.sessions.pop(sid or "", None)


def create_app(client_id: Optional[str] = None, client_secret: Optional[str] = None, app_url: Optional[str] = None,
               issuer: Optional[str] = None, ca_file: Optional[str] = None) -> Flask:
    client_id = client_id or os.environ["TELEGRAM_CLIENT_ID"]
    client_secret = client_secret or os.environ["TELEGRAM_CLIENT_SECRET"]
    app_url = (app_url or os.environ.get("APP_URL", "http://127.0.0.1:5000")).rstrip("/")
    issuer = issuer or os.environ.get("TELEGRAM_OIDC_ISSUER")
    ca_file = ca_file or os.environ.get("TELEGRAM_OIDC_CA_FILE")
    secure = app_url.startswith("https://")
    # one client for the life of the process, shared by every request thread; it fetches and caches the keys
    oidc = TelegramOIDC(client_id, client_secret=client_secret, redirect_uri=app_url + "/callback", issuer=issuer,
                        ca_file=ca_file, timeout=10)
    store = Store()
    app = Flask(__name__)
    app.config["store"] = store

    def cookie(response: Response, name: str, value: str, max_age: int) -> Response:
        response.set_cookie(name, value, max_age=max_age, httponly=True, secure=secure, samesite="Lax", path="/")
        return response

    def refused(status: int, error: str, detail: str) -> ResponseReturnValue:
        log.info("login refused: %s", error)  # the kind only: details may quote the request
        if request.accept_mimetypes.accept_html and not request.is_json:
            page = f"<!doctype html><title>Login failed</title><h1>Login failed</h1><p>{html.escape(detail)}</p><p><a href='/'>Back</a></p>"
            return make_response(page, status)
        return jsonify(error=error, detail=detail), status

    def address() -> str:
        return request.remote_addr or ""  # behind a proxy, configure werkzeug's ProxyFix to see the client's

    def too_many() -> ResponseReturnValue:
        response = make_response(jsonify(error="too_many_logins", detail="too many logins started; wait a minute"), 429)
        response.headers["Retry-After"] = str(60 // STARTS_PER_MINUTE)
        return response

    def logged_in(user: User, to_page: bool) -> Response:
        sid = store.new_session(user)
        response = redirect("/") if to_page else jsonify(user)
        response = cookie(response, "session", sid, SESSION_TTL)
        response.delete_cookie("login", path="/")
        return response

    def finish(verify: Callable[[], IDToken], to_page: bool, failed: str) -> ResponseReturnValue:
        """Runs the library's check: the user logged in, or why not (Telegram unreachable: 502)."""
        try:
            token = verify()
        except tgauth.NetworkError:
            log.warning("Telegram unreachable")
            return refused(502, "network", "Telegram could not be reached; try again")
        except tgauth.AuthError as error:
            return refused(401, error.kind, failed)
        return logged_in(user_of(token), to_page)

    def user_of(token: IDToken) -> User:
        return {"id": token.id, "sub": token.sub, "name": token.name, "username": token.preferred_username,
                "picture": token.picture, "phone_number": token.phone_number}

    @app.get("/")
    def index() -> ResponseReturnValue:
        user = store.user(request.cookies.get("session"))
        if user:
            body = (f"<p id='who'>Logged in as <b>{html.escape(user['name'] or '')}</b> (Telegram id "
                    f"<span id='telegram-id'>{user['id']}</span>).</p>"
                    "<form method='post' action='/logout'><button>Log out</button></form>")
        else:
            body = "<p><a id='login' class='tg' href='/login'>Log in with Telegram</a></p>"
        return (f"<!doctype html><html><head><meta charset='utf-8'><title>tgauth OIDC example</title>"
                "<style>body{font-family:sans-serif;padding:40px}.tg{background:#2aabee;color:#fff;padding:12px 24px;"
                "border-radius:8px;text-decoration:none}</style></head>"
                f"<body><h1>Example site</h1>{body}</body></html>")

    @app.get("/login")
    def login() -> ResponseReturnValue:
        scopes = ["openid", "profile"] + (["phone"] if request.args.get("phone") == "1" else [])
        start = oidc.authorization_request(scopes)
        key = store.put_pending(PendingLogin(start.state, start.nonce, start.code_verifier, time.monotonic()), address())
        if key is None:
            return too_many()
        return cookie(redirect(start.url), "login", key, LOGIN_TTL)

    @app.get("/callback")
    def callback() -> ResponseReturnValue:
        login = store.take_pending(request.cookies.get("login"))
        if login is None or login.state is None or login.code_verifier is None:
            return refused(400, "no_login", "no login was started in this browser, or it took too long")
        state = request.args.get("state", "")
        if not hmac.compare_digest(state.encode(), login.state.encode()):
            return refused(400, "bad_state", "the login came back with a state this browser did not start")
        if "error" in request.args:
            return refused(401, "denied", "Telegram did not log you in")
        code = request.args.get("code")
        if not code:
            return refused(400, "malformed", "the callback has no code")
        verifier, nonce = login.code_verifier, login.nonce
        return finish(lambda: oidc.exchange(code, verifier, expected_nonce=nonce), to_page=True,
                      failed="the login could not be verified")

    @app.get("/login/nonce")
    def login_nonce() -> ResponseReturnValue:
        nonce = secrets.token_urlsafe(16)
        key = store.put_pending(PendingLogin(None, nonce, None, time.monotonic()), address())
        if key is None:
            return too_many()
        return cookie(jsonify(nonce=nonce), "login", key, LOGIN_TTL)

    @app.post("/auth/id-token")
    def id_token() -> ResponseReturnValue:
        body = request.get_json(silent=True)
        token = body.get("id_token") if isinstance(body, dict) else None
        if not isinstance(token, str):
            return refused(400, "malformed", 'the body must be {"id_token": "..."}')
        login = store.take_pending(request.cookies.get("login"))
        if login is None:
            return refused(400, "no_login", "ask /login/nonce first")
        return finish(lambda: oidc.verify_id_token(token, nonce=login.nonce), to_page=False,
                      failed="the id_token does not verify")

    @app.get("/me")
    def me() -> ResponseReturnValue:
        user = store.user(request.cookies.get("session"))
        return jsonify(user) if user else (jsonify(error="not_logged_in"), 401)

    @app.post("/logout")
    def logout() -> ResponseReturnValue:
        store.end_session(request.cookies.get("session"))
        response = redirect("/")
        response.delete_cookie("session", path="/")
        return response

    return app
