"""The PDF drawn straight onto pages (ReportLab's canvas): PHỤ LỤC 01, then every list.

A4 landscape, the commune's heading block and titles at the head of each section, a table whose
header row repeats on every page, thôn headings kept with their first row, the total and the
signatures at the end (never a signature block alone on a page), "Phụ lục 3.4 — Trang x/y" in
each page's footer. Text is set in a Times-compatible serif (fonts.py).

Why a canvas, not HTML: an HTML layout engine (WeasyPrint) measured ≈ 80 rows a second here and
~150 KB per row held until the end; this draws each row as it comes — the same lines, wrapped by
measuring the words — at several thousand rows a second, with memory flat: rows stream from the
database and each page is written out when it is full. The page count of a section, needed for
"Trang x/y", is known only at its end: the footer draws a named form that is filled in then.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from aggregation.documents import fonts
from aggregation.documents import summary as summary_table
from aggregation.documents.consent import PRIVACY_LABEL
from aggregation.documents.lists import Entry, Group, Subtotal, items

PAGE_W, PAGE_H = landscape(A4)
LEFT = RIGHT = 10 * mm
TOP, BOTTOM = 12 * mm, 14 * mm
WIDTH = PAGE_W - LEFT - RIGHT
SIZE, LEADING = 10, 12.2  # body text, points
PAD_X, PAD_Y = 1.4 * mm, 1.0 * mm
HEAD_FILL, GROUP_FILL, TOTAL_FILL = (0.85, 0.886, 0.953), (0.933, 0.949, 0.969), (1, 0.949, 0.8)
SIGNATURE_HEIGHT = 48 * mm  # titles, the space to sign, the names
# The printed page is narrower than a spreadsheet: the address gets the room (one line a row
# where it fits), the short columns less. Others keep their spreadsheet width.
PDF_WIDTHS = {"Thôn": 12, "Chủ hộ / Địa chỉ": 56, "Nguồn": 16, "Giới tính": 7, "Năm sinh": 7}


@dataclass
class Row:
    """One table row to draw: its cells (text), how it looks, and which cells it spans."""

    cells: list[str]
    kind: str = "entry"  # entry, band (a shaded row of cells), group, sub, total, note
    numeric: tuple[bool, ...] = ()


class _Section:
    """One titled table drawn over as many pages as it needs."""

    def __init__(self, canvas: Canvas, heading, titles, columns, label: str, form: str):
        self.c, self.heading, self.titles, self.label, self.form = (
            canvas, heading, titles, label, form,
        )  # fmt: skip
        total = sum(width for _, width in columns)
        self.widths = [WIDTH * width / total for _, width in columns]
        self.headers = [name for name, _ in columns]
        self.pages, self.y = 0, 0.0

    # ---- pages -------------------------------------------------------------------------------

    def start(self) -> None:
        self._new_page(first=True)

    def _new_page(self, first: bool = False) -> None:
        if self.pages:
            self.c.showPage()
        self.pages += 1
        self._footer()
        self.y = PAGE_H - TOP
        if first:
            self._heading_block()
        self._header_row()

    def _footer(self) -> None:
        c = self.c
        c.setFont(fonts.REGULAR, 9)
        text = f"{self.label} — Trang {self.pages}/"
        width = stringWidth(text, fonts.REGULAR, 9)
        x = (PAGE_W - width - 12) / 2
        c.drawString(x, BOTTOM / 2, text)
        c.saveState()
        c.translate(x + width, BOTTOM / 2)
        c.doForm(self.form)  # the page count, drawn when the section ends
        c.restoreState()

    def finish(self) -> None:
        """Write the section's page count into the form every footer shows."""
        c = self.c
        c.beginForm(self.form)
        c.setFont(fonts.REGULAR, 9)
        c.drawString(0, 0, str(self.pages))
        c.endForm()

    # ---- the heading block and titles ----------------------------------------------------------

    def _heading_block(self) -> None:
        c, head = self.c, self.heading
        left_w = WIDTH * 0.38
        right_x, right_w = LEFT + left_w, WIDTH - left_w
        y = self.y - SIZE
        left = [(line, fonts.BOLD if line == head.authority else fonts.REGULAR)
                for line in head.left_lines]  # fmt: skip
        right = [(head.nation, fonts.BOLD), (head.motto, fonts.BOLD),
                 (head.place_date, fonts.ITALIC)]  # fmt: skip
        for i in range(max(len(left), len(right))):
            if i < len(left):
                _centre(c, left[i][0], left[i][1], SIZE, LEFT, left_w, y)
            if i < len(right):
                text, font = right[i]
                _centre(c, text, font, SIZE, right_x, right_w, y - (2 if i == 2 else 0))
                if i == 1:  # the motto is underlined
                    width = stringWidth(text, font, SIZE)
                    x = right_x + (right_w - width) / 2
                    c.setLineWidth(0.6)
                    c.line(x, y - 2, x + width, y - 2)
            y -= LEADING
        y -= 3 * mm
        for i, title in enumerate(self.titles):
            font, size = (fonts.BOLD, 11) if i < 2 else (fonts.ITALIC, SIZE)
            for line in _wrap(title, font, size, WIDTH - 24 * mm):
                _centre(c, line, font, size, LEFT, WIDTH, y)
                y -= size * 1.25
        self.y = y - 2 * mm

    # ---- table rows ----------------------------------------------------------------------------

    def _header_row(self) -> None:
        lines = [
            _wrap(h, fonts.BOLD, SIZE, w - 2 * PAD_X)
            for h, w in zip(self.headers, self.widths, strict=True)
        ]
        height = max(len(cell) for cell in lines) * LEADING + 2 * PAD_Y
        self._cells(lines, height, fonts.BOLD, HEAD_FILL, centre=[True] * len(lines))

    def room(self) -> float:
        return self.y - BOTTOM

    def measure(self, row: Row) -> tuple[list[list[str]], list[float], float]:
        """The row's lines per (spanned) cell, the cells' widths, and its height."""
        font = fonts.BOLD if row.kind in ("band", "group", "total", "sub") else fonts.REGULAR
        widths = self._spans(row)
        lines = [
            _wrap(text, font, SIZE, w - 2 * PAD_X)
            for text, w in zip(row.cells, widths, strict=True)
        ]
        return lines, widths, max(len(cell) for cell in lines) * LEADING + 2 * PAD_Y

    def _spans(self, row: Row) -> list[float]:
        if row.kind == "group":
            return [WIDTH]
        if row.kind in ("sub", "total", "note"):
            split = min(3, len(self.widths) - 1)
            return [sum(self.widths[:split]), sum(self.widths[split:])]
        return self.widths

    def draw(self, row: Row, keep_with_next: float = 0.0) -> None:
        """Draw a row, first moving to a new page if it (and ``keep_with_next``) does not fit."""
        lines, widths, height = self.measure(row)
        if height + keep_with_next > self.room() and self.y < PAGE_H - TOP - 40 * mm:
            self._new_page()
        fill = {"band": GROUP_FILL, "group": GROUP_FILL, "total": TOTAL_FILL}.get(row.kind)
        font = fonts.BOLD if row.kind in ("band", "group", "total") else fonts.REGULAR
        if row.kind == "sub":
            font = fonts.BOLD_ITALIC
        centre = list(row.numeric) if row.kind == "entry" and row.numeric else [False] * len(lines)
        self._cells(lines, height, font, fill, centre, widths)

    def _cells(self, lines, height, font, fill, centre, widths=None) -> None:
        c, widths = self.c, widths or self.widths
        x, top = LEFT, self.y
        if fill:
            c.setFillColorRGB(*fill)
            c.rect(LEFT, top - height, sum(widths), height, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
        c.setLineWidth(0.6)
        c.setFont(font, SIZE)
        for cell, width, middle in zip(lines, widths, centre, strict=True):
            c.rect(x, top - height, width, height, stroke=1, fill=0)
            y = top - PAD_Y - SIZE * 0.88
            for line in cell:
                if middle:
                    c.drawCentredString(x + width / 2, y, line)
                else:
                    c.drawString(x + PAD_X, y, line)
                y -= LEADING
            x += width
        self.y = top - height

    # ---- signatures ----------------------------------------------------------------------------

    def signatures(self) -> None:
        if self.room() < SIGNATURE_HEIGHT:
            self._new_page()
        c, head = self.c, self.heading
        half = WIDTH / 2
        y = self.y - 6 * mm - SIZE
        left = [(head.preparer, fonts.BOLD), (head.preparer_hint, fonts.ITALIC)]
        right = [(line, fonts.BOLD) for line in head.signer_lines]
        for i in range(max(len(left), len(right))):
            if i < len(left):
                _centre(c, left[i][0], left[i][1], SIZE, LEFT, half, y - i * LEADING)
            if i < len(right):
                _centre(c, right[i][0], right[i][1], SIZE, LEFT + half, half, y - i * LEADING)
        names_y = y - max(len(left), len(right)) * LEADING - 22 * mm
        _centre(c, head.preparer_name, fonts.BOLD, SIZE, LEFT, half, names_y)
        _centre(c, head.signer_name, fonts.BOLD, SIZE, LEFT + half, half, names_y)
        self.y = names_y - LEADING


def _centre(c: Canvas, text: str, font: str, size: float, x: float, width: float, y: float):
    if text:
        c.setFont(font, size)
        c.drawCentredString(x + width / 2, y, text)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (a word longer than a line is cut)."""
    text = str(text or "")
    if stringWidth(text, font, size) <= width:
        return [text]
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if stringWidth(trial, font, size) <= width:
            line = trial
            continue
        if line:
            lines.append(line)
        while stringWidth(word, font, size) > width:  # a very long word: cut it
            cut = max(1, int(len(word) * width / stringWidth(word, font, size)))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    lines.append(line)
    return lines or [""]


# ---- the document ---------------------------------------------------------------------------


def write_pdf(session, content, out, tick) -> None:
    """Write PHỤ LỤC 01 and every list of ``content`` as one PDF to ``out``."""
    head = content.heading
    fonts.register()
    target = str(out) if isinstance(out, PurePath) else out
    c = Canvas(
        target, pagesize=(PAGE_W, PAGE_H), pageCompression=1, invariant=1,
        initialFontName=fonts.REGULAR, initialFontSize=SIZE,
    )  # fmt: skip
    c.setTitle(" — ".join(content.summary_title[:2]))
    c.setAuthor(head.authority)
    c.setCreator("Khảo sát chuyển đổi số")
    columns = list(zip(summary_table.HEADERS, summary_table.WIDTHS, strict=True))
    summary = (Row(list(row.cells), "band" if row.is_group else "entry") for row in content.summary)
    titles = (*content.summary_title, head.as_of_line)
    _section(c, head, titles, columns, summary, "Phụ lục 01", "pages0", None)
    for index, lst in enumerate(content.lists, start=1):
        c.showPage()
        titles = (lst.appendix.upper(), lst.title, lst.indicator.name, _scope(content))
        columns = [(col.header, PDF_WIDTHS.get(col.header, col.width)) for col in lst.columns]
        rows = _list_rows(session, lst)
        _section(c, head, titles, columns, rows, lst.label, f"pages{index}", tick)
    c.save()


def _scope(content) -> str:
    return f"{content.heading.scope} — {content.heading.as_of_line}"


def _list_rows(session, lst) -> Iterator[Row]:
    numeric = tuple(col.numeric for col in lst.columns)
    for item in items(session, lst):
        if isinstance(item, Entry):
            yield Row([str(v) for v in item.cells], "entry", numeric)
        elif isinstance(item, Group):
            yield Row([item.label], "group")
        elif isinstance(item, Subtotal):
            yield Row([item.label, item.display], "sub")
    yield Row([lst.total_label, lst.total_display], "total")
    if lst.privacy_note:
        yield Row([PRIVACY_LABEL, lst.privacy_note], "note")


def _section(c: Canvas, head, titles, columns, rows: Iterable[Row], label, form, tick) -> None:
    section = _Section(c, head, titles, columns, label, form)
    section.start()
    pending: Row | None = None
    done = 0
    for row in rows:
        if pending is not None:
            # a thôn heading stays with its first row: it moves to the next page with it
            keep = section.measure(row)[2] if pending.kind == "group" else 0.0
            section.draw(pending, keep_with_next=keep)
            if tick is not None and pending.kind == "entry":
                done += 1
                if done % 500 == 0:
                    tick(500)
        pending = row
    if pending is not None:
        # the last row goes over with the signatures rather than leave them alone on a page
        section.draw(pending, keep_with_next=SIGNATURE_HEIGHT if pending.kind != "entry" else 0)
    if tick is not None and done % 500:
        tick(done % 500)
    section.signatures()
    section.finish()
