"""Shapes of the 入学一掌通 API (SPEC §11)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.common.pii import mask_name
from api.common.schemas import Day, Id, IdNumber, LocalDateTime, PageArgs, page_schema

LEVELS = ["primary", "junior"]


class SchoolOut(Schema):
    id = fields.Integer()
    name = fields.String()
    level = fields.String()
    ownership = fields.String()
    address = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    distance_m = fields.Integer(metadata={"description": "only when searched near a point"})


class SchoolDetail(SchoolOut):
    catchment = fields.Dict(allow_none=True, metadata={"description": "GeoJSON geometry"})


SchoolPage = page_schema(SchoolOut, "SchoolPage")


class SchoolArgs(PageArgs):
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    near = fields.String(load_default=None, metadata={"description": "lat,lon"})
    radius_m = fields.Float(load_default=None, validate=validate.Range(min=1, max=100_000))
    q = fields.String(load_default=None, validate=validate.Length(max=50))

    @validates_schema
    def near_is_a_point(self, data, **kwargs):
        if data.get("near"):
            try:
                lat, lon = (float(x) for x in data["near"].split(","))
            except ValueError as exc:
                raise ValidationError("near 格式为 lat,lon (near must be lat,lon)", "near") from exc
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValidationError("坐标超出范围 (coordinates out of range)", "near")


class DistrictArgs(Schema):
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    address_id = Id(load_default=None)


class DistrictOut(Schema):
    lat = fields.Float()
    lon = fields.Float()
    primary = fields.Nested(SchoolOut, allow_none=True)
    junior = fields.Nested(SchoolOut, allow_none=True)
    hint = fields.String(allow_none=True)


class AddressArgs(Schema):
    q = fields.String(required=True, validate=validate.Length(min=1, max=50))


class AddressOut(Schema):
    id = fields.Integer()
    name = fields.String()
    community = fields.String()
    street = fields.String()
    lat = fields.Float()
    lon = fields.Float()


class AddressList(Schema):
    items = fields.List(fields.Nested(AddressOut))


class PolicyArgs(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    q = fields.String(load_default=None, validate=validate.Length(max=50))


class PolicyOut(Schema):
    id = fields.Integer()
    year = fields.Integer()
    level = fields.String()
    title = fields.String()
    body = fields.String()
    published_on = fields.Date()


class PolicyList(Schema):
    items = fields.List(fields.Nested(PolicyOut))


class SeatArgs(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))


class SeatsOut(Schema):
    school_id = fields.Integer()
    year = fields.Integer()
    planned = fields.Integer()
    applied = fields.Integer()
    admitted = fields.Integer()
    remaining = fields.Integer()


class PropertySeatArgs(Schema):
    property_no = fields.String(required=True, validate=validate.Length(min=1, max=30))


class PropertySeatsOut(Schema):
    property_no = fields.String()
    address = fields.String()
    uses = fields.List(fields.Dict())


class PointsOut(Schema):
    total = fields.Integer()
    breakdown = fields.Dict(keys=fields.String(), values=fields.Integer())
    social_insurance_months = fields.Integer()
    found = fields.Boolean()


class ChildIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    id_number = IdNumber(required=True)
    birth_date = Day(required=True)

    @validates_schema
    def birth_date_matches_id(self, data, **kwargs):
        if "id_number" in data and "birth_date" in data and data["id_number"][6:14] != data["birth_date"].strftime(
                "%Y%m%d"):
            raise ValidationError("出生日期与身份证号不一致 (birth date does not match the ID number)", "birth_date")


class ApplicationIn(Schema):
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    child = fields.Nested(ChildIn, required=True)
    property_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))
    school_id = Id(load_default=None, allow_none=True)


class EligibilityOut(Schema):
    eligible = fields.Boolean()
    category = fields.String(allow_none=True)
    school = fields.Nested(SchoolOut, allow_none=True)
    reasons = fields.List(fields.String())
    points = fields.Integer(allow_none=True)
    year = fields.Integer()


class EventOut(Schema):
    status = fields.String()
    note = fields.String(allow_none=True)
    at = LocalDateTime()


class ApplicationOut(Schema):
    id = fields.Integer()
    status = fields.String()
    category = fields.String()
    level = fields.String()
    year = fields.Integer()
    school = fields.Nested(SchoolOut)
    child_name = fields.String()
    child_id_number = fields.String(attribute="child_id_masked")
    property_no = fields.String(allow_none=True)
    points = fields.Integer(allow_none=True)
    submitted_at = LocalDateTime()
    decided_at = LocalDateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    history = fields.List(fields.Nested(EventOut))


ApplicationPage = page_schema(ApplicationOut, "ApplicationPage")


class ReviewArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(
        ["submitted", "reviewing", "admitted", "rejected", "withdrawn"]))
    school_id = Id(load_default=None)


class ReviewOut(ApplicationOut):
    """What officials see: the child's name masked."""

    child_name = fields.Function(lambda application: mask_name(application.child_name),
                                 metadata={"description": "masked, e.g. 王*涵"})


ReviewPage = page_schema(ReviewOut, "ReviewPage")


class DecisionIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["admitted", "rejected"]))
    note = fields.String(load_default=None, validate=validate.Length(max=200))
