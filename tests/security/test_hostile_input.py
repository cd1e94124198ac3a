"""No input of any shape answers 500 (SPEC §12.1): hostile JSON bodies for EVERY write route, hostile query strings
and path segments for EVERY read route, as every kind of caller.

The routes are enumerated from the application's URL map at run time (routes added later are covered without
editing this file); the field and query names come from the OpenAPI document, so each field is hit with each
class of hostile value. Two passes per route: a sweep that sends every hostile class at least once, then
hypothesis draws combinations (several fields, several classes, random credentials). Every answer must be below
500 and, if an error, in the SPEC §2 shape. The number of generated cases per class is printed at the end.

Classes: deep nesting, huge integer literals, huge or non-finite decimals, lone UTF-16 surrogates, NUL characters,
calendar-edge datetimes with offsets, wrong JSON types, forged pagination cursors, invalid UTF-8, long strings,
odd Unicode, non-ASCII digits, hostile headers (tokens, keys, Idempotency-Key), hostile path segments, top-level
non-objects, unknown fields.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.auth.models import StaffUser
from api.auth.roles import STAFF_ROLES
from api.auth.service import staff_principal
from api.auth.tokens import issue_token
from api.common.db import unit_of_work
from api.extensions import api as smorest_api
from api.extensions import db
from tests.factories import citizen_headers, make_partner_key
from tests.security.helpers import make_station

WRITE_EXAMPLES = 10  # per write route, after the sweep
READ_EXAMPLES = 6  # per read route, after the sweep
COUNTS: Counter[str] = Counter()
SNAKE = re.compile(r"[a-z][a-z0-9_]*")
# Routes that end the caller's own session: called anonymously only, so the other cases keep their credentials.
SESSION_ENDING = {"/api/v1/auth/logout"}


def j(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


YEARS = ["0001", "0000", "1899", "1900", "1970", "2038", "2100", "2101", "9999"]
OFFSETS = ["Z", "+14:00", "-14:00", "+23:59", "-23:59", "+24:00", "+08:00", "", "+99:99", "-00:00"]
DAYS = ["01-01", "12-31", "02-29", "02-30", "13-01", "00-00", "06-31"]
TIMES = ["T00:00:00", "T23:59:59", "T24:00:00", "T23:59:60", "T12:00:00.999999", ""]
edge_datetimes = st.builds(
    lambda y, d, t, o: f"{y}-{d}{t}{o if t else ''}",
    st.sampled_from(YEARS),
    st.sampled_from(DAYS),
    st.sampled_from(TIMES),
    st.sampled_from(OFFSETS),
)
FORGED_CURSORS = st.one_of(
    st.builds(_cursor, st.fixed_dictionaries({"after": st.sampled_from([True, None, "1", 1.5, [1], {"a": 1}, 10**30, -5, 0, 2**31])})),
    st.builds(
        _cursor,
        st.dictionaries(
            st.sampled_from(["after", "at", "source", "id", "s", "i", "t", "k"]),
            st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.text(max_size=5), st.lists(st.integers(), max_size=3)),
            max_size=4,
        ),
    ),
    st.builds(_cursor, st.sampled_from([[1, 2], "x", 1, None, [[[[1]]]]])),
    st.sampled_from(["!!!", "====", "%00", "a" * 300, "eyJhZnRlciI6IDF9" * 20, "５"]),
)
OTHER_DIGITS = "０１２３４５６７８９٠١٢٣٤٥٦٧٨٩०१२३४५६७८९"

# Hostile JSON values, as raw JSON text (so that NaN, 1e400 and 6000-digit integers reach the server as sent).
VALUE_CLASSES: dict[str, st.SearchStrategy[str]] = {
    "deep_nesting": st.one_of(
        st.integers(33, 150_000).map(lambda n: "[" * n + "]" * n),
        st.integers(33, 3000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    ),
    "huge_integer": st.one_of(
        st.integers(20, 6000).map(lambda n: "9" * n),
        st.integers(2**31, 10**40).map(str),
        st.integers(-(10**40), -(2**31)).map(str),
    ),
    "huge_or_nonfinite_decimal": st.one_of(
        st.sampled_from(
            ["1e400", "-1e400", "1e308", "-1e308", "NaN", "Infinity", "-Infinity", "1E-400", "4.9e-324", "1e10", "9007199254740993"]
        ),
        st.integers(20, 5000).map(lambda n: "1." + "7" * n),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
    ),
    "lone_surrogate": st.sampled_from(['"\\ud800"', '"a\\udfffb"', '"\\udc00\\ud800"', '"浙椒渔\\ud83d"', '["\\ud800"]']),
    "nul_character": st.sampled_from(['"\\u0000"', '"a\\u0000b"', '"浙椒渔\\u000077033"', '"123456\\u0000"', '{"\\u0000": 1}']),
    "calendar_edge_datetime": edge_datetimes.map(j),
    "wrong_json_type": st.sampled_from(["null", "true", "false", "[]", "{}", "[1,2]", '{"a":1}', '""', "0", "-1", "1.5", '"1"', "[[]]"]),
    "forged_cursor": FORGED_CURSORS.map(j),
    "long_string": st.integers(300, 200_000).map(lambda n: j("字" * n)),
    "odd_unicode": st.text(min_size=1, max_size=40).map(j),
    "non_ascii_digits": st.text(alphabet=OTHER_DIGITS, min_size=1, max_size=20).map(j),
}
BODY_ONLY_CLASSES: dict[str, st.SearchStrategy[bytes]] = {
    "invalid_utf8": st.sampled_from([b'{"a": "\xff\xfe"}', b"\xff", b'{"username": "\xc0\xaf"}', b'"\xed\xa0\x80"']),
    "top_level_non_object": st.sampled_from(["[]", "null", '"x"', "1", "true", "[{}]", "1e400", "NaN"]).map(str.encode),
    "malformed_json": st.sampled_from([b"{", b'{"a":}', b"{'a': 1}", b'{"a": 1,}', b"\x00", b'{"a":"\x00"}', b"", b" " * 10]),
}

# Hostile query values, already percent-encoded.
QUERY_CLASSES: dict[str, st.SearchStrategy[str]] = {
    "huge_integer": st.integers(20, 1500).map(lambda n: "9" * n)
    | st.integers(2**31, 10**40).map(str)
    | st.integers(-(10**40), -1).map(str),
    "huge_or_nonfinite_decimal": st.sampled_from(["1e400", "NaN", "Infinity", "-inf", "1e308", "0x10", "1_000"]),
    "nul_character": st.sampled_from(["%00", "a%00b", "1%00"]),
    "lone_surrogate": st.sampled_from(["%ED%A0%80", "%ED%BF%BF", "a%ED%A0%80"]),  # a surrogate as (invalid) UTF-8
    "invalid_utf8": st.sampled_from(["%FF", "%C0%AF", "%E4%B8"]),
    "calendar_edge_datetime": edge_datetimes.map(lambda v: quote(v, safe="")),
    "forged_cursor": FORGED_CURSORS.map(lambda v: quote(v, safe="")),
    "long_string": st.integers(300, 3000).map(lambda n: "%E5%AD%97" * n),
    "odd_unicode": st.text(min_size=1, max_size=40).map(lambda v: quote(v.encode("utf-8", "surrogatepass"), safe="")),
    "non_ascii_digits": st.text(alphabet=OTHER_DIGITS, min_size=1, max_size=12).map(lambda v: quote(v, safe="")),
    "wrong_json_type": st.sampled_from(["", "null", "true", "[]", "%7B%7D", "1.5", "-1", "0"]),
}
PATH_SEGMENTS = st.one_of(
    st.sampled_from(
        ["0", "2147483647", "2147483648", "99999999999999999999", "-1", "１", "%00", "..%2F..%2Fetc%2Fpasswd", "%ED%A0%80", "%FF"]
    ),
    st.integers(1, 5).map(str),
    st.text(min_size=1, max_size=30).map(lambda v: quote(v.encode("utf-8", "surrogatepass"), safe="")),
    st.integers(300, 3000).map(lambda n: "a" * n),
)
HEADER_CLASSES: dict[str, st.SearchStrategy[dict]] = {
    "hostile_headers": st.one_of(
        st.builds(lambda v: {"Idempotency-Key": v}, st.sampled_from(["", "k" * 101, "k" * 5000, "ключ", " "])),
        st.builds(
            lambda v: {"Authorization": v}, st.sampled_from(["Bearer", "Bearer ", "Bearer x.y.z", "Basic abc", "Bearer " + "a" * 5000])
        ),
        st.builds(lambda v: {"Authorization": f"Bearer {v}"}, st.sampled_from(["eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "a.b", "..", "é"])),
        st.builds(lambda v: {"X-Api-Key": v}, st.sampled_from(["", "x" * 5000, "test-partner-key\t"])),
    ),
}
CALLERS = ["anonymous", "citizen", "partner", *STAFF_ROLES]

# The sweep's fixed representatives of each class (hypothesis then draws from the strategies above).
VALUE_SWEEP = {
    "deep_nesting": ["[" * 100_000 + "]" * 100_000, '{"a":' * 40 + "1" + "}" * 40],
    "huge_integer": ["9" * 5000, str(10**30), str(-(2**63))],
    "huge_or_nonfinite_decimal": ["1e400", "NaN", "-Infinity", "1." + "7" * 400, "1e308"],
    "lone_surrogate": ['"\\ud800"'],
    "nul_character": ['"a\\u0000b"'],
    "calendar_edge_datetime": [
        j("0001-01-01T00:00:00+14:00"),
        j("9999-12-31T23:59:59-14:00"),
        j("2026-02-30"),
        j("0000-00-00T24:00:00+24:00"),
    ],
    "wrong_json_type": ["null", "[]", "{}", "true", '"1"', "1.5"],
    "forged_cursor": [j(_cursor({"after": True})), j(_cursor({"after": "1"})), j(_cursor([1]))],
    "long_string": [j("字" * 100_000)],
    "odd_unicode": [j("\u202e\U0001f600\ufeff\u0301")],
    "non_ascii_digits": [j("１２３４５６"), j("٤٩٣٨١٧")],
}
BODY_SWEEP = {
    "invalid_utf8": [b'{"a": "\xff\xfe"}'],
    "top_level_non_object": [b"[]", b"null", b"1e400"],
    "malformed_json": [b"{", b"\x00", b""],
}
QUERY_SWEEP = {
    "huge_integer": ["9" * 1000, str(2**31), "-1"],
    "huge_or_nonfinite_decimal": ["1e400", "NaN"],
    "nul_character": ["a%00b"],
    "lone_surrogate": ["%ED%A0%80"],
    "invalid_utf8": ["%FF"],
    "calendar_edge_datetime": [quote("0001-01-01T00:00:00+14:00", safe=""), "9999-12-31", "2026-02-30"],
    "forged_cursor": [quote(_cursor({"after": True}), safe=""), quote(_cursor({"after": 10**30}), safe=""), "%21%21"],
    "long_string": ["%E5%AD%97" * 1000],
    "odd_unicode": [quote("\u202e\U0001f600", safe="")],
    "non_ascii_digits": [quote("１０", safe="")],
    "wrong_json_type": ["", "%7B%7D", "1.5"],
}


def _resolve(spec: dict, schema: dict | None) -> dict:
    if not schema:
        return {}
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("properties", {})


def _plausible(prop: dict) -> str:
    """A value of the right type, so that the hostile one next to it is what the server must cope with."""
    kind, fmt = prop.get("type"), prop.get("format")
    if fmt == "date-time":
        return j("2026-06-01T09:00:00+08:00")
    if fmt == "date":
        return j("2026-06-01")
    return {"integer": "1", "number": "1.5", "boolean": "true", "array": "[]", "object": "{}"}.get(kind, j("测试"))


def _routes(app):
    """(method, rule, body fields, query names) for every route, from the URL map, with the OpenAPI's field names."""
    spec = smorest_api.spec.to_dict()
    routes = []
    for rule in app.url_map.iter_rules():
        openapi_path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = spec["paths"].get(openapi_path, {}).get(method.lower(), {})
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            queries = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            routes.append((method, rule, _resolve(spec, body), queries))
    return routes


