"""`flask --app survey_app anonymise --commune NAME [--province NAME] [--dry-run]`."""

import click

from survey_app.privacy import services
from survey_app.reports.cli import find_commune_or_fail
from survey_app.timeutil import to_vn
from survey_app.transactions import unit_of_work


def register(bp) -> None:
    """Attach the command to the privacy blueprint (no group: ``flask anonymise``)."""

    @bp.cli.command("anonymise")
    @click.option("--commune", "commune_name", required=True, help="Tên xã")
    @click.option("--province", default=None, help="Tên tỉnh, khi hai xã trùng tên")
    @click.option("--dry-run", is_flag=True, help="Chỉ đếm, không sửa gì")
    def anonymise(commune_name: str, province: str | None, dry_run: bool) -> None:
        """Clear the personal data of households past the commune's retention period."""
        commune = find_commune_or_fail(commune_name, province)
        with unit_of_work(dry_run=dry_run):
            result = services.anonymise(None, commune, dry_run=dry_run)
        since = f"{to_vn(result.cutoff):%d/%m/%Y}"
        verb = "Sẽ ẩn danh" if dry_run else "Đã ẩn danh"
        click.echo(
            f"{verb} {result.households} hộ, {result.people} người của xã {commune.full_name} "
            f"(không thay đổi từ trước {since})."
        )
