"""`flask indicators` prints the JSON of docs/cli.md and fails clearly."""

import json
from datetime import date

from survey_app.extensions import db
from tests.aggregation.helpers import commune_with_villages
from tests.builders import make_household, make_person
from tests.support.database import RECORDED_SINCE, data_true_since

ARGS = ["indicators", "--commune", "Hoàng Kim", "--criteria", "thanh-hoa-1829", "--year", "2023"]


def _data():
    commune, (thon1, _thon2) = commune_with_villages("Thôn 1", "Thôn 2")
    hh = make_household(thon1, "HK-1", dien_khong_tien_mat=True)
    make_person(hh, "Lê Văn A", date(1980, 1, 1), dt_thong_minh=True, vneid="muc_2")
    make_person(hh, "Lê Thị B", date(1982, 1, 1), gioi_tinh="nu", dt_thong_minh=False)
    make_person(hh, "Lê Văn C", date(2009, 6, 1), dt_thong_minh=None, vneid="muc_1")
    db.session.commit()
    data_true_since(RECORDED_SINCE)
    return commune


def test_indicators_json(runner):
    _data()
    result = runner.invoke(args=[*ARGS, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("commune", "province", "criteria", "year", "as_of")} == {
        "commune": "Hoàng Kim",
        "province": "Thanh Hóa",
        "criteria": "thanh-hoa-1829",
        "year": 2023,
        "as_of": "2023-12-31",
    }
    codes = [item["code"] for item in data["indicators"]]
    assert codes[:12] == [f"3.{n}" for n in range(1, 13)]  # then the manual groups 1, 2, 4
    assert len(codes) == 37 and codes[12] == "1.1" and codes[-1] == "4.8"
    i34 = data["indicators"][3]
    assert {k: i34[k] for k in i34 if k not in ("name", "villages")} == {
        "code": "3.4",
        "population": "adults",
        "kind": "household_data",
        "comparator": ">=",
        "target": 65.0,
        "numerator": 1,
        "denominator": 2,
        "unknown": 0,
        "percent": 50.0,
        "passed": False,
        "display": "1/2 = 50%",
    }
    assert [v["village"] for v in i34["villages"]] == ["Thôn 1", "Thôn 2"]
    assert i34["villages"][1]["display"] == "Chưa có dữ liệu"
    i39 = data["indicators"][8]
    assert (i39["numerator"], i39["denominator"], i39["display"]) == (2, 3, "2/3 = 66,67%")
    manual = data["indicators"][6]
    assert (manual["kind"], manual["numerator"], manual["passed"]) == ("manual", None, None)


def test_as_of_changes_who_counts(runner):
    _data()
    result = runner.invoke(args=[*ARGS, "--as-of", "2023-05-31"])
    data = json.loads(result.stdout)
    assert data["as_of"] == "2023-05-31"
    assert data["indicators"][8]["denominator"] == 2  # C turns 14 on 1/6/2023


def test_failures_are_clear_and_non_zero(runner):
    _data()
    cases = [
        (["indicators", "--commune", "Không Có", "--criteria", "thanh-hoa-1829", "--year", "2023"],
         "Không tìm thấy xã"),
        ([*ARGS[:4], "khong-co", *ARGS[5:]], "khong-co"),
        ([*ARGS, "--as-of", "31/12/2023"], "YYYY-MM-DD"),
    ]  # fmt: skip
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0
        assert message in result.stderr
        assert result.stdout == ""


def test_text_format(runner):
    _data()
    result = runner.invoke(args=[*ARGS, "--format", "text"])
    assert "3.4    1/2 = 50% | ≥ 65% | Không đạt" in result.stdout
