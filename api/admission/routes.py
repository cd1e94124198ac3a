"""HTTP routes of 入学一掌通: the 8 citizen functions and the officials' review."""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import select

from api.admission import lookup, schemas, service
from api.admission.models import Application, ApplicationStatus, Level
from api.admission.registries import Registries
from api.auth.guards import audit, current_principal, requires
from api.auth.models import Citizen
from api.common.db import local_now, unit_of_work
from api.common.idempotency import idempotent
from api.common.pagination import paginate
from api.extensions import db

blp = Blueprint("admission", __name__, url_prefix="/api/v1/admission", description="入学一掌通 School admission")


def _year() -> int:
    return current_app.config["ADMISSION_YEAR"] or service.admission_year(local_now().date())


def _me() -> Citizen:
    return db.session.get(Citizen, current_principal().id)


def _evaluate_args(data: dict) -> dict:
    child = data["child"]
    return {"guardian": _me(), "level": Level(data["level"]),
            "child": service.Child(child["name"], child["id_number"], child["birth_date"]),
            "property_no": data["property_no"], "school_id": data["school_id"], "year": _year(),
            "pii_key": current_app.config["PII_HASH_KEY"]}


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
        """学区查询: the primary and junior-high catchment schools of a point or an address"""
        return lookup.district(db.session, **args)


@blp.route("/schools")
class Schools(MethodView):
    @blp.arguments(schemas.SchoolArgs, location="query")
    @blp.response(200, schemas.SchoolPage)
    def get(self, args):
        """地图找学校: schools by level and name, or nearest first around a point"""
        near = tuple(float(x) for x in args["near"].split(",")) if args["near"] else None
        return lookup.schools(db.session, level=args["level"], near=near, radius_m=args["radius_m"], q=args["q"],
                              limit=args["limit"], cursor=args["cursor"])


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
        """学位查询: planned, applied, admitted and remaining seats of a school"""
        lookup.school(db.session, school_id)
        return service.seats(db.session, school_id, args["year"] or _year())


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
        """资格自检: would this child be eligible, in which category, for which school (creates nothing)"""
        result = service.evaluate(db.session, Registries.from_database(db.session), **_evaluate_args(data))
        return result.__dict__ | {"year": _year()}


@blp.route("/applications")
class Applications(MethodView):
    @requires("citizen")
    @idempotent
    @blp.arguments(schemas.ApplicationIn)
    @blp.response(201, schemas.ApplicationOut)
    def post(self, data):
        """报名入口: apply for a school place (one active application per child, level and year)"""
        return service.apply(db.session, Registries.from_database(db.session), **_evaluate_args(data))

    @requires("citizen")
    @blp.arguments(schemas.PageArgs, location="query")
    @blp.response(200, schemas.ApplicationPage)
    def get(self, args):
        """进度查询: my applications, newest first"""
        stmt = select(Application).where(Application.citizen_id == current_principal().id)
        return paginate(db.session, stmt, Application.id, **args)


@blp.route("/applications/<int:application_id>")
class ApplicationView(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.ApplicationOut)
    def get(self, application_id):
        """One of my applications with its status history"""
        return service.mine(db.session, current_principal().id, application_id)


@blp.route("/applications/<int:application_id>/withdraw")
class Withdraw(MethodView):
    @requires("citizen")
    @blp.response(200, schemas.ApplicationOut)
    def post(self, application_id):
        """Withdraw my application while it is not decided"""
        return service.withdraw(db.session, current_principal().id, application_id)


@blp.route("/review")
class Review(MethodView):
    @requires("official")
    @blp.arguments(schemas.ReviewArgs, location="query")
    @blp.response(200, schemas.ReviewPage)
    def get(self, args):
        """Officials: applications to review (children's names masked)"""
        stmt = select(Application)
        if args["status"]:
            stmt = stmt.where(Application.status == ApplicationStatus(args["status"]))
        if args["school_id"]:
            stmt = stmt.where(Application.school_id == args["school_id"])
        page = paginate(db.session, stmt, Application.id, limit=args["limit"], cursor=args["cursor"])
        with unit_of_work(db.session):
            audit("admission.review.list", detail=f"status={args['status']} school={args['school_id']}")
        return page


@blp.route("/applications/<int:application_id>/review")
class StartReview(MethodView):
    @requires("official")
    @blp.response(200, schemas.ReviewOut)
    def post(self, application_id):
        """Officials: take a submitted application into review (the guardian sees 审核中; it can still be withdrawn)"""
        with unit_of_work(db.session):  # the change and its audit entry: one transaction
            application = service.start_review(db.session, application_id, actor=current_principal().actor)
            audit("admission.review.start", subject=f"application:{application_id}")
        return application


@blp.route("/applications/<int:application_id>/decision")
class Decision(MethodView):
    @requires("official")
    @blp.arguments(schemas.DecisionIn)
    @blp.response(200, schemas.ReviewOut)
    def post(self, data, application_id):
        """Officials: admit (within the planned seats) or reject; the guardian gets an SMS"""
        with unit_of_work(db.session):  # the decision and its audit entry: one transaction
            application = service.decide(db.session, application_id, actor=current_principal().actor, **data)
            audit("admission.decision", subject=f"application:{application_id}", detail=data["decision"])
        return application
