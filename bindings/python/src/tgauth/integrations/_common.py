"""What the framework modules share: the validator made once, the Authorization header read, the Gateway
report's headers read, the 401."""
from __future__ import annotations

from typing import Callable, Dict, Optional, Union

from .._errors import AuthError
from .._results import GatewayReport, InitData
from .._verify import DEFAULT_MAX_AGE, MiniAppValidator, ThirdPartyValidator
from ..gateway import DEFAULT_MAX_SKEW, SIGNATURE_HEADER, TIMESTAMP_HEADER, GatewayReportVerifier

#: the Authorization scheme of Mini App data (`Authorization: tma <initData>`)
SCHEME = "tma"


class Rejected(Exception):
    """A request that does not carry valid Mini App data; `status`, `body` and `headers` are the answer."""

    status = 401

    def __init__(self, kind: str, detail: str, field: str = "", scheme: Optional[str] = SCHEME) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind, self.detail, self.field, self.scheme = kind, detail, field, scheme

    @property
    def body(self) -> Dict[str, str]:
        return {"error": self.kind, "detail": self.detail}

    @property
    def headers(self) -> Dict[str, str]:
        return {"WWW-Authenticate": self.scheme} if self.scheme else {}


class InitDataAuth:
    """Checks `Authorization: tma <initData>` headers for one bot.

    Give `bot_token` for your own bot (HMAC), or `bot_id` (and `environment`) for a bot you do not own
    (Telegram's Ed25519 signature). `max_age` is the oldest `auth_date` accepted, in seconds (None: any).
    Made once; safe to share between threads and event loops.
    """

    def __init__(self, bot_token: Optional[str] = None, *, bot_id: Optional[int] = None,
                 environment: str = "production", max_age: Optional[int] = DEFAULT_MAX_AGE) -> None:
        if (bot_token is None) == (bot_id is None):
            raise ValueError("give exactly one of bot_token (your bot) and bot_id (third-party data)")
        self.validator: Union[MiniAppValidator, ThirdPartyValidator] = (
            MiniAppValidator(bot_token) if bot_token is not None else ThirdPartyValidator(int(bot_id or 0), environment))
        self.max_age = max_age

    def __call__(self, authorization: Optional[str]) -> InitData:
        """The header's data, validated. Raises Rejected."""
        if not authorization:
            raise Rejected("missing_field", f"the request needs Authorization: {SCHEME} <initData>", "Authorization")
        scheme, _, value = authorization.strip().partition(" ")
        if scheme.lower() != SCHEME or not value.strip():
            raise Rejected("malformed", f"the Authorization scheme must be {SCHEME}, followed by initData", "Authorization")
        try:
            return self.validator.validate(value.strip(), max_age=self.max_age)
        except AuthError as error:
            raise Rejected(error.kind, error.message, error.field) from None


class Protector:
    """What each framework's TelegramInitData is made from: the arguments of InitDataAuth, kept as `auth`."""

    def __init__(self, bot_token: Optional[str] = None, *, bot_id: Optional[int] = None,
                 environment: str = "production", max_age: Optional[int] = DEFAULT_MAX_AGE) -> None:
        self.auth = InitDataAuth(bot_token, bot_id=bot_id, environment=environment, max_age=max_age)


class GatewayReports:
    """What each framework's GatewayReports is made from: checks the delivery reports the Telegram Gateway
    posts to a callback_url (the body, `X-Request-Timestamp`, `X-Request-Signature`) for one API token.
    A report that does not verify is Rejected (401, no WWW-Authenticate). Safe to share between threads."""

    def __init__(self, api_token: str, max_skew: int = DEFAULT_MAX_SKEW) -> None:
        self.verifier = GatewayReportVerifier(api_token, max_skew)

    def check(self, body: bytes, header: Callable[[str], Optional[str]]) -> GatewayReport:
        """The report in `body`, verified with the headers `header(name)` gives. Raises Rejected."""
        try:
            return self.verifier.verify(body, timestamp=header(TIMESTAMP_HEADER), signature=header(SIGNATURE_HEADER))
        except AuthError as error:
            raise Rejected(error.kind, error.message, error.field, scheme=None) from None
