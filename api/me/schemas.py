"""Marshmallow schemas of 我的: timeline items and inbox messages."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.common.schemas import LocalDateTime, Matches, page_schema
from api.me.service import TIMELINE_CURSOR_PATTERN


class TimelineArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(
        load_default=None,
        validate=Matches(TIMELINE_CURSOR_PATTERN, error="分页游标无效 (invalid cursor)"),
        metadata={"description": "next_cursor of the page before: <microseconds since 1970 UTC>.<source 1-6>.<id>"},
    )


class TimelineItemOut(Schema):
    id = fields.String(metadata={"description": "stable within the timeline, e.g. application:12:40"})
    service = fields.String(metadata={"description": "admission | greencoins | pickup"})
    kind = fields.String(metadata={"description": "application | booking | redemption | donation | credit | credit_color"})
    ref_id = fields.Integer(metadata={"description": "the application, booking, redemption or credit entry it is about"})
    at = LocalDateTime()
    title = fields.String()
    status_group = fields.String(metadata={"description": "the group of GET /meta/labels that names `status`"})
    status = fields.String()
    step = fields.String(allow_none=True, metadata={"description": "application: what happened (application_step in GET /meta/labels)"})
    previous_status = fields.String(metadata={"description": "credit_color only: the colour before"})
    note = fields.String(allow_none=True, metadata={"description": "an official's note, amounts, a 联单 number, a pickup code"})
    coins = fields.Integer(metadata={"description": "redemption, donation: coins spent (negative)"})
    points = fields.Integer(metadata={"description": "credit: points added or taken"})
    score = fields.Integer(metadata={"description": "credit_color: the score at the change"})
    slot_start = LocalDateTime(metadata={"description": "booking: when its window starts"})


class InboxMessageOut(Schema):
    id = fields.Integer()
    template = fields.String()
    body = fields.String(metadata={"description": "the text as sent to the citizen's own phone"})
    status = fields.String(metadata={"description": "sms_status in GET /meta/labels"})
    created_at = LocalDateTime()
    sent_at = LocalDateTime(allow_none=True)
    status_updated_at = LocalDateTime(allow_none=True)


TimelinePage = page_schema(TimelineItemOut, "TimelinePage")
InboxPage = page_schema(InboxMessageOut, "InboxPage")
