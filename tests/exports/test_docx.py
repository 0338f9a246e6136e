"""The draft report: one paragraph per indicator in the communes' own wording, with the
dashboard's figures, and the PHỤ LỤC 01 table whose header row repeats on every page."""

import io

import docx

from aggregation import compute
from aggregation.documents.summary import HEADERS
from survey_app.extensions import db
from tests.exports.support import SET, YEAR


def _vn(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _percent(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def _expected_sentence(item: dict, where: str = "xã") -> str:
    unit = "hộ" if item["population"] == "households" else "người"
    verdict = "đạt" if item["passed"] else "không đạt"
    return (
        "Theo kết quả khảo sát do UBND xã triển khai thực hiện, trên địa bàn "
        f"{where} có {_vn(item['numerator'])}/{_vn(item['denominator'])} {unit} đạt "
        f"{_percent(item['percent'])} (Chi tiết phụ lục {item['code']} kèm theo). "
        f"Đánh giá chỉ tiêu: {verdict}."
    )


def test_one_paragraph_per_indicator_with_its_figures(ex_world, export_bytes):
    report = compute(db.session, ex_world.commune, SET, YEAR).to_json()
    data, _ = export_bytes(ex_world, "docx")
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    for item in report["indicators"]:
        assert f"{item['code']}. Chỉ tiêu, nội dung {item['code']}:" in paragraphs
        if item["kind"] == "household_data":
            assert _expected_sentence(item) in paragraphs, item["code"]
        else:
            assert "Kết quả: (chưa nhập). Đánh giá chỉ tiêu: chưa đủ dữ liệu để đánh giá." in (
                paragraphs
            )
    group3 = [item for item in report["indicators"] if item["code"].startswith("3.")]
    passed = sum(1 for item in group3 if item["passed"])
    assert f"- Chỉ tiêu đạt: {passed}/12 chỉ tiêu" in " ".join(paragraphs)
    table = document.tables[-1]
    assert tuple(cell.text for cell in table.rows[0].cells) == HEADERS
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on each page
    codes = [row.cells[0].text for row in table.rows[1:]]
    assert [code for code in codes if "." not in code] == ["1", "2", "3", "4"]
    assert [code for code in codes if code.startswith("3.")] == [f"3.{n}" for n in range(1, 13)]
    assert len(codes) == 4 + 37
    results = {row.cells[0].text: row.cells[4].text for row in table.rows[2:]}
    assert results["3.4"] == report["indicators"][3]["display"]


def test_village_report_speaks_of_the_village(ex_world, export_bytes):
    report = compute(db.session, ex_world.commune, SET, YEAR).to_json()
    data, _ = export_bytes(ex_world, "docx", village=ex_world.thon1)
    paragraphs = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    item = dict(report["indicators"][3])
    item.update(next(v for v in item["villages"] if v["village"] == "Thôn 1"))
    assert _expected_sentence(item, where="Thôn 1") in paragraphs


def test_the_draft_names_the_commune_and_today_and_numbers_its_pages(ex_world, export_bytes):
    from survey_app import timeutil

    data, _ = export_bytes(ex_world, "docx")
    document = docx.Document(io.BytesIO(data))
    props = document.core_properties
    assert props.author == f"UBND XÃ {ex_world.commune.name.upper()}" != "python-docx"
    assert props.created.date() == timeutil.utcnow().date()
    assert str(YEAR) in props.title
    footer = document.sections[0].footer._element.xml
    assert "PAGE" in footer and "Trang" in footer
    assert all(section.footer.is_linked_to_previous for section in document.sections[1:])
