"""我的: one timeline of a citizen's dealings across the three services, and the inbox of the SMS sent to them.

Reads only. The timeline merges several tables newest first; its cursor is the position ``(at, source, id)`` of the
last item shown (``TIMELINE_CURSOR_PATTERN``), and each source is asked only for rows before that position, at most
``limit + 1`` of them, so a page costs the same however long the history.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from api.admission.models import Application, ApplicationEvent
from api.admission.registries import Registries
from api.auth.models import Citizen
from api.common.db import MAX_ID
from api.common.pagination import paginate
from api.errors import NotFound, ValidationFailed
from api.greencoins.models import Donation, Redemption, RedemptionStatus
from api.notify.models import SmsMessage
from api.pickup.models import Booking, BookingItem, CreditColorChange, CreditEntry, PollutantType, Vessel
from api.pickup.schemas import JIN_KG

# The services a timeline item belongs to, as the mini-app groups them.
ADMISSION, GREENCOINS, PICKUP = "admission", "greencoins", "pickup"


@dataclass(frozen=True)
class Position:
    """Where an item sits in the timeline: newest first, then by source, then by id (a total order)."""

    at: datetime
    source: int
    id: int


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A cursor is the position it points after, ``<microseconds since 1970 UTC>.<source>.<id>`` in ASCII: the OpenAPI
# document states it as this pattern, and every string matching it is a position (an id beyond the database's range
# starts past every row; the time reaches to the year 2286).
TIMELINE_CURSOR_PATTERN = r"^[0-9]{1,16}\.[1-6]\.[0-9]{1,19}$"
_CURSOR_RE = re.compile(TIMELINE_CURSOR_PATTERN)


def encode_position(position: Position) -> str:
    micros = (position.at - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{position.source}.{position.id}"


def decode_position(cursor: str) -> Position:
    """The position a cursor points after; a string not of the documented shape is a 422, never a 500."""
    if not isinstance(cursor, str) or not _CURSOR_RE.fullmatch(cursor):
        raise ValidationFailed.on("cursor", "分页游标无效 (invalid cursor)")
    micros, source, row_id = cursor.split(".")
    return Position(EPOCH + timedelta(microseconds=int(micros)), int(source), min(int(row_id), MAX_ID))


def _before(at_column, id_column, source: int, cursor: Position | None):
    """Rows of ``source`` that come after ``cursor`` in newest-first order (None: no condition)."""
    if cursor is None:
        return None
    if source < cursor.source:  # at the same time, a lower source comes after the cursor
        return at_column <= cursor.at
    if source > cursor.source:
        return at_column < cursor.at
    return or_(at_column < cursor.at, and_(at_column == cursor.at, id_column < cursor.id))


def _newest(session: Session, stmt, at_column, id_column, source: int, cursor: Position | None, limit: int) -> list:
    condition = _before(at_column, id_column, source, cursor)
    if condition is not None:
        stmt = stmt.where(condition)
    return list(session.execute(stmt.order_by(at_column.desc(), id_column.desc()).limit(limit)).all())


def _as_entered(item: BookingItem) -> str:
    """The quantity in the unit the captain gave (斤 stays 斤): weighed once collected, else declared."""
    unit = "斤" if item.unit == "jin" else "kg"
    if item.qty_kg is not None:
        value = item.qty_kg / JIN_KG if item.unit == "jin" else item.qty_kg
    else:
        value = item.est_qty if item.est_qty is not None else item.est_qty_kg
    return f"{format(Decimal(value).normalize(), 'f')} {unit}"


def _applications(session: Session, citizen_id: int, cursor: Position | None, limit: int) -> Iterable[dict]:
    """Each step of my children's applications (mine or the other guardian's): the result, the official's reasons."""
    me = session.get(Citizen, citizen_id)
    if me is None:
        return
    wards = Registries.from_database(session).household.wards_of(me.id_number_hash)  # both guardians see it
    stmt = (
        select(ApplicationEvent, Application)
        .join(Application, Application.id == ApplicationEvent.application_id)
        .where(Application.child_hash.in_(wards))
        .options(selectinload(Application.school))
    )
    for event, application in _newest(session, stmt, ApplicationEvent.at, ApplicationEvent.id, 1, cursor, limit):
        yield {
            "position": Position(event.at, 1, event.id),
            "service": ADMISSION,
            "kind": "application",
            "ref_id": application.id,
            "title": f"{application.child_name} · {application.school.name}",
            "status_group": "application_status",
            "status": str(event.status),
            "step": event.step,
            "note": event.note,
        }


def _bookings(session: Session, citizen_id: int, cursor: Position | None, limit: int) -> Iterable[dict]:
    """My vessels' pickup bookings (mine or a dispatcher's on my behalf), with their state now."""
    stmt = (
        select(Booking)
        .join(Vessel, Vessel.id == Booking.vessel_id)
        .where(Vessel.owner_id == citizen_id)
        .options(selectinload(Booking.items), selectinload(Booking.port), selectinload(Booking.vessel))
    )
    rows = _newest(session, stmt, Booking.created_at, Booking.id, 2, cursor, limit)
    names = dict(session.execute(select(PollutantType.code, PollutantType.name)).all()) if rows else {}
    for (booking,) in rows:
        amounts = "、".join(f"{names.get(item.pollutant_code, item.pollutant_code)} {_as_entered(item)}" for item in booking.items)
        yield {
            "position": Position(booking.created_at, 2, booking.id),
            "service": PICKUP,
            "kind": "booking",
            "ref_id": booking.id,
            "title": f"{booking.vessel.vessel_no} · {booking.port.name}",
            "status_group": "booking_status",
            "status": str(booking.status),
            "note": " · ".join(x for x in (amounts, f"联单 {booking.manifest_no}" if booking.manifest_no else "") if x) or None,
            "slot_start": booking.slot_start,
        }


