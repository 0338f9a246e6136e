"""A household without consent is counted but not named in evidence lists; pages say how many."""

import csv
import io
import zipfile

from survey_app.extensions import db
from tests.builders import make_household, make_person

FLAGS = {"dt_thong_minh": True, "ky_nang_so": True}


def _without_consent(world):
    hh = make_household(
        world.thon1, "HK-KDY", "Hoàng Văn Kín", so_dien_thoai="0988777666",
        register_consent_at=None, register_consent_by=None,
    )  # fmt: skip
    make_person(hh, "Hoàng Văn Kín", **FLAGS)
    make_person(world.hh1, "Lê Văn Rõ", **FLAGS)  # a household the commune vouched for
    db.session.commit()
    return hh


def _csv_files(runner, tmp_path) -> dict[str, list[list[str]]]:
    out = tmp_path / "ds.csv"
    db.session.commit()
    args = ["export-evidence", "--commune", "Hoàng Kim", "--criteria", "thanh-hoa-1829"]
    result = runner.invoke(args=[*args, "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out.with_suffix(".zip") if not out.exists() else out) as archive:
        return {
            name: list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
            for name in archive.namelist()
        }


def test_list_keeps_the_row_without_the_name_and_says_how_many(runner, tmp_path, world):
    _without_consent(world)
    files = _csv_files(runner, tmp_path)
    rows = files["phu-luc-3.4.csv"]  # adults with a smartphone
    text = "\n".join(",".join(r) for r in rows)
    assert "Lê Văn Rõ" in text
    assert "Hoàng Văn Kín" not in text and "0988777666" not in text and "HK-KDY" not in text
    assert any(r[1] == "(không nêu tên: hộ chưa đồng ý)" for r in rows[1:])
    assert rows[-1][:2] == [
        "Bảo vệ dữ liệu cá nhân",
        "1 người thuộc hộ chưa có sự đồng ý: được đếm nhưng không nêu tên",
    ]


def test_lists_without_such_households_have_no_note(runner, tmp_path, world):
    make_person(world.hh1, "Lê Văn Rõ", **FLAGS)
    rows = _csv_files(runner, tmp_path)["phu-luc-3.4.csv"]
    assert rows[-1][0] != "Bảo vệ dữ liệu cá nhân" and rows[-1][0].startswith("Tổng cộng")


def test_dashboards_say_how_many_households_are_not_named(client, auth, world):
    _without_consent(world)
    auth.login("canbo")
    commune = client.get(f"/bao-cao/xa/{world.commune.token}").get_data(as_text=True)
    assert "Hộ chưa có sự đồng ý: <strong>1</strong>" in commune
    village = client.get(f"/bao-cao/thon/{world.thon1.token}").get_data(as_text=True)
    assert "Hộ chưa có sự đồng ý: <strong>1</strong>" in village
    other = client.get(f"/bao-cao/thon/{world.thon2.token}").get_data(as_text=True)
    assert "Hộ chưa có sự đồng ý" not in other
