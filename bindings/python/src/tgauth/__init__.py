"""Telegram login verification: Login Widget data, Mini App initData, and third-party (Ed25519) validation.

Every check runs in libtgauth's Swift core; this package only converts arguments and results.
"""
from __future__ import annotations

import threading
from itertools import chain
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Mapping, Optional, Tuple, Union

from . import _ffi
from ._results import InitData, WebAppChat, WebAppUser, WidgetUser, read as _build

_widget_call, _widget_pairs_call = _ffi.verifiers(_build)
_chain = chain.from_iterable  # a mapping's items, flattened to key, value, key, value…
from ._errors import (
    AuthError,
    BadHashError,
    BadSignatureError,
    ExpiredError,
    FutureAuthDateError,
    MalformedError,
    MissingFieldError,
    TooLargeError,
    ERRORS_BY_KIND as _ERRORS_BY_KIND,
)

__all__ = [
    "AuthError", "MalformedError", "MissingFieldError", "BadHashError", "BadSignatureError", "ExpiredError",
    "FutureAuthDateError", "TooLargeError", "InitData", "WebAppUser", "WebAppChat", "WidgetUser",
    "MiniAppValidator", "LoginWidgetVerifier", "ThirdPartyValidator", "validate_third_party",
    "sign_init_data", "sign_widget", "library_version", "DEFAULT_MAX_AGE", "DEFAULT_MAX_BYTES", "DEFAULT_CACHE_SIZE", "CacheStats",
    "DeepLinkLogin", "LoginStart", "WebhookResult", "PollResult", "TelegramUser", "BadWebhookSecretError",
    "StoreError", "StoreFullError", "StoreUnavailableError",
]

from ._version import __version__  # noqa: E402
DEFAULT_MAX_AGE = 86400
#: input longer than this many bytes raises TooLargeError before any parsing (the `max_bytes` argument)
DEFAULT_MAX_BYTES = 16384
#: How many verified third-party results a validator keeps unless told otherwise.
DEFAULT_CACHE_SIZE = _ffi.DEFAULT_CACHE_SIZE

Text = Union[str, bytes]


def library_version() -> str:
    """The version of the loaded libtgauth."""
    return _ffi.version_string().decode()


from ._errors import BadWebhookSecretError, StoreError, StoreFullError, StoreUnavailableError  # noqa: E402


def _raise(failure: _ffi.Failure):
    cls = _ERRORS_BY_KIND.get(failure.kind)
    if cls is None:  # invalid_argument and anything not about the data itself
        raise ValueError(failure.message) from None
    raise cls(failure.message, failure.field) from None


def _token(bot_token: Text) -> bytes:
    if isinstance(bot_token, str):
        bot_token = bot_token.encode()
    elif not isinstance(bot_token, (bytes, bytearray)):
        raise TypeError(f"bot_token must be str or bytes, not {type(bot_token).__name__}")
    if not bot_token:
        raise ValueError("the bot token is empty")
    return bytes(bot_token)


def _data(value: object, what: str) -> bytes:
    if type(value) is str:
        return value.encode()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return str(value).encode()
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


_DEFAULT_LIMITS = _ffi.check(DEFAULT_MAX_AGE, None, DEFAULT_MAX_BYTES)


INT64_MAX = 2**63 - 1


def _in_int64(name: str, value: int, low: int) -> int:
    """`value` if it lies in low..2**63 - 1. ctypes would silently wrap a larger int into 64 bits (a bot id of
    2**64 + 42 would become 42), so every int bound for the C library passes through here first."""
    if not low <= value <= INT64_MAX:
        raise ValueError(f"{name} must be between {low} and 2**63 - 1")
    return value


def _limits(max_age: Optional[int], now: Optional[int], max_bytes: int):
    """The limits struct for these arguments, checked. The defaults (recognised by identity, as a call that
    leaves them alone passes them) are one prebuilt struct."""
    if max_age is DEFAULT_MAX_AGE and now is None and max_bytes is DEFAULT_MAX_BYTES:
        return _DEFAULT_LIMITS
    for name, value in (("max_age", max_age), ("now", now)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"{name} must be an int or None")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
        raise TypeError("max_bytes must be an int")
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive")
    if max_age is not None and max_age < 0:
        raise ValueError("max_age must not be negative (0 or None turns the age check off)")
    if now is not None and now <= 0:
        raise ValueError("now must be a positive Unix time")
    if max_age is not None:
        _in_int64("max_age", max_age, 0)
    if now is not None:
        _in_int64("now", now, 1)
    # a limit beyond what any buffer can hold is no limit: 2**63 and more all mean that to the library
    return _ffi.check(max_age, now, min(max_bytes, INT64_MAX))


