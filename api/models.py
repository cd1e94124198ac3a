"""Every table of the product, imported in one place for Alembic and the cockpit."""

from api.auth.models import ApiKey, AuditEntry, Citizen, MockZlbTicket, Partner, StaffUser
from api.common.idempotency import IdempotencyRecord
from api.greencoins.models import (
    Account,
    Behavior,
    DailyEarning,
    DeviceEvent,
    LedgerEntry,
    Redemption,
    Reward,
    RewardStock,
    Station,
)
from api.notify.models import SmsMessage
from api.pickup.models import (
    Berth,
    Booking,
    BookingItem,
    CollectionBoat,
    CreditColorChange,
    CreditEntry,
    PickupSlot,
    PollutantType,
    Port,
    Vessel,
)

__all__ = ["Account", "ApiKey", "AuditEntry", "Behavior", "Citizen", "DailyEarning", "DeviceEvent", "IdempotencyRecord",
           "LedgerEntry", "MockZlbTicket", "Partner", "Redemption", "Reward", "RewardStock", "SmsMessage", "StaffUser",
           "Station", "Berth", "Booking", "BookingItem", "CollectionBoat", "CreditColorChange", "CreditEntry",
           "PickupSlot", "PollutantType", "Port", "Vessel"]
