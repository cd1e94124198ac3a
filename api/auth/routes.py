"""HTTP routes of identity: 浙里办 ticket exchange, staff sign-in and sign-out, who am I."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import schemas
from api.auth.guards import current_principal, failure_throttle, guards_secret, requires
from api.auth.roles import STAFF_ROLES
from api.auth.service import citizen_principal, sign_in_citizen, sign_in_staff, sign_out, staff_principal, who_am_i
from api.auth.sso import gateway_for
from api.auth.tokens import Principal, issue_token
from api.common.pii import mask_name, mask_phone
from api.extensions import db

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与身份 Identity")


def _token_answer(principal: Principal, phone: str | None, display_name: str) -> dict:
    ttl = current_app.config["ACCESS_TOKEN_TTL"]
    return {
        "access_token": issue_token(principal, current_app.config["SECRET_KEY"], ttl),
        "token_type": "Bearer",
        "expires_in": ttl,
        "user": {"id": principal.id, "name": display_name, "phone": phone, "roles": list(principal.roles)},
    }


@blp.route("/zlb/exchange")
class ZlbExchange(MethodView):
    @guards_secret("zlb_ticket", wrong=("unauthorized",))
    @blp.arguments(schemas.TicketExchange)
    @blp.response(200, schemas.TokenOut)
    def post(self, data):
        """Exchange a 浙里办 ticket for an access token (citizens; wrong tickets are throttled per address)"""
        identity = gateway_for(current_app.config, db.session).verify(data["ticket"])
        citizen = sign_in_citizen(db.session, identity, current_app.config["PII_HASH_KEY"])
        principal = citizen_principal(citizen, mask_name(citizen.name))
        return _token_answer(principal, mask_phone(citizen.phone), mask_name(citizen.name))


@blp.route("/login")
class StaffLoginView(MethodView):
    @blp.arguments(schemas.StaffLogin)
    @blp.response(200, schemas.TokenOut)
    def post(self, data):
        """Staff sign-in with username and password (failures are counted per username and per address, in every process)"""
        throttle = failure_throttle("LOGIN_FAILURE_LIMIT")
        user = sign_in_staff(db.session, throttle, data["username"], data["password"], request.remote_addr)
        return _token_answer(staff_principal(user), None, user.display_name)


@blp.route("/logout")
class Logout(MethodView):
    @requires("citizen", *STAFF_ROLES)
    @blp.response(204)
    def post(self):
        """Sign out: every token of this account stops working at once (all devices)"""
        sign_out(db.session, current_principal())
        return None


@blp.route("/me")
class Me(MethodView):
    @requires("citizen", *STAFF_ROLES)
    @blp.response(200, schemas.UserOut)
    def get(self):
        """Who the token belongs to"""
        return who_am_i(db.session, current_principal())
