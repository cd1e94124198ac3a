"""Personal data: 身份证号 validation (GB 11643), keyed hashing and masking for display."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date

from api.common.digits import digits_pattern

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(rf"{digits_pattern(17)}[0-9X]")  # ASCII digits only: a full-width spelling is refused


class InvalidIdNumber(ValueError):
    pass


def id_check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(value: str) -> str:
    """Validate an 18-character 身份证号 (format, birth date, GB 11643 check digit); return it upper-cased."""
    value = (value or "").strip().upper()
    if not _ID_RE.fullmatch(value):
        raise InvalidIdNumber("身份证号应为 18 位半角字符,前 17 位为数字 0-9 (ID number must be 18 ASCII characters)")
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber("身份证号中的出生日期无效 (invalid birth date in ID number)") from exc
    if id_check_char(value[:17]) != value[17]:
        raise InvalidIdNumber("身份证号校验位不正确 (ID number check digit is wrong)")
    return value


def birth_date_of(id_number: str) -> date:
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def hash_id_number(id_number: str, key: str) -> str:
    """Keyed hash for look-ups: the same number always finds the same row, the table alone reveals nothing."""
    return hmac.new(key.encode(), normalize_id_number(id_number).encode(), hashlib.sha256).hexdigest()


def mask_id_number(id_number: str) -> str:
    return f"{id_number[:6]}********{id_number[-4:]}" if len(id_number) >= 10 else "*" * len(id_number)


def mask_name(name: str) -> str:
    """张三 → 张*, 张小华 → 张*华, 欧阳小明 → 欧**明."""
    if not name:
        return name
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


_PHONE_RE = re.compile(rf"1[3-9]{digits_pattern(9)}")


def normalize_phone(phone: str) -> str:
    """Mainland mobile numbers: 11 digits starting 1[3-9]; a +86 prefix is accepted and dropped."""
    digits = re.sub(r"[\s-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not _PHONE_RE.fullmatch(digits):
        raise ValueError("手机号应为 11 位大陆手机号 (phone must be an 11-digit mainland mobile number)")
    return digits


def mask_phone(phone: str) -> str:
    if not phone:
        return phone
    if phone.startswith("+86"):
        phone = phone[3:]
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "*" * len(phone)


def e164(phone: str) -> str:
    return phone if phone.startswith("+") else f"+86{phone}"


def mask_secret(value: str) -> str:
    """A secret (a pickup code) as anyone but its owner sees it: nothing of it."""
    return "*" * len(value) if value else value
