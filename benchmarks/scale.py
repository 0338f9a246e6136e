"""A province's worth of data on PostgreSQL: what one commune's people wait for when the
database holds ~1M households (166 communes of ~6.000, made by `flask generate-demo`).

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/scale
    .venv/bin/flask --app survey_app db upgrade
    .venv/bin/flask --app survey_app generate-demo --communes 166 \\
        --households-per-commune 6024 --seed 14
    SCALE_DATABASE_URL=$DATABASE_URL .venv/bin/python benchmarks/scale.py

It adds two users to one commune in the middle (an officer and a volunteer of its largest
thôn), then times, through the app (routing, sign-in, templates, JSON, the database):
the commune and thôn dashboards, the criteria engine for one commune and for the whole
province, the thôn page, a volunteer's and the officer's full pulls, an empty pull, a push,
and the commune's evidence export (XLSX and PDF). Each figure is the median of --repeat runs
after one warm-up. It also prints the table sizes and whether the hot queries use indexes.
Nothing is deleted; the two users are kept for the next run.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregation import compute, compute_many  # noqa: E402
from aggregation.documents import ExportRequest, write  # noqa: E402
from survey_app import create_app  # noqa: E402
from survey_app.accounts.models import User  # noqa: E402
from survey_app.accounts.services import create_user  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.households.models import Household, Person  # noqa: E402
from survey_app.places.models import Commune, Village  # noqa: E402

URL = os.environ.get("SCALE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/scale")
PASSWORD = "scale-bench-1"
CRITERIA, YEAR = "thanh-hoa-1829", 2026


def vn(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def timed(fn, repeat: int) -> float:
    fn()  # warm-up: caches, prepared statements
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def users(commune: Commune, village: Village) -> None:
    for name, role, places in (("scale_canbo", "commune_officer", []),
                               ("scale_tnv", "volunteer", [village])):  # fmt: skip
        if db.session.scalar(select(User.id).where(User.username == name)) is None:
            create_user(None, name, PASSWORD, role, commune, places)
    db.session.commit()


def sign_in(app, username: str):
    client = app.test_client()
    answer = client.post("/dang-nhap", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    return client


def full_pull(client, query: dict) -> tuple[int, str]:
    since, households = None, 0
    while True:
        page = client.get(
            "/api/sync/pull", query_string=query | ({"since": since} if since else {})
        )
        data = page.get_json()
        households += len(data["households"])
        since = data["cursor"]
        if not data["more"]:
            return households, since


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "WTF_CSRF_ENABLED": False})
    rows = []
    with app.app_context():
        communes = db.session.scalar(select(func.count(Commune.id)))
        households = db.session.scalar(select(func.count(Household.id)))
        people = db.session.scalar(select(func.count(Person.id)))
        size = db.session.scalar(text("SELECT pg_database_size(current_database())"))
        print(f"{communes} communes, {vn(households)} households, {vn(people)} people; "
              f"database {size / 2**30:.1f} GiB")  # fmt: skip
        commune = db.session.scalars(select(Commune).order_by(Commune.id)).all()[communes // 2]
        village = db.session.scalars(
            select(Village)
            .join(Household)
            .where(Village.commune_id == commune.id)
            .group_by(Village.id)
            .order_by(func.count(Household.id).desc())
        ).first()
        in_village = db.session.scalar(
            select(func.count(Household.id)).where(Household.village_id == village.id)
        )
        users(commune, village)
        commune_id, commune_token, village_token = commune.id, commune.token, village.token
        print(f"commune {commune.full_name}: thôn {village.name} ({in_village} households)")

        all_communes = db.session.scalars(select(Commune)).all()
        rows.append(("criteria engine, one commune",
                     timed(lambda: compute(db.session, db.session.get(Commune, commune_id),
                                           CRITERIA, YEAR), args.repeat)))  # fmt: skip
        rows.append(("criteria engine, all 166 communes",
                     timed(lambda: compute_many(db.session, all_communes, CRITERIA, YEAR),
                           1)))  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            for fmt in ("xlsx", "pdf"):
                request = ExportRequest(db.session.get(Commune, commune_id), CRITERIA, YEAR)
                path = Path(folder) / f"x.{fmt}"
                rows.append((f"evidence export, whole commune, {fmt.upper()}",
                             timed(lambda r=request, p=path, f=fmt: write(db.session, r, p, f),
                                   1)))  # fmt: skip
        db.session.rollback()

    officer, volunteer = sign_in(app, "scale_canbo"), sign_in(app, "scale_tnv")
    pages = (
        ("commune dashboard (officer)", officer, f"/bao-cao/xa/{commune_token}"),
        ("thôn dashboard", volunteer, f"/bao-cao/thon/{village_token}"),
        ("thôn page (household list)", volunteer, f"/thon/{village_token}/"),
    )
    for label, client, path in pages:
        assert client.get(path).status_code == 200, path
        rows.append((label, timed(lambda c=client, p=path: c.get(p), args.repeat)))
    rows.append((f"volunteer's full pull ({in_village} households)",
                 timed(lambda: full_pull(volunteer, {"limit": 100}), args.repeat)))  # fmt: skip
    rows.append(("officer's full pull (whole commune, pages of 500)",
                 timed(lambda: full_pull(officer, {"limit": 500}), 1)))  # fmt: skip
    _count, since = full_pull(volunteer, {"limit": 500})  # the cursor after every page
    rows.append(("empty pull (nothing changed)",
                 timed(lambda: volunteer.get("/api/sync/pull", query_string={"since": since}),
                       args.repeat)))  # fmt: skip
    household = volunteer.get("/api/sync/pull", query_string={"limit": 1}).get_json()["households"][
        0
    ]
    version = [household["version"]]

    def push():
        change = {"change_id": str(uuid.uuid4()), "kind": "update", "household": household["token"],
                  "base_version": version[0], "data": {"consent": True, "note": "đo"}}  # fmt: skip
        result = volunteer.post("/api/sync/push", json={"changes": [change]}).get_json()
        version[0] = result["results"][0]["version"]

    rows.append(("push of one change", timed(push, args.repeat)))
    print(f"\n| at {vn(households)} households | ms |")
    print("|---|---|")
    for label, ms in rows:
        print(f"| {label} | {vn(round(ms))} |")
    explain(app, commune_id)


def explain(app, commune_id: int) -> None:
    """The plans of the queries every page leans on: each must use an index."""
    queries = {
        "households of a thôn": "SELECT * FROM household WHERE village_id = "
        "(SELECT id FROM village WHERE commune_id = :c LIMIT 1)",
        "members of households": "SELECT * FROM person WHERE household_id IN "
        "(SELECT id FROM household WHERE commune_id = :c LIMIT 50)",
        "feed of a thôn": "SELECT * FROM sync_stamp WHERE village_id = "
        "(SELECT id FROM village WHERE commune_id = :c LIMIT 1) AND seq > 0 ORDER BY seq LIMIT 100",
    }
    with app.app_context():
        for label, sql in queries.items():
            plan = db.session.execute(text("EXPLAIN " + sql), {"c": commune_id}).scalars().all()
            used = [line.strip() for line in plan if "Index" in line or "Seq Scan" in line]
            print(f"{label}: {'; '.join(used)}")


if __name__ == "__main__":
    main()
