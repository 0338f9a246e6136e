"""compute() and compute_many(): the one entry point for the CLI, the pages and the benchmark."""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from aggregation import numbers
from aggregation.counting import Counts, Coverage, Tally, count
from aggregation.criteria import CriteriaSet, Indicator, get_criteria
from aggregation.results import (
    NOT_ENTERED,
    IndicatorResult,
    ManualEntry,
    Report,
    VillageRef,
    VillageResult,
)
from aggregation.rules import Rules, default_as_of
from aggregation.source import source_for
from survey_app.places.models import Commune
from survey_app.reports.models import CommuneSettings, ManualIndicatorResult


def rules_of(settings: CommuneSettings) -> Rules:
    """The counting rules a commune's settings select."""
    return Rules(
        working_age_rule=settings.working_age_rule,
        adult_age=settings.adult_age,
        count_tam_vang=settings.count_tam_vang,
        decimals=settings.decimals,
    )


def load_settings(session, communes) -> dict[int, CommuneSettings]:
    """Stored settings per commune id; defaults (unsaved) for communes that have none."""
    ids = [c.id for c in communes]
    stored = session.scalars(select(CommuneSettings).where(CommuneSettings.commune_id.in_(ids)))
    found = {s.commune_id: s for s in stored}
    return {c.id: found.get(c.id) or CommuneSettings.defaults(c) for c in communes}


def compute(
    session,
    commune: Commune,
    criteria_id: str,
    year: int,
    as_of: date | None = None,
    settings: CommuneSettings | None = None,
    confirmed_since: datetime | None = None,
    *,
    at: datetime | None = None,
    manual: dict | None = None,
) -> Report:
    """Results of criteria set ``criteria_id`` for one commune, per indicator and per village.

    ``at``: the data as it stood at that moment; ``manual``: the staff-entered results to use
    (by indicator code) instead of the stored ones — both for frozen reports.
    """
    overrides = {commune.id: settings} if settings is not None else None
    reports = compute_many(
        session, [commune], criteria_id, year, as_of, overrides,
        confirmed_since=confirmed_since, at=at,
        manual={commune.id: manual} if manual is not None else None,
    )  # fmt: skip
    return reports[0]


def compute_many(
    session,
    communes,
    criteria_id: str,
    year: int,
    as_of: date | None = None,
    settings: dict[int, CommuneSettings] | None = None,
    *,
    confirmed_since: datetime | None = None,
    at: datetime | None = None,
    manual: dict[int, dict] | None = None,
) -> list[Report]:
    """compute() for many communes (None = every commune) with one query pair per rule set.

    Ages are taken at ``as_of`` (default 31/12 of ``year``). The data is today's, unless an
    ``as_of`` is given and that day has ended: then it is the data as it stood at the end of that
    day (aggregation/source.py). ``confirmed_since``: only answers confirmed since then count.
    """
    criteria = get_criteria(criteria_id)
    source = source_for(as_of, confirmed_since, at)
    as_of = as_of or default_as_of(year)
    everyone = communes is None
    if everyone:
        communes = session.scalars(select(Commune).options(joinedload(Commune.province))).all()
    communes = sorted(communes, key=lambda c: c.id)
    chosen = {**load_settings(session, communes), **(settings or {})}
    counts = _count_by_rules(session, criteria, as_of, communes, chosen, everyone, source)
    villages = _villages(session, [c.id for c in communes], everyone, source)
    if manual is None:
        manual = _manual_entries(session, [c.id for c in communes], criteria.id, year, everyone)
    context = (criteria, year, as_of, counts, source[1].get("moment"))
    return [
        _report(c, chosen[c.id], villages.get(c.id, []), manual.get(c.id, {}), *context)
        for c in communes
    ]


def _count_by_rules(session, criteria, as_of, communes, chosen, everyone, source) -> Counts:
    """One statement pair per distinct set of rules (usually one for all communes)."""
    groups: dict[Rules, list[int]] = defaultdict(list)
    for commune in communes:
        groups[rules_of(chosen[commune.id])].append(commune.id)
    counts = Counts()
    for rules, ids in groups.items():
        scope = None if everyone and len(groups) == 1 else ids
        part = count(session, criteria, rules, as_of, scope, source)
        counts.tallies.update(part.tallies)
        counts.coverage.update(part.coverage)
    return counts


