"""Behind a trusted reverse proxy the sign-in throttle counts the phone's address, not the
proxy's (TRUSTED_PROXY_COUNT); without it a forged X-Forwarded-For changes nothing."""

import pytest

from tests import builders
from tests.support.apps import build_app, close, create_schema
from tests.support.database import empty_tables


@pytest.mark.parametrize(("proxies", "expected"), [(1, [200, 200, 200]), (0, [200, 200, 429])])
def test_the_address_the_throttle_counts(sqlite_url, proxies, expected):
    limit = "2 per 15 minutes"
    app = build_app(sqlite_url, TRUSTED_PROXY_COUNT=proxies, SIGNIN_LIMIT_PER_ADDRESS=limit)
    create_schema(app)  # its own app: a clean schema, emptied again after
    with app.app_context():
        builders.World.create()
        client = app.test_client()
        codes = [
            client.post(
                "/dang-nhap",
                data={"username": f"nguoi{k}", "password": "sai"},
                headers={"X-Forwarded-For": "203.0.113.9" if k < 2 else "198.51.100.7"},
                environ_base={"REMOTE_ADDR": "10.0.0.1"},  # the proxy
            ).status_code
            for k in range(3)
        ]
        empty_tables()
        close(app)
    assert codes == expected
