"""Waiting for a background job (export or import) the way its page's script does."""

import time

from survey_app.extensions import db


def wait_for_job(client, status_url: str, what: str, seconds: float = 60) -> dict:
    """Poll the job's JSON (``<status_url>trang-thai``) until it is done or failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(status_url + "trang-thai").get_json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"{what} did not finish in time")


def in_app(app, work, *args) -> None:
    """Run ``work(*args)`` in its own app context and session, as a worker thread does."""
    with app.app_context():
        try:
            work(*args)
        finally:
            db.session.remove()
