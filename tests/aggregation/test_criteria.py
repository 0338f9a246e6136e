"""Criteria sets are data files; a broken one names the file, the indicator and the reason."""

from decimal import Decimal

import pytest

from aggregation.criteria import CriteriaError, criteria_sets, get_criteria, load_file

GOOD = """\
id: tinh-thu
name: "Bộ thử"
source: "Quyết định thử"
source_date: "2024-01-02"
indicators:
  - code: "1"
    name: "Người có điện thoại thông minh"
    population: adults
    numerator: dt_thong_minh
    target: 65
"""


def _write(tmp_path, text, name="tinh-thu.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_four_sets_of_domain_md():
    sets = criteria_sets()
    assert {"thanh-hoa-1829", "thon-thong-minh", "ntm-kieu-mau-cds", "ha-nam-ntm"} <= set(sets)
    th = sets["thanh-hoa-1829"]
    # group 3 first (the `indicators` JSON keeps 3.1 … 3.12 first), then groups 1, 2, 4: manual
    codes = [i.code for i in th.indicators]
    assert codes[:12] == [f"3.{n}" for n in range(1, 13)]
    assert codes[12:] == [f"1.{n}" for n in range(1, 12)] + [f"2.{n}" for n in range(1, 7)] + [
        f"4.{n}" for n in range(1, 9)
    ]
    assert all(th.indicator(code).is_manual for code in codes[12:])
    assert th.groups == (("1", "Chính quyền số"), ("2", "Kinh tế số"), ("3", "Xã hội số"),
                         ("4", "Hạ tầng số"))  # fmt: skip
    assert (th.indicator("4.5").unit, th.indicator("4.5").target_text) == ("Điểm phát", "Có")
    assert (th.indicator("1.6").unit, th.indicator("1.6").target) == ("%", Decimal("70"))
    assert th.source_date == "2023-05-30" and "1829/QĐ-UBND" in th.source
    assert [i.code for i in sets["thon-thong-minh"].indicators] == [str(n) for n in range(1, 11)]
    assert [i.code for i in sets["ntm-kieu-mau-cds"].indicators] == [f"2.{n}" for n in range(1, 10)]
    for item in sets.values():
        assert item.source and item.source_date


def test_indicator_details():
    th = get_criteria("thanh-hoa-1829")
    i33 = th.indicator("3.3")
    assert (i33.population, i33.denominator_filter.field, i33.numerator.field) == (
        "adults", "dt_thong_minh", "ptt_an_toan",
    )  # fmt: skip
    assert th.indicator("3.9").numerator.values == ("muc_1", "muc_2")
    assert th.indicator("3.7").is_manual and th.indicator("3.12").unit_kind == "household"
    assert [(i.code, i.target) for i in th.indicators if i.code in ("3.2", "3.4")] == [
        ("3.2", Decimal("75")), ("3.4", Decimal("65")),
    ]  # fmt: skip
    five = get_criteria("thon-thong-minh").indicator("5")
    assert (five.comparator, five.target) == (">", Decimal("70"))
    assert get_criteria("thon-thong-minh").indicator("10").population == "business_households"
    assert get_criteria("ha-nam-ntm").indicator("8.9.2").numerator.field == "co_dt_thong_minh"


def test_unknown_set_is_a_clear_error():
    with pytest.raises(CriteriaError, match="khong-co"):
        get_criteria("khong-co")


def test_good_file_loads(tmp_path):
    loaded = load_file(_write(tmp_path, GOOD))
    assert loaded.indicators[0].comparator == ">=" and loaded.level == "commune"


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("population: adults", "population: grown_ups", "population"),
        ("numerator: dt_thong_minh", "numerator: cap_quang", "unknown field 'cap_quang'"),
        ("numerator: dt_thong_minh", "numerator: vneid", "vneid needs 'in'"),
        ("numerator: dt_thong_minh", "numerator: {field: vneid, in: [muc_9]}", "muc_9"),
        ("    target: 65\n", "", "target: required"),
        ("target: 65", "target: 165", "target"),
        ("target: 65", "target: 65\n    comparator: '=>'", "comparator"),
    ],
)
def test_broken_indicator_names_file_indicator_and_reason(tmp_path, old, new, reason):
    path = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(CriteriaError) as info:
        load_file(path)
    message = str(info.value)
    assert message.startswith("tinh-thu.yaml: chỉ tiêu 1:"), message
    assert reason in message


def test_broken_files(tmp_path):
    with pytest.raises(CriteriaError, match="tinh-thu.yaml: chỉ tiêu 1: code is used twice"):
        load_file(_write(tmp_path, GOOD + GOOD[GOOD.index("  - code") :]))
    with pytest.raises(CriteriaError, match="khac.yaml: id 'tinh-thu' must match"):
        load_file(_write(tmp_path, GOOD, "khac.yaml"))
    with pytest.raises(CriteriaError, match="tinh-thu.yaml: source"):
        load_file(_write(tmp_path, GOOD.replace('source: "Quyết định thử"\n', "")))
    with pytest.raises(CriteriaError, match="tinh-thu.yaml: không đọc được"):
        load_file(_write(tmp_path, "id: [unclosed"))
    manual = GOOD.replace("population: adults", "kind: manual\n    population: adults")
    with pytest.raises(CriteriaError, match="chỉ tiêu 1: a manual indicator"):
        load_file(_write(tmp_path, manual))
