"""The survey's vocabulary: item keys, Vietnamese labels and allowed values (docs/domain.md)."""

# Per-person yes/no items. Stored as nullable booleans: None means "chưa hỏi" (not asked yet),
# which is never the same as False ("Không").
PERSON_YESNO = {
    "dt_thong_minh": "Điện thoại thông minh",
    "ptt_an_toan": "Phần mềm an toàn thông tin",
    "tk_thanh_toan": "Tài khoản thanh toán",
    "chu_ky_so": "Chữ ký số / chữ ký điện tử",
    "ky_nang_so": "Được tập huấn kỹ năng số",
    "dvc_truc_tuyen": "Dùng dịch vụ công trực tuyến",
    "ho_so_suc_khoe": "Hồ sơ sức khỏe điện tử",
    "kham_tu_xa": "Khám chữa bệnh từ xa",
}

# Per-household yes/no items.
HOUSEHOLD_YESNO = {
    "cap_quang": "Internet cáp quang",
    "dien_khong_tien_mat": "Trả tiền điện không dùng tiền mặt",
    "dia_chi_so": "Có mã địa chỉ số",
    "ho_kinh_doanh": "Hộ sản xuất, kinh doanh",
    "kd_thanh_toan_dt": "Kinh doanh chấp nhận thanh toán điện tử",
    "kd_san_tmdt": "Bán hàng trên sàn thương mại điện tử",
}
# Items that only make sense for a business household.
BUSINESS_ONLY = ("kd_thanh_toan_dt", "kd_san_tmdt")

VNEID = {
    "khong": "Không có",
    "chua_kich_hoat": "Đã đăng ký, chưa kích hoạt",
    "muc_1": "Mức 1",
    "muc_2": "Mức 2",
}

CU_TRU = {
    "co_mat": "Có mặt",
    "tam_vang": "Tạm vắng",
    "da_chuyen_di": "Đã chuyển đi",
    "da_mat": "Đã mất",
}

GIOI_TINH = {"nam": "Nam", "nu": "Nữ"}

QUAN_HE = (
    "Chủ hộ",
    "Vợ",
    "Chồng",
    "Con",
    "Con dâu",
    "Con rể",
    "Cháu",
    "Bố",
    "Mẹ",
    "Ông",
    "Bà",
    "Anh",
    "Chị",
    "Em",
    "Khác",
)


def sql_in(values) -> str:
    """Render a tuple of string constants for a CHECK constraint."""
    return ", ".join(f"'{v}'" for v in values)
