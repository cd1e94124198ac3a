"""Staff who read messages never see secrets in them: a pickup code is masked in the officials' SMS list (SPEC §12.1)."""

from __future__ import annotations

import pytest

from api.common.db import unit_of_work
from api.extensions import db
from api.notify.service import enqueue
from api.notify.templates import SECRET_PARAMS, TEMPLATES
from tests.factories import staff_headers


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_no_template_shows_a_secret_parameter_to_anyone_but_the_recipient(code):
    template = TEMPLATES[code]
    params = {name: f"VALUE{i:04d}" for i, name in enumerate(sorted(template.params))}
    masked = template.render(params, masked=True)
    for name in template.params & SECRET_PARAMS:
        assert params[name] not in masked
    assert template.render(params).count("VALUE") >= len(template.params)  # the recipient's own text is whole


def test_the_officials_message_list_masks_the_pickup_code(client):
    params = {"reward": "毛巾", "quantity": 1, "coins": 30, "code": "493817", "expires": "12月1日 17:00", "station": "南峰街道绿币兑换站"}
    with unit_of_work(db.session):
        enqueue(db.session, "13800000001", "redemption_code", params)
    answer = client.get("/api/v1/notify/messages", headers=staff_headers(client))
    assert answer.status_code == 200
    body = answer.json["items"][0]["body"]
    assert "493817" not in body and "******" in body and "毛巾" in body
    assert "493817" not in answer.get_data(as_text=True)
