"""An upload's life: saved, checked and previewed, then imported when the officer confirms.

The upload is saved under ``instance/imports/<token>.<ext>`` and stays there until the import is
confirmed or cancelled (or a day has passed: it holds personal data). Small files are checked in
the request; large ones by a queue worker (survey_app/jobs.py) that reports progress on the job
row. Both run the same steps (``_work``) with the same service as the command line: all or
nothing, the same bad-cell report, and an import only of the preview the officer read — if the
data changed meanwhile, the job comes back with the new preview instead.
"""

import logging
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from household_forms.import_template import CellError
from survey_app import jobs
from survey_app.access import commune_ids_stmt
from survey_app.extensions import db
from survey_app.imports import services, workbook
from survey_app.imports.models import ImportJob
from survey_app.imports.reading import Limits, read_rows
from survey_app.timeutil import utcnow, vn_today

log = logging.getLogger(__name__)
KEEP_UPLOADS = timedelta(hours=24)  # an upload never confirmed or cancelled: one day
ERRORS_KEPT = 1000  # the page shows this many bad cells and the count of the rest
PREVIEW, IMPORT = "preview", "import"
GONE = "Tệp tải lên đã quá hạn lưu (24 giờ) hoặc đã bị xóa. Hãy tải tệp lên lại."
# result["kind"]: what the page shows
PREVIEWED, IMPORTED, BAD_CELLS, UNREADABLE = "preview", "imported", "errors", "file_error"


class ImportBusy(Exception):
    """The commune already has an import running: two at once would only compete."""

    MESSAGE = "Xã đang có một tệp được nhập. Hãy đợi tệp đó xong rồi nhập tiếp."


def start_job(actor, commune, upload, directory: Path) -> ImportJob:
    """Save the upload and record it, to be previewed (nothing is imported yet)."""
    if running_job(commune) is not None:
        raise ImportBusy(ImportBusy.MESSAGE)
    jobs.purge_old_files(directory, KEEP_UPLOADS)
    name = Path(upload.filename or "tep").name[:200]
    job = ImportJob(user_id=actor.id, commune_id=commune.id, file_name=name, mode=PREVIEW)
    db.session.add(job)
    db.session.flush()
    directory.mkdir(parents=True, exist_ok=True)
    upload.save(upload_path(directory, job))
    return job


def confirm(job: ImportJob, digest: str) -> bool:
    """Queue the import of a previewed job; False if ``digest`` is not the preview it shows."""
    result = job.result or {}
    if jobs.status_of(job) != jobs.DONE or result.get("kind") != PREVIEWED:
        return False
    if not digest or digest != result["preview"]["digest"]:
        return False
    jobs.requeue(job)
    job.mode, job.stage = IMPORT, ""
    return True


def cancel(job: ImportJob, directory: Path) -> None:
    """Forget an upload that was not imported: its file and its row (the data is untouched)."""
    upload_path(directory, job).unlink(missing_ok=True)
    errors_path(directory, job).unlink(missing_ok=True)
    db.session.delete(job)


def running_job(commune) -> ImportJob | None:
    """The commune's import still queued or running (a stale one has died and does not count)."""
    stmt = select(ImportJob).where(
        ImportJob.commune_id == commune.id, ImportJob.status.in_((jobs.QUEUED, jobs.RUNNING))
    )
    alive = [job for job in db.session.scalars(stmt) if jobs.status_of(job) != jobs.FAILED]
    return alive[0] if alive else None


def upload_path(directory: Path, job: ImportJob) -> Path:
    return directory / f"{job.token}{Path(job.file_name).suffix.lower()}"


def errors_path(directory: Path, job: ImportJob) -> Path:
    return directory / f"{job.token}-loi.xlsx"


def run_here(job: ImportJob, directory: Path, limits: Limits, today: date) -> None:
    """Run a small job in the request (its session; the request commits)."""
    job.result = _work(job, directory, limits, today)
    job.status, job.finished_at = jobs.DONE, utcnow()
    job.mode = PREVIEW if job.result["kind"] == PREVIEWED else job.mode


def launch(job_id: int) -> None:
    """Send the (committed) job to the queue's workers."""
    jobs.enqueue(KIND, job_id)


def run_job(job_id: int) -> None:
    """Run a claimed job (failures go on the job row, nothing imported). A rerun after a
    worker died is safe: the import commits in one transaction and checks its preview first."""
    try:
        _run(job_id, jobs.files_dir("imports"), Limits.of(current_app.config), vn_today())
    except Exception:
        db.session.rollback()
        log.exception("import job %s failed", job_id)
        jobs.fail(ImportJob, job_id, "Lỗi khi nhập tệp; chưa nhập dữ liệu nào. Hãy thử lại.")


