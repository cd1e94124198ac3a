"""Tables of 入学一掌通: schools and catchments, the gazetteer, policies, seat plans, registries, applications."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.common.db import Base, UTCDateTime, str_enum, utcnow


class Level(enum.StrEnum):
    PRIMARY = "primary"
    JUNIOR = "junior"


class School(Base):
    __tablename__ = "adm_schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    level: Mapped[Level] = mapped_column(str_enum(Level))
    ownership: Mapped[str] = mapped_column(String(10), default="public")  # public | private
    address: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()
    # The catchment (学区) as a GeoJSON Polygon/MultiPolygon; null for schools without one (private).
    catchment: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    catchment_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Address(Base):
    """The gazetteer: residential communities and buildings with coordinates."""

    __tablename__ = "adm_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    community: Mapped[str] = mapped_column(String(50))
    street: Mapped[str] = mapped_column(String(50), default="")
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()


class Policy(Base):
    __tablename__ = "adm_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    level: Mapped[str] = mapped_column(String(10))  # primary | junior | all
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_on: Mapped[date] = mapped_column(Date)


class SeatPlan(Base):
    """Planned seats of a school in an admission year; locked while an admission is decided."""

    __tablename__ = "adm_seat_plans"
    __table_args__ = (UniqueConstraint("school_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("adm_schools.id"))
    year: Mapped[int] = mapped_column()
    planned: Mapped[int] = mapped_column()


# ---- registries of other departments (imported by officials; read through api.admission.registries) ----


class HouseholdRecord(Base):
    """公安: a person's 户籍 (household registration) and the property it is registered at."""

    __tablename__ = "reg_household"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    property_no: Mapped[str | None] = mapped_column(String(30))
    address_id: Mapped[int | None] = mapped_column(ForeignKey("adm_addresses.id"))


class GuardianRecord(Base):
    """公安: a child's guardian (监护人), both by keyed hash of their ID numbers; a child may have two."""

    __tablename__ = "reg_guardians"
    __table_args__ = (UniqueConstraint("child_hash", "guardian_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_hash: Mapped[str] = mapped_column(String(64))
    guardian_hash: Mapped[str] = mapped_column(String(64), index=True)
    relation: Mapped[str] = mapped_column(String(10), default="")  # 父亲 / 母亲 / 其他监护人


class PropertyRecord(Base):
    """房产: property ownership."""

    __tablename__ = "reg_property"

    id: Mapped[int] = mapped_column(primary_key=True)
    property_no: Mapped[str] = mapped_column(String(30), unique=True)
    owner_hash: Mapped[str] = mapped_column(String(64), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("adm_addresses.id"))
    registered_on: Mapped[date] = mapped_column(Date)
    address: Mapped[Address] = relationship()


class SeatOccupancy(Base):
    """A property's school seat used by an admission, locked for 6 (primary) or 3 (junior) years."""

    __tablename__ = "reg_seat_occupancy"
    __table_args__ = (Index("ix_reg_seat_occupancy_property_level", "property_no", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    property_no: Mapped[str] = mapped_column(String(30))
    level: Mapped[Level] = mapped_column(str_enum(Level))
    school_name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column()
    locked_until_year: Mapped[int] = mapped_column()
    application_id: Mapped[int | None] = mapped_column(ForeignKey("adm_applications.id"))


class SocialInsuranceRecord(Base):
    """社保: months of social insurance paid in the district."""

    __tablename__ = "reg_social_insurance"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), unique=True)
    months: Mapped[int] = mapped_column()


class CityPointsRecord(Base):
    """积分: 新居民 city points and their breakdown."""

    __tablename__ = "reg_city_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), unique=True)
    total: Mapped[int] = mapped_column()
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)


class StudentRecord(Base):
    """学籍: a pupil's school record."""

    __tablename__ = "reg_student"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[Level] = mapped_column(str_enum(Level))
    school_name: Mapped[str] = mapped_column(String(100))
    graduation_year: Mapped[int] = mapped_column()


# ---- applications ----


class ApplicationStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    REVIEWING = "reviewing"
    OFFERED = "offered"  # a place from an allocation run, waiting for the guardian's 确认
    WAITLISTED = "waitlisted"
    NOT_OFFERED = "not_offered"
    ADMITTED = "admitted"
    DECLINED = "declined"
    LAPSED = "lapsed"  # the offer's deadline passed without an answer
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# Waiting for an allocation run (a run places these; waitlisted and not-offered ones are ranked again).
OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWING)
WAITING_STATUSES = (*OPEN_STATUSES, ApplicationStatus.WAITLISTED, ApplicationStatus.NOT_OFFERED)
# Holding one of the school's planned seats.
HOLDING_STATUSES = (ApplicationStatus.OFFERED, ApplicationStatus.ADMITTED)


