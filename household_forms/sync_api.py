"""Shapes of the sync API's requests and answers, for the OpenAPI description.

Requests are checked by household_forms/sync.py one change at a time (a bad change must not
refuse the whole batch), so these schemas document; they do not load.
"""

from marshmallow import Schema, fields, validate

from household_forms.sync import ChangeIn, HouseholdCreateIn, HouseholdOut, Token
from survey_app.accounts.models import ROLES

STATUSES = ("applied", "conflict", "invalid", "not_found")


class PullArgs(Schema):
    since = fields.String(
        validate=validate.Length(max=8000),
        metadata={"description": "The `cursor` of the previous answer; empty = everything."},
    )
    limit = fields.Integer(
        validate=validate.Range(1, 500),
        metadata={"description": "Households + removals per page (default 100, at most 500)."},
    )
    village = Token(
        metadata={"description": "Only this village (token); default: all the user's villages."}
    )


class VillageOut(Schema):
    token = fields.String()
    name = fields.String()
    commune = fields.String(metadata={"description": "Commune name"})


class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    role_label = fields.String()


class LimitsOut(Schema):
    max_changes = fields.Integer(metadata={"description": "Changes per push"})
    max_body_bytes = fields.Integer(metadata={"description": "Bytes per push body"})
    max_members = fields.Integer(metadata={"description": "Members per household"})
    pull_limit = fields.Integer(metadata={"description": "Default page size of a pull"})
    pull_max_limit = fields.Integer()


class SessionOut(Schema):
    user = fields.Nested(UserOut)
    csrf_token = fields.String(metadata={"description": "Send it as the X-CSRFToken header"})
    villages = fields.List(fields.Nested(VillageOut))
    limits = fields.Nested(LimitsOut)
    server_time = fields.String(metadata={"description": "UTC, ISO 8601"})


class PullOut(Schema):
    villages = fields.List(
        fields.Nested(VillageOut),
        metadata={"description": "All the user's villages now; drop local households of others."},
    )
    households = fields.List(fields.Nested(HouseholdOut))
    removed = fields.List(
        fields.String(), metadata={"description": "Tokens of households to drop from the phone."}
    )
    reset = fields.List(
        fields.String(),
        metadata={"description": "Village tokens sent from scratch in this pull (see the docs)."},
    )
    cursor = fields.String(metadata={"description": "Send as `since` next time."})
    more = fields.Boolean(metadata={"description": "True: pull again now with the new cursor."})


class Change(ChangeIn):
    data = fields.Nested(
        HouseholdCreateIn,
        required=True,
        metadata={
            "description": "Household fields. For `update` every key is optional (absent = "
            "unchanged); `members`, when present, is the full ordered list."
        },
    )


class PushIn(Schema):
    changes = fields.List(fields.Nested(Change), required=True)


class ChangeResult(Schema):
    change_id = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    code = fields.Integer(metadata={"description": "200/201 applied, 409, 422, 404"})
    kind = fields.String()
    household = fields.String(metadata={"description": "Household token (server's = phone's)"})
    village = fields.String()
    version = fields.Integer(metadata={"description": "applied: new version; conflict: server's"})
    members = fields.List(fields.String(), metadata={"description": "Member tokens, in order"})
    base_version = fields.Integer()
    server = fields.Nested(HouseholdOut, metadata={"description": "conflict: server's household"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": 'invalid/not_found: {"data.members.0.ngay_sinh": ["…"]}'},
    )


class PushOut(Schema):
    results = fields.List(fields.Nested(ChangeResult))


class ErrorOut(Schema):
    error = fields.String(metadata={"description": "Machine-readable reason"})
    message = fields.String(metadata={"description": "Vietnamese, for people"})
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
