"""Demo data of 海洋云仓 in 椒江: ports, collection boats, 50 vessels and a season of pickups.

The season is shaped like the seed report: 631 collected pickups, about 452 t of pollutants.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import Citizen, StaffUser
from api.common.db import SHANGHAI, local_now, unit_of_work
from api.pickup import credit
from api.pickup.models import (
    Berth,
    Booking,
    BookingItem,
    BookingStatus,
    CollectionBoat,
    CreditEntry,
    CreditKind,
    PickupSlot,
    PollutantType,
    Port,
    Vessel,
)

WINDOWS = ["07:00-09:00", "09:00-11:00", "14:00-16:00", "16:00-18:00"]
PORTS = [
    ("椒江中心渔港", "台州市椒江区海门街道东海大道", 28.6880, 121.4560, ["一号码头", "二号码头", "三号码头"]),
    ("大陈渔港", "台州市椒江区大陈镇", 28.4560, 121.8930, ["大陈北码头"]),
    ("前所渔港", "台州市椒江区前所街道", 28.7232, 121.4225, ["前所码头"]),
]
BOATS = [("海洋云仓1号", "椒江中心渔港", 2), ("海洋云仓2号", "椒江中心渔港", 1), ("海洋云仓3号", "大陈渔港", 1),
         ("海洋云仓4号", "前所渔港", 1)]
POLLUTANTS = [("oily_water", "含油污水"), ("waste_oil", "废机油"), ("garbage", "生活垃圾"), ("fishing_net", "废渔网"),
              ("oil_filter", "废油滤芯")]
SEASON_PICKUPS, SEASON_KG = 631, 452_000


def _reference(session: Session) -> dict[str, Port]:
    ports = {}
    for name, address, lat, lon, berths in PORTS:
        port = session.scalar(select(Port).where(Port.name == name)) or Port(name=name)
        port.address, port.lat, port.lon, port.windows = address, lat, lon, WINDOWS
        session.add(port)
        session.flush()
        for i, berth in enumerate(berths):
            if session.scalar(select(Berth).where(Berth.port_id == port.id, Berth.name == berth)) is None:
                session.add(Berth(port_id=port.id, name=berth, lat=lat + 0.002 * i, lon=lon + 0.002 * i))
        ports[name] = port
    for name, port_name, trips in BOATS:
        boat = session.scalar(select(CollectionBoat).where(CollectionBoat.name == name)) or CollectionBoat(name=name)
        boat.port_id, boat.trips_per_window = ports[port_name].id, trips
        session.add(boat)
    for code, name in POLLUTANTS:
        row = session.get(PollutantType, code) or PollutantType(code=code)
        row.name = name
        session.add(row)
    return ports


def _vessels(session: Session, ports: dict[str, Port], captains: dict[str, Citizen], rng: random.Random) -> list:
    vessels = []
    numbers = ["浙椒渔77033", "浙椒渔60218"] + [f"浙椒渔{n}" for n in rng.sample(range(10000, 99999), 48)]
    owners = {"浙椒渔77033": captains.get("captain_green"), "浙椒渔60218": captains.get("captain_red")}
    home_ports = list(ports.values())
    for i, number in enumerate(numbers):
        vessel = Vessel(vessel_no=number, name=f"{number[3:]}号", home_port_id=home_ports[i % 3 if i > 1 else 0].id)
        owner = owners.get(number)
        vessel.owner_id = owner.id if owner else None
        session.add(vessel)
        vessels.append(vessel)
    session.flush()
    return vessels


def _season(session: Session, vessels: list[Vessel], ports: dict[str, Port], rng: random.Random) -> None:
    """Collected pickups over the last 180 days, their 联单 numbers and credit entries, written in bulk."""
    today = local_now().date()
    weights = [rng.uniform(0.5, 1.5) for _ in range(SEASON_PICKUPS)]
    scale = SEASON_KG / sum(weights)
    collector = session.scalar(select(StaffUser).where(StaffUser.username == "collector1"))
    slots: dict[tuple[int, datetime], PickupSlot] = {
        (slot.port_id, slot.start): slot for slot in session.scalars(select(PickupSlot).where(
            PickupSlot.start >= datetime.combine(today - timedelta(days=181), time(), SHANGHAI)))}
    red = vessels[1]
    season: list[tuple[Booking, PickupSlot, Decimal]] = []
    for n in range(SEASON_PICKUPS):
        # The red-coded vessel of the demo hands in nothing, the green one often; the last ten rarely report.
        vessel = vessels[0] if n % 12 == 0 else rng.choice(vessels[2:40])
        port = session.get(Port, vessel.home_port_id)
        day = today - timedelta(days=rng.randint(1, 180))
        start_s, _, end_s = rng.choice(WINDOWS).partition("-")
        start = datetime.combine(day, time.fromisoformat(start_s), SHANGHAI)
        end = datetime.combine(day, time.fromisoformat(end_s), SHANGHAI)
        slot = slots.get((port.id, start))
        if slot is None:
            slot = slots[(port.id, start)] = PickupSlot(port_id=port.id, start=start, end=end,
                                                        capacity=len(port.boats) or 1)
            session.add(slot)
        total = Decimal(weights[n] * scale).quantize(Decimal("0.01"))
        oily = (total * Decimal("0.6")).quantize(Decimal("0.01"))
        booking = Booking(vessel_id=vessel.id, port_id=port.id, slot_start=start, slot_end=end,
                          status=BookingStatus.COLLECTED, booked_by=vessel.owner_id, collected_at=end,
                          collected_by=collector.id if collector else None, created_at=start - timedelta(days=1))
        booking.items = [
            BookingItem(pollutant_code="oily_water", est_qty_kg=oily, qty_kg=oily),
            BookingItem(pollutant_code=rng.choice(["waste_oil", "garbage", "fishing_net"]),
                        est_qty_kg=(total - oily) * Decimal("0.8"), qty_kg=total - oily),
        ]
        season.append((booking, slot, total))
    session.flush()  # the new slots get their ids; then the bookings in one batch, then their 联单 numbers
    season.sort(key=lambda planned: planned[0].slot_start)  # ids in the order a season's bookings were made
    for booking, slot, _ in season:
        booking.slot_id = slot.id
        session.add(booking)
    session.flush()
    for booking, _, total in season:
        booking.manifest_no = f"HYYC{booking.slot_start:%Y%m%d}{booking.id:06d}"
        session.add(CreditEntry(vessel_id=booking.vessel_id, kind=CreditKind.PICKUP, points=5, booking_id=booking.id,
                                reason=f"交纳污染物 {total} kg,联单 {booking.manifest_no}",
                                created_at=booking.slot_end))
    for vessel, back in [(red, 20), (red, 45), (red, 70), *((v, 30) for v in vessels[-3:])]:
        session.add(CreditEntry(vessel_id=vessel.id, kind=CreditKind.DEDUCTION, points=-6 if vessel is red else -15,
                                reason="未按规定进行进出港报告", created_at=datetime.now(SHANGHAI) - timedelta(days=back)))
    session.flush()
    for vessel in vessels:
        credit.refresh(session, vessel)


def seed_pickup(session: Session, captains: dict[str, Citizen]) -> str:
    with unit_of_work(session):
        ports = _reference(session)
        collector = session.scalar(select(StaffUser).where(StaffUser.username == "collector1"))
        if collector is not None:
            collector.port_id = ports["椒江中心渔港"].id
        if session.scalar(select(func.count()).select_from(Vessel)) == 0:
            rng = random.Random(77033)
            vessels = _vessels(session, ports, captains, rng)
            _season(session, vessels, ports, rng)
    collected = session.scalar(select(func.count()).select_from(Booking).where(
        Booking.status == BookingStatus.COLLECTED))
    tonnes = (session.scalar(select(func.coalesce(func.sum(BookingItem.qty_kg), 0))) or 0) / 1000
    return f"pickup: {len(PORTS)} ports, {len(BOATS)} boats, {collected} collected pickups, {tonnes:.0f} t"


def seed_pickup_reference(session: Session) -> dict[str, Port]:
    """Ports, boats and pollutant types only (for tests and fresh installs)."""
    with unit_of_work(session):
        return _reference(session)