def _run(job_id: int, directory: Path, limits: Limits, today: date) -> None:
    job = db.session.get_one(ImportJob, job_id)
    jobs.set_state(ImportJob, job_id, stage=services.CHECKING)
    result = _work(job, directory, limits, today, _progress(job_id))
    if result["kind"] == IMPORTED:
        db.session.commit()
    else:
        db.session.rollback()
    mode = PREVIEW if result["kind"] == PREVIEWED else IMPORT
    jobs.set_state(
        ImportJob, job_id, status=jobs.DONE, result=result, mode=mode, finished_at=utcnow()
    )


KIND = "import"
jobs.register(KIND, ImportJob, run_job)


def _work(job: ImportJob, directory: Path, limits: Limits, today: date, progress=None) -> dict:
    """Preview or import the job's upload in the current session; the result to keep.

    The upload is kept only while a preview waits for the officer; bad cells leave a copy of
    the file with every bad cell marked instead (for the officer to fix and upload again).
    """
    path = upload_path(directory, job)
    if not path.exists():
        return result_of(services.ImportOutcome(file_error=GONE))
    with path.open("rb") as stream:
        outcome = services.import_file(
            job.user,
            job.commune,
            job.file_name,
            stream,
            today,
            limits,
            progress,
            consent_by=services.vouched_by(job.user),
            preview=job.mode == PREVIEW,
            expect=_confirmed_digest(job),
        )
    if outcome.errors:
        with path.open("rb") as stream:
            marked = workbook.marked_copy(read_rows(job.file_name, stream, limits), outcome.errors)
        errors_path(directory, job).write_bytes(marked)
    if outcome.preview is None:
        path.unlink(missing_ok=True)
    return result_of(outcome)


def _confirmed_digest(job: ImportJob) -> str | None:
    """The digest of the preview the officer confirmed (an import job), else None."""
    if job.mode != IMPORT:
        return None
    # never None for an import: a missing digest makes the preview stale, not unchecked
    return ((job.result or {}).get("preview") or {}).get("digest") or ""


def _progress(job_id: int):
    """progress(stage, done, total) → the job row.

    While writing, SQLite's single writer is the import's own transaction: a progress update
    from another connection would wait for it, so there the stage is shown without counts.
    """
    report = jobs.Progress(ImportJob, job_id)
    sqlite = db.engine.dialect.name == "sqlite"

    def progress(stage: str, done: int, total: int) -> None:
        if stage == services.WRITING and sqlite:
            if done == 0:
                jobs.set_state(ImportJob, job_id, stage=stage, done=0, total=total)
            return
        report(done, total, stage=stage)

    return progress


def result_of(outcome: services.ImportOutcome) -> dict:
    """The outcome as stored on the job (JSON)."""
    if outcome.file_error:
        kind = UNREADABLE
    elif outcome.errors:
        kind = BAD_CELLS
    elif outcome.summary is not None:
        kind = IMPORTED
    else:
        kind = PREVIEWED
    return {
        "kind": kind,
        "file_error": outcome.file_error,
        "summary": asdict(outcome.summary) if outcome.summary else None,
        "operation": outcome.operation,
        "preview": asdict(outcome.preview) if outcome.preview else None,
        "stale": outcome.stale,
        "errors": [asdict(error) for error in outcome.errors[:ERRORS_KEPT]],
        "error_count": len(outcome.errors),
        "warnings": outcome.warnings,
    }


def outcome_of(job: ImportJob) -> tuple[services.ImportOutcome, int]:
    """(the outcome the page shows, how many bad cells in all) of a finished job."""
    result = job.result or {}
    summary, preview = result.get("summary"), result.get("preview")
    outcome = services.ImportOutcome(
        summary=services.ImportSummary(**summary) if summary else None,
        operation=result.get("operation"),
        preview=services.Preview.of(preview) if preview else None,
        stale=result.get("stale", False),
        errors=[CellError(**error) for error in result.get("errors", [])],
        warnings=result.get("warnings", []),
        file_error=result.get("file_error"),
    )
    return outcome, result.get("error_count", 0)


def job_for(user, token: str) -> ImportJob | None:
    """The user's own import ``token`` if its commune is still theirs; None otherwise."""
    return db.session.scalar(
        select(ImportJob).where(
            ImportJob.token == token,
            ImportJob.user_id == user.id,
            ImportJob.commune_id.in_(commune_ids_stmt(user)),
        )
    )
