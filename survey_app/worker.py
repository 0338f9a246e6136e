"""`flask worker`: the queue's consumer (exports, large imports) and the nightly tasks
(retention: anonymise and prune pushed changes; an optional whole-database backup).

Start one or more next to the web server (``make run`` starts one; the container image has
``docker/worker.sh``). Several workers, on one machine or many, share the queue ``QUEUE_URL``
names; every job row is claimed once (survey_app/jobs.py).
"""

import logging
import time
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from huey import crontab
from sqlalchemy import select

from survey_app import jobs
from survey_app.extensions import db
from survey_app.places.models import Commune
from survey_app.timeutil import vn_today
from survey_app.transactions import unit_of_work

log = logging.getLogger(__name__)
KEEP_BACKUPS = timedelta(days=30)


@click.command("worker")
@click.option("--threads", type=click.IntRange(1, 32), default=2, show_default=True,
              help="Số việc chạy cùng lúc trong tiến trình này")  # fmt: skip
@with_appcontext
def worker(threads: int) -> None:
    """Run background jobs (exports, large imports) and the nightly tasks until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("huey").setLevel(logging.WARNING)  # not a line per task and per minute
    click.echo(f"Máy xử lý nền: {threads} luồng, hàng đợi {jobs.huey.storage.__class__.__name__}.")
    jobs.serve(current_app._get_current_object(), threads)  # type: ignore[attr-defined]


# 02:30 in Việt Nam (the queue's clock is UTC): personal data past each commune's retention,
# and the changes phones pushed, kept SYNC_RETENTION_DAYS (what `flask sync prune` does).
@jobs.huey.periodic_task(crontab(hour="19", minute="30"))
def _nightly_retention() -> None:
    with jobs.worker_context():
        anonymise_due()
        prune_sync_changes()


def prune_sync_changes() -> int:
    from survey_app.sync import services

    with unit_of_work():
        removed, days = services.prune_past_retention()
    log.info("deleted %s pushed changes older than %s days", removed, days)
    return removed


def anonymise_due() -> dict[str, int]:
    """Anonymise, commune by commune, the households past the commune's retention period (what
    `flask anonymise` does for one commune); each commune in its own transaction."""
    from survey_app.privacy import services  # the privacy area's own rules

    done = {}
    for commune_id in db.session.scalars(select(Commune.id).order_by(Commune.id)).all():
        with unit_of_work():
            commune = db.session.get_one(Commune, commune_id)
            result = services.anonymise(None, commune)
        if result.households:
            done[commune.full_name] = result.households
            log.info("anonymised %s households of %s", result.households, commune.full_name)
    return done


# 01:00 in Việt Nam: the whole database to BACKUP_DIR (when set), kept KEEP_BACKUPS.
@jobs.huey.periodic_task(crontab(hour="18", minute="0"))
def _nightly_backup() -> None:
    with jobs.worker_context():
        directory = current_app.config.get("BACKUP_DIR")
        if directory:
            nightly_backup(Path(directory))


def nightly_backup(directory: Path) -> Path:
    """``sao-luu-YYYY-MM-DD.zip`` in ``directory`` (as `flask backup`); older than KEEP_BACKUPS
    are deleted."""
    from survey_app.backup.cli import write_whole

    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"sao-luu-{vn_today():%Y-%m-%d}.zip"
    write_whole(out)
    limit = time.time() - KEEP_BACKUPS.total_seconds()
    for old in directory.glob("sao-luu-*.zip"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)
    return out
