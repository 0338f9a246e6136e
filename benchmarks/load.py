"""Load and fault benchmark: volunteers, village heads and an officer against gunicorn,
PostgreSQL and a queue worker on 127.0.0.1, then a count in the database that every change
sent is there exactly once.

Each volunteer (a thread with its own cookies and address, X-Forwarded-For behind
TRUSTED_PROXY_COUNT=1 as behind nginx) signs in, reads the session, pulls its thôn, then in a
loop: opens one of its households, pushes an update of it (and, like the phone, sends the same
change again after a network error or a 5xx until it gets an answer), and every sixth save
opens the thôn's page and pulls what changed. Village heads read their dashboard and their
thôn's page; one officer exports the whole commune again and again through the queue.

    .venv/bin/python benchmarks/load.py                          # 200 volunteers, 3 minutes
    .venv/bin/python benchmarks/load.py --volunteers 24 --pace 0 --readers 0 --seconds 40
                                                                 # saturation: no pause
    .venv/bin/python benchmarks/load.py --fault kill-web-worker  # kill -9 a gunicorn worker
    .venv/bin/python benchmarks/load.py --fault restart-postgres # the database restarts
    .venv/bin/python benchmarks/load.py --fault kill-queue-worker --export pdf

The database LOAD_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/load) is WIPED;
the queue is Redis database 12 (emptied).
"""

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import fresh_app, wait_until_serving  # noqa: E402

DB_URL = os.environ.get("LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/load")
QUEUE_URL = "redis://127.0.0.1:6379/12"
PASSWORD = "load-test-1"
VILLAGES, PER_VILLAGE = 20, 150
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RETRY_CODES = {500, 502, 503, 504}


@dataclass
class Stats:
    """Latencies per request type, errors, and every change sent (for the count after)."""

    times: dict = field(default_factory=lambda: defaultdict(list))
    steady: dict = field(default_factory=lambda: defaultdict(list))  # after the sign-in ramp
    steady_from: float = 0.0  # time.monotonic() when everyone has signed in and pulled
    errors: dict = field(default_factory=lambda: defaultdict(int))
    retries: int = 0
    sent: dict = field(default_factory=dict)  # change_id → household token
    answers: dict = field(default_factory=dict)  # change_id → status
    exports: list = field(default_factory=list)  # (status, seconds)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times[kind].append(seconds * 1000)
            if self.steady_from and time.monotonic() - seconds >= self.steady_from:
                self.steady[kind].append(seconds * 1000)
            if not ok:
                self.errors[kind] += 1


# ---- set-up --------------------------------------------------------------------------------


def build(volunteers: int, readers: int) -> dict:
    """A commune of VILLAGES thôn × PER_VILLAGE households, its users; returns who is who."""
    from survey_app.accounts.services import create_user
    from survey_app.demo.generator import Generator
    from survey_app.extensions import db
    from survey_app.transactions import refresh_statistics

    app = fresh_app(DB_URL)
    with app.app_context():
        generator = Generator(random.Random(14))
        names = [f"Thôn {i + 1}" for i in range(VILLAGES)]
        commune, villages = generator.places("Thanh Hóa", "Tải Thử", names)
        made = generator.households(commune, villages, VILLAGES * PER_VILLAGE, {})
        refresh_statistics(made.households + made.people)  # as an import does
        people = {}
        for n in range(volunteers):
            village = villages[n % VILLAGES]
            create_user(None, f"tnv{n:03d}", PASSWORD, "volunteer", commune, [village])
            people[f"tnv{n:03d}"] = village.token
        for n in range(readers):
            village = villages[n % VILLAGES]
            create_user(None, f"truong{n:02d}", PASSWORD, "village_head", commune, [village])
            people[f"truong{n:02d}"] = village.token
        create_user(None, "canbo", PASSWORD, "commune_officer", commune, [])
        db.session.commit()
        db.engine.dispose()
    return people


