"""Benchmark: 100 volunteers signing in within 10 seconds, against gunicorn (2 workers, as
`make run` and the container) and PostgreSQL on 127.0.0.1 — with Argon2id at OWASP's minimum
(the product's hash) and, in the same run, werkzeug's scrypt (the hash before) as the baseline.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_signin \\
      .venv/bin/python benchmarks/signin_burst.py [--users 100] [--seconds 10]

WARNING: the database's public schema is dropped and recreated. Each volunteer comes from their
own address (X-Forwarded-For behind TRUSTED_PROXY_COUNT=1, as behind nginx), opens the sign-in
page (its CSRF token) and signs in; the sign-in POST is timed. Prints p50/p95/max per hash.
"""

import argparse
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import wait_until_serving  # noqa: E402

PASSWORD = "mat-khau-dung-1"
PORT = 8765


def prepare(url: str, users: int, method: str) -> None:
    from sqlalchemy import text

    from survey_app import create_app
    from survey_app.accounts.services import create_user
    from survey_app.extensions import db
    from survey_app.places.services import get_or_create_commune, get_or_create_village

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": method})
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        commune = get_or_create_commune(None, "Thanh Hóa", "Hoàng Kim")
        village = get_or_create_village(None, commune, "Thôn 1")
        for n in range(users):
            create_user(None, f"tnv{n:03d}", PASSWORD, "volunteer", commune, [village])
        db.session.commit()
        db.engine.dispose()


def serve(url: str, method: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "TRUSTED_PROXY_COUNT": "1",
           "PASSWORD_HASH_METHOD": method, "SESSION_COOKIE_SECURE": "0"}  # fmt: skip
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", "2",
               "-b", f"127.0.0.1:{PORT}", "--access-logfile", "/dev/null",
               "survey_app:create_app()"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    wait_until_serving(server, PORT)
    return server


def one(n: int, results: list, errors: list) -> None:
    session = requests.Session()
    headers = {"X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}"}
    base = f"http://127.0.0.1:{PORT}"
    try:
        page = session.get(f"{base}/dang-nhap", headers=headers, timeout=30).text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"username": f"tnv{n:03d}", "password": PASSWORD, "csrf_token": token}
        start = time.perf_counter()
        answer = session.post(
            f"{base}/dang-nhap", data=data, headers=headers, timeout=60, allow_redirects=False
        )
        elapsed = time.perf_counter() - start
        if answer.status_code != 302:
            errors.append(answer.status_code)
        else:
            results.append(elapsed)
    except Exception as exc:  # noqa: BLE001 — counted and shown
        errors.append(repr(exc)[:80])


def burst(users: int, seconds: float) -> tuple[list, list]:
    results: list[float] = []
    errors: list = []
    threads = []
    for n in range(users):  # evenly spread over the window
        thread = threading.Thread(target=one, args=(n, results, errors))
        thread.start()
        threads.append(thread)
        time.sleep(seconds / users)
    for thread in threads:
        thread.join()
    return results, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        raise SystemExit("set BENCH_DATABASE_URL to a PostgreSQL database that may be wiped")
    print(f"{args.users} sign-ins within {args.seconds:g} s, gunicorn 2 workers, PostgreSQL")
    print("| password hash | p50 (ms) | p95 (ms) | max (ms) | errors |")
    print("|---|---:|---:|---:|---:|")
    for method, label in (("argon2id", "Argon2id m=19 MiB t=2 p=1 (product)"),
                          ("scrypt", "scrypt N=2^15 r=8 p=1 (before)")):  # fmt: skip
        prepare(url, args.users, method)
        server = serve(url, method)
        try:
            burst(5, 1)  # warm-up: the workers import and connect (volunteers tnv000–tnv004)
            results, errors = burst(args.users, args.seconds)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        ms = sorted(r * 1000 for r in results)
        p95 = ms[int(0.95 * (len(ms) - 1))] if ms else float("nan")
        median = statistics.median(ms) if ms else float("nan")
        top = ms[-1] if ms else float("nan")
        print(f"| {label} | {median:.0f} | {p95:.0f} | {top:.0f} | {len(errors)} |", flush=True)


if __name__ == "__main__":
    main()
