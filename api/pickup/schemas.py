"""Shapes of the 海洋云仓 API; quantities may be given in 斤 (jin) and are converted to kg (1 斤 = 0.5 kg)."""

from decimal import ROUND_HALF_UP, Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from api.common.digits import ascii_digits_message, has_non_ascii_digit
from api.common.schemas import NOT_BLANK_PATTERN, Day, Id, Int, LocalDateTime, Matches, NotBlank, PageArgs, Phone, Quantity, page_schema
from api.pickup.models import CreditColor
from api.pickup.registry import VESSEL_NO_INPUT_PATTERN, VESSEL_NO_MESSAGE

JIN_KG = Decimal("0.5")


class VesselNo(fields.String):
    """浙 + county + 渔 + five ASCII digits, spaces allowed (dropped); the one place the API states the format."""

    def __init__(self, **kwargs):
        rules = [validate.Length(min=1, max=20), Matches(VESSEL_NO_INPUT_PATTERN, error=VESSEL_NO_MESSAGE)]
        super().__init__(validate=rules, metadata={"description": "船号,如 浙椒渔77033"} | kwargs.pop("metadata", {}), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if has_non_ascii_digit(result):
            raise ValidationError(ascii_digits_message("船号"))
        return result


class _QuantityItem(Schema):
    """A pollutant and its quantity, in kg or in 斤 (exactly one), loaded as ``{"type", "qty_kg"}``."""

    kg_field = jin_field = ""
    type = fields.String(required=True, validate=validate.Length(min=1, max=30))

    @validates_schema
    def one_unit(self, data, **kwargs):
        if (data.get(self.kg_field) is None) == (data.get(self.jin_field) is None):
            raise ValidationError(f"请填写 {self.kg_field} 或 {self.jin_field} 其中之一 (give exactly one)", self.kg_field)

    @post_load
    def to_kg(self, data, **kwargs):
        """``qty_kg`` for the rules; ``qty`` and ``unit`` as entered, to show back the way the captain gave it."""
        kg, unit, qty = data.get(self.kg_field), "kg", data.get(self.kg_field)
        if kg is None:
            unit, qty = "jin", data[self.jin_field]
            kg = (qty * JIN_KG).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return {"type": data["type"], "qty_kg": Decimal(kg).quantize(Decimal("0.01")), "qty": qty, "unit": unit}


class DeclaredItem(_QuantityItem):
    kg_field, jin_field = "est_qty_kg", "est_qty_jin"
    est_qty_kg = Quantity(maximum=100_000, metadata={"x-exactly-one": "unit"})
    est_qty_jin = Quantity(maximum=200_000, metadata={"description": "斤", "x-exactly-one": "unit"})


class WeighedItem(_QuantityItem):
    kg_field, jin_field = "qty_kg", "qty_jin"
    qty_kg = Quantity(maximum=100_000, metadata={"x-exactly-one": "unit"})
    qty_jin = Quantity(maximum=200_000, metadata={"description": "斤", "x-exactly-one": "unit"})


class PortOut(Schema):
    id = fields.Integer()
    name = fields.String()
    address = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    windows = fields.List(fields.String())
    priority_windows = fields.List(fields.String(), metadata={"description": "绿码渔船优先时段"})


class PortList(Schema):
    items = fields.List(fields.Nested(PortOut))


class PollutantOut(Schema):
    code = fields.String()
    name = fields.String()
    unit = fields.Constant("kg")


class PollutantList(Schema):
    items = fields.List(fields.Nested(PollutantOut))


class VesselIn(Schema):
    vessel_no = VesselNo(required=True)
    name = fields.String(load_default="", validate=validate.Length(max=50))
    home_port_id = Id(load_default=None)


class VesselOut(Schema):
    id = fields.Integer()
    vessel_no = fields.String()
    name = fields.String()
    home_port_id = fields.Integer(allow_none=True)
    credit_score = fields.Integer()
    credit_color = fields.String()


class VesselList(Schema):
    items = fields.List(fields.Nested(VesselOut))


class SlotArgs(Schema):
    port_id = Id(strict=False, required=True)
    date = Day(required=True)


class SlotOut(Schema):
    start = LocalDateTime()
    end = LocalDateTime()
    capacity = fields.Integer()
    remaining = fields.Integer()
    priority = fields.Boolean(metadata={"description": "绿码优先时段(开始前 24 小时内向所有渔船开放)"})


class SlotList(Schema):
    items = fields.List(fields.Nested(SlotOut))


class BookingIn(Schema):
    """A captain books for their own vessel, a dispatcher for the captain who called; by id or number (exactly one)."""

    vessel_id = Id(metadata={"x-exactly-one": "vessel"})
    vessel_no = VesselNo(metadata={"x-exactly-one": "vessel"})
    port_id = Id(required=True)
    slot_start = LocalDateTime(required=True)
    items = fields.List(fields.Nested(DeclaredItem), required=True, validate=validate.Length(min=1, max=10))
    note = fields.String(load_default="", validate=validate.Length(max=200))
    captain_phone = Phone(
        metadata={
            "description": "调度员电话预约时必填:船东手机号,须与渔船登记一致(未填:403;不一致:404);船长本人预约时不用 "
            "(a dispatcher must give the captain's phone; a captain booking their own vessel need not)"
        }
    )

    @validates_schema
    def one_vessel(self, data, **kwargs):
        if (data.get("vessel_id") is None) == (data.get("vessel_no") is None):
            raise ValidationError("请填写 vessel_id 或 vessel_no 其中之一 (give exactly one)", "vessel_id")


class PhoneBookingIn(BookingIn):
    """A dispatcher takes a captain's call: any registered vessel, and the captain's phone to confirm it is them."""

    captain_phone = Phone(required=True, metadata={"description": "船东手机号,须与渔船登记一致(不一致:404)"})


class ItemOut(Schema):
    type = fields.String(attribute="pollutant_code")
    est_qty_kg = fields.Float()
    qty_kg = fields.Float(allow_none=True)
    unit = fields.String(metadata={"description": "kg 或 jin(斤):申报时使用的单位"})
    est_qty = fields.Function(
        lambda i: float(i.est_qty if i.est_qty is not None else i.est_qty_kg), metadata={"description": "申报量,按申报单位"}
    )
    qty = fields.Function(
        lambda i: None if i.qty_kg is None else float(i.qty_kg / JIN_KG if i.unit == "jin" else i.qty_kg),
        metadata={"description": "实收量,按申报单位"},
    )


class BookingOut(Schema):
    id = fields.Integer()
    status = fields.String()
    vessel_id = fields.Integer()
    vessel_no = fields.String(attribute="vessel.vessel_no")
    port_id = fields.Integer()
    port = fields.String(attribute="port.name")
    booked_by = fields.Function(
        lambda b: "dispatcher" if b.dispatcher_id else "captain", metadata={"description": "captain | dispatcher(电话预约)"}
    )
    dispatcher_id = fields.Integer(allow_none=True)
    slot_start = LocalDateTime()
    slot_end = LocalDateTime()
    items = fields.List(fields.Nested(ItemOut))
    note = fields.String()
    manifest_no = fields.String(allow_none=True)
    under_declared = fields.Boolean()
    created_at = LocalDateTime()
    collected_at = LocalDateTime(allow_none=True)
    can_cancel = fields.Boolean(metadata={"description": "我的预约:现在能否取消(时段开始前的截止时间之前)"})
    can_report_missed = fields.Boolean(metadata={"description": "我的预约:现在能否报告漏收(时段开始后、未接收、未报告过)"})


BookingPage = page_schema(BookingOut, "BookingPage")


class TaskArgs(Schema):
    date = Day(required=True)


class TaskOut(BookingOut):
    captain = fields.String(metadata={"description": "masked name"})
    captain_phone = fields.String(metadata={"description": "masked phone"})


class TaskList(Schema):
    items = fields.List(fields.Nested(TaskOut))


class CompleteIn(Schema):
    items = fields.List(fields.Nested(WeighedItem), required=True, validate=validate.Length(min=1, max=10))


class PortReportIn(Schema):
    direction = fields.String(required=True, validate=validate.OneOf(["in", "out"]))
    port_id = Id(required=True)


class SafetyItemIn(Schema):
    item = fields.String(required=True, validate=validate.Length(min=1, max=50), metadata={"description": "检查项,如 救生衣"})
    ok = fields.Boolean(required=True)


class SafetyCheckIn(Schema):
    """The checklist as a list of items (an item's name is text the document can state, unlike an object's keys)."""

    items = fields.List(
        fields.Nested(SafetyItemIn),
        required=True,
        validate=validate.Length(min=1, max=30),
        metadata={"example": [{"item": "救生衣", "ok": True}, {"item": "消防器材", "ok": True}, {"item": "通讯设备", "ok": True}]},
    )

    @post_load
    def as_checklist(self, data, **kwargs):
        """``{item: ok}``; an item given twice is in order only if it is every time."""
        checklist: dict[str, bool] = {}
        for entry in data["items"]:
            checklist[entry["item"]] = checklist.get(entry["item"], True) and entry["ok"]
        return {"items": checklist}


class DeductionIn(Schema):
    # strict: 10.7 or "10" is refused (422), never silently truncated to 10 points
    points = Int(required=True, validate=validate.Range(min=1, max=50))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200))


