"""Shapes of the 双碳绿币 API."""

from marshmallow import Schema, fields, validate

from api.common.schemas import Day, Id, LocalDateTime, PageArgs, Quantity, page_schema


class BehaviorOut(Schema):
    code = fields.String()
    name = fields.String()
    unit = fields.String()
    coins_per_unit = fields.Float()
    daily_cap_coins = fields.Integer()
    co2e_g_per_unit = fields.Float()
    sources = fields.List(fields.String())


class BehaviorList(Schema):
    items = fields.List(fields.Nested(BehaviorOut))


class CitizenCodeOut(Schema):
    code = fields.String()
    expires_at = LocalDateTime()


class SummaryOut(Schema):
    balance = fields.Integer()
    earned_total = fields.Integer()
    spent_total = fields.Integer()
    co2e_g_total = fields.Float()
    today_remaining_cap = fields.Dict(keys=fields.String(), values=fields.Integer())


class LedgerEntryOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    amount = fields.Integer()
    balance_after = fields.Integer()
    behavior_code = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    co2e_g = fields.Float(allow_none=True)
    created_at = LocalDateTime()


LedgerPage = page_schema(LedgerEntryOut, "LedgerPage")


class StepsIn(Schema):
    date = Day(required=True)
    steps = fields.Integer(required=True, validate=validate.Range(min=0, max=200_000))


class AwardOut(Schema):
    coins_awarded = fields.Integer()
    capped = fields.Boolean()
    balance = fields.Integer()


class DeviceEventIn(Schema):
    citizen_code = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    behavior = fields.String(required=True, validate=validate.Length(min=1, max=30))
    quantity = Quantity(required=True, maximum=10_000)
    occurred_at = LocalDateTime(required=True)
    source_event_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))


class DeviceEventOut(Schema):
    event_id = fields.Integer()
    coins_awarded = fields.Integer()
    capped = fields.Boolean()


class StationOut(Schema):
    id = fields.Integer()
    name = fields.String()
    community = fields.String()
    address = fields.String()
    lat = fields.Float()
    lon = fields.Float()
    opening_hours = fields.String()


class StationList(Schema):
    items = fields.List(fields.Nested(StationOut))


class StationStock(Schema):
    station_id = fields.Integer()
    station = fields.String()
    stock = fields.Integer()


class RewardOut(Schema):
    id = fields.Integer()
    name = fields.String()
    description = fields.String()
    price_coins = fields.Integer()
    stock = fields.Integer(metadata={"description": "at the station asked for, else across all stations"})
    stations = fields.List(fields.Nested(StationStock))


class RewardList(Schema):
    items = fields.List(fields.Nested(RewardOut))


class RewardArgs(Schema):
    station_id = Id(load_default=None)


class RedeemIn(Schema):
    reward_id = Id(required=True)
    station_id = Id(required=True)
    quantity = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10))


class RedemptionOut(Schema):
    id = fields.Integer()
    code = fields.String()
    status = fields.String()
    expires_at = LocalDateTime()
    coins_spent = fields.Integer()
    quantity = fields.Integer()
    reward = fields.Function(lambda r: {"id": r.reward.id, "name": r.reward.name})
    station = fields.Function(lambda r: {"id": r.station.id, "name": r.station.name, "address": r.station.address})
    created_at = LocalDateTime()


RedemptionPage = page_schema(RedemptionOut, "RedemptionPage")


class FulfilIn(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="取货码为 6 位数字 (6 digits)"))


class LeaderboardArgs(Schema):
    period = fields.String(load_default="month", validate=validate.OneOf(["month"]))
    month = fields.String(load_default=None, validate=validate.Regexp(
        r"^20\d{2}-(0[1-9]|1[0-2])$", error="月份格式为 YYYY-MM,年份 2000–2099 (month must be YYYY-MM)"))
    community = fields.String(load_default=None)


class LeaderOut(Schema):
    rank = fields.Integer()
    name = fields.String()
    community = fields.String(allow_none=True)
    coins = fields.Integer()


class Leaderboard(Schema):
    period = fields.String()
    month = fields.String()
    items = fields.List(fields.Nested(LeaderOut))


class ListArgs(PageArgs):
    pass
