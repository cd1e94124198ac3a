"""Demo data of 海洋云仓 in 椒江: ports, collection boats, the 渔船登记 registry and a season of pickups.

The season is shaped like the seed report (“共服务椒江区渔业船舶742艘,接收转移服务631艘次;回收处置污染物452吨”):
742 vessels in the service, 631 collected pickups, about 452 t of pollutants. Numbers and points come from the
services' own rules (the 联单 number, the credit points and score); only the volume is written in bulk.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import Citizen, Partner, StaffUser
from api.auth.service import add_partner_key
from api.common.db import SHANGHAI, local_now, unit_of_work, utcnow
from api.pickup import credit
from api.pickup.collection import pickup_reason
from api.pickup.consent import CREDIT_SCOPE
from api.pickup.models import (
    Berth,
    Booking,
    BookingItem,
    BookingStatus,
    CollectionBoat,
    CreditAppeal,
    CreditConsent,
    CreditEntry,
    CreditKind,
    CreditRead,
    MissedReport,
    PickupSlot,
    PollutantType,
    Port,
    Vessel,
)
from api.pickup.registry import registration, upsert_registration
from api.pickup.service import Booker, book, manifest_number
from api.seed.residents import JIAOJIANG, make_id_number, resident

WINDOWS = ["07:00-09:00", "09:00-11:00", "14:00-16:00", "16:00-18:00"]
PRIORITY_WINDOWS = ["07:00-09:00"]  # 绿码优先时段
PORTS = [
    ("椒江中心渔港", "台州市椒江区海门街道东海大道", 28.6880, 121.4560, ["一号码头", "二号码头", "三号码头"]),
    ("大陈渔港", "台州市椒江区大陈镇", 28.4560, 121.8930, ["大陈北码头"]),
    ("前所渔港", "台州市椒江区前所街道", 28.7232, 121.4225, ["前所码头"]),
]
BOATS = [
    ("海洋云仓1号", "椒江中心渔港", 2),
    ("海洋云仓2号", "椒江中心渔港", 1),
    ("海洋云仓3号", "大陈渔港", 1),
    ("海洋云仓4号", "前所渔港", 1),
]
POLLUTANTS = [
    ("oily_water", "含油污水"),
    ("waste_oil", "废机油"),
    ("garbage", "生活垃圾"),
    ("fishing_net", "废渔网"),
    ("oil_filter", "废油滤芯"),
]
SEASON_VESSELS, SEASON_PICKUPS, SEASON_KG = 742, 631, 452_000
# Demo captains and their vessels: bound in the app (green, red) or only in the registry (unbound).
DEMO_VESSELS = {"captain_green": "浙椒渔77033", "captain_red": "浙椒渔60218", "captain_unbound": "浙椒渔52718"}
CREDIT_PARTNERS = [
    ("台州银行椒江支行", "demo-bank-key"),
    ("人保财险椒江支公司", "demo-insurer-key"),
    ("椒江水产品批发市场", "demo-market-key"),
]
SURNAMES = "阮林陈王李张郑黄周吴徐杨蒋金叶朱应潘"
GIVEN = ["海", "波", "建", "国", "明", "华", "勇", "军", "平", "强", "福", "根", "德", "兴", "良", "富"]


def _reference(session: Session) -> dict[str, Port]:
    ports = {}
    for name, address, lat, lon, berths in PORTS:
        port = session.scalar(select(Port).where(Port.name == name)) or Port(name=name)
        port.address, port.lat, port.lon, port.windows, port.priority_windows = address, lat, lon, WINDOWS, PRIORITY_WINDOWS
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


def _registry_and_vessels(session: Session, ports: dict[str, Port], captains: dict[str, Citizen], rng: random.Random, pii_key: str):
    """The registry names an owner for every vessel; the demo captains' vessels are bound to them in the app."""
    demo_numbers = set(DEMO_VESSELS.values())
    others = [n for n in rng.sample(range(10000, 99999), SEASON_VESSELS + 10) if f"浙椒渔{n}" not in demo_numbers]
    numbers = list(DEMO_VESSELS.values()) + [f"浙椒渔{n}" for n in others[: SEASON_VESSELS - len(DEMO_VESSELS)]]
    bound = {number: captains.get(key) for key, number in DEMO_VESSELS.items() if key != "captain_unbound"}
    home_ports = list(ports.values())
    vessels = []
    for i, number in enumerate(numbers):
        owner_key = next((key for key, no in DEMO_VESSELS.items() if no == number), None)
        if owner_key is not None:
            person = resident(owner_key)
            id_number, name, phone = person["id_number"], person["name"], person["phone"]
        else:
            born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 365 * 35))
            id_number = make_id_number(JIAOJIANG, born, 100 + i % 900)
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
            phone = f"139{rng.randint(0, 99_999_999):08d}"
        upsert_registration(
            session,
            pii_key,
            vessel_no=number,
            owner_id_number=id_number,
            owner_name=name,
            owner_phone=phone,
            vessel_name=f"{number[3:]}号",
            registered_on=date(2015, 1, 1) + timedelta(days=rng.randint(0, 3000)),
        )
        owner = bound.get(number)
        vessel = Vessel(
            vessel_no=number,
            name=f"{number[3:]}号",
            home_port_id=home_ports[i % 3 if i > 1 else 0].id,
            owner_id=owner.id if owner else None,
        )
        session.add(vessel)
        vessels.append(vessel)
    session.flush()
    return vessels


