"""Test data for door plates: a thôn of many households, and the walk's plate."""

from survey_app.extensions import db
from survey_app.plates import services
from tests import builders

STREETS = ("Xóm Đông", "Xóm Tây", "Đường Lê Lợi, ngõ 4", "Khu tái định cư Bắc Sơn")
NAMES = ("Nguyễn Văn Ẩn", "Trần Thị Ánh Tuyết", "Lê Đức Thắng", "Phạm Ngọc Hường", "Đỗ Văn Ổn")


def populate(village, count: int, prefix: str = "BS") -> list:
    """``count`` households in ``village`` with Vietnamese names and addresses of every length."""
    households = [
        builders.make_household(
            village,
            f"{prefix}-{k:03d}",
            NAMES[k % len(NAMES)],
            dia_chi=f"Số {k + 1}, {STREETS[k % len(STREETS)]}",
        )
        for k in range(1, count + 1)
    ]
    db.session.commit()
    return households


def walk_plate(world) -> str:
    """Token of the active plate of Thôn 1's household (issued when it has none yet)."""
    plate = services.plate_for(None, world.hh1)
    db.session.commit()
    return plate.token