def serve(
    workers: int, port: int, directory: Path, worker_class: str, root: Path
) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": DB_URL,
        "SECRET_KEY": "load-benchmark",
        "SESSION_COOKIE_SECURE": "0",
        "TRUSTED_PROXY_COUNT": "1",
        "QUEUE_URL": QUEUE_URL,
        "EXPORTS_DIR": str(directory),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/13",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", str(workers)]
    command += ["-k", worker_class, "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    if worker_class == "gthread":
        command += ["--threads", "4"]
    server = subprocess.Popen(
        [*command, "survey_app:create_app()"], cwd=root, env=env, stderr=subprocess.DEVNULL
    )
    wait_until_serving(server, port)
    return server


def queue_worker(directory: Path) -> subprocess.Popen:
    env = os.environ | {"DATABASE_URL": DB_URL, "QUEUE_URL": QUEUE_URL,
                        "EXPORTS_DIR": str(directory)}  # fmt: skip
    # Below the web server's priority, as docker/worker.sh runs it: a long PDF must not slow
    # the volunteers' saves on the same machine.
    command = ["nice", "-n", "10", sys.executable, "-m", "flask", "--app", "survey_app", "worker"]
    command += ["--threads", "1"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)


# ---- the people ----------------------------------------------------------------------------


class Client:
    """One person's cookies and address; each request timed under its kind."""

    def __init__(self, base: str, n: int, stats: Stats):
        self.base, self.stats = base, stats
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = f"10.1.{n // 250}.{n % 250 + 1}"
        self.csrf = ""

    def call(self, kind: str, method: str, path: str, **kw) -> requests.Response | None:
        start = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=60, **kw)
        except requests.RequestException:
            self.stats.add(kind, time.perf_counter() - start, False)
            return None
        ok = response.status_code < 400
        self.stats.add(kind, time.perf_counter() - start, ok)
        return response

    def sign_in(self, username: str) -> bool:
        page = self.call("sign-in page", "GET", "/dang-nhap")
        if page is None or not CSRF.search(page.text):
            return False
        form = {"username": username, "password": PASSWORD,
                "csrf_token": CSRF.search(page.text).group(1)}  # fmt: skip
        answer = self.call("sign-in", "POST", "/dang-nhap", data=form, allow_redirects=False)
        if answer is None or answer.status_code != 302:
            return False
        session = self.call("session", "GET", "/api/sync/session")
        if session is None or not session.ok:
            return False
        self.csrf = session.json()["csrf_token"]
        return True

    def pull(self, village: str, since: str | None, kind: str) -> tuple[list, str | None]:
        households = []
        while True:
            query = {"village": village, "limit": 100, **({"since": since} if since else {})}
            answer = self.call(kind, "GET", "/api/sync/pull", params=query)
            if answer is None or not answer.ok:
                return households, since
            data = answer.json()
            households += data["households"]
            since = data["cursor"]
            if not data["more"]:
                return households, since


