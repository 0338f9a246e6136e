"""Write a checked import file into one commune with bulk statements. Flushes; the caller commits.

Rules (docs/import.md says the same in Vietnamese terms):
- A household is found by Mã hộ within the commune; its members by folded name and birth date
  (then by folded name and birth year, so "1958" and "12/03/1958" are the same person).
- A filled cell replaces the stored value; a blank optional cell keeps what is stored, so
  re-importing a register never erases answers the volunteers collected. New records get the
  template's defaults (blank yes/no = unknown, blank cư trú = Có mặt).
- Members stored but absent from the file are kept (placed after the file's members) and counted:
  an import never deletes anyone; the volunteer removes them on the household page.
- Imported households are not marked surveyed and carry no visit consent: the volunteer confirms
  both on the first visit. Whoever imports vouches that the commune collected the register with
  the households' consent (``consent_by``); that is recorded on each household not vouched for
  yet, so evidence lists may name them (docs/privacy.md).
"""

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import insert, select, update

from household_forms.import_template import CellError, name_key, village_key
from survey_app import audit
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.households.models import Household, Person
from survey_app.households.vocabulary import HOUSEHOLD_YESNO, PERSON_YESNO
from survey_app.imports.parsing import (
    FileHousehold,
    FileMember,
    ImportFileError,
    Limits,
    ParsedFile,
    Progress,
    parse_file,
)
from survey_app.places.models import Commune, Village
from survey_app.places.services import get_or_create_village
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token

CHECKING, WRITING = "check", "write"  # the stages an import reports progress for
HOUSEHOLD_DEFAULTS = {"dia_chi": "", "so_dien_thoai": None} | dict.fromkeys(HOUSEHOLD_YESNO)
PERSON_DEFAULTS = {"quan_he": "", "cu_tru": "co_mat", "vneid": None} | dict.fromkeys(PERSON_YESNO)
HOUSEHOLD_FIELDS = ("village_id", "chu_ho", *HOUSEHOLD_DEFAULTS)
VOUCH_BATCH = 500  # codes per UPDATE: well under SQLite's limit on bound parameters
PERSON_FIELDS = (
    "position",
    "ho_ten",
    "birth_date",
    "birth_year_only",
    "gioi_tinh",
    *PERSON_DEFAULTS,
)


@dataclass
class ImportSummary:
    households_created: int = 0
    households_updated: int = 0
    households_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    people_not_in_file: int = 0  # stored members the file does not list: kept as they are
    villages_created: int = 0


def check_against_database(commune: Commune | None, parsed: ParsedFile) -> list[CellError]:
    """Bad cells only the database reveals: a Thôn that was closed (merged into another)."""
    if commune is None:
        return []
    villages = db.session.scalars(select(Village).where(Village.commune_id == commune.id)).all()
    active = {village_key(v.name) for v in villages if v.active}
    closed = {village_key(v.name) for v in villages if not v.active} - active
    reason = "Thôn này đã ngừng hoạt động (đã sáp nhập); hãy ghi tên thôn mới"
    title = parsed.titles.get("thon", "Thôn")
    return [
        CellError(member.row, title, household.village, reason)
        for household in parsed.households.values()
        if village_key(household.village) in closed
        for member in household.members
    ]


def import_households(
    actor,
    commune: Commune,
    parsed: ParsedFile,
    filename: str,
    progress: Progress | None = None,
    *,
    consent_by: str,
) -> ImportSummary:
    """Create or update every household of a checked file; record one audit row.

    ``consent_by``: who vouched that the commune collected the file's data with consent.
    """
    history.attribute(actor, "import")
    summary = ImportSummary()
    plan = _Plan(commune.id, summary)
    villages = _village_ids(actor, commune, parsed, summary)
    stored = _stored_households(commune.id)
    members = _stored_members(commune.id)
    for household in parsed.households.values():
        village_id = villages[village_key(household.village)]
        row = stored.get(household.ma_ho)
        if row is None:
            plan.add_household(household, village_id)
        else:
            plan.merge_household(row, household, village_id, members.get(row["id"], []))
        if progress:
            progress(1)
    plan.write()
    _vouch(commune.id, [h.ma_ho for h in parsed.households.values()], consent_by)
    audit.record(
        actor, "import", "commune", commune.token,
        file=filename, consent_by=consent_by, **asdict(summary),
    )  # fmt: skip
    db.session.flush()
    return summary


