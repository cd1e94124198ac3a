"""The mock 浙里办 container and SSO gateway (only when ZLB_MOCK=1; absent in production)."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import schemas
from api.auth.service import issue_mock_ticket, redeem_mock_ticket
from api.extensions import db
from api.seed.residents import DEMO_RESIDENTS

blp = Blueprint("mock_zlb", __name__, url_prefix="/mock-zlb", description="模拟浙里办 Mock 浙里办 (development only)")


@blp.route("/tickets")
class Tickets(MethodView):
    @blp.arguments(schemas.MockTicketRequest)
    @blp.response(201, schemas.MockTicketOut)
    def post(self, data):
        """Issue a one-time sign-in ticket for a resident (valid 5 minutes)"""
        ttl = current_app.config["ZLB_TICKET_TTL"]
        return {"ticket": issue_mock_ticket(db.session, ttl_seconds=ttl, **data), "expires_in": ttl}


@blp.route("/verify")
class Verify(MethodView):
    @blp.arguments(schemas.TicketExchange)
    @blp.response(200, schemas.MockVerifyOut)
    def post(self, data):
        """Gateway side: verify a ticket once and return who it belongs to"""
        return redeem_mock_ticket(db.session, data["ticket"])


@blp.route("/residents")
class Residents(MethodView):
    @blp.response(200, schemas.MockResidentList)
    def get(self):
        """Demo residents for the mini-app's sign-in picker"""
        return {"items": DEMO_RESIDENTS}
