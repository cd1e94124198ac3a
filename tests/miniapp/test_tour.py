"""Every screen in the other mode too: each one passes axe-core and is photographed (the flows run in one mode each)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ELDER_TOUR = {
    "周丽君": [
        "greencoins",
        "greencoins/code",
        "greencoins/rewards",
        "greencoins/redemptions",
        "greencoins/ledger",
        "greencoins/leaderboard",
        "admission",
        "admission/policies",
        "admission/district",
        "admission/seats",
        "admission/points",
    ],
    "王建国": ["admission/eligibility", "admission/apply", "admission/progress", "admission/seats?school=1"],
    "林海生": ["pickup", "pickup/book", "pickup/bookings", "pickup/credit", "pickup/consent"],
}
NORMAL_TOUR = {"周丽君": ["greencoins/projects"], "阮吉良": ["pickup/reports", "pickup/safety", "pickup/credit", "pickup/consent"]}


@pytest.mark.parametrize(("elder", "tour"), [(True, ELDER_TOUR), (False, NORMAL_TOUR)], ids=["elder", "normal"])
def test_every_screen_passes_axe_and_is_photographed(phone, elder, tour):
    mode = "elder" if elder else "normal"
    for resident, paths in tour.items():
        phone.sign_in(resident, elder=elder)
        for path in paths:
            phone.open(path)
            phone.check(f"90_tour_{mode}_{path.replace('/', '_').replace('?', '_').replace('=', '')}")
    assert phone.page.evaluate("document.documentElement.classList.contains('elder')") is elder
