"""Benchmark of `flask backup` and `flask restore`: time, peak memory and file size.

For each engine it fills a database with generated communes (1.500 households each, made by
survey_app.demo.generator, history included), then runs the real commands in subprocesses and
reads their peak memory (ru_maxrss of the child):

    .venv/bin/python benchmarks/backup.py --households 100000 \\
        --pg-url postgresql://postgres@127.0.0.1:5432/bench_backup --sqlite /tmp/bench_backup.db

Each database named is WIPED and regenerated; the restore goes into a new empty database
(``<name>_restored`` on PostgreSQL, ``<file>.restored`` on SQLite), dropped afterwards.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.aggregate import HOUSEHOLDS, ensure_communes, reset_schema  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.households.models import Household, Person  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


PEAK = (
    "import resource, sys\n"
    "from flask.cli import main\n"
    "sys.argv = ['flask', '--app', 'survey_app', *sys.argv[1:]]\n"
    "code = 0\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as exit:\n"
    "    code = exit.code\n"
    "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def run(url: str, *args: str) -> tuple[float, int]:
    """Seconds and peak resident memory (MiB) of one flask command, in its own process."""
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *args], check=True, env=env, cwd=ROOT, capture_output=True,
        text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = next(
        int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK")
    )
    return seconds, peak // 1024


def empty_target(label: str, url: str) -> str:
    if label == "SQLite":
        path = Path(make_url(url).database + ".restored")
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = make_url(url).database + "_restored"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--sqlite", default="/tmp/bench_backup.db")
    parser.add_argument("--out", default="/tmp/bench_backup.zip")
    args = parser.parse_args()
    communes = max(1, round(args.households / HOUSEHOLDS))
    found = [("SQLite", "sqlite:///" + args.sqlite)] if args.sqlite else []
    found += [("PostgreSQL", args.pg_url)] if args.pg_url else []
    rows = []
    for label, url in found:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
        with app.app_context():
            reset_schema(url)
            ensure_communes(communes, 2026)
            households = db.session.scalar(select(func.count(Household.id)))
            people = db.session.scalar(select(func.count(Person.id)))
            db.session.remove()
            db.engine.dispose()
        out = Path(args.out)
        out.unlink(missing_ok=True)
        backup_s, backup_mb = run(url, "backup", "--out", str(out))
        target = empty_target(label, url)
        restore_s, restore_mb = run(target, "restore", str(out))
        rows.append((label, households, people, out.stat().st_size, backup_s, backup_mb,
                     restore_s, restore_mb))  # fmt: skip
        print(rows[-1], flush=True)
    print(
        "| engine | households | people | file (MiB) | backup (s) | backup peak (MiB)"
        " | restore (s) | restore peak (MiB) |\n|---|---|---|---|---|---|---|---|"
    )
    for label, hh, pp, size, bs, bm, rs, rm in rows:
        print(
            f"| {label} | {hh:,} | {pp:,} | {size / 2**20:.1f} | {bs:.0f} | {bm} | {rs:.0f} "
            f"| {rm} |".replace(",", ".")
        )


if __name__ == "__main__":
    main()
