"""Chốt số liệu: freeze a report, its permanent page, its documents produced again unchanged."""

import io

from flask import Blueprint, abort, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from aggregation.documents import MIMETYPES, write
from household_forms.frozen import FreezeForm
from survey_app.access import by_token, can_see_village, get_commune_or_404, roles_required
from survey_app.accounts.models import ADMIN, STAFF, VILLAGE_HEAD
from survey_app.extensions import db
from survey_app.frozen import services
from survey_app.frozen.models import FrozenReport
from survey_app.reports.services import get_settings
from survey_app.transactions import attempt_value

bp = Blueprint("frozen", __name__)
FORMATS = {"xlsx": "Excel (.xlsx)", "pdf": "PDF để in", "csv": "CSV", "docx": "Báo cáo Word"}


@bp.route("/bao-cao/xa/<commune_token>/chot-so-lieu", methods=["GET", "POST"])
@roles_required(*STAFF)
def freeze(commune_token):
    commune = get_commune_or_404(commune_token)
    form = FreezeForm()
    villages = [v for v in commune.villages if v.active]
    form.fill_choices(get_settings(commune).criteria_ids, villages, whole_commune=True)
    if form.validate_on_submit() and not form.as_of_error():
        village = services.village_of(commune, form.scope.data)
        if form.scope.data and village is None:
            abort(404)
        frozen = attempt_value(
            lambda: services.freeze(
                current_user, commune, form.criteria.data, form.year.data, form.as_of.data, village
            )
        )
        if frozen is not None:
            return redirect(url_for("frozen.report", report_token=frozen.token))
    if form.is_submitted() and form.as_of_error():
        form.as_of.errors = [form.as_of_error()]
    return render_template(
        "frozen/freeze.html", commune=commune, form=form, reports=services.reports_of(commune)
    )


def _frozen_or_404(token: str) -> FrozenReport:
    """A frozen report of the user's commune (staff), or of the village head's own village."""
    frozen = by_token(FrozenReport, token)
    if frozen is None:
        abort(404)
    if current_user.role == ADMIN:
        return frozen
    if current_user.role in STAFF and current_user.commune_id == frozen.commune_id:
        return frozen
    if (
        current_user.role == VILLAGE_HEAD
        and frozen.village_id is not None
        and can_see_village(current_user, frozen.village_id)
    ):
        return frozen
    abort(404)


@bp.get("/bao-cao-chot/<report_token>")
@login_required
def report(report_token):
    frozen = _frozen_or_404(report_token)
    return render_template(
        "frozen/report.html",
        frozen=frozen,
        rows=services.differences(frozen),
        formats=FORMATS,
    )


@bp.get("/bao-cao-chot/<report_token>/tai-ve/<fmt>")
@login_required
def download(report_token, fmt):
    frozen = _frozen_or_404(report_token)
    if fmt not in FORMATS:
        abort(404)
    out = io.BytesIO()
    result = write(db.session, services.export_request(frozen), out, fmt)
    out.seek(0)
    scope = frozen.village_name or frozen.commune.name
    name = f"bao-cao-chot-{frozen.criteria_id}-{frozen.year}-{scope}.{result.fmt}"
    return send_file(
        out, mimetype=MIMETYPES[result.fmt], as_attachment=True, download_name=name, max_age=0
    )
