"""HTTP routes of 海洋云仓 / 渔省心: captains and dispatchers book, crews collect, officials oversee, partners read with consent."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from api.auth.guards import current_partner, current_principal, requires, requires_partner
from api.auth.roles import DISPATCHER, OCEAN_OFFICIAL
from api.common.idempotency import idempotent
from api.extensions import db
from api.pickup import collection, consent, credit, oversight, schemas, service, vessels
from api.pickup.models import CreditColor

blp = Blueprint("pickup", __name__, url_prefix="/api/v1/pickup", description="海洋云仓 / 渔省心 Pollutant pickup")
partners_blp = Blueprint(
    "partners", __name__, url_prefix="/api/v1/partners", description="金融助渔 Partners read vessel credit with consent"
)


@blp.route("/ports")
class Ports(MethodView):
    @blp.response(200, schemas.PortList)
    def get(self):
        """Fishing ports with their coordinates, pickup windows and green-priority windows"""
        return {"items": service.ports(db.session)}


@blp.route("/pollutant-types")
class PollutantTypes(MethodView):
    @blp.response(200, schemas.PollutantList)
    def get(self):
        """Pollutant types, all measured in kg (斤 accepted on input); every type can be booked and collected"""
        return {"items": service.pollutant_types(db.session)}


@blp.route("/vessels")
class Vessels(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.VesselIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data):
        """Bind my vessel: only a vessel the 渔船登记 registry names me the owner of (one vessel, one owner)"""
        return vessels.register_vessel(db.session, current_principal().id, **data)

    @requires(OCEAN_OFFICIAL)
    @blp.arguments(schemas.VesselColorArgs, location="query")
    @blp.response(200, schemas.VesselColorPage)
    def get(self, args):
        """Vessels by credit colour, each with the reasons behind its colour (ocean officials)"""
        color = args.pop("color")
        return oversight.vessels_by_color(db.session, CreditColor(color) if color else None, **args)


@blp.route("/vessels/mine")
class MyVessels(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.VesselList)
    def get(self):
        """My vessels with their credit colour"""
        return {"items": vessels.my_vessels(db.session, current_principal().id)}


@blp.route("/slots")
class Slots(MethodView):
    @blp.arguments(schemas.SlotArgs, location="query")
    @blp.response(200, schemas.SlotList)
    def get(self, args):
        """A port's pickup windows on a day, with remaining capacity and which are green-priority windows"""
        return {"items": service.slots(db.session, args["port_id"], args["date"])}


@blp.route("/bookings")
class Bookings(MethodView):
    @requires("citizen", DISPATCHER)
    @idempotent
    @blp.arguments(schemas.BookingIn)
    @blp.response(201, schemas.BookingOut)
    def post(self, data):
        """Book a collection boat for a window (never beyond its capacity): a captain for their own vessel; a dispatcher
        by phone for any registered vessel, with the captain's phone (as POST /pickup/phone-bookings)"""
        principal = current_principal()
        booker = service.Booker(dispatcher_id=principal.id) if principal.kind == "staff" else service.Booker(citizen_id=principal.id)
        return service.book(db.session, booker, **data)

    @requires("citizen")
    @blp.arguments(schemas.ListArgs, location="query")
    @blp.response(200, schemas.BookingPage)
    def get(self, args):
        """My bookings, newest first"""
        cutoff = current_app.config["PICKUP_CANCEL_CUTOFF_MINUTES"]
        return service.my_bookings(db.session, current_principal().id, cutoff_minutes=cutoff, **args)


@blp.route("/phone-bookings")
class PhoneBookings(MethodView):
    @requires(DISPATCHER)
    @idempotent
    @blp.arguments(schemas.PhoneBookingIn)
    @blp.response(201, schemas.BookingOut)
    def post(self, data):
        """Book by phone (dispatcher): any registered vessel, the captain's phone confirming it is the owner calling"""
        return service.book(db.session, service.Booker(dispatcher_id=current_principal().id), **data)

    @requires(DISPATCHER, OCEAN_OFFICIAL)
    @blp.arguments(schemas.PhoneBookingArgs, location="query")
    @blp.response(200, schemas.PhoneBookingList)
    def get(self, args):
        """The day's bookings taken by phone (default today), with the dispatcher who took each call"""
        return {"items": oversight.phone_bookings(db.session, args["date"])}


