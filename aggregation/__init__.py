"""Criteria engine: criteria sets as data, populations, counting in SQL, evidence lists.

Pure functions of (session, parameters) — no request, no g — so the CLI, the pages, the exports
and the benchmark call the same code. The public API:

``compute(session, commune, criteria_id, year, as_of=None, settings=None) -> Report``
    One commune. ``as_of`` defaults to 31/12 of ``year``; ``settings`` (a CommuneSettings, saved
    or not) defaults to the commune's stored settings, else the docs/domain.md defaults.
``compute_many(session, communes, criteria_id, year, as_of=None, settings=None) -> list[Report]``
    Many communes (``None`` = all), counted in the same two statements grouped by commune and
    village (one pair per distinct set of rules). ``settings``: {commune_id: CommuneSettings}.
``evidence_statement(session, commune, criteria_id, code, year, *, as_of=None, settings=None,
                     village_id=None, which="numerator") -> Select``
    The Person (or Household, see ``Indicator.unit_kind``) rows behind a figure, ordered by thôn
    and mã hộ; ``which`` = "numerator" | "complement" (the "Cần hỗ trợ" list) | "unknown" |
    "denominator". Row counts always equal the figures of compute().
``get_criteria(id) -> CriteriaSet``, ``criteria_sets() -> {id: CriteriaSet}``; ``CriteriaError``.
``numbers``: ``percent``, ``passed``, ``display`` ("3.323/3.501 = 94,92%"), ``format_int``,
    ``format_percent``, ``display_target`` ("≥ 65%"), ``evaluation_label``, ``NO_DATA``.

A ``Report`` (results.py) has ``commune``, ``province``, ``criteria`` (CriteriaSet), ``year``,
``as_of``, ``rules``, ``villages`` ([VillageRef id/name/token/active], by name), ``coverage``
({village_id: Coverage}) and ``total_coverage`` (households / households_surveyed /
households_counted / people / people_incomplete), ``indicators`` ([IndicatorResult]) and
``indicator(code)``; ``to_json()`` is the `indicators` command's JSON. An ``IndicatorResult`` has
``indicator`` (code, name, unit, population, kind, comparator, …), ``target`` (Decimal, after the
commune's override; ``target_overridden``), ``numerator``, ``denominator``, ``unknown``,
``percent`` (Decimal, half up), ``passed`` (exact fraction), ``display``, ``evaluation``
("Đạt"/"Không đạt"/""), ``target_display``, ``villages`` ([VillageResult] with ``village``) and,
for manual indicators, ``manual`` (result_text, evidence_note, updated_by, updated_at).
"""

from aggregation import numbers
from aggregation.criteria import CriteriaError, CriteriaSet, Indicator, criteria_sets, get_criteria
from aggregation.engine import compute, compute_many, load_settings, rules_of
from aggregation.evidence import evidence_statement
from aggregation.results import IndicatorResult, Report, VillageResult
from aggregation.rules import Rules, default_as_of

__all__ = [
    "CriteriaError",
    "CriteriaSet",
    "Indicator",
    "IndicatorResult",
    "Report",
    "Rules",
    "VillageResult",
    "compute",
    "compute_many",
    "criteria_sets",
    "default_as_of",
    "evidence_statement",
    "get_criteria",
    "load_settings",
    "numbers",
    "rules_of",
]
