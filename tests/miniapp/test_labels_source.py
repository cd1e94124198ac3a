"""Status and colour labels have one home (api/labels.py): the API serves it, the mini-app reads it, the cockpit imports it."""

from __future__ import annotations

import re

from api.labels import LABELS, as_document
from config import PROJECT_ROOT

MINIAPP_JS = sorted((PROJECT_ROOT / "miniapp_mock" / "static" / "js").glob("*.js"))
COCKPIT_PY = sorted((PROJECT_ROOT / "cockpit").rglob("*.py"))

TEXTS = {text for codes in LABELS.values() for text, _meaning in codes.values()}
CODES = {code for codes in LABELS.values() for code in codes}


def _copies_of_labels(source: str) -> set[str]:
    """Label texts written out whole as a literal or a piece of markup (a copy), and code → Chinese text maps."""
    found = {text for text in TEXTS if re.search(rf"[\"'`>]{re.escape(text)}[\"'`<]", source)}
    for code in CODES:
        if re.search(rf"[\"'\s{{(,]{re.escape(code)}[\"']?\s*[:,]\s*[\"'][^\"']*[\u4e00-\u9fff]", source):
            found.add(code)
    return found


def test_the_api_serves_the_labels_from_their_one_home(client):
    answer = client.get("/api/v1/meta/labels")
    assert answer.status_code == 200
    assert answer.json == as_document()
    assert {"application_status", "booking_status", "redemption_status", "credit_color", "sms_status"} <= set(answer.json)


def test_the_mini_app_keeps_no_copy_of_a_label():
    assert MINIAPP_JS, "the mini-app's modules were not found"
    copies = {path.name: found for path in MINIAPP_JS if (found := _copies_of_labels(path.read_text(encoding="utf-8")))}
    assert copies == {}
    assert "/api/v1/meta/labels" in (PROJECT_ROOT / "miniapp_mock" / "static" / "js" / "labels.js").read_text(encoding="utf-8")


def _copied_status_maps(source: str) -> set[str]:
    """Status groups of which a source pairs two or more codes with Chinese text: a copy of the group's labels."""
    copied = set()
    for group in ("application_status", "redemption_status", "booking_status", "credit_color", "sms_status"):
        paired = {code for code in LABELS[group] if re.search(rf"[\"']{re.escape(code)}[\"']\s*[:,]\s*[\"'][^\"']*[\u4e00-\u9fff]", source)}
        if len(paired) >= 2:
            copied.add(group)
    return copied


def test_the_cockpit_keeps_no_copy_of_a_status_label():
    assert COCKPIT_PY, "the cockpit's modules were not found"
    copies = {
        p.relative_to(PROJECT_ROOT).as_posix(): found for p in COCKPIT_PY if (found := _copied_status_maps(p.read_text(encoding="utf-8")))
    }
    assert copies == {}
    assert _copied_status_maps('[("submitted", "已提交"), ("reviewing", "审核中")]') == {"application_status"}


def test_a_copied_label_would_be_caught():
    assert _copies_of_labels('const STATUS = {submitted: "已提交"};') == {"已提交", "submitted"}
    assert _copies_of_labels("`<span class=tag>待领取</span>`") == {"待领取"}
    assert _copies_of_labels('tag("redemption_status", r.status)') == set()
