"""Tables of 入学一掌通: schools and catchments, the gazetteer, policies, seat plans, registries, applications."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.common.db import UTCDateTime, str_enum, utcnow
from api.extensions import db


class Level(enum.StrEnum):
    PRIMARY = "primary"
    JUNIOR = "junior"


class School(db.Model):
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


class Address(db.Model):
    """The gazetteer: residential communities and buildings with coordinates."""

    __tablename__ = "adm_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    community: Mapped[str] = mapped_column(String(50))
    street: Mapped[str] = mapped_column(String(50), default="")
    lat: Mapped[float] = mapped_column()
    lon: Mapped[float] = mapped_column()


class Policy(db.Model):
    __tablename__ = "adm_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    level: Mapped[str] = mapped_column(String(10))  # primary | junior | all
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_on: Mapped[date] = mapped_column(Date)


class SeatPlan(db.Model):
    """Planned seats of a school in an admission year; locked while an admission is decided."""

    __tablename__ = "adm_seat_plans"
    __table_args__ = (UniqueConstraint("school_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("adm_schools.id"))
    year: Mapped[int] = mapped_column()
    planned: Mapped[int] = mapped_column()


# ---- registries of other departments (imported by officials; read through api.admission.registries) ----

class HouseholdRecord(db.Model):
    """公安: a person's 户籍 (household registration) and the property it is registered at."""

    __tablename__ = "reg_household"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), unique=True)
    region_code: Mapped[str] = mapped_column(String(6))
    property_no: Mapped[str | None] = mapped_column(String(30))
    address_id: Mapped[int | None] = mapped_column(ForeignKey("adm_addresses.id"))


class PropertyRecord(db.Model):
    """房产: property ownership."""

    __tablename__ = "reg_property"

    id: Mapped[int] = mapped_column(primary_key=True)
    property_no: Mapped[str] = mapped_column(String(30), unique=True)
    owner_hash: Mapped[str] = mapped_column(String(64), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("adm_addresses.id"))
    registered_on: Mapped[date] = mapped_column(Date)
    address: Mapped[Address] = relationship()


class SeatOccupancy(db.Model):
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


class SocialInsuranceRecord(db.Model):
    """社保: months of social insurance paid in the district."""

    __tablename__ = "reg_social_insurance"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), unique=True)
    months: Mapped[int] = mapped_column()


class CityPointsRecord(db.Model):
    """积分: 新居民 city points and their breakdown."""

    __tablename__ = "reg_city_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_hash: Mapped[str] = mapped_column(String(64), unique=True)
    total: Mapped[int] = mapped_column()
    breakdown: Mapped[dict] = mapped_column(JSON, default=dict)


class StudentRecord(db.Model):
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
    ADMITTED = "admitted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.REVIEWING)


class Application(db.Model):
    __tablename__ = "adm_applications"
    __table_args__ = (Index("ix_adm_applications_school_year_status", "school_id", "year", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    child_hash: Mapped[str] = mapped_column(String(64))
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
    school: Mapped[School] = relationship()
    history: Mapped[list[ApplicationEvent]] = relationship(order_by="ApplicationEvent.id")


class ApplicationEvent(db.Model):
    __tablename__ = "adm_application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("adm_applications.id"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(str_enum(ApplicationStatus))
    note: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
