"""HTTP routes of 海洋云仓 / 渔省心: captains book, crews collect, everyone sees the credit code."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api.auth.guards import audit, current_principal, requires
from api.auth.models import Citizen
from api.common.db import unit_of_work
from api.common.idempotency import idempotent
from api.common.pii import mask_name, mask_phone
from api.errors import NotFound
from api.extensions import db
from api.pickup import credit, schemas, service
from api.pickup.models import CreditColorChange, CreditEntry, PollutantType, Port, Vessel

blp = Blueprint("pickup", __name__, url_prefix="/api/v1/pickup", description="海洋云仓 / 渔省心 Pollutant pickup")


@blp.route("/ports")
class Ports(MethodView):
    @blp.response(200, schemas.PortList)
    def get(self):
        """Fishing ports with their coordinates and pickup windows"""
        return {"items": db.session.scalars(select(Port).order_by(Port.id)).all()}


@blp.route("/pollutant-types")
class PollutantTypes(MethodView):
    @blp.response(200, schemas.PollutantList)
    def get(self):
        """Pollutant types, all measured in kg (斤 accepted on input)"""
        return {"items": db.session.scalars(select(PollutantType).order_by(PollutantType.code)).all()}


@blp.route("/vessels")
class Vessels(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.VesselIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data):
        """Register or bind my vessel (one vessel, one owner)"""
        return service.register_vessel(db.session, current_principal().id, **data)


@blp.route("/vessels/mine")
class MyVessels(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.VesselList)
    def get(self):
        """My vessels with their credit colour"""
        return {"items": service.my_vessels(db.session, current_principal().id)}


@blp.route("/slots")
class Slots(MethodView):
    @blp.arguments(schemas.SlotArgs, location="query")
    @blp.response(200, schemas.SlotList)
    def get(self, args):
        """A port's pickup windows on a day, with remaining capacity"""
        return {"items": service.slots(db.session, args["port_id"], args["date"])}


@blp.route("/bookings")
class Bookings(MethodView):
    @requires("citizen")
    @idempotent
    @blp.arguments(schemas.BookingIn)
    @blp.response(201, schemas.BookingOut)
    def post(self, data):
        """Book a collection boat for a window (never beyond its capacity)"""
        return service.book(db.session, current_principal().id, **data)

    @requires("citizen")
    @blp.arguments(schemas.ListArgs, location="query")
    @blp.response(200, schemas.BookingPage)
    def get(self, args):
        """My bookings, newest first"""
        return service.my_bookings(db.session, current_principal().id, **args)


@blp.route("/bookings/<int:booking_id>/cancel")
class CancelBooking(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.BookingOut)
    def post(self, booking_id):
        """Cancel my booking before the cut-off"""
        return service.cancel(db.session, current_principal().id, booking_id,
                              cutoff_minutes=current_app.config["PICKUP_CANCEL_CUTOFF_MINUTES"])


@blp.route("/tasks")
class Tasks(MethodView):
    @requires("collector")
    @blp.arguments(schemas.TaskArgs, location="query")
    @blp.response(200, schemas.TaskList)
    def get(self, args):
        """My port's bookings on a day (captains' names and phones masked)"""
        bookings = service.tasks(db.session, service.crew_port(db.session, current_principal().id), args["date"])
        captains = {c.id: c for c in db.session.scalars(
            select(Citizen).where(Citizen.id.in_({b.booked_by for b in bookings if b.booked_by})))}
        for booking in bookings:
            captain = captains.get(booking.booked_by)
            booking.captain = mask_name(captain.name) if captain else ""
            booking.captain_phone = mask_phone(captain.phone) if captain else ""
        with unit_of_work(db.session):
            audit("pickup.tasks.list", detail=f"date={args['date']} count={len(bookings)}")
        return {"items": bookings}


@blp.route("/bookings/<int:booking_id>/complete")
class CompleteBooking(MethodView):
    @requires("collector")
    @blp.arguments(schemas.CompleteIn)
    @blp.response(200, schemas.BookingOut)
    def post(self, data, booking_id):
        """Record the weighed amounts; issues the 联单 transfer manifest number"""
        return service.complete(db.session, current_principal().id, booking_id, data["items"])


@blp.route("/bookings/<int:booking_id>/no-show")
class NoShow(MethodView):
    @requires("collector")
    @blp.response(200, schemas.BookingOut)
    def post(self, booking_id):
        """Mark that the vessel did not come in its window"""
        return service.mark_no_show(db.session, current_principal().id, booking_id)


@blp.route("/vessels/<int:vessel_id>/port-reports")
class PortReports(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.PortReportIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data, vessel_id):
        """进出港 report for my vessel (earns credit)"""
        return service.report_port(db.session, current_principal().id, vessel_id, **data)


@blp.route("/vessels/<int:vessel_id>/safety-checks")
class SafetyChecks(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.SafetyCheckIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data, vessel_id):
        """Safety self-check of my vessel (earns credit)"""
        return service.record_safety_check(db.session, current_principal().id, vessel_id, **data)


@blp.route("/vessels/<int:vessel_id>/deductions")
class Deductions(MethodView):
    @requires("official")
    @blp.arguments(schemas.DeductionIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data, vessel_id):
        """An official records a deduction for a violation"""
        return service.deduct(db.session, current_principal().id, vessel_id, **data)


@blp.route("/vessels/<int:vessel_id>/credit")
class Credit(MethodView):
    @requires("citizen", "official")
    @blp.response(200, schemas.CreditOut)
    def get(self, vessel_id):
        """A vessel's credit score, colour and the entries behind it (owner or officials)"""
        principal = current_principal()
        vessel = db.session.get(Vessel, vessel_id)
        if vessel is None or ("official" not in principal.roles and vessel.owner_id != principal.id):
            raise NotFound("未找到该船舶 (vessel not found)")
        entries = db.session.scalars(select(CreditEntry).where(CreditEntry.vessel_id == vessel_id)
                                     .order_by(CreditEntry.id.desc()).limit(100)).all()
        history = db.session.scalars(select(CreditColorChange).where(CreditColorChange.vessel_id == vessel_id)
                                     .order_by(CreditColorChange.id)).all()
        return {"vessel_id": vessel.id, "vessel_no": vessel.vessel_no, "score": vessel.credit_score,
                "color": vessel.credit_color, "rule": credit.__doc__.split("\n\n", 1)[1].strip(), "entries": entries,
                "color_history": [{"from": h.old_color.value, "to": h.new_color.value, "score": h.score,
                                   "at": h.changed_at.isoformat()} for h in history]}
