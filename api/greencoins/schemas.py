"""Shapes of the 双碳绿币 API."""

from marshmallow import Schema, fields, validate

from api.common.schemas import AsciiDigits, Day, DecimalIn, Id, Int, LocalDateTime, Matches, PageArgs, Quantity, Token, page_schema
from api.greencoins.redemption import may_cancel

MONTH = Matches(r"^20[0-9]{2}-(0[1-9]|1[0-2])$", error="月份格式为 YYYY-MM,年份 2000–2099 (month must be YYYY-MM)")
SOURCES = ["phone", "device", "staff"]


class BehaviorOut(Schema):
    code = fields.String()
    name = fields.String()
    unit = fields.String()
    coins_per_unit = fields.Float()
    daily_cap_coins = fields.Integer()
    co2e_g_per_unit = fields.Float()
    sources = fields.List(fields.String())
    max_per_event = fields.Float(metadata={"description": "plausible maximum of one report; more is refused (422)"})
    max_per_day = fields.Float(metadata={"description": "plausible maximum of one citizen's day; more is refused (422)"})
    active = fields.Boolean()


class BehaviorPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=50))
    unit = fields.String(validate=validate.Length(min=1, max=20))
    coins_per_unit = DecimalIn(0.0001, 1000)
    daily_cap_coins = Int(validate=validate.Range(min=0, max=100_000))
    co2e_g_per_unit = DecimalIn(0, 1_000_000, places=3)
    sources = fields.List(fields.String(validate=validate.OneOf(SOURCES)), validate=validate.Length(min=1, max=3))
    max_per_event = DecimalIn(0.01, 1_000_000, places=2)
    max_per_day = DecimalIn(0.01, 1_000_000, places=2)
    active = fields.Boolean(metadata={"description": "false retires the behaviour: it earns nothing and is not listed"})


class BehaviorIn(BehaviorPatch):
    code = fields.String(required=True, validate=Matches(r"^[a-z][a-z_]{1,29}$", error="代码为小写字母和下划线 (lowercase code)"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    unit = fields.String(required=True, validate=validate.Length(min=1, max=20))
    coins_per_unit = DecimalIn(0.0001, 1000, required=True)
    daily_cap_coins = Int(required=True, validate=validate.Range(min=0, max=100_000))
    co2e_g_per_unit = DecimalIn(0, 1_000_000, places=3, required=True)
    sources = fields.List(fields.String(validate=validate.OneOf(SOURCES)), required=True, validate=validate.Length(min=1, max=3))
    max_per_event = DecimalIn(0.01, 1_000_000, places=2, required=True)
    max_per_day = DecimalIn(0.01, 1_000_000, places=2, required=True)
    active = fields.Boolean(dump_only=True)


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
    next_expiry = fields.Nested(
        "ExpiryOut", allow_none=True, metadata={"description": "the coins held that expire next, and when; null when none are held"}
    )


class ExpiryOut(Schema):
    coins = fields.Integer()
    at = LocalDateTime()


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
    date = Day(required=True, metadata={"format": "date-today-or-yesterday", "description": "今天或昨天 (Asia/Shanghai)"})
    steps = Int(required=True, validate=validate.Range(min=0, max=200_000))


CAP_REASON = {"description": "why the award was cut: the behaviour's daily cap, or the month's program budget", "enum": ["daily", "budget"]}


class AwardOut(Schema):
    coins_awarded = fields.Integer()
    capped = fields.Boolean()
    cap_reason = fields.String(allow_none=True, metadata=CAP_REASON)
    balance = fields.Integer()


class DeviceEventIn(Schema):
    citizen_code = fields.String(required=True, validate=Token(1000, "绿币码格式无效 (citizen code must be URL-safe ASCII)"))
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
    cap_reason = fields.String(allow_none=True, metadata=CAP_REASON)


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
    station_id = Id(strict=False, load_default=None)


class RedeemIn(Schema):
    reward_id = Id(required=True)
    station_id = Id(required=True)
    quantity = Int(load_default=1, validate=validate.Range(min=1, max=10))


class RedemptionOut(Schema):
    id = fields.Integer()
    code = fields.String()
    status = fields.String()
    expires_at = LocalDateTime()
    coins_spent = fields.Integer()
    quantity = fields.Integer()
    reward = fields.Function(lambda r: r["reward"] if isinstance(r, dict) else {"id": r.reward.id, "name": r.reward.name})
    station = fields.Function(
        lambda r: r["station"] if isinstance(r, dict) else {"id": r.station.id, "name": r.station.name, "address": r.station.address}
    )
    created_at = LocalDateTime()
    can_cancel = fields.Function(
        lambda r: may_cancel(r["status"] if isinstance(r, dict) else r.status), metadata={"description": "现在能否取消(待领取时可以)"}
    )


RedemptionPage = page_schema(RedemptionOut, "RedemptionPage")


class FulfilIn(Schema):
    code = fields.String(required=True, validate=AsciiDigits(6, "取货码为 6 位半角数字 (6 ASCII digits)"))


class LeaderboardArgs(Schema):
    period = fields.String(load_default="month", validate=validate.OneOf(["month"]))
    month = fields.String(load_default=None, validate=MONTH)
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


class RewardIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    price_coins = Int(required=True, validate=validate.Range(min=1, max=1_000_000))
    description = fields.String(load_default="", validate=validate.Length(max=200))


class RewardPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=50))
    price_coins = Int(validate=validate.Range(min=1, max=1_000_000))
    description = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean(metadata={"description": "false retires the reward: not listed, not redeemable"})


