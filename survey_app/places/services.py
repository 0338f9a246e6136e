"""Find or create places. Services flush; the caller commits."""

from sqlalchemy import delete, func, insert, select, update

from survey_app import audit
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.places.models import Commune, Province, Village
from survey_app.timeutil import utcnow
from survey_app.transactions import ServiceError


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
        select(Commune).where(
            Commune.province_id == province.id, Commune.name == commune_name.strip()
        )
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


class PlaceError(ServiceError):
    """A change to places that cannot be made, with a message for the user."""


def _village_named(commune: Commune, name: str) -> Village | None:
    return db.session.scalar(
        select(Village).where(Village.commune_id == commune.id, Village.name == name)
    )


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise PlaceError("Tên thôn không được để trống.")
    return name


def add_village(actor, commune: Commune, name: str) -> Village:
    """Add a new village to ``commune``; a name already used in the commune is refused."""
    name = _clean_name(name)
    existing = _village_named(commune, name)
    if existing is not None:
        hint = "" if existing.active else " (thôn này đang ngừng hoạt động, có thể dùng lại)"
        raise PlaceError(f"Xã đã có thôn tên '{name}'{hint}.")
    village = Village(commune=commune, name=name)
    db.session.add(village)
    db.session.flush()
    audit.record(actor, "create", "village", village.token, name=name, commune=commune.name)
    return village


def rename_village(actor, village: Village, new_name: str) -> Village:
    """Rename a village; its households, users and history stay attached to it."""
    new_name = _clean_name(new_name)
    if new_name == village.name:
        return village
    other = _village_named(village.commune, new_name)
    if other is not None:
        raise PlaceError(f"Xã đã có thôn tên '{new_name}'.")
    old_name, village.name = village.name, new_name
    db.session.flush()
    audit.record(actor, "rename", "village", village.token, old=old_name, new=new_name)
    return village


def set_village_active(actor, village: Village, active: bool) -> Village:
    """Mark a village active or inactive. Villages are never deleted, so history survives."""
    if village.active != active:
        village.active = active
        db.session.flush()
        action = "reactivate" if active else "deactivate"
        audit.record(
            actor,
            action,
            "village",
            village.token,
            name=village.name,
            old={"active": not active},
            new={"active": active},
        )
    return village


def merge_preview(source: Village, target: Village) -> dict:
    """What merging ``source`` into ``target`` would move: households, people, users."""
    from survey_app.accounts.models import user_village
    from survey_app.households.models import Household, Person

    present = Household.removed_at.is_(None)
    households = db.session.scalar(
        select(func.count()).where(Household.village_id == source.id, present)
    )
    people = db.session.scalar(
        select(func.count())
        .select_from(Person)
        .join(Household, Household.id == Person.household_id)
        .where(Household.village_id == source.id, present, Person.removed_at.is_(None))
    )
    users = db.session.scalar(select(func.count()).where(user_village.c.village_id == source.id))
    return {"households": households, "people": people, "users": users}


def merge_village(actor, source: Village, target: Village) -> int:
    """Move every household and assignment of ``source`` into ``target``; keep source, inactive.
    Recorded as an operation, so it can be undone while nothing moved has changed since."""
    from survey_app.accounts.models import user_village
    from survey_app.households.models import Household
    from survey_app.operations import services as operations
    from survey_app.operations.models import MERGE_VILLAGE

    if source.id == target.id or source.commune_id != target.commune_id:
        raise PlaceError("Chỉ gộp được vào một thôn khác của cùng xã.")
    if not target.active:
        raise PlaceError(f"Thôn '{target.name}' đang ngừng hoạt động, không gộp vào được.")
    if not source.active:
        raise PlaceError(f"Thôn '{source.name}' đã ngừng hoạt động (có thể đã được gộp).")
    operation = operations.begin(
        actor, MERGE_VILLAGE, source.commune, "merge", f"{source.name} → {target.name}"
    )
    moved = db.session.scalars(
        select(Household.ma_ho).where(Household.village_id == source.id).order_by(Household.ma_ho)
    ).all()
    ids = db.session.scalars(
        update(Household)
        .where(Household.village_id == source.id)
        .values(village_id=target.id, version=Household.version + 1, updated_at=utcnow())
        .returning(Household.id)
    ).all()
    history.touched(db.session, "household", ids)
    users, added = _move_assignments(source, target, user_village)
    source.active = False
    operation.details = {
        "source_id": source.id, "target_id": target.id, "households": len(moved),
        "users": users, "added": added,
    }  # fmt: skip
    db.session.flush()
    db.session.expire_all()  # bulk UPDATEs bypass the identity map
    audit.record(
        actor,
        "merge",
        "village",
        source.token,
        name=source.name,
        into=target.token,
        into_name=target.name,
        households=list(moved),
        users=users,
        operation=operation.token,
    )
    return len(moved)


def _move_assignments(source: Village, target: Village, user_village):
    """Give the users of ``source`` the ``target`` village instead; returns (their ids, the ids
    newly given ``target``)."""
    user_ids = db.session.scalars(
        select(user_village.c.user_id).where(user_village.c.village_id == source.id)
    ).all()
    already = set(
        db.session.scalars(
            select(user_village.c.user_id).where(user_village.c.village_id == target.id)
        )
    )
    db.session.execute(delete(user_village).where(user_village.c.village_id == source.id))
    added = [uid for uid in user_ids if uid not in already]
    if added:
        rows = [{"user_id": uid, "village_id": target.id} for uid in added]
        db.session.execute(insert(user_village), rows)
    return list(user_ids), added
