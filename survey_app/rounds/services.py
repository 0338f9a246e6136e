"""Open and close rounds; who was visited in a round; carried-forward answers; sign-offs."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from survey_app import audit
from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.history.models import household_version
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village
from survey_app.rounds.models import SurveyRound, VillageSignoff
from survey_app.timeutil import start_of_day_utc, utcnow
from survey_app.transactions import ServiceError

VISITS = ("page", "sync")  # the sources of a volunteer's work on a household


class RoundError(ServiceError):
    """A round change that cannot be made, with the reason in Vietnamese."""


def open_round(actor, commune: Commune, name: str, starts_on: date, ends_on: date) -> SurveyRound:
    if ends_on < starts_on:
        raise RoundError("Ngày kết thúc phải sau ngày bắt đầu.", "ends_on")
    if current_round(commune) is not None:
        raise RoundError("Xã đang có một đợt khảo sát chưa kết thúc. Hãy kết thúc đợt đó trước.")
    found = SurveyRound(
        commune=commune, name=name.strip(), starts_on=starts_on, ends_on=ends_on, opened_by=actor
    )
    db.session.add(found)
    db.session.flush()
    audit.record(
        actor, "round_open", "commune", commune.token, round=found.token, name=found.name,
        starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat(),
    )  # fmt: skip
    return found


def close_round(actor, found: SurveyRound) -> None:
    if not found.is_open:
        raise RoundError("Đợt này đã kết thúc.")
    found.closed_at = utcnow()
    db.session.flush()
    audit.record(actor, "round_close", "commune", found.commune.token, round=found.token)


def current_round(commune_or_id) -> SurveyRound | None:
    """The commune's open round, if any."""
    commune_id = getattr(commune_or_id, "id", commune_or_id)
    return db.session.scalar(
        select(SurveyRound).where(
            SurveyRound.commune_id == commune_id, SurveyRound.closed_at.is_(None)
        )
    )


def rounds_of(commune: Commune) -> list[SurveyRound]:
    stmt = select(SurveyRound).where(SurveyRound.commune_id == commune.id)
    return list(db.session.scalars(stmt.order_by(SurveyRound.starts_on, SurveyRound.id)))


def carried_forward(record, found: SurveyRound | None) -> bool:
    """Whether a person's (or household's) answers still await confirmation in ``found``."""
    if found is None:
        return False
    return record.confirmed_at is None or record.confirmed_at < found.since


@dataclass
class VillageProgress:
    village: Village
    households: int = 0
    visited: list[Household] = field(default_factory=list)
    not_visited: list[Household] = field(default_factory=list)
    carried_people: int = 0  # members whose answers are not confirmed in this round yet
    signoff: VillageSignoff | None = None


def _visits(found: SurveyRound):
    """(household id, user id) of every save or visit outcome by a user during the round."""
    end = start_of_day_utc(found.ends_on + timedelta(days=1))
    v = household_version.c
    return db.session.execute(
        select(v.household_id, v.changed_by_id)
        .where(
            v.commune_id == found.commune_id,
            v.source.in_(VISITS),
            v.valid_from >= found.since,
            v.valid_from < end,
            v.changed_by_id.is_not(None),
        )
        .distinct()
    ).all()


def progress(found: SurveyRound, villages: list[Village]) -> list[VillageProgress]:
    """Per village: households visited in the round and not, answers left to confirm, sign-off.

    Three queries for all the villages together, whatever their number."""
    ids = [v.id for v in villages]
    visited_ids = {household_id for household_id, _ in _visits(found)}
    signoffs = {s.village_id: s for s in db.session.scalars(
        select(VillageSignoff).where(VillageSignoff.round_id == found.id)
    )}  # fmt: skip
    carried = dict(
        db.session.execute(
            select(Household.village_id, func.count(Person.id))
            .join(Household)
            .where(
                Household.village_id.in_(ids),
                Person.removed_at.is_(None),
                Person.cu_tru.in_(("co_mat", "tam_vang")),
                (Person.confirmed_at.is_(None)) | (Person.confirmed_at < found.since),
            )
            .group_by(Household.village_id)
        ).all()
    )
    rows = {v.id: VillageProgress(v, signoff=signoffs.get(v.id)) for v in villages}
    households = (
        select(Household)
        .where(Household.village_id.in_(ids), Household.removed_at.is_(None))
        .order_by(Household.ma_ho)
    )
    for household in db.session.scalars(households):
        row = rows[household.village_id]
        row.households += 1
        (row.visited if household.id in visited_ids else row.not_visited).append(household)
    for row in rows.values():
        row.carried_people = carried.get(row.village.id, 0)
    return list(rows.values())


def by_volunteer(found: SurveyRound) -> list[tuple[User, int]]:
    """Households each user saved or visited during the round, most first."""
    counts: dict[int, set[int]] = defaultdict(set)
    for household_id, user_id in _visits(found):
        counts[user_id].add(household_id)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(counts))))}
    rows = [(users[uid], len(ids)) for uid, ids in counts.items() if uid in users]
    return sorted(rows, key=lambda r: (-r[1], r[0].display_name))


def _signoff(found: SurveyRound, village: Village) -> VillageSignoff:
    row = db.session.scalar(
        select(VillageSignoff).where(
            VillageSignoff.round_id == found.id, VillageSignoff.village_id == village.id
        )
    )
    if row is None:
        row = VillageSignoff(round_id=found.id, village=village)
        db.session.add(row)
    return row


def sign_off(actor, found: SurveyRound, village: Village) -> VillageSignoff:
    """ "Trưởng thôn xác nhận": the village's work in the round is done."""
    row = _signoff(found, village)
    if row.signed:
        raise RoundError("Thôn này đã được trưởng thôn xác nhận.")
    row.signed_by, row.signed_at = actor, utcnow()
    db.session.flush()
    audit.record(
        actor, "village_signoff", "village", village.token, round=found.token, name=village.name
    )
    return row


def reopen(actor, found: SurveyRound, village: Village) -> VillageSignoff:
    """The commune opens a signed-off village again (more work needed)."""
    row = _signoff(found, village)
    if not row.signed:
        raise RoundError("Thôn này chưa được xác nhận, không cần mở lại.")
    row.reopened_by, row.reopened_at = actor, utcnow()
    row.signed_by, row.signed_at = None, None
    db.session.flush()
    audit.record(
        actor, "village_reopen", "village", village.token, round=found.token, name=village.name
    )
    return row
