"""The OpenAPI fuzzer as a test: a bounded sample, no server error (tests/fuzz/api.py).

FUZZ_API_EXAMPLES sets how many calls each engine gets (default 60, spread over the roles).
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.api import API_ROLES, call, cases
from tests.fuzz.forms import Tally

EXAMPLES = int(os.environ.get("FUZZ_API_EXAMPLES", "60"))


@pytest.fixture
def api_cases(walk):
    return cases(walk.app)  # reading the document and building strategies: once per test


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_the_api_never_answers_a_server_error(walk, api_cases, data):
    tally = Tally()
    role = data.draw(st.sampled_from(API_ROLES), label="role")
    call(walk, tally, role, data.draw(api_cases, label="case"))
    assert not tally.errors, tally.errors[0]
