"""Benchmark of background job queue libraries for our long jobs (exports, imports, backups).

The job's state lives in our own table; the queue only carries ``(kind, job_id)``. Every
candidate runs the same job function, ``run_job(kind, job_id)``, in ONE worker process tree
started as a subprocess with the library's own CLI (huey_consumer / rq worker / dramatiq /
celery worker / procrastinate worker), concurrency 1. Every job reports to Redis db 9 (INCR,
RPUSH, SET): that is the one completion signal for all candidates, also for those whose queue
is a SQLite file or PostgreSQL. Per candidate:

1. ready: worker started -> its first job starts (s); worker RSS after that (MB, the sum of
   VmRSS over the worker's process tree);
2. pick-up latency: 50 jobs enqueued one at a time, each waited for: enqueue -> job start
   (p50, p95 ms); then one more after ``--idle`` seconds of idleness (polling back-off);
3. enqueue cost: ``--jobs`` no-op jobs enqueued with no worker running, as a web request pays
   it (µs per call, mean and p99);
4. drain: a fresh worker runs those jobs; jobs/s from the first job's start to the last's;
5. SIGKILL: a 5 s job starts, the whole worker tree is SIGKILLed 1 s in, a fresh worker is
   started: does the job start again within ``--kill-wait`` seconds (at-least-once) or is it
   lost? ``--recovery tuned`` (default) sets what each library needs to bring it back (shown
   in the table's last column); ``--recovery default`` leaves every library at its defaults.

    /tmp/qbench/bin/python benchmarks/queues.py [--jobs 1000] [--only huey-sqlite,rq]

Uses Redis db 9 (flushed before each candidate and at the end), the PostgreSQL database
``queuebench`` (created and dropped), and a temporary folder for SQLite files.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "benchmarks.queues"  # how the workers import this file (PYTHONPATH=ROOT)
REDIS_URL = "redis://127.0.0.1:6379/9"  # the only Redis db this benchmark may touch
PG_SERVER = os.environ.get("QB_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")
PG_DB = "queuebench"
PG_URL = f"{PG_SERVER}/{PG_DB}"
DATA_DIR = os.environ.get("QB_DIR", "")  # SQLite files (set by the runner for the workers)
RECOVERY = os.environ.get("QB_RECOVERY", "tuned")  # tuned | default
ROLE = os.environ.get("QB_ROLE", "web")  # web (enqueues) | worker

K_DONE, K_FIRST, K_LAST = "qb:done", "qb:first", "qb:last"  # no-op jobs
K_STARTED = "qb:started"  # ping jobs: "job_id start_time"
K_SLEEP, K_SLEEP_DONE = "qb:sleep", "qb:sleep-done"  # the 5 s job of the SIGKILL test
SLEEP_S = 5.0
LATENCY_JOBS = 50

# ---- the job, and the apps the worker CLIs name -----------------------------------------------

_redis = None


def _r():
    global _redis
    if _redis is None:
        import redis

        _redis = redis.Redis.from_url(REDIS_URL, socket_timeout=None)  # redis-py 8: 5 s
    return _redis


def run_job(kind, job_id):
    """The one job of every candidate; reports to Redis db 9."""
    now = time.time()
    r = _r()
    if kind == "noop":
        r.pipeline(transaction=False).setnx(K_FIRST, now).incr(K_DONE).set(K_LAST, now).execute()
    elif kind == "ping":
        r.rpush(K_STARTED, f"{job_id} {now!r}")
    elif kind == "sleep":
        r.rpush(K_SLEEP, f"{job_id} {now!r} {os.getpid()}")
        time.sleep(SLEEP_S)
        r.rpush(K_SLEEP_DONE, f"{job_id} {time.time()!r}")


def _tuned() -> bool:
    return RECOVERY == "tuned"


def build_huey(storage: str):
    import huey

    if storage == "sqlite":
        app = huey.SqliteHuey("qbench", filename=str(Path(DATA_DIR) / "huey.db"), results=False)
    elif storage == "redis":
        app = huey.RedisHuey("qbench", url=REDIS_URL, results=False)
    else:
        app = huey.PostgresHuey("qbench", dsn=PG_URL, results=False)
    return app, app.task(name="run_job")(run_job)


def build_celery(broker: str):
    from celery import Celery

    if broker == "redis":
        url = REDIS_URL
    else:
        url = f"sqla+sqlite:///{Path(DATA_DIR) / 'celery.db'}"
    app = Celery("qbench", broker=url, set_as_current=False)
    app.conf.update(
        task_ignore_result=True,
        task_default_queue="qbench",
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    if _tuned():
        app.conf.task_acks_late = True  # ack after the job, not before
        if broker == "redis":  # unacked messages come back after visibility_timeout
            app.conf.broker_transport_options = {
                "visibility_timeout": 10,
                "unacked_restore_interval": 1,
                "unacked_restore_throttle": 1,
            }
    return app, app.task(name="run_job")(run_job)


def build_dramatiq():
    import dramatiq
    from dramatiq.brokers.redis import RedisBroker

    options = {}
    if _tuned() and ROLE == "worker":  # dead workers' messages are requeued by maintenance
        options = {"heartbeat_timeout": 10_000, "maintenance_chance": 100_000}
    broker = RedisBroker(url=REDIS_URL, namespace="qbench", **options)
    dramatiq.set_broker(broker)
    actor = dramatiq.actor(run_job, actor_name="run_job", queue_name="qbench", max_retries=0)
    return broker, actor


def build_procrastinate():
    import procrastinate

    defaults = {"update_heartbeat_interval": 2, "stalled_worker_timeout": 10} if _tuned() else {}
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=PG_URL), worker_defaults=defaults
    )
    task = app.task(name="run_job", queue="qbench")(run_job)
    if _tuned():  # the documented recipe: a periodic task retries jobs of dead workers

        @app.periodic(cron="* * * * * */5")  # every 5 s (6th cron field: seconds)
        @app.task(name="retry_stalled", queueing_lock="retry_stalled", pass_context=True)
        async def retry_stalled(context, timestamp):
            manager = context.app.job_manager
            for job in await manager.get_stalled_jobs(seconds_since_heartbeat=6):
                await manager.retry_job(job)

    return app, task


_built: dict = {}


def __getattr__(name):
    """What the worker CLIs import (``benchmarks.queues.huey_app`` …), built on first use."""
    builders = {
        "huey_app": lambda: build_huey(os.environ["QB_HUEY_STORAGE"]),
        "celery_app": lambda: build_celery(os.environ["QB_CELERY_BROKER"]),
        "dramatiq_broker": build_dramatiq,
        "procrastinate_app": build_procrastinate,
    }
    if name not in builders:
        raise AttributeError(name)
    if name not in _built:
        _built[name] = builders[name]()[0]
    return _built[name]


# ---- candidates -----------------------------------------------------------------------------

Enqueue = Callable[[str, int], None]


@dataclass
class Candidate:
    name: str
    needs: list[str]  # importable modules
    dists: list[str]  # distributions whose versions are shown
    worker_argv: list[str]
    connect: Callable[[], tuple[Enqueue, Callable[[], None]]]  # -> (enqueue, close)
    env: dict[str, str] = field(default_factory=dict)
    prepare: Callable[[], None] = lambda: None  # before the first worker starts
    recovery: str = "-"  # what --recovery tuned sets for the SIGKILL test


@dataclass
class Result:
    name: str
    versions: str
    ready_s: float | None = None
    rss_start_mb: float | None = None
    rss_after_mb: float | None = None
    enqueue_us: float | None = None
    enqueue_p99_us: float | None = None
    drain_per_s: float | None = None
    pickup_p50_ms: float | None = None
    pickup_p95_ms: float | None = None
    idle_pickup_ms: float | None = None
    sigkill: str = ""
    recovery: str = ""
    error: str = ""


def cli(name: str) -> str:
    """A console script of this interpreter's environment (the venv), else from PATH."""
    path = Path(sys.executable).parent / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def huey_candidate(storage: str) -> Candidate:
    def connect():
        app, task = build_huey(storage)
        return (lambda kind, job_id: task(kind, job_id)), app.storage.close

    needs = ["huey"] + {"redis": ["redis"], "pg": ["psycopg"]}.get(storage, [])
    return Candidate(
        name=f"huey-{storage}",
        needs=needs,
        dists=["huey"] + {"redis": ["redis"], "pg": ["psycopg"]}.get(storage, []),
        worker_argv=[cli("huey_consumer"), f"{MODULE}.huey_app", "-w", "1", "-k", "thread", "-q"],
        connect=connect,
        env={"QB_HUEY_STORAGE": storage},
        recovery="none exists",
    )


