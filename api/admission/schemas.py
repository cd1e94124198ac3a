"""Shapes of the 入学一掌通 API (SPEC §11)."""

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from api.admission.lifecycle import actions
from api.admission.models import ApplicationStatus
from api.common.db import utcnow
from api.common.pii import birth_date_of, mask_name
from api.common.schemas import Day, Id, IdNumber, Int, LocalDateTime, Matches, PageArgs, page_schema

LEVELS = ["primary", "junior"]
YEAR = validate.Range(min=2000, max=2100)
SEED_CHARS = "种子只能含字母、数字和 . _ : - (seed: letters, digits, . _ : -)"


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


# A point as "lat,lon" in decimal degrees, each within its range: every string matching it is a point.
LAT_PATTERN = r"[+-]?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
LON_PATTERN = r"[+-]?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
NEAR_PATTERN = rf"^{LAT_PATTERN},{LON_PATTERN}$"


class SchoolArgs(PageArgs):
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    near = fields.String(
        load_default=None,
        validate=Matches(NEAR_PATTERN, error="near 格式为 lat,lon,纬度 -90–90,经度 -180–180 (near must be lat,lon)"),
        metadata={"description": "lat,lon in decimal degrees, e.g. 28.68,121.42"},
    )
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
    """A point; for an address from GET /admission/addresses, GET /admission/addresses/{address_id}/district."""

    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


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
    has_plan = fields.Boolean(metadata={"description": "false: no seat plan yet, no allocation or admission possible"})
    planned = fields.Integer()
    applied = fields.Integer()
    offered = fields.Integer(metadata={"description": "offered, waiting for the guardian's 确认"})
    admitted = fields.Integer()
    waitlisted = fields.Integer()
    remaining = fields.Integer(metadata={"description": "planned minus offered and admitted"})


class SeatPlanIn(Schema):
    year = Int(required=True, validate=YEAR)
    planned = Int(required=True, validate=validate.Range(min=0, max=10_000))


class SeatPlanOut(SeatsOut):
    previous = fields.Integer(allow_none=True, metadata={"description": "the plan before this change; null if new"})


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
    """The child by name and ID number; the birth date is the one the ID number holds (never a second, differing one)."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    id_number = IdNumber(required=True, metadata={"description": "身份证号;出生日期取自其中(第 7–14 位)"})
    birth_date = Day(
        load_default=None,
        metadata={
            "deprecated": True,
            "description": "可不填:出生日期一律取自身份证号(SPEC §11 的请求仍可带上它;以身份证号为准) "
            "(optional: the birth date is always the one the ID number holds)",
        },
    )

    @post_load
    def with_birth_date(self, data, **kwargs):
        return data | {"birth_date": birth_date_of(data["id_number"])}


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


def _by(event) -> str:
    kind = event.actor.split(":", 1)[0]
    return {"citizen": "guardian", "staff": "official"}.get(kind, "system")


class EventOut(Schema):
    status = fields.String()
    step = fields.Function(lambda event: event.step or str(event.status), metadata={"description": "what happened"})
    note = fields.String(allow_none=True)
    reason = fields.Function(lambda event: event.note, metadata={"description": "why, in words the guardian reads (same as note)"})
    by = fields.Function(_by, metadata={"description": "guardian | official | system"})
    at = LocalDateTime()


class ReviewRequestOut(Schema):
    """A review as the guardian sees it on the application."""

    reason = fields.String()
    requested_at = LocalDateTime()
    outcome = fields.String(allow_none=True, metadata={"description": "upheld | corrected; null while open"})
    answer = fields.String(allow_none=True)
    answered_at = LocalDateTime(allow_none=True)


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
    result = fields.String(allow_none=True, metadata={"description": "offered | waitlisted | not_offered | null (no run yet)"})
    result_reason = fields.String(allow_none=True)
    waitlist_position = fields.Integer(allow_none=True)
    offer_expires_at = LocalDateTime(allow_none=True)
    can_withdraw = fields.Function(lambda a: actions(a, utcnow())["can_withdraw"])
    can_accept = fields.Function(lambda a: actions(a, utcnow())["can_accept"])
    can_decline = fields.Function(lambda a: actions(a, utcnow())["can_decline"])
    can_request_review = fields.Function(lambda a: actions(a, utcnow())["can_request_review"])
    review = fields.Nested(ReviewRequestOut, allow_none=True)
    history = fields.List(fields.Nested(EventOut))


ApplicationPage = page_schema(ApplicationOut, "ApplicationPage")


class ReviewArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in ApplicationStatus]))
    school_id = Id(strict=False, load_default=None)


class ReviewOut(ApplicationOut):
    """What officials see: the child's name masked."""

    child_name = fields.Function(lambda application: mask_name(application.child_name), metadata={"description": "masked, e.g. 王*涵"})


