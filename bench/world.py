"""Rows the load benchmarks need beyond the demo seed, written straight into the benchmark's database.

Many citizens (so concurrent writes measure the path, not one account's row lock), each with coins, a vessel
in the fishery registry, and families for the admission benches: a parent who owns a property inside a primary
catchment and is the registered guardian (公安 registry) of the child they apply for. Tokens are signed with the
server's own secret, as the 浙里办 exchange would sign them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from api.admission import models as admission_models
from api.admission.calendar import admission_year
from api.admission.geo import catchment_school_id
from api.admission.models import Address, Level, PropertyRecord, SocialInsuranceRecord
from api.auth.models import Citizen
from api.auth.tokens import Principal, issue_token
from api.common.db import local_now, utcnow
from api.common.pii import hash_id_number, mask_id_number
from api.greencoins import models as greencoins_models
from api.greencoins.models import Account, EntryKind, LedgerEntry, RewardStock
from api.greencoins.service import issue_citizen_code
from api.pickup import models as pickup_models
from api.pickup.models import CollectionBoat, Port, Vessel
from api.seed.residents import make_id_number

COINS = 10_000_000
STOCK = 10_000_000
TOKEN_TTL = 3 * 3600
PARENT_REGION, CHILD_REGION = "331002", "331003"


@dataclass
class Person:
    id: int
    id_number: str
    token: str

    @property
    def auth(self) -> str:
        return f"Bearer {self.token}"


@dataclass
class Family:
    parent: Person
    child_name: str
    child_id_number: str
    child_birth_date: date
    property_no: str | None
    school_id: int | None  # category C names its school; A/B are placed by the property's catchment

    def application(self) -> dict:
        return {
            "level": "primary",
            "property_no": self.property_no,
            "school_id": self.school_id,
            "child": {"name": self.child_name, "id_number": self.child_id_number},
        }


@dataclass
class World:
    year: int
    citizens: list[Person] = field(default_factory=list)
    vessels: dict[int, int] = field(default_factory=dict)  # citizen id -> vessel id
    families: list[Family] = field(default_factory=list)


def year_of(config: dict) -> int:
    return admission_year(local_now().date(), configured=config["ADMISSION_YEAR"])


def _person_number(i: int, region: str, first: date) -> str:
    return make_id_number(region, first + timedelta(days=i // 1000), i % 1000)


def add_citizens(session: Session, config: dict, count: int, *, start: int = 0) -> list[Person]:
    """``count`` citizens with a signed-in token each and ``COINS`` coins (an adjustment in their ledger)."""
    key, secret = config["PII_HASH_KEY"], config["SECRET_KEY"]
    numbers = [_person_number(start + i, PARENT_REGION, date(1980, 1, 1)) for i in range(count)]
    rows = [
        {
            "id_number_hash": hash_id_number(n, key),
            "id_number_masked": mask_id_number(n),
            "name": f"压测{start + i}",
            "phone": f"139{start + i:08d}",
            "community": ("白云街道", "海门街道", "葭沚街道")[i % 3],
        }
        for i, n in enumerate(numbers)
    ]
    ids = list(session.scalars(insert(Citizen).returning(Citizen.id, sort_by_parameter_order=True), rows))
    session.execute(
        insert(Account), [{"citizen_id": c, "balance": COINS, "earned_total": 0, "spent_total": 0, "co2e_g_total": Decimal(0)} for c in ids]
    )
    session.execute(
        insert(LedgerEntry),
        [{"citizen_id": c, "kind": EntryKind.ADJUST, "amount": COINS, "balance_after": COINS, "note": "压测 bench"} for c in ids],
    )
    return [
        Person(c, n, issue_token(Principal("citizen", c, ("citizen",), f"压测{start + i}"), secret, TOKEN_TTL))
        for i, (c, n) in enumerate(zip(ids, numbers, strict=True))
    ]


def add_vessels(session: Session, config: dict, people: list[Person]) -> dict[int, int]:
    """One vessel per citizen, registered to them in the fishery registry when that registry exists."""
    key = config["PII_HASH_KEY"]
    numbers = {p.id: f"浙压渔{i:05d}" for i, p in enumerate(people)}
    registry = getattr(pickup_models, "VesselRegistration", None)
    if registry is not None:
        session.execute(
            insert(registry),
            [{"vessel_no": numbers[p.id], "owner_hash": hash_id_number(p.id_number, key), "owner_name": f"压测{p.id}"} for p in people],
        )
    ids = session.scalars(
        insert(Vessel).returning(Vessel.id, sort_by_parameter_order=True),
        [{"vessel_no": numbers[p.id], "name": "压测船", "owner_id": p.id} for p in people],
    )
    return dict(zip([p.id for p in people], ids, strict=True))


def widen_capacity(session: Session) -> None:
    """A boat with room for every benchmark booking at each port, every reward stocked everywhere, and a monthly coin
    budget that every award of the run can draw from (so steps and device events pay coins, the full path)."""
    for port_id in session.scalars(select(Port.id)):
        session.add(CollectionBoat(port_id=port_id, name=f"压测船{port_id}", trips_per_window=1_000_000, active=True))
    session.execute(update(RewardStock).values(stock=STOCK))
    budget = getattr(greencoins_models, "MonthlyBudget", None)
    if budget is not None:
        from api.greencoins.budget import lock_month, month_of

        row = lock_month(session, month_of(utcnow()))
        row.budget = 2_000_000_000  # an INTEGER column


def catchment_addresses(session: Session, level: Level = Level.PRIMARY) -> list[tuple[int, int]]:
    """(address id, catchment school id) for each gazetteer address inside a catchment of ``level``."""
    found = []
    for address in session.scalars(select(Address).order_by(Address.id)):
        school = catchment_school_id(session, level, address.lat, address.lon)
        if school is not None:
            found.append((address.id, school))
    return found


def add_families(
    session: Session,
    config: dict,
    parents: list[Person],
    *,
    year: int,
    per_parent: int = 1,
    c_share: int = 5,
    first_child: int = 0,
) -> list[Family]:
    """Each parent guardian of ``per_parent`` children of primary age; most own a property in a catchment
    (category A/B through it), every ``c_share``-th is a new resident with 24 months of social insurance who
    names a school (category C)."""
    key = config["PII_HASH_KEY"]
    places = catchment_addresses(session)
    schools = sorted({school for _, school in places})
    guardians = getattr(admission_models, "GuardianRecord", None)
    properties, insurance, guardian_rows, families = [], [], [], []
    born_from = date(year - 7, 9, 1)  # six before 31 August of the admission year
    n = first_child
    for i, parent in enumerate(parents):
        parent_hash = hash_id_number(parent.id_number, key)
        new_resident = c_share and i % c_share == c_share - 1
        property_no = None
        if new_resident:
            insurance.append({"person_hash": parent_hash, "months": 24})
        else:
            address_id, _ = places[i % len(places)]
            property_no = f"BENCH-{parent.id}"
            properties.append(
                {"property_no": property_no, "owner_hash": parent_hash, "address_id": address_id, "registered_on": date(2015, 1, 1)}
            )
        for _ in range(per_parent):
            child_number = _person_number(n, CHILD_REGION, born_from)
            born = born_from + timedelta(days=n // 1000)
            guardian_rows.append({"child_hash": hash_id_number(child_number, key), "guardian_hash": parent_hash, "relation": "父亲"})
            school = schools[i % len(schools)] if new_resident else None
            families.append(Family(parent, f"压测童{n}", child_number, born, property_no, school))
            n += 1
    if properties:
        session.execute(insert(PropertyRecord), properties)
    if insurance:
        session.execute(insert(SocialInsuranceRecord), insurance)
    if guardians is not None and guardian_rows:
        session.execute(insert(guardians), guardian_rows)
    return families


def offer_places(app, families: list[Family], *, year: int) -> list[tuple[Family, int]]:
    """Submit the families' applications (through the API, in-process), give every primary school room for all,
    and run the allocation: each application ends ``offered``, ready for its guardian to accept."""
    from api.admission.models import School, SeatPlan
    from api.admission.runs import run_allocation
    from api.common.db import unit_of_work
    from api.extensions import db

    client = app.test_client()
    submitted = []
    for family in families:
        headers = {"Authorization": family.parent.auth}
        answer = client.post("/api/v1/admission/applications", json=family.application(), headers=headers)
        if answer.status_code != 201:
            raise RuntimeError(f"bench application refused: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
        submitted.append((family, answer.json["id"]))
    with app.app_context(), unit_of_work(db.session):
        session = db.session
        plans = {p.school_id: p for p in session.scalars(select(SeatPlan).where(SeatPlan.year == year))}
        for school_id in session.scalars(select(School.id).where(School.level == Level.PRIMARY)):
            plan = plans.get(school_id) or SeatPlan(school_id=school_id, year=year, planned=0)
            plan.planned = 1_000_000
            session.add(plan)
        session.flush()
        run_allocation(session, year=year, level=Level.PRIMARY, seed="bench", dry_run=False, actor="bench", waitlist_percent=0)
    return submitted


def citizen_code(config: dict, person: Person) -> str:
    """The green-coin code a citizen shows a device, valid for the whole run."""
    return issue_citizen_code(person.id, config["SECRET_KEY"], ttl_seconds=TOKEN_TTL)[0]
