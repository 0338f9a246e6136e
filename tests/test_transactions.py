"""One commit path (survey_app/transactions.py): a request commits once after its view returned,
and writes nothing when the view fails, aborts or a service refuses — on both engines."""

import pytest
from flask import abort
from sqlalchemy import func, select

from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.places import services as places
from survey_app.places.models import Village
from survey_app.transactions import after_commit, attempt, unit_of_work


def _villages_named(name: str) -> int:
    """Rows once the session's next commit is done: work a request left pending would count."""
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Village).where(Village.name == name))


def _audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog))


@pytest.fixture
def app(own_engine_app, wipe):
    """Its own app (the tests add routes), committing for real: another connection must see."""
    return own_engine_app


def _route(app, rule: str, view) -> None:
    app.add_url_rule(rule, rule.strip("/"), view, methods=["GET"])


@pytest.fixture
def write(world):
    """A service call that adds 'Thôn Mới' to the world's commune (flushes, audits)."""
    return lambda: places.add_village(world.officer, world.commune, "Thôn Mới")


def test_a_view_that_returns_has_its_work_committed(app, client, world, write):
    _route(app, "/_t/ok", lambda: (write(), "ok")[1])
    audits = _audit_rows()
    assert client.get("/_t/ok").status_code == 200
    with db.engine.connect() as other:  # committed: another connection sees it
        stmt = select(func.count()).select_from(Village).where(Village.name == "Thôn Mới")
        assert other.scalar(stmt) == 1
    assert _audit_rows() == audits + 1


def test_an_exception_after_a_service_wrote_leaves_nothing(app, client, world, write):
    def view():
        write()
        raise RuntimeError("boom")

    _route(app, "/_t/boom", view)
    audits = _audit_rows()
    with pytest.raises(RuntimeError):  # TESTING propagates it; a server would answer 500
        client.get("/_t/boom")
    assert _villages_named("Thôn Mới") == 0 and _audit_rows() == audits


def test_an_abort_after_a_service_wrote_leaves_nothing(app, client, world, write):
    def view():
        write()
        abort(404)

    _route(app, "/_t/abort", view)
    assert client.get("/_t/abort").status_code == 404
    assert _villages_named("Thôn Mới") == 0


def test_a_refused_service_call_leaves_nothing_and_says_why(app, client, world, write):
    def refusing():
        write()  # written, then refused: the refusal must undo it
        places.add_village(world.officer, world.commune, "Thôn 1")  # taken: PlaceError

    def view():
        earlier = places.add_village(world.officer, world.commune, "Thôn Trước")
        done = attempt(refusing)
        later = places.add_village(world.officer, world.commune, "Thôn Sau")
        return f"{done} {earlier.name} {later.name}"

    _route(app, "/_t/refused", view)
    audits = _audit_rows()
    response = client.get("/_t/refused")
    assert response.get_data(as_text=True) == "False Thôn Trước Thôn Sau"
    assert [_villages_named(n) for n in ("Thôn Mới", "Thôn Trước", "Thôn Sau")] == [0, 0, 0]
    assert _audit_rows() == audits
    with client.session_transaction() as session:
        assert ("error", "Xã đã có thôn tên 'Thôn 1'.") in session["_flashes"]


def test_after_commit_work_runs_only_once_committed(app, client, world, write):
    ran = []

    def view(fail: bool):
        write()
        after_commit(lambda: ran.append(_villages_named("Thôn Mới")))
        if fail:
            abort(400)
        return "ok"

    _route(app, "/_t/fails", lambda: view(True))
    _route(app, "/_t/commits", lambda: view(False))
    client.get("/_t/fails")
    assert ran == []
    client.get("/_t/commits")
    assert ran == [1]  # it saw the committed row


def test_unit_of_work_commits_or_rolls_back(app, world, write):
    with pytest.raises(RuntimeError), unit_of_work():
        write()
        raise RuntimeError("boom")
    assert _villages_named("Thôn Mới") == 0
    with unit_of_work():
        write()
    assert _villages_named("Thôn Mới") == 1
