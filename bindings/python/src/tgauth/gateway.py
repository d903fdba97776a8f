"""Telegram Gateway delivery reports: the reports the Gateway API posts to a `callback_url`, verified by the
library (tgauth_gateway_report_verify_record) and read into the generated `GatewayReport`."""
from __future__ import annotations

import ctypes
from typing import Optional, Union, cast

from . import _call, _ffi
from ._records import read
from ._results import DeliveryStatus, GatewayReport, VerificationStatus
from ._args import data as _data, in_int64 as _in_int64

__all__ = ["GatewayReportVerifier", "GatewayReport", "DeliveryStatus", "VerificationStatus", "DEFAULT_MAX_SKEW"]

Text = Union[str, bytes]

#: The headers Telegram signs a report with.
TIMESTAMP_HEADER = "X-Request-Timestamp"
SIGNATURE_HEADER = "X-Request-Signature"


def _default_max_skew() -> int:
    """The window the library gives a verifier made with max_skew -1: its default, asked, not repeated here."""
    probe = _call.new_handle(_ffi.gateway_new, _ffi.gateway_free, b"probe", 5, -1)
    return int(_ffi.gateway_max_skew(probe.ptr))


DEFAULT_MAX_SKEW = _default_max_skew()


class GatewayReportVerifier:
    """Verifies the delivery reports of one Gateway API token: the signature (`X-Request-Signature`, the hex
    HMAC-SHA256 of `X-Request-Timestamp`, a line feed and the raw body, under SHA256(token)), the timestamp
    (at most `max_skew` seconds from now, either way), then the body, a `RequestStatus`. Safe to share
    between threads."""

    __slots__ = ("_handle", "max_skew")

    def __init__(self, api_token: Text, max_skew: int = DEFAULT_MAX_SKEW) -> None:
        if isinstance(max_skew, bool) or not isinstance(max_skew, int):
            raise TypeError("max_skew must be an int")
        self.max_skew = _in_int64("max_skew", max_skew, 0)
        token = _data(api_token, "api_token")
        self._handle = _call.new_handle(_ffi.gateway_new, _ffi.gateway_free, token, len(token), max_skew)

    def verify(self, body: bytes, *, timestamp: Optional[Text], signature: Optional[Text],
               now: Optional[int] = None) -> GatewayReport:
        """Checks one report: `body` exactly as received, the two headers' values (None when the request had
        none), and `now` (Unix time) in place of the clock. Returns the typed report; raises the AuthError of
        what failed (BadSignatureError, ExpiredError, FutureAuthDateError, MalformedError,
        MissingFieldError, TooLargeError)."""
        if now is not None and (isinstance(now, bool) or not isinstance(now, int)):
            raise TypeError("now must be an int or None")
        raw = _data(body, "body")
        stamp = None if timestamp is None else _data(timestamp, "timestamp")
        mac = None if signature is None else _data(signature, "signature")
        record = _call.verify_record(
            _ffi.gateway_report_verify_record, self._handle, raw,
            stamp, ctypes.c_size_t(0 if stamp is None else len(stamp)),
            mac, ctypes.c_size_t(0 if mac is None else len(mac)), ctypes.c_int64(_in_int64("now", now or 0, 0)))
        return cast(GatewayReport, read(record))

    def sign(self, body: bytes, timestamp: Text) -> str:
        """The `X-Request-Signature` Telegram sends with `body` at `timestamp`: for tests and fixtures."""
        raw, stamp = _data(body, "body"), _data(timestamp, "timestamp")
        return _call.write_output(
            lambda out, size: _ffi.gateway_sign(self._handle.ptr, out, size, stamp, len(stamp), raw, len(raw)), size=65).decode()
