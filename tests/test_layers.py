"""Layering, made checkable: the criteria engine (aggregation/) and the rules of what a person can
submit (household_forms/) use only the app's models, vocabulary, pure rules and helpers — never
its views, services or request code. A wrong-way import fails here, naming the file and line.
Views never commit or roll back: the request handler does (survey_app/transactions.py)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("aggregation", "household_forms")
ALLOWED = (
    "survey_app.accounts.models",
    "survey_app.assistance.models",
    "survey_app.history.models",  # the version tables figures as of a past date read
    "survey_app.households.models",
    "survey_app.households.status",  # pure: what applies, completeness, statuses
    "survey_app.households.vocabulary",
    "survey_app.places.models",
    "survey_app.reports.models",
    "survey_app.text",
    "survey_app.timeutil",
)


def app_imports(path: Path):
    """(line, module) for every import of survey_app in a file, nested ones included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "survey_app" or node.module.endswith(".households"):
                # "from survey_app.households import status": the module is the name imported
                for alias in node.names:
                    yield node.lineno, f"{node.module}.{alias.name}"
            else:
                yield node.lineno, node.module


def wrong_way(root: Path) -> list[str]:
    found = []
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            for line, module in app_imports(path):
                if module.startswith("survey_app") and module not in ALLOWED:
                    found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


def test_engine_and_forms_import_only_models_rules_and_helpers_from_the_app():
    assert wrong_way(ROOT) == []


def test_the_check_catches_a_wrong_way_import(tmp_path):
    (tmp_path / "aggregation").mkdir()
    (tmp_path / "household_forms").mkdir()
    (tmp_path / "aggregation" / "bad.py").write_text(
        "def f():\n    from survey_app.households.services import save_household\n"
    )
    (tmp_path / "household_forms" / "ok.py").write_text("from survey_app.text import fold\n")
    assert wrong_way(tmp_path) == ["aggregation/bad.py:2 imports survey_app.households.services"]


def view_transactions(root: Path) -> list[str]:
    """Every ``.commit(`` or ``.rollback(`` call in survey_app/*/views.py, as file:line."""
    found = []
    for path in sorted((root / "survey_app").glob("*/views.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("commit", "rollback")
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno} calls .{node.func.attr}()")
    return found


def test_no_view_commits_or_rolls_back():
    assert view_transactions(ROOT) == []


def test_the_check_catches_a_commit_in_a_view(tmp_path):
    (tmp_path / "survey_app" / "area").mkdir(parents=True)
    (tmp_path / "survey_app" / "area" / "views.py").write_text(
        "def v():\n    db.session.commit()\n    session.rollback()\n"
    )
    assert view_transactions(tmp_path) == [
        "survey_app/area/views.py:2 calls .commit()",
        "survey_app/area/views.py:3 calls .rollback()",
    ]