@blp.route("/bookings/<int:booking_id>/cancel")
class CancelBooking(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.BookingOut)
    def post(self, booking_id):
        """Cancel my booking before the cut-off"""
        cutoff = current_app.config["PICKUP_CANCEL_CUTOFF_MINUTES"]
        return service.cancel(db.session, current_principal().id, booking_id, cutoff_minutes=cutoff)


@blp.route("/bookings/<int:booking_id>/missed")
class MissedCollection(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.MissedIn)
    @blp.response(201, schemas.MissedOut)
    def post(self, data, booking_id):
        """Report that the crew did not come (漏收), once the window has started"""
        return oversight.report_missed(db.session, current_principal().id, booking_id, **data)


@blp.route("/missed-reports")
class MissedReports(MethodView):
    @requires(OCEAN_OFFICIAL)
    @blp.arguments(schemas.MissedArgs, location="query")
    @blp.response(200, schemas.MissedList)
    def get(self, args):
        """Open 漏收 reports, oldest first, with their age (ocean officials)"""
        return {"items": oversight.open_missed_reports(db.session, port_id=args["port_id"])}


@blp.route("/missed-reports/<int:report_id>/close")
class CloseMissedReport(MethodView):
    @requires(OCEAN_OFFICIAL)
    @blp.arguments(schemas.CloseMissedIn)
    @blp.response(200, schemas.MissedOut)
    def post(self, data, report_id):
        """Close a 漏收 report with what was done"""
        return oversight.close_missed_report(db.session, current_principal().id, report_id, **data)


@blp.route("/tasks")
class Tasks(MethodView):
    @requires("collector")
    @blp.arguments(schemas.TaskArgs, location="query")
    @blp.response(200, schemas.TaskList)
    def get(self, args):
        """My port's bookings on a day, green vessels first in each window (captains' names and phones masked)"""
        principal = current_principal()
        return {"items": collection.tasks(db.session, principal.id, args["date"], actor=principal.actor, ip=request.remote_addr)}


@blp.route("/bookings/<int:booking_id>/complete")
class CompleteBooking(MethodView):
    @requires("collector")
    @blp.arguments(schemas.CompleteIn)
    @blp.response(200, schemas.BookingOut)
    def post(self, data, booking_id):
        """Record the weighed amounts, from the window's day on; issues the 联单 transfer manifest number"""
        return collection.complete(db.session, current_principal().id, booking_id, data["items"])


@blp.route("/bookings/<int:booking_id>/no-show")
class NoShow(MethodView):
    @requires("collector")
    @blp.response(200, schemas.BookingOut)
    def post(self, booking_id):
        """Mark that the vessel did not come in its window"""
        return collection.mark_no_show(db.session, current_principal().id, booking_id)


@blp.route("/vessels/<int:vessel_id>/port-reports")
class PortReports(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.PortReportIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data, vessel_id):
        """进出港 report for my vessel (earns credit)"""
        return vessels.report_port(db.session, current_principal().id, vessel_id, **data)


@blp.route("/vessels/<int:vessel_id>/safety-checks")
class SafetyChecks(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.SafetyCheckIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data, vessel_id):
        """Safety self-check of my vessel (earns credit; a red vessel needs one before booking)"""
        return vessels.record_safety_check(db.session, current_principal().id, vessel_id, **data)


@blp.route("/vessels/<int:vessel_id>/deductions")
class Deductions(MethodView):
    @requires(OCEAN_OFFICIAL)
    @blp.arguments(schemas.DeductionIn)
    @blp.response(201, schemas.VesselOut)
    def post(self, data, vessel_id):
        """An official records a deduction for a violation (always lowers the score)"""
        return vessels.deduct(db.session, current_principal().id, vessel_id, **data)