def huey_sqlite() -> Candidate:
    return huey_candidate("sqlite")


def huey_redis() -> Candidate:
    return huey_candidate("redis")


def huey_pg() -> Candidate:
    return huey_candidate("pg")


def rq() -> Candidate:
    def connect():
        import redis
        from rq import Queue, Retry

        conn = redis.Redis.from_url(REDIS_URL)
        queue = Queue("qbench", connection=conn)
        extra = {"retry": Retry(max=2), "job_timeout": 60} if _tuned() else {}

        def enqueue(kind, job_id):
            queue.enqueue(f"{MODULE}.run_job", kind, job_id, **extra)

        return enqueue, conn.close

    argv = [cli("rq"), "worker", "qbench", "-u", REDIS_URL, "-q"]
    if _tuned():
        # an idle worker blocks in BLPOP for worker_ttl - 15 s and cleans its registries (where
        # abandoned jobs are retried) only when it wakes: default 420 s -> every 405 s
        argv += ["--maintenance-interval", "5", "--job-monitoring-interval", "5"]
        argv += ["--worker-ttl", "30"]
    return Candidate(
        name="rq",
        needs=["rq", "redis"],
        dists=["rq", "redis"],
        worker_argv=argv,
        connect=connect,
        recovery="Retry(max=2), --maintenance-interval 5 --worker-ttl 30",
    )


