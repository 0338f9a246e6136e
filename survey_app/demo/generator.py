"""Realistic demo households, written with bulk Core INSERTs so 100k households take minutes.

Services flush; the CLI commits once per commune. One seeded ``random.Random`` drives every
choice, so a seed gives the same people again (tokens and passwords are random regardless).
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import insert, select

from survey_app import audit
from survey_app.accounts.models import COMMUNE_OFFICER, VILLAGE_HEAD, VOLUNTEER, User, user_village
from survey_app.demo import names
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.households import status as visit_status
from survey_app.households.models import Household, Person
from survey_app.places.models import Commune, Village
from survey_app.places.services import get_or_create_commune, get_or_create_village
from survey_app.timeutil import utcnow, vn_today
from survey_app.tokens import new_token

BATCH = 2000  # households per INSERT round trip; keeps memory flat for 100k-household communes
PERSON_ITEMS = (
    "dt_thong_minh",
    "ptt_an_toan",
    "tk_thanh_toan",
    "chu_ky_so",
    "ky_nang_so",
    "dvc_truc_tuyen",
    "ho_so_suc_khoe",
    "kham_tu_xa",
)
HOUSEHOLD_ITEMS = (
    "cap_quang",
    "dien_khong_tien_mat",
    "dia_chi_so",
    "ho_kinh_doanh",
    "kd_thanh_toan_dt",
    "kd_san_tmdt",
)
# Age bands of household heads and their shares (an ageing countryside: many heads over 50).
HEAD_AGES = ((22, 34), (35, 49), (50, 64), (65, 92))
HEAD_AGE_CUM = (15, 47, 77, 100)
Member = tuple[str, str, int, str | None]  # quan_he, gioi_tinh, age, surname (None = own)


@dataclass
class Totals:
    communes: int = 0
    villages: int = 0
    households: int = 0
    people: int = 0
    users: int = 0

    def add(self, other: "Totals") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class VillagePlan:
    """How one village behaves: how far the survey got and how digital its people are."""

    village: Village
    households: int
    surveyed_rate: float
    uptake: float
    surveyors: list[int] = field(default_factory=list)


class Generator:
    """Makes communes, villages, staff and households from one seeded random source."""

    def __init__(self, rng: random.Random, today: date | None = None, progress=None):
        self.rng = rng
        self.today = today or vn_today()
        self.now = utcnow()
        self.gaps = False  # set per household in _write_batch
        self.progress: Callable[[int, int], None] = progress or (lambda done, total: None)

    # ---- places and staff ------------------------------------------------------------------

    def places(self, province: str, commune_name: str, village_names: list[str]):
        """The commune and its villages, created through the place services (audited)."""
        commune = get_or_create_commune(None, province, commune_name)
        villages = [get_or_create_village(None, commune, name) for name in village_names]
        return commune, villages

    def staff(self, commune: Commune, villages: list[Village], password_hash: str):
        """One officer, per village a head and 1–2 volunteers; returns (surveyors, usernames)."""
        prefix = f"{names.ascii_slug(commune.name)}{commune.id}"
        rows = [self._user_row(f"{prefix}.canbo", COMMUNE_OFFICER, commune, password_hash)]
        owners = [None]
        for i, village in enumerate(villages, start=1):
            rows.append(self._user_row(f"{prefix}.tt{i}", VILLAGE_HEAD, commune, password_hash))
            owners.append(village)
            for letter in "ab"[: self.rng.choice((1, 2))]:
                username = f"{prefix}.tnv{i}{letter}"
                rows.append(self._user_row(username, VOLUNTEER, commune, password_hash))
                owners.append(village)
        conn = db.session.connection()
        stmt = insert(User.__table__).returning(User.__table__.c.id, sort_by_parameter_order=True)
        ids = [row.id for row in conn.execute(stmt, rows)]
        links = [
            {"user_id": uid, "village_id": v.id} for uid, v in zip(ids, owners, strict=True) if v
        ]
        conn.execute(insert(user_village), links)
        surveyors: dict[int, list[int]] = {v.id: [] for v in villages}
        for uid, row, village in zip(ids, rows, owners, strict=True):
            if village and row["role"] == VOLUNTEER:
                surveyors[village.id].append(uid)
        return surveyors, [row["username"] for row in rows]

    def _user_row(self, username: str, role: str, commune: Commune, password_hash: str) -> dict:
        sex = self.rng.choice(("nam", "nu"))
        return {
            "username": username,
            "full_name": names.full_name(self.rng, sex, self.rng.randint(1965, 2000)),
            "phone": self._phone(),
            "password_hash": password_hash,
            "role": role,
            "commune_id": commune.id,
            "active": True,
            "created_at": self.now,
            "last_login_at": None,
        }

    # ---- households --------------------------------------------------------------------------

    def households(
        self, commune: Commune, villages: list[Village], count: int, surveyors
    ) -> Totals:
        """Add ``count`` households spread over ``villages``; returns what was written."""
        plans = self._plans(villages, count, surveyors)
        width = max(4, len(str(count)))
        code = names.initials(commune.name)
        totals = Totals(households=count)
        done, seq = 0, 0
        for plan in plans:
            for start in range(0, plan.households, BATCH):
                size = min(BATCH, plan.households - start)
                codes = [f"{code}-{seq + k + 1:0{width}d}" for k in range(size)]
                seq += size
                totals.people += self._write_batch(commune, plan, codes)
                done += size
                self.progress(done, count)
        audit.record(
            None,
            "generate_demo",
            "commune",
            commune.token,
            households=totals.households,
            people=totals.people,
        )
        return totals

    def _plans(self, villages: list[Village], count: int, surveyors) -> list[VillagePlan]:
        weights = [self.rng.uniform(0.6, 1.4) for _ in villages]
        shares = [int(count * w / sum(weights)) for w in weights]
        for i in range(count - sum(shares)):
            shares[i % len(shares)] += 1
        return [
            VillagePlan(
                village=v,
                households=n,
                surveyed_rate=self.rng.uniform(0.6, 0.98),
                uptake=self.rng.uniform(0.85, 1.1),
                surveyors=list(surveyors.get(v.id, [])),
            )
            for v, n in zip(villages, shares, strict=True)
        ]

    def _write_batch(self, commune: Commune, plan: VillagePlan, codes: list[str]) -> int:
        households, families = [], []
        for ma_ho in codes:
            family = self._family()
            surveyed = self.rng.random() < plan.surveyed_rate
            # A quarter of the visited households keep some "Chưa hỏi" answers (not complete).
            self.gaps = self.rng.random() < 0.25
            people = [self._person(m, surveyed, plan.uptake) for m in family]
            self._name(people, family)
            row = self._household_row(commune, plan, ma_ho, people[0], surveyed)
            if surveyed and not self._complete(row, people):
                # Consent given, some items still "Chưa hỏi": saved, not surveyed (status.py).
                row.update(surveyed_by_id=None, surveyed_at=None)
            households.append(row)
            families.append(people)
        conn = db.session.connection()
        table = Household.__table__
        # A plain executemany plus one indexed SELECT beats INSERT … RETURNING on PostgreSQL.
        conn.execute(insert(table), households)
        found = conn.execute(
            select(table.c.ma_ho, table.c.id).where(
                table.c.commune_id == commune.id, table.c.ma_ho.in_(codes)
            )
        )
        by_code = dict(found.all())
        ids = [by_code[code] for code in codes]
        rows = []
        for household_id, people in zip(ids, families, strict=True):
            for position, person in enumerate(people):
                person.update(household_id=household_id, position=position)
                rows.append(person)
        conn.execute(insert(Person.__table__), rows)
        # bulk inserts the ORM does not see: name them for the history
        history.touched(db.session, "household", ids)
        people = select(Person.__table__.c.id).where(Person.__table__.c.household_id.in_(ids))
        history.touched(db.session, "person", conn.execute(people).scalars())
        return len(rows)

    def _household_row(self, commune, plan: VillagePlan, ma_ho, head: dict, surveyed) -> dict:
        rng = self.rng
        when = self.now - timedelta(minutes=rng.randint(30, 60 * 24 * 42)) if surveyed else None
        who = rng.choice(plan.surveyors) if surveyed and plan.surveyors else None
        business = rng.random() < 0.10
        rates = {
            "cap_quang": 0.78 * plan.uptake,
            "dien_khong_tien_mat": 0.62 * plan.uptake,
            "dia_chi_so": 0.35 * plan.uptake,
            "ho_kinh_doanh": 1.0 if business else 0.0,
            "kd_thanh_toan_dt": 0.75 * plan.uptake if business else None,
            "kd_san_tmdt": 0.3 * plan.uptake if business else None,
        }
        items = {k: self._answer(p, 0.03) if surveyed else None for k, p in rates.items()}
        return {
            "token": new_token(),
            "commune_id": commune.id,
            "village_id": plan.village.id,
            "ma_ho": ma_ho,
            "chu_ho": head["ho_ten"],
            "dia_chi": f"Số {rng.randint(1, 300)}, {plan.village.name}, xã {commune.name}",
            "so_dien_thoai": self._phone() if rng.random() < 0.75 else None,
            "gps_lat": None,
            "gps_lng": None,
            **items,
            "consent_given": surveyed,
            "consent_by_id": who,
            "consent_at": when,
            "surveyed_by_id": who,
            "surveyed_at": when,
            "note": "",
            "version": 1,
            "created_at": self.now,
            "updated_at": when or self.now,
        }

    def _complete(self, row: dict, people: list[dict]) -> bool:
        """Every item that applies answered, as survey_app/households/status.py counts it."""
        if any(row[key] is None for key in visit_status.household_items(row)):
            return False
        return all(
            person[key] is not None
            for person in people
            for key in visit_status.person_items(person, self.today)
        )

    def _answer(self, p: float | None, unknown: float) -> bool | None:
        """Yes with probability ``p``; None ("chưa hỏi") with probability 4 × ``unknown`` in a
        household left with gaps, never in the others."""
        if p is None or (self.gaps and self.rng.random() < 4 * unknown):
            return None
        return self.rng.random() < p

    def _phone(self) -> str:
        return self.rng.choice(("09", "03", "08", "07")) + f"{self.rng.randrange(10**8):08d}"

    # ---- families and people -----------------------------------------------------------------

    def _family(self) -> list[Member]:
        """Who lives in one household: head first, then spouse, children, parents, grandchildren."""
        rng = self.rng
        low, high = rng.choices(HEAD_AGES, cum_weights=HEAD_AGE_CUM)[0]
        head_age = rng.randint(low, high)
        head_sex = "nam" if rng.random() < (0.8 if head_age < 65 else 0.6) else "nu"
        # A woman heading the household keeps her own surname; her children carry the family's.
        members: list[Member] = [
            ("Chủ hộ", head_sex, head_age, "own" if head_sex == "nu" else None)
        ]
        married = rng.random() < (0.75 if head_age < 30 else 0.88 if head_age < 65 else 0.6)
        mother_age = head_age
        if married:
            gap = max(-5, round(rng.gauss(3, 3)))
            spouse_age = max(18, head_age - gap if head_sex == "nam" else head_age + gap)
            spouse_sex = "nu" if head_sex == "nam" else "nam"
            # A wife keeps her own surname; a husband carries the family's.
            relation, surname = ("Vợ", "own") if head_sex == "nam" else ("Chồng", None)
            members.append((relation, spouse_sex, spouse_age, surname))
            mother_age = spouse_age if spouse_sex == "nu" else head_age
        members += self._children(mother_age, head_age)
        if head_age < 45 and rng.random() < 0.2:
            sex = rng.choice(("nam", "nu"))
            members.append(
                (
                    "Bố" if sex == "nam" else "Mẹ",
                    sex,
                    head_age + rng.randint(24, 34),
                    None if sex == "nam" else "own",
                )
            )
        return members

    def _children(self, mother_age: int, head_age: int) -> list[Member]:
        rng = self.rng
        if head_age >= 55 and rng.random() < 0.45:
            return self._married_son(mother_age)
        count = rng.choices((0, 1, 2, 3, 4), cum_weights=(12, 37, 80, 95, 100))[0]
        ages = self._births(mother_age, count)
        if head_age >= 50:  # most grown children have left home
            ages = [a for a in ages if a < 22 or rng.random() < 0.25]
        return [("Con", rng.choice(("nam", "nu")), a, None) for a in ages]

    def _births(self, mother_age: int, count: int) -> list[int]:
        """Ages of ``count`` children, first born at 20–30, then every 2–6 years, oldest first."""
        ages, at_birth = [], self.rng.randint(20, 30)
        for _ in range(count):
            if at_birth > 42 or at_birth > mother_age:
                break
            ages.append(mother_age - at_birth)
            at_birth += self.rng.randint(2, 6)
        return ages

    def _married_son(self, mother_age: int) -> list[Member]:
        rng = self.rng
        son_age = max(20, mother_age - rng.randint(22, 34))
        wife_age = max(18, son_age - rng.randint(0, 5))
        members: list[Member] = [("Con", "nam", son_age, None), ("Con dâu", "nu", wife_age, "own")]
        count = rng.choices((0, 1, 2, 3), cum_weights=(15, 50, 90, 100))[0]
        for age in self._births(wife_age, count):
            members.append(("Cháu", rng.choice(("nam", "nu")), age, None))
        return members

    def _person(self, member: Member, surveyed: bool, uptake: float) -> dict:
        relation, sex, age, _surname = member
        birth, year_only = self._birth(age)
        cu_tru = "co_mat" if relation == "Chủ hộ" else self._residence(age)
        row = {
            "token": new_token(),
            "ho_ten": "",  # filled by _name(): names depend on the household's surname
            "birth_date": birth,
            "birth_year_only": year_only,
            "gioi_tinh": sex,
            "quan_he": relation,
            "cu_tru": cu_tru,
            "created_at": self.now,
            "updated_at": self.now,
        }
        asked = surveyed and cu_tru in ("co_mat", "tam_vang")
        row.update(self._items(age, uptake, cu_tru) if asked else self._no_items())
        return row

    def _name(self, people: list[dict], family: list[Member]) -> None:
        """Children carry the family surname; wives, daughters-in-law and mothers keep their own."""
        household_surname = names.surname(self.rng)
        for person, (_relation, sex, _age, surname) in zip(people, family, strict=True):
            family_name = names.surname(self.rng) if surname == "own" else household_surname
            person["ho_ten"] = names.full_name(
                self.rng, sex, person["birth_date"].year, family_name
            )

    def _birth(self, age: int) -> tuple[date, bool]:
        year_only = self.rng.random() < (0.18 if age >= 60 else 0.04)
        if year_only:  # taken as 1 July (docs/domain.md), so the age holds on that convention too
            before_july = (self.today.month, self.today.day) < (7, 1)
            return date(self.today.year - age - before_july, 7, 1), True
        days = int(age * 365.25) + self.rng.randint(0, 364)
        return self.today - timedelta(days=days), False

    def _residence(self, age: int) -> str:
        r = self.rng.random()
        died = 0.002 + (0.03 if age >= 70 else 0)
        moved = 0.02 if 18 <= age <= 40 else 0.005
        away = 0.14 if 18 <= age <= 40 else 0.05 if 41 <= age <= 59 else 0.01
        if r < died:
            return "da_mat"
        if r < died + moved:
            return "da_chuyen_di"
        return "tam_vang" if r < died + moved + away else "co_mat"

    def _no_items(self) -> dict:
        return {**dict.fromkeys(PERSON_ITEMS), "vneid": None}

    def _items(self, age: int, uptake: float, cu_tru: str) -> dict:
        """Answers by age: phones and accounts common at working age, rare for the old."""
        unknown = 0.25 if cu_tru == "tam_vang" else 0.03
        band = 0 if age < 10 else 1 if age < 15 else 2 if age < 60 else 3 if age < 70 else 4
        p = {
            "dt_thong_minh": (0.02, 0.35, 0.92, 0.5, 0.2)[band],
            "tk_thanh_toan": (0.01, 0.05, 0.85, 0.55, 0.25)[band],
            "chu_ky_so": (0.0, 0.01, 0.35, 0.1, 0.04)[band],
            "ky_nang_so": (0.05, 0.3, 0.7, 0.35, 0.15)[band],
            "dvc_truc_tuyen": (0.0, 0.02, 0.35, 0.15, 0.06)[band],
            "ho_so_suc_khoe": (0.9, 0.9, 0.9, 0.9, 0.88)[band],
            "kham_tu_xa": (0.03, 0.03, 0.12, 0.1, 0.07)[band],
        }
        answers = {k: self._answer(min(1.0, v * uptake), unknown) for k, v in p.items()}
        phone = answers["dt_thong_minh"]
        answers["ptt_an_toan"] = self._answer(0.6 * uptake, unknown) if phone else phone
        gap = self.gaps and self.rng.random() < 4 * unknown
        answers["vneid"] = None if gap else self._vneid(band)
        return answers

    def _vneid(self, band: int) -> str:
        if band <= 1:  # children under 14 get level 2 only through their parents
            weights = (80, 2, 3, 15) if band == 0 else (60, 5, 10, 25)
        else:
            weights = ((14, 8, 8, 70), (20, 10, 10, 60), (35, 10, 10, 45))[band - 2]
        return self.rng.choices(("khong", "chua_kich_hoat", "muc_1", "muc_2"), weights)[0]