class AppealOut(Schema):
    id = fields.Integer()
    entry_id = fields.Integer()
    vessel_id = fields.Integer()
    status = fields.String(metadata={"description": "pending | upheld | overturned"})
    reason = fields.String()
    created_at = LocalDateTime()
    upheld = fields.Boolean(allow_none=True)
    decision_reason = fields.String(allow_none=True)
    decided_at = LocalDateTime(allow_none=True)


AppealPage = page_schema(AppealOut, "AppealPage")


class AppealIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class AppealDecisionIn(Schema):
    upheld = fields.Boolean(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=2, max=500))


class AppealArgs(PageArgs):
    status = fields.String(load_default="pending", validate=validate.OneOf(["pending", "all"]))


class CreditEntryOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    points = fields.Integer()
    reason = fields.String()
    created_at = LocalDateTime()
    counts = fields.Boolean(metadata={"description": "是否计入当前得分(超过 365 天或申诉撤销后不计)"})
    appealable = fields.Boolean()
    appeal = fields.Nested(AppealOut, allow_none=True)


class ColorChangeOut(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    score = fields.Integer()
    at = LocalDateTime()


class CreditOut(Schema):
    vessel_id = fields.Integer()
    vessel_no = fields.String()
    score = fields.Integer()
    color = fields.String(validate=validate.OneOf([c.value for c in CreditColor]))
    rule = fields.String()
    reasons = fields.List(fields.String(), metadata={"description": "为什么是这个颜色:计分的扣分与加分"})
    to_green = fields.List(fields.String(), metadata={"description": "怎样恢复绿码(绿码时为空)"})
    entries = fields.List(fields.Nested(CreditEntryOut))
    color_history = fields.List(fields.Nested(ColorChangeOut))


class VesselColorArgs(PageArgs):
    color = fields.String(load_default=None, validate=validate.OneOf([c.value for c in CreditColor]))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))