class RewardAdminOut(Schema):
    id = fields.Integer()
    name = fields.String()
    price_coins = fields.Integer()
    description = fields.String()
    active = fields.Boolean()


class RestockIn(Schema):
    reward_id = Id(required=True)
    quantity = Int(required=True, validate=validate.Range(min=1, max=10_000))


class StockOut(Schema):
    reward_id = fields.Integer()
    station_id = fields.Integer()
    stock = fields.Integer()


class AdjustIn(Schema):
    amount = Int(
        required=True,
        validate=validate.And(validate.Range(min=-100_000, max=100_000), validate.NoneOf([0], error="不能为 0 (must not be 0)")),
    )
    reason = fields.String(required=True, validate=validate.Length(min=2, max=150))


class AdjustOut(Schema):
    entry_id = fields.Integer()
    citizen_id = fields.Integer()
    amount = fields.Integer()
    balance = fields.Integer()
    reason = fields.String()


class BudgetArgs(Schema):
    month = fields.String(load_default=None, validate=MONTH)


class BudgetIn(Schema):
    month = fields.String(load_default=None, validate=MONTH, metadata={"description": "default: this month"})
    budget = Int(required=True, validate=validate.Range(min=0, max=1_000_000_000))


class BudgetOut(Schema):
    month = fields.String()
    budget = fields.Integer()
    issued = fields.Integer()
    remaining = fields.Integer()


class ProjectPatch(Schema):
    title = fields.String(validate=validate.Length(min=2, max=100))
    description = fields.String(validate=validate.Length(max=1000))
    place = fields.String(validate=validate.Length(min=2, max=100))
    lat = fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))
    goal_coins = Int(validate=validate.Range(min=1, max=100_000_000))
    status = fields.String(validate=validate.OneOf(["open", "closed"]))


class ProjectIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=2, max=100))
    description = fields.String(load_default="", validate=validate.Length(max=1000))
    place = fields.String(required=True, validate=validate.Length(min=2, max=100))
    lat = fields.Float(load_default=None, validate=validate.Range(min=-90, max=90))
    lon = fields.Float(load_default=None, validate=validate.Range(min=-180, max=180))
    goal_coins = Int(required=True, validate=validate.Range(min=1, max=100_000_000))


class ProjectOut(Schema):
    id = fields.Integer()
    title = fields.String()
    description = fields.String()
    place = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    goal_coins = fields.Integer()
    raised_coins = fields.Integer()
    remaining_coins = fields.Integer()
    donations_count = fields.Integer()
    progress = fields.Float(metadata={"description": "raised / goal, 0–1"})
    status = fields.String(metadata={"enum": ["open", "completed", "closed"]})
    created_at = LocalDateTime()


ProjectPage = page_schema(ProjectOut, "ProjectPage")


class ProjectArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf(["open", "completed", "closed"]))


class DonationIn(Schema):
    coins = Int(required=True, validate=validate.Range(min=1, max=1_000_000))


class DonationOut(Schema):
    id = fields.Integer()
    certificate_no = fields.String()
    coins = fields.Integer()
    project = fields.Dict()
    created_at = LocalDateTime()


DonationPage = page_schema(DonationOut, "DonationPage")


class FlaggedDeviceOut(Schema):
    partner_id = fields.Integer()
    partner = fields.String()
    flags = fields.Integer()
    last_at = LocalDateTime()
    last_reason = fields.String()
    last_behavior = fields.String()
    last_source_event_id = fields.String()


class FlaggedDeviceList(Schema):
    items = fields.List(fields.Nested(FlaggedDeviceOut))
