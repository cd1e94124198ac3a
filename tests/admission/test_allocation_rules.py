"""The published allocation rules, tested as properties over random schools, seats and applicants (no database)."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from api.admission.allocation import CATEGORY_ORDER, Applicant, SchoolSeats, allocate, draw_lottery, lottery_decided


@st.composite
def worlds(draw):
    school_ids = draw(st.lists(st.integers(1, 50), min_size=1, max_size=4, unique=True))
    seats = {}
    for school_id in school_ids:
        planned = draw(st.integers(0, 12))
        seats[school_id] = SchoolSeats(planned, free=draw(st.integers(0, planned)))  # some seats may be held already
    applicants = [
        Applicant(application_id, draw(st.sampled_from(school_ids)), category, draw(st.integers(0, 6)) * 10 if category == "C" else None)
        for application_id, category in zip(
            draw(st.lists(st.integers(1, 10_000), max_size=60, unique=True)),
            draw(st.lists(st.sampled_from("ABC"), min_size=60, max_size=60)),
            strict=False,
        )
    ]
    return seats, applicants, draw(st.text("0123456789abcdef", min_size=1, max_size=12)), draw(st.integers(0, 50))


def rank_of(applicant: Applicant) -> tuple:
    return (CATEGORY_ORDER[applicant.category], -(applicant.points or 0) if applicant.category == "C" else 0)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_no_applicant_is_passed_over_for_a_lower_category_or_fewer_points(world):
    seats, applicants, seed, percent = world
    _, placements = allocate(seats, applicants, seed, waitlist_percent=percent)
    by_id = {a.application_id: a for a in applicants}
    for school_id in seats:
        here = [p for p in placements if p.school_id == school_id]
        offered = [by_id[p.application_id] for p in here if p.outcome == "offered"]
        passed_over = [by_id[p.application_id] for p in here if p.outcome != "offered"]
        for left in passed_over:
            assert all(rank_of(taken) <= rank_of(left) for taken in offered), (left, offered)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_offers_never_exceed_the_free_seats_and_the_waitlist_is_numbered_in_rank_order(world):
    seats, applicants, seed, percent = world
    results, placements = allocate(seats, applicants, seed, waitlist_percent=percent)
    assert len(placements) == len(applicants)
    for result in results:
        here = [p for p in placements if p.school_id == result.school_id]
        offers = [p for p in here if p.outcome == "offered"]
        waitlist = sorted((p for p in here if p.outcome == "waitlisted"), key=lambda p: p.rank)
        assert len(offers) == result.offers <= seats[result.school_id].free
        assert len(offers) == min(seats[result.school_id].free, len(here))  # no seat is left empty while someone waits
        assert [p.waitlist_position for p in waitlist] == list(range(1, len(waitlist) + 1))
        assert all(o.rank < w.rank for o in offers for w in waitlist)


@settings(max_examples=100, deadline=None)
@given(worlds())
def test_the_same_seed_gives_the_same_result_whatever_order_the_applications_come_in(world):
    seats, applicants, seed, percent = world
    shuffled = list(applicants)
    random.Random(1).shuffle(shuffled)
    assert allocate(seats, applicants, seed, waitlist_percent=percent) == allocate(seats, shuffled, seed, waitlist_percent=percent)


@settings(max_examples=200, deadline=None)
@given(worlds(), st.text("0123456789", min_size=1, max_size=8))
def test_another_seed_changes_only_the_places_the_lottery_decides(world, other_seed):
    seats, applicants, seed, percent = world
    results, first = allocate(seats, applicants, seed, waitlist_percent=percent)
    _, second = allocate(seats, applicants, other_seed, waitlist_percent=percent)
    by_school = {r.school_id: r for r in results}
    offered_first = {p.application_id for p in first if p.outcome == "offered"}
    offered_second = {p.application_id for p in second if p.outcome == "offered"}
    for applicant in applicants:
        if not lottery_decided(by_school[applicant.school_id], applicant):
            assert (applicant.application_id in offered_first) == (applicant.application_id in offered_second), applicant


def test_the_lottery_can_be_redrawn_by_anyone_with_the_seed_and_the_application_numbers():
    ids = [17, 3, 250, 42]
    redraw = random.Random("20270710")
    assert draw_lottery("20270710", ids) == {i: redraw.random() for i in sorted(ids)}
    assert draw_lottery("20270710", ids) != draw_lottery("20270711", ids)


def test_category_a_fills_first_then_b_by_lottery_and_c_by_points():
    applicants = [Applicant(1, 1, "C", 200), Applicant(2, 1, "B"), Applicant(3, 1, "A"), Applicant(4, 1, "B"), Applicant(5, 1, "C", 90)]
    results, placements = allocate({1: SchoolSeats(3, 3)}, applicants, "seed", waitlist_percent=50)
    outcome = {p.application_id: p.outcome for p in placements}
    assert outcome[3] == outcome[2] == outcome[4] == "offered"
    assert outcome[1] == "waitlisted" and outcome[5] == "waitlisted"  # 2 waitlist places: 50% of 3, rounded up
    assert results[0].cutoff_category == "B" and results[0].cutoff_points is None and results[0].lottery_decided is False


def test_the_cut_off_of_category_c_is_the_points_of_the_last_place_and_ties_go_to_the_lottery():
    applicants = [Applicant(i, 1, "C", points) for i, points in enumerate([150, 120, 120, 120, 90], start=1)]
    results, placements = allocate({1: SchoolSeats(3, 3)}, applicants, "seed", waitlist_percent=0)
    offered = {p.application_id for p in placements if p.outcome == "offered"}
    assert 1 in offered and 5 not in offered and len(offered & {2, 3, 4}) == 2
    assert (results[0].cutoff_category, results[0].cutoff_points, results[0].lottery_decided) == ("C", 120, True)
    refused = next(p for p in placements if p.outcome == "not_offered" and p.application_id != 5)
    assert "未获学位" in refused.reason and "第 " in refused.reason
