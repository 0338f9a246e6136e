"""Twin requests for one change (a retry racing the original): one write, one answer."""

import threading
import time

import pytest
from sqlalchemy import insert, select
from sqlalchemy import update as sql_update

from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.sync.models import SyncChange
from survey_app.timeutil import utcnow
from tests.sync.conftest import count, household, update

# Each request here runs on its own connection, racing the others: they must commit for real.
pytestmark = pytest.mark.usefixtures("wipe")


def _in_thread(target) -> tuple[threading.Thread, list]:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(target()), daemon=True)
    thread.start()
    return thread, out


def test_retry_waiting_on_the_original_gets_its_stored_answer(phone, world):
    """The original request has written but not committed when the retry arrives."""
    vol = phone("tnv1")
    change = update(world.hh1.token, 1, dia_chi="Xóm 8")
    stored = {"change_id": change["change_id"], "status": "applied", "code": 200, "version": 2}
    db.session.commit()  # release the test's own connection
    with db.engine.connect() as original:
        original.execute(
            insert(SyncChange).values(
                change_id=change["change_id"], user_id=world.vol1.id, kind="update",
                household_token=world.hh1.token, status="applied", payload=change,
                result=stored, created_at=utcnow(),
            )
        )  # fmt: skip
        original.execute(
            sql_update(Household).where(Household.id == world.hh1.id).values(version=2)
        )
        thread, out = _in_thread(lambda: vol.push(change))
        time.sleep(0.3)
        assert thread.is_alive(), "the retry should wait for the original's transaction"
        original.commit()
        thread.join(10)
    assert out[0].get_json() == {"results": [stored]}
    assert household(world.hh1.token).version == 2 and count(SyncChange) == 1


def test_twin_pushes_apply_once(phone, world):
    phones = [phone("tnv1"), phone("tnv1")]
    change = update(world.hh1.token, 1, dia_chi="Xóm 10")
    db.session.commit()
    start = threading.Barrier(2)

    def send(device):
        start.wait()
        return device.push(change).get_data()

    threads = [_in_thread(lambda device=device: send(device)) for device in phones]
    for thread, _ in threads:
        thread.join(20)
    answers = [out[0] for _, out in threads]
    assert answers[0] == answers[1]
    assert household(world.hh1.token).version == 2
    rows = db.session.scalars(select(SyncChange.status)).all()
    assert rows == ["applied"]
