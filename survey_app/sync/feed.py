"""The pull feed: which households of some villages changed since a cursor. Services flush only.

Why it cannot miss a change committed concurrently:

* Every writer of households (page form, sync push, import, village merge) bumps
  ``household.version`` in the same transaction as its change. The feed does not hook into those
  writers; at each pull it compares households with their SyncStamp (token, village, version)
  and stamps what differs with fresh numbers from the commune's SyncCounter (``catch_up``).
* Numbers are handed out while holding the counter row's lock until commit, so a transaction
  holding number n commits before any other transaction can take n+1: the committed numbers of a
  commune always form a gap-free prefix, whatever the order writers committed in.
* A page is read only up to the counter value read *before* the rows (``top``), and a village's
  next cursor is ``top`` when the page holds all of it. A change committed later, or still open
  during the catch-up, is stamped by a later catch-up with a number above ``top``.

A household deleted, removed by an officer or moved away leaves a SyncTombstone in its old
village (``removed``).
"""

from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.places.models import Village
from survey_app.sync.models import SyncCounter, SyncStamp, SyncTombstone

Cursor = dict[int, int]  # village id → last sequence number the phone holds


class CursorError(ValueError):
    """A cursor this server did not make."""


def encode_cursor(secret: str, cursor: Cursor) -> str:
    """Opaque, signed text for the phone to send back as ``since``."""
    return URLSafeSerializer(secret, salt="sync-cursor").dumps(sorted(cursor.items()))


def decode_cursor(secret: str, text: str | None) -> Cursor:
    """The cursor in ``text`` ({} when empty); CursorError when it was not made here."""
    if not text:
        return {}
    try:
        pairs = URLSafeSerializer(secret, salt="sync-cursor").loads(text)
        return {int(village): int(seq) for village, seq in pairs}
    except (BadSignature, TypeError, ValueError) as exc:
        raise CursorError(text) from exc


# ---- Stamping (runs at each pull; writes only when something changed) ----


def catch_up(villages: list[Village]) -> int:
    """Stamp the changes made in ``villages`` since the last catch-up; return how many."""
    by_commune: dict[int, list[int]] = {}
    for village in villages:
        by_commune.setdefault(village.commune_id, []).append(village.id)
    stamped = 0
    for commune_id in sorted(by_commune):  # a fixed lock order: no deadlock between pulls
        village_ids = by_commune[commune_id]
        if _stale(village_ids) or _gone(village_ids):
            _lock_counter(commune_id)
            # Re-read under the lock: another pull may have stamped the same rows meanwhile.
            stamped += _stamp(commune_id, _stale(village_ids), _gone(village_ids))
    return stamped


def _stale(village_ids: list[int]) -> list:
    """Households whose stamp is missing or out of date."""
    h, s = Household, SyncStamp
    stmt = (
        select(h.id, h.token, h.village_id, h.version, s.household_token, s.village_id)
        .outerjoin(s, s.household_id == h.id)
        .where(h.village_id.in_(village_ids), h.removed_at.is_(None))
        .where(
            or_(
                s.household_id.is_(None),
                s.version != h.version,
                s.village_id != h.village_id,
                s.household_token != h.token,
            )
        )
    )
    return db.session.execute(stmt).all()


def _gone(village_ids: list[int]) -> list:
    """Stamps of these villages whose household was deleted, removed or left the village (a
    removed household reads as deleted: its stamp goes; restored, it is stamped anew)."""
    h, s = Household, SyncStamp
    present = h.removed_at.is_(None)
    stmt = (
        select(
            s.household_id,
            s.household_token,
            s.village_id,
            case((present, h.id)),
            h.token,
            h.village_id,
            h.version,
        )
        .outerjoin(h, h.id == s.household_id)
        .where(s.village_id.in_(village_ids))
        .where(
            or_(
                h.id.is_(None),
                ~present,
                h.village_id != s.village_id,
                h.token != s.household_token,
            )
        )
    )
    return db.session.execute(stmt).all()


