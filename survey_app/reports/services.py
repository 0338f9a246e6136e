"""Commune report settings and manual indicator results. Services flush; the caller commits.

Every change is written to the audit log with the old and the new value.
"""

from decimal import Decimal

from marshmallow import ValidationError
from sqlalchemy import select

from aggregation.criteria import CriteriaError, get_criteria
from household_forms.report_settings import EVALUATIONS, ManualResultSchema, SettingsSchema
from survey_app import audit
from survey_app.extensions import db
from survey_app.places.models import Commune
from survey_app.reports.models import CommuneSettings, ManualIndicatorResult
from survey_app.timeutil import utcnow

SETTING_FIELDS = (
    *("criteria_ids", "working_age_rule", "adult_age", "count_tam_vang", "decimals"),
    "retention_years",
    *("parent_authority", "document_number", "signer_title", "signer_name", "preparer_name"),
)


def get_settings(commune: Commune) -> CommuneSettings:
    """The commune's stored settings, or unsaved defaults when it has none yet."""
    stored = db.session.scalar(
        select(CommuneSettings).where(CommuneSettings.commune_id == commune.id)
    )
    return stored or CommuneSettings.defaults(commune)


def _stored_settings(commune: Commune) -> CommuneSettings:
    settings = get_settings(commune)
    if settings.id is None:
        db.session.add(settings)
    return settings


def update_settings(actor, commune: Commune, changes: dict) -> CommuneSettings:
    """Apply a checked partial change; raise marshmallow.ValidationError on bad input."""
    clean = SettingsSchema().load(changes, partial=True)
    settings = _stored_settings(commune)
    diff = {}
    for name in SETTING_FIELDS:
        if name in clean and getattr(settings, name) != clean[name]:
            diff[name] = {"old": getattr(settings, name), "new": clean[name]}
            setattr(settings, name, clean[name])
    if diff:
        settings.updated_by_id = getattr(actor, "id", None)
        settings.updated_at = utcnow()
        db.session.flush()
        audit.record(actor, "update", "commune_settings", commune.token, changes=diff)
    return settings


def _check_indicator(criteria_id: str, code: str, manual: bool | None = None):
    try:
        indicator = get_criteria(criteria_id).indicator(code)
    except (CriteriaError, KeyError) as exc:
        raise ValidationError(str(exc), "indicator_code") from None
    if manual is not None and indicator.is_manual != manual:
        kind = "nhập tay" if manual else "tính từ dữ liệu hộ"
        raise ValidationError(f"chỉ tiêu {code} không phải chỉ tiêu {kind}", "indicator_code")
    return indicator


def set_targets(actor, commune: Commune, criteria_id: str, year: int, targets: dict) -> None:
    """Set the commune's own targets of one year, ``{indicator code: percent or None}``."""
    for code, target in targets.items():
        set_target(actor, commune, criteria_id, code, year, target)


def set_target(actor, commune: Commune, criteria_id: str, code: str, year: int, target) -> None:
    """Set (or with ``target=None`` remove) the commune's own target for one indicator and year."""
    _check_indicator(criteria_id, code)
    if target is not None:
        target = Decimal(str(target))
        if not 0 <= target <= 100:
            raise ValidationError("chỉ tiêu phải từ 0 đến 100 (%)", "target")
    settings = _stored_settings(commune)
    overrides = {
        k: {c: dict(y) for c, y in v.items()} for k, v in (settings.target_overrides or {}).items()
    }
    by_year = overrides.setdefault(criteria_id, {}).setdefault(code, {})
    old = by_year.get(str(year))
    new = None if target is None else float(target)
    if old == new:
        return
    if new is None:
        by_year.pop(str(year), None)
    else:
        by_year[str(year)] = new
    settings.target_overrides = overrides  # a new object, so SQLAlchemy sees the JSON change
    settings.updated_by_id = getattr(actor, "id", None)
    settings.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "update",
        "commune_target",
        commune.token,
        criteria=criteria_id,
        indicator=code,
        year=year,
        old=old,
        new=new,
    )


def save_manual_result(actor, commune: Commune, criteria_id: str, code: str, year: int, data: dict):
    """Create or update what staff entered for a manual indicator; audit old and new values."""
    _check_indicator(criteria_id, code, manual=True)
    clean = ManualResultSchema().load(data)
    entry = db.session.scalar(
        select(ManualIndicatorResult).where(
            ManualIndicatorResult.commune_id == commune.id,
            ManualIndicatorResult.criteria_id == criteria_id,
            ManualIndicatorResult.indicator_code == code,
            ManualIndicatorResult.year == year,
        )
    )
    if entry is None:
        entry = ManualIndicatorResult(
            commune_id=commune.id, criteria_id=criteria_id, indicator_code=code, year=year
        )
        db.session.add(entry)
    old = {name: _plain(getattr(entry, name, None)) for name in clean}
    for name, value in clean.items():
        setattr(entry, name, value)
    entry.updated_by_id = getattr(actor, "id", None)
    entry.updated_at = utcnow()
    db.session.flush()
    new = {name: _plain(value) for name, value in clean.items()}
    changed = {k: {"old": old[k], "new": new[k]} for k in new if old[k] != new[k]}
    audit.record(
        actor,
        "update",
        "manual_indicator",
        commune.token,
        criteria=criteria_id,
        indicator=code,
        year=year,
        changes=changed,
    )
    return entry


def _plain(value):
    """JSON-friendly value for the audit log."""
    return str(value) if isinstance(value, Decimal) else value


def save_group_evaluation(
    actor, commune: Commune, criteria_id: str, group: str, year: int, evaluation: str | None
) -> None:
    """Set a group's Đánh giá in PHỤ LỤC 01 ('dat' / 'khong_dat'), or give it back to the
    convention (None: Đạt when every indicator in it is Đạt). Audited."""
    try:
        groups = dict(get_criteria(criteria_id).groups)
    except CriteriaError as exc:
        raise ValidationError(str(exc), "criteria_id") from None
    if group not in groups:
        raise ValidationError(f"bộ {criteria_id} không có nhóm {group}", "group")
    if evaluation not in (None, *EVALUATIONS):
        raise ValidationError("đánh giá không hợp lệ", "evaluation")
    key = (
        ManualIndicatorResult.commune_id == commune.id,
        ManualIndicatorResult.criteria_id == criteria_id,
        ManualIndicatorResult.indicator_code == group,
        ManualIndicatorResult.year == year,
    )
    entry = db.session.scalar(select(ManualIndicatorResult).where(*key))
    old = entry.evaluation if entry is not None else None
    if old == evaluation:
        return
    if evaluation is None:
        db.session.delete(entry)
    else:
        if entry is None:
            entry = ManualIndicatorResult(
                commune_id=commune.id, criteria_id=criteria_id, indicator_code=group, year=year
            )
            db.session.add(entry)
        entry.evaluation = evaluation
        entry.updated_by_id = getattr(actor, "id", None)
        entry.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor, "update", "manual_indicator", commune.token,
        criteria=criteria_id, indicator=f"nhóm {group}", year=year,
        changes={"evaluation": {"old": old, "new": evaluation}},
    )  # fmt: skip
