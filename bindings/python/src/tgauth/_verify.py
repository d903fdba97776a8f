"""The verifiers (Mini App, third-party, Login Widget) and signing: plain methods over the library's record
calls (`_call.verify_record`), with their arguments checked here before they reach C."""
from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union, cast

from . import _call, _ffi
from ._errors import MalformedError
from ._records import read
from ._results import InitData, WidgetUser

from ._args import DEFAULT_LIMITS, Text
from ._args import DEFAULT_MAX_AGE as DEFAULT_MAX_AGE  # the library's defaults, exported from here too
from ._args import DEFAULT_MAX_BYTES as DEFAULT_MAX_BYTES
from ._args import INT64_MAX as INT64_MAX
from ._args import data as _data, in_int64 as _in_int64, limits as _limits, not_utf8 as _not_utf8, token as _token


class MiniAppValidator:
    """Validates Mini App initData with the bot token. Derives the key once; safe to share between threads."""

    __slots__ = ("_handle",)

    def __init__(self, bot_token: Text) -> None:
        self._handle = _call.new_handle(_ffi.mini_app_new, _ffi.mini_app_free, *_sized(_token(bot_token)))

    def validate(self, init_data: Text, max_age: Optional[int] = DEFAULT_MAX_AGE, now: Optional[int] = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> InitData:
        """Checks `Telegram.WebApp.initData` (or an Authorization value `tma <initData>`) and returns it typed.

        `max_age` is in seconds (0 or None: no age check); `now` replaces the clock (Unix time); longer input
        than `max_bytes` raises TooLargeError before any parsing.
        Raises a subclass of AuthError when the data is rejected.
        """
        try:  # inline rather than _data: this is the hot path
            raw = init_data.encode() if type(init_data) is str else _data(init_data, "init_data")
        except UnicodeEncodeError as error:
            raise _not_utf8("init_data", error) from None
        defaults = max_age is DEFAULT_MAX_AGE and now is None and max_bytes is DEFAULT_MAX_BYTES
        check = DEFAULT_LIMITS if defaults else _limits(max_age, now, max_bytes)
        return cast(InitData, read(_call.verify_record(_ffi.mini_app_validate_record, self._handle, raw, check.ref)))


def _sized(data: bytes) -> Tuple[bytes, int]:
    return data, len(data)


@dataclass(frozen=True)
class CacheStats:
    """Counters of a third-party validator's cache of verified results."""

    hits: int
    misses: int
    entries: int
    capacity: int


def _default_cache_size() -> int:
    """The cache size the library gives a new third-party validator (TGAUTH_THIRD_PARTY_DEFAULT_CACHE_SIZE)."""
    probe = _call.new_handle(_ffi.third_party_new, _ffi.third_party_free, 1, 0)
    return int(_cache_stats(probe)[3])


def _cache_stats(handle: _call.Handle) -> Tuple[int, int, int, int]:
    """(hits, misses, entries, capacity) of a third-party validator's cache."""
    hits, misses, entries, capacity = _ffi.c_uint64(), _ffi.c_uint64(), _ffi.c_size_t(), _ffi.c_size_t()
    code = _ffi.third_party_cache_stats(handle.ptr, hits, misses, entries, capacity)
    if code != _ffi.OK:
        raise _call.failure(code, None)
    return hits.value, misses.value, entries.value, capacity.value


def _set_cache_size(handle: _call.Handle, entries: int) -> None:
    code = _ffi.third_party_set_cache_size(handle.ptr, entries)
    if code != _ffi.OK:
        raise _call.failure(code, None)


#: How many verified third-party signatures a validator keeps unless told otherwise.
DEFAULT_CACHE_SIZE = _default_cache_size()
ENVIRONMENTS = {"production": 0, "test": 1}  # TGAUTH_ENVIRONMENT_PRODUCTION, TGAUTH_ENVIRONMENT_TEST


class ThirdPartyValidator:
    """Validates initData of a bot you do not own, by its Ed25519 `signature`, from the bot id alone.

    Verified signatures are cached (`cache_size` of them, least recently used evicted; 0 turns the cache off),
    keyed by a SHA-256 of the key, the signature and the signed message: a Mini App sends the same initData
    with every request. A hit skips only the Ed25519 check, so the verdict never changes.
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
        if public_key is not None:
            key = _public_key(public_key)
            self._handle = _call.new_handle(_ffi.third_party_new_with_key, _ffi.third_party_free, bot_id, key, len(key))
        else:
            if environment not in ENVIRONMENTS:
                raise ValueError(f"environment must be 'production' or 'test', not {environment!r}")
            self._handle = _call.new_handle(_ffi.third_party_new, _ffi.third_party_free, bot_id, ENVIRONMENTS[environment])
        if cache_size != DEFAULT_CACHE_SIZE:
            _set_cache_size(self._handle, cache_size)

    @property
    def cache_size(self) -> int:
        """How many verified signatures are kept; assign to change it (0 turns the cache off). Thread-safe."""
        return int(_cache_stats(self._handle)[3])

    @cache_size.setter
    def cache_size(self, entries: int) -> None:
        _check_cache_size(entries)
        _set_cache_size(self._handle, entries)

    @property
    def cache_stats(self) -> CacheStats:
        return CacheStats(*_cache_stats(self._handle))

    def validate(self, init_data: Text, max_age: Optional[int] = DEFAULT_MAX_AGE, now: Optional[int] = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> InitData:
        """Checks initData by its Ed25519 `signature` and returns it typed (see MiniAppValidator.validate)."""
        raw = _data(init_data, "init_data")
        record = _call.verify_record(
            _ffi.third_party_validate_record, self._handle, raw, _limits(max_age, now, max_bytes).ref)
        return cast(InitData, read(record))


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


_third_party_cache: Dict[Any, "ThirdPartyValidator"] = {}
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
        self._handle = _call.new_handle(_ffi.widget_new, _ffi.widget_free, *_sized(_token(bot_token)))

    def verify(self, data: Union[Text, Mapping[str, object]], max_age: Optional[int] = DEFAULT_MAX_AGE,
               now: Optional[int] = None, max_bytes: int = DEFAULT_MAX_BYTES) -> WidgetUser:
        """Checks widget data: a query string, a callback URL, the JSON callback object (str or bytes), or a
        mapping of fields (for example a framework's parsed query parameters)."""
        check = _limits(max_age, now, max_bytes)
        if isinstance(data, Mapping):
            # the pairs as "key\0value\0key\0value", which the library splits again
            joined = _data("\0".join(_widget_parts(data)), "data")
            record = _call.verify_record(_ffi.widget_verify_pairs_record, self._handle, joined, ctypes.c_size_t(len(data)), check.ref)
        else:
            record = _call.verify_record(_ffi.widget_verify_record, self._handle, _data(data, "data"), check.ref)
        return cast(WidgetUser, read(record))


def _widget_parts(data: Mapping[str, object]) -> List[str]:
    parts: List[str] = []
    for k, v in data.items():
        if not isinstance(k, str):
            raise TypeError(f"widget field names must be str, not {type(k).__name__}")
        parts.append(k)
        parts.append(v if type(v) is str else _field_text(v))
    return parts


def _pairs(fields: Union[Mapping[str, object], Iterable[Tuple[str, object]]]) -> List[Tuple[bytes, bytes]]:
    items = fields.items() if isinstance(fields, Mapping) else fields
    out = []
    for item in items:
        try:
            k, v = item
        except (TypeError, ValueError):
            raise TypeError("fields must be a mapping or an iterable of (key, value) pairs") from None
        if not isinstance(k, str):
            raise TypeError("field names must be str")
        out.append((_data(k, "a field name"), _data(_field_text(v), k)))
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
    token, pairs, date = _token(bot_token), _pairs(fields), _auth_date(auth_date)
    array = _call.fields(pairs)
    return _call.write_output(lambda out, size: _ffi.sign_init_data(
        out, size, token, len(token), array, len(pairs), date, seed, len(seed or b""), bot_id or 0)).decode()


def sign_widget(bot_token: Text, fields: Union[Mapping[str, object], Iterable[Tuple[str, object]]], auth_date: int) -> Dict[str, str]:
    """Signs Login Widget data for tests: returns the fields with `auth_date` and `hash` added."""
    from urllib.parse import parse_qsl

    token, pairs, date = _token(bot_token), _pairs(fields), _auth_date(auth_date)
    array = _call.fields(pairs)
    query = _call.write_output(
        lambda out, size: _ffi.sign_widget(out, size, token, len(token), array, len(pairs), date)).decode()
    return dict(parse_qsl(query, keep_blank_values=True, strict_parsing=True))


def check_webhook_secret(secret: Text, header: Optional[Text]) -> None:
    """Checks a webhook request's `X-Telegram-Bot-Api-Secret-Token` header (None when the request had none)
    against the `secret_token` given to setWebhook, in constant time (the library's check, the one the
    deep-link login runs). Raises BadWebhookSecretError when it is absent or differs, ValueError for a secret
    setWebhook would refuse (1-256 characters of A-Za-z0-9_-)."""
    expected = _data(secret, "secret")
    given = None if header is None else _data(header, "header")
    err = _ffi.Error()
    code = _ffi.webhook_secret_check(ctypes.byref(err), expected, len(expected), given, 0 if given is None else len(given))
    if code != _ffi.OK:
        raise _call.failure(code, err)
