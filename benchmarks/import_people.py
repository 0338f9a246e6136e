"""Benchmark: `import-households` with 5.000 people from CSV, against a naive per-row ORM import.

    .venv/bin/python benchmarks/import_people.py [--people 5000] [--seed 1]

Always runs on a fresh SQLite file; also on PostgreSQL when BENCH_DATABASE_URL (or
TEST_DATABASE_URL) is set. WARNING: that PostgreSQL database's public schema is dropped and
recreated. For each engine it times, wall clock, through the real command (read, check, write,
commit): a first import, the same file again (nothing changes), and a file where 10% of the
households changed; then the baseline: the same checked rows written one ORM object at a time with
one SELECT per row (what the bulk path avoids). Prints a Markdown table for docs/benchmarks.md.

A second table times the preview (`--dry-run`: read, check, work out every change in words,
write nothing) of the same files, against the import it stands for, and the undo of the import of
the changed file (every row it wrote put back from the history).
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from household_forms.import_template import COLUMNS  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.households.models import Household, Person  # noqa: E402
from survey_app.imports.parsing import parse_file  # noqa: E402
from survey_app.places.models import Village  # noqa: E402
from survey_app.places.services import get_or_create_commune  # noqa: E402

SURNAMES = "Nguyễn Nguyễn Nguyễn Trần Lê Lê Phạm Hoàng Vũ Đỗ Bùi Đặng Ngô Lương Trịnh".split()
MALE = "An Bình Cường Dũng Đức Giang Hải Hùng Khánh Long Minh Nam Phúc Quang Sơn Tuấn Vinh".split()
FEMALE = "Anh Chi Dung Hà Hạnh Hoa Hương Lan Linh Mai Nga Ngọc Oanh Phương Thảo Trang Yến".split()
VILLAGES = [f"Thôn {n}" for n in ("Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Mới")]
YES_RATE = {
    "dt_thong_minh": 0.8,
    "tk_thanh_toan": 0.7,
    "ptt_an_toan": 0.5,
    "chu_ky_so": 0.3,
    "ky_nang_so": 0.6,
    "dvc_truc_tuyen": 0.3,
    "ho_so_suc_khoe": 0.9,
    "kham_tu_xa": 0.1,
    "cap_quang": 0.7,
    "dien_khong_tien_mat": 0.6,
    "dia_chi_so": 0.5,
    "ho_kinh_doanh": 0.15,
    "kd_thanh_toan_dt": 0.6,
    "kd_san_tmdt": 0.2,
}


def person(rng, surname, male, born, relation):
    middle = "Văn" if male else "Thị"
    given = rng.choice(MALE if male else FEMALE)
    year_only = rng.random() < 0.2  # old registers often hold only the year
    birth = str(born) if year_only else f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{born}"
    return {
        "ho_ten": f"{surname} {middle} {given}",
        "ngay_sinh": birth,
        "gioi_tinh": "Nam" if male else "Nữ",
        "quan_he": relation,
    }


def household_people(rng):
    """A head, often a spouse, 0–3 children, sometimes an old parent: about 3.8 people."""
    surname, head_male = rng.choice(SURNAMES), rng.random() < 0.75
    head_born = rng.randint(1940, 1998)
    people = [person(rng, surname, head_male, head_born, "Chủ hộ")]
    if rng.random() < 0.85:
        spouse = person(
            rng,
            rng.choice(SURNAMES),
            not head_male,
            head_born + rng.randint(-3, 4),
            "Vợ" if head_male else "Chồng",
        )
        people.append(spouse)
    for _ in range(rng.choice((0, 1, 2, 2, 2, 3, 3))):
        born = min(2024, head_born + rng.randint(20, 35))
        people.append(person(rng, surname, rng.random() < 0.5, born, "Con"))
    if head_born > 1965 and rng.random() < 0.3:
        people.append(person(rng, surname, rng.random() < 0.4, head_born - 27, "Mẹ"))
    unique = {(p["ho_ten"], p["ngay_sinh"]): p for p in reversed(people)}  # twins: keep one
    return [p for p in people if unique.get((p["ho_ten"], p["ngay_sinh"])) is p]


def answer(rng, key):
    roll = rng.random()
    if roll < 0.08:
        return ""  # not asked yet
    return "Có" if roll < 0.08 + 0.92 * YES_RATE[key] else "Không"


def generate_rows(people: int, seed: int) -> list[dict]:
    rng, rows, number = random.Random(seed), [], 0
    while len(rows) < people:
        number += 1
        members = household_people(rng)
        shared = {
            "thon": rng.choice(VILLAGES),
            "ma_ho": f"HK-{number:05d}",
            "chu_ho": members[0]["ho_ten"],
            "dia_chi": f"Xóm {rng.randint(1, 12)}",
            "so_dien_thoai": f"09{rng.randint(10_000_000, 99_999_999)}",
        }
        shared |= {
            c.key: answer(rng, c.key)
            for c in COLUMNS
            if c.kind == "yesno" and c.level == "household"
        }
        for member in members[: people - len(rows)]:
            cu_tru = rng.choices(["", "Tạm vắng", "Đã chuyển đi"], (90, 7, 3))[0]
            vneid = rng.choices(
                ["Mức 2", "Mức 1", "Chưa kích hoạt", "Không", ""], (55, 15, 10, 12, 8)
            )[0]
            answers = {
                c.key: answer(rng, c.key)
                for c in COLUMNS
                if c.kind == "yesno" and c.level == "person"
            }
            rows.append(shared | member | answers | {"cu_tru": cu_tru, "vneid": vneid})
    return rows


def csv_file(rows: list[dict], path: Path) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    writer.writerows([[row.get(c.key, "") for c in COLUMNS] for row in rows])
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    return path


def changed(rows: list[dict], seed: int) -> list[dict]:
    """A tenth of the households changed: a new answer or a moved household."""
    rng = random.Random(seed + 1)
    picked = {r["ma_ho"] for r in rows if rng.random() < 0.1}
    new_answer = {"ky_nang_so": "Có", "thon": VILLAGES[0]}
    return [row | new_answer if row["ma_ho"] in picked else row for row in rows]


def fresh_app(url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if url.startswith("postgres"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
    return app


def timed_command(app, path: Path, commune: str, *extra: str) -> float:
    args = ["import-households", str(path), "--province", "Thanh Hóa", "--commune", commune]
    args += list(extra)
    start = time.perf_counter()
    result = app.test_cli_runner().invoke(args=args)
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"import failed: {result.output}")
    return elapsed


def naive_import(app, path: Path, commune_name: str) -> float:
    """Baseline: same checks, then one SELECT per row and one ORM flush per person."""
    start = time.perf_counter()
    with app.app_context():
        parsed = parse_file(path.name, path.read_bytes(), date.today())
        commune = get_or_create_commune(None, "Thanh Hóa", commune_name)
        for household in parsed.households.values():
            for member in household.members:
                in_village = (Village.commune_id == commune.id, Village.name == household.village)
                village = db.session.scalar(select(Village).where(*in_village))
                if village is None:
                    village = Village(commune=commune, name=household.village)
                    db.session.add(village)
                same = (Household.commune_id == commune.id, Household.ma_ho == household.ma_ho)
                found = db.session.scalar(select(Household).where(*same))
                if found is None:
                    values = {"chu_ho": household.default_chu_ho} | household.values
                    found = Household(
                        commune=commune, village=village, ma_ho=household.ma_ho, **values
                    )
                    db.session.add(found)
                db.session.add(
                    Person(household=found, position=len(found.members), **member.values)
                )
                db.session.flush()
        db.session.commit()
    return time.perf_counter() - start


def timed_undo(app) -> float:
    """Undo the latest import (as the page's "Hoàn tác" does); returns seconds."""
    from survey_app.operations import services as operations
    from survey_app.operations.models import IMPORT, Operation

    with app.app_context():
        latest = select(Operation).where(Operation.kind == IMPORT).order_by(Operation.id.desc())
        operation = db.session.scalars(latest.limit(1)).one()
        start = time.perf_counter()
        operations.undo(None, operation)
        db.session.commit()
        elapsed = time.perf_counter() - start
        db.session.remove()
    return elapsed


def bench_preview(label: str, url: str, files: dict[str, Path]) -> str:
    """Preview a new commune's file, import it; preview the changed file, import it, undo."""
    app = fresh_app(url)
    preview_first = timed_command(app, files["first"], "Hoàng Kim", "--dry-run")
    first = timed_command(app, files["first"], "Hoàng Kim")
    preview_changed = timed_command(app, files["changed"], "Hoàng Kim", "--dry-run")
    modified = timed_command(app, files["changed"], "Hoàng Kim")
    undo = timed_undo(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cells = (preview_first, first, preview_changed, modified, undo)
    return f"| {label} | " + " | ".join(f"{v:.2f}" for v in cells) + " |"


def bench(label: str, url: str, files: dict[str, Path], people: int) -> list[str]:
    app = fresh_app(url)
    first = timed_command(app, files["first"], "Hoàng Kim")
    again = timed_command(app, files["first"], "Hoàng Kim")
    modified = timed_command(app, files["changed"], "Hoàng Kim")
    naive = naive_import(app, files["first"], "Xã Đối Chứng")
    with app.app_context():
        count = db.session.scalar(select(func.count(Person.id)))
        db.session.remove()
        db.engine.dispose()
    assert count == 2 * people, count
    cells = (first, again, modified, naive, naive / first)
    return [f"| {label} | " + " | ".join(f"{v:.2f}" for v in cells[:4]) + f" | ×{cells[4]:.1f} |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = generate_rows(args.people, args.seed)
        files = {
            "first": csv_file(rows, Path(tmp) / "ho.csv"),
            "changed": csv_file(changed(rows, args.seed), Path(tmp) / "ho-sua.csv"),
        }
        households = len({r["ma_ho"] for r in rows})
        print(
            f"{args.people} people in {households} households, "
            f"{files['first'].stat().st_size // 1024} KB CSV"
        )
        print(
            "| engine | first import (s) | same file again (s) | 10% households changed (s) "
            "| naive per-row ORM (s) | naive / first |"
        )
        print("|---|---|---|---|---|---|")
        targets = [("SQLite", "sqlite:///" + str(Path(tmp) / "bench.db"))]
        pg_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if pg_url:
            targets.append(("PostgreSQL", pg_url))
        for label, url in targets:
            for line in bench(label, url, files, args.people):
                print(line, flush=True)
        print()
        print(
            "| engine | preview, new commune (s) | its import (s) | preview, 10% changed (s) "
            "| its import (s) | undo of that import (s) |"
        )
        print("|---|---|---|---|---|---|")
        for label, url in targets:
            print(bench_preview(label, url, files), flush=True)


if __name__ == "__main__":
    main()