def _redemptions(session: Session, citizen_id: int, cursor: Position | None, limit: int) -> Iterable[dict]:
    stmt = (
        select(Redemption)
        .where(Redemption.citizen_id == citizen_id)
        .options(selectinload(Redemption.reward), selectinload(Redemption.station))
    )
    for (redemption,) in _newest(session, stmt, Redemption.created_at, Redemption.id, 3, cursor, limit):
        yield {
            "position": Position(redemption.created_at, 3, redemption.id),
            "service": GREENCOINS,
            "kind": "redemption",
            "ref_id": redemption.id,
            "title": f"{redemption.reward.name}×{redemption.quantity} · {redemption.station.name}",
            "status_group": "redemption_status",
            "status": str(redemption.status),
            "note": f"取货码 {redemption.code}" if redemption.status == RedemptionStatus.RESERVED else None,
            "coins": -redemption.coins_spent,
        }


def _credit_entries(session: Session, citizen_id: int, cursor: Position | None, limit: int) -> Iterable[dict]:
    """Every change of my vessels' credit: a pickup, a port report, a self-check, a no-show, a deduction."""
    stmt = select(CreditEntry, Vessel.vessel_no).join(Vessel, Vessel.id == CreditEntry.vessel_id).where(Vessel.owner_id == citizen_id)
    for entry, vessel_no in _newest(session, stmt, CreditEntry.created_at, CreditEntry.id, 4, cursor, limit):
        yield {
            "position": Position(entry.created_at, 4, entry.id),
            "service": PICKUP,
            "kind": "credit",
            "ref_id": entry.id,
            "title": f"{vessel_no} · {entry.reason}",
            "status_group": "credit_kind",
            "status": str(entry.kind),
            "note": None,
            "points": entry.points,
        }


def _colour_changes(session: Session, citizen_id: int, cursor: Position | None, limit: int) -> Iterable[dict]:
    stmt = (
        select(CreditColorChange, Vessel.vessel_no)
        .join(Vessel, Vessel.id == CreditColorChange.vessel_id)
        .where(Vessel.owner_id == citizen_id)
    )
    for change, vessel_no in _newest(session, stmt, CreditColorChange.changed_at, CreditColorChange.id, 5, cursor, limit):
        yield {
            "position": Position(change.changed_at, 5, change.id),
            "service": PICKUP,
            "kind": "credit_color",
            "ref_id": change.id,
            "title": vessel_no,
            "status_group": "credit_color",
            "status": str(change.new_color),
            "previous_status": str(change.old_color),
            "note": None,
            "score": change.score,
        }


def _donations(session: Session, citizen_id: int, cursor: Position | None, limit: int) -> Iterable[dict]:
    stmt = select(Donation).where(Donation.citizen_id == citizen_id).options(selectinload(Donation.project))
    for (donation,) in _newest(session, stmt, Donation.created_at, Donation.id, 6, cursor, limit):
        yield {
            "position": Position(donation.created_at, 6, donation.id),
            "service": GREENCOINS,
            "kind": "donation",
            "ref_id": donation.id,
            "title": donation.project.title,
            "status_group": "ledger_kind",
            "status": "donate",
            "note": f"证书编号 {donation.certificate_no}",
            "coins": -donation.coins,
        }


Source = Callable[[Session, int, "Position | None", int], Iterable[dict]]
SOURCES: tuple[Source, ...] = (_applications, _bookings, _redemptions, _credit_entries, _colour_changes, _donations)
assert len(SOURCES) == 6, "TIMELINE_CURSOR_PATTERN names the sources 1-6"


def _sort_key(item: dict) -> tuple:
    position = item["position"]
    return (position.at, position.source, position.id)


def timeline(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    """My applications' steps, bookings, redemptions, donations and credit changes, newest first, ``limit`` at a time."""
    after = decode_position(cursor) if cursor else None
    items = [item for source in SOURCES for item in source(session, citizen_id, after, limit + 1)]
    items.sort(key=_sort_key, reverse=True)
    page, has_more = items[:limit], len(items) > limit
    for item in page:
        item["id"] = f"{item['kind']}:{item['ref_id']}:{item['position'].id}"
        item["at"] = item["position"].at
    next_cursor = encode_position(page[-1]["position"]) if has_more and page else None
    return {"items": page, "next_cursor": next_cursor}


def messages(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    """A copy of every SMS addressed to me, newest first, with its delivery status.

    By the addressee, not by the phone number: a number that changes hands does not bring its earlier owner's texts.
    """
    if session.get(Citizen, citizen_id) is None:
        raise NotFound()
    return paginate(session, select(SmsMessage).where(SmsMessage.citizen_id == citizen_id), SmsMessage.id, limit=limit, cursor=cursor)
