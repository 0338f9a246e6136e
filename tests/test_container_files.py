"""The container files agree with each other and with the app (docs/deployment.md).

Building and booting the image is `docker/check.sh`'s job (it needs root, podman and a few
minutes); these checks are the cheap part that catches drift on every run: an entry point that
is not copied or not executable, a compose service that lost its command, a healthcheck that
differs between the Dockerfile and compose.yaml, a proxy that refuses uploads the app accepts.
"""

import os
import re
import shlex
from pathlib import Path

import yaml

from survey_app.config import Defaults

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined, comments dropped)."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            result.append((word.upper(), rest.strip()))
    return result


def _python_code(command: str) -> str:
    """The code of a `python -c CODE` command."""
    words = shlex.split(command)
    return words[words.index("-c") + 1]


def test_every_copied_source_exists():
    for word, rest in _instructions():
        if word == "COPY" and not rest.startswith("--from"):
            for source in rest.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_entry_points_are_copied_and_executable():
    copies = " ".join(rest for word, rest in _instructions() if word == "COPY")
    for name in ("boot.sh", "worker.sh", "check.sh"):
        path = ROOT / "docker" / name
        assert os.access(path, os.X_OK), f"docker/{name} is not executable"
    assert "docker/boot.sh" in copies and "docker/worker.sh" in copies
    assert (
        "exec nice -n 10 flask --app survey_app worker" in (ROOT / "docker/worker.sh").read_text()
    )


def test_image_runs_boot_sh_as_a_user_other_than_root():
    instructions = _instructions()
    assert ("CMD", '["./boot.sh"]') in instructions
    users = [rest for word, rest in instructions if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert ("FROM", "${BASE}") in instructions  # a registry-free base can be swapped in


def test_compose_healthcheck_is_the_dockerfiles():
    health = [rest for word, rest in _instructions() if word == "HEALTHCHECK"]
    assert len(health) == 1
    image_code = _python_code(health[0].split(" CMD ", 1)[1])
    test = _compose()["services"]["app"]["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    assert test[3] == image_code
    assert "/healthz" in image_code


def test_compose_services():
    services = _compose()["services"]
    assert services["app"]["command"] == ["./boot.sh"]
    assert services["worker"]["command"] == ["./worker.sh"]
    assert services["worker"]["image"] == services["app"]["image"]
    assert services["worker"]["healthcheck"] == {"disable": True}  # no web server in it
    for name in ("app", "worker"):
        env = services[name]["environment"]
        assert env["QUEUE_URL"].startswith("redis://redis:")
        assert env["RATELIMIT_STORAGE_URI"].startswith("redis://redis:")
        assert env["DATABASE_URL"].startswith("postgresql://")
        # Export and import files pass between the two through the same volume.
        assert "instance:/app/instance" in services[name]["volumes"]
        for needed in ("db", "redis"):
            assert services[name]["depends_on"][needed]["condition"] == "service_healthy"
    assert services["nginx"]["profiles"] == ["proxy"]


def test_proxy_accepts_what_the_app_accepts():
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    size = re.search(r"client_max_body_size\s+(\d+)m;", conf)
    assert size and int(size.group(1)) * 1024 * 1024 >= Defaults.MAX_CONTENT_LENGTH
    assert "proxy_pass http://survey_app;" in conf
    assert "$proxy_add_x_forwarded_for" in conf  # the app trusts one proxy's last entry


def test_build_context_leaves_out_local_files():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for name in (".git", ".venv", "node_modules", "instance", "tests", "docs", "benchmarks"):
        assert name in ignored
