"""Figures as of a date count the data as it stood at the end of that day (clock moved in the test).

D0: the register is imported. D1: figures and lists are taken. D2: an answer changes, a person is
added, one moves away, a village is renamed. Later, "as of D1" gives D1's figures and lists field
for field, and "as of D2" gives D2's.
"""

import io
import json
import zipfile
from datetime import date, datetime

import pytest
from sqlalchemy import select

from survey_app import timeutil
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.households.services import save_household
from survey_app.places.models import Village
from survey_app.places.services import rename_village
from tests.imports.support import csv_bytes, write
from tests.support.database import data_true_since

COMMUNE = ["--commune", "Hoàng Kim", "--province", "Thanh Hóa"]
SET = ["--criteria", "thanh-hoa-1829", "--year", "2026"]
D1, D2 = date(2026, 10, 2), date(2026, 10, 3)


@pytest.fixture
def clock(monkeypatch):
    """Set the product's clock to 10:00 in Vietnam on a day."""

    def to(day: date) -> None:
        moment = datetime(day.year, day.month, day.day, 3, 0)  # 10:00 at UTC+7
        monkeypatch.setattr(timeutil, "utcnow", lambda: moment)

    return to


def indicators(runner, as_of: date) -> dict:
    result = runner.invoke(args=["indicators", *COMMUNE, *SET, "--as-of", as_of.isoformat()])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def evidence(runner, tmp_path, as_of: date) -> dict[str, bytes]:
    """Every evidence list of the set as of ``as_of``: CSV bytes by file name."""
    out = tmp_path / f"lists-{as_of}-{timeutil.utcnow():%d%H%M%S}.zip"
    args = ["export-evidence", *COMMUNE, *SET, "--as-of", as_of.isoformat(), "--out", str(out)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def import_on_d0(runner, tmp_path, clock) -> None:
    """The register imported on D0; the commune, its villages and users came before."""
    data_true_since(date(2026, 1, 1))
    clock(date(2026, 10, 1))
    imported = runner.invoke(
        args=["import-households", str(write(tmp_path, "a.csv", csv_bytes())), *COMMUNE]
    )
    assert imported.exit_code == 0, imported.output


def household(ma_ho: str) -> Household:
    return db.session.scalars(select(Household).where(Household.ma_ho == ma_ho)).one()


def change_on_d2(world) -> None:
    """An answer changed, a person added, one moved away, a village renamed (through services)."""
    hung = household("HK-101")
    members = [{"token": p.token} for p in hung.members]
    members[0]["chu_ky_so"] = True  # Nguyễn Văn Hùng gets a digital signature
    members[1]["cu_tru"] = "da_chuyen_di"  # Lê Thị Mai moves away
    save_household(world.vol1, hung, {"members": members, "consent": True}, hung.version)
    tu = household("HK-102")
    newborn = {"ho_ten": "Trần Văn Mới", "birth_date": date(1990, 2, 2), "gioi_tinh": "nam"}
    newborn |= {"cu_tru": "co_mat", "birth_year_only": False, "dt_thong_minh": True}
    newborn |= {"tk_thanh_toan": True, "vneid": "muc_2", "chu_ky_so": True}
    save_household(
        world.vol2,
        tu,
        {"members": [{"token": p.token} for p in tu.members] + [newborn], "consent": True},
        tu.version,
    )
    thon2 = db.session.scalars(select(Village).where(Village.name == "Thôn 2")).one()
    rename_village(world.officer, thon2, "Thôn Hai")
    db.session.commit()


def test_as_of_a_past_day_gives_that_days_figures_and_lists(runner, world, tmp_path, clock):
    import_on_d0(runner, tmp_path, clock)

    clock(D1)
    figures_d1, lists_d1 = indicators(runner, D1), evidence(runner, tmp_path, D1)

    clock(D2)
    change_on_d2(world)
    figures_d2, lists_d2 = indicators(runner, D2), evidence(runner, tmp_path, D2)
    assert figures_d2 != figures_d1 and lists_d2 != lists_d1  # the changes show today

    clock(date(2026, 10, 9))
    assert indicators(runner, D1) == figures_d1  # field for field
    assert evidence(runner, tmp_path, D1) == lists_d1  # the same people, byte for byte
    assert indicators(runner, D2) == figures_d2
    assert evidence(runner, tmp_path, D2) == lists_d2

    def villages(figures):
        return {v["village"] for item in figures["indicators"] for v in item.get("villages", [])}

    assert "Thôn 2" in villages(indicators(runner, D1)) and "Thôn Hai" not in villages(figures_d1)
    assert "Thôn Hai" in villages(indicators(runner, D2))


def test_a_person_added_later_is_not_there_and_one_moved_away_later_still_is(
    runner, world, tmp_path, clock
):
    import_on_d0(runner, tmp_path, clock)
    clock(D2)
    change_on_d2(world)
    clock(date(2026, 10, 9))

    def names(as_of: date) -> str:
        return b"".join(evidence(runner, tmp_path, as_of).values()).decode("utf-8-sig")

    assert "Trần Văn Mới" not in names(D1) and "Trần Văn Mới" in names(D2)
    mai_d1 = indicators(runner, D1)
    mai_d2 = indicators(runner, D2)
    everyone = {
        i["code"]: i["denominator"] for i in mai_d1["indicators"] if i["kind"] == "household_data"
    }
    later = {
        i["code"]: i["denominator"] for i in mai_d2["indicators"] if i["kind"] == "household_data"
    }
    assert everyone != later