@blp.route("/vessels/<int:vessel_id>/credit")
class Credit(MethodView):
    @requires("citizen", OCEAN_OFFICIAL)
    @blp.response(200, schemas.CreditOut)
    def get(self, vessel_id):
        """A vessel's credit score, colour, the rule, why, and the entries and appeals behind it (owner or officials)"""
        principal = current_principal()
        return oversight.credit_view(db.session, vessel_id, citizen_id=principal.id if principal.kind == "citizen" else None)


@blp.route("/credit-rule")
class CreditRule(MethodView):
    @blp.response(200, schemas.CreditRuleOut)
    def get(self):
        """The credit rule in plain words, line by line"""
        return {"lines": list(credit.RULE)}


@blp.route("/credit-entries/<int:entry_id>/appeal")
class Appeal(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.AppealIn)
    @blp.response(201, schemas.AppealOut)
    def post(self, data, entry_id):
        """Appeal a deduction of my vessel, once, with a reason"""
        return oversight.appeal(db.session, current_principal().id, entry_id, **data)


@blp.route("/credit-entries/<int:entry_id>/decision")
class AppealDecision(MethodView):
    @requires(OCEAN_OFFICIAL)
    @blp.arguments(schemas.AppealDecisionIn)
    @blp.response(200, schemas.AppealOut)
    def post(self, data, entry_id):
        """Uphold or overturn an appeal with a reason; an overturned deduction stops counting"""
        return oversight.decide_appeal(db.session, current_principal().id, entry_id, **data)


@blp.route("/appeals")
class Appeals(MethodView):
    @requires(OCEAN_OFFICIAL)
    @blp.arguments(schemas.AppealArgs, location="query")
    @blp.response(200, schemas.AppealPage)
    def get(self, args):
        """Appeals awaiting a decision (oldest first), or all (newest first)"""
        return oversight.appeals(db.session, pending_only=args.pop("status") == "pending", **args)


@blp.route("/credit-partners")
class CreditPartners(MethodView):
    @requires("citizen", OCEAN_OFFICIAL)
    @blp.response(200, schemas.PartnerList)
    def get(self):
        """Partners (banks, insurers, markets) a captain may let read a vessel's credit"""
        return {"items": consent.credit_partners(db.session)}


@blp.route("/vessels/<int:vessel_id>/consents")
class Consents(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.ConsentIn)
    @blp.response(201, schemas.ConsentOut)
    def post(self, data, vessel_id):
        """Let a partner read my vessel's score and colour until a date (金融助渔)"""
        return consent.give_consent(db.session, current_principal().id, vessel_id, **data)

    @requires("citizen")
    @blp.response(200, schemas.ConsentList)
    def get(self, vessel_id):
        """My vessel's consents, active, expired and revoked"""
        return {"items": consent.consents(db.session, current_principal().id, vessel_id)}


@blp.route("/vessels/<int:vessel_id>/consents/<int:consent_id>/revoke")
class RevokeConsent(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.ConsentOut)
    def post(self, vessel_id, consent_id):
        """Revoke a consent at once"""
        return consent.revoke_consent(db.session, current_principal().id, vessel_id, consent_id)


@blp.route("/vessels/<int:vessel_id>/credit-reads")
class CreditReads(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.CreditReadList)
    def get(self, vessel_id):
        """Who read (or tried to read) my vessel's credit, newest first"""
        return {"items": consent.reads_of_my_vessel(db.session, current_principal().id, vessel_id)}


@partners_blp.route("/vessels/<vessel_no>/credit")
class PartnerCredit(MethodView):
    @requires_partner
    @partners_blp.response(200, schemas.PartnerCreditOut)
    def get(self, vessel_no):
        """A partner reads a vessel's score and colour, only while the captain's consent holds (every read audited)"""
        return consent.partner_read(db.session, current_partner(), vessel_no, ip=request.remote_addr)
