"""The form fuzzer: every URL rule of the app, with fields of its real form class and junk.

FORMS says which form class (or which field names) each endpoint that takes POST reads; a new
POST route without a line fails ``test_every_post_route_has_its_fields``, naming it. GET rules
are fuzzed too, with junk query arguments. One request at a time, as a random role; whatever the
answer, it must not be a server error. The World is restored after each request that may have
written (the access walk's snapshot), so a locked user or a merged thôn does not stop the rest.
"""

import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st
from werkzeug.routing import Rule

from household_forms.accounts import EmptyForm, LoginForm
from household_forms.admin import (
    MergeVillageForm,
    NewUserForm,
    PasswordForm,
    UserForm,
    VillageForm,
    VillageMembersForm,
)
from household_forms.assistance import ClassForm, HelpForm
from household_forms.export_form import ExportForm
from household_forms.frozen import FreezeForm
from household_forms.history import RestoreForm
from household_forms.household import HouseholdForm, VisitForm
from household_forms.import_template import ImportUploadForm
from household_forms.operations import ConfirmImportForm, RemoveForm
from household_forms.reports import ManualResultForm, SettingsForm
from household_forms.rounds import RoundForm
from survey_app.duplicates.services import FIELDS as DUPLICATE_FIELDS
from tests.fuzz import known
from tests.fuzz.strategies import OddBody, form_data, form_fields, junk_text, odd_body, query_args
from tests.test_access_walk import ARG_VALUES, EXPECTED, ROLES, Walk

MANUAL_CODES = ["3.7", "3.8", "2.1", "3"]  # manual indicators of the criteria sets


def _manual_fields() -> dict[str, list[str]]:
    fields = {"chi_tieu": MANUAL_CODES}
    for index in range(2):
        fields |= form_fields(ManualResultForm, f"ct{index}-")
    return fields


# Endpoint → the form class it reads, or its field names with their choices.
FORMS: dict[str, type | dict[str, list[str]]] = {
    "accounts.login": LoginForm,
    "accounts.logout": EmptyForm,
    "accounts.logout_everywhere": EmptyForm,
    "devices.issue_code": EmptyForm,
    "devices.qr_signin": EmptyForm,
    "devices.revoke_code": EmptyForm,
    "devices.sign_out": EmptyForm,
    "privacy.person_export": EmptyForm,
    "households.new_household": HouseholdForm,
    "households.household": HouseholdForm,
    "households.visit": VisitForm,
    "history.restore": RestoreForm,
    "history.remove_household": RemoveForm,
    "history.remove_person": RemoveForm,
    "history.restore_household": EmptyForm,
    "history.restore_person": EmptyForm,
    "imports.confirm": ConfirmImportForm,
    "imports.cancel": EmptyForm,
    "operations.undo": EmptyForm,
    "duplicates.merge": {"giu": ["first", "second"]}
    | {f"chon-{name}": ["first", "second"] for name in DUPLICATE_FIELDS},
    "duplicates.not_duplicates": EmptyForm,
    "backup.download": EmptyForm,
    "board.switch": {"bat": ["0", "1"]},
    "frozen.freeze": FreezeForm,
    "rounds.index": RoundForm,
    "rounds.close": EmptyForm,
    "rounds.sign_off": EmptyForm,
    "rounds.reopen": EmptyForm,
    "admin.villages": VillageForm,
    "admin.village_rename": VillageForm,
    "admin.village_members": VillageMembersForm,
    "admin.village_merge": MergeVillageForm,
    "admin.village_deactivate": EmptyForm,
    "admin.village_reactivate": EmptyForm,
    "admin.user_create": NewUserForm,
    "admin.user_edit": UserForm,
    "admin.user_password": PasswordForm,
    "admin.user_deactivate": EmptyForm,
    "admin.user_reactivate": EmptyForm,
    "imports.upload": ImportUploadForm,
    "reports.settings": SettingsForm,
    "reports.targets": {f"t{i}": [] for i in range(13)},  # household_forms.reports.target_form
    "reports.manual": _manual_fields(),
    "sync.push": {"changes": [], "device": []},  # JSON only: a form body must get a 4xx
    "exports.index": ExportForm,
    "exports.restart": EmptyForm,
    "assistance.help_person": HelpForm,
    "assistance.new_class": ClassForm,
    "assistance.pick_attendees": {"nguoi": [], "q": []},
    "assistance.remove_attendee": {"nguoi": []},
    "plates.renew": EmptyForm,
    "plates.revoke": EmptyForm,
}

