"""The workbook: sheet "Tổng hợp" (PHỤ LỤC 01) and one sheet per list ("PL 3.4"...).

Each sheet has the header block of an official document, bold bordered column headers that are
frozen and printed on every page, A4 landscape fitted to the page width, "Trang x/y" in the
footer, a total line equal to the dashboard's figure and the signature block. Rows stream
(openpyxl write-only, rows as text: sheet_stream.py), so a 100.000-person list keeps memory flat.
"""

import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from aggregation.documents import summary as summary_table
from aggregation.documents.consent import PRIVACY_LABEL
from aggregation.documents.lists import Entry, Group, Subtotal, items
from aggregation.documents.sheet_stream import RowWriter, add_sheet, style_id

FONT = "Times New Roman"
LINE_HEIGHT = 15.0  # points per line of 11–12 pt text
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
A4 = "9"


class Styles:
    """Cell-format ids, registered once per workbook."""

    def __init__(self, sheet):
        def make(size=11, bold=False, italic=False, grid=False, fill=None, **align):
            align = {"wrap_text": True, "vertical": "center", **align}
            style = {"font": Font(name=FONT, size=size, bold=bold, italic=italic)}
            style["alignment"] = Alignment(**align)
            if grid:
                style["border"] = GRID
            if fill:
                style["fill"] = PatternFill("solid", fgColor=fill)
            return style_id(sheet, **style)

        self.plain = make()
        self.heading = make(12, bold=True, horizontal="center")
        self.title = make(13, bold=True, horizontal="center")
        self.italic = make(12, italic=True, horizontal="center")
        self.th = make(bold=True, grid=True, fill="D9E2F3", horizontal="center")
        self.td = make(grid=True, vertical="top")
        self.td_center = make(grid=True, vertical="top", horizontal="center")
        self.group = make(bold=True, grid=True, fill="EEF2F7")
        self.group_center = make(bold=True, grid=True, fill="EEF2F7", horizontal="center")
        self.subtotal = make(italic=True, bold=True, grid=True)
        self.total = make(bold=True, grid=True, fill="FFF2CC")
        self.sign_hint = make(italic=True, horizontal="center")


def write_xlsx(session, content, out, progress) -> None:
    """Write the workbook of ``content`` to ``out`` (a path or a binary file object)."""
    workbook = Workbook(write_only=True)
    sheet = add_sheet(workbook, "Tổng hợp")
    styles = Styles(sheet)
    _summary_sheet(sheet, content, styles)
    for lst in content.lists:
        _list_sheet(session, add_sheet(workbook, lst.sheet_name), content, lst, styles, progress)
    workbook.save(out)


def _spans(widths) -> tuple[tuple[int, int], tuple[int, int]]:
    """Column spans of the left (authority) and right (nation) header blocks."""
    left, total = 1, widths[0]
    while total < 30 and left < len(widths) // 2:
        total += widths[left]
        left += 1
    right, total = len(widths), widths[-1]
    while total < 60 and right > left + 2:
        right -= 1
        total += widths[right - 1]
    return (1, left), (right, len(widths))


def _lines(text: str, width: float) -> int:
    return max(1, math.ceil(len(text) / max(width * 1.15, 1)))


def _wide(rows: RowWriter, text: str, style: str, widths, size=LINE_HEIGHT) -> None:
    """One text line merged across the whole table width, tall enough for its wrapping."""
    cols = len(widths)
    height = _lines(text, sum(widths)) * size + 3
    rows.add([text] + [None] * (cols - 1), [style] * cols, height, merge=[(1, cols)])


def _header(sheet, rows: RowWriter, content, titles, widths, styles: Styles) -> int:
    """Columns, the heading block and the titles; returns the row the table header goes on."""
    for i, width in enumerate(widths):
        sheet.column_dimensions[_letter(i)].width = width
    header_row = max(3, len(content.heading.left_lines)) + 1 + len(titles) + 1 + 1
    _page_setup(sheet, header_row)  # before any row: panes and sheet properties come first
    head = content.heading
    (l1, l2), (r1, r2) = _spans(widths)
    left_w, right_w = sum(widths[l1 - 1 : l2]), sum(widths[r1 - 1 : r2])
    right_lines = [
        (head.nation, styles.heading), (head.motto, styles.heading),
        (head.place_date, styles.italic),
    ]  # fmt: skip
    left_lines = head.left_lines
    for index in range(max(len(left_lines), len(right_lines))):
        left = left_lines[index] if index < len(left_lines) else ""
        right, right_style = right_lines[index] if index < len(right_lines) else ("", styles.plain)
        values = [None] * len(widths)
        values[l1 - 1], values[r1 - 1] = left, right
        cells = [styles.plain] * len(widths)
        cells[l1 - 1], cells[r1 - 1] = styles.heading, right_style
        height = max(_lines(left, left_w), _lines(right, right_w)) * 16.5
        rows.add(values, cells, height, merge=[(l1, l2), (r1, r2)])
    rows.blank()
    for i, text in enumerate(titles):
        _wide(rows, text, styles.title if i < 2 else styles.italic, widths, 17.5)
    rows.blank()
    assert rows.row + 1 == header_row
    return header_row


