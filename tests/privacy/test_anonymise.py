"""`flask anonymise`: households past the commune's retention lose what names or locates them."""

from datetime import date, timedelta

from sqlalchemy import func, select

from survey_app import audit
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.reports.models import CommuneSettings
from survey_app.sync.models import SyncChange
from survey_app.timeutil import utcnow


def _age(world, years: float):
    """Make Thôn 1's household look untouched for ``years``, with personal data to clear."""
    hh = world.hh1
    hh.so_dien_thoai, hh.dia_chi, hh.note = "0912345678", "Xóm Đông", "Nhà cuối ngõ"
    hh.gps_lat, hh.gps_lng = 19.8, 105.7
    hh.members[0].ky_nang_so = True
    audit.record(world.vol1, "update", "household", hh.token, changes={"chu_ho": "Lê Văn Bình"})
    db.session.add(
        SyncChange(change_id="c" * 36, kind="update", household_token=hh.token, payload={"x": 1})
    )
    db.session.flush()
    hh.updated_at = utcnow() - timedelta(days=round(years * 365.25) + 1)
    db.session.commit()
    return hh


def _run(runner, *extra):
    db.session.commit()
    result = runner.invoke(args=["anonymise", "--commune", "Hoàng Kim", *extra])
    db.session.rollback()
    db.session.expire_all()
    return result


def test_dry_run_counts_and_changes_nothing(runner, world):
    hh = _age(world, 5)
    result = _run(runner, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Sẽ ẩn danh 1 hộ, 1 người của xã Hoàng Kim, Thanh Hóa" in result.output
    assert db.session.get(Household, hh.id).chu_ho == "Lê Văn Bình"
    assert db.session.scalar(select(func.count(SyncChange.id))) == 1


def test_clears_personal_data_past_retention_and_keeps_the_counts(runner, world):
    hh = _age(world, 5)
    result = _run(runner)
    assert result.exit_code == 0, result.output
    assert "Đã ẩn danh 1 hộ, 1 người" in result.output
    hh = db.session.get(Household, hh.id)
    assert (hh.chu_ho, hh.dia_chi, hh.so_dien_thoai, hh.note) == ("Đã ẩn danh", "", None, "")
    assert (hh.gps_lat, hh.gps_lng, hh.ma_ho) == (None, None, f"AN{hh.id}")
    assert hh.anonymised_at is not None and hh.version == 2
    person = hh.members[0]
    assert (person.ho_ten, person.birth_date, person.birth_year_only) == (
        "Đã ẩn danh", date(1970, 7, 1), True,
    )  # fmt: skip
    assert person.ky_nang_so is True and person.gioi_tinh == "nam"  # what the counts need
    assert db.session.scalar(select(func.count(SyncChange.id))) == 0
    traces = db.session.scalars(select(AuditLog).where(AuditLog.object_key == hh.token)).all()
    assert [t.details for t in traces] == [{"an_danh": True}]
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "anonymise")).one()
    assert entry.details["households"] == 1 and entry.user_id is None
    assert db.session.get(Household, world.hh2.id).chu_ho == "Trần Thị Cúc"  # recent: kept
    assert db.session.get(Household, world.hh_other.id).chu_ho == "Phạm Văn Dũng"  # other xã


def test_a_longer_retention_keeps_the_household(runner, world):
    hh = _age(world, 5)
    db.session.add(CommuneSettings(commune_id=world.commune.id, retention_years=10))
    db.session.commit()
    assert "Đã ẩn danh 0 hộ" in _run(runner).output
    assert db.session.get(Household, hh.id).chu_ho == "Lê Văn Bình"


def test_unknown_commune_is_a_clear_error(runner, world):
    result = _run(runner, "--dry-run", "--province", "Nghệ An")
    assert result.exit_code != 0 and "Không tìm thấy xã" in result.output


def test_running_twice_does_nothing_the_second_time(runner, world):
    _age(world, 6)
    assert "Đã ẩn danh 1 hộ" in _run(runner).output
    assert "Đã ẩn danh 0 hộ" in _run(runner).output


def test_history_keeps_no_personal_data_once_anonymised(runner, world):
    from survey_app.history.models import household_version, person_version

    hh = _age(world, 5)
    assert _run(runner).exit_code == 0
    h, p = household_version.c, person_version.c
    house = db.session.execute(
        select(h.chu_ho, h.dia_chi, h.so_dien_thoai, h.note, h.gps_lat, h.source)
        .where(h.household_id == hh.id)
        .order_by(h.version_id)
    ).all()
    assert len(house) >= 2 and house[-1].source == "anonymise"
    assert {(r.chu_ho, r.dia_chi, r.so_dien_thoai, r.note, r.gps_lat) for r in house} == {
        ("Đã ẩn danh", "", None, "", None)
    }
    people = db.session.execute(
        select(p.ho_ten, p.birth_date, p.ky_nang_so).where(p.household_id == hh.id)
    ).all()
    assert {(r.ho_ten, r.birth_date) for r in people} == {("Đã ẩn danh", date(1970, 7, 1))}
    assert people[-1].ky_nang_so is True  # the answers the counts need stay


def test_the_worker_anonymises_every_commune_each_night(app, world):
    from survey_app.worker import anonymise_due

    hh = _age(world, 6)
    assert anonymise_due() == {world.commune.full_name: 1}
    db.session.expire_all()
    assert (hh.chu_ho, hh.dia_chi, hh.so_dien_thoai, hh.note) == ("Đã ẩn danh", "", None, "")
    assert db.session.get(Household, world.hh2.id).chu_ho == "Trần Thị Cúc"  # recent: kept
    assert anonymise_due() == {}  # nothing left that is due


def test_the_worker_prunes_pushed_changes_past_their_retention(app, world):
    from survey_app.worker import prune_sync_changes

    days = app.config["SYNC_RETENTION_DAYS"]
    for n, age in enumerate((days + 1, days - 1)):
        change = SyncChange(
            change_id=f"{n}" * 36, kind="update", household_token=world.hh1.token, payload={}
        )
        change.created_at = utcnow() - timedelta(days=age)
        db.session.add(change)
    db.session.commit()
    assert prune_sync_changes() == 1
    assert db.session.scalar(select(func.count(SyncChange.id))) == 1