def _season(session: Session, vessels: list[Vessel], rng: random.Random) -> None:
    """Collected pickups over the last 180 days, their 联单 numbers and credit entries, written in bulk."""
    today = local_now().date()
    weights = [rng.uniform(0.5, 1.5) for _ in range(SEASON_PICKUPS)]
    scale = SEASON_KG / sum(weights)
    collector = session.scalar(select(StaffUser).where(StaffUser.username == "collector1"))
    ports = {port.id: port for port in session.scalars(select(Port))}
    slots: dict[tuple[int, datetime], PickupSlot] = {}
    season: list[tuple[Booking, PickupSlot, Decimal]] = []
    green, regulars = vessels[0], vessels[3:400]
    for n in range(SEASON_PICKUPS):
        # The green-coded vessel of the demo hands in often, the red one never; most vessels a few times a season.
        vessel = green if n % 12 == 0 else rng.choice(regulars)
        assert vessel.home_port_id is not None  # every seeded vessel has a home port
        port = ports[vessel.home_port_id]
        day = today - timedelta(days=rng.randint(1, 180))
        start_s, _, end_s = rng.choice(WINDOWS).partition("-")
        start = datetime.combine(day, time.fromisoformat(start_s), SHANGHAI)
        end = datetime.combine(day, time.fromisoformat(end_s), SHANGHAI)
        slot = slots.get((port.id, start))
        if slot is None:
            slot = slots[(port.id, start)] = PickupSlot(port_id=port.id, start=start, end=end, capacity=len(port.boats) or 1)
            session.add(slot)
        total = Decimal(weights[n] * scale).quantize(Decimal("0.01"))
        oily = (total * Decimal("0.6")).quantize(Decimal("0.01"))
        booking = Booking(
            vessel_id=vessel.id,
            port_id=port.id,
            slot_start=start,
            slot_end=end,
            status=BookingStatus.COLLECTED,
            booked_by=vessel.owner_id,
            collected_at=end,
            collected_by=collector.id if collector else None,
            created_at=start - timedelta(days=1),
        )
        in_jin = rng.random() < 0.3  # many captains count in 斤
        booking.items = [
            BookingItem(
                pollutant_code="oily_water",
                est_qty_kg=oily,
                est_qty=oily * 2 if in_jin else oily,
                unit="jin" if in_jin else "kg",
                qty_kg=oily,
            ),
            BookingItem(
                pollutant_code=rng.choice(["waste_oil", "garbage", "fishing_net", "oil_filter"]),
                est_qty_kg=((total - oily) * Decimal("0.8")).quantize(Decimal("0.01")),
                qty_kg=total - oily,
            ),
        ]
        season.append((booking, slot, total))
    session.flush()  # the new slots get their ids; then the bookings in one batch, then their 联单 numbers
    season.sort(key=lambda planned: planned[0].slot_start)  # ids in the order a season's bookings were made
    for booking, slot, _ in season:
        booking.slot_id = slot.id
        session.add(booking)
    session.flush()
    for booking, _, total in season:
        assert booking.collected_at is not None  # the season's bookings are all collected
        booking.manifest_no = manifest_number(booking.id, booking.collected_at)
        session.add(
            CreditEntry(
                vessel_id=booking.vessel_id,
                kind=CreditKind.PICKUP,
                points=credit.POINTS[CreditKind.PICKUP],
                booking_id=booking.id,
                reason=pickup_reason(total, booking.manifest_no),
                created_at=booking.slot_end,
            )
        )