def _fill_path(rule, segments: list[str]) -> str:
    path = rule.rule
    for index, argument in enumerate(rule.arguments):
        path = re.sub(rf"<(?:[a-z]+:)?{argument}>", lambda _m, i=index: segments[i % len(segments)], path)
    return path


def _check(answer, case: str) -> None:
    text = answer.get_data(as_text=True)
    allowed_503 = answer.status_code == 503 and "/health" in case  # readiness may say "not ready", in the shape
    assert answer.status_code < 500 or allowed_503, f"{case}: {answer.status_code} {text[:300]}"
    if answer.status_code >= 400:
        body = answer.get_json(silent=True)
        assert isinstance(body, dict), f"{case}: not JSON: {text[:200]}"
        assert body.get("status") == answer.status_code and SNAKE.fullmatch(str(body.get("error"))), f"{case}: {body}"
        assert isinstance(body.get("message"), str) and body["message"], f"{case}: {body}"
        assert set(body) <= {"status", "error", "message", "details"}, f"{case}: {body}"
        assert "Traceback" not in text, case


@pytest.fixture
def callers(app, client) -> dict[str, dict]:
    """Headers for every kind of caller: anonymous, a citizen, a partner device, and one staff member per role.

    Staff tokens are issued by the real token code for real rows; the password round trip (argon2) is left out,
    it costs seconds and is not what this test is about.
    """
    headers = {"anonymous": {}, "citizen": citizen_headers(client, "parent_a"), "partner": {"X-Api-Key": make_partner_key()}}
    station_id = make_station()
    with unit_of_work(db.session):
        for role in STAFF_ROLES:
            user = StaffUser(username=f"hostile_{role}", display_name=role, password_hash="-", roles=[role])
            user.station_id = station_id if role == "station" else None
            db.session.add(user)
    for user in db.session.scalars(select(StaffUser).where(StaffUser.username.like("hostile_%"))):
        token = issue_token(staff_principal(user), app.config["SECRET_KEY"], 600)
        headers[user.roles[0]] = {"Authorization": f"Bearer {token}"}
    return headers


