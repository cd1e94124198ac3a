"""HTTP routes of 入学一掌通: the 8 citizen functions and the officials' review."""

from __future__ import annotations

from flask import current_app, redirect, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from api.admission import lookup, offers, reviews, runs, schemas, service
from api.admission.calendar import admission_year
from api.admission.models import Level
from api.admission.registries import Registries
from api.auth.guards import audit, current_principal, requires
from api.auth.roles import EDU_OFFICIAL
from api.common.db import unit_of_work
from api.common.idempotency import idempotent
from api.extensions import db

blp = Blueprint("admission", __name__, url_prefix="/api/v1/admission", description="入学一掌通 School admission")


def _year() -> int:
    return admission_year(configured=current_app.config["ADMISSION_YEAR"])


def _offer_days() -> int:
    return current_app.config["ADMISSION_OFFER_DAYS"]


def _me():
    return service.citizen(db.session, current_principal().id)


def _evaluate_args(data: dict) -> dict:
    child = data["child"]
    return {
        "guardian": _me(),
        "level": Level(data["level"]),
        "child": service.Child(child["name"], child["id_number"], child["birth_date"]),
        "property_no": data["property_no"],
        "school_id": data["school_id"],
        "year": _year(),
        "pii_key": current_app.config["PII_HASH_KEY"],
    }


@blp.route("/policies")
class Policies(MethodView):
    @blp.arguments(schemas.PolicyArgs, location="query")
    @blp.response(200, schemas.PolicyList)
    def get(self, args):
        """政策查询: admission policies by year, level and keyword"""
        return {"items": lookup.policies(db.session, **args)}


@blp.route("/policies/<int:policy_id>")
class PolicyView(MethodView):
    @blp.response(200, schemas.PolicyOut)
    def get(self, policy_id):
        """One policy"""
        return lookup.policy(db.session, policy_id)


@blp.route("/addresses")
class Addresses(MethodView):
    @blp.arguments(schemas.AddressArgs, location="query")
    @blp.response(200, schemas.AddressList)
    def get(self, args):
        """Address suggestions (communities, buildings) with coordinates"""
        return {"items": lookup.addresses(db.session, args["q"])}


@blp.route("/district")
class District(MethodView):
    @blp.arguments(schemas.DistrictArgs, location="query")
    @blp.response(200, schemas.DistrictOut)
    def get(self, args):
        """学区查询: the primary and junior-high catchment schools of a point"""
        return lookup.district(db.session, **args)


@blp.before_request
def _district_of_an_address():
    """SPEC §11's ``GET /admission/district?address_id=`` answers from the address's own operation (307 there)."""
    address_id = request.args.get("address_id", "")
    by_address = address_id.isascii() and address_id.isdigit() and len(address_id) < 19
    if request.endpoint == "admission.District" and by_address and not {"lat", "lon"} & request.args.keys():
        return redirect(url_for("admission.AddressDistrict", address_id=int(address_id)), 307)
    return None


@blp.route("/addresses/<int:address_id>/district")
class AddressDistrict(MethodView):
    @blp.response(200, schemas.DistrictOut)
    def get(self, address_id):
        """学区查询: the primary and junior-high catchment schools of an address (GET /admission/addresses)"""
        return lookup.address_district(db.session, address_id)


@blp.route("/schools")
class Schools(MethodView):
    @blp.arguments(schemas.SchoolArgs, location="query")
    @blp.response(200, schemas.SchoolPage)
    def get(self, args):
        """地图找学校: schools by level and name, or nearest first around a point"""
        near = tuple(float(x) for x in args["near"].split(",")) if args["near"] else None
        return lookup.schools(
            db.session, level=args["level"], near=near, radius_m=args["radius_m"], q=args["q"], limit=args["limit"], cursor=args["cursor"]
        )


@blp.route("/schools/<int:school_id>")
class SchoolView(MethodView):
    @blp.response(200, schemas.SchoolDetail)
    def get(self, school_id):
        """One school with its catchment as GeoJSON"""
        return lookup.school(db.session, school_id)


