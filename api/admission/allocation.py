"""The published allocation rules (派位): who gets a school's places, in which order. Pure: no database.

Per school, places go to category A, then B, then C. Inside A and inside B every applicant holds a
lottery number (摇号) drawn from the run's published seed; it decides only when a category does not
fit in the places left. Category C is ranked by city points (积分), highest first; equal points are
ordered by the same lottery. The first applicants in that order are offered the places; the next
ones, up to the waitlist length, are waitlisted in that order; the rest are not offered a place.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

RULES_VERSION = "2027.1"  # stored with every run: which version of these rules produced it
CATEGORY_ORDER = {"A": 0, "B": 1, "C": 2}


@dataclass(frozen=True)
class Applicant:
    application_id: int
    school_id: int
    category: str  # "A" | "B" | "C"
    points: int | None = None  # 积分, category C only


@dataclass(frozen=True)
class SchoolSeats:
    planned: int  # 计划学位
    free: int  # planned minus the places already offered or admitted before this run


@dataclass(frozen=True)
class Placement:
    application_id: int
    school_id: int
    category: str
    points: int | None
    lottery: float
    rank: int  # 1-based place in the school's order
    outcome: str  # offered | waitlisted | not_offered
    waitlist_position: int | None
    reason: str


@dataclass
class SchoolResult:
    school_id: int
    planned: int
    free: int
    applicants: dict[str, int] = field(default_factory=dict)
    offers: int = 0
    offers_by_category: dict[str, int] = field(default_factory=dict)
    cutoff_category: str | None = None
    cutoff_points: int | None = None
    lottery_decided: bool = False  # the cut-off fell inside a group only the lottery could order
    waitlist: int = 0
    not_offered: int = 0


def draw_lottery(seed: str, application_ids: Iterable[int]) -> dict[int, float]:
    """Each application's lottery number, from the published seed.

    Reproducible anywhere: ``random.Random(seed)`` seeds a Mersenne Twister from the SHA-512 of the
    seed's text (Python's guaranteed "version 2" seeding, independent of PYTHONHASHSEED, platform and
    database), and ``random()`` is the one method whose sequence Python promises not to change across
    versions. The numbers are drawn in a canonical order, application numbers ascending, never in the
    order a database happened to return the rows. So anyone with the seed and the list of application
    numbers can redraw them: ``r = random.Random(seed); {i: r.random() for i in sorted(ids)}``.
    """
    rng = random.Random(seed)
    return {application_id: rng.random() for application_id in sorted(set(application_ids))}


def waitlist_length(planned: int, percent: int) -> int:
    return math.ceil(planned * percent / 100)


def order_key(applicant: Applicant, lottery: dict[int, float]) -> tuple:
    """A before B before C; C by points, highest first; then the lottery; the application number settles a (never seen) tie."""
    points = -(applicant.points or 0) if applicant.category == "C" else 0
    return (CATEGORY_ORDER[applicant.category], points, lottery[applicant.application_id], applicant.application_id)


def _group(applicant: Applicant) -> tuple:
    """Applicants the rules cannot tell apart except by the lottery."""
    return (applicant.category, applicant.points or 0) if applicant.category == "C" else (applicant.category,)


def _reason(outcome: str, applicant: Applicant, rank: int, result: SchoolResult, position: int | None) -> str:
    if outcome == "offered":
        return f"按{applicant.category}类排第 {rank} 位,在本次可分配的 {result.free} 个学位内,获得学位"
    if outcome == "waitlisted":
        return f"按{applicant.category}类排第 {rank} 位,超出本次可分配的 {result.free} 个学位,列候补第 {position} 位"
    return f"按{applicant.category}类排第 {rank} 位,超出本次可分配的 {result.free} 个学位及 {result.waitlist} 个候补名额,未获学位"


def allocate_school(
    school_id: int, seats: SchoolSeats, applicants: list[Applicant], lottery: dict[int, float], waitlist_percent: int
) -> tuple[SchoolResult, list[Placement]]:
    ordered = sorted(applicants, key=lambda a: order_key(a, lottery))
    free = max(seats.free, 0)
    result = SchoolResult(school_id, seats.planned, free, applicants=dict(Counter(a.category for a in ordered)))
    result.waitlist = min(waitlist_length(seats.planned, waitlist_percent), max(len(ordered) - free, 0))
    offered = ordered[:free]
    result.offers = len(offered)
    result.offers_by_category = dict(Counter(a.category for a in offered))
    result.not_offered = len(ordered) - result.offers - result.waitlist
    if offered:
        last = offered[-1]
        result.cutoff_category = last.category
        result.cutoff_points = last.points if last.category == "C" else None
        result.lottery_decided = any(_group(a) == _group(last) for a in ordered[free:])
    placements = []
    for rank, applicant in enumerate(ordered, start=1):
        if rank <= free:
            outcome, position = "offered", None
        elif rank <= free + result.waitlist:
            outcome, position = "waitlisted", rank - free
        else:
            outcome, position = "not_offered", None
        placements.append(
            Placement(
                applicant.application_id,
                school_id,
                applicant.category,
                applicant.points,
                lottery[applicant.application_id],
                rank,
                outcome,
                position,
                _reason(outcome, applicant, rank, result, position),
            )
        )
    return result, placements


def allocate(
    seats: dict[int, SchoolSeats], applicants: Iterable[Applicant], seed: str, *, waitlist_percent: int
) -> tuple[list[SchoolResult], list[Placement]]:
    """Place every applicant at the school applied to; schools in id order, each school's placements in rank order."""
    applicants = list(applicants)
    lottery = draw_lottery(seed, (a.application_id for a in applicants))
    by_school: dict[int, list[Applicant]] = {school_id: [] for school_id in seats}
    for applicant in applicants:
        by_school[applicant.school_id].append(applicant)  # a KeyError here is a school without a seat plan: callers check
    results, placements = [], []
    for school_id in sorted(by_school):
        result, placed = allocate_school(school_id, seats[school_id], by_school[school_id], lottery, waitlist_percent)
        results.append(result)
        placements.extend(placed)
    return results, placements


def lottery_decided(result: SchoolResult, applicant: Applicant) -> bool:
    """Whether the seed, not the published order, decided if this applicant got a place."""
    if not result.lottery_decided or result.cutoff_category is None:
        return False
    if applicant.category != result.cutoff_category:
        return False
    return applicant.category != "C" or (applicant.points or 0) == (result.cutoff_points or 0)
