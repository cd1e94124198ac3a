"""HTTP routes of notifications: Twilio's status callback, and the officials' view of messages."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from twilio.request_validator import RequestValidator

from api.auth.guards import current_principal, requires
from api.auth.roles import OFFICIAL_ROLES
from api.common.pii import mask_phone
from api.errors import Forbidden, ValidationFailed
from api.extensions import db
from api.notify import schemas, service

blp = Blueprint("notify", __name__, url_prefix="/api/v1/notify", description="短信通知 SMS notifications")


def _masked(message) -> dict:
    return {
        "id": message.id,
        "phone": mask_phone(message.phone),
        "template": message.template,
        "body": service.masked_body(message),
        "kind": message.kind,
        "status": message.status,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
    }


@blp.route("/twilio/status")
class TwilioStatusCallback(MethodView):
    @blp.response(204, description="Recorded, or acknowledged and logged for a message this system does not know")
    @blp.doc(parameters=[{"in": "header", "name": "X-Twilio-Signature", "required": True, "schema": {"type": "string"}}])
    def post(self):
        """Twilio's delivery status callback (signed with the account's auth token)"""
        token = current_app.config["TWILIO_AUTH_TOKEN"]
        signature = request.headers.get("X-Twilio-Signature", "")
        url = current_app.config["TWILIO_STATUS_CALLBACK_URL"] or request.url
        params = request.form.to_dict()
        if not token or not signature or not RequestValidator(token).validate(url, params, signature):
            raise Forbidden("回调签名无效 (invalid X-Twilio-Signature)")
        missing = [name for name in ("MessageSid", "MessageStatus") if not params.get(name)]
        if missing:
            raise ValidationFailed("回调缺少字段 (missing fields)", details={m: ["必填字段缺失"] for m in missing})
        service.apply_delivery_status(db.session, params["MessageSid"], params["MessageStatus"], params.get("ErrorCode"))


@blp.route("/messages")
class Messages(MethodView):
    @requires(*OFFICIAL_ROLES)
    @blp.arguments(schemas.MessageListArgs, location="query")
    @blp.response(200, schemas.MessagePage)
    def get(self, args):
        """Messages and their delivery status (officials; phones and names masked)"""
        principal = current_principal()
        page = service.list_messages(db.session, viewer=principal.actor, roles=principal.roles, ip=request.remote_addr, **args)
        return {"items": [_masked(m) for m in page["items"]], "next_cursor": page["next_cursor"]}
