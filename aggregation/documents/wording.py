"""Report sentences in the wording communes already use (seed 004, xã Hoàng Kim 2023):

"Theo kết quả khảo sát do UBND xã triển khai thực hiện, trên địa bàn xã có 3.323/3.501 người
đạt 94,92% (Chi tiết phụ lục 3.4 kèm theo). Đánh giá chỉ tiêu: đạt."
"""

from aggregation import numbers

SURVEY = "Theo kết quả khảo sát do UBND xã triển khai thực hiện"
PLACE_WORDS = ("thôn", "tổ", "bản", "làng", "xóm", "khu", "ấp", "buôn", "phum", "sóc")


def place(village_name: str | None) -> str:
    """'xã' for the commune; the thôn's name (with 'thôn' added when it has no such word)."""
    if not village_name:
        return "xã"
    first = village_name.split()[0].lower() if village_name.split() else ""
    return village_name if first in PLACE_WORDS else f"thôn {village_name}"


def evaluation_clause(passed: bool | None) -> str:
    """'Đánh giá chỉ tiêu: đạt.' / 'không đạt.' / not judged yet."""
    if passed is None:
        return "Đánh giá chỉ tiêu: chưa đủ dữ liệu để đánh giá."
    return f"Đánh giá chỉ tiêu: {'đạt' if passed else 'không đạt'}."


def data_sentence(ratio, unit: str, code: str, village_name: str | None = None) -> str:
    """The paragraph for a household-data indicator, figures as the dashboard shows them."""
    where = place(village_name)
    if not ratio.denominator:
        return f"{SURVEY}, trên địa bàn {where} chưa có dữ liệu cho chỉ tiêu này. " + (
            evaluation_clause(None)
        )
    fraction = f"{numbers.format_int(ratio.numerator)}/{numbers.format_int(ratio.denominator)}"
    percent = numbers.format_percent(ratio.percent)
    return (
        f"{SURVEY}, trên địa bàn {where} có {fraction} {unit} đạt {percent} "
        f"(Chi tiết phụ lục {code} kèm theo). {evaluation_clause(ratio.passed)}"
    )


def unknown_sentence(unknown: int | None, unit: str) -> str:
    """A note on data gaps, or '' when every answer is known."""
    if not unknown:
        return ""
    return (
        f"Ghi chú: còn {numbers.format_int(unknown)} {unit} chưa có thông tin về chỉ tiêu này "
        "(vẫn tính vào tổng số, chưa tính là đạt)."
    )


def manual_sentence(item) -> str:
    """The paragraph for a manual indicator: what staff entered, or a reminder to enter it."""
    entry = item.manual
    if entry is None:
        return "Kết quả: (chưa nhập). " + evaluation_clause(None)
    text = entry.result_text or item.display
    note = f" {entry.evidence_note.strip()}" if entry.evidence_note.strip() else ""
    return f"Kết quả: {text}.{note} {evaluation_clause(item.passed)}"


def requirement_sentence(item) -> str:
    """'- Yêu cầu: <tên chỉ tiêu> ≥ 65%' as the reports open each indicator."""
    target = f" {item.target_display}" if item.target_display else ""
    own = " (chỉ tiêu do xã đặt)" if item.target and item.target_overridden else ""
    return f"- Yêu cầu: {item.indicator.name}{target}{own}."