def _vouch(commune_id: int, codes: list[str], consent_by: str) -> None:
    """Record the register's consent on the file's households that have none recorded yet."""
    now = utcnow()
    for start in range(0, len(codes), VOUCH_BATCH):
        vouched = db.session.scalars(
            update(Household)
            .where(
                Household.commune_id == commune_id,
                Household.ma_ho.in_(codes[start : start + VOUCH_BATCH]),
                Household.register_consent_at.is_(None),
            )
            .values(register_consent_by=consent_by[:160], register_consent_at=now)
            .returning(Household.id)
            .execution_options(synchronize_session=False)
        )
        history.touched(db.session, "household", vouched)


def _village_ids(actor, commune: Commune, parsed: ParsedFile, summary) -> dict[str, int]:
    """Village id per village key, creating the villages the file names and the commune lacks."""
    villages = db.session.scalars(select(Village).where(Village.commune_id == commune.id)).all()
    ids: dict[str, int] = {}
    for village in sorted(villages, key=lambda v: not v.active):  # an active name wins
        ids.setdefault(village_key(village.name), village.id)
    for household in parsed.households.values():
        key = village_key(household.village)
        if key not in ids:
            ids[key] = get_or_create_village(actor, commune, household.village).id
            summary.villages_created += 1
    return ids


def _stored_households(commune_id: int) -> dict[str, dict]:
    """Every household of the commune by Mã hộ, as plain rows (one query, no ORM objects)."""
    columns = [Household.id, Household.ma_ho, Household.version]
    columns += [getattr(Household, name) for name in HOUSEHOLD_FIELDS]
    stmt = select(*columns).where(Household.commune_id == commune_id)
    return {row["ma_ho"]: dict(row) for row in db.session.execute(stmt).mappings()}


def _stored_members(commune_id: int) -> dict[int, list[dict]]:
    """Every member of the commune's households, grouped by household, in page order."""
    columns = [Person.id, Person.household_id] + [getattr(Person, n) for n in PERSON_FIELDS]
    stmt = (
        select(*columns)
        .join(Household, Household.id == Person.household_id)
        .where(Household.commune_id == commune_id)
        .order_by(Person.household_id, Person.position, Person.id)
    )
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in db.session.execute(stmt).mappings():
        grouped[row["household_id"]].append(dict(row))
    return grouped


def match_members(stored: list[dict], listed: list[FileMember]):
    """Pair each listed member with a stored one: (pairs in file order, stored ones left over)."""
    used: set[int] = set()
    pairs: list[dict | None] = [None] * len(listed)
    exact = lambda m: (name_key(m["ho_ten"]), m["birth_date"], m["birth_year_only"])  # noqa: E731
    by_year = lambda m: (name_key(m["ho_ten"]), m["birth_date"].year)  # noqa: E731
    for key_of in (exact, by_year):
        pool: dict[tuple, list[dict]] = defaultdict(list)
        for row in stored:
            if row["id"] not in used:
                pool[key_of(row)].append(row)
        for index, member in enumerate(listed):
            candidates = pool.get(key_of(member.values)) if pairs[index] is None else None
            if candidates:
                pairs[index] = candidates.pop(0)
                used.add(pairs[index]["id"])
    return pairs, [row for row in stored if row["id"] not in used]


