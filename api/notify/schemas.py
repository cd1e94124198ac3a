"""Shapes of the notification API."""

from marshmallow import Schema, fields, validate

from api.common.schemas import LocalDateTime, PageArgs, page_schema
from api.notify.models import MessageStatus
from api.notify.templates import TEMPLATES


class MessageListArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in MessageStatus]))
    template = fields.String(load_default=None, validate=validate.OneOf(sorted(TEMPLATES)))


class MessageOut(Schema):
    id = fields.Integer()
    phone = fields.String(metadata={"description": "masked, e.g. 138****0001"})
    template = fields.String()
    body = fields.String(metadata={"description": "text with personal parameters masked"})
    kind = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = LocalDateTime()
    sent_at = LocalDateTime(allow_none=True)


MessagePage = page_schema(MessageOut, "MessagePage")