def dramatiq() -> Candidate:
    def connect():
        broker, actor = build_dramatiq()
        return (lambda kind, job_id: actor.send(kind, job_id)), broker.close

    return Candidate(
        name="dramatiq",
        needs=["dramatiq", "redis"],
        dists=["dramatiq", "redis"],
        worker_argv=[
            cli("dramatiq"),
            *f"{MODULE}:dramatiq_broker --processes 1 --threads 1".split(),
        ],
        connect=connect,
        recovery="heartbeat_timeout=10s, maintenance_chance=10%",
    )


def celery_candidate(broker: str) -> Candidate:
    def connect():
        app, task = build_celery(broker)
        return (lambda kind, job_id: task.delay(kind, job_id)), app.close

    return Candidate(
        name=f"celery-{broker}",
        needs=["celery"] + (["redis"] if broker == "redis" else ["sqlalchemy"]),
        dists=["celery", "kombu"] + (["redis"] if broker == "redis" else ["sqlalchemy"]),
        worker_argv=[
            cli("celery"),
            *f"-A {MODULE}:celery_app worker -c 1 -P prefork -l WARNING".split(),
            *"--without-gossip --without-mingle --without-heartbeat".split(),
        ],
        env={"QB_CELERY_BROKER": broker},
        connect=connect,
        recovery="acks_late" + (", visibility_timeout=10s" if broker == "redis" else ""),
    )


def celery_redis() -> Candidate:
    return celery_candidate("redis")


def celery_sqlite() -> Candidate:
    return celery_candidate("sqlite")


def procrastinate() -> Candidate:
    def prepare():
        app, _ = build_procrastinate()
        with app.open():
            app.schema_manager.apply_schema()

    def connect():
        app, task = build_procrastinate()
        app.open()  # the sync pool a Flask process would keep

        def enqueue(kind, job_id):
            task.defer(kind=kind, job_id=job_id)

        return enqueue, app.close

    return Candidate(
        name="procrastinate",
        needs=["procrastinate", "psycopg"],
        dists=["procrastinate", "psycopg"],
        worker_argv=[
            cli("procrastinate"),
            *f"--log-level warning --app {MODULE}.procrastinate_app worker -c 1".split(),
        ],
        connect=connect,
        prepare=prepare,
        recovery="periodic retry of stalled jobs (5 s), heartbeat 2 s",
    )