class VesselColorOut(Schema):
    id = fields.Integer()
    vessel_no = fields.String()
    name = fields.String()
    score = fields.Integer()
    color = fields.String()
    bound = fields.Boolean(metadata={"description": "船东已在小程序绑定"})
    reasons = fields.List(fields.String())


VesselColorPage = page_schema(VesselColorOut, "VesselColorPage")


class MissedIn(Schema):
    note = fields.String(required=True, validate=validate.Length(min=2, max=500))


class CloseMissedIn(Schema):
    resolution = fields.String(required=True, validate=validate.Length(min=2, max=500))


class MissedOut(Schema):
    id = fields.Integer()
    booking_id = fields.Integer()
    vessel_no = fields.String()
    port = fields.String()
    slot_start = LocalDateTime()
    slot_end = LocalDateTime()
    note = fields.String()
    created_at = LocalDateTime()
    age_hours = fields.Float(metadata={"description": "报告至今小时数"})
    status = fields.String(metadata={"description": "open | closed"})
    closed_at = LocalDateTime(allow_none=True)
    resolution = fields.String(allow_none=True)


class MissedList(Schema):
    items = fields.List(fields.Nested(MissedOut))


class MissedArgs(Schema):
    port_id = Id(strict=False, load_default=None)


class PhoneBookingArgs(Schema):
    date = Day(load_default=None)


