"""Import page for commune officers and admins: upload a file, see every bad cell or a summary."""

import io
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from household_forms.accounts import EmptyForm
from household_forms.import_template import ImportUploadForm
from household_forms.operations import ConfirmImportForm
from survey_app.access import commune_ids_stmt, get_commune_or_404, roles_required
from survey_app.accounts.models import ADMIN, STAFF
from survey_app.extensions import db
from survey_app.imports import jobs, services, workbook
from survey_app.imports.models import ImportJob
from survey_app.imports.reading import Limits
from survey_app.jobs import DONE, FAILED, QUEUED, RUNNING, files_dir, status_of
from survey_app.operations import services as operations
from survey_app.operations.models import IMPORT
from survey_app.places.models import Commune, Province
from survey_app.timeutil import vn_today
from survey_app.transactions import after_commit, refuse

bp = Blueprint("imports", __name__, url_prefix="/quan-ly/nhap-du-lieu")
MAX_ERRORS_SHOWN = 1000  # a page of thousands of rows helps nobody; the count says how many
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload():
    """Upload a CSV/XLSX for one commune: it is checked and previewed; nothing is imported
    until the officer confirms the preview."""
    form = _form()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return _page(form, _own_commune(), status=status)
    commune = get_commune_or_404(form.commune.data) if "commune" in form else _own_commune()
    try:
        job = jobs.start_job(current_user, commune, form.file.data, files_dir("imports"))
    except jobs.ImportBusy as exc:
        refuse()
        return _page(form, commune, services.ImportOutcome(file_error=str(exc)), status=409)
    _run(job)
    return redirect(url_for("imports.status", token=job.token))


def _run(job: ImportJob) -> None:
    """Preview or import the job: here for a small file, in the background for a large one."""
    directory, limits, today = files_dir("imports"), Limits.of(current_app.config), vn_today()
    path = jobs.upload_path(directory, job)
    if path.exists() and path.stat().st_size > current_app.config["IMPORT_INLINE_BYTES"]:
        job_id = job.id
        after_commit(lambda: jobs.launch(job_id))
    else:
        jobs.run_here(job, directory, limits, today)


@bp.post("/<token>/xac-nhan")
@roles_required(*STAFF)
def confirm(token):
    """Import what the preview showed (refused and previewed again if the data changed)."""
    job = _job_or_404(token)
    form = ConfirmImportForm()
    if not form.validate_on_submit() or not jobs.confirm(job, form.digest.data):
        refuse()
        flash("Bản xem trước này không còn dùng được. Hãy xem lại.", "error")
        return redirect(url_for("imports.status", token=job.token))
    _run(job)
    return redirect(url_for("imports.status", token=job.token))


@bp.post("/<token>/huy")
@roles_required(*STAFF)
def cancel(token):
    """Forget a previewed upload: nothing was imported and nothing is."""
    job = _job_or_404(token)
    if status_of(job) in (QUEUED, RUNNING) or (job.result or {}).get("kind") == jobs.IMPORTED:
        refuse()
        abort(409)
    if not EmptyForm().validate_on_submit():
        abort(400)
    jobs.cancel(job, files_dir("imports"))
    flash(f"Đã hủy tệp {job.file_name}. Chưa nhập dữ liệu nào.", "success")
    return redirect(url_for("imports.upload"))


@bp.get("/<token>/o-loi.xlsx")
@roles_required(*STAFF)
def marked(token):
    """The upload again with every bad cell marked, to fix and upload again."""
    job = _job_or_404(token)
    path = jobs.errors_path(files_dir("imports"), job)
    if not path.exists():
        abort(404)
    stem = Path(job.file_name).stem or "tep"
    return send_file(path, mimetype=XLSX, as_attachment=True, download_name=f"{stem}-can-sua.xlsx")


def _form() -> ImportUploadForm:
    """The upload form; only an admin chooses the commune."""
    form = ImportUploadForm()
    if current_user.role == ADMIN:
        form.commune.choices = _commune_choices()
    else:
        del form.commune
    return form


def _job_or_404(token: str) -> ImportJob:
    job = jobs.job_for(current_user, token)
    if job is None:
        abort(404)
    return job


@bp.get("/<token>/")
@roles_required(*STAFF)
def status(token):
    """An upload's progress, then its outcome: the preview to confirm, every bad cell, or the
    summary of the import."""
    job = _job_or_404(token)
    state = status_of(job)
    if state != DONE:
        return render_template("imports/status.html", job=job, state=state)
    outcome, error_count = jobs.outcome_of(job)
    return _page(_form(), job.commune, outcome, error_count=error_count, job=job)


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


def _page(form, commune, outcome=None, status=200, error_count=None, job=None):
    errors = outcome.errors if outcome else []
    count = len(errors) if error_count is None else error_count
    past = operations.operations_for(current_user, IMPORT)
    page = render_template(
        "imports/upload.html",
        form=form,
        commune=commune,
        outcome=outcome,
        job=job,
        confirm_form=ConfirmImportForm(formdata=None, digest=_digest(outcome)),
        empty_form=EmptyForm(formdata=None),
        errors=errors[:MAX_ERRORS_SHOWN],
        error_count=count,
        hidden_errors=max(0, count - MAX_ERRORS_SHOWN),
        past=past,
        undo_blocked={op.token: operations.blocker(op) for op in past},
    )
    return page, status


def _digest(outcome) -> str:
    return outcome.preview.digest if outcome and outcome.preview else ""
