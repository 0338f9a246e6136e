"""Likely duplicate people in a commune, and merging two into one.

Two present people are likely the same when their names agree once diacritics, case and spacing
are ignored ("Nguyễn Văn An" / "Nguyen van  An") and they were born in the same year (the same
day, when both dates are known, makes it more certain), in the same household or in two. An
officer either merges them, choosing each field's value from one or the other, or says they are
two people ("không trùng"), and the pair is not suggested again.

A merge keeps the first person with the chosen values and removes the second (soft, with the
reason "Trùng với …"), so counts drop by one. Both keep their history; the merge is an
operation (survey_app/operations) and can be undone while neither has changed since.
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from household_forms.import_template import name_key
from survey_app import audit
from survey_app.duplicates.models import NotDuplicate
from survey_app.extensions import db
from survey_app.history.changes import PERSON_LABELS, words
from survey_app.households.models import Household, Person
from survey_app.households.vocabulary import PERSON_YESNO
from survey_app.operations import services as operations
from survey_app.operations.models import MERGE_PEOPLE
from survey_app.timeutil import utcnow
from survey_app.transactions import ServiceError

MAX_PAIRS = 500  # a commune with more has a bigger problem than this page can show
# What an officer chooses between, field by field (the birth date carries "year only").
FIELDS = ("ho_ten", "birth_date", "gioi_tinh", "quan_he", "cu_tru", *PERSON_YESNO, "vneid")


class DuplicateError(ServiceError):
    """A merge or decision that cannot be made, with the reason in Vietnamese."""


@dataclass
class Pair:
    first: Person
    second: Person

    @property
    def same_day(self) -> bool:
        a, b = self.first, self.second
        return not (a.birth_year_only or b.birth_year_only) and a.birth_date == b.birth_date

    @property
    def same_household(self) -> bool:
        return self.first.household_id == self.second.household_id


def likely_duplicates(commune) -> list[Pair]:
    """Pairs of present people of the commune who are likely the same person, surest first.

    Grouped on three plain columns; only the people in a pair are loaded as objects, with the
    household and village the page names (a commune has thousands of people, a few pairs)."""
    stmt = (
        select(Person.id, Person.ho_ten, Person.birth_date)
        .join(Household, Household.id == Person.household_id)
        .where(
            Household.commune_id == commune.id,
            Household.removed_at.is_(None),
            Person.removed_at.is_(None),
        )
    )
    groups: dict[tuple, list[int]] = defaultdict(list)
    for person_id, name, born in db.session.execute(stmt):
        groups[(name_key(name), born.year)].append(person_id)
    decided = _decided(commune)
    wanted = [
        (a, b)
        for ids in groups.values()
        for a, b in combinations(sorted(ids), 2)
        if (a, b) not in decided
    ]
    people = _people({person_id for pair in wanted for person_id in pair})
    pairs = [Pair(people[a], people[b]) for a, b in wanted]
    pairs.sort(key=lambda p: (not p.same_day, name_key(p.first.ho_ten), p.first.id))
    return pairs[:MAX_PAIRS]


def _people(ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    stmt = (
        select(Person)
        .where(Person.id.in_(ids))
        .options(selectinload(Person.household).selectinload(Household.village))
    )
    return {person.id: person for person in db.session.scalars(stmt)}


def _decided(commune) -> set[tuple[int, int]]:
    people = (
        select(Person.id)
        .join(Household, Household.id == Person.household_id)
        .where(Household.commune_id == commune.id)
    )
    stmt = select(NotDuplicate.first_id, NotDuplicate.second_id).where(
        NotDuplicate.first_id.in_(people)
    )
    return {(a, b) for a, b in db.session.execute(stmt)}


def choices(pair: Pair) -> list[dict]:
    """Each field the two differ in, with both values in words (what the merge page asks)."""
    rows = []
    for name in FIELDS:
        a, b = _value(pair.first, name), _value(pair.second, name)
        if a != b:
            rows.append(
                {"field": name, "label": PERSON_LABELS.get(name, name),
                 "first": _words(pair.first, name), "second": _words(pair.second, name)}
            )  # fmt: skip
    return rows


def _value(person: Person, name: str):
    if name == "birth_date":
        return person.birth_date, person.birth_year_only
    return getattr(person, name)


def _words(person: Person, name: str) -> str:
    if name == "birth_date":
        born = person.birth_date
        return str(born.year) if person.birth_year_only else f"{born:%d/%m/%Y}"
    return words(name, getattr(person, name))


def check_pair(first: Person, second: Person) -> None:
    if first.id == second.id:
        raise DuplicateError("Hãy chọn hai người khác nhau.")
    if first.removed_at or second.removed_at:
        raise DuplicateError("Một trong hai người đã bị xóa hoặc đã được gộp.")
    if first.household.commune_id != second.household.commune_id:
        raise DuplicateError("Hai người không cùng một xã.")


def merge(actor, keep: Person, other: Person, take_other: set[str]) -> str:
    """Keep ``keep`` with, for each field in ``take_other``, the value of ``other``; remove
    ``other``. Returns the operation's token (to undo it)."""
    check_pair(keep, other)
    unknown = take_other - set(FIELDS)
    if unknown:
        raise DuplicateError("Có mục không gộp được: " + ", ".join(sorted(unknown)))
    commune = keep.household.commune
    operation = operations.begin(
        actor, MERGE_PEOPLE, commune, "merge_people",
        f"{keep.ho_ten} ({keep.household.ma_ho}) ← {other.ho_ten} ({other.household.ma_ho})",
    )  # fmt: skip
    for name in take_other:
        setattr(keep, name, getattr(other, name))
        if name == "birth_date":
            keep.birth_year_only = other.birth_year_only
    now = utcnow()
    other.removed_at, other.removed_by_id = now, getattr(actor, "id", None)
    other.removed_reason = f"Trùng với {keep.ho_ten} (hộ {keep.household.ma_ho})"[:200]
    for household in {keep.household, other.household}:
        household.version += 1
    operation.details = {"keep": keep.token, "removed": other.token, "fields": sorted(take_other)}
    db.session.flush()
    db.session.expire(keep.household, ["members", "all_members"])
    db.session.expire(other.household, ["members", "all_members"])
    audit.record(
        actor, "merge_people", "person", keep.token,
        removed=other.token, fields=sorted(take_other), operation=operation.token,
    )  # fmt: skip
    return operation.token


def not_duplicates(actor, first: Person, second: Person) -> None:
    """Record that the two are different people: the pair is not suggested again."""
    check_pair(first, second)
    low, high = sorted((first.id, second.id))
    exists = db.session.scalar(
        select(NotDuplicate.id).where(NotDuplicate.first_id == low, NotDuplicate.second_id == high)
    )
    if exists is None:
        db.session.add(
            NotDuplicate(first_id=low, second_id=high, decided_by_id=getattr(actor, "id", None))
        )
        db.session.flush()
    audit.record(actor, "not_duplicate", "person", first.token, other=second.token)
