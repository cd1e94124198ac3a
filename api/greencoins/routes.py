"""HTTP routes of 双碳绿币: earn, see, spend."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api.auth.guards import current_partner, current_principal, requires, requires_partner
from api.auth.models import StaffUser
from api.common.db import local_now
from api.common.idempotency import idempotent
from api.extensions import db
from api.greencoins import redemption, schemas, service
from api.greencoins.models import Behavior, Reward, RewardStock, Station

blp = Blueprint("greencoins", __name__, url_prefix="/api/v1/greencoins", description="双碳绿币 Green coins")


@blp.route("/behaviors")
class Behaviors(MethodView):
    @blp.response(200, schemas.BehaviorList)
    def get(self):
        """Low-carbon behaviours, what each pays and its daily cap"""
        return {"items": db.session.scalars(select(Behavior).order_by(Behavior.code)).all()}


@blp.route("/me")
class Me(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.SummaryOut)
    def get(self):
        """My balance, totals, CO₂e saved and today's remaining cap per behaviour"""
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
        """Report a day's total steps from the phone; coins are recomputed, never paid twice"""
        award = service.award_steps(db.session, current_principal().id, data["date"], data["steps"])
        return award.__dict__


@blp.route("/events")
class DeviceEvents(MethodView):
    @requires_partner
    @blp.arguments(schemas.DeviceEventIn)
    @blp.response(201, schemas.DeviceEventOut)
    def post(self, data):
        """A partner device reports a behaviour (once per source_event_id; replays get the first answer)"""
        citizen_id = service.read_citizen_code(data["citizen_code"], current_app.config["SECRET_KEY"])
        return service.award_device_event(
            db.session, current_partner(), citizen_id=citizen_id, behavior_code=data["behavior"],
            quantity=data["quantity"], occurred_at=data["occurred_at"], source_event_id=data["source_event_id"],
            lat=data["lat"], lon=data["lon"])


@blp.route("/stations")
class Stations(MethodView):
    @blp.response(200, schemas.StationList)
    def get(self):
        """Redemption stations with their coordinates"""
        return {"items": db.session.scalars(select(Station).order_by(Station.id)).all()}


@blp.route("/rewards")
class Rewards(MethodView):
    @blp.arguments(schemas.RewardArgs, location="query")
    @blp.response(200, schemas.RewardList)
    def get(self, args):
        """Rewards, their price and stock (at one station, or across all)"""
        rows = db.session.execute(
            select(RewardStock, Station.name).join(Station, Station.id == RewardStock.station_id)
            .order_by(RewardStock.reward_id, RewardStock.station_id)).all()
        stations_of: dict[int, list[dict]] = {}
        for stock, station_name in rows:
            stations_of.setdefault(stock.reward_id, []).append(
                {"station_id": stock.station_id, "station": station_name, "stock": stock.stock})
        items = []
        for reward in db.session.scalars(select(Reward).order_by(Reward.price_coins, Reward.id)):
            stations = stations_of.get(reward.id, [])
            if args["station_id"] is not None:
                stations = [s for s in stations if s["station_id"] == args["station_id"]]
            items.append({"id": reward.id, "name": reward.name, "description": reward.description,
                          "price_coins": reward.price_coins, "stock": sum(s["stock"] for s in stations),
                          "stations": stations})
        return {"items": items}


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
    @requires("station")
    @blp.arguments(schemas.FulfilIn)
    @blp.response(200, schemas.RedemptionOut)
    def post(self, data):
        """The station hands over a reward against its pickup code"""
        staff = db.session.get(StaffUser, current_principal().id)
        return redemption.fulfil(db.session, staff.station_id, data["code"], staff.id)


@blp.route("/leaderboard")
class LeaderboardView(MethodView):
    @blp.arguments(schemas.LeaderboardArgs, location="query")
    @blp.response(200, schemas.Leaderboard)
    def get(self, args):
        """Who earned most this month (names masked), optionally within one community"""
        month = args["month"] or local_now().strftime("%Y-%m")
        year, mon = (int(x) for x in month.split("-"))
        items = service.leaderboard(db.session, month=date(year, mon, 1), community=args["community"])
        return {"period": "month", "month": month, "items": items}


