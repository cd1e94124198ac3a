"""Every table of the product, imported in one place for Alembic and the cockpit."""

from api.admission.models import (  # noqa: F401
    Address,
    Application,
    ApplicationEvent,
    CityPointsRecord,
    HouseholdRecord,
    Policy,
    PropertyRecord,
    School,
    SeatOccupancy,
    SeatPlan,
    SocialInsuranceRecord,
    StudentRecord,
)
from api.auth.models import ApiKey, AuditEntry, Citizen, MockZlbTicket, Partner, StaffUser  # noqa: F401
from api.common.idempotency import IdempotencyRecord  # noqa: F401
from api.greencoins.models import (  # noqa: F401
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
from api.notify.models import SmsMessage  # noqa: F401
from api.pickup.models import (  # noqa: F401
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
