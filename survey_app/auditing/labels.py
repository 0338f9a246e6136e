"""Vietnamese words for audit actions and objects, and a one-line summary of a row's details.

ACTION_LABELS is the one place to name an action: add a line when a service records a new
one. An action missing here is shown as its code, so a new row is never hidden or mislabelled.
"""

from typing import Any

from survey_app.accounts.models import ROLE_LABELS

ACTION_LABELS = {
    # sign-in and devices
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai",
    "logout": "Đăng xuất",
    "device_sign_out": "Đăng xuất thiết bị",
    "sessions_end_all": "Đăng xuất trên mọi thiết bị",
    "signin_qr_issue": "Cấp mã QR đăng nhập",
    "signin_qr_use": "Đăng nhập bằng mã QR",
    "signin_qr_revoke": "Thu hồi mã QR đăng nhập",
    # people and places
    "create": "Tạo mới",
    "update": "Sửa",
    "delete": "Xóa",
    "rename": "Đổi tên",
    "merge": "Gộp thôn",
    "deactivate": "Khóa / ngừng",
    "reactivate": "Mở lại",
    "reset_password": "Đặt lại mật khẩu",
    # data in and out
    "import": "Nhập dữ liệu",
    "export": "Xuất danh sách",
    "backup": "Sao lưu",
    "restore": "Khôi phục dữ liệu",
    "restore_value": "Khôi phục giá trị cũ",
    "backup_download": "Tải tệp sao lưu của xã",
    "undo": "Hoàn tác",
    "board_on": "Bật bảng tin công khai",
    "board_off": "Tắt bảng tin công khai",
    "remove": "Xóa khỏi số liệu (giữ lịch sử)",
    "restore_removed": "Khôi phục (đã xóa)",
    "merge_people": "Gộp người trùng",
    "not_duplicate": "Ghi không trùng",
    "report_freeze": "Chốt số liệu báo cáo",
    "round_open": "Mở đợt khảo sát",
    "round_close": "Kết thúc đợt khảo sát",
    "village_signoff": "Trưởng thôn xác nhận đợt khảo sát",
    "village_reopen": "Mở lại thôn trong đợt khảo sát",
    "person_data_export": "Xuất dữ liệu một người",
    "anonymise": "Ẩn danh dữ liệu hết hạn",
    # survey work
    "visit": "Ghi kết quả đến hộ",
    "sync_conflict": "Xung đột đồng bộ",
    "plate_issue": "Cấp biển số nhà",
    "plates_issue": "Cấp biển số nhà (cả thôn)",
    "plate_revoke": "Thu hồi biển số nhà",
    "plate_renew": "Cấp lại biển số nhà",
    "add_attendees": "Thêm người dự lớp",
    "remove_attendee": "Bỏ người khỏi lớp",
    "generate_demo": "Tạo dữ liệu mẫu",
}

OBJECT_LABELS = {
    "province": "Tỉnh",
    "commune": "Xã",
    "commune_settings": "Cài đặt xã",
    "commune_target": "Chỉ tiêu của xã",
    "manual_indicator": "Chỉ tiêu nhập tay",
    "village": "Thôn",
    "household": "Hộ",
    "person": "Nhân khẩu",
    "user": "Người dùng",
    "help_record": "Hỗ trợ",
    "training_class": "Lớp tập huấn",
    "device": "Thiết bị",
    "operation": "Thao tác (nhập, gộp)",
}

# Detail keys worth a word on the page, in this order; the CSV carries every detail.
SHOWN = {
    "username": "tài khoản",
    "name": "tên",
    "file": "tệp",
    "format": "định dạng",
    "scope": "phạm vi",
    "into_name": "vào",
    "reason": "lý do",
    "people": "số người",
    "households": "số hộ",
}


def action_label(code: str) -> str:
    """The Vietnamese word for ``code``, or the code itself when nobody named it yet."""
    return ACTION_LABELS.get(code, code)


def object_label(code: str) -> str:
    """The Vietnamese word for an object type, or the type itself."""
    return OBJECT_LABELS.get(code, code)


def summary(action: str, details: dict[str, Any]) -> str:
    """A short line of what matters in ``details``: roles, villages, full data, names."""
    details = details or {}
    parts = [_change(details, "role", "vai trò"), _change(details, "villages", "thôn")]
    if action == "export":
        parts.append("ĐẦY ĐỦ số điện thoại" if details.get("full_data") else "số điện thoại che")
    for key, word in SHOWN.items():
        value = details.get(key)
        if value not in (None, "", []):
            parts.append(f"{word}: {_short(value)}")
    return "; ".join(p for p in parts if p)


def _change(details: dict, key: str, word: str) -> str:
    old, new = (details.get("old") or {}), (details.get("new") or {})
    if key not in new:
        return ""
    before, after = old.get(key), new[key]
    if key == "role":  # in words, as the users page shows them
        before, after = ROLE_LABELS.get(str(before), before), ROLE_LABELS.get(str(after), after)
    return f"{word}: {_short(before)} → {_short(after)}"


def _short(value) -> str:
    if isinstance(value, list):
        return f"{len(value)}" if len(value) > 3 else ", ".join(map(str, value)) or "—"
    return "—" if value in (None, "") else str(value)[:80]
