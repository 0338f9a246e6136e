"""Each indicator over time: the figures at a list of dates (month ends, or survey rounds' ends).

One compute() per point, for the whole commune, read from the history as it stood at the end of
that day (aggregation/source.py); a village's line is picked from the commune's figures.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from aggregation.engine import compute


@dataclass
class Point:
    label: str
    day: date
    percent: float | None
    display: str
    passed: bool | None


@dataclass
class Series:
    code: str
    name: str
    target: float | None
    comparator: str
    points: list[Point] = field(default_factory=list)


def month_points(start: date, today: date) -> list[tuple[str, date]]:
    """The end of each month from ``start``'s month to the month before ``today``, then today."""
    points = []
    year, month = start.year, start.month
    while (year, month) < (today.year, today.month):
        last = date(year, month, calendar.monthrange(year, month)[1])
        points.append((f"T{month}/{year}", last))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    points.append((f"{today:%d/%m}", today))
    return points


def round_points(rounds, today: date) -> list[tuple[str, date]]:
    """One point per survey round: its last day, or today for a round still running."""
    return [(r.name, min(r.ends_on, today)) for r in rounds if r.starts_on <= today]


def series(
    session, commune, criteria_id: str, points, village_id: int | None = None
) -> list[Series]:
    """Per data indicator, its figure at each point (the commune's, or one village's)."""
    found: dict[str, Series] = {}
    for label, day in points:
        report = compute(session, commune, criteria_id, day.year, day)
        for item in report.indicators:
            indicator = item.indicator
            if indicator is None or indicator.is_manual:
                continue
            line = found.setdefault(
                item.code,
                Series(item.code, indicator.name, _number(item.target), item.comparator),
            )
            figure = item.village(village_id) if village_id is not None else item
            percent = _number(figure.percent) if figure is not None else None
            display = figure.display if figure is not None else ""
            passed = figure.passed if figure is not None else None
            line.points.append(Point(label, day, percent, display, passed))
    return list(found.values())


def _number(value) -> float | None:
    return None if value is None else float(value)
