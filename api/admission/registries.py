"""Adapters to other departments' data (公安, 房产, 社保, 积分, 学籍); one per registry.

They read the imported registry tables today; a real data-exchange gateway replaces one
class without touching the eligibility rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from api.admission.models import (
    CityPointsRecord,
    GuardianRecord,
    HouseholdRecord,
    Level,
    PropertyRecord,
    SeatOccupancy,
    SocialInsuranceRecord,
    StudentRecord,
)


@dataclass(frozen=True)
class HouseholdRegistry:
    session: Session

    def household_of(self, person_hash: str) -> HouseholdRecord | None:
        return self.session.scalar(select(HouseholdRecord).where(HouseholdRecord.person_hash == person_hash))

    def is_guardian(self, guardian_hash: str, child_hash: str) -> bool:
        """Whether the registry records this person as the child's guardian (监护人)."""
        return (
            self.session.scalar(
                select(GuardianRecord.id).where(GuardianRecord.guardian_hash == guardian_hash, GuardianRecord.child_hash == child_hash)
            )
            is not None
        )

    def guardianship(self, guardian_hash: str, child_hash: str) -> tuple[bool, HouseholdRecord | None]:
        """Whether the person is the child's guardian, and the child's 户籍, in one query (the application's first
        two questions to 公安: one round trip instead of two)."""
        row = self.session.execute(
            select(GuardianRecord.id, HouseholdRecord)
            .select_from(GuardianRecord)
            .outerjoin(HouseholdRecord, HouseholdRecord.person_hash == GuardianRecord.child_hash)
            .where(GuardianRecord.guardian_hash == guardian_hash, GuardianRecord.child_hash == child_hash)
            .limit(1)
        ).first()
        return (False, None) if row is None else (True, row[1])

    def wards_of(self, guardian_hash: str):
        """The children a person is a guardian of, as a subquery of child hashes."""
        return select(GuardianRecord.child_hash).where(GuardianRecord.guardian_hash == guardian_hash)


@dataclass(frozen=True)
class PropertyRegistry:
    session: Session

    def property(self, property_no: str) -> PropertyRecord | None:
        """The property with its address (one query: the eligibility rule reads the address's coordinates)."""
        return self.session.scalar(
            select(PropertyRecord).where(PropertyRecord.property_no == property_no).options(joinedload(PropertyRecord.address))
        )

    def property_and_seat_lock(self, property_no: str, level: Level, year: int) -> tuple[PropertyRecord | None, SeatOccupancy | None]:
        """The property with its address, and its seat lock for ``level`` in ``year`` if any (``seat_lock``), in one query."""
        row = self.session.execute(
            select(PropertyRecord, SeatOccupancy)
            .outerjoin(SeatOccupancy, and_(SeatOccupancy.property_no == PropertyRecord.property_no, *_locking(level, year)))
            .where(PropertyRecord.property_no == property_no)
            .options(joinedload(PropertyRecord.address))
            .limit(1)
        ).first()
        return (None, None) if row is None else (row[0], row[1])

    def seat_uses(self, property_no: str) -> list[SeatOccupancy]:
        return list(
            self.session.scalars(select(SeatOccupancy).where(SeatOccupancy.property_no == property_no).order_by(SeatOccupancy.year.desc()))
        )

    def seat_lock(self, property_no: str, level: Level, year: int) -> SeatOccupancy | None:
        return self.session.scalar(select(SeatOccupancy).where(SeatOccupancy.property_no == property_no, *_locking(level, year)).limit(1))


def _locking(level: Level, year: int) -> tuple:
    """A seat use that still locks the property's seat of ``level`` in ``year``."""
    return (SeatOccupancy.level == level, SeatOccupancy.locked_until_year >= year, SeatOccupancy.year < year + 1)


@dataclass(frozen=True)
class SocialInsuranceRegistry:
    session: Session

    def months(self, person_hash: str) -> int:
        return self.session.scalar(select(SocialInsuranceRecord.months).where(SocialInsuranceRecord.person_hash == person_hash)) or 0


@dataclass(frozen=True)
class CityPointsRegistry:
    session: Session

    def points(self, person_hash: str) -> CityPointsRecord | None:
        return self.session.scalar(select(CityPointsRecord).where(CityPointsRecord.person_hash == person_hash))


@dataclass(frozen=True)
class StudentRegistry:
    session: Session

    def primary_record(self, person_hash: str) -> StudentRecord | None:
        return self.session.scalar(
            select(StudentRecord).where(StudentRecord.person_hash == person_hash, StudentRecord.level == Level.PRIMARY)
        )


@dataclass(frozen=True)
class Registries:
    household: HouseholdRegistry
    property: PropertyRegistry
    social_insurance: SocialInsuranceRegistry
    city_points: CityPointsRegistry
    student: StudentRegistry

    @classmethod
    def from_database(cls, session: Session) -> Registries:
        return cls(
            HouseholdRegistry(session),
            PropertyRegistry(session),
            SocialInsuranceRegistry(session),
            CityPointsRegistry(session),
            StudentRegistry(session),
        )
