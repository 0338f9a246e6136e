"""Walk every URL rule of the app as every role (and logged out) and check who gets in.

Every endpoint must be declared in EXPECTED with the kind of access it gives. A new route
without a line here fails ``test_every_endpoint_is_declared``, naming the endpoint. Adding one is
a one-line change, e.g. ``"exports.evidence": Check("officer_record"),``.

URLs are built with real tokens of the World fixture (tests/builders.py): by default a
``village_token`` is Thôn 1's, a ``household_token`` is a household of Thôn 1, a ``commune_token``
is xã Hoàng Kim's (see ARG_VALUES); a Check can override any argument.
GET rules are fetched; rules that take POST are also posted to with no data (CSRF off, so the
view itself must refuse): an unauthorised role must get its refusal, never 200 or 500.
FORM_POSTS adds forms posted filled in (every export format of /xuat/), so the real answer is
checked too, and the file of each finished export is fetched as every role: only its owner
gets it.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import current_app
from sqlalchemy import insert, select

from survey_app.extensions import db
from tests import builders
from tests.assistance.support import walk_training_class
from tests.board.support import walk_board
from tests.devices import support as devices
from tests.exports.support import walk_export_job
from tests.frozen.support import walk_frozen_report
from tests.imports.support import walk_import_job, walk_import_marked, walk_operation
from tests.plates.support import walk_plate
from tests.rounds.support import walk_round
from tests.support.database import empty_tables

ROLES = ("anonymous", "admin", "officer", "head1", "vol1", "vol2", "other_officer", "head2")
OK, LOGIN, API_LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "401", "403", "404"

# What each role gets, in ROLES order (F: 403 forbidden, N: 404 not found). Records are those
# of Thôn 1 / xã Hoàng Kim: head1 and vol1 work in Thôn 1, vol2 and head2 in Thôn 2 of the same
# commune, other_officer in xã Thúy Sơn.
F, N = FORBIDDEN, NOT_FOUND
KINDS = {
    #                  anonymous  admin officer head1 vol1 vol2 other_officer head2
    "public":          (OK,        OK,   OK,    OK,   OK,  OK,  OK,           OK),
    "login":           (LOGIN,     OK,   OK,    OK,   OK,  OK,  OK,           OK),
    "api":             (API_LOGIN, OK,   OK,    OK,   OK,  OK,  OK,           OK),
    "own_village":     (LOGIN,     OK,   OK,    OK,   OK,  N,   N,            N),
    "own_commune":     (LOGIN,     OK,   OK,    OK,   OK,  OK,  N,            OK),
    "officer":         (LOGIN,     OK,   OK,    F,    F,   F,   OK,           F),
    "officer_record":  (LOGIN,     OK,   OK,    F,    F,   F,   N,            F),
    "admin":           (LOGIN,     OK,   F,     F,    F,   F,   F,            F),
    "exporter":        (LOGIN,     OK,   OK,    OK,   F,   F,   OK,           OK),
    # an export of Thôn 1 asked for by each role (FORM_POSTS)
    "thon1_export":    (LOGIN,     OK,   OK,    OK,   F,   F,   N,            N),
    # a frozen report of Thôn 1: staff of the commune and Thôn 1's head; nobody else knows it
    "thon1_frozen":    (LOGIN,     OK,   OK,    OK,   N,   N,   N,            N),
    # Thôn 1's head signs Thôn 1 off in a survey round; nobody else does
    "thon1_head":      (LOGIN,     F,    F,     OK,   F,   F,   F,            N),
    # an export belongs to whoever asked for it (the officer here); its file may be gone
    "own_export":      (LOGIN,     N,    OK,    N,    F,   F,   N,            N),
    "own_export_gone": (LOGIN,     N,    N,     N,    F,   F,   N,            N),
    # a large import belongs to the officer who uploaded it
    "own_import":      (LOGIN,     N,    OK,    F,    F,   F,   N,            F),
    # door plates are printed and revoked by staff of the place and the village's head
    "plate_printer":   (LOGIN,     OK,   OK,    OK,   F,   F,   N,            N),
    # devices and sign-in QR codes: staff and village heads, for the people of their villages
    "device_list":     (LOGIN,     OK,   OK,    OK,   F,   F,   OK,           OK),
    "device_keeper":   (LOGIN,     OK,   OK,    OK,   F,   F,   N,            N),
}  # fmt: skip

WALK_USER = devices.WALK_USER  # a volunteer of Thôn 1 that admin pages may edit, lock, reset...
HEAD2 = "truongthon2"  # the head of Thôn 2: Thôn 1's records are none of theirs


class Check:
    """Expected access of one endpoint. Keyword arguments override URL arguments; ``rules``
    gives another kind to one rule (by path) of an endpoint that has several."""

    def __init__(self, kind: str, rules: dict[str, str] | None = None, **args):
        for name in [kind, *(rules or {}).values()]:
            assert name in KINDS, f"unknown kind {name!r}; kinds: {', '.join(KINDS)}"
        self.kind, self.rules, self.args = kind, rules or {}, args


def _first(world) -> str:
    """Two people of xã Hoàng Kim, for the duplicates pages (the walk's World has no likely
    pair: a page about any two people of the commune is what is checked)."""
    return world.hh1.members[0].token


def _second(world) -> str:
    return world.hh2.members[0].token


EXPECTED: dict[str, Check] = {
    "index": Check("public"),  # redirects to the login page or the user's start page
    "healthz": Check("public"),
    "accounts.login": Check("public"),
    "accounts.logout": Check("login"),
    "accounts.logout_everywhere": Check("login"),
    "devices.index": Check("device_list"),
    "devices.issue_code": Check("device_keeper"),
    "devices.code": Check("device_keeper", code_token=devices.walk_signin_code),
    "devices.code_png": Check("device_keeper", code_token=devices.walk_signin_code),
    "devices.revoke_code": Check("device_keeper", code_token=devices.walk_signin_code),
    "devices.sign_out": Check("device_keeper", session_token=devices.walk_device),
    "devices.qr_signin": Check("public", secret=devices.walk_signin_secret),
    "households.my_villages": Check("login"),
    "households.village": Check("own_village"),
    "households.new_household": Check("own_village"),
    "households.household": Check("own_village"),
    "households.visit": Check("own_village"),
    "history.household": Check("own_village"),
    "history.restore": Check("officer_record"),
    "history.remove_household": Check("officer_record"),
    "history.restore_household": Check("officer_record"),
    "history.remove_person": Check("officer_record"),
    "history.restore_person": Check("officer_record"),
    "duplicates.index": Check("officer"),
    "duplicates.compare": Check("officer_record", first_token=_first, second_token=_second),
    "duplicates.merge": Check("officer_record", first_token=_first, second_token=_second),
    "duplicates.not_duplicates": Check("officer_record", first_token=_first, second_token=_second),
    "operations.undo": Check("officer_record", token=walk_operation),
    "backup.download": Check("officer"),
    "board.page": Check("public", token=walk_board),
    "board.zalo_card": Check("public", token=walk_board),
    "board.poster": Check("public", token=walk_board),
    "board.switch": Check("officer_record"),
    "admin.villages": Check("officer"),
    "admin.village": Check("officer_record"),
    "admin.village_rename": Check("officer_record"),
    "admin.village_members": Check("officer_record"),
    "admin.village_merge": Check("officer_record"),
    "admin.village_deactivate": Check("officer_record"),
    "admin.village_reactivate": Check("officer_record"),
    "admin.users": Check("officer"),
    "admin.user_create": Check("officer"),
    "admin.user_edit": Check("officer_record"),
    "admin.user_password": Check("officer_record"),
    "admin.user_deactivate": Check("officer_record"),
    "admin.user_reactivate": Check("officer_record"),
    "imports.upload": Check("officer"),
    "imports.template": Check("officer"),
    "imports.status": Check("own_import", token=walk_import_job),
    "imports.status_json": Check("own_import", token=walk_import_job),
    "imports.confirm": Check("own_import", token=walk_import_job),
    "imports.cancel": Check("own_import", token=walk_import_job),
    "imports.marked": Check("own_import", token=walk_import_marked),
    "reports.home": Check("login"),
    "reports.commune_dashboard": Check("officer_record", rules={"/bao-cao/xa/": "officer"}),
    "reports.village_dashboard": Check("own_village"),
    "reports.village_trends": Check("own_village"),
    "reports.commune_trends": Check("officer_record"),
    "reports.support_list": Check("own_village"),
    "reports.priority": Check("own_village"),
    "reports.settings": Check("officer_record"),
    "reports.targets": Check("officer_record"),
    "reports.manual": Check("officer_record"),
    "sync.session": Check("api"),
    "sync.pull": Check("api"),
    "sync.push": Check("api"),
    "offline.service_worker": Check("public"),
    "offline.conflicts": Check("login"),
    "api-docs.openapi_json": Check("public"),
    "exports.index": Check("exporter"),
    "frozen.freeze": Check("officer_record"),
    "rounds.index": Check("officer_record"),
    "rounds.detail": Check("own_commune", round_token=walk_round),
    "rounds.close": Check("officer_record", round_token=walk_round),
    "rounds.sign_off": Check("thon1_head", round_token=walk_round),
    "rounds.reopen": Check("officer_record", round_token=walk_round),
    "frozen.report": Check("thon1_frozen", report_token=walk_frozen_report),
    "frozen.download": Check("thon1_frozen", report_token=walk_frozen_report, fmt="csv"),
    "exports.status": Check("own_export", token=walk_export_job),
    "exports.status_json": Check("own_export", token=walk_export_job),
    "exports.restart": Check("own_export", token=walk_export_job),
    "exports.download": Check("own_export", token=lambda w: finished_export(walk_export_job(w))),
    "assistance.help_person": Check("own_village"),
    "assistance.village_help": Check("own_village"),
    "assistance.classes": Check("own_village"),
    "assistance.new_class": Check("own_village"),
    "assistance.training_class": Check("own_village", class_token=walk_training_class),
    "assistance.pick_attendees": Check("own_village", class_token=walk_training_class),
    "assistance.remove_attendee": Check("own_village", class_token=walk_training_class),
    "plates.open_plate": Check("own_village", plate_token=walk_plate),
    "plates.sheet": Check("plate_printer"),
    "plates.sheet_pdf": Check("plate_printer"),
    "plates.household_plate": Check("plate_printer"),
    "plates.renew": Check("plate_printer"),
    "plates.revoke": Check("plate_printer"),
    "plates.sync_plates": Check("api"),
    "auditing.log": Check("officer"),
    "auditing.log_csv": Check("officer"),
    "privacy.policy": Check("public"),
    "privacy.people": Check("officer"),
    "privacy.person_export": Check("officer_record"),
}

# Default value of each URL argument, by name (a function of the walk's World).
ARG_VALUES = {
    "village_token": lambda w: w.thon1.token,
    "household_token": lambda w: w.hh1.token,
    "person_token": lambda w: w.hh1.members[0].token,
    "commune_token": lambda w: w.commune.token,
    "username": lambda w: WALK_USER,
    "criteria_id": lambda w: "thanh-hoa-1829",
    "code": lambda w: "3.4",
}
POST_OK = {"400", "415", "422"}  # an allowed user posting nothing may be told it is incomplete


class Post:
    """A filled-in form posted as every role: ``data`` (a function of the World) makes it valid,
    so an allowed role gets the real answer (a redirect) and an unauthorised one its refusal."""

    def __init__(self, endpoint: str, kind: str, data, query=None, **args):
        assert kind in KINDS, f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}"
        self.endpoint, self.kind, self.data, self.query, self.args = (
            endpoint,
            kind,
            data,
            query,
            args,
        )


def _export_of_thon1(fmt: str):
    return lambda w: {"criteria": "thanh-hoa-1829", "year": "2023", "scope": w.thon1.token,
                      "fmt": fmt}  # fmt: skip


# Forms posted filled in, beyond the walk's empty POSTs. Every export format: whoever may export
# Thôn 1 gets a job whose file only they can download (test_filled_in_forms_as_every_role).
EXPORT_FORMATS = ("xlsx", "pdf", "csv", "docx")
FORM_POSTS = [
    Post(
        "exports.index",
        "thon1_export",
        _export_of_thon1(fmt),
        query={"xa": ARG_VALUES["commune_token"]},
    )
    for fmt in EXPORT_FORMATS
]


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


def _undeclared(app) -> list[str]:
    return sorted({rule.endpoint for rule in _rules(app)} - set(EXPECTED))


def test_every_endpoint_is_declared(sqlite_app):
    endpoints = {rule.endpoint for rule in _rules(sqlite_app)}
    missing = _undeclared(sqlite_app)
    assert not missing, (
        f"No access expectation for endpoint(s): {', '.join(missing)}. Add one line per endpoint "
        f'to EXPECTED in tests/test_access_walk.py, e.g. "{missing[0]}": Check("login"), '
        f"with a kind among: {', '.join(KINDS)}."
    )
    stale = sorted(set(EXPECTED) - endpoints)
    assert not stale, f"EXPECTED lists endpoint(s) the app does not have: {', '.join(stale)}"


# ---- the walk ----------------------------------------------------------------------------------


class Walk:
    """The World plus a snapshot of every table, restored after any request that may write."""

    def __init__(self, app, world):
        self.app, self.world = app, world
        builders.make_user(WALK_USER, "volunteer", world.commune, [world.thon1])
        self.head2 = builders.make_user(HEAD2, "village_head", world.commune, [world.thon2])
        db.session.commit()
        walk_training_class(world)  # before the snapshot, so each restore keeps the class
        walk_round(world)  # likewise the open survey round
        walk_operation(world)  # and an import that may be undone
        walk_board(world)  # and Thôn 1's public notice board
        walk_import_job(world)  # and an upload that may be confirmed or cancelled
        devices.walk_signin_code(world)
        devices.walk_device(world)
        # Each role's sign-in is a session row; the cookie carries its secret, not the user id.
        users = {role: getattr(world, role, None) for role in ROLES if role != "anonymous"}
        self.secrets = {
            role: devices.signed_in_secret(user or getattr(self, role))
            for role, user in users.items()
        }
        self.snapshot = {
            table: [dict(row._mapping) for row in db.session.execute(select(table))]
            for table in db.metadata.sorted_tables
        }

    def restore(self):
        db.session.rollback()
        empty_tables()
        for table, rows in self.snapshot.items():
            if rows:
                db.session.execute(insert(table), rows)
        db.session.commit()

    def client(self, role):
        client = self.app.test_client()
        if role != "anonymous":  # sign in without hashing a password for every request
            with client.session_transaction() as session:
                session["_user_id"] = self.secrets[role]
                session["_fresh"] = True
        return client

    def url(self, rule, check: Check) -> str:
        values = {}
        for name in sorted(rule.arguments - set(rule.defaults or {})):
            value = check.args.get(name, ARG_VALUES.get(name))
            if value is None:
                raise AssertionError(
                    f"{rule.endpoint} ({rule.rule}) has URL argument '{name}' with no value: "
                    f"add it to ARG_VALUES or pass it in its Check(..., {name}=...)"
                )
            values[name] = value(self.world) if callable(value) else value
        return rule.build(values, append_unknown=False)[1]


def _outcome(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers["Location"])
        # Flask-Login's redirect carries ?next=; a plain redirect to /dang-nhap (index, logout)
        # is where the page sends everybody, so it counts as an answer.
        return LOGIN if target.path == "/dang-nhap" and "next=" in target.query else OK
    return OK if 200 <= response.status_code < 300 else str(response.status_code)


def _matches(got: str, expected: str, method: str) -> bool:
    return got == expected or (method == "POST" and expected == OK and got in POST_OK)


def _walk(walk: Walk, method: str) -> list[str]:
    problems = []
    for rule in sorted(_rules(walk.app), key=lambda r: r.rule):
        check = EXPECTED.get(rule.endpoint)
        if check is None or method not in rule.methods:
            continue  # undeclared endpoints fail test_every_endpoint_is_declared
        url = walk.url(rule, check)
        kind = check.rules.get(rule.rule, check.kind)
        for role, expected in zip(ROLES, KINDS[kind], strict=True):
            response = walk.client(role).open(url, method=method)
            got = _outcome(response)
            if not _matches(got, expected, method):
                problems.append(
                    f"{method} {rule.endpoint} {url} as {role}: expected {expected} "
                    f"({kind}), got {got} ({response.status_code})"
                )
            if method == "POST" and (got == OK or got in POST_OK):
                walk.restore()  # the request may have written: next one starts clean
    return problems


@pytest.fixture
def walk(app, world, tmp_path, wipe):
    """The walk; an export runs in the request that asks for it (the tests' queue runs a job
    at once), its file under tmp_path.

    It commits for real (``wipe``): an export job writes its state on a connection of its own."""
    app.config["EXPORTS_DIR"] = str(tmp_path / "exports")
    return Walk(app, world)


def finished_export(token: str) -> str:
    """``token``'s job with its file on disk (the walk's job is marked done but has none)."""
    directory = Path(current_app.config["EXPORTS_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{token}.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    return token


def test_get_every_rule_as_every_role(walk):
    problems = _walk(walk, "GET")
    assert not problems, "\n".join(problems)


def test_post_to_every_rule_as_every_role(walk):
    problems = _walk(walk, "POST")
    assert not problems, "\n".join(problems)


def _download_problems(walk: Walk, owner: str, status_url: str, fmt: str) -> list[str]:
    """A finished export's file: its owner downloads it, anybody else gets a refusal."""
    problems, url = [], status_url + "tai-ve"
    for role, refusal in zip(ROLES, KINDS["own_export_gone"], strict=True):
        expected = OK if role == owner else refusal
        response = walk.client(role).get(url)
        got = _outcome(response)
        if got != expected:
            problems.append(
                f"GET {url} ({fmt} of {owner}) as {role}: expected {expected}, got {got}"
            )
        disposition = response.headers.get("Content-Disposition", "")
        if got == OK and not disposition.endswith(EXTENSIONS[fmt]):
            problems.append(f"GET {url} ({fmt} of {owner}): file {disposition!r}")
    return problems


