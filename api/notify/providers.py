"""SMS providers behind one interface: the base class times, logs and maps errors; each subclass only sends."""

from __future__ import annotations

import logging
import time
import uuid
from abc import ABC, abstractmethod

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from api.common.pii import e164, mask_phone

logger = logging.getLogger(__name__)


class SmsError(Exception):
    pass


class TransientSmsError(SmsError):
    """Worth retrying later: rate limits, server errors, network trouble."""


class PermanentSmsError(SmsError):
    """Retrying cannot help: an invalid number, a refused account."""


class SmsProvider(ABC):
    name = "base"

    def send(self, phone: str, body: str, *, message_id: int, loggable: str = "") -> str:
        """Send one SMS; return the provider's message id or raise Transient/PermanentSmsError.

        ``loggable`` is the text with its personal data masked: the only form of it a log may hold."""
        started = time.perf_counter()
        try:
            provider_id = self._send(phone, body, loggable)
        except SmsError as exc:
            logger.warning("sms %s to %s via %s failed: %s", message_id, mask_phone(phone), self.name, exc)
            raise
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.info("sms %s to %s via %s accepted as %s in %.0f ms", message_id, mask_phone(phone), self.name, provider_id, elapsed_ms)
        return provider_id

    @abstractmethod
    def _send(self, phone: str, body: str, loggable: str) -> str: ...


class ConsoleProvider(SmsProvider):
    """Development: writes the message to the log (phone and names masked) instead of sending it."""

    name = "console"

    def _send(self, phone: str, body: str, loggable: str) -> str:
        logger.info("[console sms] to %s: %s", mask_phone(phone), loggable)
        return f"console-{uuid.uuid4().hex[:16]}"


class _RebasedHttpClient(TwilioHttpClient):
    """Sends twilio's requests to another base URL (a local stub server in tests)."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith("https://api.twilio.com"):
            url = self.base_url + url[len("https://api.twilio.com") :]
        return super().request(method, url, *args, **kwargs)


# Twilio error codes that no retry can fix (invalid or unreachable numbers, blocked content).
_PERMANENT_TWILIO_CODES = {21211, 21408, 21610, 21612, 21614, 30003, 30005, 30006, 30007}
# What an official reads for the codes a county's messages meet most.
_TWILIO_CODES_ZH = {
    21211: "手机号码无效",
    21408: "未开通该地区发送权限",
    21610: "用户已退订短信",
    21612: "无法发送到该号码",
    21614: "不是手机号码",
    30003: "手机无法接通(关机或不在服务区)",
    30005: "号码不存在",
    30006: "固话或运营商无法送达",
    30007: "被运营商拦截",
    30008: "未知错误",
}


def describe_error(code, detail: str) -> str:
    """A provider error for people: the reason in Chinese first, then the provider's own words."""
    try:
        reason = _TWILIO_CODES_ZH.get(int(code), "发送失败")
    except (TypeError, ValueError):
        reason = "发送失败"
    return f"{reason} ({detail})"


class TwilioProvider(SmsProvider):
    name = "twilio"

    def __init__(
        self, account_sid: str, auth_token: str, from_: str, *, base_url: str = "", status_callback: str = "", timeout: float = 10.0
    ):
        if not (account_sid and auth_token and from_):
            raise ValueError("twilio 需要 TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM")
        http_client = _RebasedHttpClient(base_url, timeout=timeout) if base_url else TwilioHttpClient(timeout=timeout)
        self.client = Client(account_sid, auth_token, http_client=http_client)
        self.from_ = from_
        self.status_callback = status_callback or None

    def _send(self, phone: str, body: str, loggable: str) -> str:
        try:
            message = self.client.messages.create(to=e164(phone), from_=self.from_, body=body, status_callback=self.status_callback)
        except TwilioRestException as exc:
            if exc.status == 429 or exc.status >= 500:
                raise TransientSmsError(f"twilio {exc.status}: {exc.msg}") from exc
            if exc.code in _PERMANENT_TWILIO_CODES or 400 <= exc.status < 500:
                raise PermanentSmsError(describe_error(exc.code, f"twilio {exc.status} code {exc.code}: {exc.msg}")) from exc
            raise TransientSmsError(f"twilio {exc.status}: {exc.msg}") from exc
        except (requests.RequestException, TwilioException) as exc:
            raise TransientSmsError(f"twilio unreachable: {exc}") from exc
        return message.sid


def provider_from_config(config) -> SmsProvider:
    name = config["SMS_PROVIDER"]
    if name == "console":
        return ConsoleProvider()
    if name == "twilio":
        return TwilioProvider(
            config["TWILIO_ACCOUNT_SID"],
            config["TWILIO_AUTH_TOKEN"],
            config["TWILIO_FROM"],
            base_url=config["TWILIO_API_BASE_URL"],
            status_callback=config["TWILIO_STATUS_CALLBACK_URL"],
        )
    raise ValueError(f"unknown SMS_PROVIDER {name!r} (console or twilio)")
