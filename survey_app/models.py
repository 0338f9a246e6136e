"""Import every model so metadata (and Alembic autogenerate) sees all tables."""

from survey_app.accounts.models import User, user_village  # noqa: F401
from survey_app.assistance.models import ClassAttendance, HelpRecord, TrainingClass  # noqa: F401
from survey_app.audit import AuditLog  # noqa: F401
from survey_app.devices.models import SignInCode, UserSession  # noqa: F401
from survey_app.duplicates.models import NotDuplicate  # noqa: F401
from survey_app.exports.models import ExportJob  # noqa: F401
from survey_app.frozen.models import FrozenReport  # noqa: F401
from survey_app.history.models import household_version, person_version  # noqa: F401
from survey_app.households.models import Household, Person  # noqa: F401
from survey_app.imports.models import ImportJob  # noqa: F401
from survey_app.operations.models import Operation  # noqa: F401
from survey_app.places.models import Commune, Province, Village  # noqa: F401
from survey_app.plates.models import DoorPlate  # noqa: F401
from survey_app.reports.models import CommuneSettings, ManualIndicatorResult  # noqa: F401
from survey_app.rounds.models import SurveyRound, VillageSignoff  # noqa: F401
from survey_app.sync.models import SyncChange, SyncCounter, SyncStamp, SyncTombstone  # noqa: F401
