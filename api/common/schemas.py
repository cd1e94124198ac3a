"""Marshmallow pieces shared by every domain: local times, ID numbers, pagination arguments."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from api.common.db import SHANGHAI
from api.common.pii import InvalidIdNumber, normalize_id_number, normalize_phone


class LocalDateTime(fields.DateTime):
    """ISO 8601 with the Asia/Shanghai offset on output; input must carry an offset (naive means Shanghai)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(SHANGHAI).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result if result.tzinfo else result.replace(tzinfo=SHANGHAI)


class IdNumber(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalize_id_number(super()._deserialize(value, attr, data, **kwargs))
        except InvalidIdNumber as exc:
            raise ValidationError(str(exc)) from exc


class Phone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalize_phone(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class PageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(load_default=None)


class PageOf(Schema):
    next_cursor = fields.String(allow_none=True)


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """``{"items": [...], "next_cursor": ...}`` for one item schema."""
    return type(name, (PageOf,), {"items": fields.List(fields.Nested(item_schema))})
