"""Freeze a report, and read it back: its figures, its documents, what changed since."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from aggregation import compute
from aggregation.criteria import get_criteria
from aggregation.documents import ExportRequest
from aggregation.rules import default_as_of
from aggregation.source import moment_of
from survey_app import audit, timeutil
from survey_app.extensions import db
from survey_app.frozen.models import FrozenReport
from survey_app.places.models import Commune, Village
from survey_app.reports.models import CommuneSettings, ManualIndicatorResult
from survey_app.reports.services import get_settings
from survey_app.transactions import ServiceError

SETTING_FIELDS = (
    "criteria_ids",
    "target_overrides",
    "working_age_rule",
    "adult_age",
    "count_tam_vang",
    "decimals",
)


class FreezeError(ServiceError):
    """A report that cannot be frozen, with the reason in Vietnamese."""


def freeze(
    actor, commune: Commune, criteria_id: str, year: int, as_of: date | None, village=None
) -> FrozenReport:
    """Freeze the report of ``criteria_id`` for ``year`` as of ``as_of`` (default 31/12)."""
    get_criteria(criteria_id)  # a set that exists
    as_of = as_of or default_as_of(year)
    now = timeutil.utcnow()
    # A day that has ended is read as it stood at its end; otherwise as it stands now.
    data_at = moment_of(as_of) or now
    settings = get_settings(commune)
    kept = {name: getattr(settings, name) for name in SETTING_FIELDS}
    manual = _manual_snapshot(commune, criteria_id, year)
    report = compute(
        db.session, commune, criteria_id, year, as_of, _settings(commune, kept),
        at=data_at, manual=_manual_entries(manual),
    )  # fmt: skip
    named = {v.id: v.name for v in report.villages}
    frozen = FrozenReport(
        commune=commune, village=village, criteria_id=criteria_id, year=year, as_of=as_of,
        data_at=data_at, settings=kept, manual=manual, figures=report.to_json(),
        village_name=named.get(village.id, village.name) if village is not None else "",
        frozen_by=actor, frozen_at=now,
    )  # fmt: skip
    db.session.add(frozen)
    db.session.flush()
    audit.record(
        actor, "report_freeze", "commune", commune.token, report=frozen.token,
        criteria=criteria_id, year=year, as_of=as_of.isoformat(),
        scope=frozen.village_name or "Toàn xã",
    )  # fmt: skip
    return frozen


def export_request(frozen: FrozenReport, **options) -> ExportRequest:
    """The documents of a frozen report: its moment, its rules and targets, its manual results,
    and its date on the signature line."""
    return ExportRequest(
        commune=frozen.commune,
        criteria_id=frozen.criteria_id,
        year=frozen.year,
        as_of=frozen.as_of,
        village=frozen.village,
        issued_on=timeutil.to_vn(frozen.frozen_at).date(),  # type: ignore[union-attr]
        settings=_settings(frozen.commune, frozen.settings),
        data_at=frozen.data_at,
        manual=_manual_entries(frozen.manual),
        **options,
    )


@dataclass
class Difference:
    code: str
    name: str
    frozen: str
    today: str
    frozen_passed: bool | None
    today_passed: bool | None

    @property
    def changed(self) -> bool:
        return self.frozen != self.today or self.frozen_passed != self.today_passed


def differences(frozen: FrozenReport) -> list[Difference]:
    """Per indicator: the frozen figure beside today's (today's data, rules and targets)."""
    today = compute(db.session, frozen.commune, frozen.criteria_id, frozen.year).to_json()
    now = {item["code"]: item for item in today["indicators"]}
    rows = []
    for item in frozen.figures["indicators"]:
        current = now.get(item["code"], {})
        frozen_item, today_item = _scoped(item, frozen), _scoped(current, frozen)
        rows.append(
            Difference(
                item["code"],
                item["name"],
                frozen_item.get("display", ""),
                today_item.get("display", "—"),
                frozen_item.get("passed"),
                today_item.get("passed"),
            )  # fmt: skip
        )
    return rows


def _scoped(item: dict, frozen: FrozenReport) -> dict:
    """The commune's figure, or the village's for a village report."""
    if frozen.village_id is None or not item:
        return item
    names = {frozen.village_name, frozen.village.name if frozen.village else None}
    for row in item.get("villages", []):
        if row.get("village") in names:
            return row
    return {}


def reports_of(commune: Commune, village_ids: list[int] | None = None) -> list[FrozenReport]:
    stmt = select(FrozenReport).where(FrozenReport.commune_id == commune.id)
    if village_ids is not None:
        stmt = stmt.where(FrozenReport.village_id.in_(village_ids))
    return list(db.session.scalars(stmt.order_by(FrozenReport.frozen_at.desc())))


def _settings(commune: Commune, kept: dict) -> CommuneSettings:
    """Unsaved settings carrying the kept values (never added to the session)."""
    return CommuneSettings(commune_id=commune.id, **kept)


def _manual_snapshot(commune: Commune, criteria_id: str, year: int) -> dict:
    rows = db.session.scalars(
        select(ManualIndicatorResult).where(
            ManualIndicatorResult.commune_id == commune.id,
            ManualIndicatorResult.criteria_id == criteria_id,
            ManualIndicatorResult.year == year,
        )
    )
    return {
        row.indicator_code: {
            "result_text": row.result_text,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "percent": str(row.percent) if row.percent is not None else None,
            "passed": row.passed,
            "evidence_note": row.evidence_note,
            "evidence_link": row.evidence_link,
            "updated_by": row.updated_by.display_name if row.updated_by else "",
            "updated_at": row.updated_at.isoformat() if row.updated_at else None,
        }
        for row in rows
    }


def _manual_entries(kept: dict) -> dict:
    """Objects that read like stored manual results, from the kept values."""
    entries = {}
    for code, item in kept.items():
        who = SimpleNamespace(display_name=item["updated_by"]) if item["updated_by"] else None
        entries[code] = SimpleNamespace(
            **{k: v for k, v in item.items() if k not in ("updated_by", "updated_at", "percent")},
            percent=Decimal(item["percent"]) if item["percent"] is not None else None,
            updated_by=who,
            updated_at=datetime.fromisoformat(item["updated_at"]) if item["updated_at"] else None,
        )
    return entries


def village_of(commune: Commune, token: str | None) -> Village | None:
    if not token:
        return None
    return db.session.scalar(
        select(Village).where(Village.token == token, Village.commune_id == commune.id)
    )
