"""Criteria sets are data: one YAML file per set in ``aggregation/criteria/``, checked on load.

Adding a province's set is adding a file. A broken file fails with the file, the indicator and
the reason, e.g. ``thanh-hoa-1829.yaml: chỉ tiêu 3.4: population: Must be one of: ...``.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from aggregation.numbers import COMPARATORS
from survey_app.households.vocabulary import HOUSEHOLD_YESNO, PERSON_YESNO, VNEID

CRITERIA_DIR = Path(__file__).resolve().parent / "criteria"
HOUSEHOLD_DATA, MANUAL = "household_data", "manual"
PERSON_POPULATIONS = ("all_people", "age14plus", "age15plus", "adults", "working_age")
HOUSEHOLD_POPULATIONS = ("households", "business_households")
POPULATIONS = PERSON_POPULATIONS + HOUSEHOLD_POPULATIONS
# Derived household item: at least one counted member has a smartphone (docs/domain.md).
DERIVED_HOUSEHOLD = {"co_dt_thong_minh": "Hộ có điện thoại thông minh"}
PERSON_FIELDS = {**PERSON_YESNO, "vneid": "VNeID"}
HOUSEHOLD_FIELDS = {**HOUSEHOLD_YESNO, **DERIVED_HOUSEHOLD}
CHOICE_FIELDS = {"vneid": tuple(VNEID)}


class CriteriaError(ValueError):
    """A criteria file that cannot be used; the message names file, indicator and reason."""


@dataclass(frozen=True)
class Condition:
    """``field`` is Có (yes/no items) or, for choice items, one of ``values``."""

    field: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    kind: str
    unit: str
    population: str | None
    numerator: Condition | None
    denominator_filter: Condition | None
    comparator: str
    target: Decimal | None
    note: str = ""
    target_text: str = ""  # a target in words ("Có", "Đáp ứng") for a manual indicator

    @property
    def is_manual(self) -> bool:
        return self.kind == MANUAL

    @property
    def unit_kind(self) -> str | None:
        """'person' or 'household': what one counted item is."""
        if self.population is None:
            return None
        return "household" if self.population in HOUSEHOLD_POPULATIONS else "person"


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    name: str
    source: str
    source_date: str
    level: str
    indicators: tuple[Indicator, ...]
    note: str = ""
    groups: tuple[tuple[str, str], ...] = ()  # (code, name) in the order reports list them

    def group_name(self, code: str) -> str | None:
        """The name of group ``code`` ("3" → "Xã hội số"), if the set names its groups."""
        return dict(self.groups).get(code)

    def indicator(self, code: str) -> Indicator:
        """The indicator with ``code``; KeyError when the set has none."""
        for item in self.indicators:
            if item.code == code:
                return item
        raise KeyError(f"{self.id} has no indicator {code}")


class ConditionField(fields.Field):
    """``ky_nang_so`` (shorthand for Có) or ``{field: vneid, in: [muc_1, muc_2]}``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            return Condition(value)
        if isinstance(value, dict) and set(value) <= {"field", "in"} and "field" in value:
            values = value.get("in") or []
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                raise ValidationError("'in' must be a list of values")
            return Condition(str(value["field"]), tuple(values))
        raise ValidationError("expected a field name or {field: ..., in: [...]}")


class IndicatorSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=20))
    name = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(
        load_default=HOUSEHOLD_DATA, validate=validate.OneOf([HOUSEHOLD_DATA, MANUAL])
    )
    unit = fields.String(load_default="%")
    population = fields.String(load_default=None, validate=validate.OneOf(POPULATIONS))
    numerator = ConditionField(load_default=None)
    denominator_filter = ConditionField(load_default=None)
    comparator = fields.String(load_default=">=", validate=validate.OneOf(COMPARATORS))
    target = fields.Decimal(load_default=None, allow_none=True, validate=validate.Range(0, 100))
    target_text = fields.String(load_default="", validate=validate.Length(max=120))
    note = fields.String(load_default="")

    @validates_schema
    def check_rules(self, data, **kwargs):
        if data["target_text"] and data["kind"] != MANUAL:
            raise ValidationError("target_text: only a manual indicator has a target in words")
        if data["kind"] == MANUAL:
            if data["population"] or data["numerator"] or data["denominator_filter"]:
                raise ValidationError("a manual indicator has no population or numerator")
            return
        for key in ("population", "numerator", "target"):
            if data.get(key) is None:
                raise ValidationError(f"{key}: required for household_data", key)
        allowed = HOUSEHOLD_FIELDS if data["population"] in HOUSEHOLD_POPULATIONS else PERSON_FIELDS
        for key in ("numerator", "denominator_filter"):
            if data[key] is not None:
                _check_condition(key, data[key], allowed)


