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

import difflib
import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import insert, select, update

from household_forms.import_template import CellError, name_key, village_key, word_key
from survey_app import audit
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.history.changes import HOUSEHOLD_LABELS, PERSON_LABELS, words
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
from survey_app.imports.workbook import SAMPLE
from survey_app.operations import services as operations
from survey_app.operations.models import IMPORT, Operation
from survey_app.places.models import Commune, Village
from survey_app.places.services import get_or_create_village
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token
from survey_app.transactions import ServiceError, refresh_statistics

CHECKING, WRITING = "check", "write"  # the stages an import reports progress for
HOUSEHOLD_DEFAULTS = {"dia_chi": "", "so_dien_thoai": None} | dict.fromkeys(HOUSEHOLD_YESNO)
PERSON_DEFAULTS = {"quan_he": "", "cu_tru": "co_mat", "vneid": None} | dict.fromkeys(PERSON_YESNO)
HOUSEHOLD_FIELDS = ("village_id", "chu_ho", *HOUSEHOLD_DEFAULTS)
VOUCH_BATCH = 500  # codes per UPDATE: well under SQLite's limit on bound parameters
SAMPLE_CODES = {row["ma_ho"].casefold() for row in SAMPLE}
SAMPLE_NAMES = {name_key(row["ho_ten"]) for row in SAMPLE}
LABELS = HOUSEHOLD_LABELS | PERSON_LABELS
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
    samples_skipped: int = 0  # households of the template's own example, never imported
    new_villages: list[str] = field(default_factory=list)  # the names of the villages created


@dataclass
class Preview:
    """What an import would do, for the officer to read before confirming (JSON on the job).

    The lists hold at most PREVIEW_ITEMS entries each; the summary has the full counts.
    ``digest`` fingerprints the writes themselves: the same file over the same stored data gives
    the same digest, and any change in what would be written gives another.
    """

    summary: ImportSummary
    digest: str
    new_households: list[dict] = field(default_factory=list)  # ma_ho, chu_ho, thon, people
    changed: list[dict] = field(default_factory=list)  # ma_ho, thon, fields, members
    villages: list[dict] = field(default_factory=list)  # name, closest (or None), households
    samples: list[dict] = field(default_factory=list)  # ma_ho, name, rows
    twice: list[dict] = field(default_factory=list)  # name, year, places
    removed: list[str] = field(default_factory=list)  # Mã hộ of households an officer removed

    @classmethod
    def of(cls, data: dict) -> "Preview":
        return cls(**(data | {"summary": ImportSummary(**data["summary"])}))


PREVIEW_ITEMS = 500  # per list: enough to read, small enough to keep on the job row


class StalePreview(ServiceError):
    """The data changed since the officer read the preview; the new preview is attached."""

    MESSAGE = (
        "Dữ liệu đã thay đổi từ lúc xem trước (có người vừa sửa hoặc nhập). "
        "Đây là bản xem trước mới; hãy xem lại rồi xác nhận."
    )

    def __init__(self, preview: Preview):
        super().__init__(self.MESSAGE)
        self.preview = preview


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


def plan_import(commune: Commune | None, parsed: ParsedFile, progress=None) -> "_Plan":
    """Work out every write a checked file would make, writing nothing (None: a new commune)."""
    villages = (
        db.session.scalars(select(Village).where(Village.commune_id == commune.id)).all()
        if commune
        else []
    )
    plan = _Plan(commune.id if commune else None, villages)
    known = _village_ids(villages)
    stored = _stored_households(commune.id) if commune else {}
    members = _stored_members(commune.id) if commune else {}
    for household in parsed.households.values():
        if is_sample(household):
            plan.skip_sample(household)
            continue
        key = village_key(household.village)
        village = known.get(key) or plan.new_village(key, household.village)
        row = stored.get(household.ma_ho)
        if row is None:
            plan.add_household(household, village)
        else:
            plan.merge_household(row, household, village, members.get(row["id"], []))
        if progress:
            progress(1)
    plan.find_twice(parsed, stored, members)
    return plan


def preview_import(commune: Commune | None, parsed: ParsedFile, progress=None) -> Preview:
    """What importing the checked file would do; nothing is written."""
    return plan_import(commune, parsed, progress).preview()


