"""Benchmark of the audit log page and `anonymise` on a generated commune.

One generated commune (4 thôn, 1.600 households, about 4 people each) with 100.000 audit rows
about its households and users plus 100.000 of another commune. Through the Flask test client:
the first page, a filtered page, a deep page, the CSV of one action; then anonymise (dry run and
real) with every household past retention.

    .venv/bin/python benchmarks/privacy.py                     # SQLite (/tmp/bench_privacy.db)
    BENCH_DATABASE_URL=postgresql://... .venv/bin/python benchmarks/privacy.py   # then PostgreSQL

The databases are WIPED.
"""

import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_commune, fresh_app  # noqa: E402
from survey_app.accounts.services import create_user  # noqa: E402
from survey_app.audit import AuditLog  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.households.models import Household  # noqa: E402
from survey_app.places.models import Commune  # noqa: E402
from survey_app.privacy import services  # noqa: E402
from survey_app.timeutil import utcnow  # noqa: E402

PASSWORD = "bench-privacy-1"
HOUSEHOLDS, ROWS = 1600, 100_000
ACTIONS = ("update", "visit", "export", "login", "plate_issue")


def build(url: str):
    """The commune, its officer, and 2 × ROWS audit rows (half of them another commune's)."""
    app = fresh_app(url)
    with app.app_context():
        commune, villages = bench_commune(HOUSEHOLDS)
        officer = create_user(None, "canbo", PASSWORD, "commune_officer", commune, [])
        tokens = list(db.session.scalars(select(Household.token)))
        _audit_rows(officer.id, tokens)
        db.session.commit()
        return app, commune.id


def _audit_rows(user_id: int, tokens: list[str]) -> None:
    rng, now = random.Random(7), utcnow()
    for start in range(0, 2 * ROWS, 10_000):
        batch = [
            {
                "at": now - timedelta(minutes=n),
                "user_id": user_id if n < ROWS else None,
                "action": rng.choice(ACTIONS),
                "object_type": "household",
                "object_key": rng.choice(tokens) if n < ROWS else f"other{n:027d}",
                "details": {"changes": {"dia_chi": ["Xóm A", "Xóm B"]}},
            }
            for n in range(start, start + 10_000)
        ]
        db.session.execute(insert(AuditLog), batch)


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    result = fn()
    print(f"  {label}: {(time.perf_counter() - start) * 1000:.0f} ms", result or "")


def run(url: str) -> None:
    print(url.split("@")[-1])
    app, commune_id = build(url)
    with app.app_context():
        c = app.test_client()
        c.post("/dang-nhap", data={"username": "canbo", "password": PASSWORD})
        page = "/quan-ly/nhat-ky/"
        timed("audit page 1", lambda: c.get(page).status_code)
        timed("audit page, action=export", lambda: c.get(page + "?hanh_dong=export").status_code)
        timed("audit page 1000", lambda: c.get(page + "?page=1000").status_code)
        timed("CSV of one action", lambda: len(c.get(page + "nhat-ky.csv?hanh_dong=export").data))
        old = utcnow() - timedelta(days=6 * 366)
        db.session.execute(update(Household).values(updated_at=old))
        db.session.commit()
        commune = db.session.get(Commune, commune_id)
        dry = services.anonymise
        timed("anonymise --dry-run", lambda: dry(None, commune, dry_run=True).households)
        timed("anonymise", lambda: services.anonymise(None, commune).people)
        db.session.commit()


if __name__ == "__main__":
    run("sqlite:////tmp/bench_privacy.db")
    if os.environ.get("BENCH_DATABASE_URL"):
        run(os.environ["BENCH_DATABASE_URL"])
