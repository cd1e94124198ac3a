"""Every table of the product, imported in one place for Alembic and the cockpit."""

from api.admission.models import (  # noqa: F401
    Address,
    AllocationEntry,
    AllocationRun,
    Application,
    ApplicationEvent,
    CityPointsRecord,
    GuardianRecord,
    HouseholdRecord,
    Policy,
    PropertyRecord,
    Review,
    School,
    SeatOccupancy,
    SeatPlan,
    SocialInsuranceRecord,
    StudentRecord,
)
from api.alerts.models import Alert, ApplicationCount, DailyFact, DutyOfficial, RollupState, VesselServed  # noqa: F401
from api.auth.models import ApiKey, AuditEntry, Citizen, MockZlbTicket, Partner, StaffUser  # noqa: F401
from api.auth.sessions import StaffSession  # noqa: F401
from api.common.idempotency import IdempotencyRecord  # noqa: F401
from api.common.reference import ReferenceVersion  # noqa: F401
from api.greencoins.models import (  # noqa: F401
    Account,
    Behavior,
    DailyEarning,
    DeviceEvent,
    DeviceFlag,
    Donation,
    LedgerEntry,
    MonthlyBudget,
    MonthlyEarning,
    Project,
    Redemption,
    Reward,
    RewardStock,
    Station,
)
from api.notify.models import SmsMessage  # noqa: F401
from api.ops.models import JobStatus, WorkerHeartbeat  # noqa: F401
from api.pickup.models import (  # noqa: F401
    Berth,
    Booking,
    BookingItem,
    CollectionBoat,
    CreditAppeal,
    CreditColorChange,
    CreditConsent,
    CreditEntry,
    CreditRead,
    MissedReport,
    PickupSlot,
    PollutantType,
    Port,
    Vessel,
    VesselRegistration,
)
