"""The 浙里办 single sign-on gateway: the mock in development, an HTTP gateway in production."""

from __future__ import annotations

from typing import Protocol

import requests
from sqlalchemy.orm import Session

from api.auth.service import redeem_mock_ticket
from api.errors import AppError, Unauthorized


class SsoGateway(Protocol):
    def verify(self, ticket: str) -> dict[str, str]:
        """Return the resident's ``id_number``, ``name`` and ``phone`` for a valid ticket."""


class MockZlbGateway:
    def __init__(self, session: Session):
        self.session = session

    def verify(self, ticket: str) -> dict[str, str]:
        return redeem_mock_ticket(self.session, ticket)


class GatewayUnavailable(AppError):
    status, code, message = 503, "sso_unavailable", "浙里办登录服务暂不可用 (SSO gateway unavailable)"


class HttpZlbGateway:
    """Posts the ticket to ``{ZLB_SSO_URL}/verify``; the mock 浙里办 answers the same route."""

    def __init__(self, base_url: str, timeout: float = 5.0):
        self.url = base_url.rstrip("/") + "/verify"
        self.timeout = timeout

    def verify(self, ticket: str) -> dict[str, str]:
        try:
            response = requests.post(self.url, json={"ticket": ticket}, timeout=self.timeout)
        except requests.RequestException as exc:
            raise GatewayUnavailable() from exc
        if response.status_code in (400, 401, 404, 422):
            raise Unauthorized("票据无效或已过期 (ticket rejected by SSO gateway)")
        if response.status_code != 200:
            raise GatewayUnavailable()
        body = response.json()
        return {"id_number": body["id_number"], "name": body["name"], "phone": body["phone"]}


def gateway_for(config: dict, session: Session) -> SsoGateway:
    if config.get("ZLB_SSO_URL"):
        return HttpZlbGateway(config["ZLB_SSO_URL"])
    if config.get("ZLB_MOCK"):
        return MockZlbGateway(session)
    raise GatewayUnavailable("未配置浙里办登录网关 ZLB_SSO_URL (no SSO gateway configured)")
