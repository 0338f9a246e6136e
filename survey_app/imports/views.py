"""Import page for commune officers and admins: upload a file, see every bad cell or a summary."""

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from household_forms.import_template import ImportUploadForm
from survey_app.access import commune_ids_stmt, get_commune_or_404, roles_required
from survey_app.accounts.models import ADMIN, STAFF
from survey_app.extensions import db
from survey_app.imports import jobs, services, workbook
from survey_app.imports.models import ImportJob
from survey_app.imports.reading import Limits
from survey_app.jobs import DONE, FAILED, files_dir, status_of
from survey_app.places.models import Commune, Province
from survey_app.timeutil import vn_today
from survey_app.transactions import after_commit, refuse

bp = Blueprint("imports", __name__, url_prefix="/quan-ly/nhap-du-lieu")
MAX_ERRORS_SHOWN = 1000  # a page of thousands of rows helps nobody; the count says how many
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload():
    """Upload a CSV/XLSX for one commune; nothing is imported unless every cell is good."""
    form = _form()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _page(form, _own_commune(), status=status)
    commune = get_commune_or_404(form.commune.data) if "commune" in form else _own_commune()
    upload_file = form.file.data
    limits = Limits.of(current_app.config)
    if _size(upload_file.stream) > current_app.config["IMPORT_INLINE_BYTES"]:
        try:
            job = jobs.start_job(current_user, commune, upload_file, files_dir("imports"))
        except jobs.ImportBusy as exc:
            refuse()
            return _page(form, commune, services.ImportOutcome(file_error=str(exc)), status=409)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        directory, today = files_dir("imports"), vn_today()
        after_commit(lambda: jobs.launch(app, job, directory, limits, today))
        return redirect(url_for("imports.status", token=job.token))
    outcome = services.import_file(
        current_user,
        commune,
        upload_file.filename,
        upload_file.stream,
        vn_today(),
        limits,
        consent_by=services.vouched_by(current_user),
    )
    if outcome.summary is None:
        refuse()
        return _page(form, commune, outcome, status=422)
    return _page(form, commune, outcome)


def _form() -> ImportUploadForm:
    """The upload form; only an admin chooses the commune."""
    form = ImportUploadForm()
    if current_user.role == ADMIN:
        form.commune.choices = _commune_choices()
    else:
        del form.commune
    return form


def _size(stream) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _job_or_404(token: str) -> ImportJob:
    job = jobs.job_for(current_user, token)
    if job is None:
        abort(404)
    return job


@bp.get("/<token>/")
@roles_required(*STAFF)
def status(token):
    """A large import's progress, then its outcome (summary or every bad cell)."""
    job = _job_or_404(token)
    state = status_of(job)
    if state != DONE:
        return render_template("imports/status.html", job=job, state=state)
    outcome, error_count = jobs.outcome_of(job)
    return _page(_form(), job.commune, outcome, error_count=error_count)


@bp.get("/<token>/trang-thai")
@roles_required(*STAFF)
def status_json(token):
    """Small JSON polled by the progress page."""
    job = _job_or_404(token)
    state = status_of(job)
    message = job.message if state == FAILED else ""
    return jsonify(status=state, stage=job.stage, done=job.done, total=job.total,
                   percent=job.percent, message=message, text=_progress_text(job))  # fmt: skip


def _progress_text(job: ImportJob) -> str:
    if job.stage == services.WRITING:
        counts = f": {job.done:,}/{job.total:,} hộ".replace(",", ".") if job.total else ""
        return f"Đang ghi vào cơ sở dữ liệu{counts}…"
    if job.done:
        return f"Đang kiểm tra: đã đọc {job.done:,} dòng…".replace(",", ".")
    return "Đang kiểm tra dữ liệu…"


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


def _page(form, commune, outcome=None, status=200, error_count=None):
    errors = outcome.errors if outcome else []
    count = len(errors) if error_count is None else error_count
    page = render_template(
        "imports/upload.html",
        form=form,
        commune=commune,
        outcome=outcome,
        errors=errors[:MAX_ERRORS_SHOWN],
        error_count=count,
        hidden_errors=max(0, count - MAX_ERRORS_SHOWN),
    )
    return page, status
