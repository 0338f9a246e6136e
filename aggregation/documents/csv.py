"""CSV: one file per list, UTF-8 with a BOM so Excel opens Vietnamese text right; zipped when
there are several (with the summary table as ``tong-hop.csv``).

Rows are plain data — thôn is a column, so no group rows — ending with the total line. Every
cell goes through ``spreadsheet_safe``: names and addresses come from volunteers and imported
files, and a spreadsheet opening the CSV would run "=HYPERLINK(...)" as a formula.
"""

import codecs
import csv
import io
import zipfile

from aggregation.documents import summary as summary_table
from aggregation.documents.consent import PRIVACY_LABEL
from aggregation.documents.lists import Entry, items

BOM = codecs.BOM_UTF8
# What makes Excel or LibreOffice read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell starting like a formula gets a leading ' so it stays text; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every row passes through spreadsheet_safe: the only way rows are written."""

    def __init__(self, text):
        self._writer = csv.writer(text)

    def writerow(self, cells) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in cells])

    def writerows(self, rows) -> None:
        for cells in rows:
            self.writerow(cells)


def write_csv(session, content, out, tick) -> str:
    """One list as a .csv; several lists as a zip of CSVs (returns 'csv' or 'zip')."""
    if len(content.lists) != 1:
        write_zip(session, content, out, tick)
        return "zip"
    with _binary(out) as stream:
        _write_list(session, content.lists[0], stream, tick)
    return "csv"


def write_zip(session, content, out, tick) -> str:
    """tong-hop.csv and one CSV per list, in a zip."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("tong-hop.csv", "w") as stream:
            _write_summary(content, stream)
        for lst in content.lists:
            with archive.open(file_name(lst), "w") as stream:
                _write_list(session, lst, stream, tick)
    return "zip"


def file_name(lst) -> str:
    """'phu-luc-3.4.csv' / 'phu-luc-3.4-chua-dat.csv'."""
    suffix = "-chua-dat" if lst.which == "complement" else ""
    return f"phu-luc-{lst.code}{suffix}.csv"


class _binary:
    """A binary stream for ``out`` (a path or a file object we leave open)."""

    def __init__(self, out):
        self.out, self.opened = out, None

    def __enter__(self):
        if hasattr(self.out, "write"):
            return self.out
        self.opened = open(self.out, "wb")  # noqa: SIM115 (closed in __exit__)
        return self.opened

    def __exit__(self, *exc):
        if self.opened is not None:
            self.opened.close()


def _text(stream):
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    stream.write(BOM)
    return text, SafeWriter(text)


def _write_summary(content, stream) -> None:
    text, writer = _text(stream)
    writer.writerow(summary_table.HEADERS)
    writer.writerows(row.cells for row in content.summary)
    text.detach()


def _write_list(session, lst, stream, tick) -> None:
    text, writer = _text(stream)
    writer.writerow([c.header for c in lst.columns])
    for item in items(session, lst, tick):
        if isinstance(item, Entry):
            writer.writerow(item.cells)
    blanks = [""] * (len(lst.columns) - 2)
    writer.writerow([lst.total_label, lst.total_display, *blanks])
    if lst.privacy_note:
        writer.writerow([PRIVACY_LABEL, lst.privacy_note, *blanks])
    text.detach()