def import_households(
    actor,
    commune: Commune,
    parsed: ParsedFile,
    filename: str,
    progress: Progress | None = None,
    *,
    consent_by: str,
    expect: str | None = None,
) -> tuple[ImportSummary, Operation]:
    """Create or update every household of a checked file; record the operation (so it can be
    undone) and one audit row.

    ``consent_by``: who vouched that the commune collected the file's data with consent.
    ``expect``: the digest of the preview the officer confirmed; StalePreview when the writes
    would now differ from it.
    """
    plan = plan_import(commune, parsed, progress)
    if expect is not None and plan.digest() != expect:
        raise StalePreview(plan.preview())
    summary = plan.summary
    operation = operations.begin(
        actor, IMPORT, commune, "import", filename, consent_by=consent_by, summary=asdict(summary)
    )
    plan.write(actor, commune)
    _vouch(commune.id, plan.codes, consent_by)
    audit.record(
        actor, "import", "commune", commune.token,
        file=filename, consent_by=consent_by, operation=operation.token, **asdict(summary),
    )  # fmt: skip
    db.session.flush()
    return summary, operation


def is_sample(household: FileHousehold) -> bool:
    """The template's example household (VD-001, Nguyễn Văn An), left in the file by mistake."""
    if household.ma_ho.casefold() not in SAMPLE_CODES:
        return False
    return any(name_key(m.values["ho_ten"]) in SAMPLE_NAMES for m in household.members)


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


def _village_ids(villages) -> dict[str, int]:
    """Village id per village key (an active village wins over a closed one of the same name)."""
    ids: dict[str, int] = {}
    for village in sorted(villages, key=lambda v: not v.active):
        ids.setdefault(village_key(village.name), village.id)
    return ids


def closest_name(name: str, names: list[str]) -> str | None:
    """The existing village name a new one most likely meant ("Thon 1" → "Thôn 1"), or None."""
    folded = {word_key(other): other for other in names}
    if word_key(name) in folded:
        return folded[word_key(name)]
    close = difflib.get_close_matches(word_key(name), list(folded), n=1, cutoff=0.75)
    return folded[close[0]] if close else None


def _stored_households(commune_id: int) -> dict[str, dict]:
    """Every household of the commune by Mã hộ, as plain rows (one query, no ORM objects)."""
    columns = [Household.id, Household.ma_ho, Household.version, Household.removed_at]
    columns += [getattr(Household, name) for name in HOUSEHOLD_FIELDS]
    stmt = select(*columns).where(Household.commune_id == commune_id)
    return {row["ma_ho"]: dict(row) for row in db.session.execute(stmt).mappings()}


