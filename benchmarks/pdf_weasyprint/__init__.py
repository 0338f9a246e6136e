"""Baseline for benchmarks/export.py: the evidence PDF as the product made it until 2026-12-04,
laid out as HTML by WeasyPrint (the product now draws it with ReportLab:
aggregation/documents/pdf.py).

PHỤ LỤC 01, then every list, A4 landscape, header row repeated on each page.

WeasyPrint needs ~15 ms and ~150 KB of memory per table row, so a 6.000-person list laid out
at once would take ~900 MB. Rows are therefore laid out in chunks: each chunk is rendered, its
last (partly filled) page is dropped and its rows carried into the next chunk, so every page but
a section's last is full and memory stays bounded. Pages are joined with pypdf, and each section
is stamped with "Phụ lục 3.4 — Trang x/y" once its page count is known: a set of blank pages as
long as the section, numbered with CSS page counters in the @page footer box, merged onto it.
"""

from io import BytesIO

from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from aggregation.documents.consent import PRIVACY_LABEL
from aggregation.documents.lists import Entry, items
from benchmarks.pdf_weasyprint import page_html as pdf_html

CHUNK_ROWS = 300
ORPHANS = 3  # rows that go with the signatures rather than leave them alone on a page


class _Book:
    """The PDF being assembled, page by page."""

    def __init__(self, title: str):
        self.writer = PdfWriter()
        self.writer.add_metadata({"/Title": title, "/Creator": "Khảo sát chuyển đổi số"})

    @property
    def pages(self) -> int:
        return len(self.writer.pages)

    def add(self, pdf: bytes) -> None:
        for page in PdfReader(BytesIO(pdf)).pages:
            self.writer.add_page(page)

    def number(self, start: int, label: str) -> None:
        """Stamp 'label — Trang x/y' on the pages of the section that began at ``start``."""
        count = self.pages - start
        footers = HTML(string=pdf_html.footers(count, label)).write_pdf()
        for i, footer in enumerate(PdfReader(BytesIO(footers)).pages):
            page = self.writer.pages[start + i]
            page.merge_page(footer)
            page.compress_content_streams()  # merging leaves the content uncompressed in memory


def write_pdf(session, content, out, tick) -> None:
    """Write the summary table and every list of ``content`` as one PDF to ``out``."""
    head = content.heading
    book = _Book(" — ".join(content.summary_title[:2]))
    summary_head = pdf_html.heading(head, (*content.summary_title, head.as_of_line))
    rows = ((row, False) for row in pdf_html.summary_rows(content.summary))
    _section(book, summary_head, pdf_html.SUMMARY_COLUMNS, rows, head, "Phụ lục 01", None)
    for lst in content.lists:
        titles = (lst.appendix.upper(), lst.title, lst.indicator.name, _scope(content))
        columns = [(c.header, c.width) for c in lst.columns]
        list_rows = _list_rows(session, lst)
        _section(book, pdf_html.heading(head, titles), columns, list_rows, head, lst.label, tick)
    book.writer.write(out)


def _scope(content) -> str:
    return f"{content.heading.scope} — {content.heading.as_of_line}"


def _list_rows(session, lst):
    """(html, is_entry) per row of the list, then its total line."""
    numeric = tuple(c.numeric for c in lst.columns)
    index = 0
    for index, item in enumerate(items(session, lst), start=1):
        yield pdf_html.item_row(index, item, numeric), isinstance(item, Entry)
    total = pdf_html.label_row(index + 1, lst.total_label, lst.total_display, len(numeric), "total")
    yield total, False
    if lst.privacy_note:
        note = pdf_html.label_row(index + 2, PRIVACY_LABEL, lst.privacy_note, len(numeric), "")
        yield note, False


def _section(book: _Book, head_html: str, columns, rows, head, label: str, tick) -> None:
    """Lay out one titled table in chunks of whole pages, then number its pages."""
    start = book.pages
    pending: list[tuple[str, bool]] = []
    first, exhausted = True, False
    while True:
        while len(pending) < CHUNK_ROWS and not exhausted:
            row = next(rows, None)
            exhausted = row is None
            if row is not None:
                pending.append(row)
        chunk = _Chunk(head_html if first else "", columns, head)
        keep = chunk.lay_out(pending, exhausted)
        book.add(chunk.pdf())
        if tick is not None:
            tick(sum(1 for _, is_entry in pending[:keep] if is_entry))
        pending, first = pending[keep:], False
        if exhausted and not pending:
            break
    book.number(start, label)


class _Chunk:
    """Some rows of a section laid out as whole pages."""

    def __init__(self, head_html: str, columns, head):
        self.head_html, self.columns, self.head = head_html, columns, head
        self.pages = []
        self.document = None

    def render(self, rows, final: bool):
        rows_html = [html for html, _ in rows]
        if final:
            rows_html.append(pdf_html.signatures(self.head, len(self.columns)))
        body = self.head_html + pdf_html.table(self.columns, rows_html)
        self.document = HTML(string=pdf_html.document(body)).render()
        self.pages = self.document.pages
        return self.pages

    def lay_out(self, rows, final: bool) -> int:
        """Render ``rows``; return how many were printed (the rest go to the next chunk).

        Not final: the last, partly filled page is dropped and its rows carried over. Final:
        when no person or household would be on the last page (only totals and signatures),
        the last rows go with them.
        """
        pages = self.render(rows, final)
        ids = [_row_id(html) for html, _ in rows]
        on_last = pages[-1].anchors
        first_on_last = next((i for i, row_id in enumerate(ids) if row_id in on_last), len(ids))
        if not final and len(pages) > 1 and first_on_last > 0:
            self.pages = pages[:-1]
            return first_on_last
        entries_on_last = any(
            entry for (_, entry), i in zip(rows, ids, strict=True) if i in on_last
        )
        if final and len(pages) > 1 and not entries_on_last and len(rows) > ORPHANS:
            self.render(rows[:-ORPHANS], final=False)
            return len(rows) - ORPHANS
        return len(rows)

    def pdf(self) -> bytes:
        return self.document.copy(self.pages).write_pdf()


def _row_id(html: str) -> str:
    """'r17' from '<tr id="r17" ...>'."""
    return html[8 : html.index('"', 8)]
