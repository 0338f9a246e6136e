"""The form fuzzer as a test: a bounded sample of requests to every rule, no server error.

FUZZ_EXAMPLES sets how many requests each engine gets (default 150, about 15 s on SQLite);
benchmarks/fuzz.py runs the same fuzzer for longer and prints its figures.
"""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.forms import FORMS, Tally, fuzz_rules, request_strategy, send

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))


def test_every_post_route_has_its_fields(sqlite_app):
    posts = {r.endpoint for r in fuzz_rules(sqlite_app) if "POST" in r.methods}
    missing = sorted(posts - set(FORMS))
    assert not missing, (
        f"The form fuzzer does not know the fields of: {', '.join(missing)}. Add one line per "
        f'endpoint to FORMS in tests/fuzz/forms.py, e.g. "{missing[0]}": EmptyForm,'
    )
    assert not sorted(set(FORMS) - posts), "FORMS lists endpoints that take no POST"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_no_form_or_query_gives_a_server_error(walk, data):
    tally = Tally()
    send(walk, tally, data.draw(request_strategy(walk, fuzz_rules(walk.app))))
    assert not tally.errors, tally.errors[0]
