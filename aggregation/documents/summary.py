"""The summary table in the layout of the commune reports' "PHỤ LỤC 01" (seed 004).

TT | Tên chỉ tiêu | Đơn vị tính | Chỉ tiêu | Kết quả | Đánh giá (Đạt/Không đạt) |
Tài liệu minh chứng | Ghi chú — one group row per group of codes ("3  Xã hội số"), then its
indicators, manual ones included with what staff entered.
"""

from dataclasses import dataclass

from aggregation import numbers
from aggregation.results import IndicatorResult, Report

HEADERS = (
    "TT",
    "Tên chỉ tiêu",
    "Đơn vị tính",
    "Chỉ tiêu",
    "Kết quả",
    "Đánh giá (Đạt/Không đạt)",
    "Tài liệu minh chứng",
    "Ghi chú",
)
WIDTHS = (6, 58, 10, 11, 24, 13, 16, 22)


@dataclass(frozen=True)
class SummaryRow:
    tt: str
    name: str
    unit: str = ""
    target: str = ""
    result: str = ""
    evaluation: str = ""
    evidence: str = ""
    note: str = ""
    is_group: bool = False

    @property
    def cells(self) -> tuple[str, ...]:
        return (
            self.tt,
            self.name,
            self.unit,
            self.target,
            self.result,
            self.evaluation,
            self.evidence,
            self.note,
        )


def summary_rows(report: Report, appendices: dict[str, str], village_id=None) -> list[SummaryRow]:
    """Group rows and indicator rows; ``appendices`` maps a code to its list ("Phụ lục 3.4")."""
    rows = []
    for tt, name, items in groups(report):
        judged = [scoped_ratio(item, village_id) for item in items]
        rows.append(_group_row(tt, name, judged, report.group_evaluations.get(tt)))
        rows += [
            _indicator_row(item, ratio, appendices.get(item.code, ""))
            for item, ratio in zip(items, judged, strict=True)
        ]
    return rows


def groups(report: Report) -> list[tuple[str, str, list[IndicatorResult]]]:
    """Indicators grouped by the part of the code before the first dot ("3.4" → "3"), in the
    order the set lists its groups (PHỤ LỤC 01's), named as the set names them."""
    order: dict[str, list[IndicatorResult]] = {}
    criteria = report.criteria
    for code, _name in criteria.groups:
        order[code] = []
    for item in report.indicators:
        prefix = item.code.split(".")[0] if "." in item.code else ""
        order.setdefault(prefix, []).append(item)
    order = {code: items for code, items in order.items() if items}
    title = _group_title(criteria.name)
    if len(order) == 1 and not criteria.groups:
        return [(tt, title, items) for tt, items in order.items()]
    return [
        (tt, criteria.group_name(tt) or (f"Nhóm chỉ tiêu {tt}" if tt else title), items)
        for tt, items in order.items()
    ]


def _group_title(name: str) -> str:
    """'Tiêu chí chuyển đổi số cấp xã — Xã hội số' → 'Xã hội số' (the part the group is about)."""
    part = name.split("—")[-1].strip()
    return part[:1].upper() + part[1:]


def scoped_ratio(item: IndicatorResult, village_id):
    """The indicator's own ratio, or its village's row when the export is for one thôn."""
    if village_id is None or item.indicator.is_manual:
        return item
    return item.village(village_id) or item


def group_evaluation(ratios, override: bool | None = None) -> str:
    """A group row's Đánh giá: the commune's own when it set one, else Đạt when every
    indicator in it is Đạt, Không đạt when one is not, blank while some are not judged."""
    if override is not None:
        return numbers.evaluation_label(override)
    passed = sum(1 for r in ratios if r.passed is True)
    if any(r.passed is False for r in ratios):
        return "Không đạt"
    return "Đạt" if passed == len(ratios) else ""


def _group_row(tt: str, name: str, ratios, override: bool | None = None) -> SummaryRow:
    passed = sum(1 for r in ratios if r.passed is True)
    result = f"{passed}/{len(ratios)} chỉ tiêu đạt"
    note = "Xã đánh giá" if override is not None else ""
    evaluation = group_evaluation(ratios, override)
    return SummaryRow(tt, name, result=result, evaluation=evaluation, note=note, is_group=True)


def _indicator_row(item: IndicatorResult, ratio, appendix: str) -> SummaryRow:
    ind = item.indicator
    target = item.target_display or ("Đạt" if ind.unit == "Đạt/Không đạt" else "")
    if ind.is_manual:
        entry = item.manual
        evidence = (entry.evidence_link or entry.evidence_note) if entry else ""
        note = "Nhập tay"
    else:
        evidence = appendix
        note = _unknown_note(ratio.unknown, ind.unit_kind)
    if item.target_overridden:
        note = "; ".join(filter(None, [note, "Chỉ tiêu do xã đặt"]))
    return SummaryRow(
        tt=item.code,
        name=ind.name,
        unit=ind.unit,
        target=target,
        result=ratio.display,
        evaluation=numbers.evaluation_label(ratio.passed),
        evidence=evidence,
        note=note,
    )


def _unknown_note(unknown: int | None, unit_kind: str | None) -> str:
    if not unknown:
        return ""
    unit = "hộ" if unit_kind == "household" else "người"
    return f"{numbers.format_int(unknown)} {unit} chưa có thông tin"
