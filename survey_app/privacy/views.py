"""The data policy page (public) and the officer's "Dữ liệu một người" page and JSON download."""

import json

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from household_forms.accounts import EmptyForm
from survey_app.access import get_person_or_404, roles_required, staff_commune
from survey_app.accounts.models import STAFF
from survey_app.admin.picker import pick_commune
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.privacy import cli, person_data
from survey_app.reports.models import DEFAULT_RETENTION_YEARS
from survey_app.reports.services import get_settings
from survey_app.text import fold

bp = Blueprint("privacy", __name__, cli_group=None)  # `flask anonymise`, no group
cli.register(bp)
MAX_FOUND = 50


@bp.get("/chinh-sach-du-lieu")
def policy():
    """What is kept, why, how long and who sees it; open to everyone, signed in or not."""
    return render_template(
        "privacy/policy.html",
        retention_years=_retention_years(),
        sync_days=current_app.config["SYNC_RETENTION_DAYS"],
    )


def _retention_years() -> int:
    """The signed-in user's commune's retention period; the default for everyone else."""
    commune = getattr(current_user, "commune", None)
    return get_settings(commune).retention_years if commune else DEFAULT_RETENTION_YEARS


@bp.get("/quan-ly/du-lieu-ca-nhan/")
@roles_required(*STAFF)
def people():
    """Find a person of the commune by name, to hand them their data."""
    commune = staff_commune()
    if commune is None:
        return pick_commune("privacy.people")
    query = request.args.get("q", "").strip()
    found = _search(commune, query) if query else []
    return render_template(
        "privacy/people.html", commune=commune, query=query, found=found, form=EmptyForm()
    )


@bp.post("/quan-ly/du-lieu-ca-nhan/<person_token>")
@roles_required(*STAFF)
def person_export(person_token):
    """Download everything held about one person as JSON (audited)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    person = get_person_or_404(person_token, removed_ok=True)  # their data is still held
    data = person_data.person_data(current_user, person)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    name = f"du-lieu-ca-nhan-{person.token}.json"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, mimetype="application/json", headers=headers)


def _search(commune, query: str) -> list[Person]:
    """People of ``commune`` whose name contains ``query``, accents and case ignored."""
    stmt = (
        select(Person)
        .join(Household)
        .where(Household.commune_id == commune.id, Household.anonymised_at.is_(None))
        .order_by(Person.ho_ten, Person.id)
    )
    wanted = fold(query)
    matches = (p for p in db.session.scalars(stmt) if wanted in fold(p.ho_ten))
    return [p for _, p in zip(range(MAX_FOUND), matches, strict=False)]
