"""What one export holds: the request, the computed report, the heading, the summary, the lists.

Everything here is computed once from (session, request); the writers (xlsx, pdf, csv, docx)
only lay it out, so every format prints the same figures as the dashboards.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from aggregation.criteria import CriteriaError, get_criteria
from aggregation.documents.errors import ExportError
from aggregation.documents.lists import EvidenceList, evidence_lists
from aggregation.documents.summary import SummaryRow, summary_rows
from aggregation.engine import compute, load_settings
from aggregation.results import Report
from survey_app.places.models import Commune, Village
from survey_app.timeutil import vn_today


@dataclass(frozen=True)
class ExportRequest:
    """What to export: set, year (or as-of date), commune or one village, and options."""

    commune: Commune
    criteria_id: str
    year: int
    as_of: date | None = None
    village: Village | None = None
    codes: tuple[str, ...] = ()  # only these lists; empty = every household-data indicator
    complement: bool = False  # add "Danh sách chưa đạt / cần hỗ trợ" lists
    full_data: bool = False  # phone numbers unmasked (the caller audits this)
    issued_on: date | None = None  # the year printed in "..., ngày ... tháng ... năm ..."
    settings: object | None = None  # CommuneSettings override (tests, previews, frozen reports)
    # A frozen report (survey_app/frozen): the moment whose data it reads, and the staff-entered
    # results it was frozen with (by indicator code).
    data_at: datetime | None = None
    manual: dict | None = None


@dataclass(frozen=True)
class Heading:
    """The header and signature blocks every page set starts and ends with."""

    authority: str  # "UBND XÃ HOÀNG KIM"
    place_date: str  # "Hoàng Kim, ngày ..... tháng ..... năm 2024"
    scope: str  # "Xã Hoàng Kim, tỉnh Thanh Hóa" or "Thôn 1, xã Hoàng Kim, tỉnh Thanh Hóa"
    as_of_line: str  # "Số liệu đến ngày 31/12/2023"
    nation: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str = "Độc lập - Tự do - Hạnh phúc"
    preparer: str = "Người lập biểu"
    preparer_hint: str = "(Ký, ghi rõ họ tên)"
    signer_for: str = "TM. ỦY BAN NHÂN DÂN"
    signer: str = "CHỦ TỊCH"  # or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    parent: str = ""  # the authority above the commune, "UBND HUYỆN HOẰNG HÓA" (settings)
    number: str = "Số:        /BC-UBND"  # the report's number (settings), blank to fill by hand
    signer_name: str = ""  # printed under the signature space (settings)
    preparer_name: str = ""

    @property
    def left_lines(self) -> list[str]:
        """The left header block: the authority above (if set), the commune's, the number."""
        return [line for line in (self.parent, self.authority, self.number) if line]

    @property
    def signer_lines(self) -> list[str]:
        return [self.signer_for, *self.signer.split("\n")]


@dataclass
class ExportContent:
    request: ExportRequest
    report: Report
    heading: Heading
    summary: list[SummaryRow]
    lists: list[EvidenceList] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        """People and households over every list (for progress)."""
        return sum(item.count for item in self.lists)

    @property
    def summary_title(self) -> tuple[str, ...]:
        """Title lines of the PHỤ LỤC 01 table."""
        where = self.heading.scope.upper()
        return (
            "PHỤ LỤC 01",
            "CHI TIẾT TỰ ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN TIÊU CHÍ CHUYỂN ĐỔI SỐ",
            where,
            f"{self.report.criteria.name} — năm {self.report.year}",
        )


def build(session, request: ExportRequest) -> ExportContent:
    """Compute the report and describe the summary and every list of ``request``."""
    criteria = _criteria(request)
    if request.village is not None and request.village.commune_id != request.commune.id:
        raise ExportError(f"{request.village.name} không thuộc xã {request.commune.name}")
    report = compute(
        session, request.commune, criteria.id, request.year, request.as_of, request.settings,
        at=request.data_at, manual=request.manual,
    )  # fmt: skip
    codes = _codes(criteria, request.codes)
    heading = _heading(session, request, report)
    lists = evidence_lists(session, request, report, codes)
    appendices = {item.code: item.appendix for item in lists if item.which == "numerator"}
    village_id = request.village.id if request.village is not None else None
    summary = summary_rows(report, appendices, village_id)
    return ExportContent(request, report, heading, summary, lists)


def _criteria(request: ExportRequest):
    try:
        return get_criteria(request.criteria_id)
    except CriteriaError as exc:
        raise ExportError(str(exc)) from None


def _codes(criteria, wanted: tuple[str, ...]) -> list[str]:
    data = [ind.code for ind in criteria.indicators if not ind.is_manual]
    if not wanted:
        return data
    unknown = [code for code in wanted if code not in data]
    if unknown:
        raise ExportError(
            f"bộ {criteria.id} không có chỉ tiêu tính từ dữ liệu hộ: {', '.join(unknown)} "
            f"(có: {', '.join(data)})"
        )
    return [code for code in data if code in wanted]


def _heading(session, request: ExportRequest, report: Report) -> Heading:
    commune = request.commune
    issued = request.issued_on or vn_today()
    scope = f"Xã {commune.name}, tỉnh {commune.province.name}"
    if request.village is not None:  # named as it was at the report's date
        named = {v.id: v.name for v in report.villages}.get(request.village.id)
        name = named or request.village.name
        scope = f"{name}, xã {commune.name}, tỉnh {commune.province.name}"
    settings = request.settings or load_settings(session, [commune])[commune.id]
    number = (getattr(settings, "document_number", "") or "").strip()
    deputy = getattr(settings, "signer_title", "chu_tich") == "pho_chu_tich"
    return Heading(
        authority=f"UBND XÃ {commune.name.upper()}",
        place_date=f"{commune.name}, ngày ..... tháng ..... năm {issued.year}",
        scope=scope,
        as_of_line=f"Số liệu đến ngày {report.as_of:%d/%m/%Y}",
        parent=(getattr(settings, "parent_authority", "") or "").strip().upper(),
        number=f"Số: {number}" if number else Heading.number,
        signer="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" if deputy else "CHỦ TỊCH",
        signer_name=(getattr(settings, "signer_name", "") or "").strip(),
        preparer_name=(getattr(settings, "preparer_name", "") or "").strip(),
    )
