"""ASCII digits only, for every identifier (SPEC §12.1).

Python's ``\\d``, ``str.isdigit()`` and ``int()`` accept full-width (``１２３``) and other-script digits
(``١٢٣``, ``१२३``): an ID number or vessel number spelled with them passes a check, hashes differently and
becomes a second identity of the same person or boat. Identifiers are checked with these helpers instead.
"""

from __future__ import annotations

import re

ASCII_DIGITS = "0123456789"
_ASCII_DIGITS_RE = re.compile(r"[0-9]+")


def is_ascii_digits(value: object, length: int | None = None) -> bool:
    """``value`` is a non-empty string of ASCII digits ``0-9`` (of exactly ``length`` of them, if given)."""
    if not isinstance(value, str) or not _ASCII_DIGITS_RE.fullmatch(value):
        return False
    return length is None or len(value) == length


def has_non_ascii_digit(value: str) -> bool:
    """Whether ``value`` holds a digit other than ``0-9`` (a full-width or other-script digit)."""
    return any(ch.isdigit() and ch not in ASCII_DIGITS for ch in value)


def ascii_digits_message(label: str) -> str:
    return f"{label}只能使用半角数字 0-9 ({label}: ASCII digits 0-9 only)"


DIGIT = "[0-9]"  # for regular expressions: never ``\d``


def digits_pattern(count: int) -> str:
    """A regular-expression fragment for exactly ``count`` ASCII digits."""
    return f"{DIGIT}{{{count}}}"