ReviewPage = page_schema(ReviewOut, "ReviewPage")


class ReviewedApplicationOut(ReviewOut):
    class Meta:
        exclude = ("history",)


class DecisionIn(Schema):
    """A manual decision is for exceptions: it always carries its reason, which the guardian reads."""

    decision = fields.String(required=True, validate=validate.OneOf(["admitted", "rejected"]))
    note = fields.String(required=True, validate=validate.Length(min=2, max=150))


class ReviewIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class ReviewAnswerIn(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(["upheld", "corrected"]))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=150))


class ReviewQueueArgs(PageArgs):
    open = fields.Boolean(load_default=True)


class ReviewQueueItem(Schema):
    id = fields.Integer()
    application_id = fields.Integer()
    reason = fields.String()
    requested_at = LocalDateTime()
    outcome = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    answered_at = LocalDateTime(allow_none=True)
    application = fields.Nested(lambda: ReviewedApplicationOut)


ReviewQueuePage = page_schema(ReviewQueueItem, "ReviewQueuePage")


class AllocationRunIn(Schema):
    year = Int(required=True, validate=YEAR)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    seed = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=64),
            Matches(r"^[0-9A-Za-z._:-]+$", error=SEED_CHARS),
        ],
        metadata={"description": "the published random seed (e.g. the notarised draw number)"},
    )
    dry_run = fields.Boolean(load_default=False)


class AllocationRunArgs(PageArgs):
    year = fields.Integer(load_default=None, validate=YEAR)
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))


class AllocationRunOut(Schema):
    id = fields.Integer()
    year = fields.Integer()
    level = fields.String()
    seed = fields.String()
    dry_run = fields.Boolean()
    rules = fields.String(metadata={"description": "version of the published rules applied"})
    waitlist_percent = fields.Integer()
    created_at = LocalDateTime()
    totals = fields.Dict(metadata={"description": "applications, offered, waitlisted, not_offered"})


AllocationRunPage = page_schema(AllocationRunOut, "AllocationRunPage")


class CutoffOut(Schema):
    category = fields.String(allow_none=True, metadata={"description": "the last category offered a place"})
    points = fields.Integer(allow_none=True, metadata={"description": "category C: the points of the last place offered"})
    lottery = fields.Boolean(metadata={"description": "the cut-off fell inside a group only the lottery could order"})


class SchoolAllocationOut(Schema):
    school_id = fields.Integer()
    school = fields.String()
    planned = fields.Integer()
    held_before = fields.Integer(metadata={"description": "seats already offered or admitted before the run"})
    free = fields.Integer(metadata={"description": "seats the run could give"})
    applicants = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "by category A/B/C"})
    applicants_total = fields.Integer()
    offers = fields.Integer()
    offers_by_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    cutoff = fields.Nested(CutoffOut)
    waitlist = fields.Integer()
    not_offered = fields.Integer()


class AllocationReportOut(Schema):
    run = fields.Nested(AllocationRunOut)
    schools = fields.List(fields.Nested(SchoolAllocationOut))


class AllocationEntryArgs(PageArgs):
    school_id = Id(strict=False, load_default=None)


class AllocationEntryOut(Schema):
    application_id = fields.Integer()
    school_id = fields.Integer()
    child_name = fields.Function(lambda entry: mask_name(entry.application.child_name), metadata={"description": "masked"})
    category = fields.String()
    points = fields.Integer(allow_none=True)
    lottery = fields.Float(metadata={"description": "the lottery number drawn from the seed"})
    rank = fields.Integer()
    outcome = fields.String()
    waitlist_position = fields.Integer(allow_none=True)
    reason = fields.String()


AllocationEntryPage = page_schema(AllocationEntryOut, "AllocationEntryPage")
