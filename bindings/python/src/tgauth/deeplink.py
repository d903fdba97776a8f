"""Bot deep-link login: the app opens `tg://resolve?domain=BOT&start=TOKEN`, the bot's webhook receives
`/start TOKEN`, and the app, polling or waiting with its poll secret, receives the user (tgauth_deeplink.h)."""
from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple, Union

from . import _call, _ffi
from ._results import FIELDS, TelegramUser
from ._args import INT64_MAX
from ._args import data as _data, in_int64 as _in_int64

def _library_defaults() -> _ffi.DeepLinkOptions:
    """The options tgauth_deeplink_options_init gives: the library's defaults (ttl, interval, confirm, capacity)."""
    o = _ffi.DeepLinkOptions()
    _ffi.deeplink_options_init(o)
    return o


_DEFAULTS = _library_defaults()

def _run(fn: Callable[..., int], handle: _call.Handle, *args: object) -> List[str]:
    """Runs a deep-link call (which may block, without holding the GIL) and returns its record's strings. A
    short buffer is refused before the call does anything, so the one loop of _call is safe here."""
    err = _ffi.Error()
    text = _call.write_output(lambda out, size: fn(handle.ptr, out, ctypes.byref(size), ctypes.byref(err), *args), err=err)
    return text.decode().split("\0")


@dataclass(frozen=True)
class LoginStart:
    login_token: str
    poll_secret: str
    tg_link: str
    https_link: str
    expires_at: int
    interval: int


@dataclass(frozen=True)
class WebhookResult:
    #: "approved", "confirmation_requested", "denied", "ignored" or "refused"
    outcome: str
    #: why an update was ignored or refused, else None
    reason: Optional[str]
    #: send this as the webhook's HTTP response body (application/json); None for an empty 200
    response_body: Optional[str]
    #: further Bot API calls (JSON objects with a "method") to make yourself
    additional_calls: Tuple[str, ...]
    user: Optional[TelegramUser]


@dataclass(frozen=True)
class PollResult:
    #: "pending", "slow_down", "approved", "denied", "expired" or "unknown"
    status: str
    interval: int
    user: Optional[TelegramUser] = None


#: the members of the Bot API `User` the schema declares (TelegramUser, generated)
_USER_FIELDS = tuple(name for name, *_ in FIELDS["TelegramUser"])


def _user(text: str) -> Optional[TelegramUser]:
    """The user of a record: the library's JSON of a TelegramUser, or "" when there is none."""
    if not text:
        return None
    u = json.loads(text)
    return TelegramUser(**{name: u[name] for name in _USER_FIELDS if name in u})


def _poll(record: List[str]) -> PollResult:
    return PollResult(status=record[0], interval=int(record[1]), user=_user(record[2]))


class DeepLinkLogin:
    """Bot deep-link login: the app opens `tg://resolve?domain=BOT&start=TOKEN`, your webhook gets
    `/start TOKEN`, and the app, polling or waiting with its poll secret, receives the user.

    `store` is None (in this process) or a Redis URL ("redis://127.0.0.1:6379/0") shared by every
    instance of your backend. Thread-safe; `wait` releases the GIL while it blocks.
    """

    __slots__ = ("_handle", "bot_username")

    #: the largest webhook body `handle_webhook` accepts (larger ones raise TooLargeError)
    MAX_UPDATE_BYTES = 1 << 20

    def __init__(self, bot_username: str, webhook_secret: str, store: Optional[str] = None,
                 ttl: int = _DEFAULTS.ttl, confirm: bool = bool(_DEFAULTS.confirm), app_name: Optional[str] = None,
                 interval: int = _DEFAULTS.interval, capacity: int = _DEFAULTS.memory_capacity) -> None:
        """`app_name` names your app in the bot's messages (None: the library's "the app")."""
        for name, value in (("bot_username", bot_username), ("webhook_secret", webhook_secret)):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str")
        if app_name is not None and not isinstance(app_name, str):
            raise TypeError("app_name must be a str or None")
        if store is not None and not isinstance(store, str):
            raise TypeError("store must be None or a redis:// URL")
        for label, number in (("ttl", ttl), ("interval", interval), ("capacity", capacity)):
            if isinstance(number, bool) or not isinstance(number, int):
                raise TypeError(f"{label} must be an int")
        _in_int64("capacity", capacity, 1)
        _in_int64("ttl", ttl, -INT64_MAX)
        _in_int64("interval", interval, -INT64_MAX)
        self.bot_username = bot_username.lstrip("@")
        o = _library_defaults()
        o.ttl, o.interval, o.confirm = ttl, interval, 1 if confirm else 0
        if app_name is not None:
            app = _data(app_name, "app_name")
            o.app_name, o.app_name_len = app, len(app)
        if store is not None:
            url = _data(store, "store")
            o.redis_url, o.redis_url_len = url, len(url)
        o.memory_capacity = capacity
        bot, secret = _data(bot_username, "bot_username"), _data(webhook_secret, "webhook_secret")
        self._handle = _call.new_handle(_ffi.deeplink_new, _ffi.deeplink_free, bot, len(bot), secret, len(secret), o)

    def start(self, device: str = "") -> LoginStart:
        """Starts a login; `device` ("Chrome on Linux") is named in the bot's confirmation."""
        if not isinstance(device, str):
            raise TypeError("device must be a str")
        raw = _data(device, "device")
        r = _run(_ffi.deeplink_start, self._handle, raw, len(raw))
        return LoginStart(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]))

    def handle_webhook(self, body: Union[bytes, str], secret_header: Optional[str]) -> WebhookResult:
        """Handles one webhook request: the raw body and the X-Telegram-Bot-Api-Secret-Token header (None if absent)."""
        raw = _data(body, "body")
        if secret_header is not None and not isinstance(secret_header, str):
            raise TypeError("secret_header must be a str or None")
        header = None if secret_header is None else _data(secret_header, "secret_header")
        r = _run(_ffi.deeplink_handle_webhook, self._handle, raw, len(raw), header, 0 if header is None else len(header))
        return WebhookResult(outcome=r[0], reason=r[1] or None, response_body=r[2] or None,
                             additional_calls=tuple(r[4:]), user=_user(r[3]))

    def poll(self, poll_secret: str) -> PollResult:
        """The login's state; "approved" (with the user) is returned once, then the login is consumed."""
        if not isinstance(poll_secret, str):
            raise TypeError("poll_secret must be a str")
        secret = _data(poll_secret, "poll_secret")
        return _poll(_run(_ffi.deeplink_poll, self._handle, secret, len(secret)))

    def wait(self, poll_secret: str, timeout: float = 30.0) -> PollResult:
        """Blocks until the login leaves "pending" or `timeout` seconds pass (for long-polling or a WebSocket)."""
        if not isinstance(poll_secret, str):
            raise TypeError("poll_secret must be a str")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a number")
        secret = _data(poll_secret, "poll_secret")
        return _poll(_run(_ffi.deeplink_wait, self._handle, secret, len(secret), float(timeout)))
