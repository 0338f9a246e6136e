"""`flask indicators --commune NAME --criteria ID --year YYYY [--as-of DATE] --format json`."""

import json
from datetime import date

import click
from sqlalchemy import select

from aggregation import CriteriaError, compute, get_criteria
from aggregation.numbers import format_int
from survey_app.extensions import db
from survey_app.places.models import Commune, Province


def find_commune_or_fail(name: str, province: str | None) -> Commune:
    """The one commune called ``name`` (in ``province`` if given); a clear error otherwise."""
    stmt = select(Commune).join(Province).where(Commune.name == name.strip())
    if province:
        stmt = stmt.where(Province.name == province.strip())
    found = db.session.scalars(stmt).all()
    if not found:
        raise click.ClickException(f"Không tìm thấy xã {name!r}.")
    if len(found) > 1:
        places = ", ".join(c.full_name for c in found)
        raise click.ClickException(f"Có nhiều xã tên {name!r} ({places}): thêm --province.")
    return found[0]


def parse_as_of(value: str | None) -> date | None:
    """The --as-of option as a date (None when not given); a clear error when malformed."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "dùng dạng YYYY-MM-DD, ví dụ 2023-12-31", param_hint="--as-of"
        ) from None


def _text(report) -> str:
    lines = [
        f"{report.commune}, {report.province} — {report.criteria.name} — {report.as_of:%d/%m/%Y}"
    ]
    for item in report.indicators:
        unknown = f" (chưa rõ: {format_int(item.unknown)})" if item.unknown else ""
        lines.append(
            f"{item.code:6} {item.display}{unknown} | {item.target_display} | {item.evaluation}"
        )
    return "\n".join(lines)


@click.command("indicators")
@click.option("--commune", "commune_name", required=True, help="Tên xã.")
@click.option("--province", default=None, help="Tên tỉnh, khi có nhiều xã cùng tên.")
@click.option(
    "--criteria", "criteria_id", required=True, help="Mã bộ tiêu chí, ví dụ thanh-hoa-1829."
)
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option(
    "--as-of", "as_of", default=None, help="Ngày chốt số liệu YYYY-MM-DD (mặc định 31/12)."
)
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json")
def indicators(commune_name, province, criteria_id, year, as_of, fmt):
    """Print a criteria set's indicators for a commune (JSON of docs/cli.md)."""
    as_of_date = parse_as_of(as_of)
    try:
        get_criteria(criteria_id)
    except CriteriaError as exc:
        raise click.ClickException(str(exc)) from None
    commune = find_commune_or_fail(commune_name, province)
    report = compute(db.session, commune, criteria_id, year, as_of_date)
    if fmt == "text":
        click.echo(_text(report))
    else:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