def volunteer(client: Client, n: int, village: str, args, stop: float) -> None:
    if not client.sign_in(f"tnv{n:03d}"):
        return
    households, cursor = client.pull(village, None, "first pull")
    # A household saved by a teammate while the pages came moves to a later page: keep one
    # copy per token (as the phone does), then take this volunteer's share of the thôn.
    unique = {h["token"]: h for h in households}
    team = len(range(n % VILLAGES, args.volunteers, VILLAGES))  # volunteers of this thôn
    mine = sorted(unique.values(), key=lambda h: h["token"])[n // VILLAGES :: team]
    versions = {h["token"]: h["version"] for h in mine}
    saves = 0
    while time.monotonic() < stop and mine:
        if args.pace:
            time.sleep(args.pace * random.uniform(0.6, 1.4))
        household = mine[saves % len(mine)]["token"]
        client.call("open household", "GET", f"/ho/{household}")
        change = {
            "change_id": str(uuid.uuid4()),
            "kind": "update",
            "household": household,
            "base_version": versions[household],
            "data": {
                "consent": True,
                "note": f"tải thử {saves}",
                "cap_quang": saves % 2 == 0,
            },  # fmt: skip
        }
        answer = push(client, change)
        if answer is not None and answer.get("status") in ("applied", "conflict"):
            versions[household] = answer["version"]
        saves += 1
        if saves % 6 == 0:
            client.call("village page", "GET", f"/thon/{village}/")
            _changed, cursor = client.pull(village, cursor, "pull")


def push(client: Client, change: dict) -> dict | None:
    """Send one change until the server answers it (the phone's queue: same change_id)."""
    stats = client.stats
    with stats.lock:
        stats.sent[change["change_id"]] = change["household"]
    headers = {"X-CSRFToken": client.csrf}
    for attempt in range(30):
        answer = client.call("push", "POST", "/api/sync/push", json={"changes": [change]},
                             headers=headers)  # fmt: skip
        if answer is not None and answer.status_code not in RETRY_CODES:
            if answer.status_code != 200:
                return None
            result = answer.json()["results"][0]
            with stats.lock:
                stats.answers[change["change_id"]] = result["status"]
            return result
        with stats.lock:
            stats.retries += 1
        time.sleep(min(4.0, 0.25 * 2**attempt))
    return None


def reader(client: Client, n: int, village: str, stop: float) -> None:
    if not client.sign_in(f"truong{n:02d}"):
        return
    while time.monotonic() < stop:
        client.call("dashboard", "GET", f"/bao-cao/thon/{village}")
        time.sleep(random.uniform(2, 4))
        client.call("village page", "GET", f"/thon/{village}/")
        time.sleep(random.uniform(2, 4))


def officer(client: Client, fmt: str, every: float, stop: float) -> None:
    if not client.sign_in("canbo"):
        return
    while time.monotonic() < stop:
        page = client.call("export form", "GET", "/xuat/")
        if page is None or not CSRF.search(page.text):
            time.sleep(1)
            continue
        form = {"csrf_token": CSRF.search(page.text).group(1), "criteria": "thanh-hoa-1829",
                "year": "2026", "scope": "", "fmt": fmt}  # fmt: skip
        started = time.monotonic()
        answer = client.call("export start", "POST", "/xuat/", data=form, allow_redirects=False)
        if answer is None or answer.status_code != 302:
            time.sleep(1)
            continue
        status = answer.headers["Location"]
        state = {"status": "queued"}
        while state["status"] in ("queued", "running") and time.monotonic() < stop + 300:
            time.sleep(1)
            polled = client.call("export status", "GET", status + "trang-thai")
            state = polled.json() if polled is not None and polled.ok else state
        if state["status"] == "done" and state.get("download_url"):
            client.call("export download", "GET", state["download_url"])
        client.stats.exports.append((state["status"], time.monotonic() - started))
        time.sleep(every)


# ---- faults --------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in found.stdout.split()]


def fault(kind: str, server, worker_box: list, directory: Path, log: list) -> None:
    if kind == "kill-web-worker":  # ten times, 3 s apart: some pushes are cut mid-request
        for _ in range(10):
            victim = random.choice(children(server.pid))
            os.kill(victim, signal.SIGKILL)
            log.append(f"kill -9 gunicorn worker {victim}")
            time.sleep(3)
    elif kind == "restart-postgres":
        version = sorted(os.listdir("/etc/postgresql"))[-1]
        started = time.monotonic()
        subprocess.run(["pg_ctlcluster", version, "main", "restart", "-m", "fast"], check=True)
        log.append(f"PostgreSQL {version} restarted in {time.monotonic() - started:.1f} s")
    elif kind == "kill-queue-worker":
        engine = create_engine(DB_URL)
        for _ in range(600):  # wait for the export to be running, with progress
            with engine.connect() as conn:
                running = conn.scalar(text("SELECT count(*) FROM export_job "
                                           "WHERE status = 'running' AND done > 0"))  # fmt: skip
            if running:
                break
            time.sleep(0.1)
        engine.dispose()
        victim = worker_box[0]
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        log.append(f"kill -9 queue worker {victim.pid} mid-export; a new worker started")
        worker_box[0] = queue_worker(directory)


# ---- the count after -----------------------------------------------------------------------


def count(stats: Stats, before: dict) -> dict:
    """Every change sent is in sync_change exactly once; each household's version moved by
    exactly its applied changes."""
    engine = create_engine(DB_URL)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT change_id, status, household_token FROM sync_change"))
        stored = defaultdict(list)
        for change_id, status, token in rows:
            stored[change_id].append((status, token))
        versions = dict(conn.execute(text("SELECT token, version FROM household")).all())
    engine.dispose()
    lost = [c for c in stats.sent if c not in stored]
    duplicated = [c for c, found in stored.items() if len(found) > 1]
    unanswered = [c for c in stats.sent if c not in stats.answers]
    applied = defaultdict(int)
    for found in stored.values():
        if found[0][0] == "applied":
            applied[found[0][1]] += 1
    version_off = [t for t, n in applied.items() if versions[t] - before[t] != n]
    return {
        "sent": len(stats.sent),
        "answered": len(stats.answers),
        "applied": sum(applied.values()),
        "conflict": sum(1 for s in stats.answers.values() if s == "conflict"),
        "lost": len(lost),
        "duplicated": len(duplicated),
        "unanswered": len(unanswered),
        "version_off": len(version_off),
    }


def versions_now() -> dict:
    engine = create_engine(DB_URL)
    with engine.connect() as conn:
        versions = dict(conn.execute(text("SELECT token, version FROM household")).all())
    engine.dispose()
    return versions


def _quantiles(times: list) -> list:
    return statistics.quantiles(sorted(times), n=100) if len(times) > 1 else times * 99


def report(stats: Stats, seconds: float, counted: dict, events: list) -> None:
    total = sum(len(v) for v in stats.times.values())
    print(f"\n{total} requests in {seconds:.0f} s = {total / seconds:.1f} req/s; "
          f"{sum(stats.errors.values())} errors; {stats.retries} push retries")  # fmt: skip
    print(f"{'request':<16}{'count':>7}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'| after the ramp: count':>24}{'p95 ms':>8}")  # fmt: skip
    for kind in sorted(stats.times):
        q, steady = _quantiles(stats.times[kind]), stats.steady.get(kind, [])
        after = f"{len(steady):>24}{_quantiles(steady)[94]:>8.0f}" if len(steady) > 1 else ""
        print(f"{kind:<16}{len(stats.times[kind]):>7}{stats.errors[kind]:>7}"
              f"{q[49]:>9.0f}{q[94]:>9.0f}{q[98]:>9.0f}{after}")  # fmt: skip
    if stats.exports:
        done = [s for status, s in stats.exports if status == "done"]
        print(f"exports: {len(done)} done of {len(stats.exports)}; "
              f"seconds each: {', '.join(f'{s:.0f}' for s in done)}")  # fmt: skip
    for line in events:
        print("fault:", line)
    print("count:", ", ".join(f"{k} {v}" for k, v in counted.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--volunteers", type=int, default=200)
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--pace", type=float, default=5.0, help="seconds between saves (0: none)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (2 per core)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--export", default="xlsx", choices=["xlsx", "pdf", "none"])
    parser.add_argument("--fault", choices=["kill-web-worker", "restart-postgres",
                                            "kill-queue-worker"])  # fmt: skip
    parser.add_argument("--fault-at", type=float, default=60, help="seconds into the run")
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve another checkout (a baseline: git worktree add /tmp/old REV)",
    )
    parser.add_argument("--export-every", type=float, default=30, help="officer's pause, s")
    parser.add_argument("--ramp", type=float, default=20, help="seconds over which people sign in")
    args = parser.parse_args()

    import redis

    redis.Redis.from_url(QUEUE_URL).flushdb()
    redis.Redis.from_url("redis://127.0.0.1:6379/13").flushdb()
    people = build(args.volunteers, args.readers)
    before = versions_now()
    directory = Path(tempfile.mkdtemp(prefix="load-exports-"))
    port = 8000 + random.randint(100, 900)
    server = serve(args.workers, port, directory, args.worker_class, args.app_root)
    worker_box = [queue_worker(directory)]
    stats, events = Stats(), []
    base = f"http://127.0.0.1:{port}"
    print(f"{args.volunteers} volunteers (a save each ~{args.pace:g} s), {args.readers} readers, "
          f"1 officer exporting {args.export}; gunicorn {args.workers} {args.worker_class} "
          f"workers, PostgreSQL; {args.seconds:g} s; app {args.app_root}")  # fmt: skip
    start = time.monotonic()
    stop = start + args.seconds
    threads = []
    ramp = min(args.ramp, args.seconds / 4)
    stats.steady_from = start + ramp + 10  # signed in and first pulls done
    for n in range(args.volunteers):
        person = (Client(base, n, stats), n, people[f"tnv{n:03d}"], args, stop)
        threads.append(threading.Timer(n * ramp / max(1, args.volunteers), volunteer, person))
    for n in range(args.readers):
        person = (Client(base, 1000 + n, stats), n, people[f"truong{n:02d}"], stop)
        threads.append(threading.Thread(target=reader, args=person))
    if args.export != "none":
        person = (Client(base, 2000, stats), args.export, args.export_every, stop)
        threads.append(threading.Thread(target=officer, args=person))
    try:
        for thread in threads:
            thread.start()
        if args.fault:
            time.sleep(max(0.0, start + args.fault_at - time.monotonic()))
            fault(args.fault, server, worker_box, directory, events)
        for thread in threads:
            thread.join()
    finally:  # never leave a server or a worker behind (a stray worker would take jobs)
        elapsed = time.monotonic() - start
        server.terminate()
        server.wait(30)
        worker_box[0].terminate()
        worker_box[0].wait(30)
    report(stats, elapsed, count(stats, before), events)


if __name__ == "__main__":
    main()
