"""The cockpit reads from a real PostgreSQL streaming replica (COCKPIT_DATABASE_URL) while the API writes to the
primary: scripts/replica.sh starts one with pg_basebackup, and the overview shows what the API just wrote."""

from __future__ import annotations

import os
import subprocess
import time

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from api.common.db import local_now
from api.extensions import db
from api.greencoins.models import EntryKind, LedgerEntry
from config import PROJECT_ROOT
from tests.browser import free_port
from tests.cockpit.conftest import signed_in_cockpit
from tests.factories import citizen_headers, make_partner_key

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def replica_port():
    port = free_port()
    env = os.environ | {"REPLICA_PORT": str(port), "REPLICA_DATA": f"/tmp/zheli-replica-test-{port}"}
    subprocess.run([str(PROJECT_ROOT / "scripts" / "replica.sh"), "start"], env=env, check=True, timeout=600)
    yield port
    subprocess.run([str(PROJECT_ROOT / "scripts" / "replica.sh"), "stop"], env=env, check=False, timeout=120)


def caught_up(primary_url: str, replica_url: str, timeout: float = 30) -> None:
    with psycopg.connect(primary_url) as primary:
        target = primary.execute("select pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with psycopg.connect(replica_url, autocommit=True) as replica:
        while time.monotonic() < deadline:
            if replica.execute("select pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0]:
                return
            time.sleep(0.1)
    raise TimeoutError("the replica did not catch up")


def test_the_cockpit_reads_from_the_replica_what_the_api_wrote_to_the_primary(demo_data, client, database_url, replica_port, monkeypatch):
    replica = make_url(database_url).set(port=replica_port)
    replica_url = replica.render_as_string(hide_password=False)
    plain = lambda url: url.set(drivername="postgresql").render_as_string(hide_password=False)  # noqa: E731
    monkeypatch.setenv("COCKPIT_DATABASE_URL", replica_url)

    headers = citizen_headers(client)
    code = client.get("/api/v1/greencoins/me/code", headers=headers).json["code"]
    answer = client.post(
        "/api/v1/greencoins/events",
        headers={"X-Api-Key": make_partner_key(behaviors=("garbage_sorting",))},
        json={
            "citizen_code": code,
            "behavior": "garbage_sorting",
            "quantity": 2,
            "occurred_at": local_now().isoformat(timespec="seconds"),
            "source_event_id": "replica-proof-1",
        },
    )
    assert answer.status_code in (200, 201), answer.json
    assert answer.json["coins_awarded"] > 0
    earned = db.session.scalar(select(func.sum(LedgerEntry.amount)).where(LedgerEntry.kind == EntryKind.EARN))
    caught_up(plain(make_url(database_url)), plain(replica))

    with psycopg.connect(plain(replica)) as conn:
        assert conn.execute("select pg_is_in_recovery()").fetchone()[0]  # a standby: it cannot take writes
    at = signed_in_cockpit("eco1")  # the session is written to the primary; the pages read the replica
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    shown = next(m.value for m in at.metric if m.label == "累计发放绿币")
    assert int(shown.replace(",", "")) == earned
