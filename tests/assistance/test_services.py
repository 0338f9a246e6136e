"""Help records and training classes through the services, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from sqlalchemy import func, select

from survey_app.assistance import services
from survey_app.assistance.models import ClassAttendance, HelpRecord
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.services import set_person_answer
from tests import builders


def test_record_help_writes_one_row_per_kind_and_leaves_answers(world):
    person = world.hh1.members[0]
    before = (person.tk_thanh_toan, person.vneid, world.hh1.version)
    records = services.record_help(world.vol1, person, ["cai_vneid", "mo_tai_khoan"], "  mức  2 ")
    db.session.commit()
    assert [(r.kind, r.note, r.helped_by_id) for r in records] == [
        ("cai_vneid", "mức 2", world.vol1.id),
        ("mo_tai_khoan", "mức 2", world.vol1.id),
    ]
    assert records[0].helped_at == records[1].helped_at
    db.session.refresh(person)
    assert (person.tk_thanh_toan, person.vneid, world.hh1.version) == before
    audit = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "help_record"))
    assert audit.user_id == world.vol1.id and audit.details["kinds"] == [
        "cai_vneid",
        "mo_tai_khoan",
    ]


@pytest.mark.parametrize("kinds", [[], ["bay_bong"]])
def test_record_help_refuses_nothing_or_unknown_kinds(world, kinds):
    with pytest.raises(services.AssistanceError):
        services.record_help(world.vol1, world.hh1.members[0], kinds)


def test_attendees_get_ky_nang_so_with_the_class_as_source(world):
    a = world.hh1.members[0]
    b = builders.make_person(world.hh1, "Lê Thị Hoa", date(1985, 2, 3), gioi_tinh="nu")
    c = builders.make_person(world.hh1, "Lê Văn Tú", date(1990, 2, 3), ky_nang_so=True)
    db.session.commit()
    version = world.hh1.version
    klass = services.create_class(
        world.vol1, world.thon1, date(2026, 3, 5), " Nhà  văn hóa ", "VNeID"
    )
    added, changed = services.add_attendees(world.vol1, klass, [a.token, b.token, c.token])
    db.session.commit()
    assert (added, changed) == (3, 2)  # c already had Có: no change, no version bump for c
    assert (a.ky_nang_so, b.ky_nang_so, c.ky_nang_so) == (True, True, True)
    db.session.refresh(world.hh1)
    assert world.hh1.version == version + 2
    rows = db.session.scalars(
        select(AuditLog).where(AuditLog.object_type == "person", AuditLog.action == "update")
    ).all()
    assert {r.object_key for r in rows} == {a.token, b.token}
    assert {r.details["source"] for r in rows} == {f"training_class:{klass.token}"}
    assert rows[0].details["changes"] == {"ky_nang_so": [None, True]}
    assert klass.place == "Nhà văn hóa"

    # Ticking the same people again adds nobody; removing one keeps the answer.
    assert services.add_attendees(world.vol1, klass, [a.token]) == (0, 0)
    services.remove_attendee(world.head1, klass, a.token)
    db.session.commit()
    db.session.refresh(a)
    assert a.ky_nang_so is True
    count = db.session.scalar(select(func.count()).select_from(ClassAttendance))
    assert count == 2


def test_attendees_must_live_in_the_class_village(world):
    klass = services.create_class(world.vol1, world.thon1, date(2026, 3, 5), "Nhà văn hóa", "Ví")
    outsider = world.hh2.members[0]
    with pytest.raises(services.AssistanceError):
        services.add_attendees(world.vol1, klass, [world.hh1.members[0].token, outsider.token])
    with pytest.raises(services.AssistanceError):
        services.add_attendees(world.vol1, klass, [])


def test_set_person_answer_changes_nothing_when_equal(world):
    person = world.hh1.members[0]
    person.ky_nang_so = False
    db.session.commit()
    version = world.hh1.version
    assert set_person_answer(world.vol1, person, "ky_nang_so", False, "x") is False
    assert world.hh1.version == version
    assert set_person_answer(world.vol1, person, "ky_nang_so", True, "x") is True
    assert world.hh1.version == version + 1
    with pytest.raises(ValueError):
        set_person_answer(world.vol1, person, "ho_ten", "A", "x")


def test_help_rows_cascade_with_the_person(world):
    person = builders.make_person(world.hh1, "Lê Thị Hoa", date(1985, 2, 3), gioi_tinh="nu")
    services.record_help(world.vol1, person, ["khac"])
    db.session.commit()
    db.session.delete(person)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(HelpRecord)) == 0
