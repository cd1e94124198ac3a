"""Every table of the product, imported in one place for Alembic and the cockpit."""

from api.auth.models import ApiKey, AuditEntry, Citizen, MockZlbTicket, Partner, StaffUser
from api.common.idempotency import IdempotencyRecord
from api.notify.models import SmsMessage

__all__ = ["ApiKey", "AuditEntry", "Citizen", "IdempotencyRecord", "MockZlbTicket", "Partner", "SmsMessage",
           "StaffUser"]
