"""Vietnamese names for demo data: people, communes, usernames (rough national shares)."""

import itertools
import random
import unicodedata
from typing import NamedTuple


class Weighted(NamedTuple):
    """Choices with cumulative weights, ready for ``random.choices`` (fast in a hot loop)."""

    names: tuple[str, ...]
    cum: tuple[float, ...]


def _weights(text: str) -> Weighted:
    """'Nguyễn 38, Trần 11' → names ('Nguyễn', 'Trần') with cumulative weights (38, 49)."""
    pairs = [item.rsplit(" ", 1) for item in text.split(",")]
    return Weighted(
        tuple(name.strip() for name, _ in pairs),
        tuple(itertools.accumulate(float(weight) for _, weight in pairs)),
    )


# Surname shares (roughly those of national name surveys); Nguyễn alone is about 38%.
SURNAMES = _weights(
    "Nguyễn 38, Trần 11, Lê 9.5, Phạm 7, Hoàng 5.1, Huỳnh 2, Phan 4.5, Vũ 3.9, Võ 2, "
    "Đặng 2.1, Bùi 2, Đỗ 1.4, Hồ 1.3, Ngô 1.3, Dương 1, Lý 0.5, Trịnh 1, Đinh 1, "
    "Lương 0.6, Mai 0.6, Hà 0.6, Lâm 0.4, Cao 0.5, Đào 0.5, Tạ 0.3, Quách 0.3, Thiều 0.2, "
    "Lưu 0.3"
)

# Middle names: older generations are mostly "Văn" / "Thị"; the young ones vary more.
MIDDLE_MALE_OLD = _weights("Văn 70, Đức 8, Xuân 5, Hữu 5, Đình 5, Công 4, Ngọc 3")
MIDDLE_MALE_YOUNG = _weights(
    "Văn 25, Đức 10, Minh 12, Quang 8, Hữu 5, Công 5, Thành 6, Tiến 5, Gia 6, Hoàng 6, "
    "Trọng 4, Anh 4, Bảo 4"
)
MIDDLE_FEMALE_OLD = _weights("Thị 88, Ngọc 4, Thu 3, Kim 3, Thanh 2")
MIDDLE_FEMALE_YOUNG = _weights(
    "Thị 35, Ngọc 10, Thu 8, Thanh 7, Phương 6, Minh 6, Bảo 6, Hồng 5, Khánh 5, Diệu 4, "
    "Hải 4, Kim 4"
)

GIVEN_MALE = (
    "An Bình Cường Dũng Đạt Hải Hùng Hưng Khánh Long Minh Nam Phong Quân Sơn Thắng Tuấn Trung "
    "Việt Vinh Huy Kiên Lâm Lợi Nghĩa Phúc Quang Tài Thành Toàn Trí Tú Vũ Đông Hiếu Hoàng Khoa "
    "Lộc Mạnh Nhân Quý Sáng Thái Thịnh Tiến Trường Tùng Duy Đức Hòa Kiệt Bảo Khôi Phát"
).split()
GIVEN_FEMALE = (
    "Anh Chi Dung Giang Hà Hạnh Hằng Hoa Hương Lan Linh Loan Mai My Nga Ngọc Nhung Oanh Phương "
    "Quỳnh Thảo Thu Thủy Trang Tuyết Vân Yến Huyền Hiền Hồng Liên Lý Nhàn Hiền Thơm Xuân Hòa "
    "Lụa Nhi Ngân Tâm Trâm Uyên Vy Diệp Thanh Châu"
).split()

# Syllables that make plausible commune names ("Xuân Thịnh", "Phú Lộc"...).
PLACE_FIRST = (
    "An Bình Phú Tân Xuân Vĩnh Quảng Thiệu Hoằng Đông Tây Nam Bắc Minh Hợp Thọ Yên Định Hà "
    "Trung Cẩm Thạch Nga Hải Tiến Đồng Hưng Quang Thành Kim Ngọc Thái Phúc"
).split()
PLACE_SECOND = (
    "Thịnh Lộc Hòa Phú Lợi Tiến Thắng Hưng Thành Lâm Sơn Giang Hải Vân Xuân Long Tân Hợp "
    "Khánh Phong Thọ Lạc Minh Quang Yên An Trường Đạt Đức Nghĩa Thuận"
).split()


def _pick(rng: random.Random, weighted: Weighted) -> str:
    return rng.choices(weighted.names, cum_weights=weighted.cum)[0]


def surname(rng: random.Random) -> str:
    """A surname drawn with national weights."""
    return _pick(rng, SURNAMES)


def full_name(rng: random.Random, sex: str, birth_year: int, family: str | None = None) -> str:
    """A full name for a person of ``sex`` ('nam'/'nu') born in ``birth_year``."""
    young = birth_year >= 1985
    if sex == "nam":
        middle = _pick(rng, MIDDLE_MALE_YOUNG if young else MIDDLE_MALE_OLD)
        given = rng.choice(GIVEN_MALE)
    else:
        middle = _pick(rng, MIDDLE_FEMALE_YOUNG if young else MIDDLE_FEMALE_OLD)
        given = rng.choice(GIVEN_FEMALE)
    if middle == given:
        middle = "Văn" if sex == "nam" else "Thị"
    return f"{family or surname(rng)} {middle} {given}"


def commune_name(rng: random.Random, taken: set[str]) -> str:
    """A commune name not in ``taken`` (numbered when the syllables run out)."""
    for _ in range(200):
        name = f"{rng.choice(PLACE_FIRST)} {rng.choice(PLACE_SECOND)}"
        if name not in taken and len(set(name.split())) == 2:
            return name
    n = 2
    while f"{name} {n}" in taken:
        n += 1
    return f"{name} {n}"


def ascii_slug(text: str) -> str:
    """'Xuân Thịnh' → 'xuanthinh' (for usernames and household codes)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def initials(text: str) -> str:
    """'Xuân Thịnh' → 'XT' (prefix of household codes)."""
    return "".join(ascii_slug(word)[:1] for word in text.split()).upper() or "X"
