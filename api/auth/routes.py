"""HTTP routes of identity: 浙里办 ticket exchange, staff login, who am I."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth import schemas
from api.auth.guards import current_principal, requires
from api.auth.models import Citizen, StaffUser
from api.auth.service import STAFF_ROLES, authenticate_staff, sign_in_citizen
from api.auth.sso import gateway_for
from api.auth.tokens import Principal, issue_token
from api.common.pii import mask_name, mask_phone
from api.extensions import db, limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与身份 Identity")


def _token_answer(principal: Principal, phone: str | None, display_name: str) -> dict:
    ttl = current_app.config["ACCESS_TOKEN_TTL"]
    return {
        "access_token": issue_token(principal, current_app.config["SECRET_KEY"], ttl),
        "token_type": "Bearer",
        "expires_in": ttl,
        "user": {"id": principal.id, "name": display_name, "phone": phone, "roles": list(principal.roles)},
    }


def _login_throttle_key() -> str:
    body = request.get_json(silent=True) or {}
    username = body.get("username") if isinstance(body, dict) else None
    return f"login:{request.remote_addr}:{username}"


@blp.route("/zlb/exchange")
class ZlbExchange(MethodView):
    @blp.arguments(schemas.TicketExchange)
    @blp.response(200, schemas.TokenOut)
    def post(self, data):
        """Exchange a 浙里办 ticket for an access token (citizens)"""
        identity = gateway_for(current_app.config, db.session).verify(data["ticket"])
        citizen = sign_in_citizen(db.session, identity, current_app.config["PII_HASH_KEY"])
        principal = Principal("citizen", citizen.id, ("citizen",), mask_name(citizen.name))
        return _token_answer(principal, mask_phone(citizen.phone), mask_name(citizen.name))


@blp.route("/login")
class StaffLoginView(MethodView):
    decorators = [
        limiter.limit(lambda: current_app.config["LOGIN_FAILURE_LIMIT"], key_func=_login_throttle_key,
                      deduct_when=lambda response: response.status_code == 401),
    ]

    @blp.arguments(schemas.StaffLogin)
    @blp.response(200, schemas.TokenOut)
    def post(self, data):
        """Staff sign-in with username and password (failures are throttled)"""
        user = authenticate_staff(db.session, data["username"], data["password"])
        principal = Principal("staff", user.id, tuple(r for r in user.roles if r in STAFF_ROLES), user.display_name)
        return _token_answer(principal, None, user.display_name)


@blp.route("/me")
class Me(MethodView):
    @requires("citizen", *STAFF_ROLES)
    @blp.response(200, schemas.UserOut)
    def get(self):
        """Who the token belongs to"""
        principal = current_principal()
        if principal.kind == "citizen":
            citizen = db.session.get(Citizen, principal.id)
            return {"id": citizen.id, "name": mask_name(citizen.name), "phone": mask_phone(citizen.phone),
                    "roles": ["citizen"]}
        user = db.session.get(StaffUser, principal.id)
        return {"id": user.id, "name": user.display_name, "phone": None, "roles": user.roles}
