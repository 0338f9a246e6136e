"""Builders that make records for tests through the same services the app uses."""

from dataclasses import dataclass
from datetime import date, datetime

from survey_app.accounts.models import User
from survey_app.accounts.services import create_user
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village
from survey_app.places.services import get_or_create_commune, get_or_create_village

PASSWORD = "mat-khau-thu-1"


def make_commune(name="Hoàng Kim", province="Thanh Hóa") -> Commune:
    return get_or_create_commune(None, province, name)


def make_village(commune: Commune, name: str) -> Village:
    return get_or_create_village(None, commune, name)


def make_user(username, role, commune=None, villages=(), password=PASSWORD) -> User:
    return create_user(None, username, password, role, commune, list(villages))


def make_household(village: Village, ma_ho: str, chu_ho="Nguyễn Văn An", **fields) -> Household:
    """A household from the commune's register, which the commune vouched was collected with
    consent (so lists name it); pass ``register_consent_at=None`` for one without consent."""
    fields.setdefault("register_consent_by", "Cán bộ xã (tests)")
    fields.setdefault("register_consent_at", datetime(2026, 1, 5, 8, 0))
    household = Household(
        commune_id=village.commune_id, village=village, ma_ho=ma_ho, chu_ho=chu_ho, **fields
    )
    db.session.add(household)
    db.session.flush()
    return household


def make_person(household: Household, ho_ten="Nguyễn Văn An", birth=date(1980, 5, 4), **fields):
    fields.setdefault("gioi_tinh", "nam")
    person = Person(household=household, ho_ten=ho_ten, birth_date=birth, **fields)
    db.session.add(person)
    db.session.flush()
    return person


@dataclass
class World:
    """The usual cast: xã Hoàng Kim with Thôn 1 and Thôn 2 and one user per role."""

    commune: Commune
    thon1: Village
    thon2: Village
    other_commune: Commune
    other_village: Village
    admin: User
    officer: User
    head1: User
    vol1: User
    vol2: User
    other_officer: User
    hh1: Household
    hh2: Household
    hh_other: Household

    @classmethod
    def create(cls) -> "World":
        commune = make_commune()
        thon1, thon2 = make_village(commune, "Thôn 1"), make_village(commune, "Thôn 2")
        other = make_commune("Thúy Sơn")
        other_village = make_village(other, "Thôn Đông")
        world = cls(
            commune=commune,
            thon1=thon1,
            thon2=thon2,
            other_commune=other,
            other_village=other_village,
            admin=make_user("admin", "admin"),
            officer=make_user("canbo", "commune_officer", commune),
            head1=make_user("truongthon1", "village_head", commune, [thon1]),
            vol1=make_user("tnv1", "volunteer", commune, [thon1]),
            vol2=make_user("tnv2", "volunteer", commune, [thon2]),
            other_officer=make_user("canbo2", "commune_officer", other),
            hh1=make_household(thon1, "HK-001", "Lê Văn Bình"),
            hh2=make_household(thon2, "HK-002", "Trần Thị Cúc"),
            hh_other=make_household(other_village, "TS-001", "Phạm Văn Dũng"),
        )
        make_person(world.hh1, "Lê Văn Bình", date(1970, 1, 2))
        make_person(
            world.hh2, "Trần Thị Cúc", date(1975, 7, 1), gioi_tinh="nu", birth_year_only=True
        )
        make_person(world.hh_other, "Phạm Văn Dũng")
        db.session.commit()
        return world
