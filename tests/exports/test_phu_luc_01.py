"""PHỤ LỤC 01 as xã Hoàng Kim filed it for 2023 (seed 004): the four groups of QĐ 1829, every
indicator in the seed's order and wording, the manual rows' results entered on the page."""

import io
import json

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from aggregation.criteria import get_criteria
from survey_app.extensions import db

SET, YEAR = "thanh-hoa-1829", 2023
SITE = "http://hoangkim.hoanghoa.tanhhoa.gov.vn"
POSTMART = "https://postmart.com.vn/home/Goods/index.html?goods_id=16020"
# What the commune entered for its manual indicators (seed 004): result, evidence link.
SEED = {
    "1.1": ("Có", ""), "1.2": ("100%", ""), "1.3": ("100%", ""), "1.4": ("100%", ""),
    "1.5": ("100%", ""), "1.6": ("82,9%", ""),
    "1.7": ("Có kênh Zalo, trang thông tin điện tử, HoangHoa S....", SITE),
    "1.8": ("Sử dụng hiệu quả", ""),
    "1.9": ("Cung cấp đầy đủ thông tin theo quy định", SITE), "1.10": ("100%", ""),
    "1.11": ("", ""),
    "2.1": ("100%", ""), "2.2": ("100%", SITE), "2.3": ("100%", POSTMART),
    "2.4": ("80,95%", ""), "2.5": ("53,57%", ""), "2.6": ("57,69%", ""),
    "3.7": ("100%", ""), "3.8": ("69%.", ""),
    "4.1": ("100%", ""), "4.2": ("Đáp ứng", ""), "4.3": ("100%", ""), "4.4": ("Có", ""),
    "4.5": ("14 điểm", ""), "4.6": ("25 camera", ""), "4.7": ("Có", ""), "4.8": ("Có", ""),
}  # fmt: skip
SEED_ORDER = (
    ["1"] + [f"1.{n}" for n in range(1, 12)] + ["2"] + [f"2.{n}" for n in range(1, 7)]
    + ["3"] + [f"3.{n}" for n in range(1, 13)] + ["4"] + [f"4.{n}" for n in range(1, 9)]
)  # fmt: skip
# Wording checked against the seed's own text (a few, in full): the set holds all of them.
SEED_WORDING = {
    "1.7": "Ứng dụng nền tảng số hỗ trợ chính quyền cấp xã giao tiếp, tương tác và tiếp nhận các "
    "ý kiến, phản ánh, kiến nghị của người dân (Kênh zalo, Trang Thông tin điện tử, ...)",
    "2.5": "Tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử",
    "4.3": "100% CBCC có máy tính phục vụ công việc",
}
UNITS = {"1.1": "Văn bản", "1.7": "Kênh giao tiếp", "4.2": "Hệ thống", "4.5": "Điểm phát",
         "4.7": "Đài", "1.11": "Nền tảng", "2.4": "%"}  # fmt: skip
TARGETS = {"1.1": "Có", "1.8": "Có sử dụng hiệu quả", "4.2": "Đáp ứng", "1.11": ""}


def _enter_the_seeds_results(client, world) -> None:
    codes = [ind.code for ind in get_criteria(SET).indicators if ind.is_manual]
    url = f"/bao-cao/xa/{world.commune.token}/chi-tieu-thu-cong/{SET}?nam={YEAR}"
    for code, (result, link) in SEED.items():
        prefix = f"ct{codes.index(code)}"
        data = {"chi_tieu": code, f"{prefix}-result_text": result,
                f"{prefix}-evaluation": "dat", f"{prefix}-evidence_link": link}  # fmt: skip
        response = client.post(url, data=data)
        assert response.status_code == 302, (code, response.get_data(as_text=True)[-2000:])