class PhoneBookingOut(BookingOut):
    dispatcher = fields.String(metadata={"description": "接听电话的调度员"})


class PhoneBookingList(Schema):
    items = fields.List(fields.Nested(PhoneBookingOut))


PARTNER_NAME_RULES = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": NOT_BLANK_PATTERN}
PARTNER_ID_RULES = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


class PartnerRef(fields.Field):
    """A partner by id (integer) or by name (string); the document states it as ``oneOf`` the two."""

    _name = NotBlank("名称不能为空 (name must not be blank)")

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValidationError("合作机构应为编号或名称 (partner must be an id or a name)")
        if isinstance(value, int) and not 1 <= value <= 2**31 - 1:
            raise ValidationError("编号无效 (invalid id)")
        if isinstance(value, str):
            if not 1 <= len(value) <= 100:
                raise ValidationError("长度不符合要求 (length must be 1–100)")
            return self._name(value).strip()
        return value


class ConsentIn(Schema):
    partner = PartnerRef(
        required=True,
        metadata={
            "description": "合作机构编号或名称(见 /pickup/credit-partners;没有该机构:404)",
            "oneOf": [PARTNER_ID_RULES, PARTNER_NAME_RULES],
        },
    )
    expires_at = LocalDateTime(
        required=True,
        metadata={"format": "date-time-next-366-days", "description": "授权截止:晚于现在,最长 366 天 (future, at most 366 days)"},
    )


class ConsentOut(Schema):
    id = fields.Integer()
    vessel_id = fields.Integer()
    partner_id = fields.Integer()
    partner = fields.String()
    expires_at = LocalDateTime()
    created_at = LocalDateTime()
    revoked_at = LocalDateTime(allow_none=True)
    status = fields.String(metadata={"description": "active | expired | revoked"})


class ConsentList(Schema):
    items = fields.List(fields.Nested(ConsentOut))


class PartnerOut(Schema):
    id = fields.Integer()
    name = fields.String()


class PartnerList(Schema):
    items = fields.List(fields.Nested(PartnerOut))


class CreditReadOut(Schema):
    id = fields.Integer()
    partner = fields.String()
    at = LocalDateTime()
    allowed = fields.Boolean()
    outcome = fields.String(metadata={"description": "consent | no_consent | expired | unknown_vessel"})


class CreditReadList(Schema):
    items = fields.List(fields.Nested(CreditReadOut))


class PartnerCreditOut(Schema):
    vessel_no = fields.String()
    score = fields.Integer()
    color = fields.String()
    as_of = LocalDateTime()


class RecomputeOut(Schema):
    vessels = fields.Integer()
    scores_changed = fields.Integer()
    colors_changed = fields.Integer()


class ListArgs(PageArgs):
    pass


class CreditRuleOut(Schema):
    lines = fields.List(fields.String())
