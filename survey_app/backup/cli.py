"""`flask backup --out FILE` and `flask restore FILE` (docs/backup.md)."""

import sys
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from survey_app import timeutil
from survey_app.backup import archive
from survey_app.backup.archive import BackupError
from survey_app.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def tables():
    return [t for t in db.metadata.sorted_tables if t.name != "alembic_version"]


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def revision_of(connection) -> str:
    """The database's Alembic revision (the code's head when the schema was made without it)."""
    if inspect(connection).has_table("alembic_version"):
        found = connection.scalar(text("SELECT version_num FROM alembic_version"))
        if found:
            return found
    return _scripts().get_current_head() or ""


@click.command("backup")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup(out: Path):
    """Write the whole database to FILE (zip: a manifest and one file per table)."""
    manifest = write_whole(out)
    rows = sum(t["rows"] for t in manifest.tables.values())
    click.echo(
        f"Đã sao lưu {len(manifest.tables)} bảng, {rows} dòng (phiên bản {manifest.revision}) "
        f"vào {out} ({out.stat().st_size} byte)."
    )


def write_whole(out: Path):
    """The whole database to ``out``, from one consistent view, all or nothing; its manifest."""
    engine = db.engine
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    partial = out.with_name(out.name + ".partial")
    try:
        with engine.connect().execution_options(**options) as connection, connection.begin():
            manifest = archive.write_backup(
                connection, tables(), revision_of(connection), partial, timeutil.utcnow()
            )
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore(file: Path):
    """Fill an EMPTY database from a backup FILE; an older backup is migrated after loading."""
    try:
        manifest = archive.read_manifest(file)
        scripts = _scripts()
        known = {rev.revision for rev in scripts.walk_revisions()}
        if manifest.revision not in known:
            raise BackupError(
                f"Tệp sao lưu thuộc phiên bản cơ sở dữ liệu {manifest.revision}, mới hơn hoặc "
                "lạ với phần mềm này; hãy cập nhật phần mềm trước."
            )
        archive.verify(file, manifest)
        _prepare_empty_schema(manifest.revision)
        with db.engine.begin() as connection:
            counts = archive.load(connection, file, tables(), manifest)
            if connection.dialect.name == "postgresql":  # plans for the rows just loaded
                connection.execute(text("ANALYZE"))
        head = scripts.get_current_head()
        if manifest.revision != head:
            upgrade(directory=str(MIGRATIONS))
    except BackupError as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Đã khôi phục {sum(counts.values())} dòng của {len(counts)} bảng từ {file.name}.")


def _prepare_empty_schema(revision: str) -> None:
    """A schema at ``revision`` with no rows, or a refusal when the database holds data."""
    with db.engine.connect() as connection:
        has_schema = inspect(connection).has_table("alembic_version") or inspect(
            connection
        ).has_table("household")
        if has_schema and not archive.is_empty(connection, _tables_present(connection)):
            raise BackupError(
                "Cơ sở dữ liệu đã có dữ liệu: chỉ khôi phục vào một cơ sở dữ liệu trống."
            )
        current = revision_of(connection) if has_schema else None
    if current == revision:
        return
    directory = str(MIGRATIONS)
    if has_schema and inspect(db.engine).has_table("alembic_version"):
        downgrade(directory=directory, revision="base")
    elif has_schema:
        db.drop_all()
    upgrade(directory=directory, revision=revision)
    current_app.logger.info("restore: schema prepared at %s", revision)


def _tables_present(connection):
    names = set(inspect(connection).get_table_names())
    return [t for t in tables() if t.name in names]