def _page_setup(sheet, header_row: int) -> None:
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.8, footer=0.35)
    sheet.print_options.horizontalCentered = True
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = FONT


def _signatures(rows: RowWriter, content, widths, styles: Styles) -> None:
    head = content.heading
    (l1, l2), (r1, r2) = _spans(widths)
    rows.blank()
    signer = head.signer_lines
    lines = [
        (head.preparer, signer[0], styles.heading),
        (head.preparer_hint, signer[1], styles.sign_hint),
    ]
    lines += [("", extra, styles.plain) for extra in signer[2:]]
    if head.preparer_name or head.signer_name:  # the names under the signatures' space
        names = (head.preparer_name, head.signer_name, styles.heading)
        lines += [("", "", styles.plain)] * 3 + [names]
    for left, right, left_style in lines:
        values = [None] * len(widths)
        values[l1 - 1], values[r1 - 1] = left, right
        cells = [styles.plain] * len(widths)
        cells[l1 - 1], cells[r1 - 1] = left_style, styles.heading
        rows.add(values, cells, 18, merge=[(l1, l2), (r1, r2)])


def _summary_sheet(sheet, content, styles: Styles) -> None:
    widths = summary_table.WIDTHS
    rows = RowWriter(sheet)
    titles = (*content.summary_title, content.heading.as_of_line)
    _header(sheet, rows, content, titles, widths, styles)
    rows.add(summary_table.HEADERS, [styles.th] * len(widths), 33)
    for item in content.summary:
        first, rest = styles.td_center, styles.td
        if item.is_group:
            first, rest = styles.group_center, styles.group
        cells = [first] + [rest] * (len(widths) - 1)
        height = max(_lines(str(v), w) for v, w in zip(item.cells, widths, strict=True))
        rows.add(item.cells, cells, height * LINE_HEIGHT + 2)
    _signatures(rows, content, widths, styles)
    rows.flush()


def _list_sheet(session, sheet, content, lst, styles: Styles, progress) -> None:
    widths = [c.width for c in lst.columns]
    cols = len(widths)
    rows = RowWriter(sheet)
    titles = (lst.appendix.upper(), lst.title, lst.indicator.name, _scope(content))
    _header(sheet, rows, content, titles, widths, styles)
    rows.add([c.header for c in lst.columns], [styles.th] * cols, 33)
    body = [styles.td_center if c.numeric else styles.td for c in lst.columns]
    for item in items(session, lst, progress):
        if isinstance(item, Entry):
            height = max(_lines(str(v), w) for v, w in zip(item.cells, widths, strict=True))
            rows.add(item.cells, body, height * LINE_HEIGHT + 2 if height > 1 else None)
        elif isinstance(item, Group):
            rows.add([item.label] + [None] * (cols - 1), [styles.group] * cols, merge=[(1, cols)])
        elif isinstance(item, Subtotal):
            _label_row(rows, item.label, item.display, styles.subtotal, cols)
    _label_row(rows, lst.total_label, lst.total_display, styles.total, cols)
    if lst.privacy_note:
        _label_row(rows, PRIVACY_LABEL, lst.privacy_note, styles.subtotal, cols)
    _signatures(rows, content, widths, styles)
    rows.flush()


def _label_row(rows: RowWriter, label: str, display: str, style: str, cols: int) -> None:
    """'Tổng cộng' over the first columns and the figure, exactly as displayed, over the rest."""
    split = min(3, cols - 1)
    values = [label] + [None] * (split - 1) + [display] + [None] * (cols - split - 1)
    rows.add(values, [style] * cols, merge=[(1, split), (split + 1, cols)])


def _scope(content) -> str:
    return f"{content.heading.scope} — {content.heading.as_of_line}"


def _letter(index: int) -> str:
    return get_column_letter(index + 1)
