"""What a computation returns: per-indicator totals with per-village rows, and survey coverage."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property

from aggregation import numbers
from aggregation.counting import Coverage, Tally
from aggregation.criteria import CriteriaSet, Indicator
from aggregation.rules import Rules

NOT_ENTERED = "Chưa nhập"


@dataclass
class Ratio:
    """A numerator/denominator pair judged against a target, as the reports print it.

    ``percent``, ``passed`` and ``display`` are worked out on first use (many village rows of a
    province-wide compute_many() are never shown). A manual entry passes them in ``entered``.
    """

    numerator: int | None
    denominator: int | None
    unknown: int | None
    target: Decimal | None = None
    comparator: str = ">="
    decimals: int = 2
    entered: tuple | None = field(default=None, repr=False)  # (percent, passed, display)

    @classmethod
    def judge(cls, tally: Tally, target, comparator: str, decimals: int) -> "Ratio":
        return cls(tally.numerator, tally.denominator, tally.unknown, target, comparator, decimals)

    @cached_property
    def percent(self) -> Decimal | None:
        if self.entered is not None:
            return self.entered[0]
        return numbers.percent(self.numerator, self.denominator, self.decimals)

    @cached_property
    def passed(self) -> bool | None:
        if self.entered is not None:
            return self.entered[1]
        return numbers.passed(self.numerator, self.denominator, self.target, self.comparator)

    @cached_property
    def display(self) -> str:
        if self.entered is not None:
            return self.entered[2]
        return numbers.display(self.numerator, self.denominator, self.decimals)

    @property
    def evaluation(self) -> str:
        """'Đạt', 'Không đạt' or '' when there is nothing to judge."""
        return numbers.evaluation_label(self.passed)

    def ratio_json(self) -> dict:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "unknown": self.unknown,
            "percent": None if self.percent is None else float(self.percent),
            "passed": self.passed,
            "display": self.display,
        }


@dataclass
class VillageRef:
    id: int
    name: str
    token: str
    active: bool


@dataclass
class VillageResult(Ratio):
    village: VillageRef | None = None

    def to_json(self) -> dict:
        return {"village": self.village.name, **self.ratio_json()}


@dataclass
class ManualEntry:
    """What staff entered for a manual indicator (see survey_app.reports.models)."""

    result_text: str = ""
    evidence_note: str = ""
    updated_by: str = ""
    updated_at: datetime | None = None
    evidence_link: str = ""


@dataclass
class IndicatorResult(Ratio):
    indicator: Indicator | None = None
    target_overridden: bool = False  # the commune set its own target for this year
    villages: list[VillageResult] = field(default_factory=list)
    manual: ManualEntry | None = None  # only for manual indicators (None if nothing entered)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def target_display(self) -> str:
        """'≥ 65%' / '> 70%' / 'Có' / '' for the report's "Chỉ tiêu" column."""
        ind = self.indicator
        if ind.target_text and not self.target_overridden:
            return ind.target_text
        return numbers.display_target(self.target, ind.comparator, ind.unit)

    def village(self, village_id: int) -> VillageResult | None:
        """This indicator's row for one village, if the village is in the report."""
        return next((v for v in self.villages if v.village.id == village_id), None)

    def to_json(self) -> dict:
        ind = self.indicator
        data = {
            "code": ind.code,
            "name": ind.name,
            "population": ind.population,
            "kind": ind.kind,
            "comparator": ind.comparator,
            "target": None if self.target is None else float(self.target),
            **self.ratio_json(),
            "villages": [v.to_json() for v in self.villages],
        }
        if ind.is_manual:
            entry = self.manual or ManualEntry()
            data.update(
                result_text=entry.result_text,
                evidence_note=entry.evidence_note,
                evidence_link=entry.evidence_link,
            )
        return data


@dataclass
class Report:
    """One commune's results for one criteria set and year (compute() / compute_many())."""

    commune_id: int
    commune: str
    province: str
    criteria: CriteriaSet
    year: int
    as_of: date
    rules: Rules
    indicators: list[IndicatorResult]
    villages: list[VillageRef]
    coverage: dict[int, Coverage]  # by village id
    total_coverage: Coverage
    # The moment whose data was counted (end of the as-of day), or None: today's data.
    data_at: datetime | None = None
    # A group's Đánh giá set by the commune instead of the convention (every indicator Đạt):
    # group code ("1") → Đạt (True) / Không đạt (False).
    group_evaluations: dict[str, bool] = field(default_factory=dict)

    def indicator(self, code: str) -> IndicatorResult:
        """The result of indicator ``code``; KeyError if the set has no such code."""
        for item in self.indicators:
            if item.code == code:
                return item
        raise KeyError(code)

    def to_json(self) -> dict:
        """The `indicators` command's JSON (docs/cli.md)."""
        return {
            "commune": self.commune,
            "province": self.province,
            "criteria": self.criteria.id,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "indicators": [item.to_json() for item in self.indicators],
        }
