"""What several benchmarks set up the same way: an app on an emptied database and a generated
commune of four thôn."""

import random
import subprocess
import time

import requests
from sqlalchemy import text

from survey_app import create_app
from survey_app.demo.generator import Generator
from survey_app.extensions import db


def fresh_app(url: str):
    """An app on ``url`` whose database was emptied and given every table (no CSRF)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        else:
            db.drop_all()
        db.create_all()
    return app


def bench_commune(households: int):
    """xã Bench (Thanh Hóa) with Thôn 0–3 and ``households`` generated households, seeded."""
    generator = Generator(random.Random(5))
    commune, villages = generator.places("Thanh Hóa", "Bench", [f"Thôn {i}" for i in range(4)])
    generator.households(commune, villages, households, {})
    return commune, villages


def wait_until_serving(server: subprocess.Popen, port: int, seconds: float = 30) -> None:
    """Return once gunicorn on ``port`` answers /healthz; stop it and exit if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")
