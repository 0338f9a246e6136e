"""Benchmark of figures as of a past date (issue: history) beside today's and hand-written SQL.

For each size (communes × 1.500 households, made by survey_app.demo.generator) it times, in the
same run and on the same data (median of --repeat runs, taken in turn):

- ``compute_many()`` for every commune on today's data (the product's current-state path);
- the same with the code before history was kept (``--baseline-tree``, a checkout of that
  commit, run in a subprocess on the same database): today's path must stay as fast;
- ``compute_many()`` as of a past date (read from the version tables), and the ratio to today's;
- the hand-written SQL count of aggregate.py (today's data), as the floor.

It also makes 1.000 household edits the way the page does (services.save_household) and reports
what the version tables grew by (PostgreSQL: pg_total_relation_size; SQLite: file size).

    git worktree add /tmp/base 16e5b99   # the last commit before history
    .venv/bin/python benchmarks/as_of.py --sizes 1,20,200 --baseline-tree /tmp/base \\
        --pg-url postgresql://postgres@127.0.0.1:5432/bench_asof

The database named is WIPED and regenerated (unless --reuse).
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregation import compute_many  # noqa: E402
from aggregation.populations import Cutoffs  # noqa: E402
from aggregation.rules import Rules, default_as_of  # noqa: E402
from benchmarks.aggregate import (  # noqa: E402
    CRITERIA,
    ensure_communes,
    existing_communes,
    reset_schema,
    tallies_of,
    timed,
)
from benchmarks.aggregate_baselines import hand_written  # noqa: E402
from survey_app import create_app, timeutil  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.history.models import VERSIONED  # noqa: E402

BASELINE = """
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from survey_app import create_app
from survey_app.extensions import db
from aggregation import compute_many
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[2], "SECRET_KEY": "bench"})
with app.app_context():
    compute_many(db.session, None, sys.argv[3], int(sys.argv[4]))
    times = []
    for _ in range(int(sys.argv[5])):
        db.session.expire_all()
        start = time.perf_counter()
        compute_many(db.session, None, sys.argv[3], int(sys.argv[4]))
        times.append((time.perf_counter() - start) * 1000)
print(json.dumps(statistics.median(times)))
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,20,200")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--sqlite", default="", help="SQLite file ('' = skip)")
    parser.add_argument("--baseline-tree", default="", help="checkout of the code before history")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args()


def seed_versions() -> None:
    """Generated rows get their first version as the upgrade gives existing rows (bulk-made
    demo data bypasses the ORM): valid since they were created, a year ago."""
    year_ago = timeutil.utcnow() - timedelta(days=365)
    with db.engine.begin() as conn:
        for model, table in VERSIONED.items():
            name = model.__tablename__
            have = set(conn.execute(select(table.c[f"{name}_id"])).scalars())
            columns = [c.name for c in model.__table__.columns if c.name != "id"]
            listed = ", ".join(f'"{c}"' for c in columns)
            missing = "" if not have else f" WHERE id NOT IN (SELECT {name}_id FROM {name}_version)"
            conn.execute(
                text(
                    f"INSERT INTO {name}_version ({name}_id, valid_from, source, {listed}) "
                    f"SELECT id, :start, 'migration', {listed} FROM {name}{missing}"
                ),
                {"start": year_ago},
            )


def version_bytes(url: str) -> int:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).stat().st_size
    names = ", ".join(f"'{t.name}'" for t in VERSIONED.values())
    return db.session.scalar(
        text(
            f"SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE relname IN ({names})"
        )
    )


def edit_households(count: int, seed: int) -> None:
    """``count`` saves as the household page makes them: one answer of one member changes."""
    from survey_app.households.models import Household
    from survey_app.households.services import save_household

    rng = random.Random(seed)
    ids = db.session.scalars(select(Household.id).order_by(Household.id).limit(count * 3)).all()
    for household_id in rng.sample(ids, min(count, len(ids))):
        household = db.session.get(Household, household_id)
        members = [{"token": p.token} for p in household.members]
        members[0]["tk_thanh_toan"] = not bool(household.members[0].tk_thanh_toan)
        save_household(household.last_edited_by or household.surveyed_by, household,
                       {"consent": True, "members": members}, household.version)  # fmt: skip
        db.session.commit()


def baseline_ms(tree: str, url: str, year: int, repeat: int) -> float | None:
    if not tree:
        return None
    out = subprocess.run(
        [sys.executable, "-c", BASELINE, tree, url, CRITERIA, str(year), str(repeat)],
        capture_output=True, text=True, check=True, cwd=tree,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def measure(label: str, url: str, size: int, args) -> dict:
    year = timeutil.vn_today().year
    past = timeutil.vn_today() - timedelta(days=30)  # a day that has ended, before the edits
    cut = Cutoffs.build(Rules(), default_as_of(year))
    people = db.session.scalar(text("SELECT count(*) FROM person"))
    versions = db.session.scalar(text("SELECT count(*) FROM person_version"))
    row = {"engine": label, "communes": size, "people": people, "person_versions": versions}
    times, got = timed(
        {
            "today": lambda: compute_many(db.session, None, CRITERIA, year),
            "as_of": lambda: compute_many(db.session, None, CRITERIA, year, past),
            "sql": lambda: hand_written(db.session, cut, None),
        },
        args.repeat,
    )
    row.update(times)
    row["baseline"] = baseline_ms(args.baseline_tree, url, year, args.repeat)
    assert tallies_of(got["today"]) == got["sql"], "today's figures differ from the hand count"
    return row


def markdown(rows: list[dict]) -> str:
    head = (
        "| engine | communes | people | person versions | today: compute_many (ms)"
        " | before history (ms) | today / before | as of a past date (ms) | as-of / today"
        " | hand SQL, today (ms) |\n|" + "---|" * 10
    )
    lines = [head]
    for r in rows:
        base = r["baseline"]
        shown = f"{base:.0f}" if base else "—"
        ratio = f"×{r['today'] / base:.2f}" if base else "—"
        lines.append(
            f"| {r['engine']} | {r['communes']} | {r['people']:,} | {r['person_versions']:,} | "
            f"{r['today']:.0f} | {shown} | {ratio} | {r['as_of']:.0f} | "
            f"×{r['as_of'] / r['today']:.2f} | {r['sql']:.0f} |".replace(",", ".")
        )
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows, growth = [], []
    found = [("SQLite", "sqlite:///" + args.sqlite)] if args.sqlite else []
    found += [("PostgreSQL", args.pg_url)] if args.pg_url else []
    for label, url in found:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            if not (args.reuse and existing_communes()):
                reset_schema(url)
            for size in sizes:
                if existing_communes() > size:
                    continue
                print(f"{label}: {size} communes", flush=True)
                ensure_communes(size, args.seed)
                seed_versions()
                db.session.execute(text("ANALYZE"))
                db.session.commit()
                rows.append(measure(label, url, size, args))
                print(markdown(rows[-1:]), flush=True)
            before = version_bytes(url)
            started = time.perf_counter()
            edit_households(args.edits, args.seed)
            seconds = time.perf_counter() - started
            db.session.commit()
            grown = version_bytes(url) - before
            growth.append((label, args.edits, grown, seconds))
            db.session.remove()
    print("\n" + markdown(rows))
    for label, edits, grown, seconds in growth:
        print(
            f"\n{label}: {edits} household edits grew the version tables by "
            f"{grown / 1024:.0f} KiB ({grown / edits:.0f} bytes an edit); {seconds:.1f} s"
        )
    print(json.dumps({"rows": rows, "growth": growth}, default=str))


if __name__ == "__main__":
    main()
