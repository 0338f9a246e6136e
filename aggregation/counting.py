"""The counting SQL: conditional aggregation grouped by commune and village.

Two statements per criteria set whatever its size — one over people, one over households — each
a single pass with one conditional count per distinct denominator, numerator and unknown.

The conditional counts are written ``COUNT(*) FILTER (WHERE …)`` (SQL:2003; PostgreSQL ≥ 9.4,
SQLite ≥ 3.30) rather than ``SUM(CASE WHEN … THEN 1 ELSE 0 END)``: same result on both engines,
0 rather than NULL for an empty group, and 2.7× faster on SQLite (benchmarks/aggregate.py).
"""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import and_, bindparam, func, or_, select, text

from aggregation.criteria import PERSON_FIELDS, CriteriaSet, Indicator
from aggregation.populations import (
    Cutoffs,
    condition_unknown,
    condition_yes,
    denominator,
    in_communes,
    member_summary,
    person_counted,
)
from aggregation.rules import Rules
from aggregation.source import LIVE, Source

Key = tuple[int, int]  # (commune_id, village_id)


@dataclass
class Tally:
    numerator: int = 0
    denominator: int = 0
    unknown: int = 0

    def add(self, other: "Tally") -> None:
        self.numerator += other.numerator
        self.denominator += other.denominator
        self.unknown += other.unknown


@dataclass
class Coverage:
    """How far the survey has got in one village (or a whole commune)."""

    households: int = 0  # every household on the list
    households_surveyed: int = 0  # visited and recorded (surveyed_at set)
    households_counted: int = 0  # with at least one counted member
    people: int = 0  # counted people (residence state, born by the as-of date)
    people_incomplete: int = 0  # counted people with at least one item not asked yet

    def add(self, other: "Coverage") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Counts:
    tallies: dict[Key, dict[str, Tally]] = field(default_factory=dict)
    coverage: dict[Key, Coverage] = field(default_factory=dict)


def _count(condition):
    """COUNT(*) of the rows meeting ``condition`` (all rows when None)."""
    if condition is None:
        return func.count()
    return func.count().filter(condition)


def _both(first, second):
    return second if first is None else and_(first, second)


class _Columns:
    """Deduplicated labelled SUM columns: indicators sharing a denominator share its column."""

    def __init__(self):
        self.exprs: dict[str, object] = {}
        self._labels: dict[tuple, str] = {}

    def add(self, signature: tuple, condition) -> str:
        if signature not in self._labels:
            label = f"c{len(self._labels)}"
            self._labels[signature] = label
            self.exprs[label] = _count(condition).label(label)
        return self._labels[signature]

    def value(self, row, name: str) -> int:
        """The integer in ``row`` of the extra column added as ``(name,)``."""
        return int(row._mapping[self._labels[(name,)]] or 0)


def _indicator_columns(columns: _Columns, ind: Indicator, cut: Cutoffs, members) -> tuple:
    den = denominator(ind, cut, members, with_base=False)
    base = (ind.population, ind.denominator_filter)
    yes = condition_yes(ind.numerator, cut, members)
    unknown = condition_unknown(ind.numerator, cut, members)
    return (
        columns.add(("num", *base, ind.numerator), _both(den, yes)),
        columns.add(("den", *base), den),
        columns.add(("unk", *base, ind.numerator), _both(den, unknown)),
    )


def person_statement(indicators, cut: Cutoffs, commune_ids=None):
    """One SELECT over counted people: per (commune, village) tallies of every person indicator."""
    H, P = cut.src.H, cut.src.P
    columns = _Columns()
    labels = {i.code: _indicator_columns(columns, i, cut, None) for i in indicators}
    incomplete = or_(*[getattr(P, name).is_(None) for name in PERSON_FIELDS])
    columns.add(("people",), None)
    columns.add(("incomplete",), incomplete)
    stmt = (
        select(H.commune_id, H.village_id, *columns.exprs.values())
        .select_from(P)
        .join(H, H.id == P.household_id)
        .where(person_counted(cut))
        .group_by(H.commune_id, H.village_id)
    )
    if commune_ids is not None:
        stmt = stmt.where(in_communes(cut, commune_ids))
    return stmt, labels, columns


def household_statement(indicators, cut: Cutoffs, commune_ids=None):
    """One SELECT over households (outer-joined to their counted members) per (commune, village)."""
    H = cut.src.H
    members = member_summary(cut, commune_ids)
    columns = _Columns()
    labels = {i.code: _indicator_columns(columns, i, cut, members) for i in indicators}
    columns.add(("households",), None)
    columns.add(("surveyed",), H.surveyed_at.is_not(None))
    columns.add(("counted",), members.c.household_id.is_not(None))
    stmt = (
        select(H.commune_id, H.village_id, *columns.exprs.values())
        .select_from(H)
        .outerjoin(members, members.c.household_id == H.id)
        .group_by(H.commune_id, H.village_id)
    )
    if commune_ids is not None:
        stmt = stmt.where(H.commune_id.in_(commune_ids))
    return stmt, labels, columns


@lru_cache(maxsize=64)
def statements(criteria: CriteriaSet, filtered: bool, src: Source):
    """The two statements of a criteria set and a source, built once with dates, communes (and
    the moment, for history) as parameters."""
    cut = Cutoffs.placeholders(src)
    ids = bindparam("commune_ids", expanding=True) if filtered else None
    data = [i for i in criteria.indicators if not i.is_manual]
    people = [i for i in data if i.unit_kind == "person"]
    households = [i for i in data if i.unit_kind == "household"]
    return person_statement(people, cut, ids), household_statement(households, cut, ids)


def count(
    session,
    criteria: CriteriaSet,
    rules: Rules,
    as_of: date,
    commune_ids=None,
    source: tuple[Source, dict] = (LIVE, {}),
) -> Counts:
    """Run the two counting statements; ``commune_ids=None`` counts every commune.

    Ages are taken at ``as_of``; the rows are ``source`` (aggregation/source.py: today's, or the
    history as it stood, with its parameters).
    """
    src, extra = source
    params = Cutoffs.build(rules, as_of).params() | extra
    if commune_ids is not None:
        params["commune_ids"] = list(commune_ids)
    (person, labels, cols), household = statements(criteria, commune_ids is not None, src)
    _no_jit(session)
    counts = Counts()
    for row in session.execute(person, params):
        cov = _read(counts, row, labels)
        cov.people = cols.value(row, "people")
        cov.people_incomplete = cols.value(row, "incomplete")
    stmt, labels, cols = household
    for row in session.execute(stmt, params):
        cov = _read(counts, row, labels)
        cov.households = cols.value(row, "households")
        cov.households_surveyed = cols.value(row, "surveyed")
        cov.households_counted = cols.value(row, "counted")
    return counts


def _no_jit(session) -> None:
    """Turn PostgreSQL's JIT off for this transaction.

    Compiling these wide aggregates costs more than it saves: 0,4–1 s of a 1–3 s count of 200
    communes (benchmarks/aggregate.py), and about as long as the whole query for one commune.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _read(counts: Counts, row, labels) -> Coverage:
    key = (row.commune_id, row.village_id)
    mapping = row._mapping
    tallies = counts.tallies.setdefault(key, {})
    for code, (num, den, unk) in labels.items():
        tallies[code] = Tally(
            int(mapping[num] or 0), int(mapping[den] or 0), int(mapping[unk] or 0)
        )
    return counts.coverage.setdefault(key, Coverage())