CANDIDATES: dict[str, Callable[[], Candidate]] = {
    "huey-sqlite": huey_sqlite,
    "huey-redis": huey_redis,
    "huey-pg": huey_pg,
    "rq": rq,
    "dramatiq": dramatiq,
    "celery-redis": celery_redis,
    "celery-sqlite": celery_sqlite,
    "procrastinate": procrastinate,
}
PG_CANDIDATES = {"huey-pg", "procrastinate"}

# ---- processes --------------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def start_time(pid: int) -> int | None:
    """The process's start time (clock ticks since boot), to tell a reused pid apart."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def rss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return total_kb / 1024


def signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


class Worker:
    """One worker of a candidate: a subprocess in its own session, logs to a file."""

    running: list[Worker] = []  # for the cleanup on errors and Ctrl-C

    def __init__(self, candidate: Candidate, env: dict[str, str], log: Path):
        self.log = log.open("ab")
        self.started = time.time()
        self.proc = subprocess.Popen(
            candidate.worker_argv,
            cwd=ROOT,
            env={**os.environ, **env, **candidate.env},
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C in the terminal is ours to handle, not theirs
        )
        self.tree: dict[int, int | None] = {self.proc.pid: start_time(self.proc.pid)}
        Worker.running.append(self)

    def pids(self) -> list[int]:
        """The live tree under the worker; every pid seen is remembered with its start time."""
        current = descendants(self.proc.pid) if self.proc.poll() is None else []
        for pid in current:
            self.tree.setdefault(pid, start_time(pid))
        return current

    def rss_mb(self) -> float:
        return rss_mb(self.pids())

    def kill(self) -> None:
        """SIGKILL the whole tree at once (frozen first, so that nothing forks meanwhile)."""
        signal_all(self.pids(), signal.SIGSTOP)
        signal_all(self.pids(), signal.SIGKILL)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        # children that outlived their parent (e.g. RQ's work horse, in its own process group)
        leftovers = [p for p, t in self.tree.items() if t is not None and start_time(p) == t]
        signal_all(leftovers, signal.SIGKILL)
        if self in Worker.running:
            Worker.running.remove(self)
            self.log.close()

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (each library's graceful stop), then SIGKILL whatever is left."""
        self.pids()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    @classmethod
    def kill_all(cls) -> None:
        for worker in list(cls.running):
            worker.kill()


# ---- the benchmark ----------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def versions(dists: list[str]) -> str:
    out = []
    for dist in dists:
        try:
            out.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{dist} ?")
    return ", ".join(out)


def flush_redis() -> None:
    r = _r()
    assert r.connection_pool.connection_kwargs.get("db") == 9, "only Redis db 9 may be flushed"
    r.flushdb()