def _validate_method(fn, owner: str):
    """A validator's `validate`: one frame from the call to the typed result (see `_ffi.validate_method`)."""
    method = _ffi.validate_method(fn, _build, _data, _limits, _raise, DEFAULT_MAX_AGE, DEFAULT_MAX_BYTES,
                                  _DEFAULT_LIMITS)
    method.__qualname__, method.__module__ = f"{owner}.validate", __name__
    method.__annotations__ = {"init_data": "Text", "max_age": "Optional[int]", "now": "Optional[int]",
                              "max_bytes": "int", "return": "InitData"}
    return method


class MiniAppValidator:
    """Validates Mini App initData with the bot token. Derives the key once; safe to share between threads."""

    __slots__ = ("_handle",)

    def __init__(self, bot_token: Text) -> None:
        try:
            self._handle = _ffi.new_mini_app(_token(bot_token))
        except _ffi.Failure as failure:
            _raise(failure)

    if TYPE_CHECKING:
        def validate(self, init_data: Text, max_age: Optional[int] = DEFAULT_MAX_AGE, now: Optional[int] = None,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> InitData: ...
    else:
        validate = _validate_method(_ffi._mini_app_record, "MiniAppValidator")
    validate.__doc__ = """Checks `Telegram.WebApp.initData` (or an Authorization value `tma <initData>`) and returns it typed.

        `max_age` is in seconds (0 or None: no age check); `now` replaces the clock (Unix time); longer input
        than `max_bytes` raises TooLargeError before any parsing.
        Raises a subclass of AuthError when the data is rejected.
        """


@dataclass(frozen=True)
class CacheStats:
    """Counters of a third-party validator's cache of verified results."""

    hits: int
    misses: int
    entries: int
    capacity: int


class ThirdPartyValidator:
    """Validates initData of a bot you do not own, by its Ed25519 `signature`, from the bot id alone.

    Verified results are cached (`cache_size` of them, least recently used evicted; 0 turns the cache off),
    keyed by a SHA-256 of the bot id, the key and the exact input: a Mini App sends the same initData with
    every request. A hit still checks the time window and size limit, so the verdict never changes.
    """

    __slots__ = ("_handle", "bot_id")

    def __init__(
        self, bot_id: int, environment: str = "production", public_key: Union[bytes, str, None] = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
    ) -> None:
        if isinstance(bot_id, bool) or not isinstance(bot_id, int):
            raise TypeError("bot_id must be an int")
        _check_cache_size(cache_size)
        self.bot_id = _in_int64("bot_id", bot_id, 1)
        try:
            if public_key is not None:
                self._handle = _ffi.new_third_party_with_key(bot_id, _public_key(public_key))
            else:
                if environment not in _ffi.ENVIRONMENTS:
                    raise ValueError(f"environment must be 'production' or 'test', not {environment!r}")
                self._handle = _ffi.new_third_party(bot_id, _ffi.ENVIRONMENTS[environment])
            if cache_size != DEFAULT_CACHE_SIZE:
                _ffi.set_cache_size(self._handle, cache_size)
        except _ffi.Failure as failure:
            _raise(failure)

    @property
    def cache_size(self) -> int:
        """How many verified results are kept; assign to change it (0 turns the cache off). Thread-safe."""
        return _ffi.cache_stats(self._handle)[3]

    @cache_size.setter
    def cache_size(self, entries: int) -> None:
        _check_cache_size(entries)
        _ffi.set_cache_size(self._handle, entries)

    @property
    def cache_stats(self) -> CacheStats:
        return CacheStats(*_ffi.cache_stats(self._handle))

    if TYPE_CHECKING:
        def validate(self, init_data: Text, max_age: Optional[int] = DEFAULT_MAX_AGE, now: Optional[int] = None,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> InitData: ...
    else:
        validate = _validate_method(_ffi._third_party_record, "ThirdPartyValidator")
    validate.__doc__ = """Checks initData by its Ed25519 `signature` and returns it typed (see MiniAppValidator.validate)."""


def _check_cache_size(entries: int) -> None:
    if isinstance(entries, bool) or not isinstance(entries, int):
        raise TypeError("cache_size must be an int")
    if not 0 <= entries <= 2**31 - 1:
        raise ValueError("cache_size must be between 0 and 2**31 - 1")


def _public_key(key: Union[bytes, str]) -> bytes:
    if isinstance(key, str):
        if len(key) != 64:
            raise ValueError("public_key must be 32 bytes or 64 hex characters")
        try:
            return bytes.fromhex(key)
        except ValueError:
            raise ValueError("public_key must be 32 bytes or 64 hex characters") from None
    if isinstance(key, (bytes, bytearray)):
        if len(key) != 32:
            raise ValueError("public_key must be 32 bytes or 64 hex characters")
        return bytes(key)
    raise TypeError("public_key must be bytes or a hex str")


_third_party_cache: dict = {}
_third_party_lock = threading.Lock()


def validate_third_party(
    init_data: Text, bot_id: int, environment: str = "production", public_key: Union[bytes, str, None] = None,
    max_age: Optional[int] = DEFAULT_MAX_AGE, now: Optional[int] = None, max_bytes: int = DEFAULT_MAX_BYTES,
) -> InitData:
    """Validates initData by Telegram's Ed25519 `signature` (production or test key, or `public_key`).

    Reuses one ThirdPartyValidator per (bot_id, environment, public_key), up to 64 of them, so repeated
    initData is answered from that validator's cache.
    """
    key = (bot_id, environment, public_key)
    validator = _third_party_cache.get(key)
    if validator is None:
        validator = ThirdPartyValidator(bot_id, environment, public_key)
        with _third_party_lock:
            if len(_third_party_cache) >= 64:
                _third_party_cache.clear()
            _third_party_cache[key] = validator
    return validator.validate(init_data, max_age=max_age, now=now, max_bytes=max_bytes)


def _field_text(value: object) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):  # the widget's JavaScript writes booleans as true/false
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return str(value)
    raise TypeError(f"widget field values must be str or int, not {type(value).__name__}")


class LoginWidgetVerifier:
    """Verifies Login Widget data with the bot token. Safe to share between threads."""

    __slots__ = ("_handle",)

    def __init__(self, bot_token: Text) -> None:
        try:
            self._handle = _ffi.new_widget(_token(bot_token))
        except _ffi.Failure as failure:
            _raise(failure)

    def verify(self, data: Union[Text, Mapping[str, object]], max_age: Optional[int] = DEFAULT_MAX_AGE,
               now: Optional[int] = None, max_bytes: int = DEFAULT_MAX_BYTES) -> WidgetUser:
        """Checks widget data: a query string, a callback URL, the JSON callback object (str or bytes), or a
        mapping of fields (for example a framework's parsed query parameters)."""
        limits = _limits(max_age, now, max_bytes)
        try:
            kind = type(data)
            if kind is str:
                return _widget_call(self._handle, data.encode(), limits)
            if kind is dict or (kind is not bytes and isinstance(data, Mapping)):
                try:
                    joined = "\0".join(_chain(data.items()))  # every key and value already a str
                except TypeError:
                    joined = "\0".join(_widget_parts(data))
                return _widget_pairs_call(self._handle, joined.encode(), limits, len(data))
            return _widget_call(self._handle, _data(data, "data"), limits)
        except _ffi.Failure as failure:
            _raise(failure)


def _widget_parts(data: Mapping[str, object]) -> list:
    parts = []
    for k, v in data.items():
        if not isinstance(k, str):
            raise TypeError(f"widget field names must be str, not {type(k).__name__}")
        parts.append(k)
        parts.append(v if type(v) is str else _field_text(v))
    return parts


def _pairs(fields: Union[Mapping[str, object], Iterable[Tuple[str, object]]]):
    items = fields.items() if isinstance(fields, Mapping) else fields
    out = []
    for item in items:
        try:
            k, v = item
        except (TypeError, ValueError):
            raise TypeError("fields must be a mapping or an iterable of (key, value) pairs") from None
        if not isinstance(k, str):
            raise TypeError("field names must be str")
        out.append((k.encode(), _field_text(v).encode()))
    return out


def _auth_date(auth_date: int) -> int:
    if isinstance(auth_date, bool) or not isinstance(auth_date, int):
        raise TypeError("auth_date must be an int (Unix time)")
    return _in_int64("auth_date", auth_date, 0)


def sign_init_data(
    bot_token: Text, fields: Union[Mapping[str, object], Iterable[Tuple[str, object]]], auth_date: int,
    ed25519_private_key: Union[bytes, str, None] = None, bot_id: Optional[int] = None,
) -> str:
    """Signs Mini App initData for tests and fixtures: adds `auth_date`, a `signature` when an Ed25519
    private key (32-byte seed, or 64 hex characters) and `bot_id` are given, and `hash`."""
    seed = None
    if ed25519_private_key is not None:
        seed = _public_key(ed25519_private_key)  # same 32-byte / 64-hex rules as a key
        if bot_id is None:
            raise ValueError("bot_id is required with ed25519_private_key")
    if bot_id is not None and (isinstance(bot_id, bool) or not isinstance(bot_id, int)):
        raise TypeError("bot_id must be an int")
    if bot_id is not None:
        _in_int64("bot_id", bot_id, 1)
    try:
        return _ffi.sign_init_data(_token(bot_token), _pairs(fields), _auth_date(auth_date), seed, bot_id or 0)
    except _ffi.Failure as failure:
        _raise(failure)


def sign_widget(bot_token: Text, fields: Union[Mapping[str, object], Iterable[Tuple[str, object]]], auth_date: int) -> dict:
    """Signs Login Widget data for tests: returns the fields with `auth_date` and `hash` added."""
    from urllib.parse import parse_qsl

    try:
        query = _ffi.sign_widget(_token(bot_token), _pairs(fields), _auth_date(auth_date))
    except _ffi.Failure as failure:
        _raise(failure)
    return dict(parse_qsl(query, keep_blank_values=True, strict_parsing=True))


# ---- bot deep-link login ------------------------------------------------------------------------------

import json as _json  # noqa: E402


@dataclass(frozen=True)
class TelegramUser:
    """The Telegram user who logged in through the bot (the Bot API's `User`)."""

    id: int
    first_name: str
    last_name: Optional[str] = None
    username: Optional[str] = None
    language_code: Optional[str] = None
    is_premium: Optional[bool] = None
    is_bot: bool = False


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


def _user(text: str) -> Optional[TelegramUser]:
    if not text:
        return None
    u = _json.loads(text)
    return TelegramUser(id=u["id"], first_name=u["first_name"], last_name=u.get("last_name"),
                        username=u.get("username"), language_code=u.get("language_code"),
                        is_premium=u.get("is_premium"), is_bot=u.get("is_bot", False))


def _poll(record: list) -> PollResult:
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

    def __init__(self, bot_username: str, webhook_secret: str, store: Optional[str] = None, ttl: int = 300,
                 confirm: bool = True, app_name: str = "the app", interval: int = 2, capacity: int = 100_000) -> None:
        for name, value in (("bot_username", bot_username), ("webhook_secret", webhook_secret), ("app_name", app_name)):
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str")
        if store is not None and not isinstance(store, str):
            raise TypeError("store must be None or a redis:// URL")
        for name, value in (("ttl", ttl), ("interval", interval), ("capacity", capacity)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int")
        _in_int64("capacity", capacity, 1)
        _in_int64("ttl", ttl, -INT64_MAX)
        _in_int64("interval", interval, -INT64_MAX)
        self.bot_username = bot_username.lstrip("@")
        try:
            self._handle = _ffi.new_deeplink(
                bot_username.encode(), webhook_secret.encode(), ttl, interval, bool(confirm), app_name.encode(),
                None if store is None else store.encode(), capacity)
        except _ffi.Failure as failure:
            _raise(failure)

    def start(self, device: str = "") -> LoginStart:
        """Starts a login; `device` ("Chrome on Linux") is named in the bot's confirmation."""
        if not isinstance(device, str):
            raise TypeError("device must be a str")
        try:
            r = _ffi.deeplink_start(self._handle, device.encode())
        except _ffi.Failure as failure:
            _raise(failure)
        return LoginStart(r[0], r[1], r[2], r[3], int(r[4]), int(r[5]))

    def handle_webhook(self, body: Union[bytes, str], secret_header: Optional[str]) -> WebhookResult:
        """Handles one webhook request: the raw body and the X-Telegram-Bot-Api-Secret-Token header (None if absent)."""
        raw = _data(body, "body")
        if secret_header is not None and not isinstance(secret_header, str):
            raise TypeError("secret_header must be a str or None")
        try:
            r = _ffi.deeplink_webhook(self._handle, raw, None if secret_header is None else secret_header.encode())
        except _ffi.Failure as failure:
            _raise(failure)
        return WebhookResult(outcome=r[0], reason=r[1] or None, response_body=r[2] or None,
                             additional_calls=tuple(r[4:]), user=_user(r[3]))

    def poll(self, poll_secret: str) -> PollResult:
        """The login's state; "approved" (with the user) is returned once, then the login is consumed."""
        if not isinstance(poll_secret, str):
            raise TypeError("poll_secret must be a str")
        try:
            return _poll(_ffi.deeplink_poll(self._handle, poll_secret.encode()))
        except _ffi.Failure as failure:
            _raise(failure)

    def wait(self, poll_secret: str, timeout: float = 30.0) -> PollResult:
        """Blocks until the login leaves "pending" or `timeout` seconds pass (for long-polling or a WebSocket)."""
        if not isinstance(poll_secret, str):
            raise TypeError("poll_secret must be a str")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError("timeout must be a number")
        try:
            return _poll(_ffi.deeplink_wait(self._handle, poll_secret.encode(), float(timeout)))
        except _ffi.Failure as failure:
            _raise(failure)