FUZZ_ROLES = [role for role in ROLES if role != "anonymous"] + ["anonymous"]


def fields_of(endpoint: str) -> dict[str, list[str]]:
    """Field names (with fixed choices) that ``endpoint`` reads from a POST."""
    declared = FORMS[endpoint]
    return declared if isinstance(declared, dict) else form_fields(declared)


@dataclass
class Tally:
    """What a run sent and got: requests, server errors (with how to repeat them), known ones."""

    requests: int = 0
    answers: Counter = field(default_factory=Counter)  # "2xx", "3xx", "4xx": how deep it got
    errors: list[str] = field(default_factory=list)
    known: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def seconds(self) -> float:
        return time.monotonic() - self.started

    def record(self, send, request: tuple, where: str, repeat=None) -> int:
        """Count the answer of ``send()``; a 5xx (or an exception the app raised, as it does in
        testing mode) is kept with ``where`` and ``repeat()`` (how to send it again), or
        counted apart when it is a known issue."""
        self.requests += 1
        try:
            status, error = send().status_code, ""
        except Exception as exc:  # noqa: BLE001 - in testing mode the app raises instead of a 500
            status, error = 500, describe(exc)
        self.answers[f"{status // 100}xx"] += 1
        if status >= 500:
            name = known.issue(*request, error)
            if name:
                self.known[name] = self.known.get(name, 0) + 1
            else:
                again = f"\n{repeat()}" if repeat else ""
                self.errors.append(f"{where}: {status} {error[:300]}{again}")
        return status


def _url_values(draw, walk: Walk, rule: Rule) -> str:
    """The rule's URL with the World's tokens, or now and then a junk or foreign token."""
    check = EXPECTED[rule.endpoint]
    values = {}
    for name in sorted(rule.arguments - set(rule.defaults or {})):
        value = check.args.get(name, ARG_VALUES.get(name))
        if draw(st.integers(0, 9)) == 0:
            values[name] = draw(st.sampled_from(["x", "²", "Ẩ" * 300, "a%00b", "..", "-1"]))
        else:
            values[name] = value(walk.world) if callable(value) else value
    return rule.build(values, append_unknown=False)[1]


def request_strategy(walk: Walk, rules: list[Rule]):
    """One request: (role, method, url, query, data)."""

    @st.composite
    def one(draw):
        rule = draw(st.sampled_from(rules))
        method = "POST" if "POST" in rule.methods and draw(st.booleans()) else "GET"
        if "GET" not in rule.methods:
            method = "POST"
        data = draw(form_data(fields_of(rule.endpoint))) if method == "POST" else {}
        if method == "POST" and draw(st.integers(0, 9)) == 0:
            data = draw(odd_body)  # JSON or bytes where a form is expected
        query = draw(query_args)
        if rule.endpoint == "reports.manual" and draw(st.booleans()):
            query["bo"] = draw(st.sampled_from(["thanh-hoa-1829", "thon-thong-minh"]) | junk_text)
        return draw(st.sampled_from(FUZZ_ROLES)), method, _url_values(draw, walk, rule), query, data

    return one()


def fuzz_rules(app) -> list[Rule]:
    """Every rule but static files, sorted so a seed replays the same requests."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: (r.rule, r.endpoint))


def send(walk: Walk, tally: Tally, request) -> int:
    """Send one drawn request; a server error (or an exception) is recorded, not raised."""
    role, method, url, query, data = request
    client = walk.client(role)
    body = data if isinstance(data, OddBody) else {"data": data}
    status = tally.record(
        lambda: client.open(url, method=method, query_string=query, **body),
        (method, url, query, data),
        f"{method} {url} as {role} query={_short(query)} data={_short(data)}",
    )
    if status < 400 or status >= 500:
        walk.restore()  # it may have written (or half-written): the next request starts clean
    return status


def describe(exc: Exception) -> str:
    """The exception and the last line of the project's own code it went through."""
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if "site-packages" not in f.filename
    ]
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {str(exc)[:200]}{where}"


def _cut(value):
    if isinstance(value, str) and len(value) > 60:
        return value[:20] + f"…({len(value)} characters)"
    return [_cut(v) for v in value] if isinstance(value, list) else value


def _short(data: dict) -> str:
    """Posted data or query arguments for a message, long values cut."""
    return repr({k: _cut(v) for k, v in data.items()})[:600]