def _send(client, method: str, path: str, *, query: str = "", body: bytes | None = None, headers: dict | None = None):
    return client.open(
        path,
        method=method,
        query_string=query,
        data=body,
        headers=headers or {},
        content_type="application/json" if body is not None else None,
    )


def _admitted(client, callers: dict, method: str, path: str, body: bytes | None, candidates: list[str]) -> list[str]:
    """The callers the route's guard lets through (neither 401 nor 403), so that hostile input reaches the parser."""
    admitted: list[str] = []
    for who in candidates:
        if _send(client, method, path, body=body, headers=callers[who]).status_code not in (401, 403):
            admitted.append(who)
            if len(admitted) == 3:  # enough variety; probing every caller on every route costs more than it finds
                break
    return admitted or candidates


def _object_body(fields: dict, assignments: list[tuple[str, str]]) -> bytes:
    """A JSON object: plausible values for the route's fields, then the hostile ones (raw JSON text)."""
    members = {name: _plausible(prop) for name, prop in fields.items()}
    members.update(assignments)
    return ("{" + ",".join(f"{j(name)}:{value}" for name, value in members.items()) + "}").encode("utf-8", "surrogatepass")


def _write_case(data, fields: dict) -> tuple[str, bytes, dict]:
    """One hostile write: (class, body, extra headers)."""
    label = data.draw(st.sampled_from([*VALUE_CLASSES, *BODY_ONLY_CLASSES, *HEADER_CLASSES, "unknown_fields"]))
    extra: dict = {}
    if label in BODY_ONLY_CLASSES:
        return label, data.draw(BODY_ONLY_CLASSES[label]), extra
    if label in HEADER_CLASSES:
        return label, _object_body(fields, []), data.draw(HEADER_CLASSES[label])
    if label == "unknown_fields":
        names = data.draw(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5))
        return label, _object_body(fields, [(n, data.draw(VALUE_CLASSES["wrong_json_type"])) for n in names]), extra
    targets = data.draw(st.lists(st.sampled_from(sorted(fields) or ["x"]), min_size=1, max_size=3, unique=True))
    return label, _object_body(fields, [(name, data.draw(VALUE_CLASSES[label])) for name in targets]), extra


