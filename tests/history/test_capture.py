"""Every write to a household or person leaves a version: who, when, through what, what it was."""

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.history.models import household_version, person_version, village_version
from survey_app.households.models import Household
from tests.households.test_views import form_payload


def versions(table, key, ident):
    return db.session.execute(
        select(table).where(table.c[key] == ident).order_by(table.c.version_id)
    ).all()


def test_a_page_save_closes_the_old_version_and_opens_a_new_one(client, auth, world):
    auth.login("tnv1")
    url = f"/thon/{world.thon1.token}/ho-moi"
    assert client.post(url, data=form_payload()).status_code == 302
    household = db.session.scalar(select(Household).where(Household.ma_ho == "HK-200"))
    first = versions(household_version, "household_id", household.id)
    assert [(v.source, v.valid_to, v.chu_ho) for v in first] == [("page", None, "Đỗ Văn Hải")]
    assert first[0].changed_by_id == world.vol1.id
    person = household.members[0]
    edit = form_payload(version=household.version, chu_ho="Đỗ Văn Hải B")
    edit["m-0-token"] = person.token
    response = client.post(f"/ho/{household.token}", data=edit)
    assert response.status_code == 302, response.text
    both = versions(household_version, "household_id", household.id)
    assert [v.chu_ho for v in both] == ["Đỗ Văn Hải", "Đỗ Văn Hải B"]
    assert both[0].valid_to == both[1].valid_from and both[1].valid_to is None
    assert len(versions(person_version, "person_id", person.id)) == 1  # the member did not change


def test_a_refused_save_leaves_no_version(client, auth, world):
    auth.login("tnv1")
    before = db.session.execute(select(household_version)).all()
    url = f"/thon/{world.thon1.token}/ho-moi"
    assert client.post(url, data=form_payload(consent=None)).status_code == 422
    assert db.session.execute(select(household_version)).all() == before


def test_a_change_committed_without_an_explicit_flush_is_versioned_at_that_commit(world):
    world.thon2.active = False
    db.session.commit()
    rows = versions(village_version, "village_id", world.thon2.id)
    assert [(v.active, v.valid_to is None) for v in rows] == [(True, False), (False, True)]


def test_demo_data_made_in_bulk_is_versioned(runner):
    from survey_app.households.models import Person

    db.session.commit()
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    db.session.rollback()
    households = db.session.scalars(select(Household.id)).all()
    people = db.session.scalars(select(Person.id)).all()
    versioned = db.session.execute(
        select(household_version.c.household_id, household_version.c.source)
    ).all()
    assert households and {h for h, _ in versioned} == set(households)
    assert {s for _, s in versioned} == {"cli"}
    assert set(db.session.scalars(select(person_version.c.person_id))) == set(people)
