"""The draft report (DOCX) for staff to edit: one paragraph per indicator in the wording of the
commune reports (seed 004), the group tallies, the signature, then PHỤ LỤC 01 on landscape pages.
"""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from aggregation import numbers
from aggregation.documents import summary as summary_table
from aggregation.documents import wording
from survey_app import timeutil

FONT = "Times New Roman"


def write_docx(session, content, out, tick) -> None:
    """Write the draft report of ``content`` to ``out`` (a path or a binary file object)."""
    doc = Document()
    _base_style(doc)
    _portrait(doc.sections[0])
    _heading(doc, content)
    village = content.request.village
    village_id = village.id if village is not None else None
    for tt, name, items in summary_table.groups(content.report):
        override = content.report.group_evaluations.get(tt)
        _group(doc, tt, name, items, village_id, village.name if village else None, override)
    _signature(doc, content.heading)
    _appendix(doc, content)
    _properties(doc, content)
    _page_numbers(doc.sections[0])  # later sections link to this footer
    doc.save(out)


def _properties(doc, content) -> None:
    """Metadata a reader's word processor shows: who wrote it, what it is, when (not the library's
    template, which says "python-docx", 2013)."""
    now = timeutil.utcnow()
    props = doc.core_properties
    props.author = props.last_modified_by = content.heading.authority
    props.title = f"Báo cáo kết quả thực hiện chỉ tiêu năm {content.report.year}"
    props.subject = f"{content.report.criteria.name} — {content.heading.scope}"
    props.comments = content.heading.as_of_line
    props.keywords = "chuyển đổi số"
    props.category = "Báo cáo"
    props.created = props.modified = now
    props.revision = 1


def _page_numbers(section) -> None:
    """A centred page number ("Trang N") in the footer: a PAGE field Word fills in."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Trang ").font.size = Pt(11)
    run = paragraph.add_run()
    run.font.size = Pt(11)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"),
                       ("end", None)):  # fmt: skip
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _base_style(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(4)


def _portrait(section) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)


def _para(doc_or_cell, text: str, bold=False, italic=False, align=None, size=None):
    paragraph = doc_or_cell.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align == "center":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "justify":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return paragraph


def _heading(doc, content) -> None:
    head = content.heading
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _cell_lines(left, [(line, line == head.authority, False) for line in head.left_lines])
    lines = [(head.nation, True, False), (head.motto, True, False), (head.place_date, False, True)]
    _cell_lines(right, lines)
    report = content.report
    _para(doc, "BÁO CÁO", bold=True, align="center", size=14)
    title = f"Kết quả tự đánh giá thực hiện các chỉ tiêu năm {report.year}"
    _para(doc, title, bold=True, align="center")
    _para(doc, report.criteria.name, bold=True, align="center")
    _para(
        doc,
        f"(Dự thảo tạo từ số liệu khảo sát, {head.as_of_line.lower()}, phạm vi: {head.scope}. "
        "Cán bộ kiểm tra, bổ sung trước khi trình ký.)",
        italic=True,
        align="center",
        size=12,
    )


def _cell_lines(cell, lines) -> None:
    first = cell.paragraphs[0]
    for i, (text, bold, italic) in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(12)


def _group(doc, tt: str, name: str, items, village_id, village_name, group_override) -> None:
    ratios = [summary_table.scoped_ratio(item, village_id) for item in items]
    passed = sum(1 for r in ratios if r.passed is True)
    failed = sum(1 for r in ratios if r.passed is False)
    _para(doc, f"{tt}. {name}:" if tt else f"{name}:", bold=True)
    share = f", đạt {numbers.format_percent(numbers.percent(passed, len(items)))}" if items else ""
    _para(doc, f"- Chỉ tiêu đạt: {passed}/{len(items)} chỉ tiêu{share}")
    _para(doc, f"- Chỉ tiêu chưa đủ dữ liệu hoặc chưa nhập: {len(items) - passed - failed}")
    _para(doc, f"- Chỉ tiêu không hoàn thành: {failed}")
    _para(doc, "Cụ thể, kết quả như sau:")
    for item, ratio in zip(items, ratios, strict=True):
        _indicator(doc, item, ratio, village_name)
    evaluation = summary_table.group_evaluation(ratios, group_override)
    verdict = "đạt" if evaluation == "Đạt" else "chưa đạt"
    if group_override is not None:
        verdict += " (xã đánh giá)"
    _para(doc, f"* Đánh giá: {passed}/{len(items)} chỉ tiêu, nội dung về {name}: {verdict}.", True)


def _indicator(doc, item, ratio, village_name) -> None:
    _para(doc, f"{item.code}. Chỉ tiêu, nội dung {item.code}:", bold=True)
    _para(doc, wording.requirement_sentence(item), align="justify")
    if item.indicator.is_manual:
        _para(doc, wording.manual_sentence(item), align="justify")
        return
    unit = "hộ" if item.indicator.unit_kind == "household" else "người"
    _para(doc, wording.data_sentence(ratio, unit, item.code, village_name), align="justify")
    note = wording.unknown_sentence(ratio.unknown, unit)
    if note:
        _para(doc, note, italic=True, size=12)


def _signature(doc, head) -> None:
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    recipients = [("Nơi nhận:", True, True), ("- Như trên;", False, False)]
    _cell_lines(left, [*recipients, ("- Lưu: VT.", False, False)])
    signer = [(line, True, False) for line in head.signer_lines]
    if head.signer_name:
        signer += [("", False, False)] * 3 + [(head.signer_name, True, False)]
    _cell_lines(right, signer)


def _appendix(doc, content) -> None:
    section = doc.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(1.5)
    for i, line in enumerate((*content.summary_title, content.heading.as_of_line)):
        _para(doc, line, bold=i < 2, italic=i >= 2, align="center")
    headers = summary_table.HEADERS
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in content.summary:
        cells = table.add_row().cells
        for cell, text in zip(cells, row.cells, strict=True):
            run = cell.paragraphs[0].add_run(text)
            run.bold = row.is_group
            run.font.size = Pt(11)
    widths = summary_table.WIDTHS
    for column, width in zip(table.columns, widths, strict=True):
        for cell in column.cells:
            cell.width = Cm(26.7 * width / sum(widths))


def _repeat_header(row) -> None:
    """Mark the row as a header row, repeated at the top of every page."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)
