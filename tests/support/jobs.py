"""Waiting for a background job (export or import) the way its page's script does."""

import time


def wait_for_job(client, status_url: str, what: str, seconds: float = 60) -> dict:
    """Poll the job's JSON (``<status_url>trang-thai``) until it is done or failed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(status_url + "trang-thai").get_json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"{what} did not finish in time")
