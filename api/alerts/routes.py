"""HTTP routes of trend alerts: an official lists, acknowledges, assigns and closes their own bureau's alerts."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.alerts import schemas, service
from api.auth.guards import audit, current_principal, requires
from api.auth.roles import OFFICIAL_ROLES
from api.extensions import db

blp = Blueprint("alerts", __name__, url_prefix="/api/v1/alerts", description="趋势预警 Trend alerts")


@blp.route("")
class Alerts(MethodView):
    @requires(*OFFICIAL_ROLES)
    @blp.arguments(schemas.AlertListArgs, location="query")
    @blp.response(200, schemas.AlertPage)
    def get(self, args):
        """Alerts of the official's bureaus, newest day first (status=active: not yet closed)"""
        status = None if args["status"] == "all" else args["status"]
        return {"items": service.alerts_for(db.session, current_principal().roles, status=status, limit=args["limit"]), "next_cursor": None}


@blp.route("/<int:alert_id>/acknowledge")
class Acknowledge(MethodView):
    @requires(*OFFICIAL_ROLES)
    @blp.response(200, schemas.AlertOut)
    def post(self, alert_id):
        """Acknowledge an alert of one's bureau (another bureau's answers 404)"""
        principal = current_principal()
        alert = service.acknowledge(db.session, alert_id, actor=principal.actor, roles=principal.roles)
        audit("alert.acknowledge", f"alert:{alert_id}")
        return alert


@blp.route("/<int:alert_id>/assign")
class Assign(MethodView):
    @requires(*OFFICIAL_ROLES)
    @blp.arguments(schemas.AssignIn)
    @blp.response(200, schemas.AlertOut)
    def post(self, data, alert_id):
        """Assign an alert to an official of its bureau"""
        principal = current_principal()
        alert = service.assign(db.session, alert_id, data["assignee"], actor=principal.actor, roles=principal.roles)
        audit("alert.assign", f"alert:{alert_id}", data["assignee"])
        return alert


@blp.route("/<int:alert_id>/close")
class Close(MethodView):
    @requires(*OFFICIAL_ROLES)
    @blp.arguments(schemas.CloseIn)
    @blp.response(200, schemas.AlertOut)
    def post(self, data, alert_id):
        """Close an alert with what was done about it"""
        principal = current_principal()
        alert = service.close(db.session, alert_id, data["note"], actor=principal.actor, roles=principal.roles)
        audit("alert.close", f"alert:{alert_id}")
        return alert
