"""Benchmark of the criteria engine (issue 3): the full thanh-hoa-1829 set on generated communes.

For each engine and size (communes × 1.500 households, made by survey_app.demo.generator) it times,
in the same run and on the same data:

- ``compute()`` for one commune and ``compute_many()`` for all communes (the product's code);
- (a) one hand-written SQL query computing the same numbers (one statement, both populations);
- (b) a per-person Python loop over the rows (what counting without SQL aggregation costs);

checks that the three give identical tallies, and prints a Markdown table with ratios.

    .venv/bin/python benchmarks/aggregate.py --sizes 1,20,200 \\
        --pg-url postgresql://postgres@127.0.0.1:5432/bench_engine --sqlite /tmp/bench_engine.db

The databases named are WIPED and regenerated (unless --reuse and they already hold enough
communes). Generation is incremental: 1 → 20 → 200 communes adds to the same database.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregation import compute, compute_many, get_criteria  # noqa: E402
from aggregation.populations import Cutoffs  # noqa: E402
from aggregation.rules import Rules, default_as_of  # noqa: E402
from benchmarks.aggregate_baselines import hand_written, python_loop  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.places.models import Commune  # noqa: E402

CRITERIA = "thanh-hoa-1829"
HOUSEHOLDS = 1500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,20,200", help="communes per step, ascending")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--sqlite", default="/tmp/bench_engine.db", help="SQLite file ('' = skip)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (median)")
    parser.add_argument("--reuse", action="store_true", help="keep existing data when enough")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def engines(args) -> list[tuple[str, str]]:
    found = []
    if args.sqlite:
        found.append(("SQLite", "sqlite:///" + args.sqlite))
    if args.pg_url:
        found.append(("PostgreSQL", args.pg_url))
    return found


def reset_schema(url: str) -> None:
    """Empty the database and migrate it (the migration creates the counting indexes)."""
    from flask_migrate import upgrade

    if url.startswith("sqlite"):
        db.session.remove()
        db.engine.dispose()
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()


def ensure_communes(size: int, seed: int) -> None:
    """Generate communes of 1.500 households until there are ``size``."""
    from werkzeug.security import generate_password_hash

    from survey_app.demo import names
    from survey_app.demo.generator import Generator

    have = db.session.scalar(select(func.count(Commune.id)))
    taken = set(db.session.scalars(select(Commune.name)))
    password_hash = generate_password_hash("bench-only")
    started = time.perf_counter()
    for number in range(have, size):
        rng = random.Random(seed + number)
        generator = Generator(rng)
        name = names.commune_name(rng, taken)
        taken.add(name)
        villages = [f"Thôn {i}" for i in range(1, rng.randint(8, 12) + 1)]
        commune, places = generator.places("Thanh Hóa", name, villages)
        surveyors, _ = generator.staff(commune, places, password_hash)
        generator.households(commune, places, HOUSEHOLDS, surveyors)
        db.session.commit()
        if (number + 1) % 10 == 0:
            print(f"  … {number + 1}/{size} xã ({time.perf_counter() - started:.0f} s)", flush=True)
    if size > have:
        analyze()
        print(f"  generated {size - have} communes in {time.perf_counter() - started:.0f} s")


def existing_communes() -> int:
    """Communes already in the database (0 when it has no schema yet)."""
    try:
        return db.session.scalar(select(func.count(Commune.id)))
    except Exception:  # no schema yet: any driver error means "start afresh"
        db.session.rollback()
        return 0


def analyze() -> None:
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))


def timed(fns: dict, repeat: int) -> tuple[dict, dict]:
    """Median wall time (ms) of each function and its last result.

    The functions run in turn within each round (after one warm-up round), so a burst of load on
    a shared machine hits the engine and its baseline alike and the ratios stay meaningful.
    """
    results = {name: fn() for name, fn in fns.items()}
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            db.session.expire_all()
            start = time.perf_counter()
            results[name] = fn()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(t) for name, t in times.items()}, results


def tallies_of(reports) -> dict:
    """{(commune_id, village_id, code): (num, den, unknown)} from compute results."""
    out = {}
    for report in reports:
        for item in report.indicators:
            for row in item.villages:
                if row.denominator or row.numerator:
                    key = (report.commune_id, row.village.id, item.code)
                    out[key] = (row.numerator, row.denominator, row.unknown)
    return out


def measure(label: str, size: int, repeat: int) -> dict:
    """Time the three ways for one commune and for all communes; check they agree."""
    year = date.today().year
    cut = Cutoffs.build(Rules(), default_as_of(year))
    criteria = get_criteria(CRITERIA)
    first = db.session.scalar(select(Commune).order_by(Commune.id))
    people = db.session.scalar(text("SELECT count(*) FROM person"))
    row = {"engine": label, "communes": size, "people": people}
    fast, got = timed(
        {
            "one": lambda: compute(db.session, first, CRITERIA, year),
            "one_sql": lambda: hand_written(db.session, cut, first.id),
            "all": lambda: compute_many(db.session, None, CRITERIA, year),
            "all_sql": lambda: hand_written(db.session, cut, None),
        },
        repeat,
    )
    slow, loops = timed(
        {
            "one_loop": lambda: python_loop(db.session, criteria, cut, first.id),
            "all_loop": lambda: python_loop(db.session, criteria, cut, None),
        },
        1 if size >= 100 else 3,
    )
    row.update(fast, **slow)
    assert tallies_of([got["one"]]) == got["one_sql"] == loops["one_loop"], "one commune differs"
    assert tallies_of(got["all"]) == got["all_sql"] == loops["all_loop"], "all communes differ"
    return row


def markdown(rows: list[dict]) -> str:
    head = (
        "| engine | communes | people | one commune: compute (ms) | hand SQL (ms)"
        " | Python loop (ms) | all communes: compute_many (ms) | hand SQL (ms) | Python loop (ms)"
        " | compute_many / hand SQL | loop / compute_many |\n|" + "---|" * 11
    )
    lines = [head]
    for r in rows:
        lines.append(
            f"| {r['engine']} | {r['communes']} | {r['people']:,} | {r['one']:.1f} | "
            f"{r['one_sql']:.1f} | {r['one_loop']:.0f} | {r['all']:.0f} | {r['all_sql']:.0f} | "
            f"{r['all_loop']:.0f} | ×{r['all'] / r['all_sql']:.2f} | "
            f"×{r['all_loop'] / r['all']:.1f} |".replace(",", ".")
        )
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for label, url in engines(args):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            if not (args.reuse and existing_communes()):
                reset_schema(url)
            for size in sizes:
                if existing_communes() > size:
                    print(f"{label}: skip {size} communes (the database already holds more)")
                    continue
                print(f"{label}: {size} communes", flush=True)
                ensure_communes(size, args.seed)
                rows.append(measure(label, size, args.repeat))
                print(markdown(rows[-1:]), flush=True)
            db.session.remove()
    print("\n" + markdown(rows))


if __name__ == "__main__":
    main()