class _Plan:
    """Rows to insert and update, gathered first and then written in a few bulk statements."""

    def __init__(self, commune_id: int, summary: ImportSummary):
        self.commune_id, self.summary, self.now = commune_id, summary, utcnow()
        self.new_households: list[dict] = []
        self.new_people_of: dict[str, list[dict]] = {}  # Mã hộ → rows of a new household
        self.new_people: list[dict] = []
        self.household_updates: list[dict] = []
        self.person_updates: list[dict] = []

    def add_household(self, household: FileHousehold, village_id: int) -> None:
        values = HOUSEHOLD_DEFAULTS | {"chu_ho": household.default_chu_ho} | household.values
        self.new_households.append(
            {
                **values,
                **self._created(),
                "commune_id": self.commune_id,
                "village_id": village_id,
                "ma_ho": household.ma_ho,
            }
        )
        self.new_people_of[household.ma_ho] = [
            {**PERSON_DEFAULTS, **member.values, **self._created(), "position": position}
            for position, member in enumerate(household.members)
        ]
        self.summary.households_created += 1
        self.summary.people_created += len(household.members)

    def merge_household(self, row: dict, household: FileHousehold, village_id: int, stored):
        target = {name: row[name] for name in HOUSEHOLD_FIELDS} | household.values
        target["village_id"] = village_id
        members_changed = self._merge_members(row["id"], household.members, stored)
        if members_changed or any(target[name] != row[name] for name in HOUSEHOLD_FIELDS):
            update_row = {"id": row["id"], "version": row["version"] + 1, "updated_at": self.now}
            self.household_updates.append(target | update_row)
            self.summary.households_updated += 1
        else:
            self.summary.households_unchanged += 1

    def _merge_members(self, household_id: int, listed: list[FileMember], stored) -> bool:
        """Queue the member changes of one stored household; True when anything changes."""
        pairs, left_over = match_members(stored, listed)
        changed = False
        for position, (member, row) in enumerate(zip(listed, pairs, strict=True)):
            if row is None:
                self.new_people.append(
                    {
                        **PERSON_DEFAULTS,
                        **member.values,
                        **self._created(),
                        "household_id": household_id,
                        "position": position,
                    }
                )
                self.summary.people_created += 1
                changed = True
            else:
                changed |= self._update_person(row, member.values | {"position": position})
        for position, row in enumerate(left_over, start=len(listed)):
            self.summary.people_not_in_file += 1
            changed |= self._update_person(row, {"position": position}, count=False)
        return changed

    def _update_person(self, row: dict, values: dict, count: bool = True) -> bool:
        target = {name: row[name] for name in PERSON_FIELDS} | values
        changed = any(target[name] != row[name] for name in PERSON_FIELDS)
        if changed:
            self.person_updates.append(target | {"id": row["id"], "updated_at": self.now})
        if count:
            if changed:
                self.summary.people_updated += 1
            else:
                self.summary.people_unchanged += 1
        return changed

    def _created(self) -> dict:
        return {"token": new_token(), "created_at": self.now, "updated_at": self.now}

    def write(self) -> None:
        """Run the gathered changes: one bulk statement per kind of change."""
        # render_nulls: the ORM would otherwise drop None values and split the rows into one
        # statement per pattern of blanks (thousands of statements instead of a few batches).
        # Bulk statements bypass the ORM: the rows they write are named for the history.
        if self.new_households:
            stmt = insert(Household).returning(Household.id, Household.ma_ho)
            stmt = stmt.execution_options(render_nulls=True)
            ids = dict((ma_ho, id_) for id_, ma_ho in db.session.execute(stmt, self.new_households))
            history.touched(db.session, "household", ids.values())
            for ma_ho, people in self.new_people_of.items():
                self.new_people += [person | {"household_id": ids[ma_ho]} for person in people]
        if self.new_people:
            stmt = insert(Person).returning(Person.id).execution_options(render_nulls=True)
            created = db.session.scalars(stmt, self.new_people).all()
            history.touched(db.session, "person", created)
        if self.household_updates:
            db.session.execute(update(Household), self.household_updates)
            history.touched(db.session, "household", [r["id"] for r in self.household_updates])
        if self.person_updates:
            db.session.execute(update(Person), self.person_updates)
            history.touched(db.session, "person", [r["id"] for r in self.person_updates])


@dataclass
class ImportOutcome:
    summary: ImportSummary | None = None  # set when the file was imported
    errors: list[CellError] = field(default_factory=list)  # every bad cell, nothing imported
    warnings: list[str] = field(default_factory=list)
    file_error: str | None = None  # the file could not be read at all


def vouched_by(user) -> str:
    """How a page import records who vouched for consent: name and user name."""
    return f"{user.display_name} ({user.username})"


def import_file(
    actor,
    commune: Commune,
    filename: str,
    data,
    today: date,
    limits=None,
    progress=None,
    *,
    consent_by: str,
) -> ImportOutcome:
    """Check a whole file (bytes or a binary stream), then import it only if every cell is
    good (the caller commits). ``progress(stage, done, total)``: rows read, households written;
    ``consent_by``: who vouched that the commune collected the data with consent."""
    checked, written = _steps(progress)
    try:
        parsed = parse_file(filename, data, today, checked, limits or Limits())
    except ImportFileError as exc:
        return ImportOutcome(file_error=str(exc))
    errors = sorted_errors(parsed.errors + check_against_database(commune, parsed))
    if errors:
        return ImportOutcome(errors=errors, warnings=parsed.warnings)
    summary = import_households(
        actor, commune, parsed, filename, written(len(parsed.households)), consent_by=consent_by
    )
    return ImportOutcome(summary=summary, warnings=parsed.warnings)


def _steps(progress):
    """Per-item callbacks for reading and writing that report ``progress(stage, done, total)``
    (total is 0 while reading: how many rows a file has is known only at its end)."""
    if progress is None:
        return None, lambda _total: None
    rows = [0]

    def checked(step: int) -> None:
        rows[0] += step
        progress(CHECKING, rows[0], 0)

    def written(total: int):
        progress(WRITING, 0, total)  # before the first write: the stage shows at once
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            progress(WRITING, done[0], total)

        return step

    return checked, written


def sorted_errors(errors: list[CellError]) -> list[CellError]:
    """Bad cells in spreadsheet order (stable: within a row, the order they were found)."""
    return sorted(errors, key=lambda error: error.row)
