"""金融助渔: a partner reads a vessel's credit only under the captain's consent; every read is audited and shown to the captain."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from api.auth.models import AuditEntry
from api.common.db import unit_of_work, utcnow
from api.extensions import db
from api.pickup.consent import CREDIT_SCOPE
from api.pickup.models import CreditConsent, CreditRead
from tests.assertions import assert_error_shape
from tests.factories import make_partner_key
from tests.pickup.helpers import captain, pickup_world

BANK = "台州银行椒江支行"


@pytest.fixture(autouse=True)
def _world():
    pickup_world()


@pytest.fixture
def bank_key():
    return make_partner_key(BANK, behaviors=(CREDIT_SCOPE,), key="bank-key-1")


def consent(client, headers, vessel, *, partner=BANK, days=30):
    body = {"partner": partner, "expires_at": (utcnow() + timedelta(days=days)).isoformat()}
    return client.post(f"/api/v1/pickup/vessels/{vessel}/consents", json=body, headers=headers)


def read(client, key, vessel_no="浙椒渔77033"):
    return client.get(f"/api/v1/partners/vessels/{vessel_no}/credit", headers={"X-Api-Key": key})


def audited(outcome: str) -> int:
    return len(db.session.scalars(select(AuditEntry).where(AuditEntry.detail == f"outcome={outcome}")).all())


def test_with_consent_the_partner_reads_score_and_colour_and_the_captain_sees_the_read(client, bank_key):
    headers, vessel = captain(client)
    given = consent(client, headers, vessel)
    assert given.status_code == 201 and given.json["status"] == "active" and given.json["partner"] == BANK
    answer = read(client, bank_key)
    assert answer.status_code == 200 and answer.json | {"as_of": None} == {
        "vessel_no": "浙椒渔77033",
        "score": 70,
        "color": "yellow",
        "as_of": None,
    }
    reads = client.get(f"/api/v1/pickup/vessels/{vessel}/credit-reads", headers=headers).json["items"]
    assert [(r["partner"], r["allowed"]) for r in reads] == [(BANK, True)]
    assert audited("consent") == 1


def test_without_consent_the_partner_is_refused_and_the_attempt_audited(client, bank_key):
    headers, vessel = captain(client)
    body = assert_error_shape(read(client, bank_key), 403, "consent_required")
    assert "未授权" in body["message"]
    assert audited("no_consent") == 1
    reads = client.get(f"/api/v1/pickup/vessels/{vessel}/credit-reads", headers=headers).json["items"]
    assert [(r["allowed"], r["outcome"]) for r in reads] == [(False, "no_consent")]


def test_an_expired_consent_is_refused_and_audited(client, bank_key):
    headers, vessel = captain(client)
    consent(client, headers, vessel)
    with unit_of_work(db.session):
        db.session.scalar(select(CreditConsent)).expires_at = utcnow() - timedelta(minutes=1)
    assert_error_shape(read(client, bank_key), 403, "consent_required")
    assert audited("expired") == 1
    assert client.get(f"/api/v1/pickup/vessels/{vessel}/consents", headers=headers).json["items"][0]["status"] == "expired"


def test_consent_for_one_vessel_does_not_open_another(client, bank_key):
    headers, vessel = captain(client)
    consent(client, headers, vessel)
    captain(client, "captain_red", "浙椒渔60218")
    assert_error_shape(read(client, bank_key, "浙椒渔60218"), 403, "consent_required")
    assert_error_shape(read(client, bank_key, "浙椒渔99999"), 403, "consent_required")
    assert audited("no_consent") == 1 and audited("unknown_vessel") == 1


def test_a_revoked_consent_stops_reads_at_once(client, bank_key):
    headers, vessel = captain(client)
    given = consent(client, headers, vessel).json
    assert read(client, bank_key).status_code == 200
    revoked = client.post(f"/api/v1/pickup/vessels/{vessel}/consents/{given['id']}/revoke", headers=headers)
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert_error_shape(read(client, bank_key), 403, "consent_required")


def test_another_partner_is_not_covered_by_the_banks_consent(client, bank_key):
    insurer = make_partner_key("人保财险椒江支公司", behaviors=(CREDIT_SCOPE,), key="insurer-key-1")
    headers, vessel = captain(client)
    consent(client, headers, vessel)
    assert_error_shape(read(client, insurer), 403, "consent_required")
    assert read(client, bank_key).status_code == 200


@pytest.mark.parametrize(
    ("partner", "days"),
    [(BANK, -1), (BANK, 400), (True, 30), ([], 30), (" ", 30), ("\ufeff", 30), ("银" * 101, 30)],
)
def test_consent_is_refused_for_a_malformed_partner_or_a_bad_expiry(client, bank_key, partner, days):
    make_partner_key()  # a garbage-bin partner: not a credit reader
    headers, vessel = captain(client)
    assert_error_shape(consent(client, headers, vessel, partner=partner, days=days), 422, "validation_error")
    assert db.session.scalar(select(CreditConsent)) is None


@pytest.mark.parametrize("partner", ["不存在的银行", "测试垃圾分类箱", 424242])
def test_consent_to_a_partner_that_is_not_a_credit_reader_is_not_found(client, bank_key, partner):
    make_partner_key()  # a garbage-bin partner: not a credit reader
    headers, vessel = captain(client)
    body = assert_error_shape(consent(client, headers, vessel, partner=partner, days=30), 404, "not_found")
    assert "partner" in body["details"]


def test_only_the_owner_gives_consent_and_sees_reads(client, bank_key):
    from tests.factories import citizen_headers

    _, vessel = captain(client)
    other = citizen_headers(client, "captain_red")
    assert_error_shape(consent(client, other, vessel), 404, "not_found")
    assert_error_shape(client.get(f"/api/v1/pickup/vessels/{vessel}/credit-reads", headers=other), 404, "not_found")
    partners = client.get("/api/v1/pickup/credit-partners", headers=other).json["items"]
    assert [p["name"] for p in partners] == [BANK]


def test_a_read_without_a_key_is_unauthorized_and_records_nothing(client):
    captain(client)
    assert_error_shape(client.get("/api/v1/partners/vessels/浙椒渔77033/credit"), 401, "unauthorized")
    assert db.session.scalar(select(CreditRead)) is None


def test_a_read_of_a_malformed_vessel_number_is_refused_and_still_recorded(client, bank_key):
    assert_error_shape(read(client, bank_key, "浙椒渔%00%00" + "7" * 40), 403, "consent_required")
    row = db.session.scalar(select(CreditRead))
    assert row.allowed is False and row.outcome == "unknown_vessel" and "\x00" not in row.vessel_no and len(row.vessel_no) <= 20
