"""CSV: UTF-8 with a BOM, one file per list, a zip (with the summary) when there are several."""

import csv
import io
import zipfile

from aggregation import compute
from survey_app.extensions import db
from tests.exports.support import SET, YEAR, expected

BOM = b"\xef\xbb\xbf"


def _rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"))))


def test_one_list_is_one_csv_with_bom(ex_world, export_bytes):
    data, result = export_bytes(ex_world, "csv", codes=("3.4",))
    assert result.fmt == "csv"
    rows = _rows(data)
    assert rows[0] == [
        "STT", "Họ và tên", "Năm sinh", "Giới tính", "Thôn", "Chủ hộ / Địa chỉ",
        "Điện thoại thông minh",
    ]  # fmt: skip
    people, _den = expected(ex_world.commune, "3.4")
    entries = rows[1:-1]
    assert sorted((r[1], r[5].split("(")[1].split(")")[0]) for r in entries) == people
    assert [r[0] for r in entries] == [str(n) for n in range(1, len(people) + 1)]
    display = compute(db.session, ex_world.commune, SET, YEAR).indicator("3.4").display
    assert rows[-1][:2] == ["Tổng cộng", display]


def test_several_lists_make_a_zip(ex_world, export_bytes):
    data, result = export_bytes(ex_world, "csv", complement=True)
    assert result.fmt == "zip" and zipfile.is_zipfile(io.BytesIO(data))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names[0] == "tong-hop.csv"
    assert "phu-luc-3.4.csv" in names and "phu-luc-3.4-chua-dat.csv" in names
    assert len(names) == 1 + 2 * 10
    summary = _rows(archive.read("tong-hop.csv"))
    assert summary[0][:2] == ["TT", "Tên chỉ tiêu"] and summary[1][:2] == ["1", "Chính quyền số"]
    assert ["3", "Xã hội số"] in [row[:2] for row in summary]
    households = _rows(archive.read("phu-luc-3.12.csv"))
    assert households[0][:3] == ["STT", "Mã hộ", "Chủ hộ"]
    assert sorted((r[1],) for r in households[1:-1]) == expected(ex_world.commune, "3.12")[0]
