"""`flask create-user USERNAME --role ROLE --commune NAME [--village NAME ...]`."""

import sys

import click
from flask.cli import with_appcontext

from survey_app.accounts.services import AccountError
from survey_app.accounts.services import create_user as create_user_service
from survey_app.places.services import find_commune
from survey_app.transactions import unit_of_work


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, help="admin, commune_officer, village_head, volunteer")
@click.option("--commune", "commune_name", help="Tên xã")
@click.option("--province", "province_name", help="Tên tỉnh (khi có hai xã trùng tên)")
@click.option("--village", "village_names", multiple=True, help="Tên thôn (lặp lại được)")
@click.option("--full-name", default="", help="Họ và tên")
@with_appcontext
def create_user(username, role, commune_name, province_name, village_names, full_name):
    """Create a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    commune = find_commune(commune_name, province_name) if commune_name else None
    if commune_name and commune is None:
        _fail(f"Không tìm thấy xã '{commune_name}'.")
    villages = []
    for name in village_names:
        village = (
            next((v for v in commune.villages if v.name == name.strip()), None) if commune else None
        )
        if village is None:
            _fail(f"Không tìm thấy thôn '{name}' trong xã '{commune_name}'.")
        villages.append(village)
    try:
        with unit_of_work():
            user = create_user_service(None, username, password, role, commune, villages, full_name)
    except AccountError as exc:
        _fail(str(exc))
    click.echo(f"Đã tạo người dùng {user.username} ({user.role}).")


def _fail(message: str):
    click.echo(f"Lỗi: {message}", err=True)
    raise SystemExit(1)
