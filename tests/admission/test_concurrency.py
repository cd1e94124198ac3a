"""On PostgreSQL, with real concurrent connections: seats never exceed the plan, a property never locks two seats."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from api.admission.models import Application, ApplicationStatus, Level, SeatOccupancy
from api.admission.runs import run_allocation
from api.extensions import db
from tests.admission.helpers import guardian_headers, make_application, make_guardian, make_property, make_school, set_planned, year
from tests.concurrency import at_once
from tests.factories import staff_headers

pytestmark = pytest.mark.postgres
APPS = "/api/v1/admission/applications"


def test_concurrent_manual_admissions_into_the_last_seat_admit_exactly_one(app, client):
    school = make_school(planned=None)
    ids = [make_application(school).id for _ in range(10)]
    set_planned(school.id, year(), 1)
    headers = staff_headers(client)
    answers = at_once(
        app,
        10,
        lambda c, i: c.post(f"{APPS}/{ids[i]}/decision", json={"decision": "admitted", "note": "复核后录取"}, headers=headers),
    )
    outcomes = Counter((a.status_code, (a.json or {}).get("error")) for a in answers)
    assert outcomes == {(200, None): 1, (409, "no_seats_left"): 9}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Application).where(Application.status == ApplicationStatus.ADMITTED)) == 1


def test_fifty_guardians_accepting_and_declining_at_once_never_overfill_the_plan_or_lock_a_property_twice(app):
    """A school with 30 places offered and 20 children waiting; ten other schools each offered one child through the same
    property. At once: those ten accept, 15 of the 30 accept, 10 decline, and 15 waiting guardians try to accept (some
    are moved up while they try); 5 offered guardians do nothing yet."""
    planned = 30
    school = make_school(planned=planned)
    offered = [(g := make_guardian(), make_application(school, g, property_no=make_property(g))) for _ in range(30)]
    waiting = [(g := make_guardian(), make_application(school, g, category="B")) for _ in range(20)]
    owner = make_guardian()
    shared_property = make_property(owner)
    elsewhere = [
        (g := owner if i == 0 else make_guardian(), make_application(make_school(planned=1), g, property_no=shared_property))
        for i in range(10)
    ]
    run_allocation(db.session, year=year(), level=Level.PRIMARY, seed="50", dry_run=False, actor="test", waitlist_percent=100)
    families = elsewhere + offered[:25] + waiting[:15]
    actions = ["accept"] * 10 + ["accept"] * 15 + ["decline"] * 10 + ["accept"] * 15
    headers = [guardian_headers(app.test_client(), guardian) for guardian, _ in families]
    urls = [f"{APPS}/{application.id}/{action}" for (_, application), action in zip(families, actions, strict=True)]

    answers = at_once(app, 50, lambda c, i: c.post(urls[i], headers=headers[i]))

    outcomes = Counter((actions[i], a.status_code, (a.json or {}).get("error")) for i, a in enumerate(answers))
    assert not [a for a in answers if a.status_code >= 500]
    assert outcomes[("decline", 200, None)] == 10
    shared = Counter((a.status_code, (a.json or {}).get("error")) for a in answers[:10])
    assert shared == {(200, None): 1, (409, "seat_locked"): 9}
    db.session.expire_all()
    locks = Counter(db.session.scalars(select(SeatOccupancy.property_no)))
    assert locks[shared_property] == 1 and max(locks.values()) == 1
    counts = Counter(db.session.scalars(select(Application.status).where(Application.school_id == school.id)))
    assert counts[ApplicationStatus.ADMITTED] + counts[ApplicationStatus.OFFERED] == planned  # every freed place went on at once
    assert counts[ApplicationStatus.ADMITTED] >= 15 and counts[ApplicationStatus.DECLINED] == 10
    assert counts[ApplicationStatus.WAITLISTED] == 10
    positions = sorted(
        db.session.scalars(
            select(Application.waitlist_position).where(
                Application.school_id == school.id, Application.status == ApplicationStatus.WAITLISTED
            )
        )
    )
    assert positions == list(range(1, 11))
