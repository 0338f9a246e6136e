"""Phones talking to the sync API through test clients, and builders for pushed changes."""

import secrets
import uuid

import pytest
from sqlalchemy import func, select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.sync.models import SyncChange
from tests import builders

PUSH = "/api/sync/push"
PULL = "/api/sync/pull"


def new_id() -> str:
    return str(uuid.uuid4())


def new_token() -> str:
    return secrets.token_urlsafe(16)


def member(ho_ten="Nguyễn Văn Tư", ngay_sinh="1958", gioi_tinh="nam", **extra) -> dict:
    return {"ho_ten": ho_ten, "ngay_sinh": ngay_sinh, "gioi_tinh": gioi_tinh, **extra}


def create(village_token: str, ma_ho="HK-900", members=None, token=None, **data) -> dict:
    """A create change as a phone queues it, with a household token made on the phone."""
    body = {"consent": True, "ma_ho": ma_ho, "chu_ho": "Nguyễn Văn Tư", **data}
    body["members"] = members if members is not None else [member(token=new_token())]
    return {
        "change_id": new_id(),
        "kind": "create",
        "village": village_token,
        "household": token or new_token(),
        "data": body,
    }


def update(household_token: str, base_version: int, **data) -> dict:
    return {
        "change_id": new_id(),
        "kind": "update",
        "household": household_token,
        "base_version": base_version,
        "data": {"consent": True, **data},
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counts() -> tuple[int, int, int, int]:
    """Rows of every table a push may write."""
    return count(Household), count(Person), count(AuditLog), count(SyncChange)


def household(token: str) -> Household | None:
    db.session.expire_all()
    return db.session.scalar(select(Household).where(Household.token == token))


class Phone:
    """One signed-in browser (its own cookies) using the sync API."""

    def __init__(self, app, username: str | None):
        self.client = app.test_client()
        if username:
            data = {"username": username, "password": builders.PASSWORD}
            assert self.client.post("/dang-nhap", data=data).status_code == 302

    def push(self, *changes, status=200):
        response = self.client.post(PUSH, json={"changes": list(changes)})
        assert response.status_code == status, response.get_data(as_text=True)
        return response

    def results(self, *changes) -> list[dict]:
        return self.push(*changes).get_json()["results"]

    def result(self, change) -> dict:
        return self.results(change)[0]

    def pull(self, since: str | None = None, status=200, **params) -> dict:
        params = {"since": since, **params} if since else params
        response = self.client.get(PULL, query_string=params)
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    def pull_all(self, since: str | None = None, **params) -> tuple[dict, list, str, int]:
        """Follow ``more`` to the end: ({token: household}, removed, cursor, pages)."""
        households, removed, pages = {}, [], 0
        while True:
            page = self.pull(since, **params)
            pages += 1
            households |= {h["token"]: h for h in page["households"]}
            removed += page["removed"]
            since = page["cursor"]
            if not page["more"]:
                return households, removed, since, pages


@pytest.fixture
def phone(app, world):
    """phone("tnv1") → a Phone signed in as that user of the World."""
    return lambda username: Phone(app, username)
