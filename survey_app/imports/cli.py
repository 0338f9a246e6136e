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
@click.option(
    "--dry-run",
    is_flag=True,
    help="Chỉ xem trước: hộ mới, hộ thay đổi (từng mục), thôn sẽ tạo, người trùng; không ghi gì",
)
@with_appcontext
def import_households(file: Path, province: str, commune_name: str, consent_by: str, dry_run: bool):
    """Import households from a .csv or .xlsx file in the import template; all or nothing.

    Running it vouches that the commune collected the file with the households' consent.
    With --dry-run it only prints what the import would do.
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
    if dry_run:
        preview = services.preview_import(find_commune(commune_name, province), parsed)
        _print_preview(preview, file.name)
        return
    with unit_of_work():
        commune = get_or_create_commune(None, province, commune_name)
        with _bar(len(parsed.households), "Ghi vào cơ sở dữ liệu") as bar:
            summary, operation = services.import_households(
                None, commune, parsed, file.name, bar.update, consent_by=consent_by.strip()
            )
    _print_summary(summary, commune.full_name, file.name)
    click.echo(f"Xác nhận đồng ý của các hộ: {consent_by.strip()}.")
    click.echo(f"Mã lần nhập (để hoàn tác trên trang Nhập dữ liệu): {operation.token}.")


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
        names = ", ".join(f"“{name}”" for name in summary.new_villages)
        click.echo(f"Thôn mới: {summary.villages_created} ({names}).")
    if summary.samples_skipped:
        click.echo(f"Bỏ qua {summary.samples_skipped} hộ mẫu của tệp mẫu (VD-001).")


PREVIEW_LINES = 50  # per list on the terminal; the counts say how many in all


def _print_preview(preview: services.Preview, filename: str) -> None:
    """What the import would do, in the page's words; nothing was written."""
    s = preview.summary
    click.echo(f"Xem trước {filename} (chưa ghi gì):")
    click.echo(
        f"Hộ: {s.households_created} mới, {s.households_updated} thay đổi, "
        f"{s.households_unchanged} không đổi."
    )
    click.echo(
        f"Nhân khẩu: {s.people_created} mới, {s.people_updated} thay đổi, "
        f"{s.people_unchanged} không đổi, {s.people_not_in_file} không có trong tệp (giữ nguyên)."
    )
    for sample in preview.samples:
        rows = ", ".join(str(r) for r in sample["rows"])
        click.echo(f"Hộ mẫu, sẽ bỏ qua: {sample['ma_ho']} ({sample['name']}), dòng {rows}.")
    for village in preview.villages:
        hint = f" — có phải “{village['closest']}”?" if village["closest"] else ""
        click.echo(f"Thôn mới sẽ tạo: “{village['name']}”{hint}")
    for person in preview.twice[:PREVIEW_LINES]:
        click.echo(
            f"Có thể ghi hai lần: {person['name']} ({person['year']}): "
            + " và ".join(person["places"])
        )
    for household in preview.changed[:PREVIEW_LINES]:
        click.echo(f"Thay đổi hộ {household['ma_ho']} ({household['chu_ho']}):")
        for change in household["fields"]:
            click.echo(f"  {change['label']}: {change['old']} → {change['new']}")
        for member in household["members"]:
            if member["new"]:
                click.echo(f"  Thêm nhân khẩu {member['name']}")
            for change in member["fields"]:
                click.echo(
                    f"  {member['name']} — {change['label']}: {change['old']} → {change['new']}"
                )
    if s.households_updated > PREVIEW_LINES:
        click.echo(f"… và {s.households_updated - PREVIEW_LINES} hộ thay đổi khác.")


def _fail(message: str):
    click.echo(f"Lỗi: {message}", err=True)
    raise SystemExit(1)
