"""`flask export-evidence --commune NAME --criteria ID --year YYYY [--as-of YYYY-MM-DD]
[--village NAME] --out FILE` (docs/cli.md).

The format follows FILE's extension: .xlsx, .pdf, .docx (the draft report), .csv (one list; a
zip of CSVs when there are several) or .zip. Bad input exits non-zero with a message on stderr and
changes nothing: the file is written beside FILE and moved into place only when complete.
"""

import getpass
import sys
from pathlib import Path

import click
from sqlalchemy import select

from aggregation.documents import ExportError, ExportRequest, format_of
from survey_app.exports import services
from survey_app.extensions import db
from survey_app.places.models import Village
from survey_app.reports.cli import find_commune_or_fail, parse_as_of
from survey_app.transactions import unit_of_work


def _out(value: str) -> tuple[Path, str]:
    path = Path(value).expanduser()
    try:
        fmt = format_of(path)
    except ExportError as exc:
        raise click.BadParameter(str(exc), param_hint="--out") from None
    if not path.parent.is_dir():
        raise click.BadParameter(f"thư mục {path.parent} không tồn tại", param_hint="--out")
    if path.is_dir():
        raise click.BadParameter(f"{path} là một thư mục", param_hint="--out")
    return path, fmt


def _village(commune, name: str | None) -> Village | None:
    if not name:
        return None
    village = db.session.scalar(
        select(Village).where(Village.commune_id == commune.id, Village.name == name.strip())
    )
    if village is None:
        known = ", ".join(v.name for v in commune.villages) or "chưa có thôn nào"
        raise click.ClickException(f"Xã {commune.name} không có thôn {name!r} (có: {known}).")
    return village


PROGRESS_FROM = 500  # rows: a smaller export is done before a bar would show


@click.command("export-evidence")
@click.option("--commune", "commune_name", required=True, help="Tên xã.")
@click.option("--province", default=None, help="Tên tỉnh, khi có nhiều xã cùng tên.")
@click.option("--criteria", "criteria_id", required=True, help="Mã bộ tiêu chí (thanh-hoa-1829).")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--as-of", "as_of", default=None, help="Ngày chốt YYYY-MM-DD (mặc định 31/12).")
@click.option("--village", "village_name", default=None, help="Chỉ một thôn (tên thôn).")
@click.option("--out", "out", required=True, help="Tệp ra: .xlsx, .pdf, .csv, .zip hoặc .docx.")
@click.option(
    "--indicator", "codes", multiple=True, help="Chỉ danh sách chỉ tiêu này (lặp lại được)."
)
@click.option("--complement", is_flag=True, help="Thêm danh sách chưa đạt / cần hỗ trợ.")
@click.option("--full-data", is_flag=True, help="Không che số điện thoại (được ghi vào nhật ký).")
def export_evidence(
    commune_name, province, criteria_id, year, as_of, village_name, out, codes, complement, **flags
):
    """Write evidence lists, the summary table or the draft report to a file."""
    as_of_date = parse_as_of(as_of)
    path, fmt = _out(out)
    commune = find_commune_or_fail(commune_name, province)
    request = ExportRequest(
        commune=commune,
        criteria_id=criteria_id,
        year=year,
        as_of=as_of_date,
        village=_village(commune, village_name),
        codes=tuple(c.strip() for c in codes),
        complement=complement,
        full_data=flags["full_data"],
    )
    try:
        with unit_of_work(), _bar() as bar:
            result = services.export_file(
                None, request, path, fmt, via=f"cli:{_os_user()}", progress=bar
            )
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    kind = "zip gồm các tệp CSV" if result.fmt == "zip" else result.fmt.upper()
    click.echo(
        f"Đã ghi {path} ({kind}): {result.lists} danh sách, {result.rows} dòng"
        + ("; số điện thoại không che." if flags["full_data"] else ".")
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


class _bar:
    """A progress bar on stderr while the rows are written ("Đang ghi 1.200/7.305 dòng")."""

    def __enter__(self):
        self.bar = None
        return self

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            if total < PROGRESS_FROM:
                return
            label = "Đang ghi các danh sách"
            self.bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False
