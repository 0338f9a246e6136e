"""Benchmark of the exports (issue 4): workbook time and peak memory, streaming of a big list.

On one freshly migrated database it generates (survey_app.demo.generator, seeded):

- xã "Bench Một": ~7.000 people (2.150 households, 8 thôn);
- xã "Bench Lớn": ~100.000 people, every counted one with an electronic health record (3.5)
  and the list cut to exactly 100.000 people, so indicator 3.5's list has 100.000 rows.

Each figure comes from a fresh child process (so peak RSS is that export's own):

1. the full thanh-hoa-1829 workbook of "Bench Một" (summary + 10 lists) with the product's code;
2. the same rows written by openpyxl's normal (in-memory) mode, and by openpyxl's own write-only
   cells — the baselines, in the same run;
3. the 100.000-row list streamed to XLSX (and CSV), RSS printed every 10.000 rows; the normal-mode
   baseline for the same list;
4. CSV zip, DOCX and the PDF of "Bench Một" (one list, and the whole commune), with the ratio of
   the whole-commune PDF's time to its workbook's; `--tasks pdf-workbook-weasyprint` adds the PDF
   laid out by WeasyPrint as the product did before (minutes).

    .venv/bin/python benchmarks/export.py                   # SQLite file /tmp/bench_export.db
    .venv/bin/python benchmarks/export.py --pg-url postgresql://postgres@127.0.0.1:5432/bench_x

The database named is WIPED and regenerated unless --reuse finds both communes in it.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SET = "thanh-hoa-1829"
YEAR = date.today().year  # the generator's people are born up to today: all counted at 31/12
SMALL, LARGE = "Bench Một", "Bench Lớn"
BIG_LIST = 100_000


def rss_mb() -> float:
    """Current resident set size of this process (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(url: str):
    from survey_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


# ---- data -------------------------------------------------------------------------------------


def prepare(url: str, reuse: bool) -> None:
    from sqlalchemy import select, text

    from survey_app.extensions import db
    from survey_app.places.models import Commune

    app = make_app(url)
    with app.app_context():
        if reuse:
            try:
                names = set(db.session.scalars(select(Commune.name)))
            except Exception:
                names = set()
            if {SMALL, LARGE} <= names:
                print("reusing the generated communes", flush=True)
                return
        _wipe(url, db, text)
        _generate(db)


def _wipe(url, db, text) -> None:
    from flask_migrate import upgrade

    if url.startswith("sqlite"):
        db.engine.dispose()
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    else:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade(directory=str(ROOT / "migrations"))


def _generate(db) -> None:
    from survey_app.demo.generator import Generator

    rng = random.Random(2026)
    generator = Generator(rng)
    for name, households in ((SMALL, 2150), (LARGE, 31500)):
        started = time.perf_counter()
        villages = [f"Thôn {n}" for n in range(1, 9)]
        commune, places = generator.places("Tỉnh Đo", name, villages)
        totals = generator.households(commune, places, households, {})
        db.session.commit()
        print(
            f"generated {name}: {totals.households} households, {totals.people} people "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    _fill_big_list(db)
    if db.engine.dialect.name == "postgresql":
        # Fresh bulk data has no planner statistics yet (autovacuum may not have run): without
        # them compute() on the 100.000-person commune picks nested loops and takes ~17 s.
        from sqlalchemy import text

        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _fill_big_list(db) -> None:
    """Give exactly BIG_LIST counted people of the large commune a health record (list 3.5)."""
    from sqlalchemy import select, update

    from survey_app.households.models import Household, Person
    from survey_app.places.models import Commune

    commune_id = db.session.scalar(select(Commune.id).where(Commune.name == LARGE))
    people = select(Person.id).join(Household).where(Household.commune_id == commune_id)
    ids = list(db.session.scalars(people.order_by(Person.id)))
    assert len(ids) >= BIG_LIST, f"only {len(ids)} people generated"
    db.session.execute(
        update(Person).where(Person.id.in_(people)).values(cu_tru="co_mat", ho_so_suc_khoe=False)
    )
    cut = ids[BIG_LIST - 1]
    chosen = people.where(Person.id <= cut)
    db.session.execute(update(Person).where(Person.id.in_(chosen)).values(ho_so_suc_khoe=True))
    db.session.commit()


# ---- one measurement (child process) ------------------------------------------------------------


def child(url: str, task: str, out: str) -> dict:
    """Run one export in this process and return its figures."""
    from sqlalchemy import select

    from aggregation.documents import ExportRequest, write
    from survey_app.extensions import db
    from survey_app.places.models import Commune

    app = make_app(url)
    with app.app_context():
        name, fmt, codes, writer = TASKS[task]
        commune = db.session.scalar(select(Commune).where(Commune.name == name))
        request = ExportRequest(commune, SET, YEAR, codes=codes)
        before, peak_before = rss_mb(), peak_mb()
        marks = []

        def progress(done, total):
            last = marks[-1][0] if marks else 0
            if done // 10_000 > len(marks) or (done == total and done != last):
                marks.append((done, round(rss_mb())))

        started = time.perf_counter()
        if writer == "product":
            result = write(db.session, request, out, fmt, progress)
            rows = result.rows
        else:
            from benchmarks.export_baselines import BASELINES

            rows = BASELINES[writer](db.session, request, out, progress)
        seconds = time.perf_counter() - started
    return {
        "task": task,
        "seconds": round(seconds, 2),
        "rows": rows,
        "rss_before_mb": round(before),
        "peak_before_mb": round(peak_before),
        "peak_mb": round(peak_mb()),
        "size_kb": round(os.path.getsize(out) / 1024),
        "rss_marks": marks if len(marks) > 2 else [],
    }


# task: (commune, format, codes, writer)
TASKS = {
    "workbook": (SMALL, "xlsx", (), "product"),
    "workbook-openpyxl-normal": (SMALL, "xlsx", (), "normal"),
    "workbook-openpyxl-write-only-cells": (SMALL, "xlsx", (), "write_only_cells"),
    "csv-zip": (SMALL, "zip", (), "product"),
    "docx": (SMALL, "docx", (), "product"),
    "pdf-one-list": (SMALL, "pdf", ("3.4",), "product"),
    "pdf-workbook": (SMALL, "pdf", (), "product"),
    "pdf-workbook-weasyprint": (SMALL, "pdf", (), "weasyprint_pdf"),
    "big-list-xlsx": (LARGE, "xlsx", ("3.5",), "product"),
    "big-list-csv": (LARGE, "csv", ("3.5",), "product"),
    "big-list-openpyxl-normal": (LARGE, "xlsx", ("3.5",), "normal"),
}


def measure(url: str, task: str, workdir: Path) -> dict:
    ext = TASKS[task][1]
    out = workdir / f"{task}.{ext}"
    command = [sys.executable, __file__, "--child", task, "--url", url, "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{task} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", default="/tmp/bench_export.db")
    parser.add_argument("--pg-url", default=None, help="use PostgreSQL (database is wiped)")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--tasks", default="", help="comma-separated subset of tasks")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.url, args.child, args.out)))
        return
    url = args.pg_url or f"sqlite:///{args.sqlite}"
    if args.prepare:
        prepare(url, args.reuse)
        return
    # Generate in a child too: Linux keeps a process's peak RSS across fork and exec, so the
    # measuring children must come from a parent that stayed small.
    command = [sys.executable, __file__, "--prepare", "--sqlite", args.sqlite]
    command += (["--pg-url", args.pg_url] if args.pg_url else []) + (["--reuse"] * args.reuse)
    subprocess.run(command, check=True)
    workdir = Path("/tmp/bench_export_files")
    workdir.mkdir(exist_ok=True)
    slow = ("pdf-workbook-weasyprint",)  # minutes: only when asked for by --tasks
    tasks = [t for t in TASKS if t not in slow]
    if args.tasks:
        tasks = [t for t in args.tasks.split(",") if t in TASKS]
    print(f"\nengine: {url.split(':')[0]}, load average {os.getloadavg()[0]:.1f}\n")
    print("| task | rows | time (s) | peak RSS (MB) | RSS before export (MB) | file (KB) |")
    print("|---|---|---|---|---|---|")
    seconds = {}
    for task in tasks:
        fig = measure(url, task, workdir)
        seconds[task] = fig["seconds"]
        print(
            f"| {task} | {fig['rows']:,} | {fig['seconds']} | {fig['peak_mb']} | "
            f"{fig['rss_before_mb']} | {fig['size_kb']:,} |".replace(",", "."),
            flush=True,
        )
        if fig["rss_marks"]:
            marks = ", ".join(f"{done // 1000}k: {mb}" for done, mb in fig["rss_marks"])
            print(f"|  | RSS (MB) by rows written: {marks} | | | | |", flush=True)
    if "workbook" in seconds and "pdf-workbook" in seconds:
        ratio = seconds["pdf-workbook"] / max(seconds["workbook"], 0.01)
        print(f"\nwhole-commune PDF / XLSX time, same run: {ratio:.1f}× (target ≤ 10×)")


if __name__ == "__main__":
    main()
