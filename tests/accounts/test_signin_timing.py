"""Finding 3: with the production password hash (Argon2id), a wrong password for a known user
and any password for an unknown one take the same time (medians within 20%); a right password
under an older hash (werkzeug's scrypt) signs in and is hashed again with Argon2id."""

import statistics
import time

import pytest
from werkzeug.security import generate_password_hash

from survey_app.extensions import db
from tests import builders
from tests.support.apps import build_app, close, create_schema
from tests.support.database import empty_tables

ROUNDS = 7


@pytest.fixture
def production_hash_app(sqlite_url):
    # The suite's cheap pbkdf2:1000 would hide the difference; the limiter would stop the tries.
    app = build_app(sqlite_url, PASSWORD_HASH_METHOD="argon2id", RATELIMIT_ENABLED=False)
    create_schema(app)  # its own app: a clean schema, emptied again after
    with app.app_context():
        commune = builders.make_commune()
        builders.make_user("tnv1", "volunteer", commune, [builders.make_village(commune, "Thôn 1")])
        db.session.commit()
        yield app
        empty_tables()
        close(app)


def _seconds(client, username: str) -> float:
    start = time.perf_counter()
    response = client.post("/dang-nhap", data={"username": username, "password": "sai-mat-khau"})
    elapsed = time.perf_counter() - start
    assert response.status_code == 200 and "không đúng" in response.text
    return elapsed


def test_unknown_and_known_usernames_answer_in_the_same_time(production_hash_app):
    client = production_hash_app.test_client()
    assert generate_password_hash("x").startswith("scrypt:")  # werkzeug's default, as deployed
    _seconds(client, "tnv1"), _seconds(client, "khong-co-ai")  # warm-up (the dummy hash)
    known, unknown = [], []
    for _ in range(ROUNDS):  # interleaved, so load from other processes hits both alike
        known.append(_seconds(client, "tnv1"))
        unknown.append(_seconds(client, "khong-co-ai"))
    known_median, unknown_median = statistics.median(known), statistics.median(unknown)
    assert abs(known_median - unknown_median) <= 0.2 * known_median, (known, unknown)


def test_an_older_hash_signs_in_and_is_replaced_by_argon2id(production_hash_app):
    from survey_app.accounts.models import User

    user = db.session.scalar(db.select(User).where(User.username == "tnv1"))
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")  # new passwords
    user.password_hash = generate_password_hash(builders.PASSWORD, method="scrypt")  # from before
    db.session.commit()
    client = production_hash_app.test_client()
    wrong = client.post("/dang-nhap", data={"username": "tnv1", "password": "sai-mat-khau"})
    assert wrong.status_code == 200
    db.session.expire_all()
    assert user.password_hash.startswith("scrypt:")  # a wrong password changes nothing
    right = client.post("/dang-nhap", data={"username": "tnv1", "password": builders.PASSWORD})
    assert right.status_code == 302
    db.session.expire_all()
    assert user.password_hash.startswith("$argon2id$") and user.check_password(builders.PASSWORD)
