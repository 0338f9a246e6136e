"""Frozen report helpers for the access walk and the tests."""

from survey_app.extensions import db
from survey_app.frozen import services


def walk_frozen_report(world) -> str:
    """Token of a report of Thôn 1 frozen by the commune officer."""
    frozen = services.freeze(
        world.officer, world.commune, "thanh-hoa-1829", 2026, None, world.thon1
    )
    db.session.commit()
    return frozen.token
