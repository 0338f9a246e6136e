"""Criteria engine: criteria sets as data, populations, counting in SQL, evidence lists.

Pure functions of (session, parameters) — no request, no g — so the CLI, the pages, the exports
and the benchmark call the same code:

    report = compute(db.session, commune, "thanh-hoa-1829", 2023)   # -> results.Report
    report.to_json()                                                # `indicators` JSON
    reports = compute_many(db.session, None, "thanh-hoa-1829", 2023) # every commune
    stmt = evidence_statement(db.session, commune, "thanh-hoa-1829", "3.4", 2023)
"""

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
    "rules_of",
]
