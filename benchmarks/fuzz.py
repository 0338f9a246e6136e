"""The long fuzz run: the form fuzzer and the OpenAPI fuzzer of tests/fuzz/, many requests.

The same code as the bounded tests (tests/fuzz/), but it counts instead of stopping at the first
server error, and prints requests, server errors (new and known), time and requests per second.

    .venv/bin/python benchmarks/fuzz.py                            # 10.000 form requests, SQLite
    .venv/bin/python benchmarks/fuzz.py --forms 20000 --api 2000   # more; --api: per role
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test_fuzz .venv/bin/python \\
        benchmarks/fuzz.py                                         # SQLite, then PostgreSQL

The databases are WIPED. Exit status 1 when a new server error was found (each is printed).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app.exports import services as export_services  # noqa: E402
from tests import builders  # noqa: E402
from tests.fuzz import api  # noqa: E402
from tests.fuzz.forms import Tally, fuzz_rules, request_strategy, send  # noqa: E402
from tests.support.apps import build_app, close, create_schema  # noqa: E402
from tests.test_access_walk import Walk, run_export_now  # noqa: E402

LONG = settings(
    deadline=None,
    database=None,
    phases=[Phase.generate],  # counting, not shrinking: every example is one request
    suppress_health_check=list(HealthCheck),
)


def run_forms(walk: Walk, count: int) -> Tally:
    """``count`` requests of the form fuzzer; server errors are counted, not raised."""
    tally = Tally()
    rules = fuzz_rules(walk.app)

    @settings(LONG, max_examples=count)
    @given(data=st.data())
    def one(data):
        send(walk, tally, data.draw(request_strategy(walk, rules)))

    one()
    return tally


def run_api(walk: Walk, count: int) -> Tally:
    """``count`` schemathesis cases per operation and role, against /api/openapi.json."""
    tally = Tally()
    api.run(walk, tally, count, LONG)
    return tally


def report(engine: str, part: str, tally: Tally) -> bool:
    known = sum(tally.known.values())
    print(
        f"{engine:10} {part:6} requests {tally.requests:6}  new 500s {len(tally.errors):3}  "
        f"known 500s {known:4}  {tally.seconds():7.1f} s  "
        f"{tally.requests / max(tally.seconds(), 1e-9):6.1f} req/s"
    )
    print(f"{'':18}answers: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.answers.items())))
    for name, times in tally.known.items():
        print(f"{'':18}known: {name} × {times}")
    for error in tally.errors[:20]:
        print(f"{'':18}NEW: {error}")
    return not tally.errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", type=int, default=10_000, help="form fuzzer requests")
    parser.add_argument("--api", type=int, default=300, help="API cases per operation and role")
    options = parser.parse_args()
    urls = {"SQLite": "sqlite:///" + os.path.join(tempfile.mkdtemp(), "fuzz.db")}
    if os.environ.get("BENCH_DATABASE_URL"):
        urls["PostgreSQL"] = os.environ["BENCH_DATABASE_URL"]
    clean = True
    for engine, url in urls.items():
        app = build_app(url, EXPORTS_DIR=tempfile.mkdtemp())
        create_schema(app)
        export_services.launch = run_export_now  # no thread still writing during a restore
        with app.app_context():
            walk = Walk(app, builders.World.create())
            clean &= report(engine, "forms", run_forms(walk, options.forms))
            if options.api:
                clean &= report(engine, "api", run_api(walk, options.api))
            close(app)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
