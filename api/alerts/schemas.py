"""Shapes of trend alerts in the API."""

from marshmallow import Schema, fields, validate

from api.common.schemas import NotBlank


class AlertListArgs(Schema):
    status = fields.String(load_default="active", validate=validate.OneOf(["active", "open", "acknowledged", "assigned", "closed", "all"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class AlertOut(Schema):
    id = fields.Integer()
    bureau = fields.String()
    metric = fields.String()
    day = fields.Date()
    title = fields.String()
    value = fields.Float()
    baseline = fields.Float()
    score = fields.Float()
    status = fields.String()
    assignee_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    opened_at = fields.DateTime()
    acknowledged_at = fields.DateTime(allow_none=True)
    acknowledged_by = fields.String(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


class AlertPage(Schema):
    items = fields.List(fields.Nested(AlertOut))
    next_cursor = fields.String(allow_none=True)


class AssignIn(Schema):
    assignee = fields.String(required=True, validate=validate.Length(min=1, max=50))


class CloseIn(Schema):
    note = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=1000), NotBlank("请填写处理结果 (say what was done)")],
    )
