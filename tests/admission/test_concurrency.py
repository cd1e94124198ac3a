"""On PostgreSQL, concurrent admissions into a school with one seat left admit exactly one child."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from api.admission.models import Application, ApplicationStatus, Level
from api.auth.models import Citizen
from api.common.db import unit_of_work
from api.extensions import db
from tests.admission.helpers import admission_world, school_named, set_planned
from tests.concurrency import at_once
from tests.factories import staff_headers

pytestmark = pytest.mark.postgres


def test_concurrent_admissions_into_the_last_seat_admit_exactly_one(app, client):
    admission_world()
    school = school_named("椒江区海门小学")
    with unit_of_work(db.session):
        ids = []
        for n in range(10):
            guardian = Citizen(id_number_hash=f"g{n}", id_number_masked="x", name=f"家长{n}", phone="13900000000")
            db.session.add(guardian)
            db.session.flush()
            application = Application(
                citizen_id=guardian.id, child_hash=f"c{n}", child_name=f"孩子{n}", child_id_masked="x",
                child_birth_date=date(2020, 1, 1) + timedelta(days=n), level=Level.PRIMARY, year=2027,
                school_id=school.id, category="A", status=ApplicationStatus.SUBMITTED, active_key=f"c{n}")
            db.session.add(application)
            db.session.flush()
            ids.append(application.id)
    set_planned(school.id, 2027, 1)
    headers = staff_headers(client)
    answers = at_once(app, 10, lambda c, i: c.post(f"/api/v1/admission/applications/{ids[i]}/decision",
                                                   json={"decision": "admitted"}, headers=headers))
    outcomes = Counter((a.status_code, (a.json or {}).get("error")) for a in answers)
    assert outcomes == {(200, None): 1, (409, "no_seats_left"): 9}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Application).where(
        Application.status == ApplicationStatus.ADMITTED)) == 1
