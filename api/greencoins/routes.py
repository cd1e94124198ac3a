"""HTTP routes of 双碳绿币: earn, see, spend, donate; officials run the program. Each route parses, calls one service
function, serialises."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth.guards import current_partner, current_principal, guards_secret, requires, requires_partner
from api.auth.roles import ECO_OFFICIAL, STATION
from api.common.db import local_now
from api.common.idempotency import idempotent
from api.extensions import db
from api.greencoins import budget, manage, projects, redemption, schemas, service
from api.greencoins.manage import Actor

blp = Blueprint("greencoins", __name__, url_prefix="/api/v1/greencoins", description="双碳绿币 Green coins")


def _rules() -> service.EarnRules:
    config = current_app.config
    return service.EarnRules(
        event_max_age=timedelta(hours=config.get("GREENCOINS_EVENT_MAX_AGE_HOURS", 48)),
        event_max_ahead=timedelta(minutes=config.get("GREENCOINS_EVENT_MAX_AHEAD_MINUTES", 5)),
        step_days=config.get("GREENCOINS_STEP_DAYS", 2),
        default_budget=config.get("GREENCOINS_MONTHLY_BUDGET", budget.DEFAULT_MONTHLY_BUDGET),
    )


def _actor() -> Actor:
    principal = current_principal()
    return Actor(name=principal.actor, roles=tuple(principal.roles), ip=request.remote_addr, staff_id=principal.id)


def _this_month() -> str:
    return local_now().strftime("%Y-%m")


@blp.route("/behaviors")
class Behaviors(MethodView):
    @blp.response(200, schemas.BehaviorList)
    def get(self):
        """Low-carbon behaviours, what each pays, its daily cap and its plausible maxima"""
        return {"items": manage.behaviors(db.session)}

    @requires(ECO_OFFICIAL)
    @blp.arguments(schemas.BehaviorIn)
    @blp.response(201, schemas.BehaviorOut)
    def post(self, data):
        """Officials: add a behaviour (audited)"""
        return manage.create_behavior(db.session, _actor(), data)


@blp.route("/behaviors/<string:code>")
class BehaviorView(MethodView):
    @requires(ECO_OFFICIAL)
    @blp.arguments(schemas.BehaviorPatch)
    @blp.response(200, schemas.BehaviorOut)
    def patch(self, data, code):
        """Officials: change pay, caps, CO₂e factor or plausible maxima, or retire (`active: false`) (audited)"""
        return manage.update_behavior(db.session, _actor(), code, data)


@blp.route("/me")
class Me(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.SummaryOut)
    def get(self):
        """My balance, totals, CO₂e saved, today's remaining cap per behaviour, and what expires next"""
        return service.summary(db.session, current_principal().id)


@blp.route("/me/code")
class MyCode(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.CitizenCodeOut)
    def get(self):
        """A short-lived code to show a partner device (valid 5 minutes)"""
        code, expires = service.issue_citizen_code(current_principal().id, current_app.config["SECRET_KEY"])
        return {"code": code, "expires_at": expires}


@blp.route("/me/ledger")
class MyLedger(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.ListArgs, location="query")
    @blp.response(200, schemas.LedgerPage)
    def get(self, args):
        """My ledger, newest first, each entry with the balance after it"""
        return service.ledger(db.session, current_principal().id, **args)


@blp.route("/me/steps")
class MySteps(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.StepsIn)
    @blp.response(200, schemas.AwardOut)
    def post(self, data):
        """Report a day's total steps (today or yesterday); coins are recomputed, never paid twice

        More than walking's plausible maximum (per report or per day, GET /greencoins/behaviors) answers 422
        `implausible_quantity`."""
        award = service.award_steps(db.session, current_principal().id, data["date"], data["steps"], _rules())
        return award.__dict__


@blp.route("/me/donations")
class MyDonations(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.ListArgs, location="query")
    @blp.response(200, schemas.DonationPage)
    def get(self, args):
        """My donations and their certificate numbers, newest first"""
        return projects.my_donations(db.session, current_principal().id, **args)


