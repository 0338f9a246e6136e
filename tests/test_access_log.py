"""gunicorn's access log, as `make run` and the container start it, holds no searched names."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "Nguyễn Văn Bình"
QUOTED = "Nguy%E1%BB%85n+V%C4%83n+B%C3%ACnh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, referer: str) -> None:
    request = urllib.request.Request(url, headers={"Referer": referer})
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except OSError:
        pass  # a redirect to the sign-in page or a 404 is fine: the line is what we read


def _serve_and_log(tmp_path, port: int, paths: list[str]) -> str:
    env = os.environ | {
        "SECRET_KEY": "log-test",
        "DATABASE_URL": "sqlite:///" + str(tmp_path / "log.db"),
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "survey_app:create_app()"]
    log = tmp_path / "access.log"
    with open(log, "w") as out:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)
        try:
            _wait_for(port)
            for path in paths:
                _get(f"http://127.0.0.1:{port}{path}", f"http://127.0.0.1:{port}{path}")
            time.sleep(0.5)  # let the worker write its last line
        finally:
            server.terminate()
            server.wait(10)
    return log.read_text()


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def test_access_log_has_paths_but_no_query_or_referer(tmp_path):
    paths = [f"/thon/abc/?q={QUOTED}&tt=chua", f"/healthz?q={QUOTED}"]
    text = _serve_and_log(tmp_path, _free_port(), paths)
    assert '"GET /thon/abc/ HTTP/1.1" 302' in text and '"GET /healthz HTTP/1.1" 200' in text
    assert "Nguy" not in text and NAME not in text and "q=" not in text, text
