"""Shapes of the 海洋云仓 API; quantities may be given in 斤 (jin) and are converted to kg (1 斤 = 0.5 kg)."""

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from api.common.schemas import Day, Id, LocalDateTime, PageArgs, Quantity, page_schema
from api.pickup.models import CreditColor

JIN_KG = Decimal("0.5")


class _QuantityItem(Schema):
    """A pollutant and its quantity, in kg or in 斤 (exactly one), loaded as ``{"type", "qty_kg"}``."""

    kg_field = jin_field = ""
    type = fields.String(required=True, validate=validate.Length(min=1, max=30))

    @validates_schema
    def one_unit(self, data, **kwargs):
        if (data.get(self.kg_field) is None) == (data.get(self.jin_field) is None):
            raise ValidationError(f"请填写 {self.kg_field} 或 {self.jin_field} 其中之一 (give exactly one)",
                                  self.kg_field)

    @post_load
    def to_kg(self, data, **kwargs):
        kg = data.get(self.kg_field)
        if kg is None:
            kg = data[self.jin_field] * JIN_KG
        return {"type": data["type"], "qty_kg": Decimal(kg).quantize(Decimal("0.01"))}


class DeclaredItem(_QuantityItem):
    kg_field, jin_field = "est_qty_kg", "est_qty_jin"
    est_qty_kg = Quantity(load_default=None, maximum=100_000)
    est_qty_jin = Quantity(load_default=None, maximum=200_000, metadata={"description": "斤"})


class WeighedItem(_QuantityItem):
    kg_field, jin_field = "qty_kg", "qty_jin"
    qty_kg = Quantity(load_default=None, maximum=100_000)
    qty_jin = Quantity(load_default=None, maximum=200_000, metadata={"description": "斤"})


class PortOut(Schema):
    id = fields.Integer()
    name = fields.String()
    address = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    windows = fields.List(fields.String())


class PortList(Schema):
    items = fields.List(fields.Nested(PortOut))


class PollutantOut(Schema):
    code = fields.String()
    name = fields.String()
    unit = fields.Constant("kg")


class PollutantList(Schema):
    items = fields.List(fields.Nested(PollutantOut))


class VesselIn(Schema):
    vessel_no = fields.String(required=True, validate=validate.Length(min=1, max=20))
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
    port_id = Id(required=True)
    date = Day(required=True)


class SlotOut(Schema):
    start = LocalDateTime()
    end = LocalDateTime()
    capacity = fields.Integer()
    remaining = fields.Integer()


class SlotList(Schema):
    items = fields.List(fields.Nested(SlotOut))


class BookingIn(Schema):
    vessel_id = Id(required=True)
    port_id = Id(required=True)
    slot_start = LocalDateTime(required=True)
    items = fields.List(fields.Nested(DeclaredItem), required=True, validate=validate.Length(min=1, max=10))
    note = fields.String(load_default="", validate=validate.Length(max=200))


class ItemOut(Schema):
    type = fields.String(attribute="pollutant_code")
    est_qty_kg = fields.Float()
    qty_kg = fields.Float(allow_none=True)


class BookingOut(Schema):
    id = fields.Integer()
    status = fields.String()
    vessel_id = fields.Integer()
    vessel_no = fields.Function(lambda b: b.vessel.vessel_no)
    port_id = fields.Integer()
    port = fields.Function(lambda b: b.port.name)
    slot_start = LocalDateTime()
    slot_end = LocalDateTime()
    items = fields.List(fields.Nested(ItemOut))
    note = fields.String()
    manifest_no = fields.String(allow_none=True)
    under_declared = fields.Boolean()
    created_at = LocalDateTime()
    collected_at = LocalDateTime(allow_none=True)


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


class SafetyCheckIn(Schema):
    items = fields.Dict(keys=fields.String(validate=validate.Length(max=50)), values=fields.Boolean(), required=True,
                        validate=validate.Length(min=1, max=30),
                        metadata={"example": {"救生衣": True, "消防器材": True, "通讯设备": True}})


class DeductionIn(Schema):
    points = fields.Integer(required=True, validate=validate.Range(min=1, max=50))
    reason = fields.String(required=True, validate=validate.Length(min=2, max=200))


class CreditEntryOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    points = fields.Integer()
    reason = fields.String()
    created_at = LocalDateTime()


class CreditOut(Schema):
    vessel_id = fields.Integer()
    vessel_no = fields.String()
    score = fields.Integer()
    color = fields.String(validate=validate.OneOf([c.value for c in CreditColor]))
    rule = fields.String()
    entries = fields.List(fields.Nested(CreditEntryOut))
    color_history = fields.List(fields.Dict())


class ListArgs(PageArgs):
    pass
