"""HTTP routes of 我的: my timeline and my inbox (a citizen's own records only)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth.guards import current_principal, requires
from api.common.schemas import PageArgs
from api.extensions import db
from api.me import schemas, service

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="我的 Mine: timeline and inbox")


@blp.route("/timeline")
class Timeline(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.TimelineArgs, location="query")
    @blp.response(200, schemas.TimelinePage)
    def get(self, args):
        """My applications' steps, bookings, redemptions and credit changes, newest first"""
        return service.timeline(db.session, current_principal().id, **args)


@blp.route("/messages")
class Messages(MethodView):
    @requires("citizen")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, schemas.InboxPage)
    def get(self, args):
        """A copy of every SMS sent to me, newest first, with its delivery status"""
        return service.messages(db.session, current_principal().id, **args)
