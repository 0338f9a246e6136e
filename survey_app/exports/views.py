"""Download pages: choose set, year or as-of date, scope and format; follow progress; download.

Commune staff export the commune or one thôn; a village head only their own thôn (anything else
is 404, as for any record outside one's places). The file is made by a queue worker
(services.launch) so a long PDF shows progress and never holds a web worker; its URLs carry the
job's token and are checked against the user who asked for it.
"""

from flask import (
    Blueprint,
    abort,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from aggregation.documents import FORMATS, MIMETYPES, ExportRequest
from household_forms.accounts import EmptyForm
from household_forms.export_form import WHOLE_COMMUNE, ExportForm
from survey_app.access import (
    commune_ids_stmt,
    get_village_or_404,
    roles_required,
    staff_commune,
    visible_villages_stmt,
)
from survey_app.accounts.models import ADMIN, LEADERS, STAFF
from survey_app.exports import services
from survey_app.exports.models import DONE, FAILED
from survey_app.extensions import db
from survey_app.jobs import files_dir
from survey_app.places.models import Commune, Province, Village
from survey_app.reports.services import get_settings
from survey_app.transactions import after_commit, refuse

bp = Blueprint("exports", __name__, url_prefix="/xuat")
EXPORTERS = LEADERS


@bp.route("/", methods=["GET", "POST"])
@roles_required(*EXPORTERS)
def index():
    """The export form; a valid POST starts the job and goes to its progress page."""
    commune = staff_commune()
    if commune is None and current_user.role == ADMIN:
        return render_template("exports/pick_commune.html", communes=_communes())
    villages = _villages(commune)
    form = ExportForm()
    staff = current_user.role in STAFF
    home = commune or (villages[0].commune if villages else None)
    preferred = get_settings(home).criteria_ids if home else []
    form.fill_choices(preferred, villages, whole_commune=staff)
    if not staff:
        del form.full_data
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _page(form, commune, status)
    village = _scope_village(form.scope.data, commune)
    commune = commune or village.commune
    if form.as_of_error():
        form.as_of.errors = [form.as_of_error()]
        return _page(form, commune, 422)
    wanted = _request(form, commune, village)
    job = services.start_job(current_user, wanted, form.fmt.data, files_dir("exports"))
    job_id = job.id
    after_commit(lambda: services.launch(job_id))
    return redirect(url_for("exports.status", token=job.token))


def _communes() -> list[Commune]:
    stmt = (
        select(Commune)
        .join(Province)
        .where(Commune.id.in_(commune_ids_stmt(current_user)))
        .order_by(Province.name, Commune.name)
    )
    return list(db.session.scalars(stmt))


def _villages(commune: Commune | None):
    stmt = visible_villages_stmt(current_user)
    if commune is not None:
        stmt = stmt.where(Village.commune_id == commune.id)
    return list(db.session.scalars(stmt))


def _scope_village(token: str, commune: Commune | None):
    """The chosen thôn (404 outside the user's places), or None for the whole commune."""
    if token == WHOLE_COMMUNE:
        if current_user.role not in STAFF or commune is None:
            abort(404)
        return None
    village = get_village_or_404(token)
    if commune is not None and village.commune_id != commune.id:
        abort(404)
    return village


def _request(form: ExportForm, commune, village) -> ExportRequest:
    return ExportRequest(
        commune=commune,
        criteria_id=form.criteria.data,
        year=form.year.data,
        as_of=form.as_of.data,
        village=village,
        complement=form.complement.data,
        full_data=bool("full_data" in form and form.full_data.data),
    )


def _page(form, commune, status=200):
    jobs = services.recent_jobs(current_user)
    page = render_template(
        "exports/index.html",
        form=form,
        commune=commune,
        formats=FORMATS,
        jobs=[(job, services.status_of(job)) for job in jobs],
    )
    return page, status


def _job_or_404(token: str):
    job = services.job_for(current_user, token)
    if job is None:
        abort(404)
    return job


@bp.post("/<token>/chay-lai")
@roles_required(*EXPORTERS)
def restart(token):
    """Start a failed export (or one whose file was removed) again, as it was asked."""
    job = _job_or_404(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    state = services.status_of(job)
    gone = state == DONE and services.file_of(job, files_dir("exports")) is None
    if state != FAILED and not gone:
        refuse()
        abort(409)
    services.restart(current_user, job)
    job_id = job.id
    after_commit(lambda: services.launch(job_id))
    return redirect(url_for("exports.status", token=job.token))


@bp.get("/<token>/")
@roles_required(*EXPORTERS)
def status(token):
    """Progress of one export; the download button once it is ready."""
    job = _job_or_404(token)
    state = services.status_of(job)
    ready = services.file_of(job, files_dir("exports")) is not None
    form = EmptyForm()
    return render_template("exports/status.html", job=job, state=state, ready=ready, form=form)


@bp.get("/<token>/trang-thai")
@roles_required(*EXPORTERS)
def status_json(token):
    """Small JSON polled by the progress page."""
    job = _job_or_404(token)
    state = services.status_of(job)
    ready = state == DONE and services.file_of(job, files_dir("exports")) is not None
    return jsonify(
        status=state,
        done=job.done,
        total=job.total,
        percent=job.percent,
        message=job.message if state == FAILED else "",
        download_url=url_for("exports.download", token=job.token) if ready else None,
    )


@bp.get("/<token>/tai-ve")
@roles_required(*EXPORTERS)
def download(token):
    """The finished file (404 when it is not ready or was removed after a day)."""
    job = _job_or_404(token)
    path = services.file_of(job, files_dir("exports"))
    if path is None:
        abort(404)
    return send_file(
        path, mimetype=MIMETYPES[job.fmt], as_attachment=True, download_name=job.file_name
    )
