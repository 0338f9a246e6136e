"""The backup file: a zip of one JSON-lines file per table and a manifest, written and read as a
stream (one batch of rows in memory at a time), from and to SQLite or PostgreSQL.

manifest.json: {"format": "khaosat-backup", "version": 1, "revision": <Alembic revision>,
"created_at": ISO time, "tables": {name: {"rows": n, "sha256": hex, "columns": [...]}}}.
Each ``tables/<name>.jsonl`` line is one row as a JSON array in the listed column order; dates,
times and decimals are ISO / decimal strings, binary data base64.
"""

import base64
import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    Table,
    func,
    insert,
    select,
    text,
)

FORMAT, VERSION = "khaosat-backup", 1
BATCH = 1000


class Scope:
    """Which rows of each table a partial backup holds, and which columns it blanks."""

    def rows(self, table: Table):
        raise NotImplementedError

    def blanked(self, table: Table) -> dict[int, object]:
        """Column position → the value written instead."""
        return {}


class BackupError(Exception):
    """A backup that cannot be written or restored, with a message for the operator."""


@dataclass
class Manifest:
    revision: str
    created_at: str
    tables: dict[str, dict]

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "version": VERSION,
            "revision": self.revision,
            "created_at": self.created_at,
            "tables": self.tables,
        }


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    return value


def _decoder(column):
    kind = column.type
    if isinstance(kind, DateTime):
        return lambda v: None if v is None else datetime.fromisoformat(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else date.fromisoformat(v)
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        return lambda v: None if v is None else Decimal(v)
    if isinstance(kind, LargeBinary):
        return lambda v: None if v is None else base64.b64decode(v)
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    if isinstance(kind, Integer):
        return lambda v: None if v is None else int(v)
    if isinstance(kind, JSON):
        return lambda v: v
    return lambda v: v


def write_backup(
    connection,
    tables: list[Table],
    revision: str,
    out: Path,
    now: datetime,
    scope: "Scope | None" = None,
) -> Manifest:
    """Write every row of ``tables`` to ``out`` (zip), table by table, in primary-key order;
    with a ``scope``, only its rows and with its columns blanked (one commune's backup)."""
    manifest = Manifest(revision, now.isoformat(), {})
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for table in tables:
            columns = [c.name for c in table.columns]
            digest, rows = hashlib.sha256(), 0
            order = list(table.primary_key.columns) or list(table.columns)
            stmt = select(table).order_by(*order)
            if scope is not None:
                stmt = stmt.where(scope.rows(table))
            result = connection.execution_options(yield_per=BATCH).execute(stmt)
            blank = scope.blanked(table) if scope is not None else {}
            with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as member:
                for row in result:
                    values = [blank.get(i, v) for i, v in enumerate(row)] if blank else row
                    line = json.dumps([_encode(v) for v in values], ensure_ascii=False) + "\n"
                    data = line.encode()
                    digest.update(data)
                    member.write(data)
                    rows += 1
            manifest.tables[table.name] = {
                "rows": rows, "sha256": digest.hexdigest(), "columns": columns,
            }  # fmt: skip
        archive.writestr("manifest.json", json.dumps(manifest.to_json(), indent=1))
    return manifest


def read_manifest(path: Path) -> Manifest:
    """The file's manifest, after checking it is a backup this product can read."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path.name} không phải tệp sao lưu đọc được ({exc}).") from None
    with archive:
        try:
            raw = json.loads(archive.read("manifest.json"))
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise BackupError(f"{path.name}: thiếu hoặc hỏng manifest.json ({exc}).") from None
    if raw.get("format") != FORMAT or raw.get("version") != VERSION:
        raise BackupError(f"{path.name} không phải tệp sao lưu của phần mềm này (định dạng lạ).")
    return Manifest(raw["revision"], raw["created_at"], raw["tables"])


def verify(path: Path, manifest: Manifest) -> None:
    """Read every table file through and check its row count and checksum; write nothing."""
    with zipfile.ZipFile(path) as archive:
        for name, info in manifest.tables.items():
            digest, rows = hashlib.sha256(), 0
            try:
                with archive.open(f"tables/{name}.jsonl") as member:
                    for line in member:
                        digest.update(line)
                        rows += 1
            except (KeyError, zipfile.BadZipFile, EOFError, OSError) as exc:
                raise BackupError(f"Bảng {name}: tệp sao lưu bị thiếu hoặc hỏng ({exc}).") from None
            if rows != info["rows"] or digest.hexdigest() != info["sha256"]:
                raise BackupError(
                    f"Bảng {name}: tệp sao lưu đã bị sửa hoặc cắt cụt "
                    f"({rows} dòng, manifest ghi {info['rows']}; mã kiểm tra không khớp)."
                )


def rows_of(path: Path, table: Table, columns: list[str]) -> Iterator[list[dict]]:
    """Batches of ``table``'s rows from the file, decoded for the live schema."""
    decoders = [_decoder(table.c[name]) if name in table.c else None for name in columns]
    batch: list[dict] = []
    with zipfile.ZipFile(path) as archive, archive.open(f"tables/{table.name}.jsonl") as member:
        for line in member:
            values = json.loads(line)
            row = {
                name: decode(value)
                for name, decode, value in zip(columns, decoders, values, strict=True)
                if decode is not None
            }
            batch.append(row)
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def load(connection, path: Path, tables: list[Table], manifest: Manifest) -> dict[str, int]:
    """Insert every table's rows (parents first); returns rows per table."""
    counts = {}
    for table in tables:
        info = manifest.tables.get(table.name)
        if info is None:
            continue
        count = 0
        for batch in rows_of(path, table, info["columns"]):
            connection.execute(insert(table), batch)
            count += len(batch)
        counts[table.name] = count
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, tables)
    return counts


def _reset_sequences(connection, tables: list[Table]) -> None:
    """Serial ids continue after the restored rows (PostgreSQL keeps them in sequences)."""
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, Integer) or not column.autoincrement:
                continue
            top = connection.scalar(select(func.max(column)))
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            )
            if sequence and top is not None:
                connection.execute(text("SELECT setval(:s, :v)"), {"s": sequence, "v": top})


def is_empty(connection, tables: list[Table]) -> bool:
    return all(connection.scalar(select(func.count()).select_from(t)) == 0 for t in tables)