@blp.route("/schools/<int:school_id>/seats")
class Seats(MethodView):
    @blp.arguments(schemas.SeatArgs, location="query")
    @blp.response(200, schemas.SeatsOut)
    def get(self, args, school_id):
        """学位查询: planned, applied, offered, admitted, waitlisted and remaining seats of a school"""
        lookup.school(db.session, school_id)
        return service.seats(db.session, school_id, args["year"] or _year())

    @requires(EDU_OFFICIAL)
    @blp.arguments(schemas.SeatPlanIn)
    @blp.response(200, schemas.SeatPlanOut)
    def put(self, data, school_id):
        """Education officials: set a school's planned seats (计划学位) for a year (audited)"""
        with unit_of_work(db.session):  # the change and its audit entry: one transaction
            plan = service.set_seat_plan(db.session, school_id, **data)
            audit("admission.seat_plan", subject=f"school:{school_id}", detail=f"year={data['year']} {plan['previous']}->{data['planned']}")
        return plan


@blp.route("/property-seats")
class PropertySeats(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.PropertySeatArgs, location="query")
    @blp.response(200, schemas.PropertySeatsOut)
    def get(self, args):
        """Which school used my property's seat, in which year, locked until when"""
        return lookup.property_seats(Registries.from_database(db.session), _me(), args["property_no"])


@blp.route("/points/me")
class MyPoints(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.PointsOut)
    def get(self):
        """积分查询: my city points (新居民积分) and their breakdown"""
        return lookup.my_points(Registries.from_database(db.session), _me())


@blp.route("/eligibility")
class EligibilityCheck(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.ApplicationIn)
    @blp.response(200, schemas.EligibilityOut)
    def post(self, data):
        """资格自检: would a child I guard be eligible, in which category, for which school (creates nothing)"""
        result = service.evaluate(db.session, Registries.from_database(db.session), **_evaluate_args(data))
        return result.__dict__ | {"year": _year()}


@blp.route("/applications")
class Applications(MethodView):
    @requires("citizen")
    @idempotent
    @blp.arguments(schemas.ApplicationIn)
    @blp.response(201, schemas.ApplicationOut)
    def post(self, data):
        """报名入口: apply for a child I guard (one active application per child, level and year)"""
        return service.apply(db.session, Registries.from_database(db.session), **_evaluate_args(data))

    @requires("citizen")
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.ApplicationPage)
    def get(self, args):
        """进度查询: the applications of the children I guard, newest first (both guardians see them)"""
        return service.my_applications(db.session, current_principal().id, **args)


@blp.route("/applications/<int:application_id>")
class ApplicationView(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.ApplicationOut)
    def get(self, application_id):
        """One application of a child I guard, with its history and what I may do now"""
        return service.guarded(db.session, current_principal().id, application_id, for_answer=True)


@blp.route("/applications/<int:application_id>/withdraw")
class Withdraw(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.ApplicationOut)
    def post(self, application_id):
        """Withdraw while no place is offered or taken (``can_withdraw``)"""
        return service.withdraw(db.session, current_principal().id, application_id)


@blp.route("/applications/<int:application_id>/accept")
class Accept(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.ApplicationOut)
    def post(self, application_id):
        """确认学位: accept the offered place before its deadline; the child is admitted"""
        return offers.accept(db.session, current_principal().id, application_id)


@blp.route("/applications/<int:application_id>/decline")
class Decline(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.ApplicationOut)
    def post(self, application_id):
        """放弃学位: decline the offered place; it goes to the next child on the waitlist at once"""
        return offers.decline(db.session, current_principal().id, application_id, offer_days=_offer_days())


@blp.route("/applications/<int:application_id>/reviews")
class ReviewRequest(MethodView):
    @requires("citizen")
    @blp.arguments(schemas.ReviewIn)
    @blp.response(201, schemas.ApplicationOut)
    def post(self, data, application_id):
        """申请复核: ask once per application for a review of its result, with a reason"""
        return reviews.request_review(db.session, current_principal().id, application_id, reason=data["reason"])


@blp.route("/reviews")
class ReviewQueue(MethodView):
    @requires(EDU_OFFICIAL)
    @blp.arguments(schemas.ReviewQueueArgs, location="query")
    @blp.response(200, schemas.ReviewQueuePage)
    def get(self, args):
        """Education officials: review requests, oldest first (open ones unless ``open=false``)"""
        with unit_of_work(db.session):
            page = reviews.reviews(db.session, open_only=args["open"], limit=args["limit"], cursor=args["cursor"])
            audit("admission.reviews.list", detail=f"open={args['open']}")
        return page


