"""The load benchmark's ceilings: a constant answer, one database read, one durable write (opt-in only)."""

from __future__ import annotations

from api import create_app


def test_the_read_and_write_ceilings_exist_only_when_asked_for():
    client = create_app("testing").test_client()
    assert client.get("/api/v1/_bench/read").status_code == 404
    assert client.post("/api/v1/_bench/write").status_code == 404


def test_the_write_ceiling_commits_one_row_that_the_read_ceiling_then_finds(tmp_path):
    app = create_app("testing", BENCH_BARE_ENDPOINT=True, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'bench.db'}")
    bench = app.test_client()
    assert bench.get("/api/v1/_bench/read").json == {"id": None, "note": None}
    first = bench.post("/api/v1/_bench/write")
    assert first.status_code == 201 and first.json == {"id": 1}
    assert bench.post("/api/v1/_bench/write").json == {"id": 2}
    assert bench.get("/api/v1/_bench/read").json == {"id": 1, "note": "bench"}