class AllocationResult(enum.StrEnum):
    OFFERED = "offered"
    WAITLISTED = "waitlisted"
    NOT_OFFERED = "not_offered"


class Application(Base):
    __tablename__ = "adm_applications"
    __table_args__ = (
        Index("ix_adm_applications_school_year_status", "school_id", "year", "status"),
        Index("ix_adm_applications_status_offer_expires_at", "status", "offer_expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    child_hash: Mapped[str] = mapped_column(String(64), index=True)
    child_name: Mapped[str] = mapped_column(String(50))
    child_id_masked: Mapped[str] = mapped_column(String(18))
    child_birth_date: Mapped[date] = mapped_column(Date)
    level: Mapped[Level] = mapped_column(str_enum(Level))
    year: Mapped[int] = mapped_column()
    school_id: Mapped[int] = mapped_column(ForeignKey("adm_schools.id"))
    property_no: Mapped[str | None] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(1))
    points: Mapped[int | None] = mapped_column()
    status: Mapped[ApplicationStatus] = mapped_column(str_enum(ApplicationStatus))
    # "child:level:year" while the application is active, null after it closes: one active per child.
    active_key: Mapped[str | None] = mapped_column(String(90), unique=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(200))
    # The last allocation run's result for this application (SPEC §12.2).
    result: Mapped[AllocationResult | None] = mapped_column(str_enum(AllocationResult))
    result_reason: Mapped[str | None] = mapped_column(String(200))
    waitlist_position: Mapped[int | None] = mapped_column()
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    allocation_run_id: Mapped[int | None] = mapped_column(ForeignKey("adm_allocation_runs.id"))
    school: Mapped[School] = relationship()
    history: Mapped[list[ApplicationEvent]] = relationship(order_by="ApplicationEvent.id", back_populates="application")
    review: Mapped[Review | None] = relationship(back_populates="application", lazy="selectin")


class ApplicationEvent(Base):
    __tablename__ = "adm_application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("adm_applications.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(str_enum(ApplicationStatus))
    # What happened (submitted, offered, review_requested, ...); the status may stay the same.
    step: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(String(200))  # the reason, shown to the guardian
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    application: Mapped[Application] = relationship(back_populates="history")


class Review(Base):
    """复核: a guardian's request to re-examine a result (once per application) and an official's answer."""

    __tablename__ = "adm_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("adm_applications.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(500))
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(10))  # upheld | corrected
    answer: Mapped[str | None] = mapped_column(String(500))
    answered_by: Mapped[str | None] = mapped_column(String(80))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    application: Mapped[Application] = relationship(back_populates="review")


# ---- allocation runs (派位) ----


class AllocationRun(Base):
    """One allocation of a year's and level's places with a published seed: its inputs, seed and result."""

    __tablename__ = "adm_allocation_runs"
    __table_args__ = (Index("ix_adm_allocation_runs_year_level", "year", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    level: Mapped[Level] = mapped_column(str_enum(Level))
    seed: Mapped[str] = mapped_column(String(64))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    rules: Mapped[str] = mapped_column(String(20))  # the version of the ranking rules applied
    waitlist_percent: Mapped[int] = mapped_column()
    actor: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    totals: Mapped[dict] = mapped_column(JSON, default=dict)
    # Per school: planned and already held seats (inputs), applicants by category, offers, cut-off, waitlist (result).
    schools: Mapped[list] = mapped_column(JSON, default=list)


class AllocationEntry(Base):
    """One application's line in a run: what went in (category, points) and what came out."""

    __tablename__ = "adm_allocation_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("adm_allocation_runs.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("adm_applications.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("adm_schools.id"))
    category: Mapped[str] = mapped_column(String(1))
    points: Mapped[int | None] = mapped_column()
    lottery: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column()
    outcome: Mapped[AllocationResult] = mapped_column(str_enum(AllocationResult))
    waitlist_position: Mapped[int | None] = mapped_column()
    reason: Mapped[str] = mapped_column(String(200))
    application: Mapped[Application] = relationship(lazy="selectin")