@blp.route("/reviews/<int:review_id>/answer")
class ReviewAnswer(MethodView):
    @requires(EDU_OFFICIAL)
    @blp.arguments(schemas.ReviewAnswerIn)
    @blp.response(200, schemas.ReviewQueueItem)
    def post(self, data, review_id):
        """Education officials: answer a review with a reason; it reaches the guardian (history and SMS)"""
        with unit_of_work(db.session):
            review = reviews.answer_review(db.session, review_id, actor=current_principal().actor, **data)
            audit("admission.review.answer", subject=f"application:{review.application_id}", detail=data["outcome"])
        return review


@blp.route("/allocation-runs")
class AllocationRuns(MethodView):
    @requires(EDU_OFFICIAL)
    @blp.arguments(schemas.AllocationRunIn)
    @blp.response(201, schemas.AllocationRunOut)
    def post(self, data):
        """Education officials: allocate a year's and level's places by the published rules with a published seed (派位)"""
        with unit_of_work(db.session):
            run = runs.run_allocation(
                db.session,
                year=data["year"],
                level=Level(data["level"]),
                seed=data["seed"],
                dry_run=data["dry_run"],
                actor=current_principal().actor,
                waitlist_percent=current_app.config["ADMISSION_WAITLIST_PERCENT"],
                offer_days=_offer_days(),
            )
            audit("admission.allocation", subject=f"allocation-run:{run.id}", detail=f"{run.year} {run.level} dry_run={run.dry_run}")
        return run

    @blp.arguments(schemas.AllocationRunArgs, location="query")
    @blp.response(200, schemas.AllocationRunPage)
    def get(self, args):
        """Allocation runs, newest first (public: no personal data)"""
        return runs.list_runs(db.session, **args)


@blp.route("/allocation-runs/<int:run_id>")
class AllocationRunView(MethodView):
    @blp.response(200, schemas.AllocationRunOut)
    def get(self, run_id):
        """One allocation run: year, level, seed, rules and totals (public)"""
        return runs.get_run(db.session, run_id)


@blp.route("/allocation-runs/<int:run_id>/report")
class AllocationReport(MethodView):
    @blp.response(200, schemas.AllocationReportOut)
    def get(self, run_id):
        """The run's report per school: seats, applicants by category, offers, cut-off, waitlist (public)"""
        run = runs.get_run(db.session, run_id)
        return {"run": run, "schools": run.schools}


@blp.route("/allocation-runs/<int:run_id>/entries")
class AllocationEntries(MethodView):
    @requires(EDU_OFFICIAL)
    @blp.arguments(schemas.AllocationEntryArgs, location="query")
    @blp.response(200, schemas.AllocationEntryPage)
    def get(self, args, run_id):
        """Education officials: each application's lottery number, rank and outcome in the run (names masked; audited)"""
        with unit_of_work(db.session):
            page = runs.run_entries(db.session, run_id, **args)
            audit("admission.allocation.entries", subject=f"allocation-run:{run_id}", detail=f"school={args['school_id']}")
        return page


@blp.route("/review")
class Review(MethodView):
    @requires(EDU_OFFICIAL)
    @blp.arguments(schemas.ReviewArgs, location="query")
    @blp.response(200, schemas.ReviewPage)
    def get(self, args):
        """Education officials: applications by status and school (children's names masked)"""
        with unit_of_work(db.session):
            page = service.review_list(db.session, **args)
            audit("admission.review.list", detail=f"status={args['status']} school={args['school_id']}")
        return page


@blp.route("/applications/<int:application_id>/review")
class StartReview(MethodView):
    @requires(EDU_OFFICIAL)
    @blp.response(200, schemas.ReviewOut)
    def post(self, application_id):
        """Education officials: take a submitted application into 资格审核 (the guardian sees 审核中; it can still be withdrawn)"""
        with unit_of_work(db.session):  # the change and its audit entry: one transaction
            application = service.start_review(db.session, application_id, actor=current_principal().actor)
            audit("admission.review.start", subject=f"application:{application_id}")
        return application


@blp.route("/applications/<int:application_id>/decision")
class Decision(MethodView):
    @requires(EDU_OFFICIAL)
    @blp.arguments(schemas.DecisionIn)
    @blp.response(200, schemas.ReviewOut)
    def post(self, data, application_id):
        """Education officials: a manual decision for an exception, with its reason (admitting stays within the plan)"""
        with unit_of_work(db.session):  # the decision and its audit entry: one transaction
            application = service.decide(db.session, application_id, actor=current_principal().actor, offer_days=_offer_days(), **data)
            audit("admission.decision", subject=f"application:{application_id}", detail=f"{data['decision']}: {data['note']}")
        return application
