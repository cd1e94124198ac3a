"""渔船登记: the vessel registry (vessel number → owner), its CSV import, and whom to text about a vessel.

The fishery bureau's register is imported as CSV (``flask --app wsgi pickup import-registry FILE``); a captain may
bind only a vessel registered to their own ID number, and a dispatcher books only for a registered vessel.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import Citizen
from api.common.db import unit_of_work, utcnow
from api.common.digits import ascii_digits_message, digits_pattern, has_non_ascii_digit
from api.common.pii import hash_id_number
from api.common.schemas import IdNumber, Phone
from api.errors import AppError, Forbidden, ValidationFailed
from api.pickup.models import Vessel, VesselRegistration

# 浙 + county character + 渔 + five ASCII digits (a full-width "７７０３３" is another spelling, refused).
VESSEL_NO = re.compile(rf"^浙[\u4e00-\u9fff]渔{digits_pattern(5)}\Z")
VESSEL_NO_MESSAGE = "船号格式应为“浙X渔NNNNN”(数字为半角),如 浙椒渔77033 (invalid vessel number)"
# What a client may send for a vessel number (the OpenAPI document states it): VESSEL_NO with spaces anywhere, which
# normalize_vessel_no drops. Written with ASCII spaces and [0-9] only, so Python and the document read it alike.
VESSEL_NO_INPUT_PATTERN = r"^ *浙 *[\u4e00-\u9fff] *渔(?: *[0-9]){5} *$"


class VesselNotRegistered(AppError):
    """A well-formed number the registry has no row for: not found (404), like any reference to nothing."""

    status, code = 404, "vessel_not_registered"
    message = "渔船登记中没有这个船号,请先到海洋与渔业局办理渔船登记 (vessel is not in the registry)"


class VesselOfAnotherOwner(Forbidden):
    code = "not_vessel_owner"
    message = "该船号在渔船登记中登记在他人名下,只能绑定登记在本人名下的渔船 (vessel is registered to another owner)"


class RowRejected(ValueError):
    """A registry row that cannot be imported; the message names the line."""


def normalize_vessel_no(value: str) -> str:
    value = (value or "").strip().replace(" ", "")
    if has_non_ascii_digit(value):
        raise ValidationFailed.on("vessel_no", ascii_digits_message("船号"))
    if not VESSEL_NO.match(value):
        raise ValidationFailed.on("vessel_no", VESSEL_NO_MESSAGE)
    return value


def registration(session: Session, vessel_no: str) -> VesselRegistration | None:
    return session.scalar(select(VesselRegistration).where(VesselRegistration.vessel_no == vessel_no))


def registered_owner_check(session: Session, vessel_no: str, citizen: Citizen) -> VesselRegistration:
    """The registry's record of ``vessel_no`` if it names ``citizen`` as owner; refused otherwise."""
    record = registration(session, vessel_no)
    if record is None:
        raise VesselNotRegistered(details={"vessel_no": [VesselNotRegistered.message]})
    if record.owner_hash != citizen.id_number_hash:
        raise VesselOfAnotherOwner()
    return record


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    citizen_id: int | None = None  # the bound owner; None for a captain known only to the registry


def captain_contact(session: Session, vessel: Vessel) -> Contact | None:
    """Whom to text about a vessel: its bound owner, else the owner the registry names (a captain not yet in the app)."""
    if vessel.owner_id is not None:
        owner = session.get(Citizen, vessel.owner_id)
        if owner is not None:
            return Contact(owner.name, owner.phone, owner.id)
    record = registration(session, vessel.vessel_no)
    if record is not None and record.owner_phone:
        return Contact(record.owner_name, record.owner_phone)
    return None


def contacts_for(session: Session, vessels: list[Vessel]) -> dict[int, Contact]:
    """``captain_contact`` for many vessels in two queries (owners, then the registry for vessels not yet bound)."""
    owner_ids = {v.owner_id for v in vessels if v.owner_id is not None}
    owners: dict[int | None, Citizen] = (
        {c.id: c for c in session.scalars(select(Citizen).where(Citizen.id.in_(owner_ids)))} if owner_ids else {}
    )
    unbound = {v.vessel_no for v in vessels if v.owner_id not in owners}
    records = (
        {r.vessel_no: r for r in session.scalars(select(VesselRegistration).where(VesselRegistration.vessel_no.in_(unbound)))}
        if unbound
        else {}
    )
    contacts = {}
    for vessel in vessels:
        owner, record = owners.get(vessel.owner_id), records.get(vessel.vessel_no)
        if owner is not None:
            contacts[vessel.id] = Contact(owner.name, owner.phone, owner.id)
        elif record is not None and record.owner_phone:
            contacts[vessel.id] = Contact(record.owner_name, record.owner_phone)
    return contacts


class RegistryRow(Schema):
    """One line of the registry CSV: vessel_no, owner_id_number, owner_name, owner_phone, vessel_name, registered_on."""

    vessel_no = fields.String(required=True)
    owner_id_number = IdNumber(required=True)
    owner_name = fields.String(load_default="", validate=validate.Length(max=50))
    owner_phone = Phone(load_default="")
    vessel_name = fields.String(load_default="", validate=validate.Length(max=50))
    registered_on = fields.Date(load_default=None)


def _load_row(row: dict) -> dict:
    cleaned = {k.strip(): (v or "").strip() for k, v in row.items() if k}
    cleaned = {k: v for k, v in cleaned.items() if v != ""}
    data = RegistryRow().load(cleaned, unknown="exclude")
    try:
        data["vessel_no"] = normalize_vessel_no(data["vessel_no"])
    except ValidationFailed as exc:
        raise ValidationError({"vessel_no": [exc.message]}) from exc
    return data


def upsert_registration(session: Session, pii_key: str, *, vessel_no: str, owner_id_number: str, **values) -> VesselRegistration:
    """Add or update one registry record (in the caller's transaction); the ID number is stored as a keyed hash only."""
    record = registration(session, vessel_no) or VesselRegistration(vessel_no=vessel_no)
    record.owner_hash = hash_id_number(owner_id_number, pii_key)
    for key in ("owner_name", "owner_phone", "vessel_name", "registered_on"):
        if key in values:
            setattr(record, key, values[key])
    record.imported_at = utcnow()
    session.add(record)
    return record


def import_registry(session: Session, text: str, pii_key: str) -> int:
    """Import the registry CSV whole or not at all; a bad row stops the import with its line number."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    count = 0
    with unit_of_work(session):
        for line, row in enumerate(reader, start=2):
            try:
                data = _load_row(row)
            except ValidationError as exc:
                problems = "; ".join(f"{field}: {' '.join(map(str, msgs))}" for field, msgs in exc.normalized_messages().items())
                raise RowRejected(f"第 {line} 行: {problems}") from exc
            upsert_registration(session, pii_key, **data)
            count += 1
    return count
