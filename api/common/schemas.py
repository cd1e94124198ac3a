"""Marshmallow pieces shared by every domain: local times, ID numbers, pagination arguments."""

from __future__ import annotations

from decimal import Decimal

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


MAX_ID = 2**31 - 1  # the database's integer range


def Id(**kwargs) -> fields.Integer:  # noqa: N802 - used like a field class
    """A row id given by a client: a positive integer within the database's range."""
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID, error="编号无效 (invalid id)"), **kwargs)


class Day(fields.Date):
    """A calendar date between 1900 and 2100 (beyond that, date arithmetic overflows)."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if not 1900 <= result.year <= 2100:
            raise ValidationError("日期超出范围 (date out of range)")
        return result


def Quantity(*, maximum: float, **kwargs) -> fields.Float:  # noqa: N802 - used like a field class
    """A positive quantity, loaded as a Decimal with 2 places (documented as a number with bounds)."""
    return _QuantityField(validate=validate.Range(min=0, min_inclusive=False, max=maximum,
                                                  error="数量必须大于 0 且不超过上限 (quantity out of range)"), **kwargs)


class _QuantityField(fields.Float):
    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        return Decimal(str(number)).quantize(Decimal("0.01"))


class PageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(load_default=None)


class PageOf(Schema):
    next_cursor = fields.String(allow_none=True)


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """``{"items": [...], "next_cursor": ...}`` for one item schema."""
    return type(name, (PageOf,), {"items": fields.List(fields.Nested(item_schema))})
