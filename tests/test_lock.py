"""The lock files: every declared dependency is pinned there, and this environment matches them.

`make run`, `make test`, CI and the Dockerfile install from requirements/*.txt with
``--require-hashes``; these tests catch a pyproject.toml edited without `make lock`, and an
environment that drifted from the pins (a fresh clone must get exactly the locked versions).
"""

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)")


def _pins(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements" / name).read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"]
    if extra:
        names = names + project["optional-dependencies"][extra]
    return [Requirement(text) for text in names]


@pytest.mark.parametrize("lock, extra", [("app.txt", None), ("test.txt", "test")])
def test_every_declared_dependency_is_pinned_within_its_range(lock, extra):
    pins = _pins(lock)
    problems = []
    for requirement in _declared(extra):
        pinned = pins.get(canonicalize_name(requirement.name))
        if pinned is None:
            problems.append(f"{requirement.name}: not in requirements/{lock}")
        elif not requirement.specifier.contains(pinned, prereleases=True):
            problems.append(f"{requirement.name}: {pinned} outside {requirement.specifier}")
    assert not problems, "run `make lock`: " + "; ".join(problems)


def test_app_pins_agree_with_test_pins():
    test_pins = _pins("test.txt")
    app_pins = _pins("app.txt")
    differ = {n: (v, test_pins.get(n)) for n, v in app_pins.items() if test_pins.get(n) != v}
    assert not differ, f"requirements/test.txt must keep app.txt's pins: {differ}"


def test_this_environment_has_exactly_the_locked_versions():
    wrong = {}
    for name, version in _pins("test.txt").items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"locked vs installed (run `make test` to reinstall): {wrong}"
