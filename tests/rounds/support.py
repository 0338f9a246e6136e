"""Round helpers for the access walk."""

from datetime import timedelta

from survey_app.extensions import db
from survey_app.rounds import services
from survey_app.timeutil import vn_today


def walk_round(world) -> str:
    """Token of an open round of xã Hoàng Kim (opened by its officer)."""
    found = services.current_round(world.commune) or services.open_round(
        world.officer, world.commune, "Đợt thử", vn_today(), vn_today() + timedelta(days=30)
    )
    db.session.commit()
    return found.token
