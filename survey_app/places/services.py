"""Find or create places. Services flush; the caller commits."""

from sqlalchemy import select

from survey_app import audit
from survey_app.extensions import db
from survey_app.places.models import Commune, Province, Village


def find_commune(name: str, province: str | None = None) -> Commune | None:
    """The commune called ``name`` (optionally in ``province``), or None."""
    stmt = select(Commune).where(Commune.name == name.strip())
    if province:
        stmt = stmt.join(Province).where(Province.name == province.strip())
    return db.session.scalars(stmt).first()


def get_or_create_commune(actor, province_name: str, commune_name: str) -> Commune:
    """Return the commune, creating it and its province when missing."""
    province = db.session.scalar(select(Province).where(Province.name == province_name.strip()))
    if province is None:
        province = Province(name=province_name.strip())
        db.session.add(province)
        db.session.flush()
        audit.record(actor, "create", "province", province.id, name=province.name)
    commune = db.session.scalar(
        select(Commune).where(Commune.province_id == province.id, Commune.name == commune_name.strip())
    )
    if commune is None:
        commune = Commune(province=province, name=commune_name.strip())
        db.session.add(commune)
        db.session.flush()
        audit.record(actor, "create", "commune", commune.token, name=commune.name)
    return commune


def get_or_create_village(actor, commune: Commune, name: str) -> Village:
    """Return the village of ``commune`` called ``name``, creating it when missing."""
    village = db.session.scalar(
        select(Village).where(Village.commune_id == commune.id, Village.name == name.strip())
    )
    if village is None:
        village = Village(commune=commune, name=name.strip())
        db.session.add(village)
        db.session.flush()
        audit.record(actor, "create", "village", village.token, name=village.name)
    return village
