"""Marshmallow pieces shared by every domain: local times, ID numbers, pagination arguments."""

from __future__ import annotations

import math
import re
from datetime import UTC
from decimal import Decimal, InvalidOperation
from typing import cast

from marshmallow import Schema, ValidationError, fields, validate

from api.common.db import MAX_ID, SHANGHAI
from api.common.digits import DIGIT
from api.common.pagination import CURSOR_PATTERN
from api.common.pii import InvalidIdNumber, normalize_id_number, normalize_phone

MIN_YEAR, MAX_YEAR = 1900, 2100  # beyond these, date arithmetic and time-zone conversion overflow


class AsciiDigits(validate.Validator):
    """Exactly ``length`` ASCII digits (a full-width or other-script digit is another spelling: refused, 422)."""

    def __init__(self, length: int, error: str):
        self.pattern = re.compile(f"{DIGIT}{{{length}}}")
        self.error: str = error  # always given here (marshmallow's Validator allows None)

    def __call__(self, value: str) -> str:
        if not isinstance(value, str) or not self.pattern.fullmatch(value):
            raise ValidationError(self.error)
        return value


# White space as Python's str.isspace() or ECMAScript's \s knows it, spelled out: the two dialects disagree on a few
# characters (\x1c-\x1f, \x85, \ufeff), so a pattern the OpenAPI document states never leans on \s or \S.
BLANK = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Text that says something: at least one character that is not white space, and no NUL (api/common/http.py).
NOT_BLANK_PATTERN = rf"^[^\x00]*[^\x00{BLANK}][^\x00]*$"


class Matches(validate.Regexp):
    """The whole value matches ``pattern``, read alike in Python and in the document (ECMAScript).

    marshmallow's Regexp searches from the start, and Python's ``$`` also matches before a final newline: ``"ab\\n"``
    would pass ``^ab$`` here and fail it in any JSON Schema validator. A full match agrees with the document.
    """

    def __call__(self, value):
        if not isinstance(value, str) or cast("re.Pattern[str]", self.regex).fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def NotBlank(error: str) -> Matches:
    return Matches(NOT_BLANK_PATTERN, error=error)


class Token(validate.Validator):
    """A token we issued: URL-safe ASCII letters, digits, ``_``, ``-`` and ``.`` only, at most ``max_length``."""

    pattern = re.compile(r"[A-Za-z0-9_.\-]+")

    def __init__(self, max_length: int, error: str):
        self.max_length = max_length
        self.error: str = error  # always given here (marshmallow's Validator allows None)

    def __call__(self, value: str) -> str:
        if not isinstance(value, str) or len(value) > self.max_length or not self.pattern.fullmatch(value):
            raise ValidationError(self.error)
        return value


class LocalDateTime(fields.DateTime):
    """ISO 8601 with the Asia/Shanghai offset on output; input must carry an offset (naive means Shanghai)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(SHANGHAI).isoformat()

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        result = result if result.tzinfo else result.replace(tzinfo=SHANGHAI)
        try:
            in_utc = result.astimezone(UTC)  # 0001-01-01T00:00+14:00 has no UTC time: OverflowError
        except (OverflowError, ValueError) as exc:
            raise ValidationError("日期时间超出范围 (datetime out of range)") from exc
        if not MIN_YEAR <= in_utc.year <= MAX_YEAR:
            raise ValidationError(f"日期时间应在 {MIN_YEAR}–{MAX_YEAR} 年之间 (datetime out of range)")
        return result


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


def Id(*, strict: bool = True, **kwargs) -> fields.Integer:
    """A row id given by a client: a positive integer within the database's range.

    Strict by default: in a JSON body 1.5, "1" and true are refused (422), never truncated. A query string carries
    only text, so query-argument schemas pass ``strict=False`` (``?school_id=5`` still parses).
    """
    return fields.Integer(strict=strict, validate=validate.Range(min=1, max=MAX_ID, error="编号无效 (invalid id)"), **kwargs)


def Int(**kwargs) -> fields.Integer:
    """An integer in a JSON body: strict, so 1.5, "1" and true are refused (422) instead of silently truncated."""
    return fields.Integer(strict=True, **kwargs)


class Day(fields.Date):
    """A calendar date between 1900 and 2100 (beyond that, date arithmetic overflows)."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= result.year <= MAX_YEAR:
            raise ValidationError("日期超出范围 (date out of range)")
        return result


def Quantity(*, maximum: float, **kwargs) -> fields.Float:
    """A positive quantity, loaded as a Decimal with 2 places (documented as a number with bounds)."""
    error = "数量必须大于 0 且不超过上限 (quantity out of range)"
    return _QuantityField(places=2, error=error, validate=validate.Range(min=0, min_inclusive=False, max=maximum, error=error), **kwargs)


def DecimalIn(low: float, high: float, *, places: int = 4, **kwargs) -> fields.Float:
    """A JSON number between ``low`` and ``high``, loaded as a Decimal rounded to ``places`` places.

    The bounds are checked on the number as sent (as the document states them), before rounding: a number in range
    rounds to one in range (the bounds have at most ``places`` places), and one out of range is refused even if it
    would round into it. A Decimal compared with a float bound would refuse 0.0001 against 0.0001 (the float is larger).
    """
    error = f"取值应在 {low:g}–{high:g} 之间 (out of range)"
    metadata = {"minimum": low, "maximum": high, "description": f"rounded to {places} decimal places"} | kwargs.pop("metadata", {})
    return DecimalNumber(places=places, error=error, bounds=(low, high), metadata=metadata, **kwargs)


class DecimalNumber(fields.Float):
    """A JSON number loaded as a Decimal with ``places`` places; the one home of the "quantize safely" rule.

    Huge (10**30, 1e300), NaN and infinite values are refused with ``error`` (422) before quantizing: Decimal's
    quantize raises InvalidOperation beyond 28 significant digits, which would otherwise be a 500.
    """

    LIMIT = 1e12  # far above any bound used; well inside what a 28-digit Decimal quantizes

    def __init__(self, *, places: int, error: str, bounds: tuple[float, float] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.exponent = Decimal(1).scaleb(-places)
        self.range_error = error
        self.bounds = bounds

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        try:
            number = super()._deserialize(value, attr, data, **kwargs)
        except OverflowError as exc:  # an integer literal too large for a float
            raise ValidationError(self.range_error) from exc
        if not math.isfinite(number) or abs(number) >= self.LIMIT:
            raise ValidationError(self.range_error)
        if self.bounds is not None and not self.bounds[0] <= number <= self.bounds[1]:
            raise ValidationError(self.range_error)
        try:
            return Decimal(str(number)).quantize(self.exponent)
        except InvalidOperation as exc:  # unreachable below LIMIT; kept so no number can ever become a 500
            raise ValidationError(self.range_error) from exc


class _QuantityField(DecimalNumber):
    """A quantity in cents (the API contract tells it apart: under 0.005 rounds to 0 and is refused)."""


class PageArgs(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(load_default=None, validate=Matches(CURSOR_PATTERN, error="分页游标无效 (invalid cursor)"))


class PageOf(Schema):
    next_cursor = fields.String(allow_none=True)


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """``{"items": [...], "next_cursor": ...}`` for one item schema."""
    return type(name, (PageOf,), {"items": fields.List(fields.Nested(item_schema))})