def _export(runner, tmp_path, suffix: str) -> bytes:
    out = tmp_path / f"phu-luc.{suffix}"
    args = ["export-evidence", "--commune", "Hoàng Kim", "--province", "Thanh Hóa",
            "--criteria", SET, "--year", str(YEAR), "--out", str(out)]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_phu_luc_01_carries_all_four_groups_as_the_commune_files_them(
    client, auth, world, runner, tmp_path
):
    auth.login("canbo")
    _enter_the_seeds_results(client, world)
    db.session.commit()
    sheet = load_workbook(io.BytesIO(_export(runner, tmp_path, "xlsx")))["Tổng hợp"]
    rows = [tuple(c if c is not None else "" for c in r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[:2] == ("TT", "Tên chỉ tiêu"))
    table = [r for r in rows[start + 1 :] if r[0] in SEED_ORDER][: len(SEED_ORDER)]
    assert [r[0] for r in table] == SEED_ORDER  # 4 group rows and 37 indicators, in order
    by_code = {r[0]: r for r in table}
    assert [by_code[g][1] for g in "1234"] == [
        "Chính quyền số", "Kinh tế số", "Xã hội số", "Hạ tầng số"
    ]  # fmt: skip
    criteria = get_criteria(SET)
    for code in SEED_ORDER:
        if "." in code:
            assert by_code[code][1] == criteria.indicator(code).name
    for code, wording in SEED_WORDING.items():
        assert by_code[code][1] == wording
    for code, unit in UNITS.items():
        assert by_code[code][2] == unit
    for code, target in TARGETS.items():
        assert by_code[code][3] == target
    for code, (result, link) in SEED.items():
        row = by_code[code]
        assert row[4] == (result or "Chưa nhập") and row[5] == "Đạt", (code, row)
        assert row[6] == link, (code, row)
    for group in ("1", "2", "4"):  # every indicator of the group Đạt: the group is Đạt
        assert by_code[group][5] == "Đạt"

    pdf = PdfReader(io.BytesIO(_export(runner, tmp_path, "pdf")))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for words in ("Chính quyền số", "Kinh tế số", "Hạ tầng số", "14 điểm", "25 camera",
                  "Có kênh Zalo", "Đáp ứng"):  # fmt: skip
        assert words in text, words


def test_the_indicators_json_keeps_group_3_first_and_carries_the_manual_groups(
    client, auth, world, runner
):
    auth.login("canbo")
    _enter_the_seeds_results(client, world)
    db.session.commit()
    args = ["indicators", "--commune", "Hoàng Kim", "--province", "Thanh Hóa",
            "--criteria", SET, "--year", str(YEAR), "--format", "json"]  # fmt: skip
    data = json.loads(runner.invoke(args=args).stdout)
    codes = [item["code"] for item in data["indicators"]]
    assert codes[:12] == [f"3.{n}" for n in range(1, 13)] and len(codes) == 37
    item = next(i for i in data["indicators"] if i["code"] == "2.3")
    assert (item["kind"], item["result_text"], item["evidence_link"]) == (
        "manual", "100%", POSTMART,
    )  # fmt: skip


def test_the_communes_document_details_are_printed(client, auth, world, runner, tmp_path):
    import docx

    auth.login("canbo")
    url = f"/bao-cao/xa/{world.commune.token}/cai-dat"
    form = {"criteria_ids": [SET, "thon-thong-minh"], "working_age_rule": "legal",
            "adult_age": "15", "count_tam_vang": "1", "decimals": "2",
            "parent_authority": "UBND huyện Hoằng Hóa", "document_number": "125/BC-UBND",
            "signer_title": "pho_chu_tich", "signer_name": "Lê Quang Thành",
            "preparer_name": "Nguyễn Thị Hoa"}  # fmt: skip
    response = client.post(url, data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.commit()
    sheet = load_workbook(io.BytesIO(_export(runner, tmp_path, "xlsx")))["Tổng hợp"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert cells[:2] == ["UBND HUYỆN HOẰNG HÓA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    for line in ("UBND XÃ HOÀNG KIM", "Số: 125/BC-UBND", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                 "Lê Quang Thành", "Nguyễn Thị Hoa"):  # fmt: skip
        assert line in cells, line
    out = tmp_path / "bao-cao.docx"
    args = ["export-evidence", "--commune", "Hoàng Kim", "--province", "Thanh Hóa",
            "--criteria", SET, "--year", str(YEAR), "--out", str(out)]  # fmt: skip
    assert runner.invoke(args=args).exit_code == 0
    text = "\n".join(
        cell.text for table in docx.Document(str(out)).tables for row in table.rows
        for cell in row.cells
    )  # fmt: skip
    for line in ("UBND HUYỆN HOẰNG HÓA", "Số: 125/BC-UBND", "PHÓ CHỦ TỊCH", "Lê Quang Thành"):
        assert line in text, line


def test_the_commune_may_set_a_groups_evaluation(client, auth, world, runner, tmp_path):
    from survey_app.audit import AuditLog

    auth.login("canbo")
    _enter_the_seeds_results(client, world)
    url = f"/bao-cao/xa/{world.commune.token}/chi-tieu-thu-cong/{SET}?nam={YEAR}"
    page = client.get(url).get_data(as_text=True)
    assert "Đánh giá nhóm chỉ tiêu" in page
    # group 3 is not Đạt by the convention here (no households): the commune judges it
    assert client.post(url, data={"nhom": "3", "danh_gia": "dat"}).status_code == 302
    db.session.commit()
    sheet = load_workbook(io.BytesIO(_export(runner, tmp_path, "xlsx")))["Tổng hợp"]
    rows = [tuple(c if c is not None else "" for c in r) for r in sheet.iter_rows(values_only=True)]
    group3 = next(r for r in rows if r[:2] == ("3", "Xã hội số"))
    assert group3[5] == "Đạt" and group3[7] == "Xã đánh giá"
    assert db.session.scalars(select(AuditLog).where(AuditLog.object_type == "manual_indicator"))
    # back to the convention
    client.post(url, data={"nhom": "3", "danh_gia": ""})
    db.session.commit()
    sheet = load_workbook(io.BytesIO(_export(runner, tmp_path, "xlsx")))["Tổng hợp"]
    rows = [tuple(c if c is not None else "" for c in r) for r in sheet.iter_rows(values_only=True)]
    group3 = next(r for r in rows if r[:2] == ("3", "Xã hội số"))
    assert group3[7] == ""
    assert client.post(url, data={"nhom": "9", "danh_gia": "dat"}).status_code == 302  # refused
    assert "không có nhóm 9" in client.get(url).get_data(as_text=True)
