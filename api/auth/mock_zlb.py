"""The mock 浙里办 container and SSO gateway (only when ZLB_MOCK=1; absent in production).

It knows no residents of its own: whoever registers it (``api.blueprints``) says who may sign in through the
picker, so identity does not depend on the demo seed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import schemas
from api.auth.guards import guards_secret
from api.auth.service import issue_mock_ticket, redeem_mock_ticket
from api.extensions import db

blp = Blueprint("mock_zlb", __name__, url_prefix="/mock-zlb", description="模拟浙里办 Mock 浙里办 (development only)")

RESIDENTS = "mock_zlb_residents"


def register(app: Flask, api, residents: Callable[[], list[dict]]) -> None:
    """Serve the mock on ``api``; ``residents()`` lists the people the sign-in picker offers."""
    api.register_blueprint(blp)
    app.extensions[RESIDENTS] = residents


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
    @guards_secret("zlb_ticket", wrong=("unauthorized",))
    @blp.arguments(schemas.TicketExchange)
    @blp.response(200, schemas.MockVerifyOut)
    def post(self, data):
        """Gateway side: verify a ticket once and return who it belongs to (wrong tickets are throttled per address)"""
        return redeem_mock_ticket(db.session, data["ticket"])


@blp.route("/residents")
class Residents(MethodView):
    @blp.response(200, schemas.MockResidentList)
    def get(self):
        """Demo residents for the mini-app's sign-in picker"""
        residents = current_app.extensions.get(RESIDENTS)
        return {"items": residents() if residents else []}
