"""The OpenAPI fuzzer: schemathesis draws calls from /api/openapi.json, signed in as each role.

Calls go to the Flask app in-process (schemathesis' WSGI transport). Each operation is drawn in
both of schemathesis' modes: positive (what the schema allows) and negative (what it forbids),
so the API must refuse bad input with a 4xx and never answer 5xx.
"""

import schemathesis
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.fuzz.forms import Tally
from tests.test_access_walk import Walk

API_ROLES = ("vol1", "head1", "officer", "admin")  # volunteer, village head, officer, admin
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def load_schema(app):
    """The app's own OpenAPI document, read through the app like a client would."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def cases(app):
    """A strategy of schemathesis cases over every operation of the document, in both modes."""
    schema = load_schema(app)
    strategies = [
        operation.ok().as_strategy(generation_mode=mode)
        for operation in schema.get_all_operations()
        for mode in MODES
    ]
    return st.one_of(strategies)


def session_cookie(walk: Walk, role: str) -> str:
    """A signed Flask session cookie of ``role``'s user, as the login page would set it."""
    serializer = walk.app.session_interface.get_signing_serializer(walk.app)
    return serializer.dumps({"_user_id": walk.secrets[role], "_fresh": True})


def call(walk: Walk, tally: Tally, role: str, case) -> int:
    """Send one case; a 5xx (or an exception the app raised) is recorded, not raised."""
    cookies = {"session": session_cookie(walk, role)}
    status = tally.record(
        lambda: case.call(cookies=cookies),
        (case.method, case.formatted_path, case.query or {}, {}),
        f"{case.method} {case.formatted_path} as {role}",
        case.as_curl_command,
    )
    if case.method == "POST" and (status < 400 or status >= 500):
        walk.restore()  # a push may have written: the next call starts from the same World
    return status


def run(walk: Walk, tally: Tally, count: int, base: settings) -> None:
    """``count`` calls per role, counted in ``tally`` (for benchmarks/fuzz.py)."""
    strategy = cases(walk.app)
    for role in API_ROLES:

        @settings(base, max_examples=count)
        @given(case=strategy)
        def one(case):
            call(walk, tally, role, case)  # noqa: B023 - run at once, in this turn of the loop

        one()
