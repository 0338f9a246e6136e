"""`flask import-households FILE --province NAME --commune NAME`."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey_app.imports import services
from survey_app.imports.parsing import ImportFileError, Limits, parse_rows, read_rows
from survey_app.places.services import find_commune, get_or_create_commune
from survey_app.timeutil import vn_today
from survey_app.transactions import unit_of_work

# Running the command is the operator's word that the commune has the households' consent
# (docs/cli.md); --consent-by names who gave it.
DEFAULT_VOUCHER = "Người chạy lệnh import-households"
LARGE_FILE_ROWS = 500  # below this the import is instant and a progress bar is only noise


@click.command("import-households")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--province", required=True, help="Tên tỉnh (tạo mới nếu chưa có)")
@click.option("--commune", "commune_name", required=True, help="Tên xã (tạo mới nếu chưa có)")
@click.option(
    "--consent-by",
    default=DEFAULT_VOUCHER,
    show_default=True,
    help="Ai xác nhận xã đã thu thập dữ liệu với sự đồng ý của các hộ (ghi cho từng hộ)",
)
@with_appcontext
def import_households(file: Path, province: str, commune_name: str, consent_by: str):
    """Import households from a .csv or .xlsx file in the import template; all or nothing.

    Running it vouches that the commune collected the file with the households' consent.
    """
    if not consent_by.strip():
        _fail("--consent-by không được để trống.")
    limits = Limits.of(current_app.config)
    try:  # streamed: a huge file stops at the row limit instead of filling the memory
        with file.open("rb") as stream, _bar(_lines(file), "Kiểm tra dữ liệu") as bar:
            parsed = parse_rows(read_rows(file.name, stream, limits), vn_today(), bar.update)
    except ImportFileError as exc:
        _fail(str(exc))
    for warning in parsed.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)
    parsed.errors += services.check_against_database(find_commune(commune_name, province), parsed)
    parsed.errors = services.sorted_errors(parsed.errors)
    if parsed.errors:
        _report_errors(parsed.errors)
    with unit_of_work():
        commune = get_or_create_commune(None, province, commune_name)
        with _bar(len(parsed.households), "Ghi vào cơ sở dữ liệu") as bar:
            summary = services.import_households(
                None, commune, parsed, file.name, bar.update, consent_by=consent_by.strip()
            )
    _print_summary(summary, commune.full_name, file.name)
    click.echo(f"Xác nhận đồng ý của các hộ: {consent_by.strip()}.")


def _lines(file: Path) -> int:
    """About how many rows the file has, for the progress bar (exact for a CSV)."""
    if file.suffix.lower() != ".csv":
        return file.stat().st_size // 25  # a typical XLSX row takes about 25 compressed bytes
    with file.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))


def _bar(length: int, label: str):
    """A progress bar on stderr for large files; an inert one otherwise."""
    out = sys.stderr if length >= LARGE_FILE_ROWS else _NullFile()
    return click.progressbar(length=length, label=label, file=out, update_min_steps=50)


class _NullFile:
    def write(self, _text):
        pass

    def flush(self):
        pass

    def isatty(self):
        return False


def _report_errors(errors) -> None:
    click.echo(f"Lỗi: tệp có {len(errors)} ô không hợp lệ; chưa nhập dữ liệu nào.", err=True)
    for error in errors:
        value = f"'{error.value}'" if error.value else "(trống)"
        click.echo(
            f"Dòng {error.row}, cột '{error.column}', giá trị {value}: {error.reason}", err=True
        )
    raise SystemExit(1)


def _print_summary(summary: services.ImportSummary, place: str, filename: str) -> None:
    click.echo(f"Đã nhập {filename} vào {place}.")
    click.echo(
        f"Hộ: {summary.households_created} mới, {summary.households_updated} cập nhật, "
        f"{summary.households_unchanged} không đổi."
    )
    click.echo(
        f"Nhân khẩu: {summary.people_created} mới, {summary.people_updated} cập nhật, "
        f"{summary.people_unchanged} không đổi, {summary.people_not_in_file} có trong hệ thống "
        "nhưng không có trong tệp (giữ nguyên)."
    )
    if summary.villages_created:
        click.echo(f"Thôn mới: {summary.villages_created}.")


def _fail(message: str):
    click.echo(f"Lỗi: {message}", err=True)
    raise SystemExit(1)
