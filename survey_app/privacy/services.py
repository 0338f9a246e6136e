"""Consent counts, one person's data on request, and anonymising households past retention.

Choices (docs/privacy.md): anonymising clears what names, locates or reaches a person — names,
mã hộ, address, phone, GPS, notes, day and month of birth — and keeps the birth year, sex, cư trú
and the yes/no answers, so a past year's counts stay true while nobody can be picked out of them.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, delete, func, or_, select, update

from survey_app import audit
from survey_app.assistance.models import HelpRecord
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.history.models import household_version, person_version
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune
from survey_app.reports.services import get_settings
from survey_app.sync.models import SyncChange
from survey_app.timeutil import utcnow

ANONYMOUS_NAME = "Đã ẩn danh"
YEAR_DAYS = 365.25


def households_without_consent(commune_id: int, village_id: int | None = None) -> int:
    """How many households (not anonymised) evidence lists may not name."""
    stmt = select(func.count(Household.id)).where(
        Household.commune_id == commune_id,
        Household.anonymised_at.is_(None),
        ~Household.has_consent,
    )
    if village_id is not None:
        stmt = stmt.where(Household.village_id == village_id)
    return db.session.scalar(stmt) or 0


@dataclass
class AnonymiseResult:
    cutoff: datetime
    households: int
    people: int


def retention_cutoff(commune: Commune, now: datetime) -> datetime:
    """Households last changed before this moment are past the commune's retention."""
    years = get_settings(commune).retention_years
    return now - timedelta(days=round(years * YEAR_DAYS))


def due_households(commune: Commune, cutoff: datetime) -> list[Household]:
    """The commune's households unchanged since ``cutoff`` and not anonymised yet."""
    stmt = select(Household).where(
        Household.commune_id == commune.id,
        Household.anonymised_at.is_(None),
        Household.updated_at < cutoff,
    )
    return list(db.session.scalars(stmt.order_by(Household.id)))


def anonymise(actor, commune: Commune, *, dry_run: bool = False) -> AnonymiseResult:
    """Clear the personal data of households past retention; one audit row. Flushes only."""
    now = utcnow()
    cutoff = retention_cutoff(commune, now)
    households = due_households(commune, cutoff)
    people = sum(len(h.members) for h in households)
    result = AnonymiseResult(cutoff, len(households), people)
    if dry_run or not households:
        return result
    history.attribute(actor, "anonymise")
    for household in households:
        _anonymise_household(household, now)
    _forget_traces([h.id for h in households], [h.token for h in households])
    _clear_history(households)
    audit.record(
        actor, "anonymise", "commune", commune.token,
        households=len(households), people=people, cutoff=cutoff.isoformat(),
    )  # fmt: skip
    db.session.flush()
    return result


def _anonymise_household(household: Household, now: datetime) -> None:
    household.chu_ho = ANONYMOUS_NAME
    household.ma_ho = f"AN{household.id}"  # unique in the commune, says nothing
    household.dia_chi, household.so_dien_thoai, household.note = "", None, ""
    household.gps_lat = household.gps_lng = household.gps_accuracy = None
    household.gps_at = None
    household.anonymised_at = now
    household.version += 1  # phones pull the cleared copy over the one they hold
    for person in household.members:
        person.ho_ten = ANONYMOUS_NAME
        person.birth_date = date(person.birth_date.year, 7, 1)  # the year-only convention
        person.birth_year_only = True


def _clear_history(households: list[Household]) -> None:
    """The past versions of these households and their people lose the same data the live rows
    lost (the one change ever made to history, by this retention job only). Their yes/no answers,
    birth years, sex and cư trú stay, so past figures stay true."""
    cleared = dict(dia_chi="", so_dien_thoai=None, note="", gps_lat=None, gps_lng=None)
    cleared |= dict(gps_accuracy=None, gps_at=None, chu_ho=ANONYMOUS_NAME)
    for household in households:
        db.session.execute(
            update(household_version)
            .where(household_version.c.household_id == household.id)
            .values(ma_ho=household.ma_ho, **cleared)
        )
    ids = [h.id for h in households]
    rows = db.session.execute(
        select(person_version.c.version_id, person_version.c.birth_date).where(
            person_version.c.household_id.in_(ids)
        )
    ).all()
    if rows:  # members removed earlier included; one statement for them all
        db.session.execute(
            update(person_version)
            .where(person_version.c.version_id == bindparam("vid"))
            .values(ho_ten=ANONYMOUS_NAME, birth_date=bindparam("born"), birth_year_only=True),
            [{"vid": vid, "born": date(born.year, 7, 1)} for vid, born in rows],
        )


def _forget_traces(household_ids: list[int], tokens: list[str]) -> None:
    """Help notes, stored phone changes and the audit details that repeat the cleared data."""
    person_tokens = select(Person.token).where(Person.household_id.in_(household_ids))
    db.session.execute(
        update(HelpRecord).where(HelpRecord.household_id.in_(household_ids)).values(note="")
    )
    db.session.execute(delete(SyncChange).where(SyncChange.household_token.in_(tokens)))
    # The rows stay (who did what, when); only their copies of names and answers go.
    db.session.execute(
        update(AuditLog)
        .where(or_(AuditLog.object_key.in_(tokens), AuditLog.object_key.in_(person_tokens)))
        .values(details={"an_danh": True})
    )
