"""身份证号 validation and the masking of names, phones and ID numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.common.pii import (
    InvalidIdNumber,
    hash_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
)
from api.seed.residents import make_id_number


def test_a_known_valid_id_number_passes_and_an_x_check_digit_is_upper_cased():
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("bad", ["", "12345", "33100219880412315", "3310021988041231X5", "331002198802303150"])
def test_malformed_id_numbers_are_refused(bad):
    with pytest.raises(InvalidIdNumber):
        normalize_id_number(bad)


@given(st.dates(min_value=date(1930, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 999))
def test_every_generated_id_number_validates_and_any_other_check_digit_fails(born, seq):
    good = make_id_number("331002", born, seq)
    assert normalize_id_number(good) == good
    for other in "0123456789X":
        if other != good[17]:
            with pytest.raises(InvalidIdNumber):
                normalize_id_number(good[:17] + other)


def test_the_keyed_hash_depends_on_the_key():
    number = make_id_number("331002", date(1990, 1, 1), 1)
    assert hash_id_number(number, "k1") == hash_id_number(number, "k1") != hash_id_number(number, "k2")


def test_masks_show_only_what_identifies_loosely():
    assert mask_name("张小华") == "张*华" and mask_name("张三") == "张*" and mask_name("欧阳小明") == "欧**明"
    assert mask_phone("13800000001") == "138****0001" and mask_phone("+8613800000001") == "138****0001"
    assert mask_id_number("33100219880412315X") == "331002********315X"
