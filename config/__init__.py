"""Settings per environment, read from environment variables (SPEC §10)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_URL = f"sqlite:///{PROJECT_ROOT / 'instance' / 'zheli.db'}"


class ConfigError(RuntimeError):
    """A setting the environment must provide is missing or wrong."""


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"环境变量 {name} 必须是整数 ({name} must be an integer), got {value!r}") from exc


class BaseConfig:
    """Defaults shared by every environment; each value may be overridden by the environment."""

    ENV_NAME = "base"

    def __init__(self) -> None:
        self.SECRET_KEY = os.environ.get("SECRET_KEY", "dev-secret-key-change-me-0123456789abcdef")
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # The cockpit's reads (a streaming replica in production); its own sign-in sessions go to the main database.
        self.COCKPIT_DATABASE_URL = os.environ.get("COCKPIT_DATABASE_URL") or self.SQLALCHEMY_DATABASE_URI
        self.COCKPIT_SESSION_TTL = _int("COCKPIT_SESSION_TTL", 8 * 3600)
        # Keyed hash for 身份证号 look-ups; separate from SECRET_KEY so tokens can rotate alone.
        self.PII_HASH_KEY = os.environ.get("PII_HASH_KEY", self.SECRET_KEY)
        self.ZLB_MOCK = _flag("ZLB_MOCK", True)
        self.ZLB_SSO_URL = os.environ.get("ZLB_SSO_URL", "")
        self.ACCESS_TOKEN_TTL = _int("ACCESS_TOKEN_TTL", 2 * 3600)
        self.ZLB_TICKET_TTL = _int("ZLB_TICKET_TTL", 300)
        self.LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per 5 minutes")
        # memory:// counts per process; with several gunicorn workers use redis://host:6379/0 so limits are shared.
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "zheli")
        self.RATELIMIT_HEADERS_ENABLED = True
        # Wrong guesses of a pickup code, 浙里办 ticket or citizen code, per station / partner / address (SPEC §12.1).
        self.GUESS_FAILURE_LIMIT = os.environ.get("GUESS_FAILURE_LIMIT", "10 per minute")
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 1024 * 1024)  # bytes; larger bodies answer 413 unread
        self.IMPORT_MAX_CONTENT_LENGTH = _int("IMPORT_MAX_CONTENT_LENGTH", 20 * 1024 * 1024)  # views marked @allows_large_body
        # Reverse proxies in front of the API whose X-Forwarded-For is trusted (0: ignore the header).
        self.TRUSTED_PROXY_HOPS = _int("TRUSTED_PROXY_HOPS", 0)
        # SMS (SPEC §7)
        self.SMS_PROVIDER = os.environ.get("SMS_PROVIDER", "console")
        self.TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
        self.TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
        self.TWILIO_FROM = os.environ.get("TWILIO_FROM", "")
        self.TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")
        self.TWILIO_STATUS_CALLBACK_URL = os.environ.get("TWILIO_STATUS_CALLBACK_URL", "")
        self.SMS_MAX_ATTEMPTS = _int("SMS_MAX_ATTEMPTS", 5)
        self.SMS_BACKOFF_SECONDS = _int("SMS_BACKOFF_SECONDS", 30)
        self.SMS_PER_PHONE_PER_HOUR = _int("SMS_PER_PHONE_PER_HOUR", 10)
        self.SMS_QUIET_HOURS = os.environ.get("SMS_QUIET_HOURS", "21-8")
        self.SMS_SENDING_TIMEOUT_SECONDS = _int("SMS_SENDING_TIMEOUT_SECONDS", 300)
        self.BENCH_BARE_ENDPOINT = _flag("BENCH_BARE_ENDPOINT", False)  # bench/load.py's ceiling; never in production
        self.LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")  # json (one object a line, request id, no personal data) or text
        # Readiness fails when an SMS has been due this long and no notify worker has shown life for as long.
        self.READY_OUTBOX_MAX_OVERDUE_MINUTES = _int("READY_OUTBOX_MAX_OVERDUE_MINUTES", 10)
        self.ADMISSION_YEAR = _int("ADMISSION_YEAR", 0)  # 0: this year until August, next year from September
        self.ADMISSION_OFFER_DAYS = _int("ADMISSION_OFFER_DAYS", 7)  # days a guardian has to accept an offered place
        self.ADMISSION_WAITLIST_PERCENT = _int("ADMISSION_WAITLIST_PERCENT", 20)  # waitlist length, % of a school's planned seats
        self.PICKUP_CANCEL_CUTOFF_MINUTES = _int("PICKUP_CANCEL_CUTOFF_MINUTES", 120)
        # 双碳绿币 (SPEC §12.3): device reports accepted for this recent past only; steps for today and yesterday;
        # the monthly coin budget a month starts with until officials set one.
        self.GREENCOINS_EVENT_MAX_AGE_HOURS = _int("GREENCOINS_EVENT_MAX_AGE_HOURS", 48)
        self.GREENCOINS_EVENT_MAX_AHEAD_MINUTES = _int("GREENCOINS_EVENT_MAX_AHEAD_MINUTES", 5)
        self.GREENCOINS_STEP_DAYS = _int("GREENCOINS_STEP_DAYS", 2)
        self.GREENCOINS_MONTHLY_BUDGET = _int("GREENCOINS_MONTHLY_BUDGET", 1_000_000)
        # OpenAPI / docs, served with local assets only
        self.API_TITLE = "浙里民生 Zheli Minsheng API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "/docs"
        self.OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
        self.JSON_SORT_KEYS = False

    def validate(self) -> None:
        """Refuse to start with settings that cannot be right for this environment."""


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"

    def __init__(self) -> None:
        super().__init__()
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
        self.RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"

    def __init__(self) -> None:
        super().__init__()
        self.ZLB_MOCK = _flag("ZLB_MOCK", False)

    def validate(self) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigError(
                "生产环境缺少必需的环境变量: " + ", ".join(missing) + f" (production needs {' and '.join(missing)} set; refusing to start)"
            )
        if len(os.environ["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY 至少 32 个字符 (SECRET_KEY must be at least 32 characters)")
        if self.ZLB_MOCK:
            raise ConfigError("生产环境不能启用 ZLB_MOCK (ZLB_MOCK must be off in production)")


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None = None) -> BaseConfig:
    """Build the settings for ``name`` (default: ``APP_ENV``, else development) and validate them."""
    name = name or os.environ.get("APP_ENV", "development")
    try:
        config = CONFIGS[name]()
    except KeyError as exc:
        raise ConfigError(f"未知的 APP_ENV: {name!r} (expected one of {sorted(CONFIGS)})") from exc
    config.validate()
    return config
