"""Telegram login verification: Login Widget data, Mini App initData, third-party (Ed25519) validation, and
the bot deep-link login.

Every check runs in libtgauth's Swift core; this package only converts arguments and results. The modules:
`_ffi` declares the C functions, `_call` runs them (handles, buffers, errors), `_verify` holds the verifiers
and signing, `deeplink` the deep-link login, `gateway` the Gateway's delivery reports, `_results` the result types (generated from the schema) and
`_errors` the exceptions.
"""
from __future__ import annotations

from . import _ffi
from ._errors import (
    AuthError,
    BadHashError,
    BadSignatureError,
    BadWebhookSecretError,
    ExpiredError,
    FutureAuthDateError,
    MalformedError,
    MissingFieldError,
    StoreError,
    StoreFullError,
    StoreUnavailableError,
    TooLargeError,
    BadClaimError,
    OAuthError,
    NetworkError,
    UnknownKeyError,
)
from ._results import InitData, TelegramUser, WebAppChat, WebAppUser, WidgetUser
from ._verify import (
    DEFAULT_CACHE_SIZE,
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_BYTES,
    INT64_MAX,
    CacheStats,
    LoginWidgetVerifier,
    MiniAppValidator,
    ThirdPartyValidator,
    check_webhook_secret,
    sign_init_data,
    sign_widget,
    validate_third_party,
)
from ._version import __version__
from .deeplink import DeepLinkLogin, LoginStart, PollResult, WebhookResult
from .gateway import DeliveryStatus, GatewayReport, GatewayReportVerifier, VerificationStatus

__all__ = [
    "AuthError", "MalformedError", "MissingFieldError", "BadHashError", "BadSignatureError", "ExpiredError",
    "FutureAuthDateError", "TooLargeError", "InitData", "WebAppUser", "WebAppChat", "WidgetUser",
    "MiniAppValidator", "LoginWidgetVerifier", "ThirdPartyValidator", "validate_third_party",
    "sign_init_data", "sign_widget", "check_webhook_secret", "library_version", "DEFAULT_MAX_AGE", "DEFAULT_MAX_BYTES", "DEFAULT_CACHE_SIZE", "CacheStats",
    "DeepLinkLogin", "LoginStart", "WebhookResult", "PollResult", "TelegramUser", "BadWebhookSecretError",
    "StoreError", "StoreFullError", "StoreUnavailableError", "UnknownKeyError", "BadClaimError", "OAuthError", "NetworkError", "INT64_MAX",
    "GatewayReportVerifier", "GatewayReport", "DeliveryStatus", "VerificationStatus", "__version__",
]


def library_version() -> str:
    """The version of the loaded libtgauth."""
    return str(_ffi.version_string().decode())