def _summary(title: str, started: float) -> str:
    lines = [f"{title}: {sum(COUNTS.values())} cases in {time.monotonic() - started:.1f} s"]
    lines += [f"  {label:<28} {count:>6}" for label, count in sorted(COUNTS.items())]
    return "\n".join(lines)


def _hostile_writes(client, callers, method, rule, fields, roles):
    @settings(max_examples=WRITE_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data(), role=st.sampled_from(roles), segments=st.lists(PATH_SEGMENTS, min_size=1, max_size=3))
    def hostile(data, role, segments):
        label, body, extra = _write_case(data, fields)
        path = _fill_path(rule, segments) if rule.arguments and data.draw(st.booleans()) else _fill_path(rule, ["1"])
        _check(_send(client, method, path, body=body, headers=callers[role] | extra), f"{method} {path[:80]} as {role}: {label}")
        COUNTS[label] += 1
        if path != _fill_path(rule, ["1"]):
            COUNTS["hostile_path_segment"] += 1

    return hostile


def _hostile_reads(client, callers, rule, names, roles):
    @settings(max_examples=READ_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data(), role=st.sampled_from(roles), segments=st.lists(PATH_SEGMENTS, min_size=1, max_size=3))
    def hostile(data, role, segments):
        label = data.draw(st.sampled_from([*QUERY_CLASSES, *HEADER_CLASSES, "repeated_parameters"]))
        extra: dict = {}
        if label in HEADER_CLASSES:
            extra, query = data.draw(HEADER_CLASSES[label]), ""
        elif label == "repeated_parameters":
            name = data.draw(st.sampled_from(names))
            query = "&".join(f"{quote(name)}={data.draw(QUERY_CLASSES['huge_integer'])}" for _ in range(data.draw(st.integers(2, 50))))
        else:
            chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
            query = "&".join(f"{quote(name)}={data.draw(QUERY_CLASSES[label])}" for name in chosen)
        path = _fill_path(rule, segments) if rule.arguments and data.draw(st.booleans()) else _fill_path(rule, ["1"])
        _check(_send(client, "GET", path, query=query, headers=callers[role] | extra), f"GET {path[:80]}?{query[:80]} as {role}: {label}")
        COUNTS[label] += 1
        if path != _fill_path(rule, ["1"]):
            COUNTS["hostile_path_segment"] += 1

    return hostile