def _violations(session: Session, vessels: list[Vessel]) -> list[CreditEntry]:
    red = vessels[1]
    now = utcnow()
    entries = [
        CreditEntry(
            vessel_id=red.id, kind=CreditKind.DEDUCTION, points=-6, reason="未按规定进行进出港报告", created_at=now - timedelta(days=back)
        )
        for back in (20, 45, 70)
    ]
    entries.append(
        CreditEntry(
            vessel_id=red.id,
            kind=CreditKind.NO_SHOW,
            points=credit.POINTS[CreditKind.NO_SHOW],
            reason="预约未到",
            created_at=now - timedelta(days=9),
        )
    )
    entries += [
        CreditEntry(vessel_id=v.id, kind=CreditKind.DEDUCTION, points=-25, reason="违规排放含油污水", created_at=now - timedelta(days=30))
        for v in vessels[-3:]
    ]
    # Aged out: a deduction of more than a year ago no longer counts (shown in the history).
    entries.append(
        CreditEntry(
            vessel_id=vessels[0].id, kind=CreditKind.DEDUCTION, points=-10, reason="渔具未按规定存放", created_at=now - timedelta(days=400)
        )
    )
    session.add_all(entries)
    session.flush()
    return entries


def _scores(session: Session, vessels: list[Vessel]) -> None:
    """Each vessel's score and colour from the rule (no colour-change SMS for the initial load)."""
    scores = credit.scores_by_vessel(session)
    for vessel in vessels:
        vessel.credit_score = scores.get(vessel.id, credit.score_from(0, 0))
        vessel.credit_color = credit.color_for(vessel.credit_score)


def _stories(session: Session, vessels: list[Vessel], captains: dict[str, Citizen], violations: list[CreditEntry]) -> None:
    """What officials and captains find open today: an appeal, a 漏收 report, a consent and a partner's read, phone bookings."""
    now = utcnow()
    green, red = vessels[0], vessels[1]
    captain_red, captain_green = captains.get("captain_red"), captains.get("captain_green")
    if captain_red is not None:
        session.add(
            CreditAppeal(
                entry_id=violations[0].id,
                vessel_id=red.id,
                appellant_id=captain_red.id,
                reason="当天在大陈渔港避风,已电话报告港口,系统未记录",
                created_at=now - timedelta(days=2),
            )
        )
    if captain_green is not None:
        yesterday = local_now().date() - timedelta(days=1)
        start = datetime.combine(yesterday, time(14), SHANGHAI)
        slot = session.scalar(select(PickupSlot).where(PickupSlot.port_id == green.home_port_id, PickupSlot.start == start))
        if slot is None:
            slot = PickupSlot(port_id=green.home_port_id, start=start, end=start + timedelta(hours=2), capacity=3)
            session.add(slot)
            session.flush()
        missed = Booking(
            vessel_id=green.id,
            port_id=green.home_port_id,
            slot_id=slot.id,
            slot_start=start,
            slot_end=start + timedelta(hours=2),
            status=BookingStatus.CONFIRMED,
            booked_by=captain_green.id,
            created_at=start - timedelta(days=2),
        )
        missed.items = [BookingItem(pollutant_code="oily_water", est_qty_kg=Decimal("76.50"), est_qty=Decimal(153), unit="jin")]
        session.add(missed)
        session.flush()
        session.add(
            MissedReport(
                booking_id=missed.id,
                vessel_id=green.id,
                port_id=green.home_port_id,
                reported_by=captain_green.id,
                note="在二号码头等了两个小时,收集船没有来",
                created_at=start + timedelta(hours=3),
            )
        )
        bank_row = session.scalars(select(Partner).where(Partner.name == CREDIT_PARTNERS[0][0])).one()  # seeded with the partners
        session.add(
            CreditConsent(
                vessel_id=green.id,
                partner_id=bank_row.id,
                given_by=captain_green.id,
                expires_at=now + timedelta(days=180),
                created_at=now - timedelta(days=12),
            )
        )
        session.add(
            CreditRead(
                partner_id=bank_row.id,
                vessel_id=green.id,
                vessel_no=green.vessel_no,
                allowed=True,
                outcome="consent",
                at=now - timedelta(days=11),
            )
        )
    _phone_bookings(session, vessels)


