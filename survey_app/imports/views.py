"""Import page for commune officers and admins: upload a file, see every bad cell or a summary."""

import io

from flask import Blueprint, abort, current_app, render_template, send_file
from flask_login import current_user
from sqlalchemy import select

from household_forms.import_template import ImportUploadForm
from survey_app.access import commune_ids_stmt, get_commune_or_404, roles_required
from survey_app.accounts.models import ADMIN, STAFF
from survey_app.extensions import db
from survey_app.imports import services, workbook
from survey_app.imports.reading import Limits
from survey_app.places.models import Commune, Province
from survey_app.timeutil import vn_today

bp = Blueprint("imports", __name__, url_prefix="/quan-ly/nhap-du-lieu")
MAX_ERRORS_SHOWN = 1000  # a page of thousands of rows helps nobody; the count says how many
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload():
    """Upload a CSV/XLSX for one commune; nothing is imported unless every cell is good."""
    form = ImportUploadForm()
    if current_user.role == ADMIN:
        form.commune.choices = _commune_choices()
    else:
        del form.commune
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _page(form, _own_commune(), status=status)
    commune = get_commune_or_404(form.commune.data) if "commune" in form else _own_commune()
    upload_file = form.file.data
    limits = Limits.of(current_app.config)
    outcome = services.import_file(
        current_user, commune, upload_file.filename, upload_file.stream, vn_today(), limits
    )
    if outcome.summary is None:
        db.session.rollback()
        return _page(form, commune, outcome, status=422)
    db.session.commit()
    return _page(form, commune, outcome)


@bp.get("/mau.xlsx")
@roles_required(*STAFF)
def template():
    """The XLSX import template with the exact headers, a sample household and dropdowns."""
    return send_file(
        io.BytesIO(workbook.template_bytes()),
        mimetype=XLSX,
        as_attachment=True,
        download_name="mau-nhap-ho-gia-dinh.xlsx",
    )


def _own_commune() -> Commune | None:
    """A commune officer's commune (admins choose one in the form)."""
    if current_user.role == ADMIN:
        return None
    if current_user.commune is None:
        abort(403)
    return get_commune_or_404(current_user.commune.token)


def _commune_choices() -> list[tuple[str, str]]:
    stmt = (
        select(Commune)
        .join(Province)
        .where(Commune.id.in_(commune_ids_stmt(current_user)))
        .order_by(Province.name, Commune.name)
    )
    return [(c.token, c.full_name) for c in db.session.scalars(stmt)]


def _page(form, commune, outcome=None, status=200):
    errors = outcome.errors if outcome else []
    page = render_template(
        "imports/upload.html",
        form=form,
        commune=commune,
        outcome=outcome,
        errors=errors[:MAX_ERRORS_SHOWN],
        hidden_errors=max(0, len(errors) - MAX_ERRORS_SHOWN),
    )
    return page, status