def recreate_pg(drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {PG_DB}")


def wait_started(timeout: float) -> tuple[int, float]:
    """The next ping job's (job_id, start time), or TimeoutError."""
    item = _r().blpop([K_STARTED], timeout=timeout)
    if item is None:
        raise TimeoutError(f"no job started within {timeout:.0f} s")
    job_id, started = item[1].decode().split()
    return int(job_id), float(started)


def bench(candidate: Candidate, args, data_dir: Path) -> Result:
    result = Result(candidate.name, versions(candidate.dists), recovery=candidate.recovery)
    if args.recovery == "default":
        result.recovery = "(defaults)"
    env = {
        "PYTHONPATH": str(ROOT),
        "QB_DIR": str(data_dir),
        "QB_RECOVERY": args.recovery,
        "QB_ROLE": "worker",
        "PYTHONUNBUFFERED": "1",
    }
    log = data_dir / f"{candidate.name}.log"
    r = _r()
    candidate.prepare()
    enqueue, close = candidate.connect()
    try:
        # 1. ready + RSS, 2. pick-up latency
        enqueue("ping", 0)
        worker = Worker(candidate, env, log)
        _, started = wait_started(120)
        result.ready_s = started - worker.started
        time.sleep(1.0)
        result.rss_start_mb = worker.rss_mb()
        latencies = []
        for i in range(1, LATENCY_JOBS + 1):
            t0 = time.time()
            enqueue("ping", i)
            job_id, started = wait_started(60)
            assert job_id == i, f"expected ping {i}, got {job_id}"
            latencies.append((started - t0) * 1000)
        result.pickup_p50_ms = percentile(latencies, 0.50)
        result.pickup_p95_ms = percentile(latencies, 0.95)
        if args.idle > 0:
            time.sleep(args.idle)
            t0 = time.time()
            enqueue("ping", -1)
            result.idle_pickup_ms = (wait_started(60)[1] - t0) * 1000
        worker.stop()

        # 3. enqueue cost (no worker running), 4. drain by a fresh worker
        costs = []
        for i in range(args.jobs):
            t0 = time.perf_counter()
            enqueue("noop", i)
            costs.append(time.perf_counter() - t0)
        result.enqueue_us = statistics.fmean(costs) * 1e6
        result.enqueue_p99_us = percentile(costs, 0.99) * 1e6
        worker = Worker(candidate, env, log)
        deadline = time.time() + 120 + args.jobs / 5
        while int(r.get(K_DONE) or 0) < args.jobs:
            if time.time() > deadline or worker.proc.poll() is not None:
                raise TimeoutError(f"drain: {int(r.get(K_DONE) or 0)}/{args.jobs} jobs done")
            time.sleep(0.02)
        first, last = float(r.get(K_FIRST)), float(r.get(K_LAST))
        result.drain_per_s = (args.jobs - 1) / (last - first) if last > first else None
        result.rss_after_mb = worker.rss_mb()

        # 5. SIGKILL while a 5 s job runs, then a fresh worker
        enqueue("sleep", 1)
        if r.blpop([K_SLEEP], timeout=60) is None:
            raise TimeoutError("the 5 s job did not start")
        time.sleep(1.0)
        worker.kill()
        killed = time.time()
        worker = Worker(candidate, env, log)
        result.sigkill = f"lost (>{args.kill_wait:.0f} s)"
        while time.time() - killed < args.kill_wait:
            item = r.blpop([K_SLEEP], timeout=1)
            if item is not None:
                again = float(item[1].decode().split()[1]) - killed
                finished = r.blpop([K_SLEEP_DONE], timeout=SLEEP_S + 10) is not None
                result.sigkill = f"rerun +{again:.0f} s" + ("" if finished else ", not finished")
                time.sleep(1.0)
                if r.llen(K_SLEEP):
                    result.sigkill += f", +{r.llen(K_SLEEP)} more runs"
                break
        worker.stop()
    except Exception as exc:  # one candidate's failure must not end the run
        result.error = f"{type(exc).__name__}: {exc}"
        tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        print(f"  {candidate.name} failed: {result.error}", *tail, sep="\n    ", flush=True)
    finally:
        Worker.kill_all()
        close()
    return result


# ---- the table --------------------------------------------------------------------------------

COLUMNS = [  # header, width, cell
    ("candidate", 13, lambda r: r.name),
    ("ready s", 7, lambda r: f"{r.ready_s:.1f}" if r.ready_s is not None else "-"),
    ("RSS MB start/after", 18, lambda r: _pair(r.rss_start_mb, r.rss_after_mb, "{:.0f}")),
    ("enqueue µs mean/p99", 19, lambda r: _pair(r.enqueue_us, r.enqueue_p99_us, "{:.0f}")),
    ("drain jobs/s", 12, lambda r: f"{r.drain_per_s:.0f}" if r.drain_per_s else "-"),
    ("pick-up ms p50/p95", 18, lambda r: _pair(r.pickup_p50_ms, r.pickup_p95_ms, "{:.1f}")),
    ("idle pick-up ms", 15, lambda r: _fmt(r.idle_pickup_ms, "{:.0f}")),
    ("SIGKILL mid-job", 24, lambda r: r.sigkill or ("ERROR" if r.error else "-")),
    ("recovery settings", 0, lambda r: r.recovery),
]


def _fmt(value, spec) -> str:
    return spec.format(value) if value is not None else "-"


def _pair(a, b, spec) -> str:
    return f"{_fmt(a, spec)} / {_fmt(b, spec)}"


def print_table(results: list[Result], args) -> None:
    print(
        f"\n{args.jobs} no-op jobs, {LATENCY_JOBS} pick-ups, idle {args.idle:.0f} s, "
        f"recovery={args.recovery}, one worker with concurrency 1; completion = INCR/RPUSH in "
        "Redis db 9 for all"
    )
    header = "  ".join(h.ljust(w) for h, w, _ in COLUMNS)
    print(header)
    print("-" * len(header))
    for res in results:
        print("  ".join(str(cell(res)).ljust(w) for _, w, cell in COLUMNS))
    print("\nversions:")
    for res in results:
        print(f"  {res.name:<13} {res.versions}" + (f"   ERROR {res.error}" if res.error else ""))


# ---- main -------------------------------------------------------------------------------------


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=1000, help="no-op jobs to enqueue and drain")
    parser.add_argument("--only", default="", help=f"comma-separated among {','.join(CANDIDATES)}")
    parser.add_argument("--idle", type=float, default=20.0, help="idle seconds before one pick-up")
    parser.add_argument("--kill-wait", type=float, default=90.0, help="seconds to wait for a rerun")
    parser.add_argument("--recovery", choices=["tuned", "default"], default="tuned")
    parser.add_argument("--log-dir", type=Path, help="keep the workers' logs there")
    args = parser.parse_args()
    global RECOVERY
    RECOVERY = args.recovery

    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(CANDIDATES)
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        parser.error(f"unknown candidate(s): {', '.join(unknown)}")
    if importlib.util.find_spec("redis") is None:
        sys.exit("redis (the Python client) is needed: every job reports to Redis db 9")

    signal.signal(signal.SIGTERM, interrupted)  # like Ctrl-C: ends in the finally below
    data_root = Path(tempfile.mkdtemp(prefix="queuebench-"))
    global DATA_DIR
    DATA_DIR = str(data_root)
    used_pg = False
    results: list[Result] = []
    try:
        for name in names:
            candidate = CANDIDATES[name]()
            missing = [m for m in candidate.needs if importlib.util.find_spec(m) is None]
            if missing:
                print(f"skipped: {', '.join(missing)} not installed ({name})", flush=True)
                continue
            print(f"{name} …", flush=True)
            data_dir = data_root / name
            data_dir.mkdir()
            DATA_DIR = str(data_dir)
            flush_redis()
            if name in PG_CANDIDATES:
                used_pg = True
                recreate_pg()
            started = time.time()
            results.append(bench(candidate, args, data_dir))
            print(f"  {time.time() - started:.0f} s", flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
    finally:
        Worker.kill_all()
        try:
            flush_redis()
        except Exception as exc:
            print(f"could not flush Redis db 9: {exc}", file=sys.stderr)
        if used_pg:
            try:
                recreate_pg(drop_only=True)
            except Exception as exc:
                print(f"could not drop {PG_DB}: {exc}", file=sys.stderr)
        if args.log_dir:
            args.log_dir.mkdir(parents=True, exist_ok=True)
            for log in data_root.glob("*/*.log"):
                shutil.copy(log, args.log_dir / log.name)
        shutil.rmtree(data_root, ignore_errors=True)
    if results:
        print_table(results, args)


if __name__ == "__main__":
    # Run as the module the workers import, so that the task names (Huey's include the
    # module) are the same on both sides.
    sys.path.insert(0, str(ROOT))
    from benchmarks import queues

    queues.main()
