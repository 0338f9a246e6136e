"""One commune's backup, downloaded by its officer (or an admin) from the backup page.

The same file format as ``flask backup`` (restorable with ``flask restore`` into an empty
database), holding only what belongs to the commune: its province and commune rows, villages,
households, people and their history, settings, rounds, frozen reports, operations, plates,
help records and classes, and the users who work there. Left out: other communes, the audit log,
sign-in sessions and codes, phone sync bookkeeping (phones pull afresh) and job rows. Every
password is blanked — nobody can sign in with a restored account until an admin sets a new
password — and admins are kept (without passwords) only because the history names them.
"""

from pathlib import Path

from sqlalchemy import false, or_, select, true

from survey_app import audit, timeutil
from survey_app.backup import archive
from survey_app.backup.cli import revision_of, tables
from survey_app.extensions import db
from survey_app.history.models import household_version

LEFT_OUT = {
    "audit_log", "user_session", "signin_code", "sync_change", "sync_stamp",
    "sync_tombstone", "sync_counter", "export_job", "import_job",
}  # fmt: skip


class CommuneScope(archive.Scope):
    def __init__(self, commune):
        self.commune = commune
        self.filters: dict[str, object] = {}

    def rows(self, table):
        if table.name not in self.filters:
            self.filters[table.name] = self._filter(table)
        return self.filters[table.name]

    def _filter(self, table):
        c, commune = table.c, self.commune
        if table.name in LEFT_OUT:
            return false()
        if table.name == "province":
            return c.id == commune.province_id
        if table.name == "commune":
            return c.id == commune.id
        if table.name == "user":
            return or_(c.commune_id == commune.id, c.role == "admin")
        if "commune_id" in c:
            return c.commune_id == commune.id
        if table.name == "person_version":
            ever = select(household_version.c.household_id).where(
                household_version.c.commune_id == commune.id
            )
            return c.household_id.in_(ever)
        for fk in sorted(table.foreign_keys, key=lambda f: f.column.table.name == "user"):
            target = fk.column.table
            if target.name != "user" and target.name in self.filters:
                return fk.parent.in_(select(fk.column).where(self.filters[target.name]))
        return true()  # no table of the commune to follow: every row (none such today)

    def blanked(self, table):
        if table.name == "user":
            return {list(table.c.keys()).index("password_hash"): ""}
        return {}


def write(actor, commune, out: Path) -> archive.Manifest:
    """Write the commune's backup to ``out`` and record who downloaded it (the caller commits
    the audit row)."""
    engine = db.engine
    # one snapshot of every table, as the backup command takes (PostgreSQL; SQLite has one)
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as connection, connection.begin():
        manifest = archive.write_backup(
            connection,
            tables(),
            revision_of(connection),
            out,
            timeutil.utcnow(),
            CommuneScope(commune),
        )
    rows = {name: info["rows"] for name, info in manifest.tables.items() if info["rows"]}
    audit.record(
        actor, "backup_download", "commune", commune.token,
        households=rows.get("household", 0), people=rows.get("person", 0),
    )  # fmt: skip
    return manifest
