"""`flask backup` / `flask restore`: SQLite → PostgreSQL → SQLite gives the same figures, lists,
history and frozen reports; a tampered or truncated file is refused and writes nothing."""

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.imports.support import ROWS, csv_bytes
from tests.support.skips import PG_URL, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "survey_app"]
COMMUNE = ["--commune", "Hoàng Kim", "--province", "Thanh Hóa"]
SET = ["--criteria", "thanh-hoa-1829", "--year", "2026"]


def flask(url: str, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-backup"}
    done = subprocess.run([*FLASK, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def figures(url: str, tmp_path: Path, name: str):
    """The `indicators` JSON and every evidence workbook cell, as of today and of a past day."""
    result = {}
    for extra in ([], ["--as-of", "2026-01-01"]):
        out = json.loads(
            flask(url, "indicators", *COMMUNE, *SET, *extra, "--format", "json").stdout
        )
        book = tmp_path / f"{name}{len(extra)}.xlsx"
        flask(url, "export-evidence", *COMMUNE, *SET, *extra, "--out", str(book))
        sheets = openpyxl.load_workbook(io.BytesIO(book.read_bytes()), read_only=True)
        cells = {s.title: [tuple(r) for r in s.iter_rows(values_only=True)] for s in sheets}
        result[tuple(extra)] = (out, cells)
    return result


def table_rows(url: str, *tables: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {
            t: sorted(tuple(map(str, r)) for r in conn.execute(text(f'SELECT * FROM "{t}"')))
            for t in tables
        }
    engine.dispose()
    return found


@pytest.fixture
def pg_empty():
    """A new, empty PostgreSQL database for the restore (dropped afterwards)."""
    if not PG_URL:
        skip_or_fail("PostgreSQL not configured: set TEST_DATABASE_URL to run this on PostgreSQL")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"restore_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def source(tmp_path) -> str:
    """A SQLite database with an imported register, an edit (history) and a frozen report."""
    url = f"sqlite:///{tmp_path / 'source.db'}"
    flask(url, "db", "upgrade")
    (tmp_path / "ho.csv").write_bytes(csv_bytes())
    flask(url, "import-households", str(tmp_path / "ho.csv"), *COMMUNE)
    changed = [ROWS[0] | {"Chữ ký số": "Có"}, *ROWS[1:]]
    (tmp_path / "ho2.csv").write_bytes(csv_bytes(changed))
    flask(url, "import-households", str(tmp_path / "ho2.csv"), *COMMUNE)
    script = (
        "from survey_app import create_app\n"
        "from survey_app.extensions import db\n"
        "from survey_app.frozen import services\n"
        "from survey_app.accounts.models import User\n"
        "from survey_app.places.models import Commune\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    user = User(username='canbo', full_name='Cán bộ', role='commune_officer',\n"
        "                commune=db.session.query(Commune).one(), password_hash='x')\n"
        "    db.session.add(user)\n"
        "    services.freeze(user, user.commune, 'thanh-hoa-1829', 2026, None)\n"
        "    db.session.commit()\n"
    )
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "test-backup"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, cwd=ROOT)
    return url


KEPT = ("household_version", "person_version", "village_version", "frozen_report", "audit_log")


def test_sqlite_to_postgresql_to_sqlite_keeps_everything(source, pg_empty, tmp_path):
    kept = table_rows(source, *KEPT)  # before the exports below add their audit rows
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    flask(source, "backup", "--out", str(first))
    flask(pg_empty, "restore", str(first))
    flask(pg_empty, "backup", "--out", str(second))
    back = f"sqlite:///{tmp_path / 'back.db'}"
    flask(back, "restore", str(second))
    assert table_rows(back, *KEPT) == kept  # history, frozen reports and the audit log
    before = figures(source, tmp_path, "a")
    assert figures(pg_empty, tmp_path, "b") == before
    assert figures(back, tmp_path, "c") == before
    # ids go on after the restored rows: a new import on PostgreSQL works
    (tmp_path / "more.csv").write_bytes(csv_bytes([ROWS[0] | {"Mã hộ": "HK-999"}]))
    flask(pg_empty, "import-households", str(tmp_path / "more.csv"), *COMMUNE)


def _tampered(path: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, change(item.filename, data))
    return out


def test_a_tampered_or_truncated_backup_is_refused_and_writes_nothing(source, tmp_path):
    good = tmp_path / "good.zip"
    flask(source, "backup", "--out", str(good))

    def edit(name, data):
        return data.replace(b"Nguy", b"Ngui", 1) if name == "tables/person.jsonl" else data

    tampered = _tampered(good, tmp_path / "t.zip", edit)
    truncated = tmp_path / "cut.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    for bad, words in ((tampered, "đã bị sửa hoặc cắt cụt"), (truncated, "không phải tệp sao lưu")):
        target = f"sqlite:///{tmp_path / (bad.stem + '.db')}"
        done = flask(target, "restore", str(bad), ok=False)
        assert done.returncode == 1 and words in done.stderr, done.stderr
        assert (
            not (tmp_path / (bad.stem + ".db")).exists()
            or not table_rows(target, "household")["household"]
        )


def test_restore_fills_only_an_empty_database(source, tmp_path):
    good = tmp_path / "good.zip"
    flask(source, "backup", "--out", str(good))
    done = flask(source, "restore", str(good), ok=False)
    assert done.returncode == 1 and "chỉ khôi phục vào một cơ sở dữ liệu trống" in done.stderr


def test_a_commune_backup_from_the_page_restores_with_the_same_figures(source, tmp_path):
    """What an officer downloads (survey_app/backup/commune.py) is a backup `restore` takes."""
    out = tmp_path / "xa.zip"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from survey_app import create_app\n"
        "from survey_app.backup import commune\n"
        "from survey_app.extensions import db\n"
        "from survey_app.accounts.models import User\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    user = db.session.query(User).one()\n"
        "    commune.write(user, user.commune, Path(sys.argv[1]))\n"
        "    db.session.commit()\n"
    )
    env = {**os.environ, "DATABASE_URL": source, "SECRET_KEY": "test-backup"}
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, cwd=ROOT)
    before = figures(source, tmp_path, "a")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    flask(target, "restore", str(out))
    assert figures(target, tmp_path, "b") == before
    kept = ("household_version", "person_version", "village_version", "frozen_report")
    assert table_rows(target, *kept) == table_rows(source, *kept)
    # the download is in the source's audit log; passwords never leave
    assert "backup_download" in str(table_rows(source, "audit_log"))
    engine = create_engine(target)
    with engine.connect() as conn:
        assert conn.execute(text('SELECT password_hash FROM "user"')).scalars().all() == [""]
    engine.dispose()