def _lock_counter(commune_id: int) -> None:
    """Make sure the counter row exists, then hold its lock until the transaction ends."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(SyncCounter).values(commune_id=commune_id, value=0).on_conflict_do_nothing()
    )
    db.session.execute(
        update(SyncCounter)
        .where(SyncCounter.commune_id == commune_id)
        .values(value=SyncCounter.value)
    )


def _stamp(commune_id: int, stale: list, gone: list) -> int:
    """Give every changed household a new stamp and every departure a tombstone."""
    current = {row[0]: tuple(row[:4]) for row in stale}  # id → (id, token, village, version)
    tombstones = {(row[4], row[5]) for row in stale if row[4] is not None}
    tombstones -= {(row[1], row[2]) for row in stale}  # the stamp was only out of date
    deleted = []
    for stamp_id, old_token, old_village, h_id, token, village_id, version in gone:
        tombstones.add((old_token, old_village))
        if h_id is None:
            deleted.append(stamp_id)
        else:
            current[h_id] = (h_id, token, village_id, version)
    count = len(current) + len(tombstones)
    if not count:
        return 0
    top = db.session.scalar(
        update(SyncCounter)
        .where(SyncCounter.commune_id == commune_id)
        .values(value=SyncCounter.value + count)
        .returning(SyncCounter.value)
    )
    numbers = list(range(top - count + 1, top + 1))
    tombstone_numbers, stamp_numbers = numbers[: len(tombstones)], numbers[len(tombstones) :]
    for (token, village_id), seq in zip(sorted(tombstones), tombstone_numbers, strict=True):
        db.session.add(
            SyncTombstone(
                household_token=token, commune_id=commune_id, village_id=village_id, seq=seq
            )
        )
    if deleted:
        db.session.execute(delete(SyncStamp).where(SyncStamp.household_id.in_(deleted)))
    _write_stamps(commune_id, list(current.values()), stamp_numbers)
    db.session.flush()
    return count


def _write_stamps(commune_id: int, rows: list[tuple], numbers: list[int]) -> None:
    """Insert or update the stamps of ``rows`` (id, token, village, version), a chunk at a time."""
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        ids = [row[0] for row in chunk]
        stamps = {
            stamp.household_id: stamp
            for stamp in db.session.scalars(
                select(SyncStamp).where(SyncStamp.household_id.in_(ids))
            )
        }
        for (household_id, token, village_id, version), seq in zip(
            chunk, numbers[start : start + 500], strict=True
        ):
            values = {
                "household_token": token,
                "commune_id": commune_id,
                "village_id": village_id,
                "version": version,
                "seq": seq,
            }
            stamp = stamps.get(household_id)
            if stamp is None:
                db.session.add(SyncStamp(household_id=household_id, **values))
            else:
                for key, value in values.items():
                    setattr(stamp, key, value)


# ---- Reading a page ----


@dataclass
class Page:
    households: list[Household] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reset: list[Village] = field(default_factory=list)  # villages sent from scratch
    cursor: Cursor = field(default_factory=dict)
    more: bool = False


def counter_tops(commune_ids) -> dict[int, int]:
    """{commune id: last number handed out}; read before the rows (see the module docstring)."""
    stmt = select(SyncCounter.commune_id, SyncCounter.value).where(
        SyncCounter.commune_id.in_(list(commune_ids))
    )
    return dict(db.session.execute(stmt).all())


def read_page(villages: list[Village], since: Cursor, limit: int) -> Page:
    """Up to ``limit`` households and removals of ``villages`` changed after ``since``."""
    tops = counter_tops({v.commune_id for v in villages})
    page, room = Page(), limit
    for village in sorted(villages, key=lambda v: v.id):
        top, low = tops.get(village.commune_id, 0), since.get(village.id, 0)
        if low > top:  # a cursor from before a database restore: send the village again
            low = 0
        if room == 0:  # the page is full; this village waits for the next one
            page.cursor[village.id] = low
            page.more = page.more or low < top
            continue
        if low == 0:
            page.reset.append(village)
        items = _changes(village.id, low, top, room + 1)
        taken = items[:room]
        truncated = len(items) > room
        page.cursor[village.id] = taken[-1][0] if truncated else top
        page.more = page.more or truncated
        room = 0 if truncated else room - len(taken)
        page.households += [obj for _, obj in taken if isinstance(obj, Household)]
        page.removed += [obj for _, obj in taken if isinstance(obj, str)]
    page.removed = _really_removed(page.removed, villages)
    return page


def _changes(village_id: int, low: int, top: int, limit: int) -> list[tuple[int, object]]:
    """(seq, household or removed token) in (low, top], in order, at most ``limit``."""
    households = db.session.execute(
        select(SyncStamp.seq, Household)
        .join(Household, Household.id == SyncStamp.household_id)
        .where(SyncStamp.village_id == village_id, SyncStamp.seq > low, SyncStamp.seq <= top)
        .where(Household.village_id == village_id, Household.token == SyncStamp.household_token)
        .options(selectinload(Household.members), selectinload(Household.village))
        .order_by(SyncStamp.seq)
        .limit(limit)
    ).all()
    removed = db.session.execute(
        select(SyncTombstone.seq, SyncTombstone.household_token)
        .where(SyncTombstone.village_id == village_id)
        .where(SyncTombstone.seq > low, SyncTombstone.seq <= top)
        .order_by(SyncTombstone.seq)
        .limit(limit)
    ).all()
    return sorted([tuple(row) for row in households + removed], key=lambda item: item[0])[:limit]


def _really_removed(tokens: list[str], villages: list[Village]) -> list[str]:
    """Drop tokens of households that only moved to another village the user also sees."""
    if not tokens:
        return []
    still_seen = set(
        db.session.scalars(
            select(Household.token).where(
                Household.token.in_(tokens),
                Household.village_id.in_([v.id for v in villages]),
                Household.removed_at.is_(None),
            )
        )
    )
    return sorted({token for token in tokens if token not in still_seen})
