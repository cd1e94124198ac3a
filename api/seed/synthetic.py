"""A district-sized synthetic data set for benchmarks (``seed synthetic --scale N``), written in bulk.

At N=1 (椒江 scale): 50 schools, 20,000 addresses, 100,000 residents, 1,000,000 ledger rows,
1,000 vessels, 100,000 collected pickups and their receipt SMS. Ledgers are consistent (balance_after, account
balances), so the invariants the tests check hold here too.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from shapely.geometry import mapping
from sqlalchemy import JSON, func, insert, select
from sqlalchemy.orm import Session

from api.admission.calendar import admission_year
from api.admission.models import Address, Application, ApplicationStatus, Level, School, SeatPlan
from api.auth.models import Citizen
from api.common import reference
from api.common.db import SHANGHAI, utcnow
from api.greencoins.accounts import rebuild_monthly_earnings
from api.greencoins.models import Account, EntryKind, LedgerEntry
from api.notify.models import MessageStatus, SmsMessage
from api.notify.templates import template
from api.pickup.models import (
    Booking,
    BookingItem,
    BookingStatus,
    CollectionBoat,
    CreditEntry,
    CreditKind,
    PickupSlot,
    Vessel,
)
from api.seed.admission import EAST, NORTH, SOUTH, WEST, catchment_polygons
from api.seed.greencoins import seed_greencoins
from api.seed.pickup import seed_pickup_reference

CHUNK = 10_000
Progress = Callable[[str, int], None]


def _chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(session: Session, model, rows: Iterator[dict], progress: Progress, label: str) -> None:
    """Insert generated rows: PostgreSQL ``COPY`` where available, batched ``INSERT`` elsewhere."""
    if session.get_bind().dialect.name == "postgresql":
        _copy(session, model.__table__, rows, progress, label)
        return
    for batch in _chunks(rows):
        session.execute(insert(model), batch)
        progress(label, len(batch))


def _copy(session: Session, table, rows: Iterator[dict], progress: Progress, label: str) -> None:
    """Stream rows through ``COPY ... FROM STDIN`` on the session's own connection and transaction.

    One COPY per batch, with the batch generated before the COPY opens: generating a row may load something through
    the session, and the connection cannot answer a query in the middle of a COPY. COPY bypasses SQLAlchemy, so the
    columns' Python-side defaults and type conversions (enums, JSON) are applied here as an ORM insert would.
    """
    dialect = session.get_bind().dialect
    quote = dialect.identifier_preparer.quote
    for batch in _chunks(rows):
        defaults = {
            c.name: c.default.arg for c in table.columns if c.name not in batch[0] and c.default is not None and not c.default.is_sequence
        }
        columns = [table.c[name] for name in [*batch[0], *defaults]]
        convert = [_to_json if isinstance(c.type, JSON) else c.type.bind_processor(dialect) or (lambda value: value) for c in columns]
        records = [[row[c.name] if c.name in row else _default(defaults[c.name]) for c in columns] for row in batch]
        sql = f"COPY {dialect.identifier_preparer.format_table(table)} ({', '.join(quote(c.name) for c in columns)}) FROM STDIN"
        driver = session.connection().connection.driver_connection
        assert driver is not None  # a live connection (the psycopg one: COPY is PostgreSQL only)
        with driver.cursor() as cursor, cursor.copy(sql) as copy:
            for record in records:
                copy.write_row([fn(v) if v is not None else None for fn, v in zip(convert, record, strict=True)])
        progress(label, len(batch))


def _to_json(value) -> str:
    # psycopg adapts JSON parameters itself, so the JSON type has no bind processor to apply for COPY
    return json.dumps(value, ensure_ascii=False)


def _default(arg):
    return arg(None) if callable(arg) else arg


def _max_id(session: Session, column) -> int:
    return session.scalar(select(column).order_by(column.desc()).limit(1)) or 0


def _ids_after(session: Session, column, last_before: int) -> list[int]:
    """The ids of the rows just written, in the order written (a sequence only grows; it may have gaps)."""
    return list(session.scalars(select(column).where(column > last_before).order_by(column)))


def counts(scale: float) -> dict[str, int]:
    return {
        "schools": max(int(50 * scale), 4),
        "addresses": int(20_000 * scale),
        "residents": int(100_000 * scale),
        "ledger": int(1_000_000 * scale),
        "vessels": max(int(1_000 * scale), 10),
        "pickups": int(100_000 * scale),
        "applications": int(20_000 * scale),
        "messages": int(100_000 * scale),
    }


def seed_synthetic(session: Session, scale: float, progress: Progress, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    n = counts(scale)
    now = utcnow()
    seed_greencoins(session, [])
    ports = list(seed_pickup_reference(session).values())
    run = f"syn{now:%y%m%d%H%M%S%f}"  # marks this run's rows; unique per run

    # Residents
    last_citizen = _max_id(session, Citizen.id)
    _bulk(
        session,
        Citizen,
        (
            {
                "id_number_hash": f"{run}-{i}",
                "id_number_masked": "331002********0000",
                "name": f"居民{i}",
                "phone": f"13{i % 10}{i:08d}"[:11],
                "community": f"社区{i % 200}",
                "created_at": now,
            }
            for i in range(n["residents"])
        ),
        progress,
        "residents",
    )
    citizens = _ids_after(session, Citizen.id, last_citizen)

    # Schools and catchments (a grid of the district), addresses
    cols = max(int((n["schools"] // 2) ** 0.5), 2)
    rows_ = max(n["schools"] // 2 // cols, 1)
    school_rows = []
    year = admission_year()  # ADMISSION_YEAR when set, as the API
    for level in (Level.PRIMARY, Level.JUNIOR):
        for k, cell in enumerate(catchment_polygons(rng, cols, rows_)):
            point = cell.representative_point()
            school_rows.append(
                {
                    "name": f"{run}-{level.value}-{k}",
                    "level": level,
                    "ownership": "public",
                    "address": "",
                    "lat": point.y,
                    "lon": point.x,
                    "catchment": mapping(cell),
                    "catchment_updated_at": now,
                }
            )
    session.execute(insert(School), school_rows)
    schools = list(session.scalars(select(School.id).where(School.name.like(f"{run}-%"))))
    session.execute(insert(SeatPlan), [{"school_id": s, "year": year, "planned": 10_000} for s in schools])
    progress("schools", len(schools))
    _bulk(
        session,
        Address,
        (
            {
                "name": f"合成小区{i // 20}号{i % 20}幢",
                "community": f"合成小区{i // 20}",
                "street": "",
                "lat": rng.uniform(SOUTH, NORTH),
                "lon": rng.uniform(WEST, EAST),
            }
            for i in range(n["addresses"])
        ),
        progress,
        "addresses",
    )

    # Applications
    # The first release's five statuses, as before: allocation-run statuses need a run (bench/allocation.py makes one).
    statuses = [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REVIEWING,
        ApplicationStatus.ADMITTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    ]
    _bulk(
        session,
        Application,
        (
            {
                "citizen_id": citizens[i % len(citizens)],
                "child_hash": f"{run}-child-{i}",
                "child_name": f"孩子{i}",
                "child_id_masked": "331002********0000",
                "child_birth_date": date(year - 6, 1, 1),
                "level": Level.PRIMARY,
                "year": year,
                "school_id": schools[i % len(schools)],
                "category": "ABC"[i % 3],
                "status": statuses[i % 5],
                "active_key": None,
                "submitted_at": now - timedelta(days=i % 60),
            }
            for i in range(n["applications"])
        ),
        progress,
        "applications",
    )

    # Green coins: earn entries per resident over a year, consistent balances
    per_citizen = max(n["ledger"] // len(citizens), 1)
    balances: dict[int, int] = {}

    def ledger_rows() -> Iterator[dict]:
        for c in citizens:
            balance = 0
            for j in range(per_citizen):
                amount = rng.randint(1, 20)
                balance += amount
                yield {
                    "citizen_id": c,
                    "kind": EntryKind.EARN,
                    "amount": amount,
                    "balance_after": balance,
                    "behavior_code": "walking" if j % 3 else "garbage_sorting",
                    "quantity": Decimal(amount),
                    "co2e_g": Decimal(amount * 60),
                    "lat": 28.85 + rng.uniform(-0.05, 0.05) if j % 3 == 0 else None,
                    "lon": 120.73 + rng.uniform(-0.06, 0.06) if j % 3 == 0 else None,
                    "created_at": now - timedelta(days=365 * (per_citizen - j) / per_citizen, hours=rng.random()),
                }
            balances[c] = balance

    _bulk(session, LedgerEntry, ledger_rows(), progress, "ledger rows")
    _bulk(
        session,
        Account,
        (
            {"citizen_id": c, "balance": b, "earned_total": b, "spent_total": 0, "co2e_g_total": Decimal(b * 60)}
            for c, b in balances.items()
        ),
        progress,
        "accounts",
    )
    rebuild_monthly_earnings(session, after_citizen_id=last_citizen)  # the leaderboard's roll-up of the rows just copied

    # Vessels and a year of collected pickups
    last_vessel = _max_id(session, Vessel.id)
    numbered = session.execute(select(func.count()).where(Vessel.vessel_no.like("浙台渔%"))).scalar_one()
    _bulk(
        session,
        Vessel,
        (
            {
                "vessel_no": f"浙台渔{(numbered + i) % 100000:05d}",
                "name": "",
                "home_port_id": ports[i % len(ports)].id,
                "credit_score": 60 + i % 41,
                "credit_color": "green" if i % 41 >= 20 else ("yellow" if i % 41 >= 10 else "red"),
                "created_at": now,
            }
            for i in range(n["vessels"])
        ),
        progress,
        "vessels",
    )
    vessels = _ids_after(session, Vessel.id, last_vessel)
    if not session.scalar(select(CollectionBoat.id).limit(1)):
        raise RuntimeError("collection boats missing")
    last_booking = _max_id(session, Booking.id)
    slot_id = _synthetic_slot(session, ports[0].id)

    def booking_rows() -> Iterator[dict]:
        for i in range(n["pickups"]):
            start = (now - timedelta(days=rng.randint(1, 365))).astimezone(SHANGHAI).replace(minute=0, second=0, microsecond=0)
            yield {
                "vessel_id": vessels[i % len(vessels)],
                "port_id": ports[i % len(ports)].id,
                "slot_id": slot_id,
                "slot_start": start,
                "slot_end": start + timedelta(hours=2),
                "status": BookingStatus.COLLECTED,
                "note": "",
                "manifest_no": f"{run}-{i:07d}",
                "collected_at": start + timedelta(hours=1),
                "under_declared": False,
                "created_at": start - timedelta(days=1),
            }

    _bulk(session, Booking, booking_rows(), progress, "pickups")
    bookings = _ids_after(session, Booking.id, last_booking)
    _bulk(
        session,
        BookingItem,
        (
            {"booking_id": b, "pollutant_code": code, "est_qty_kg": Decimal(q), "qty_kg": Decimal(q)}
            for b in bookings
            for code, q in (("oily_water", rng.randint(50, 800)), ("garbage", rng.randint(20, 300)))
        ),
        progress,
        "pickup items",
    )
    _bulk(
        session,
        CreditEntry,
        (
            {
                "vessel_id": vessels[i % len(vessels)],
                "kind": CreditKind.PICKUP,
                "points": 5,
                "reason": "交纳污染物",
                "booking_id": b,
                "created_at": now,
            }
            for i, b in enumerate(bookings)
        ),
        progress,
        "credit entries",
    )
    # and the receipt SMS those pickups sent
    _bulk(session, SmsMessage, _receipt_messages(n["messages"], run, now, rng), progress, "sms messages")
    session.commit()
    reference.invalidate()
    return n


def _receipt_messages(count: int, run: str, now: datetime, rng: random.Random) -> Iterator[dict]:
    """Pickup receipts over a year with a year's outcomes: of 50, 46 delivered, 2 only accepted, 1 undelivered,
    1 refused."""
    receipt = template("pickup_collected")
    outcomes = [MessageStatus.DELIVERED] * 46 + [MessageStatus.SENT] * 2 + [MessageStatus.UNDELIVERED, MessageStatus.FAILED]
    for i in range(count):
        at = now - timedelta(days=rng.randint(1, 365), minutes=rng.randint(0, 1439))
        params = {"vessel_no": f"浙台渔{i % 100000:05d}", "items": f"含油污水{rng.randint(50, 800)}kg", "manifest_no": f"{run}-{i:07d}"}
        status = outcomes[i % len(outcomes)]
        yield {
            "phone": f"139{i:08d}"[:11],
            "template": receipt.code,
            "params": params,
            "body": receipt.render(params),
            "kind": receipt.kind,
            "status": status,
            "attempts": 1,
            "next_attempt_at": at,
            "created_at": at,
            "provider": "twilio",
            "sent_at": None if status == MessageStatus.FAILED else at,
            "last_error": "手机号码无效 (synthetic)" if status == MessageStatus.FAILED else None,
        }


def _synthetic_slot(session: Session, port_id: int) -> int:
    """Historic synthetic pickups hang off one placeholder slot (slots only gate new bookings)."""
    start = datetime(2000, 1, 1, tzinfo=SHANGHAI)
    slot = session.scalar(select(PickupSlot).where(PickupSlot.port_id == port_id, PickupSlot.start == start))
    if slot is None:
        slot = PickupSlot(port_id=port_id, start=start, end=start + timedelta(hours=2), capacity=0)
        session.add(slot)
        session.flush()
    return slot.id
