"""Result types and exceptions of the tgauth binding."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Optional


class AuthError(Exception):
    """Telegram data was rejected. `kind` is the library's stable identifier of the reason."""

    kind: str = "unknown"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        #: the field at fault (`hash`, `user.id`, ...), or "" when none
        self.field = field


class MalformedError(AuthError):
    kind = "malformed"


class MissingFieldError(AuthError):
    kind = "missing_field"


class BadHashError(AuthError):
    kind = "bad_hash"


class BadSignatureError(AuthError):
    kind = "bad_signature"


class ExpiredError(AuthError):
    kind = "expired"


class FutureAuthDateError(AuthError):
    kind = "future_auth_date"


class TooLargeError(AuthError):
    kind = "too_large"


class BadWebhookSecretError(AuthError):
    """A deep-link webhook request whose X-Telegram-Bot-Api-Secret-Token header is missing or wrong."""

    kind = "bad_webhook_secret"


class StoreError(Exception):
    """The deep-link login store failed (not a verdict on any data): answer 503, not 401."""

    kind: str = "unknown"

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StoreFullError(StoreError):
    kind = "store_full"


class StoreUnavailableError(StoreError):
    kind = "store_unavailable"


ERRORS_BY_KIND = {cls.kind: cls for cls in (
    MalformedError, MissingFieldError, BadHashError, BadSignatureError, ExpiredError, FutureAuthDateError, TooLargeError,
    BadWebhookSecretError, StoreFullError, StoreUnavailableError)}


@dataclass(frozen=True)
class WebAppUser:
    """A Telegram user as a Mini App sees it (`WebAppUser`)."""

    id: int
    first_name: str
    last_name: Optional[str] = None
    username: Optional[str] = None
    language_code: Optional[str] = None
    is_bot: Optional[bool] = None
    is_premium: Optional[bool] = None
    added_to_attachment_menu: Optional[bool] = None
    allows_write_to_pm: Optional[bool] = None
    photo_url: Optional[str] = None


@dataclass(frozen=True)
class WebAppChat:
    """The chat a Mini App was opened from (`WebAppChat`)."""

    id: int
    type: str
    title: str
    username: Optional[str] = None
    photo_url: Optional[str] = None


@dataclass(frozen=True)
class InitData:
    """Verified Mini App `initData` (`WebAppInitData`). `extras` holds top-level fields this version does not know."""

    auth_date: int
    hash: Optional[str] = None
    query_id: Optional[str] = None
    user: Optional[WebAppUser] = None
    receiver: Optional[WebAppUser] = None
    chat: Optional[WebAppChat] = None
    chat_type: Optional[str] = None
    chat_instance: Optional[str] = None
    start_param: Optional[str] = None
    can_send_after: Optional[int] = None
    signature: Optional[str] = None
    extras: Dict[str, str] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class WidgetUser:
    """A user verified from Login Widget data. `extras` holds fields this version does not know."""

    id: int
    first_name: str
    auth_date: int
    last_name: Optional[str] = None
    username: Optional[str] = None
    photo_url: Optional[str] = None
    extras: Dict[str, str] = field(default_factory=dict, hash=False)