@blp.route("/events")
class DeviceEvents(MethodView):
    @requires_partner
    @guards_secret("citizen_code", wrong=("invalid_citizen_code",))  # per partner; audited
    @blp.arguments(schemas.DeviceEventIn)
    @blp.response(201, schemas.DeviceEventOut)
    def post(self, data):
        """A partner device reports a behaviour (within 48 hours; once per source_event_id; replays get the first answer)

        More than the behaviour's plausible maximum (per report or per day, GET /greencoins/behaviors) answers 422
        `implausible_quantity` and flags the device."""
        citizen_id = service.read_citizen_code(data["citizen_code"], current_app.config["SECRET_KEY"])
        report = service.DeviceReport(
            citizen_id=citizen_id,
            behavior_code=data["behavior"],
            quantity=data["quantity"],
            occurred_at=data["occurred_at"],
            source_event_id=data["source_event_id"],
            lat=data["lat"],
            lon=data["lon"],
        )
        return service.award_device_event(db.session, current_partner(), report, _rules())


@blp.route("/devices/flagged")
class FlaggedDevices(MethodView):
    @requires(ECO_OFFICIAL)
    @blp.response(200, schemas.FlaggedDeviceList)
    def get(self):
        """Officials: partner devices that sent implausible reports, most recent first"""
        return {"items": manage.flagged_devices(db.session)}


@blp.route("/stations")
class Stations(MethodView):
    @blp.response(200, schemas.StationList)
    def get(self):
        """Redemption stations with their coordinates"""
        return {"items": manage.stations(db.session)}


@blp.route("/stations/<int:station_id>/stock")
class StationStock(MethodView):
    @requires(STATION, ECO_OFFICIAL)
    @blp.arguments(schemas.RestockIn)
    @blp.response(200, schemas.StockOut)
    def post(self, data, station_id):
        """Restock a reward at a station: station staff at their own station only, eco officials anywhere (audited)"""
        return manage.restock(db.session, _actor(), station_id=station_id, **data)


@blp.route("/rewards")
class Rewards(MethodView):
    @blp.arguments(schemas.RewardArgs, location="query")
    @blp.response(200, schemas.RewardList)
    def get(self, args):
        """Rewards, their price and stock (at one station, or across all)"""
        return {"items": manage.catalogue(db.session, args["station_id"])}

    @requires(ECO_OFFICIAL)
    @blp.arguments(schemas.RewardIn)
    @blp.response(201, schemas.RewardAdminOut)
    def post(self, data):
        """Officials: add a reward (audited); stations then stock it"""
        return manage.create_reward(db.session, _actor(), **data)


@blp.route("/rewards/<int:reward_id>")
class RewardView(MethodView):
    @requires(ECO_OFFICIAL)
    @blp.arguments(schemas.RewardPatch)
    @blp.response(200, schemas.RewardAdminOut)
    def patch(self, data, reward_id):
        """Officials: change a reward's name, price or description, or retire it (`active: false`) (audited)"""
        return manage.update_reward(db.session, _actor(), reward_id, data)


@blp.route("/redemptions")
class Redemptions(MethodView):
    @requires("citizen")
    @idempotent
    @blp.arguments(schemas.RedeemIn)
    @blp.response(201, schemas.RedemptionOut)
    def post(self, data):
        """Redeem coins for a reward: coins and stock are taken at once; pick it up with the 6-digit code"""
        return redemption.redeem(db.session, current_principal().id, **data)

    @requires("citizen")
    @blp.arguments(schemas.ListArgs, location="query")
    @blp.response(200, schemas.RedemptionPage)
    def get(self, args):
        """My redemptions, newest first"""
        return redemption.my_redemptions(db.session, current_principal().id, **args)


@blp.route("/redemptions/<int:redemption_id>/cancel")
class CancelRedemption(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.RedemptionOut)
    def post(self, redemption_id):
        """Cancel my reservation: coins and stock come back"""
        return redemption.cancel(db.session, current_principal().id, redemption_id)


