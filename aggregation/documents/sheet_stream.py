"""An openpyxl write-only worksheet whose rows are written as ready-made XML text.

Why: openpyxl's write-only path costs ~25 µs per styled cell on our servers (a WriteOnlyCell, a
style lookup and several lxml calls each), and a commune's full workbook has ~200.000 cells, so
the workbook took ~7 s. Rows serialised here as text with precomputed style ids take a fraction
of that (docs/benchmarks.md). Everything else — columns, frozen panes, merged cells, print
settings, styles and the workbook parts — is still written by openpyxl.

This relies on two small openpyxl internals, stable since 2.6: ``WorksheetWriter.get_stream`` (a
generator fed elements, and ``True`` to hand out the stream around sheetData) and
``WriteOnlyWorksheet._get_writer`` / ``_write_rows``. tests/exports read every file back.
"""

from contextlib import contextmanager
from numbers import Number
from xml.sax.saxutils import escape

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

FLUSH_ROWS = 500
LETTERS = [get_column_letter(i) for i in range(1, 65)]


class _RawStream:
    """The one thing row writing needs from the XML stream: raw text inside <sheetData>."""

    def __init__(self, fh):
        self._fh = fh

    @contextmanager
    def element(self, tag: str, *args, **kwargs):
        self._fh.write(f"<{tag}>".encode())
        yield
        self._fh.write(f"</{tag}>".encode())

    def write_raw(self, text: str) -> None:
        self._fh.write(text.encode("utf-8"))


class _TextWriter(WorksheetWriter):
    """openpyxl's sheet writer on a plain file, so rows can go in as text."""

    def get_stream(self):
        with open(self.out, "wb") as fh:
            fh.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
            fh.write(f'<worksheet xmlns="{SHEET_MAIN_NS}">'.encode())
            stream = _RawStream(fh)
            try:
                while True:
                    element = yield
                    if element is True:
                        yield stream
                    elif element is not None:
                        fh.write(tostring(element))
            except GeneratorExit:
                pass
            fh.write(b"</worksheet>")


class StreamSheet(WriteOnlyWorksheet):
    """A write-only sheet fed with XML text of whole rows (see RowWriter)."""

    def _get_writer(self):
        if self._writer is None:
            self._writer = _TextWriter(self)
            self._writer.write_top()

    def _write_rows(self):
        stream = self._writer.xf.send(True)
        with stream.element("sheetData"):
            try:
                while True:
                    stream.write_raw((yield))
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def send_text(self, text: str) -> None:
        """Append the XML text of one or more rows."""
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(text)


def add_sheet(workbook, title: str) -> StreamSheet:
    """A new StreamSheet at the end of a write-only workbook."""
    sheet = StreamSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet


def style_id(sheet, **style) -> str:
    """The workbook's cell-format id for font/border/fill/alignment/number_format."""
    cell = WriteOnlyCell(sheet)
    for name, value in style.items():
        setattr(cell, name, value)
    return str(cell.style_id)


def _cell(ref: str, value, style: str) -> str:
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, Number) and not isinstance(value, bool):
        return f'<c r="{ref}" s="{style}"><v>{value}</v></c>'
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


class RowWriter:
    """Buffers rows as XML text and sends them to a StreamSheet every FLUSH_ROWS rows."""

    def __init__(self, sheet: StreamSheet):
        self.sheet = sheet
        self.row = 0  # index of the last row written
        self._buffer: list[str] = []

    def add(self, values, styles, height: float | None = None, merge=()) -> int:
        """Write one row; ``merge`` holds (first, last) 1-based column spans. Returns its index."""
        self.row += 1
        r = self.row
        cells = "".join(
            _cell(f"{LETTERS[i]}{r}", value, style)
            for i, (value, style) in enumerate(zip(values, styles, strict=True))
        )
        size = f' ht="{height}" customHeight="1"' if height else ""
        self._buffer.append(f'<row r="{r}"{size}>{cells}</row>')
        for first, last in merge:
            self.sheet.merged_cells.add(f"{LETTERS[first - 1]}{r}:{LETTERS[last - 1]}{r}")
        if len(self._buffer) >= FLUSH_ROWS:
            self.flush()
        return r

    def blank(self) -> int:
        """An empty row (spacing)."""
        return self.add((), ())

    def flush(self) -> None:
        if self._buffer:
            self.sheet.send_text("".join(self._buffer))
            self._buffer.clear()