def _check_condition(key: str, cond: Condition, allowed: dict) -> None:
    if cond.field not in allowed:
        raise ValidationError(f"{key}: unknown field {cond.field!r} for this population", key)
    choices = CHOICE_FIELDS.get(cond.field)
    if choices and not cond.values:
        raise ValidationError(f"{key}: {cond.field} needs 'in' with values of {choices}", key)
    if not choices and cond.values:
        raise ValidationError(f"{key}: {cond.field} is yes/no, 'in' is not allowed", key)
    bad = [v for v in cond.values if v not in (choices or ())]
    if bad:
        raise ValidationError(f"{key}: unknown values {bad} for {cond.field}", key)


class CriteriaSetSchema(Schema):
    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"))
    name = fields.String(required=True, validate=validate.Length(min=1))
    source = fields.String(required=True, validate=validate.Length(min=1))
    source_date = fields.String(required=True, validate=validate.Regexp(r"^\d{4}(-\d\d(-\d\d)?)?$"))
    level = fields.String(load_default="commune", validate=validate.OneOf(["commune", "village"]))
    note = fields.String(load_default="")
    groups = fields.List(fields.Dict(), load_default=list)
    indicators = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))


def _flatten(messages) -> str:
    if isinstance(messages, dict):
        parts = []
        for key, value in messages.items():
            text = _flatten(value)
            parts.append(
                text if key == "_schema" or text.startswith(f"{key}:") else f"{key}: {text}"
            )
        return "; ".join(parts)
    if isinstance(messages, list):
        return "; ".join(_flatten(m) for m in messages)
    return str(messages)


def _load_indicator(raw, position: int, path: Path) -> Indicator:
    label = raw.get("code", f"#{position + 1}") if isinstance(raw, dict) else f"#{position + 1}"
    try:
        data = IndicatorSchema().load(raw)
    except ValidationError as exc:
        raise CriteriaError(f"{path.name}: chỉ tiêu {label}: {_flatten(exc.messages)}") from None
    return Indicator(**data)


def load_file(path: Path) -> CriteriaSet:
    """Parse and check one criteria file; raise CriteriaError naming file, indicator and reason."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CriteriaError(f"{path.name}: không đọc được tệp: {exc}") from None
    try:
        data = CriteriaSetSchema().load(raw if isinstance(raw, dict) else {})
    except ValidationError as exc:
        raise CriteriaError(f"{path.name}: {_flatten(exc.messages)}") from None
    if data["id"] != path.stem:
        raise CriteriaError(f"{path.name}: id {data['id']!r} must match the file name")
    items = tuple(_load_indicator(r, i, path) for i, r in enumerate(data.pop("indicators")))
    data["groups"] = _groups(data.pop("groups"), path)
    codes = [item.code for item in items]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise CriteriaError(f"{path.name}: chỉ tiêu {duplicates[0]}: code is used twice")
    return CriteriaSet(indicators=items, **data)


def _groups(raw: list[dict], path: Path) -> tuple[tuple[str, str], ...]:
    groups = []
    for entry in raw:
        code, name = str(entry.get("code", "")).strip(), str(entry.get("name", "")).strip()
        if not code or not name or set(entry) - {"code", "name"}:
            raise CriteriaError(f"{path.name}: groups: each group is {{code, name}}")
        groups.append((code, name))
    return tuple(groups)


@cache
def _all(directory: Path) -> dict[str, CriteriaSet]:
    sets = (load_file(path) for path in sorted(directory.glob("*.yaml")))
    return {item.id: item for item in sets}


def criteria_sets(directory: Path = CRITERIA_DIR) -> dict[str, CriteriaSet]:
    """Every criteria set in ``directory`` by id (parsed once per process)."""
    return _all(directory)


def get_criteria(criteria_id: str, directory: Path = CRITERIA_DIR) -> CriteriaSet:
    """The criteria set ``criteria_id``; CriteriaError when there is none."""
    sets = criteria_sets(directory)
    if criteria_id not in sets:
        known = ", ".join(sorted(sets))
        raise CriteriaError(f"không có bộ tiêu chí {criteria_id!r} (có: {known})")
    return sets[criteria_id]
