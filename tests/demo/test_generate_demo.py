"""`flask generate-demo`: realistic communes, villages, staff and households, in bulk."""

import random
from collections import Counter
from datetime import date

from sqlalchemy import func, select

from survey_app.accounts.models import User
from survey_app.demo import names
from survey_app.demo.generator import Generator
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village


def _age(person: Person, today: date) -> int:
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def test_small_run_is_plausible(runner):
    result = runner.invoke(
        args=["generate-demo", "--communes", "2", "--households-per-commune", "30", "--seed", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "Xong: 2 xã" in result.output and "60 hộ" in result.output
    communes = db.session.scalars(select(Commune)).all()
    assert len(communes) == 2
    for commune in communes:
        villages = db.session.scalars(select(Village).where(Village.commune_id == commune.id)).all()
        assert 8 <= len(villages) <= 12
        assert sorted(v.name for v in villages)[0] == "Thôn 1"
        codes = db.session.scalars(
            select(Household.ma_ho).where(Household.commune_id == commune.id)
        )
        assert len(set(codes.all())) == 30
    people = db.session.scalars(select(Person)).all()
    assert {p.gioi_tinh for p in people} == {"nam", "nu"}
    assert any(p.dt_thong_minh is None for p in people)  # unknown is not "Không"
    assert any(p.dt_thong_minh is False for p in people) and any(p.dt_thong_minh for p in people)
    assert "tam_vang" in {p.cu_tru for p in people}
    assert any(p.birth_year_only for p in people)


def test_staff_per_commune_share_one_password(runner):
    result = runner.invoke(
        args=["generate-demo", "--communes", "1", "--households-per-commune", "30", "--seed", "9"]
    )
    password = result.output.split("(chỉ hiện một lần): ")[1].split()[0]
    users = db.session.scalars(select(User)).all()
    roles = Counter(u.role for u in users)
    villages = db.session.scalar(select(func.count(Village.id)))
    assert roles["commune_officer"] == 1 and roles["village_head"] == villages
    assert villages <= roles["volunteer"] <= 2 * villages
    assert len({u.password_hash for u in users}) == 1 and users[0].check_password(password)
    for household in db.session.scalars(select(Household).where(Household.surveyed_at.isnot(None))):
        surveyor = household.surveyed_by
        assert surveyor.role == "volunteer" and household.village in surveyor.villages


def test_distributions_follow_age(sqlite_app):
    """A bigger sample (SQLite only): the rates the reports will show are plausible."""
    generator = Generator(random.Random(11), today=date(2025, 6, 30))
    commune, villages = generator.places("Thanh Hóa", "Thử Nghiệm", ["Thôn 1", "Thôn 2"])
    generator.households(commune, villages, 600, {})
    db.session.commit()
    people = db.session.scalars(select(Person)).all()
    households = db.session.scalars(select(Household)).all()
    assert 2.8 <= len(people) / len(households) <= 4.2
    assert 0.44 <= sum(p.gioi_tinh == "nu" for p in people) / len(people) <= 0.56
    today = date(2025, 6, 30)
    working = [p for p in people if 15 <= _age(p, today) < 60 and p.dt_thong_minh is not None]
    elderly = [p for p in people if _age(p, today) >= 70 and p.dt_thong_minh is not None]
    children = [p for p in people if _age(p, today) < 10 and p.dt_thong_minh is not None]
    assert sum(p.dt_thong_minh for p in working) / len(working) > 0.75
    assert sum(p.dt_thong_minh for p in elderly) / len(elderly) < 0.4
    assert sum(p.dt_thong_minh for p in children) / len(children) < 0.1
    adult_vneid = Counter(p.vneid for p in people if _age(p, today) >= 18 and p.vneid)
    assert adult_vneid.most_common(1)[0][0] == "muc_2"
    statuses = Counter(p.cu_tru for p in people)
    assert statuses["co_mat"] > 0.8 * len(people) and statuses["da_chuyen_di"] > 0
    business = sum(bool(h.ho_kinh_doanh) for h in households) / len(households)
    assert 0.05 <= business <= 0.15
    assert all(h.kd_thanh_toan_dt is None for h in households if h.ho_kinh_doanh is False)
    assert 0.5 < sum(h.surveyed_at is not None for h in households) / len(households) < 1
    ages = [_age(p, today) for p in people]
    assert min(ages) >= 0 and max(ages) <= 100 and sum(a < 15 for a in ages) > 0.1 * len(ages)


def test_names_are_vietnamese_and_commune_names_unique():
    rng = random.Random(3)
    name = names.full_name(rng, "nu", 1950, "Nguyễn")
    assert name.startswith("Nguyễn ") and len(name.split()) == 3
    taken: set[str] = set()
    for _ in range(300):
        taken.add(names.commune_name(rng, taken))
    assert len(taken) == 300
    assert names.ascii_slug("Đông Sơn") == "dongson" and names.initials("Xuân Thịnh") == "XT"
