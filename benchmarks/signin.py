"""Sign-in timing and the per-request cost of the server-side session check.

Prints, for the production password hash (Argon2id, survey_app/accounts/passwords.py):
- median time of a sign-in POST with a wrong password for a known user, for an unknown user,
  and with the right password (user enumeration by timing: the first two must match);
- median time of GET /api/sync/session signed in (one indexed session lookup per request).

    .venv/bin/python benchmarks/signin.py [--rounds 15]

Runs on a throw-away SQLite file; no other database is touched.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from survey_app import create_app  # noqa: E402
from survey_app.accounts.services import create_user  # noqa: E402
from survey_app.extensions import db  # noqa: E402
from survey_app.places.services import get_or_create_commune, get_or_create_village  # noqa: E402

PASSWORD = "mat-khau-dung-1"


def _app(folder: str):
    url = f"sqlite:///{folder}/bench.db"
    settings = {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False}
    app = create_app({**settings, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        commune = get_or_create_commune(None, "Thanh Hóa", "Hoàng Kim")
        village = get_or_create_village(None, commune, "Thôn 1")
        create_user(None, "tnv1", PASSWORD, "volunteer", commune, [village])
        db.session.commit()
    return app


def _ms(call, rounds: int) -> float:
    return statistics.median(_each(call, rounds))


def _each(call, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def _interleaved(first, second, rounds: int) -> tuple[float, float]:
    """Medians of two calls taken in turns, so load from other processes hits both alike."""
    pairs = [(_each(first, 1)[0], _each(second, 1)[0]) for _ in range(rounds)]
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as folder:
        app = _app(folder)
        client = app.test_client()

        def post(username, password):
            return lambda: client.post(
                "/dang-nhap", data={"username": username, "password": password}
            )

        post("khong-co-ai", "x")()  # warm-up: the dummy hash is made once
        known, unknown = _interleaved(post("tnv1", "sai"), post("khong-co-ai", "sai"), rounds)
        rows = [("known user, wrong password", known), ("unknown user", unknown)]
        signed_in = app.test_client()
        signed_in.post("/dang-nhap", data={"username": "tnv1", "password": PASSWORD})
        rows.append(
            (
                "GET /api/sync/session signed in",
                _ms(lambda: signed_in.get("/api/sync/session"), rounds * 10),
            )
        )
    print(f"| what (median of {rounds} tries; the API of {rounds * 10}) | ms |")
    print("|---|---:|")
    for label, value in rows:
        print(f"| {label} | {value:.1f} |")


if __name__ == "__main__":
    main()