EXTENSIONS = {"xlsx": ".xlsx", "pdf": ".pdf", "csv": ".zip", "docx": ".docx"}  # csv: many lists


def _post_problems(walk: Walk, post: Post) -> list[str]:
    rule = next(r for r in _rules(walk.app) if r.endpoint == post.endpoint and "POST" in r.methods)
    url, problems = walk.url(rule, Check(post.kind, **post.args)), []
    query = {name: value(walk.world) for name, value in (post.query or {}).items()}
    for role, expected in zip(ROLES, KINDS[post.kind], strict=True):
        data = post.data(walk.world)
        response = walk.client(role).post(url, query_string=query, data=data)
        got = _outcome(response)
        if got != expected:
            problems.append(
                f"POST {post.endpoint} {url} {data} as {role}: expected {expected} "
                f"({post.kind}), got {got} ({response.status_code})"
            )
        if got == OK and post.endpoint == "exports.index":
            problems += _download_problems(walk, role, response.headers["Location"], data["fmt"])
        walk.restore()
    return problems


def test_filled_in_forms_as_every_role(walk):
    """Every export format of /xuat/, asked for by every role; each file only for its owner."""
    problems = [problem for post in FORM_POSTS for problem in _post_problems(walk, post)]
    assert not problems, "\n".join(problems)


