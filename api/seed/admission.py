"""Demo data of 入学一掌通 in 椒江: schools and catchments, the gazetteer, policies, seats, registries.

Catchments are cut from one jittered grid, so neighbours share their edges exactly (no gaps,
no overlaps); a point outside the grid (at sea, beyond the district) is in no catchment.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from shapely.geometry import Polygon, mapping
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.admission.calendar import admission_year
from api.admission.models import (
    Address,
    Application,
    ApplicationEvent,
    ApplicationStatus,
    CityPointsRecord,
    GuardianRecord,
    HouseholdRecord,
    Level,
    Policy,
    PropertyRecord,
    School,
    SeatOccupancy,
    SeatPlan,
    SocialInsuranceRecord,
    StudentRecord,
)
from api.admission.offers import accept, decline
from api.admission.runs import run_allocation
from api.admission.service import set_seat_plan
from api.auth.models import Citizen
from api.common import reference
from api.common.db import unit_of_work, utcnow
from api.common.pii import hash_id_number, mask_id_number
from api.seed.residents import DEMO_RESIDENTS, JIAOJIANG, make_id_number, resident

SOUTH, NORTH, WEST, EAST = 28.60, 28.76, 121.33, 121.52
PRIMARY = [
    "椒江区实验小学",
    "椒江区第二实验小学",
    "椒江区海门小学",
    "椒江区白云小学",
    "椒江区洪家小学",
    "椒江区章安小学",
    "椒江区葭沚小学",
    "椒江区下陈小学",
]
JUNIOR = ["椒江区第二中学", "椒江区第五中学", "椒江区第六中学", "椒江区洪家中学", "椒江区章安中学", "椒江区下陈中学"]
PRIVATE = [("台州市书生中学(民办)", Level.JUNIOR, 28.6702, 121.4311), ("椒江区育英小学(民办)", Level.PRIMARY, 28.6893, 121.4188)]
COMMUNITIES = [
    "东山小区",
    "白云新村",
    "海门花园",
    "枫南小区",
    "星明小区",
    "葭沚新村",
    "锦江花苑",
    "中央公馆",
    "君悦名城",
    "金色海岸",
    "永安小区",
    "洪家新村",
    "章安家园",
    "下陈佳苑",
    "江城府",
    "星星广场公寓",
    "府前花园",
    "华景园",
    "景元花园",
    "心海小区",
    "前所新村",
    "三甲家园",
    "滨海名都",
    "学府雅苑",
    "东海花园",
]
STREETS = ["海门街道", "白云街道", "葭沚街道", "洪家街道", "章安街道", "下陈街道", "三甲街道", "前所街道"]
POLICIES = [
    (
        "primary",
        "{y} 年椒江区义务教育阶段小学招生工作实施意见",
        "一、招生对象:{b} 年 8 月 31 日前出生、年满 6 周岁的适龄儿童。二、招生类别:A 类为户籍与房产均在学区内;"
        "B 类为有学区内房产无户籍,或仅有户籍;C 类为新居民子女,按城市积分排序,须父母一方在椒江连续缴纳社保满 12 个月。"
        "三、学位锁定:同一房产小学学位 6 年内只能使用一次。四、报名:通过浙里办“入学一掌通”网上报名,无需到校提交纸质材料。",
    ),
    (
        "junior",
        "{y} 年椒江区初中招生工作实施意见",
        "初中招生对象为具有小学学籍的应届毕业生。按学区对口入学,A/B/C 类别认定同小学;同一房产初中学位 3 年内只能使用一次。",
    ),
    (
        "all",
        "{y} 年新居民子女积分入学办法",
        "新居民子女入学按城市积分从高到低安排学位。积分由社保缴纳、居住年限、学历与技能等构成,可在“积分查询”中查看明细。",
    ),
    (
        "all",
        "{y} 年入学报名时间安排",
        "网上报名 6 月 1 日至 6 月 10 日;资格审核 6 月 11 日至 6 月 25 日;7 月 10 日前公布录取结果,录取结果将短信通知。",
    ),
]


def _grid(rng: random.Random, cols: int, rows: int, sub: int = 3) -> list[list[tuple[float, float]]]:
    """Vertex grid over the district; interior vertices jittered so edges look drawn, not ruled."""
    nx, ny = cols * sub, rows * sub
    dx, dy = (EAST - WEST) / nx, (NORTH - SOUTH) / ny
    grid = []
    for j in range(ny + 1):
        row = []
        for i in range(nx + 1):
            x, y = WEST + i * dx, SOUTH + j * dy
            if 0 < i < nx:
                x += rng.uniform(-0.3, 0.3) * dx
            if 0 < j < ny:
                y += rng.uniform(-0.3, 0.3) * dy
            row.append((x, y))
        grid.append(row)
    return grid


def catchment_polygons(rng: random.Random, cols: int, rows: int, sub: int = 3) -> list[Polygon]:
    grid = _grid(rng, cols, rows, sub)
    cells = []
    for r in range(rows):
        for c in range(cols):
            i0, j0 = c * sub, r * sub
            ring = (
                [grid[j0][i] for i in range(i0, i0 + sub + 1)]
                + [grid[j][i0 + sub] for j in range(j0 + 1, j0 + sub + 1)]
                + [grid[j0 + sub][i] for i in range(i0 + sub - 1, i0 - 1, -1)]
                + [grid[j][i0] for j in range(j0 + sub - 1, j0, -1)]
            )
            cells.append(Polygon(ring))
    return cells


def _schools(session: Session, rng: random.Random) -> dict[str, School]:
    schools = {}
    for names, level, (cols, rows) in ((PRIMARY, Level.PRIMARY, (4, 2)), (JUNIOR, Level.JUNIOR, (3, 2))):
        for name, cell in zip(names, catchment_polygons(rng, cols, rows), strict=True):
            point = cell.representative_point()
            school = session.scalar(select(School).where(School.name == name)) or School(name=name)
            school.level, school.ownership, school.lat, school.lon = level, "public", point.y, point.x
            school.address = f"台州市椒江区{rng.choice(STREETS)}{rng.randint(1, 300)}号"
            school.catchment, school.catchment_updated_at = mapping(cell), utcnow()
            session.add(school)
            schools[name] = school
    for name, level, lat, lon in PRIVATE:
        school = session.scalar(select(School).where(School.name == name)) or School(name=name)
        school.level, school.ownership, school.lat, school.lon = level, "private", lat, lon
        school.address, school.catchment = "台州市椒江区", None
        session.add(school)
        schools[name] = school
    session.flush()
    return schools


def _addresses(session: Session, rng: random.Random) -> list[Address]:
    rows = []
    for community in COMMUNITIES:
        lat, lon = rng.uniform(SOUTH + 0.01, NORTH - 0.01), rng.uniform(WEST + 0.01, EAST - 0.01)
        street = rng.choice(STREETS)
        for building in range(1, 13):
            rows.append(
                Address(
                    name=f"{community}{building}幢",
                    community=community,
                    street=street,
                    lat=lat + rng.uniform(-0.0015, 0.0015),
                    lon=lon + rng.uniform(-0.0015, 0.0015),
                )
            )
    session.add_all(rows)
    session.flush()
    return rows


def _registries(session: Session, addresses: list[Address], pii_key: str, year: int) -> None:
    def h(id_number: str) -> str:
        return hash_id_number(id_number, pii_key)

    def own(key: str, address: Address, registered: date) -> str:
        person = resident(key)
        property_no = person["property_nos"][0]
        session.add(
            PropertyRecord(property_no=property_no, owner_hash=h(person["id_number"]), address_id=address.id, registered_on=registered)
        )
        return property_no

    a, b, locked, young, junior = addresses[2], addresses[40], addresses[80], addresses[120], addresses[160]
    property_a = own("parent_a", a, date(2019, 5, 8))
    session.add(
        HouseholdRecord(
            person_hash=h(resident("parent_a")["children"][0]["id_number"]), region_code=JIAOJIANG, property_no=property_a, address_id=a.id
        )
    )
    own("parent_b", b, date(2021, 9, 1))
    property_locked = own("locked_seat", locked, date(2016, 3, 2))
    # An elder sibling started primary school four years ago: the seat stays locked until next year (6 school years).
    session.add(
        SeatOccupancy(
            property_no=property_locked, level=Level.PRIMARY, school_name="椒江区实验小学", year=year - 4, locked_until_year=year + 1
        )
    )
    # 公安: each demo child's guardians (王梓涵 has two: 王建国 and 林静).
    for person in DEMO_RESIDENTS:
        for child in person["children"]:
            session.add(GuardianRecord(child_hash=h(child["id_number"]), guardian_hash=h(person["id_number"]), relation="监护人"))
    own("too_young", young, date(2020, 6, 30))
    property_junior = own("junior_parent", junior, date(2012, 8, 18))
    junior_child = resident("junior_parent")["children"][0]["id_number"]
    session.add(HouseholdRecord(person_hash=h(junior_child), region_code=JIAOJIANG, property_no=property_junior, address_id=junior.id))
    session.add(StudentRecord(person_hash=h(junior_child), level=Level.PRIMARY, school_name="椒江区海门小学", graduation_year=year))
    session.add(SocialInsuranceRecord(person_hash=h(resident("new_resident")["id_number"]), months=26))
    session.add(
        CityPointsRecord(
            person_hash=h(resident("new_resident")["id_number"]),
            total=168,
            breakdown={"社保缴纳": 78, "居住年限": 40, "学历": 30, "技能证书": 20},
        )
    )
    session.add(SocialInsuranceRecord(person_hash=h(resident("no_insurance")["id_number"]), months=7))
    session.add(
        CityPointsRecord(person_hash=h(resident("no_insurance")["id_number"]), total=46, breakdown={"社保缴纳": 21, "居住年限": 25})
    )


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "子梓浩宇欣然一诺雨桐思远可馨俊杰佳怡明轩若曦嘉懿奕辰语涵"


def _applications(session: Session, schools: dict[str, School], rng: random.Random, year: int) -> None:
    """A few hundred applications of this admission year from synthetic families (with their guardianship), for the cockpit."""
    statuses = [ApplicationStatus.SUBMITTED] * 16 + [ApplicationStatus.REVIEWING] * 3 + [ApplicationStatus.WITHDRAWN]
    public = [s for s in schools.values() if s.ownership == "public"]
    families: list[tuple[Citizen, Application]] = []
    for n in range(360):
        school = rng.choice(public)
        born = date(year - 6 if school.level == Level.PRIMARY else year - 12, 1, 1) - timedelta(days=rng.randint(0, 300))
        child_id = make_id_number(JIAOJIANG, born, 500 + n % 400)
        guardian_id = make_id_number(JIAOJIANG, date(1985, 1, 1) + timedelta(days=n * 7), 700 + n % 200)
        guardian = Citizen(
            id_number_hash=hash_id_number(guardian_id, "synthetic"),
            id_number_masked=mask_id_number(guardian_id),
            name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            phone=f"139{n:08d}",
        )
        session.add(guardian)
        status = rng.choice(statuses)
        category = rng.choices("ABC", weights=[6, 3, 2])[0]
        submitted = utcnow() - timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 23))
        child_hash = hash_id_number(child_id, "synthetic")
        session.add(GuardianRecord(child_hash=child_hash, guardian_hash=guardian.id_number_hash, relation="监护人"))
        application = Application(
            child_hash=child_hash,
            child_name=guardian.name[0] + rng.choice(GIVEN) + rng.choice(GIVEN),
            child_id_masked=mask_id_number(child_id),
            child_birth_date=born,
            level=school.level,
            year=year,
            school_id=school.id,
            category=category,
            points=rng.randint(60, 220) if category == "C" else None,
            status=status,
            submitted_at=submitted,
            active_key=None if status == ApplicationStatus.WITHDRAWN else f"{child_hash}:{school.level}:{year}",
        )
        application.history = [
            ApplicationEvent(status=ApplicationStatus.SUBMITTED, step="submitted", actor="seed", note="网上报名已提交", at=submitted)
        ]
        if status != ApplicationStatus.SUBMITTED:
            moved = submitted + timedelta(days=1)
            note = "教育局开始资格审核" if status == ApplicationStatus.REVIEWING else "监护人撤回报名"
            application.history.append(ApplicationEvent(status=status, step=str(status), actor="seed", note=note, at=moved))
        families.append((guardian, application))
    session.flush()  # the guardians get their ids in one batch, then the applications go in another
    for guardian, application in families:
        application.citizen_id = guardian.id
        session.add(application)


def _primary_allocation(session: Session, rng: random.Random, year: int) -> None:
    """The primary schools' allocation run, through the same services an official uses: one school oversubscribed
    (a lottery and a waitlist), most offers accepted, a few declined (the waitlist moves up)."""
    busiest = session.execute(
        select(Application.school_id, func.count())
        .where(Application.year == year, Application.level == Level.PRIMARY, Application.status != ApplicationStatus.WITHDRAWN)
        .group_by(Application.school_id)
        .order_by(func.count().desc(), Application.school_id)
        .limit(1)
    ).one()
    set_seat_plan(session, busiest[0], year=year, planned=max(busiest[1] * 2 // 3, 1))
    run = run_allocation(
        session, year=year, level=Level.PRIMARY, seed=f"{year}0710", dry_run=False, actor="seed", waitlist_percent=20, now=utcnow()
    )
    offered = session.scalars(
        select(Application).where(Application.allocation_run_id == run.id, Application.status == ApplicationStatus.OFFERED)
    ).all()
    for application in offered:
        roll = rng.random()
        if roll < 0.6:
            accept(session, application.citizen_id, application.id)
        elif roll < 0.7:
            decline(session, application.citizen_id, application.id)


def seed_admission(session: Session, pii_key: str, *, with_applications: bool = True) -> str:
    year = admission_year()
    with unit_of_work(session):
        if session.scalar(select(func.count()).select_from(School)) == 0:
            rng = random.Random(2021)
            schools = _schools(session, rng)
            addresses = _addresses(session, rng)
            for school in schools.values():
                for plan_year, planned in ((year - 1, rng.randint(120, 360)), (year, rng.randint(120, 360))):
                    session.add(SeatPlan(school_id=school.id, year=plan_year, planned=planned // 40 * 40))
            for level, tmpl_title, tmpl_body in POLICIES:
                session.add(
                    Policy(
                        year=year,
                        level=level,
                        title=tmpl_title.format(y=year),
                        body=tmpl_body.format(y=year, b=year - 6),
                        published_on=date(year, 4, 20),
                    )
                )
            _registries(session, addresses, pii_key, year)
            if with_applications:
                _applications(session, schools, rng, year)
                _primary_allocation(session, rng, year)
    reference.invalidate()
    schools = session.scalar(select(func.count()).select_from(School))
    return (
        f"admission {year}: {schools} schools, {session.scalar(select(func.count()).select_from(Address))} "
        f"addresses, {session.scalar(select(func.count()).select_from(Application))} applications"
    )
