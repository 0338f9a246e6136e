"""The app as it runs for real, in processes of its own: gunicorn and `flask worker`, on a
database file of the test's, signed in over HTTP like a phone (tests/jobs, benchmarks)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A process in a session of its own (``stop`` kills it with its children)."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=os.environ | env, stdout=out, stderr=out, start_new_session=True
        )


def gunicorn(env: dict, port: int, log: Path, workers: int = 1) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    server = start([*command, "survey_app:create_app()"], env, log)
    wait_until_up(f"http://127.0.0.1:{port}/healthz", server, log)
    return server


def worker(env: dict, log: Path, threads: int = 2) -> subprocess.Popen:
    flask = [sys.executable, "-m", "flask", "--app", "survey_app", "worker"]
    return start([*flask, "--threads", str(threads)], env, log)


def flask(env: dict, *args: str) -> str:
    """Run a `flask` command to its end; its output (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "survey_app", *args],
        cwd=ROOT, env=os.environ | env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=10).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Signal the process and everything it started; wait for it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no csrf_token on the page"
    return found.group(1)


def signed_in(base: str, username: str, password: str) -> requests.Session:
    """A session signed in through the real form (CSRF as in production)."""
    session = requests.Session()
    token = csrf_of(session.get(f"{base}/dang-nhap", timeout=10).text)
    form = {"csrf_token": token, "username": username, "password": password}
    response = session.post(f"{base}/dang-nhap", data=form, timeout=30, allow_redirects=False)
    assert response.status_code == 302, response.text[-2000:]
    return session
