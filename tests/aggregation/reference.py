"""A plain-Python count of the `indicators` JSON, written apart from aggregation's SQL.

Reads docs/domain.md literally: loops over people and households held in lists of dicts. Shares only
the criteria *data* (the YAML files) with the code under test.
"""

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from aggregation.criteria import get_criteria
from tests.aggregation.test_rules import MEN, WOMEN


def completed_months(born, on) -> int:
    months = (on.year - born.year) * 12 + on.month - born.month
    return months - (1 if on.day < born.day else 0)


def _retirement(sex, year, rule) -> int:
    if rule == "classic":
        return (60 if sex == "nam" else 55) * 12
    table = MEN if sex == "nam" else WOMEN
    if year < 2021:
        return (60 if sex == "nam" else 55) * 12
    years, months = table[min(year, 2036)]
    return years * 12 + months


def _in_population(person, population, case) -> bool:
    months = completed_months(person["birth_date"], case["as_of"])
    if population == "all_people":
        return True
    if population == "age14plus":
        return months >= 14 * 12
    if population == "age15plus":
        return months >= 15 * 12
    if population == "adults":
        return months >= case["adult_age"] * 12
    limit = _retirement(person["gioi_tinh"], case["as_of"].year, case["working_age_rule"])
    return 15 * 12 <= months < limit


def _counted(person, case) -> bool:
    states = ("co_mat", "tam_vang") if case["count_tam_vang"] else ("co_mat",)
    return person["cu_tru"] in states and person["birth_date"] <= case["as_of"]


def _value(record, cond, case):
    """True / False / None (unknown) for a condition on a person or household."""
    if cond.field == "co_dt_thong_minh":
        answers = [p["dt_thong_minh"] for p in record["people"] if _counted(p, case)]
        if True in answers:
            return True
        return None if None in answers else False
    raw = record[cond.field]
    if raw is None:
        return None
    return raw in cond.values if cond.values else raw is True


def _tally(records, indicator, case):
    num = den = unknown = 0
    for record in records:
        if (
            indicator.denominator_filter
            and _value(record, indicator.denominator_filter, case) is not True
        ):
            continue
        den += 1
        value = _value(record, indicator.numerator, case)
        num += value is True
        unknown += value is None
    return num, den, unknown


def _ratio(num, den, target, comparator, decimals):
    if den == 0:
        return {"numerator": num, "denominator": den, "unknown": None, "percent": None,
                "passed": None, "display": "Chưa có dữ liệu"}  # fmt: skip
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(num * 100) / Decimal(den)
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    ratio = Fraction(num * 100, den)
    ok = ratio > Fraction(target) if comparator == ">" else ratio >= Fraction(target)
    shown = f"{num:,}".replace(",", ".") + "/" + f"{den:,}".replace(",", ".")
    return {"numerator": num, "denominator": den, "unknown": None, "percent": float(rounded),
            "passed": ok, "display": f"{shown} = {text.replace('.', ',')}%"}  # fmt: skip


def _members(case, village):
    people, households = [], []
    for household in village["households"]:
        counted = [p for p in household["people"] if _counted(p, case)]
        people += counted
        if counted:
            households.append(household)
    return people, households


def _records(indicator, people, households, case):
    if indicator.population == "households":
        return households
    if indicator.population == "business_households":
        return [h for h in households if h["ho_kinh_doanh"] is True]
    return [p for p in people if _in_population(p, indicator.population, case)]


def reference_json(case) -> dict:
    """The `indicators` JSON for one generated commune (see test_property.commune_cases)."""
    criteria = get_criteria(case["criteria"])
    shown = [v for v in case["villages"] if v["active"] or v["households"]]
    shown.sort(key=lambda v: v["name"])
    split = {v["name"]: _members(case, v) for v in shown}
    items = []
    for ind in criteria.indicators:
        target = None if ind.target is None else float(ind.target)
        item = {"code": ind.code, "name": ind.name, "population": ind.population,
                "kind": ind.kind, "comparator": ind.comparator, "target": target}  # fmt: skip
        if ind.is_manual:
            item.update(numerator=None, denominator=None, unknown=None, percent=None,
                        passed=None, display="Chưa nhập", villages=[], result_text="",
                        evidence_note="", evidence_link="")  # fmt: skip
            items.append(item)
            continue
        total, rows = [0, 0, 0], []
        for name, (people, households) in split.items():
            num, den, unk = _tally(_records(ind, people, households, case), ind, case)
            total = [total[0] + num, total[1] + den, total[2] + unk]
            row = _ratio(num, den, ind.target, ind.comparator, case["decimals"])
            rows.append({"village": name, **row, "unknown": unk})
        item.update(_ratio(total[0], total[1], ind.target, ind.comparator, case["decimals"]))
        item.update(unknown=total[2], villages=rows)
        items.append(item)
    head = {"commune": "Hoàng Kim", "province": "Thanh Hóa", "criteria": criteria.id}
    return {**head, "year": case["year"], "as_of": case["as_of"].isoformat(), "indicators": items}
