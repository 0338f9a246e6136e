"""Thousands of random and malformed pushes: never a 500, never a partial write.

Before each push the test photographs every household and member row; afterwards exactly the
changes expected to apply have applied, the refused ones left every row as it was, and the
row counts moved by exactly what the applied changes explain.
"""

import copy
import json
import os
from collections import defaultdict

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from household_forms.household import birth_text
from survey_app.audit import AuditLog
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.sync.models import SyncChange
from tests.sync import fuzz
from tests.sync.conftest import PUSH, count

PUSHES_PER_EXAMPLE = 9
MAX_HOUSEHOLDS = 60
EXAMPLES = {
    "sqlite": int(os.environ.get("SYNC_FUZZ_EXAMPLES", "230")),
    "postgresql": int(os.environ.get("SYNC_FUZZ_PG_EXAMPLES", "40")),
}


class Snapshot:
    """Every household and member row, and the counts of the tables a push may write."""

    def __init__(self):
        members = defaultdict(list)
        for row in db.session.execute(select(Person.__table__).order_by("position")):
            members[row.household_id].append(tuple(row))
        self.households = {
            row.token: (tuple(row), tuple(members[row.id]))
            for row in db.session.execute(select(Household.__table__))
        }
        self.people = {row.token: row for row in db.session.execute(select(Person.__table__))}
        self.by_household = {token: rows for token, (_, rows) in self.households.items()}
        self.audits, self.changes = count(AuditLog), count(SyncChange)

    def version(self, token: str) -> int:
        return self.households[token][0][Household.__table__.c.keys().index("version")]

    def member_tokens(self, token: str) -> list[str]:
        index = Person.__table__.c.keys().index("token")
        return [row[index] for row in self.by_household[token]]


class _Stop(BaseException):
    """Leaves hypothesis at once (it would try to replay an Exception, which cannot work here)."""


class Plan:
    """What one batch should do: (tag, change, expectation) per change, in order."""

    def __init__(self):
        self.items: list[tuple[str, dict, dict]] = []
        self.taken: set[str] = set()  # households one change of this batch already targets