def _phone_bookings(session: Session, vessels: list[Vessel]) -> None:
    """Today's calls to the dispatch centre, booked through the service as a dispatcher would."""
    dispatcher = session.scalar(select(StaffUser).where(StaffUser.username == "dispatcher1"))
    if dispatcher is None:
        return
    tomorrow = local_now().date() + timedelta(days=1)
    callers = [v for v in vessels[3:60] if v.owner_id is None and v.credit_color != credit.CreditColor.RED][:3]
    for vessel, window in zip(callers, ("09:00", "14:00", "16:00"), strict=False):
        record = registration(session, vessel.vessel_no)
        assert record is not None and vessel.home_port_id is not None  # seeded vessels come from the registry, with a home port
        book(
            session,
            Booker(dispatcher_id=dispatcher.id),
            vessel_no=vessel.vessel_no,
            captain_phone=record.owner_phone,
            port_id=vessel.home_port_id,
            slot_start=datetime.combine(tomorrow, time.fromisoformat(window), SHANGHAI),
            items=[{"type": "oily_water", "qty_kg": Decimal("60.00"), "qty": Decimal(120), "unit": "jin"}],
            note="电话预约",
        )


def seed_pickup(session: Session, captains: dict[str, Citizen], pii_key: str) -> str:
    """The demo's 海洋云仓 world (running it twice changes nothing)."""
    with unit_of_work(session):
        ports = _reference(session)
        collector = session.scalar(select(StaffUser).where(StaffUser.username == "collector1"))
        if collector is not None:
            collector.port_id = ports["椒江中心渔港"].id
        for name, key in CREDIT_PARTNERS:  # 金融助渔 partners that may read a vessel's credit with consent
            add_partner_key(session, partner_name=name, behaviors=[CREDIT_SCOPE], key=key)
        if session.scalar(select(func.count()).select_from(Vessel)) == 0:
            rng = random.Random(77033)
            vessels = _registry_and_vessels(session, ports, captains, rng, pii_key)
            _season(session, vessels, rng)
            violations = _violations(session, vessels)
            _scores(session, vessels)
            _stories(session, vessels, captains, violations)
    vessels = session.scalar(select(func.count()).select_from(Vessel))
    collected = session.scalar(select(func.count()).select_from(Booking).where(Booking.status == BookingStatus.COLLECTED))
    tonnes = (session.scalar(select(func.coalesce(func.sum(BookingItem.qty_kg), 0))) or 0) / 1000
    return (
        f"pickup: {len(PORTS)} ports, {len(BOATS)} boats, {vessels} vessels, {collected} collected pickups, {tonnes:.0f} t, "
        f"{len(CREDIT_PARTNERS)} credit partners (keys {', '.join(key for _, key in CREDIT_PARTNERS)})"
    )


def seed_pickup_reference(session: Session) -> dict[str, Port]:
    """Ports, boats and pollutant types only (for tests and fresh installs)."""
    with unit_of_work(session):
        return _reference(session)
