"""Health, the OpenAPI document and the offline docs page."""

from __future__ import annotations

import re

from api import create_app
from tests.assertions import assert_error_shape


def test_health_answers_ok_when_the_database_answers(client):
    answer = client.get("/api/v1/health")
    assert answer.status_code == 200 and answer.json == {"status": "ok", "database": "ok"}


def test_health_answers_503_in_the_error_shape_when_the_database_is_gone(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.db")
    body = assert_error_shape(app.test_client().get("/api/v1/health"), 503, "database_unavailable")
    assert body["details"] == {"database": "unavailable"}


def test_the_openapi_document_lists_the_routes_and_security_schemes(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"].startswith("浙里民生")
    assert "/api/v1/health" in spec["paths"] and "/api/v1/auth/zlb/exchange" in spec["paths"]
    assert {"bearerAuth", "apiKey"} <= set(spec["components"]["securitySchemes"])


def test_the_docs_page_loads_its_assets_locally_and_names_no_external_host(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "docs page references an external host"
    assets = re.findall(r"(?:src|href)=\"(/api/v1/docs/assets/[^\"]+)\"", html)
    assert len(assets) >= 2
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_the_load_benchmarks_constant_endpoint_exists_only_when_asked_for(client):
    assert client.get("/api/v1/_bench/constant").status_code == 404
    bench = create_app("testing", BENCH_BARE_ENDPOINT=True).test_client()
    assert bench.get("/api/v1/_bench/constant").json == {"ok": True}