def test_random_and_malformed_pushes(app, phone, world, db_engine, capsys):
    vol = phone("tnv1")
    ctx = {
        "foreign_households": [world.hh2.token, world.hh_other.token],
        "foreign_villages": [world.thon2.token, world.other_village.token],
        "foreign_member": world.hh2.members[0].token,
        "taken_household": world.hh1.token,
        "village": world.thon1.token,
    }
    history: list[tuple[dict, bytes]] = []  # stored changes and their first answers
    sent = {"pushes": 0, "changes": 0, "applied": 0, "refused": 0, "conflicts": 0, "replays": 0}
    serial = iter(range(10**9))
    failures: list[AssertionError] = []

    @settings(
        max_examples=EXAMPLES[db_engine],
        deadline=None,
        database=None,
        # The database carries state from one example to the next, so a failure cannot be
        # replayed or shrunk; the assertion messages carry the change that failed instead.
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def pushes(data):
        try:
            for _ in range(PUSHES_PER_EXAMPLE):
                _one_push(vol.client, data.draw, ctx, history, sent, serial)
        except AssertionError as exc:  # hypothesis cannot replay it: stop and report it as is
            failures.append(exc)
            raise _Stop from exc

    try:
        pushes()
    except _Stop:
        raise failures[0] from None
    with capsys.disabled():
        print(f"\nsync fuzz [{db_engine}]: {sent}")
    # ≥ 2.000 pushes by default on SQLite (230 examples × 9); fewer when the env says so.
    assert sent["pushes"] >= min(2000, EXAMPLES[db_engine] * PUSHES_PER_EXAMPLE)
    assert sent["applied"] and sent["refused"] and sent["conflicts"] and sent["replays"]


SHAPES = ["batch"] * 4 + ["bytes", "bytes", "json", "json", "json", "huge"]


def _one_push(client, draw, ctx, history, sent, serial) -> None:
    shape = draw(st.sampled_from(SHAPES))
    before = ctx.pop("snapshot", None) or Snapshot()
    if shape == "batch":
        plan = _plan(draw, before, ctx, history, serial)
        response = client.post(PUSH, json={"changes": [c for _, c, _ in plan.items]})
        ctx["snapshot"] = _check_batch(response, plan, before, history, sent)
    else:
        response = _post_garbage(client, draw, shape)
        assert response.status_code in (200, 400, 413, 415), response.status_code
        assert response.is_json
        ctx["snapshot"] = _assert_nothing_written(before)
    sent["pushes"] += 1


def _post_garbage(client, draw, shape):
    if shape == "bytes":
        body = draw(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
        content_type = draw(st.sampled_from(["application/json"] * 4 + ["text/plain"]))
        return client.post(PUSH, data=body, content_type=content_type)
    if shape == "huge":
        return client.post(PUSH, json={"changes": [{"data": "x" * 1_100_000}]})
    return client.post(PUSH, json=draw(fuzz.JSON | st.fixed_dictionaries({"changes": fuzz.JSON})))


# Hypothesis must draw the same way whatever the database holds (else it reports a "flaky
# strategy"), so each change first draws all its material, then the material is read against
# the snapshot without drawing again; only a mutation draws afterwards, shaped by that material.
MATERIAL = st.fixed_dictionaries(
    {
        "update": st.booleans(),
        "pick": st.integers(0, 2**16),
        "fields": fuzz.household_fields(),
        "with_members": st.booleans(),
        "keep": st.lists(st.booleans(), min_size=4, max_size=4),
        "tri": fuzz.TRI,
        "extra": st.lists(fuzz.new_member(), min_size=1, max_size=2),
        "chu_ho": fuzz.WORDS,
        "mutation": st.integers(0, 2**16),
        "base": st.integers(0, 2),
    }
)
TAGS = ["valid", "valid", "broken", "broken", "broken", "stale", "replay", "random", "random"]


def _plan(draw, before: Snapshot, ctx: dict, history: list, serial) -> Plan:
    plan = Plan()
    mine = sorted(t for t in before.households if t not in ctx["foreign_households"])
    for _ in range(draw(st.integers(1, 4))):
        tag = draw(st.sampled_from(TAGS))
        if tag == "random":
            plan.items.append(("random", draw(fuzz.JSON), {}))
            continue
        m = draw(MATERIAL)
        free = [t for t in mine if t not in plan.taken]
        if tag == "replay":
            if history:
                change, answer = history[m["pick"] % len(history)]
                plan.items.append(("replay", copy.deepcopy(change), {"answer": answer}))
            else:
                plan.items.append(("broken", {"kind": "update"}, {}))
        elif tag == "stale" and free:
            plan.items.append(_stale(m, before, plan, free))
        elif tag == "stale":
            plan.items.append(("broken", {"kind": "update"}, {}))
        elif tag == "broken":
            # A household an earlier change of this batch updated is one version on: a broken
            # change to it would rightly be answered "conflict", so broken ones take a free one.
            _, change, _ = _valid(m, before, ctx, plan, free, serial, mark=True)
            extra = fuzz.FOR_CREATE if change["kind"] == "create" else fuzz.FOR_UPDATE
            mutations = fuzz.COMMON + extra
            mutations[m["mutation"] % len(mutations)](draw, change, ctx)
            plan.items.append(("broken", change, {}))
        else:
            plan.items.append(_valid(m, before, ctx, plan, free, serial, mark=True))
    return plan


def _valid(m: dict, before, ctx, plan, targets, serial, mark):
    # Creates stop at MAX_HOUSEHOLDS so the photographs before and after each push stay cheap.
    if (m["update"] or len(before.households) >= MAX_HOUSEHOLDS) and targets:
        token = targets[m["pick"] % len(targets)]
        if mark:
            plan.taken.add(token)
        data = copy.deepcopy(m["fields"])
        if m["with_members"]:
            data["members"] = _members(m, before, token)
        change = {
            "change_id": fuzz.new_change_id(),
            "kind": "update",
            "household": token,
            "base_version": before.version(token),
            "data": data,
        }
        return "update", change, {"version": before.version(token) + 1}
    data = copy.deepcopy(m["fields"]) | {"ma_ho": f"FZ-{next(serial)}", "chu_ho": m["chu_ho"]}
    change = {
        "change_id": fuzz.new_change_id(),
        "kind": "create",
        "village": ctx["village"],
        "household": fuzz.new_token(),
        "data": data | {"members": _fresh(m["extra"])},
    }
    return "create", change, {}


def _members(m: dict, before: Snapshot, token: str) -> list[dict]:
    """Keep the current members the mask says (with their values), maybe add new ones."""
    kept = []
    index = Person.__table__.c.keys().index("token")
    for row, keep in zip(before.by_household[token], m["keep"], strict=False):
        person = before.people[row[index]]
        if keep:
            kept.append(
                {
                    "token": person.token,
                    "ho_ten": person.ho_ten,
                    "ngay_sinh": birth_text(person.birth_date, person.birth_year_only),
                    "gioi_tinh": person.gioi_tinh,
                    "dt_thong_minh": m["tri"],
                }
            )
    if not kept or m["keep"][-1]:
        kept += _fresh(m["extra"])
    return kept


def _fresh(members: list[dict]) -> list[dict]:
    """Drawn members with tokens never used before (hypothesis repeats its favourite values)."""
    return [member | {"token": fuzz.new_token()} for member in members]


def _stale(m: dict, before, plan, free):
    token = free[m["pick"] % len(free)]
    plan.taken.add(token)
    current = before.version(token)
    base = [current + 1, current + 7, current - 1][m["base"]] if current > 1 else current + 1
    change = {
        "change_id": fuzz.new_change_id(),
        "kind": "update",
        "household": token,
        "base_version": base,
        "data": {"consent": True, "dia_chi": "không được ghi"},
    }
    return "stale", change, {"version": current}


def _check_batch(response, plan: Plan, before: Snapshot, history: list, sent: dict) -> Snapshot:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    results = response.get_json()["results"]
    assert len(results) == len(plan.items)
    after = Snapshot()
    touched, created, stored, people_delta = set(), set(), 0, 0
    for (tag, change, expect), result in zip(plan.items, results, strict=True):
        sent["changes"] += 1
        if tag == "replay":
            assert json.dumps(result, sort_keys=True).encode() == expect["answer"]
            sent["replays"] += 1
        elif tag in ("broken", "random"):
            assert result["status"] in ("invalid", "not_found"), (change, result)
            assert result["code"] in (422, 404) and result["errors"]
            sent["refused"] += 1
        elif tag == "stale":
            assert (result["status"], result["version"]) == ("conflict", expect["version"])
            assert result["server"]["version"] == expect["version"]
            stored += 1
            sent["conflicts"] += 1
            history.append((change, json.dumps(result, sort_keys=True).encode()))
        else:
            assert result["status"] == "applied", (change, result)
            token = change["household"]
            if tag == "update":
                assert result["version"] == expect["version"]
                touched.add(token)
                old = len(before.by_household[token])
            else:
                created.add(token)
                old = 0
            members = change["data"].get("members")
            if members is not None:
                assert after.member_tokens(token)[: len(members)] == result["members"]
                assert [m["token"] for m in members if "token" in m] == result["members"]
                people_delta += len(members) - old
            stored += 1
            sent["applied"] += 1
            history.append((change, json.dumps(result, sort_keys=True).encode()))
    # Nothing else moved: untouched households are identical, row counts add up exactly.
    assert set(after.households) - set(before.households) == created
    for token, rows in before.households.items():
        if token not in touched:
            assert after.households[token] == rows, f"household {token} changed"
    assert len(after.people) - len(before.people) == people_delta
    assert after.changes - before.changes == stored
    if stored == 0:
        assert after.audits == before.audits
    else:
        assert after.audits - before.audits >= stored
    return after


def _assert_nothing_written(before: Snapshot) -> Snapshot:
    after = Snapshot()
    assert after.households == before.households
    assert (after.audits, after.changes) == (before.audits, before.changes)
    return after
