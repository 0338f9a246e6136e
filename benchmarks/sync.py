"""Benchmark of the sync API (issue 5): sizes and timings of pulls and pushes on a real commune.

One generated commune (4 thôn, 1.600 households by survey_app.demo.generator, about 4 people
each). Through the Flask test client, so each figure includes routing, sign-in, JSON and the
database, but no network:

- first pull: stamping every household (the feed's catch-up) plus the pages;
- a volunteer's full pull of one thôn (pages of 100) and an officer's of the commune (500);
- an empty pull (the phone polls and nothing changed) — the common case;
- pushes of 50 updates and 20 creates in one batch, then the same batch again (replays);
- an incremental pull after a bulk update of one thôn (as a re-import does).

    .venv/bin/python benchmarks/sync.py                        # SQLite (/tmp/bench_sync.db)
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_sync .venv/bin/python \\
        benchmarks/sync.py                                     # SQLite, then PostgreSQL

The databases are WIPED.
"""

import gzip
import json
import os
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bench_commune, fresh_app  # noqa: E402
from survey_app.accounts.services import create_user  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.households.models import Household  # noqa: E402

PASSWORD = "bench-sync-1"
HOUSEHOLDS = 1600


def build(url: str):
    app = fresh_app(url)
    with app.app_context():
        commune, villages = bench_commune(HOUSEHOLDS)
        create_user(None, "tnv", PASSWORD, "volunteer", commune, [villages[0]])
        create_user(None, "canbo", PASSWORD, "commune_officer", commune, [])
        db.session.commit()
        size = db.session.query(Household).filter_by(village_id=villages[0].id).count()
    return app, villages[0].id, size


def client(app, username):
    c = app.test_client()
    assert (
        c.post("/dang-nhap", data={"username": username, "password": PASSWORD}).status_code == 302
    )
    return c


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def pull_all(c, limit, since=None):
    """Follow the pages; return (ms, pages, households, JSON bytes, gzip bytes, cursor)."""
    pages = households = raw = zipped = 0
    start = time.perf_counter()
    while True:
        query = {"limit": limit, **({"since": since} if since else {})}
        response = c.get("/api/sync/pull", query_string=query, headers={"Accept-Encoding": "gzip"})
        sent = response.get_data()  # what goes over the wire: the server gzips JSON pages
        body = gzip.decompress(sent) if response.content_encoding == "gzip" else sent
        pages, raw, zipped = pages + 1, raw + len(body), zipped + len(sent)
        data = json.loads(body)
        households += len(data["households"])
        since = data["cursor"]
        if not data["more"]:
            ms = (time.perf_counter() - start) * 1000
            return ms, pages, households, raw, zipped, since


def push(c, changes):
    return timed(lambda: c.post("/api/sync/push", json={"changes": changes}).get_json())


def updates(c, count):
    data = c.get("/api/sync/pull", query_string={"limit": count}).get_json()["households"]
    return [
        {
            "change_id": str(uuid.uuid4()),
            "kind": "update",
            "household": h["token"],
            "base_version": h["version"],
            "data": {"consent": True, "dia_chi": "Xóm đo thời gian", "cap_quang": True},
        }
        for h in data[:count]
    ]


def creates(village_token, count):
    member = {"ho_ten": "Nguyễn Văn Đo", "ngay_sinh": "1970", "gioi_tinh": "nam"}
    return [
        {
            "change_id": str(uuid.uuid4()),
            "kind": "create",
            "village": village_token,
            "household": secrets.token_urlsafe(16),
            "data": {
                "consent": True,
                "ma_ho": f"DO-{i}",
                "chu_ho": "Nguyễn Văn Đo",
                "members": [member | {"token": secrets.token_urlsafe(16)} for _ in range(4)],
            },
        }
        for i in range(count)
    ]


def run(label: str, url: str) -> None:
    app, village_id, size = build(url)
    rows = []
    # No app context around the clients: each request then loads its own signed-in user.
    officer = client(app, "canbo")
    ms, pages, n, raw, zipped, _ = pull_all(officer, 500)
    rows.append(("officer, first pull ever (stamps 1.600 households)", ms, pages, n, raw, zipped))
    vol = client(app, "tnv")
    ms, pages, n, raw, zipped, cursor = pull_all(vol, 100)
    rows.append(
        (f"volunteer, full pull of one thôn ({size} households)", ms, pages, n, raw, zipped)
    )
    ms, pages, n, raw, zipped, _ = pull_all(officer, 500)
    rows.append(("officer, full pull of the commune", ms, pages, n, raw, zipped))
    empty = [pull_all(vol, 100, cursor)[0] for _ in range(20)]
    rows.append(
        ("volunteer, pull with nothing new (median of 20)", statistics.median(empty), 1, 0, 0, 0)
    )
    village_token = vol.get("/api/sync/session").get_json()["villages"][0]["token"]
    batches = (
        ("50 updates", updates(vol, 50)),
        ("20 creates × 4 members", creates(village_token, 20)),
    )
    for name, changes in batches:
        ms, answer = push(vol, changes)
        assert all(r["status"] == "applied" for r in answer["results"]), answer
        rows.append((f"push {name} (one request)", ms, 1, len(changes), 0, 0))
        ms, again = push(vol, changes)
        assert again == answer
        rows.append((f"push the same {name} again (replays)", ms, 1, len(changes), 0, 0))
    with app.app_context():
        db.session.execute(
            update(Household)
            .where(Household.village_id == village_id)
            .values(version=Household.version + 1, dia_chi="Nhập lại")
        )
        db.session.commit()
    ms, pages, n, raw, zipped, cursor = pull_all(vol, 100, cursor)
    rows.append(("volunteer, pull after a re-import of the thôn", ms, pages, n, raw, zipped))
    print(f"\n### {label}\n")
    print("| what | ms | requests | households / changes | JSON | sent (gzip) |")
    print("|---|---:|---:|---:|---:|---:|")
    for what, ms, pages, n, raw, zipped in rows:
        size_cols = f"{raw / 1024:.0f} KB | {zipped / 1024:.0f} KB" if raw else "– | –"
        print(f"| {what} | {ms:.0f} | {pages} | {n} | {size_cols} |")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    run("SQLite", "sqlite:////tmp/bench_sync.db")
    if os.environ.get("BENCH_DATABASE_URL"):
        run("PostgreSQL", os.environ["BENCH_DATABASE_URL"])
