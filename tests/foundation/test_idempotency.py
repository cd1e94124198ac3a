"""Idempotency-Key: the same key from the same caller creates once and replays the first answer."""

from __future__ import annotations

import pytest
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import func, select

from api import create_app
from api.auth.guards import requires
from api.auth.models import AuditEntry
from api.auth.service import record_access
from api.common.db import unit_of_work
from api.common.idempotency import idempotent
from api.errors import Conflict
from api.extensions import db
from tests.assertions import assert_error_shape
from tests.factories import citizen_headers


class NoteIn(Schema):
    text = fields.String(required=True)


class NoteOut(Schema):
    id = fields.Integer()
    text = fields.String()


@pytest.fixture
def notes_app(database_url):
    """An app with one creating route (it writes an audit row), to exercise the mechanism alone."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    blp = Blueprint("notes", __name__, url_prefix="/api/v1/notes")

    @blp.route("/")
    class Notes(MethodView):
        @requires("citizen")
        @idempotent
        @blp.arguments(NoteIn)
        @blp.response(201, NoteOut)
        def post(self, data):
            """Create a note"""
            if data["text"] == "refuse":
                raise Conflict()
            with unit_of_work(db.session):
                record_access(db.session, actor="test", action="note", detail=data["text"])
            return {"id": db.session.scalar(select(func.max(AuditEntry.id))), "text": data["text"]}

    app.register_blueprint(blp)
    with app.app_context():
        yield app


def _notes() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "note"))


def test_a_replayed_key_returns_the_first_answer_and_creates_nothing_more(notes_app):
    client = notes_app.test_client()
    headers = citizen_headers(client, "parent_a") | {"Idempotency-Key": "k-1"}
    first = client.post("/api/v1/notes/", json={"text": "a"}, headers=headers)
    again = client.post("/api/v1/notes/", json={"text": "a"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert _notes() == 1


def test_the_same_key_from_another_caller_is_another_request(notes_app):
    client = notes_app.test_client()
    for key in ("parent_a", "parent_b"):
        headers = citizen_headers(client, key) | {"Idempotency-Key": "shared"}
        assert client.post("/api/v1/notes/", json={"text": "a"}, headers=headers).status_code == 201
    assert _notes() == 2


def test_reusing_a_key_for_a_different_body_is_refused(notes_app):
    client = notes_app.test_client()
    headers = citizen_headers(client, "parent_a") | {"Idempotency-Key": "k-2"}
    client.post("/api/v1/notes/", json={"text": "a"}, headers=headers)
    answer = client.post("/api/v1/notes/", json={"text": "b"}, headers=headers)
    assert_error_shape(answer, 422, "idempotency_key_reused")
    assert _notes() == 1


def test_a_refused_request_keeps_no_key_so_a_corrected_retry_runs(notes_app):
    client = notes_app.test_client()
    headers = citizen_headers(client, "parent_a") | {"Idempotency-Key": "k-3"}
    assert_error_shape(client.post("/api/v1/notes/", json={"text": "refuse"}, headers=headers), 409, "conflict")
    assert _notes() == 0
    assert client.post("/api/v1/notes/", json={"text": "refuse"}, headers=headers).status_code == 409
