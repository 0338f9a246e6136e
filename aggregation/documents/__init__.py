"""Evidence lists and report tables, print-ready: XLSX, PDF, CSV (zip), DOCX.

Pure functions of (session, request) that write to a path or a binary file object; the CLI
(`export-evidence`) and the pages (survey_app.exports) call the same code:

    request = ExportRequest(commune, "thanh-hoa-1829", 2023, village=None, complement=True)
    result = write(db.session, request, "bao-cao.xlsx", "xlsx", progress=lambda done, total: ...)
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aggregation.documents.content import ExportContent, ExportRequest, Heading, build
from aggregation.documents.errors import ExportError, ListChanged
from aggregation.documents.masking import mask_number

FORMATS = {
    "xlsx": "Bảng tính Excel (.xlsx)",
    "pdf": "PDF để in (.pdf)",
    "csv": "CSV (.csv, nhiều danh sách thì nén .zip)",
    "docx": "Dự thảo báo cáo Word (.docx)",
}
EXTENSIONS = {".xlsx": "xlsx", ".pdf": "pdf", ".csv": "csv", ".zip": "zip", ".docx": "docx"}
MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MIMETYPES",
    "ExportContent",
    "ExportError",
    "ExportRequest",
    "ExportResult",
    "Heading",
    "ListChanged",
    "build",
    "format_of",
    "mask_number",
    "write",
]


@dataclass(frozen=True)
class ExportResult:
    fmt: str  # what was written: xlsx, pdf, csv, zip or docx
    lists: int
    rows: int  # people and households over every list
    display: dict[str, str]  # list sheet name -> total line


def format_of(path) -> str:
    """The format a file name asks for ('xlsx', 'pdf', 'csv', 'zip', 'docx'); ExportError else."""
    suffix = Path(str(path)).suffix.lower()
    if suffix not in EXTENSIONS:
        known = ", ".join(EXTENSIONS)
        raise ExportError(f"không xuất được tệp {suffix or '(không đuôi)'}: dùng {known}")
    return EXTENSIONS[suffix]


def write(
    session,
    request: ExportRequest,
    out,
    fmt: str,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Build ``request`` and write it as ``fmt`` to ``out``; ``progress(done, total)`` as it goes.

    A ``csv`` request with several lists is written as a zip of CSV files (format 'zip').
    """
    content = build(session, request)
    total = max(content.total_rows, 1)
    done = 0

    def tick(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(min(done, total), total)

    written = _writer(fmt)(session, content, out, tick)
    if progress is not None:
        progress(total, total)
    display = {item.sheet_name: item.total_display for item in content.lists}
    return ExportResult(written or fmt, len(content.lists), content.total_rows, display)


def _writer(fmt: str):
    if fmt == "xlsx":
        from aggregation.documents.xlsx import write_xlsx

        return write_xlsx
    if fmt == "pdf":
        from aggregation.documents.pdf import write_pdf

        return write_pdf
    if fmt in ("csv", "zip"):
        from aggregation.documents.csv import write_csv, write_zip

        return write_zip if fmt == "zip" else write_csv
    if fmt == "docx":
        from aggregation.documents.docx import write_docx

        return write_docx
    raise ExportError(f"định dạng không hỗ trợ: {fmt}")
