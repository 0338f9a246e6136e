"""`flask export-evidence` (docs/cli.md): the format follows the file's extension; bad
input exits non-zero with a message on stderr and changes nothing (no file, no audit row)."""

import zipfile

import docx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from aggregation import compute
from survey_app.audit import AuditLog
from survey_app.extensions import db
from tests.exports.support import SET, YEAR, label_line, load

BASE = ["export-evidence", "--commune", "Hoàng Kim", "--criteria", SET, "--year", str(YEAR)]


def _exports():
    stmt = select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)
    return list(db.session.scalars(stmt))


def test_xlsx_for_one_village_with_audit_row(runner, ex_world, tmp_path):
    out = tmp_path / "thon1.xlsx"
    result = runner.invoke(args=[*BASE, "--village", "Thôn 1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã ghi" in result.stdout
    report = compute(db.session, ex_world.commune, SET, YEAR)
    display = report.indicator("3.4").village(ex_world.thon1.id).display
    assert label_line(load(out.read_bytes())["PL 3.4"], "Tổng cộng")[3] == display
    (entry,) = _exports()
    assert (entry.object_type, entry.object_key) == ("village", ex_world.thon1.token)
    details = entry.details
    assert details["via"].startswith("cli:") and details["format"] == "xlsx"
    assert (details["scope"], details["full_data"], details["year"]) == ("Thôn 1", False, YEAR)
    assert details["as_of"] == f"{YEAR}-12-31"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thon1.xlsx"]  # no leftovers


@pytest.mark.parametrize("suffix", [".csv", ".zip"])
def test_csv_of_several_lists_is_a_zip(runner, ex_world, tmp_path, suffix):
    out = tmp_path / f"lists{suffix}"
    result = runner.invoke(args=[*BASE, "--out", str(out), "--complement"])
    assert result.exit_code == 0, result.output
    names = zipfile.ZipFile(out).namelist()
    assert "tong-hop.csv" in names and "phu-luc-3.9-chua-dat.csv" in names


def test_one_indicator_csv_pdf_and_docx(runner, ex_world, tmp_path):
    report = compute(db.session, ex_world.commune, SET, YEAR)
    one = [*BASE, "--indicator", "3.12"]
    assert runner.invoke(args=[*one, "--out", str(tmp_path / "a.csv")]).exit_code == 0
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert runner.invoke(args=[*one, "--out", str(tmp_path / "a.pdf")]).exit_code == 0
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "a.pdf").pages)
    assert report.indicator("3.12").display in text
    assert runner.invoke(args=[*BASE, "--out", str(tmp_path / "r.docx")]).exit_code == 0
    paragraphs = [p.text for p in docx.Document(tmp_path / "r.docx").paragraphs]
    assert any("(Chi tiết phụ lục 3.12 kèm theo)" in p for p in paragraphs)
    assert [e.details["format"] for e in _exports()] == ["csv", "pdf", "docx"]


def test_full_data_is_logged(runner, ex_world, tmp_path):
    out = tmp_path / "full.xlsx"
    result = runner.invoke(args=[*BASE, "--indicator", "3.12", "--full-data", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "không che" in result.stdout
    assert _exports()[-1].details["full_data"] is True
    phones = {row[5] for row in load(out.read_bytes())["PL 3.12"].iter_rows(values_only=True)}
    assert "0900345678" in phones


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--commune", "Không Có", "--criteria", SET, "--year", "2023"], "Không tìm thấy xã"),
        (["--commune", "Hoàng Kim", "--criteria", "khong-co", "--year", "2023"], "bộ tiêu chí"),
        ([*BASE[1:], "--village", "Thôn 9"], "không có thôn 'Thôn 9'"),
        ([*BASE[1:], "--as-of", "2023-13-01"], "YYYY-MM-DD"),
        ([*BASE[1:], "--indicator", "3.7"], "3.7"),
        (["--commune", "Hoàng Kim", "--criteria", SET], "--year"),
    ],
)
def test_bad_input_fails_clearly_and_changes_nothing(runner, ex_world, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    before = db.session.scalar(select(func.count()).select_from(AuditLog))
    result = runner.invoke(args=["export-evidence", *args, "--out", str(out)])
    assert result.exit_code != 0
    assert message in result.stderr, result.stderr
    assert not list(tmp_path.iterdir())
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == before


@pytest.mark.parametrize(
    ("out", "message"), [("x.txt", "không xuất được tệp .txt"), ("no/dir/x.pdf", "không tồn tại")]
)
def test_bad_output_file(runner, ex_world, tmp_path, out, message):
    result = runner.invoke(args=[*BASE, "--out", str(tmp_path / out)])
    assert result.exit_code != 0 and message in result.stderr
    assert not list(tmp_path.iterdir()) and not _exports()


def test_existing_file_is_untouched_when_export_fails(runner, ex_world, tmp_path):
    out = tmp_path / "keep.xlsx"
    out.write_bytes(b"old")
    result = runner.invoke(args=[*BASE, "--indicator", "9.9", "--out", str(out)])
    assert result.exit_code != 0 and out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.xlsx"]


def test_a_long_export_shows_a_progress_bar(runner, ex_world, tmp_path, monkeypatch):
    from survey_app.exports import cli

    monkeypatch.setattr(cli, "PROGRESS_FROM", 1)  # the test commune is small
    out = tmp_path / "xa.pdf"
    result = runner.invoke(args=[*BASE, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đang ghi các danh sách" in result.stderr  # (not a terminal: the label only)
    assert "Đang ghi" not in result.stdout  # the bar stays off the output scripts read
