"""`flask --app survey_app sync prune --days N`: forget old pushed changes (personal data)."""

import click

from survey_app.config import MIN_SYNC_RETENTION_DAYS
from survey_app.sync import services
from survey_app.transactions import unit_of_work


def register(bp) -> None:
    """Attach the commands to the sync blueprint (group ``sync``)."""

    @bp.cli.command("prune")
    @click.option(
        "--days",
        type=click.IntRange(min=MIN_SYNC_RETENTION_DAYS),
        default=None,
        help="Default: SYNC_RETENTION_DAYS (180 unless set)",
    )
    def prune(days: int | None) -> None:
        """Delete pushed changes older than DAYS (answers to replays, refused conflicts)."""
        with unit_of_work():
            removed, days = services.prune_past_retention(days)
        click.echo(f"Đã xóa {removed} thay đổi đồng bộ cũ hơn {days} ngày.")
