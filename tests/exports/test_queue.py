"""Export jobs on the queue: claimed once, sent again when their worker dies, failed with a
way to start them again when they keep dying, and kept alive by a heartbeat while they run."""

import io
import threading
import time
from datetime import timedelta

from openpyxl import load_workbook

from aggregation.documents import ExportRequest
from survey_app import jobs
from survey_app.exports import services
from survey_app.exports.models import DONE, FAILED, QUEUED, RUNNING, ExportJob
from survey_app.extensions import db
from survey_app.timeutil import utcnow
from tests.exports.support import SET, YEAR
from tests.support.jobs import in_app


def _job(world, directory) -> ExportJob:
    request = ExportRequest(world.commune, SET, YEAR, village=world.thon1)
    job = services.start_job(world.officer, request, "xlsx", directory)
    db.session.commit()
    return job


def _fresh(job_id: int) -> ExportJob:
    db.session.expire_all()
    return db.session.get_one(ExportJob, job_id)


def _downloaded_sheets(client, token: str) -> list[str]:
    response = client.get(f"/xuat/{token}/tai-ve")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data)).sheetnames


def test_a_job_sent_twice_runs_once(app, ex_world, exports_dir, wipe, monkeypatch):
    job = _job(ex_world, exports_dir)
    ran = []
    monkeypatch.setitem(jobs.KINDS, services.KIND, (ExportJob, ran.append))
    jobs.run(services.KIND, job.id)
    jobs.run(services.KIND, job.id)  # the same message again, or a second worker
    assert ran == [job.id]
    assert _fresh(job.id).attempts == 1


def test_a_job_whose_worker_died_is_sent_again_and_finishes(
    app, client, auth, ex_world, exports_dir, wipe
):
    job = _job(ex_world, exports_dir)
    jobs.set_state(ExportJob, job.id, status=RUNNING, attempts=1, done=40, total=120)
    assert jobs.reap() == []  # its heartbeat is fresh: the worker is alive
    later = utcnow() + jobs.DEAD + timedelta(seconds=1)  # then the heartbeat stopped
    assert jobs.reap(later) == [(services.KIND, job.id)]  # the tests' queue runs it at once
    job = _fresh(job.id)
    assert (job.status, job.attempts, job.done) == (DONE, 2, job.total)
    auth.login("canbo")
    assert "PL 3.4" in _downloaded_sheets(client, job.token)


def test_a_job_that_keeps_dying_fails_and_can_be_run_again(
    app, client, auth, ex_world, exports_dir, wipe
):
    job = _job(ex_world, exports_dir)
    jobs.set_state(ExportJob, job.id, status=RUNNING, attempts=jobs.MAX_ATTEMPTS)
    assert jobs.reap(utcnow() + jobs.DEAD + timedelta(seconds=1)) == []
    job = _fresh(job.id)
    assert job.status == FAILED and "dừng giữa chừng 3 lần" in job.message
    auth.login("canbo")
    page = client.get(f"/xuat/{job.token}/").get_data(as_text=True)
    assert "Không tạo được tệp" in page and "Chạy lại" in page
    response = client.post(f"/xuat/{job.token}/chay-lai")
    assert response.status_code == 302
    job = _fresh(job.id)
    assert (job.status, job.attempts, job.message) == (DONE, 1, "")
    assert "PL 3.4" in _downloaded_sheets(client, job.token)
    assert client.post(f"/xuat/{job.token}/chay-lai").status_code == 409  # done, file kept


def test_a_queued_job_is_sent_again_only_after_waiting_long(
    app, ex_world, exports_dir, wipe, monkeypatch
):
    job = _job(ex_world, exports_dir)
    sent = []
    monkeypatch.setattr(jobs, "enqueue", lambda kind, job_id: sent.append((kind, job_id)))
    assert jobs.reap(utcnow() + timedelta(minutes=1)) == []  # a queue may be busy for a while
    late = utcnow() + jobs.REQUEUE_WAITING + timedelta(seconds=1)
    assert jobs.reap(late) == [(services.KIND, job.id)] == sent
    job = _fresh(job.id)
    assert (job.status, job.attempts) == (QUEUED, 0)  # only a claim counts as a run


def test_a_running_job_keeps_a_heartbeat(app, ex_world, exports_dir, wipe, monkeypatch):
    job = _job(ex_world, exports_dir)
    monkeypatch.setattr(jobs, "HEARTBEAT", 0.05)
    seen = []

    def slow(job_id: int) -> None:
        for _ in range(2):
            seen.append(_updated_at(job_id))
            time.sleep(0.3)

    monkeypatch.setitem(jobs.KINDS, services.KIND, (ExportJob, slow))
    jobs.run(services.KIND, job.id)
    assert seen[1] > seen[0]  # moved while the job itself wrote nothing


def _updated_at(job_id: int):
    table = ExportJob.__table__
    with db.engine.connect() as conn:
        return conn.scalar(
            table.select().with_only_columns(table.c.updated_at).where(table.c.id == job_id)
        )


def test_restart_is_refused_while_a_job_runs(app, client, auth, ex_world, exports_dir, wipe):
    job = _job(ex_world, exports_dir)
    jobs.set_state(ExportJob, job.id, status=RUNNING)
    auth.login("canbo")
    assert client.post(f"/xuat/{job.token}/chay-lai").status_code == 409
    assert _fresh(job.id).status == RUNNING


def test_two_workers_claim_a_job_once(app, ex_world, exports_dir, wipe, monkeypatch):
    job = _job(ex_world, exports_dir)
    ran = []
    monkeypatch.setitem(jobs.KINDS, services.KIND, (ExportJob, ran.append))
    threads = [
        threading.Thread(target=in_app, args=(app, jobs.run, services.KIND, job.id))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert ran == [job.id]