def _stored_members(commune_id: int) -> dict[int, list[dict]]:
    """Every member of the commune's households, grouped by household, in page order. Removed
    members are there too, so that re-importing a register does not bring back as new someone
    an officer removed (they are matched, and stay removed)."""
    columns = [Person.id, Person.household_id, Person.removed_at]
    columns += [getattr(Person, n) for n in PERSON_FIELDS]
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
    """Rows to insert and update, gathered first and then written in a few bulk statements; what
    they change, in words, for the preview."""

    def __init__(self, commune_id: int | None, villages=()):
        self.commune_id, self.summary, self.now = commune_id, ImportSummary(), utcnow()
        self.village_names = {village.id: village.name for village in villages}
        self.active_names = [village.name for village in villages if village.active]
        self.new_villages: dict[str, str] = {}  # village key → name as the file writes it
        self.new_households: list[dict] = []
        self.new_people_of: dict[str, list[dict]] = {}  # Mã hộ → rows of a new household
        self.new_people: list[dict] = []
        self.household_updates: list[dict] = []
        self.person_updates: list[dict] = []
        self.codes: list[str] = []  # Mã hộ of every household imported
        self.added: list[dict] = []  # new households, in words
        self.changes: list[dict] = []  # changed households, in words
        self.samples: list[dict] = []
        self.twice: list[dict] = []
        self.removed: list[str] = []

    def new_village(self, key: str, name: str) -> str:
        """A village the file names and the commune lacks: created when the plan is written."""
        if key not in self.new_villages:
            self.new_villages[key] = name.strip()
            self.summary.villages_created += 1
            self.summary.new_villages.append(name.strip())
        return key  # stands for the village id until then

    def skip_sample(self, household: FileHousehold) -> None:
        rows = [m.row for m in household.members]
        name = household.members[0].values["ho_ten"] if household.members else ""
        self.samples.append({"ma_ho": household.ma_ho, "name": name, "rows": rows})
        self.summary.samples_skipped += 1

    def add_household(self, household: FileHousehold, village) -> None:
        values = HOUSEHOLD_DEFAULTS | {"chu_ho": household.default_chu_ho} | household.values
        self.new_households.append(
            {
                **values,
                **self._created(),
                "commune_id": self.commune_id,
                "village_id": village,
                "ma_ho": household.ma_ho,
            }
        )
        self.new_people_of[household.ma_ho] = [
            {**PERSON_DEFAULTS, **member.values, **self._created(), "position": position}
            for position, member in enumerate(household.members)
        ]
        self.codes.append(household.ma_ho)
        if len(self.added) < PREVIEW_ITEMS:
            self.added.append(
                {"ma_ho": household.ma_ho, "chu_ho": values["chu_ho"],
                 "thon": household.village, "people": len(household.members)}
            )  # fmt: skip
        self.summary.households_created += 1
        self.summary.people_created += len(household.members)

    def merge_household(self, row: dict, household: FileHousehold, village, stored):
        target = {name: row[name] for name in HOUSEHOLD_FIELDS} | household.values
        target["village_id"] = village
        words = _differences(row, target, HOUSEHOLD_FIELDS, self.village_names, household.village)
        member_words: list[dict] = []
        members_changed = self._merge_members(row["id"], household.members, stored, member_words)
        self.codes.append(household.ma_ho)
        if row["removed_at"] is not None:
            self.removed.append(household.ma_ho)
        if members_changed or words:
            update_row = {"id": row["id"], "version": row["version"] + 1, "updated_at": self.now}
            self.household_updates.append(target | update_row)
            self.summary.households_updated += 1
            if len(self.changes) < PREVIEW_ITEMS:
                self.changes.append(
                    {"ma_ho": row["ma_ho"], "chu_ho": row["chu_ho"], "thon": household.village,
                     "fields": words, "members": [m for m in member_words if m]}
                )  # fmt: skip
        else:
            self.summary.households_unchanged += 1

    def _merge_members(self, household_id: int, listed, stored, words: list) -> bool:
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
                words.append({"name": member.values["ho_ten"], "new": True, "fields": []})
                changed = True
            else:
                values = member.values | {"position": position}
                changed |= self._update_person(row, values, words=words)
        present = [row for row in left_over if row["removed_at"] is None]
        for position, row in enumerate(present, start=len(listed)):
            self.summary.people_not_in_file += 1
            changed |= self._update_person(row, {"position": position}, count=False)
        return changed

    def _update_person(self, row: dict, values: dict, count: bool = True, words=None) -> bool:
        target = {name: row[name] for name in PERSON_FIELDS} | values
        changed = any(target[name] != row[name] for name in PERSON_FIELDS)
        if changed:
            self.person_updates.append(target | {"id": row["id"], "updated_at": self.now})
            fields = _differences(row, target, PERSON_FIELDS, self.village_names)
            if words is not None and fields:
                words.append({"name": row["ho_ten"], "new": False, "fields": fields})
        if count:
            if changed:
                self.summary.people_updated += 1
            else:
                self.summary.people_unchanged += 1
        return changed

    def find_twice(self, parsed: ParsedFile, stored: dict, members: dict) -> None:
        """People of the file found in another household too (of the file or already stored):
        same name (ignoring diacritics, case and spacing) and birth year."""
        places: dict[tuple, dict[str, str]] = defaultdict(dict)  # key → Mã hộ → how it is known
        code_of = {row["id"]: code for code, row in stored.items() if row["removed_at"] is None}
        for household_id, rows in members.items():
            for row in rows:
                if household_id in code_of and row["removed_at"] is None:
                    key = (name_key(row["ho_ten"]), row["birth_date"].year)
                    places[key][code_of[household_id]] = "đã có"
        seen: dict[tuple, str] = {}
        for household in parsed.households.values():
            if is_sample(household):
                continue
            for member in household.members:
                key = (name_key(member.values["ho_ten"]), member.values["birth_date"].year)
                seen.setdefault(key, member.values["ho_ten"])
                places[key][household.ma_ho] = f"dòng {member.row}"
        for key, name in seen.items():
            where = places[key]
            if len(where) > 1 and len(self.twice) < PREVIEW_ITEMS:
                listed = [f"Hộ {code} ({how})" for code, how in sorted(where.items())]
                self.twice.append({"name": name, "year": key[1], "places": listed})

    def digest(self) -> str:
        """A fingerprint of the writes (not of tokens or clocks, which differ on every run)."""
        volatile = {"token", "created_at", "updated_at"}
        rows = [
            sorted(self.new_villages.items()),
            *([{k: v for k, v in r.items() if k not in volatile} for r in rows] for rows in (
                self.new_households, self.household_updates, self.person_updates,
                self.new_people,
                [p for people in self.new_people_of.values() for p in people],
            )),
        ]  # fmt: skip
        text = json.dumps(rows, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def preview(self) -> Preview:
        villages = [
            {"name": name, "closest": closest_name(name, self.active_names)}
            for name in self.new_villages.values()
        ]
        return Preview(
            summary=self.summary,
            digest=self.digest(),
            new_households=self.added,
            changed=self.changes,
            villages=villages,
            samples=self.samples[:PREVIEW_ITEMS],
            twice=self.twice,
            removed=self.removed[:PREVIEW_ITEMS],
        )

    def _created(self) -> dict:
        return {"token": new_token(), "created_at": self.now, "updated_at": self.now}

    def write(self, actor, commune: Commune) -> None:
        """Run the gathered changes: one bulk statement per kind of change."""
        # render_nulls: the ORM would otherwise drop None values and split the rows into one
        # statement per pattern of blanks (thousands of statements instead of a few batches).
        # Bulk statements bypass the ORM: the rows they write are named for the history.
        created = {
            key: get_or_create_village(actor, commune, name).id
            for key, name in self.new_villages.items()
        }
        for row in self.new_households + self.household_updates:
            row["village_id"] = created.get(row["village_id"], row["village_id"])
            row["commune_id"] = commune.id
        if self.new_households:
            stmt = insert(Household).returning(Household.id, Household.ma_ho)
            stmt = stmt.execution_options(render_nulls=True)
            ids = dict((ma_ho, id_) for id_, ma_ho in db.session.execute(stmt, self.new_households))
            history.touched(db.session, "household", ids.values())
            for ma_ho, people in self.new_people_of.items():
                self.new_people += [person | {"household_id": ids[ma_ho]} for person in people]
        if self.new_people:
            stmt = insert(Person).returning(Person.id).execution_options(render_nulls=True)
            people_ids = db.session.scalars(stmt, self.new_people).all()
            history.touched(db.session, "person", people_ids)
        if self.household_updates:
            db.session.execute(update(Household), self.household_updates)
            history.touched(db.session, "household", [r["id"] for r in self.household_updates])
        if self.person_updates:
            db.session.execute(update(Person), self.person_updates)
            history.touched(db.session, "person", [r["id"] for r in self.person_updates])


def _differences(
    row: dict, target: dict, names, village_names: dict, village_name: str = ""
) -> list[dict]:
    """The fields that change, in words: label, old value, new value."""
    changes = []
    for name in names:
        if name == "position" or target[name] == row[name]:
            continue
        if name == "village_id":
            old = village_names.get(row[name], "")
            changes.append({"label": "Thôn", "old": old, "new": village_name})
            continue
        if name == "birth_year_only":
            continue  # shown with the birth date
        label = LABELS.get(name, name)
        old, new = words(name, row[name]), words(name, target[name])
        if name == "birth_date":
            old = _birth_words(row)
            new = _birth_words(target)
        changes.append({"label": label, "old": old, "new": new})
    return changes


def _birth_words(values: dict) -> str:
    born = values["birth_date"]
    return str(born.year) if values.get("birth_year_only") else f"{born:%d/%m/%Y}"


@dataclass
class ImportOutcome:
    summary: ImportSummary | None = None  # set when the file was imported
    operation: str | None = None  # the import's operation token (to undo it)
    preview: Preview | None = None  # what it would do (a preview, or a stale one recomputed)
    stale: bool = False  # the confirmed preview no longer held: ``preview`` is the new one
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
    preview: bool = False,
    expect: str | None = None,
) -> ImportOutcome:
    """Check a whole file (bytes or a binary stream); then, if every cell is good, preview it
    (``preview``: nothing written) or import it (the caller commits). ``expect``: the digest of
    the preview the officer confirmed (a stale one comes back as a new preview).
    ``progress(stage, done, total)``: rows read, households planned or written;
    ``consent_by``: who vouched that the commune collected the data with consent."""
    checked, written = _steps(progress)
    try:
        parsed = parse_file(filename, data, today, checked, limits or Limits())
    except ImportFileError as exc:
        return ImportOutcome(file_error=str(exc))
    errors = sorted_errors(parsed.errors + check_against_database(commune, parsed))
    if errors:
        return ImportOutcome(errors=errors, warnings=parsed.warnings)
    step = written(len(parsed.households))
    if preview:
        planned = preview_import(commune, parsed, step)
        return ImportOutcome(preview=planned, warnings=parsed.warnings)
    try:
        summary, operation = import_households(
            actor, commune, parsed, filename, step, consent_by=consent_by, expect=expect
        )
    except StalePreview as exc:
        return ImportOutcome(preview=exc.preview, stale=True, warnings=parsed.warnings)
    refresh_statistics(
        summary.households_created + summary.households_updated
        + summary.people_created + summary.people_updated
    )  # fmt: skip
    return ImportOutcome(summary=summary, operation=operation.token, warnings=parsed.warnings)


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