# Proves the HTTP layer whatever the database: run once, in the SQLite pass (tests/conftest.py).
pytestmark = pytest.mark.once


def test_every_write_route_survives_hostile_json_bodies(app, client, callers, capsys):
    COUNTS.clear()
    started = time.monotonic()
    writes = [(m, rule, fields) for m, rule, fields, _ in _routes(app) if m in {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(writes) >= 30, [str(rule) for _, rule, _ in writes]
    for method, rule, fields in writes:
        roles = ["anonymous"] if rule.rule in SESSION_ENDING else CALLERS

        # the sweep: every class on every field of every write route, as callers the route admits
        path = _fill_path(rule, ["1"])
        admitted = _admitted(client, callers, method, path, _object_body(fields, []), roles)
        for label, values in VALUE_SWEEP.items():
            names = sorted(fields) or ["x"]
            for k in range(max(len(names), len(values))):  # every field and every representative, at least once each
                name, value = names[k % len(names)], values[k % len(values)]
                _check(
                    _send(client, method, path, body=_object_body(fields, [(name, value)]), headers=callers[roles[-1]]),
                    f"{method} {path} {label} {name}",
                )
                COUNTS[label] += 1
        for label, bodies in BODY_SWEEP.items():
            for body in bodies:
                _check(_send(client, method, path, body=body, headers=callers[admitted[0]]), f"{method} {path} {label}")
                COUNTS[label] += 1

        _hostile_writes(client, callers, method, rule, fields, admitted + admitted + roles)()  # mostly admitted callers
    with capsys.disabled():
        print("\n" + _summary(f"hostile JSON bodies on {len(writes)} write routes", started))


def test_every_read_route_survives_hostile_query_strings_and_paths(app, client, callers, capsys):
    COUNTS.clear()
    started = time.monotonic()
    reads = [(rule, queries) for m, rule, _, queries in _routes(app) if m == "GET"]
    assert len(reads) >= 30, [str(rule) for rule, _ in reads]
    for rule, queries in reads:
        names = queries or ["limit", "cursor", "q"]  # names the route does not declare must be harmless too
        path = _fill_path(rule, ["1"])
        admitted = _admitted(client, callers, "GET", path, None, CALLERS)
        for label, values in QUERY_SWEEP.items():
            for k in range(max(len(names), len(values))):
                query = f"{quote(names[k % len(names)])}={values[k % len(values)]}"
                _check(
                    _send(client, "GET", path, query=query, headers=callers[admitted[k % len(admitted)]]),
                    f"GET {path}?{query[:80]} {label}",
                )
                COUNTS[label] += 1
        _hostile_reads(client, callers, rule, names, admitted + admitted + CALLERS)()
    with capsys.disabled():
        print("\n" + _summary(f"hostile query strings and paths on {len(reads)} read routes", started))
