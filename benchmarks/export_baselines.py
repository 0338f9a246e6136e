"""Baselines for benchmarks/export.py: the same lists written the usual openpyxl ways.

Both read the same rows (aggregation.documents build()/items()) and style every table cell like
the product does (border, wrapping, bold header), but skip the heading and signature blocks —
so they do slightly less work than the product:

- ``normal``: openpyxl's default mode, every cell kept in memory until ``save()``;
- ``write_only_cells``: openpyxl's write-only mode with a styled WriteOnlyCell per cell (what
  aggregation/documents/sheet_stream.py replaces with rows written as text).
"""

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side

from aggregation.documents import build
from aggregation.documents.lists import Entry, Group, Subtotal, items

THIN = Side(style="thin")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
BOLD = Font(name="Times New Roman", size=11, bold=True)
PLAIN = Font(name="Times New Roman", size=11)


def _table(content):
    """(sheet name, header, rows) of the summary and every list, rows as value tuples."""
    yield "Tổng hợp", None, [row.cells for row in content.summary]
    for lst in content.lists:
        yield lst.sheet_name, lst, None


def _rows(session, lst, progress, state):
    for item in items(session, lst):
        if isinstance(item, Entry):
            state["done"] += 1
            if state["done"] % 2000 == 0:
                progress(state["done"], state["total"])
            yield item.cells
        elif isinstance(item, Group):
            yield (item.label,)
        elif isinstance(item, Subtotal):
            yield (item.label, None, None, item.display)
    yield (lst.total_label, None, None, lst.total_display)


def normal(session, request, out, progress) -> int:
    content = build(session, request)
    state = {"done": 0, "total": content.total_rows}
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, lst, summary in _table(content):
        sheet = workbook.create_sheet(name)
        header = [c.header for c in lst.columns] if lst else ["TT", "Tên chỉ tiêu"]
        rows = summary if lst is None else _rows(session, lst, progress, state)
        for col, text in enumerate(header, 1):
            cell = sheet.cell(1, col, text)
            cell.font, cell.border = BOLD, GRID
        for r, values in enumerate(rows, 2):
            for col, value in enumerate(values, 1):
                cell = sheet.cell(r, col, value)
                cell.font, cell.border, cell.alignment = PLAIN, GRID, WRAP
    workbook.save(out)
    return state["done"]


def write_only_cells(session, request, out, progress) -> int:
    content = build(session, request)
    state = {"done": 0, "total": content.total_rows}
    workbook = Workbook(write_only=True)
    for name, lst, summary in _table(content):
        sheet = workbook.create_sheet(name)
        header = [c.header for c in lst.columns] if lst else ["TT", "Tên chỉ tiêu"]
        sheet.append([_cell(sheet, text, BOLD) for text in header])
        rows = summary if lst is None else _rows(session, lst, progress, state)
        for values in rows:
            sheet.append([_cell(sheet, value, PLAIN, WRAP) for value in values])
    workbook.save(out)
    return state["done"]


def _cell(sheet, value, font, alignment=None):
    cell = WriteOnlyCell(sheet, value)
    cell.font, cell.border = font, GRID
    if alignment is not None:
        cell.alignment = alignment
    return cell


def weasyprint_pdf(session, request, out, progress) -> int:
    """The PDF laid out as HTML by WeasyPrint, as the product made it until 2026-12-04."""
    from benchmarks.pdf_weasyprint import write_pdf

    content = build(session, request)
    done = {"n": 0}

    def tick(count: int) -> None:
        done["n"] += count
        if progress is not None:
            progress(done["n"], content.total_rows)

    with open(out, "wb") as handle:
        write_pdf(session, content, handle, tick)
    return content.total_rows


BASELINES = {
    "normal": normal,
    "write_only_cells": write_only_cells,
    "weasyprint_pdf": weasyprint_pdf,
}
