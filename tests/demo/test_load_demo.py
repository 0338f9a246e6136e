"""`flask load-demo`: the demo commune of `make run`, loaded once, passwords printed once."""

import re

from sqlalchemy import func, select

from survey_app.accounts.models import User
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_load_demo_twice_creates_one_commune(runner):
    first = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0, first.output
    counts = {m: _count(m) for m in (Commune, Village, Household, Person, User)}
    assert counts[Commune] == 1 and counts[Village] == 2 and counts[User] == 4
    assert 35 <= counts[Household] <= 45
    assert counts[Person] > counts[Household] * 2

    second = runner.invoke(args=["load-demo"])
    assert second.exit_code == 0
    assert "đã có sẵn" in second.output
    assert not re.search(r"^\s+canbo\s", second.output, re.M)  # passwords shown only once
    db.session.expire_all()
    assert {m: _count(m) for m in counts} == counts


def test_printed_passwords_work_and_roles_have_villages(runner):
    output = runner.invoke(args=["load-demo"]).output
    passwords = dict(
        re.findall(r"^\s+(admin|canbo|truongthon|tinhnguyenvien)\s+(\S+)$", output, re.M)
    )
    assert set(passwords) == {"admin", "canbo", "truongthon", "tinhnguyenvien"}
    users = {u.username: u for u in db.session.scalars(select(User))}
    for username, password in passwords.items():
        assert users[username].check_password(password)
    assert users["admin"].role == "admin" and users["admin"].commune_id is None
    assert users["canbo"].commune.name == "Hoàng Kim"
    assert [v.name for v in users["truongthon"].villages] == ["Thôn 1"]
    assert [v.name for v in users["tinhnguyenvien"].villages] == ["Thôn 1", "Thôn 2"]
    commune = db.session.scalar(select(Commune))
    assert commune.province.name == "Thanh Hóa"


def test_demo_households_are_partly_surveyed_by_the_volunteer(runner):
    runner.invoke(args=["load-demo"])
    households = db.session.scalars(select(Household)).all()
    surveyed = [h for h in households if h.surveyed_at is not None]
    assert 0 < len(surveyed) < len(households)
    assert {h.surveyed_by.username for h in surveyed} == {"tinhnguyenvien"}
    assert all(h.consent_given and h.consent_by_id == h.surveyed_by_id for h in surveyed)
    assert all(h.members and h.members[0].quan_he == "Chủ hộ" for h in households)
    assert all(h.chu_ho == h.members[0].ho_ten for h in households)
