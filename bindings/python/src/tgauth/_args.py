"""The arguments every verifier shares, checked before they reach C: text as bytes, ints within 64 bits, the
limits of a check (and the library's defaults for them), the bot token."""
from __future__ import annotations

from typing import Optional, Tuple, Union

from . import _call, _ffi
from ._errors import MalformedError

Text = Union[str, bytes]


def _library_defaults() -> Tuple[int, int, int]:
    """(max_age, future_skew, max_input_bytes) as tgauth_check_init sets them: the library's defaults."""
    check = _ffi.Check()
    _ffi.check_init(check)
    return check.max_age, check.future_skew, check.max_input_bytes


DEFAULT_MAX_AGE, _FUTURE_SKEW, DEFAULT_MAX_BYTES = _library_defaults()

def token(bot_token: Text) -> bytes:
    if isinstance(bot_token, str):
        bot_token = data(bot_token, "bot_token")
    elif not isinstance(bot_token, (bytes, bytearray)):
        raise TypeError(f"bot_token must be str or bytes, not {type(bot_token).__name__}")
    if not bot_token:
        raise ValueError("the bot token is empty")
    return bytes(bot_token)


def data(value: object, what: str) -> bytes:
    """`value` as bytes: str is UTF-8 encoded; bytes-like is copied; anything else is a TypeError. A str that
    UTF-8 cannot carry raises MalformedError (a verdict on the data, as the library gives for bad bytes)."""
    try:
        if type(value) is str:
            return value.encode()
        if isinstance(value, (bytes, bytearray, memoryview)):
            return bytes(value)
        if isinstance(value, str):
            return str(value).encode()
    except UnicodeEncodeError as error:
        raise not_utf8(what, error) from None
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


def not_utf8(what: str, error: UnicodeEncodeError) -> MalformedError:
    """A str with no UTF-8 form: a lone surrogate, which a server's surrogateescape decoding of bad bytes leaves."""
    return MalformedError(f"{what} is not valid UTF-8 text (a lone surrogate at index {error.start})", what)


INT64_MAX = 2**63 - 1


def in_int64(name: str, value: int, low: int) -> int:
    """`value` if it lies in low..2**63 - 1. ctypes would silently wrap a larger int into 64 bits (a bot id of
    2**64 + 42 would become 42), so every int bound for the C library passes through here first."""
    if not low <= value <= INT64_MAX:
        raise ValueError(f"{name} must be between {low} and 2**63 - 1")
    return value


def limits(max_age: Optional[int], now: Optional[int], max_bytes: int) -> _call.Limits:
    """The limits struct for these arguments, checked. A call that leaves them at their defaults (the same
    objects) gets the one prebuilt struct, without the checks."""
    if max_age is DEFAULT_MAX_AGE and now is None and max_bytes is DEFAULT_MAX_BYTES:
        return DEFAULT_LIMITS
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
        in_int64("max_age", max_age, 0)
    if now is not None:
        in_int64("now", now, 1)
    # a limit beyond what any buffer can hold is no limit: 2**63 and more all mean that to the library
    return _call.limits(max_age, now, min(max_bytes, INT64_MAX))



DEFAULT_LIMITS = _call.limits(DEFAULT_MAX_AGE, None, DEFAULT_MAX_BYTES)