@blp.route("/redemptions/fulfil")
class FulfilRedemption(MethodView):
    @requires(STATION)
    @guards_secret("pickup_code", wrong=("not_found", "conflict"))  # per station account; audited
    @blp.arguments(schemas.FulfilIn)
    @blp.response(200, schemas.RedemptionOut)
    def post(self, data):
        """The station hands over a reward against its pickup code (codes of its own station only)"""
        return redemption.fulfil(db.session, current_principal().id, data["code"])


@blp.route("/budget")
class Budget(MethodView):
    @blp.arguments(schemas.BudgetArgs, location="query")
    @blp.response(200, schemas.BudgetOut)
    def get(self, args):
        """The program's coin budget of a month (default: this month), what was issued and what remains"""
        default = current_app.config.get("GREENCOINS_MONTHLY_BUDGET", budget.DEFAULT_MONTHLY_BUDGET)
        return budget.budget_view(db.session, args["month"] or _this_month(), default)

    @requires(ECO_OFFICIAL)
    @blp.arguments(schemas.BudgetIn)
    @blp.response(200, schemas.BudgetOut)
    def put(self, data):
        """Officials: set a month's budget (never below what it has issued) (audited)"""
        actor = _actor()
        return budget.set_budget(db.session, data["month"] or _this_month(), data["budget"], actor=actor.name, ip=actor.ip)


@blp.route("/projects")
class Projects(MethodView):
    @blp.arguments(schemas.ProjectArgs, location="query")
    @blp.response(200, schemas.ProjectPage)
    def get(self, args):
        """Public-good projects (公益) with their goal and progress, newest first"""
        return projects.projects(db.session, **args)

    @requires(ECO_OFFICIAL)
    @blp.arguments(schemas.ProjectIn)
    @blp.response(201, schemas.ProjectOut)
    def post(self, data):
        """Officials: open a project with a goal in coins, a description and a place (audited)"""
        return projects.create_project(db.session, _actor(), data)


@blp.route("/projects/<int:project_id>")
class ProjectView(MethodView):
    @blp.response(200, schemas.ProjectOut)
    def get(self, project_id):
        """One project and its progress"""
        return projects.project(db.session, project_id)

    @requires(ECO_OFFICIAL)
    @blp.arguments(schemas.ProjectPatch)
    @blp.response(200, schemas.ProjectOut)
    def patch(self, data, project_id):
        """Officials: change a project's text, place or goal, or close it (audited)"""
        return projects.update_project(db.session, _actor(), project_id, data)


@blp.route("/projects/<int:project_id>/donations")
class Donations(MethodView):
    @requires("citizen")
    @idempotent
    @blp.arguments(schemas.DonationIn)
    @blp.response(201, schemas.DonationOut)
    def post(self, data, project_id):
        """Donate coins to an open project (at most what it still needs); the answer carries a certificate number"""
        return projects.donate(db.session, current_principal().id, project_id, data["coins"])


@blp.route("/accounts/<int:citizen_id>/adjustments")
class Adjustments(MethodView):
    @requires(ECO_OFFICIAL)
    @idempotent
    @blp.arguments(schemas.AdjustIn)
    @blp.response(201, schemas.AdjustOut)
    def post(self, data, citizen_id):
        """Officials: correct a citizen's balance with a reason (an `adjust` entry, never below zero; audited)"""
        return manage.adjust(db.session, _actor(), citizen_id=citizen_id, **data)


@blp.route("/leaderboard")
class LeaderboardView(MethodView):
    @blp.arguments(schemas.LeaderboardArgs, location="query")
    @blp.response(200, schemas.Leaderboard)
    def get(self, args):
        """Who earned most this month (names masked), optionally within one community"""
        month = args["month"] or _this_month()
        year, mon = (int(x) for x in month.split("-"))
        items = service.leaderboard(db.session, month=date(year, mon, 1), community=args["community"])
        return {"period": "month", "month": month, "items": items}