def _villages(session, ids, everyone, source) -> dict[int, list[VillageRef]]:
    """Each commune's villages with the name and state they had in ``source``."""
    src, params = source
    V = src.V
    stmt = select(V.id, V.commune_id, V.name, V.token, V.active)
    if not everyone:
        stmt = stmt.where(V.commune_id.in_(ids))
    found = defaultdict(list)
    for row in session.execute(stmt, params):
        found[row.commune_id].append(VillageRef(row.id, row.name, row.token, row.active))
    return found


def _manual_entries(session, ids, criteria_id, year, everyone) -> dict[int, dict]:
    stmt = (
        select(ManualIndicatorResult)
        .options(joinedload(ManualIndicatorResult.updated_by))
        .where(ManualIndicatorResult.criteria_id == criteria_id, ManualIndicatorResult.year == year)
    )
    if not everyone:
        stmt = stmt.where(ManualIndicatorResult.commune_id.in_(ids))
    found = defaultdict(dict)
    for entry in session.scalars(stmt):
        found[entry.commune_id][entry.indicator_code] = entry
    return found


def _report(commune, settings, villages, manual, criteria: CriteriaSet, year, as_of, counts, at):
    rules = rules_of(settings)
    # Inactive (merged, renamed) villages still show while households are recorded under them.
    refs = [
        v
        for v in sorted(villages, key=lambda v: (v.name, v.id))
        if v.active or (commune.id, v.id) in counts.coverage
    ]
    coverage = {ref.id: counts.coverage.get((commune.id, ref.id), Coverage()) for ref in refs}
    total = Coverage()
    for part in coverage.values():
        total.add(part)
    results = []
    for ind in criteria.indicators:
        target = settings.target_override(criteria.id, ind.code, year)
        overridden = target is not None
        target = ind.target if target is None else target
        if ind.is_manual:
            results.append(_manual_result(ind, target, overridden, manual.get(ind.code), rules))
        else:
            results.append(_data_result(ind, target, overridden, commune.id, refs, counts, rules))
    return Report(
        commune_id=commune.id,
        commune=commune.name,
        province=commune.province.name,
        criteria=criteria,
        year=year,
        as_of=as_of,
        rules=rules,
        indicators=results,
        villages=refs,
        coverage=coverage,
        total_coverage=total,
        data_at=at,
        group_evaluations={
            code: manual[code].passed
            for code, _name in criteria.groups
            if code in manual and manual[code].passed is not None
        },
    )


def _data_result(ind: Indicator, target, overridden, commune_id, refs, counts, rules):
    judged = (target, ind.comparator, rules.decimals)
    total = Tally()
    rows = []
    for ref in refs:
        tally = counts.tallies.get((commune_id, ref.id), {}).get(ind.code, Tally())
        total.add(tally)
        rows.append(
            VillageResult(tally.numerator, tally.denominator, tally.unknown, *judged, village=ref)
        )
    return IndicatorResult(
        total.numerator, total.denominator, total.unknown, *judged,
        indicator=ind, target_overridden=overridden, villages=rows,
    )  # fmt: skip


def _manual_result(ind: Indicator, target, overridden, entry, rules):
    """A manual indicator shows what staff entered; its figures may be missing."""
    head = dict(target=target, comparator=ind.comparator, decimals=rules.decimals)
    if entry is None:
        return IndicatorResult(
            None, None, None, **head, entered=(None, None, NOT_ENTERED),
            indicator=ind, target_overridden=overridden,
        )  # fmt: skip
    num, den = entry.numerator, entry.denominator
    if num is not None and den:
        percent = numbers.percent(num, den, rules.decimals)
        display = numbers.display(num, den, rules.decimals)
    else:
        percent = entry.percent
        display = numbers.format_percent(percent) if percent is not None else ""
    display = display or entry.result_text or NOT_ENTERED
    who = entry.updated_by.display_name if entry.updated_by else ""
    link = getattr(entry, "evidence_link", "") or ""  # reports frozen before links were kept
    manual = ManualEntry(entry.result_text, entry.evidence_note, who, entry.updated_at, link)
    return IndicatorResult(
        num, den, None, **head, entered=(percent, entry.passed, display),
        indicator=ind, target_overridden=overridden, manual=manual,
    )  # fmt: skip
