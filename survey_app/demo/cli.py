"""`flask load-demo` (the demo commune of `make run`) and `flask generate-demo` (bulk data)."""

import random
import secrets
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from survey_app.accounts.models import ADMIN, COMMUNE_OFFICER, VILLAGE_HEAD, VOLUNTEER, User
from survey_app.accounts.services import create_user
from survey_app.demo import names
from survey_app.demo.generator import Generator, Totals
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.places.models import Commune, Province
from survey_app.places.services import find_commune
from survey_app.templating import vn_number
from survey_app.transactions import refresh_statistics, unit_of_work

DEMO_PROVINCE = "Thanh Hóa"
DEMO_COMMUNE = "Hoàng Kim"
DEMO_VILLAGES = ["Thôn 1", "Thôn 2"]
DEMO_HOUSEHOLDS = 40
DEMO_SEED = 2025
# username, role, villages (by index into DEMO_VILLAGES)
DEMO_USERS = [
    ("admin", ADMIN, ()),
    ("canbo", COMMUNE_OFFICER, ()),
    ("truongthon", VILLAGE_HEAD, (0,)),
    ("tinhnguyenvien", VOLUNTEER, (0, 1)),
]


@click.command("load-demo")
@with_appcontext
def load_demo():
    """Load the demo commune (two villages, ~40 households, one user per role) once."""
    if find_commune(DEMO_COMMUNE, DEMO_PROVINCE) is not None:
        click.echo(f"Xã {DEMO_COMMUNE} đã có sẵn: không nạp lại dữ liệu mẫu.")
        return
    generator = Generator(random.Random(DEMO_SEED))
    with unit_of_work():
        history.attribute(None, "cli")
        commune, villages = generator.places(DEMO_PROVINCE, DEMO_COMMUNE, DEMO_VILLAGES)
        created = _demo_users(generator, commune, villages)
        surveyors = _surveyors(villages, created)
        totals = generator.households(commune, villages, DEMO_HOUSEHOLDS, surveyors)
    click.echo(
        f"Đã nạp xã mẫu {DEMO_COMMUNE} ({DEMO_PROVINCE}): {len(villages)} thôn, "
        f"{totals.households} hộ, {totals.people} nhân khẩu."
    )
    _print_passwords({user.username: password for user, password in created})


def _demo_users(generator: Generator, commune, villages) -> list[tuple[User, str]]:
    """One user per role with a random password; an existing username is left alone."""
    created = []
    for username, role, indexes in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)):
            continue  # an account made earlier by hand keeps its password
        password = secrets.token_urlsafe(9)
        sex = generator.rng.choice(("nam", "nu"))
        full_name = names.full_name(generator.rng, sex, generator.rng.randint(1965, 1995))
        user = create_user(
            None,
            username,
            password,
            role,
            None if role == ADMIN else commune,
            [villages[i] for i in indexes],
            full_name=full_name,
        )
        created.append((user, password))
    return created


def _surveyors(villages, created) -> dict[int, list[int]]:
    """Households of the demo are surveyed by the demo volunteer of their village."""
    out: dict[int, list[int]] = {v.id: [] for v in villages}
    for user, _password in created:
        if user.role == VOLUNTEER:
            for village in user.villages:
                out[village.id].append(user.id)
    return out


def _print_passwords(passwords: dict[str, str]) -> None:
    if not passwords:
        return
    bar = "=" * 60
    click.echo(f"{bar}\nTÀI KHOẢN MẪU — mật khẩu chỉ hiện MỘT LẦN, hãy ghi lại:")
    for username, password in passwords.items():
        click.echo(f"  {username:<16} {password}")
    click.echo(bar)


@click.command("generate-demo")
@click.option("--communes", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--households-per-commune", type=click.IntRange(min=1), default=1500, show_default=True
)
@click.option("--province", default=DEMO_PROVINCE, show_default=True, help="Tên tỉnh")
@click.option("--seed", type=int, default=None, help="Hạt giống ngẫu nhiên (để tạo lại y hệt)")
@with_appcontext
def generate_demo(communes, households_per_commune, province, seed):
    """Generate realistic communes, villages, staff and households in bulk."""
    seed = seed if seed is not None else secrets.randbelow(10**6)
    rng = random.Random(seed)
    password = secrets.token_urlsafe(9)
    password_hash = generate_password_hash(password)  # once: hashing per user is slow
    taken = set(
        db.session.scalars(select(Commune.name).join(Province).where(Province.name == province))
    )
    click.echo(f"Tạo {communes} xã × {vn_number(households_per_commune)} hộ (seed {seed}).")
    started, totals, usernames = time.perf_counter(), Totals(), []
    for number in range(1, communes + 1):
        name = names.commune_name(rng, taken)
        taken.add(name)
        made, users = _one_commune(rng, province, name, households_per_commune, password_hash)
        totals.add(made)
        usernames += users[:2]
        elapsed = time.perf_counter() - started
        click.echo(
            f"[{number}/{communes}] Xã {name}: {made.villages} thôn, "
            f"{vn_number(made.households)} hộ, {vn_number(made.people)} nhân khẩu "
            f"({elapsed:.1f} s)"
        )
    _summary(totals, time.perf_counter() - started, password, usernames)


def _one_commune(rng, province, name, households, password_hash):
    """Create one commune and commit it, so an interrupted run leaves whole communes only."""
    village_count = max(1, min(rng.randint(8, 12), households))
    generator = Generator(rng, progress=_progress_printer(households))
    with unit_of_work():
        history.attribute(None, "cli")
        commune, villages = generator.places(
            province, name, [f"Thôn {i}" for i in range(1, village_count + 1)]
        )
        surveyors, usernames = generator.staff(commune, villages, password_hash)
        made = generator.households(commune, villages, households, surveyors)
        refresh_statistics(made.households + made.people)
    made.communes, made.villages, made.users = 1, len(villages), len(usernames)
    return made, usernames


def _progress_printer(total: int):
    step = max(10_000, total // 10)
    state = {"next": step}

    def report(done: int, _total: int) -> None:
        if done >= state["next"] and done < total:
            click.echo(f"    … {vn_number(done)}/{vn_number(total)} hộ")
            state["next"] += step

    return report


def _summary(totals: Totals, seconds: float, password: str, usernames: list[str]) -> None:
    rate = totals.households / seconds if seconds else 0
    click.echo(
        f"Xong: {totals.communes} xã, {totals.villages} thôn, {vn_number(totals.households)} hộ, "
        f"{vn_number(totals.people)} nhân khẩu, {totals.users} tài khoản "
        f"trong {seconds:.1f} s ({vn_number(round(rate))} hộ/giây)."
    )
    click.echo(f"Mật khẩu chung của mọi tài khoản vừa tạo (chỉ hiện một lần): {password}")
    click.echo("Ví dụ tài khoản: " + ", ".join(usernames[:6]))