def test_the_walk_catches_a_new_or_leaky_route(own_app, monkeypatch, tmp_path):
    """The checks above can fail: an undeclared route is named, a leaky one is reported."""
    own_app.config["EXPORTS_DIR"] = str(tmp_path)  # the walk's finished export file
    own_app.add_url_rule("/ro-ri/<village_token>", "leaky", lambda village_token: "dữ liệu")
    assert _undeclared(own_app) == ["leaky"]
    monkeypatch.setitem(EXPECTED, "leaky", Check("officer_record"))
    walk = Walk(own_app, builders.World.create())
    leaks = [p for p in _walk(walk, "GET") if " leaky " in p]
    assert len(leaks) == 6  # everyone but admin and the officer got in
    assert leaks[0].startswith("GET leaky /ro-ri/") and "as anonymous: expected login" in leaks[0]


def _history_rows() -> dict:
    from survey_app.history.models import VERSIONED

    return {
        table.name: {row.version_id: row._mapping for row in db.session.execute(select(table))}
        for table in VERSIONED.values()
    }


def test_no_route_edits_or_deletes_history(walk):
    """Every rule, with every method it takes and the ones it does not, as the roles that may do
    most: versions are only ever added (a later one closes the one before); none is changed or
    removed."""
    walk.world.hh1.chu_ho = "Lê Văn Bình B"  # a second version, so there is a closed one too
    db.session.commit()
    before = _history_rows()
    changed = []
    for rule in sorted(_rules(walk.app), key=lambda r: r.rule):
        check = EXPECTED.get(rule.endpoint)
        if check is None:
            continue
        url = walk.url(rule, check)
        for role in ("admin", "officer"):
            for method in ("POST", "PUT", "PATCH", "DELETE"):
                walk.client(role).open(url, method=method)
                db.session.rollback()
                after = _history_rows()
                for table, rows in before.items():
                    for version_id, row in rows.items():
                        now = after[table].get(version_id)
                        kept = now is not None and all(
                            now[key] == value
                            for key, value in row.items()
                            if not (key == "valid_to" and value is None)
                        )
                        if not kept:
                            changed.append(f"{method} {url} as {role}: {table} {version_id}")
    assert sum(len(rows) for rows in before.values()) > 3
    assert not changed, "\n".join(changed[:20])
