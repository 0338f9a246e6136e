"""Test data of the help and training pages."""

from datetime import date

from sqlalchemy import select

from survey_app.assistance.models import TrainingClass
from survey_app.extensions import db

WALK_CLASS = "walk-training-class"


def walk_training_class(world) -> str:
    """Token of a training class of Thôn 1 (made again when the walk restored the database)."""
    if db.session.scalar(select(TrainingClass.id).where(TrainingClass.token == WALK_CLASS)) is None:
        db.session.add(
            TrainingClass(
                token=WALK_CLASS,
                village_id=world.thon1.id,
                held_on=date(2026, 3, 5),
                place="Nhà văn hóa Thôn 1",
                topic="Cài và dùng VNeID",
                created_by_id=world.vol1.id,
            )
        )
        db.session.commit()
    return WALK_CLASS
