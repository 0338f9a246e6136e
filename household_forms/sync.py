"""What a phone may push (changes to households) and how a pulled household looks, as JSON.

Every value is checked by household_forms/rules.py, the one source the page form, the import and
the phone use too: the same lengths, birth formats, phone check and messages. Yes/no items take
true / false / null, and null ("chưa hỏi") is never false. Messages are Vietnamese.
"""

import re
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, pre_dump, validate

from household_forms import rules
from household_forms.rules import birth_text
from survey_app.households import status as visit_status
from survey_app.households.vocabulary import (
    CU_TRU,
    GIOI_TINH,
    HOUSEHOLD_YESNO,
    PERSON_YESNO,
    VNEID,
)
from survey_app.timeutil import vn_today

MAX_MEMBERS = 50
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
KINDS = ("create", "update")

REQUIRED = "Thiếu thông tin này."
MESSAGES = {"required": REQUIRED, "null": "Không được để trống (null)."}


class VnSchema(Schema):
    """Refuse unknown keys and speak Vietnamese."""

    error_messages = {
        "unknown": "Trường này không được hỗ trợ.",
        "type": "Phải là một đối tượng JSON.",
    }

    class Meta:
        unknown = RAISE


class Text(fields.String):
    """A one-line text checked by rules.check_text(key): trimmed, limited, maybe required."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là chuỗi chữ."}

    def __init__(self, key: str, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("maxLength", rules.MAX_LENGTH[key])
        super().__init__(**kwargs)
        self.key = key

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return rules.check_text(self.key, super()._deserialize(value, attr, data, **kwargs))
        except rules.RuleError as exc:
            raise ValidationError(str(exc)) from None


class Tri(fields.Field):
    """Có (true) / Không (false) / Chưa hỏi (null). No "1", "yes" or 0: a phone sends JSON."""

    default_error_messages = {**MESSAGES, "invalid": "Chỉ nhận true, false hoặc null (chưa hỏi)."}

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_none", True)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise self.make_error("invalid")


class Choice(fields.String):
    """One of the keys of a vocabulary dict."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là chuỗi chữ."}

    def __init__(self, choices, blank: str | None = None, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("enum", list(choices))
        if blank:  # "" and null say what the page says for a choice not made
            kwargs["error_messages"] = {**kwargs.get("error_messages", {}), "null": blank}
        super().__init__(**kwargs)
        self.choices = tuple(choices)
        self.blank = blank

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if value == "" and self.blank:
            raise ValidationError(self.blank)
        if value not in self.choices:
            raise ValidationError(
                "Giá trị không hợp lệ, chọn một trong: " + ", ".join(self.choices)
            )
        return value


class Token(fields.String):
    """A record token: 16–32 URL-safe characters (A–Z, a–z, 0–9, _ and -)."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là chuỗi chữ."}

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("pattern", TOKEN_RE.pattern)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not TOKEN_RE.fullmatch(value):
            raise ValidationError("Mã không đúng dạng (16–32 ký tự A–Z, a–z, 0–9, _ hoặc -).")
        return value


class StrictInt(fields.Integer):
    """A JSON integer: no strings, no 1.0, no true."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là số nguyên."}

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        if not 1 <= value <= 2**31 - 1:
            raise ValidationError("Phải là số nguyên dương.")
        return value


class StrictBool(fields.Field):
    default_error_messages = {**MESSAGES, "invalid": "Chỉ nhận true hoặc false."}

    def _deserialize(self, value, attr, data, **kwargs):
        if value is True or value is False:
            return value
        raise self.make_error("invalid")


class Phone(fields.String):
    """A Vietnamese phone number (rules.clean_phone); "" or null = none."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là chuỗi chữ."}

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return rules.clean_phone(super()._deserialize(value, attr, data, **kwargs))
        except rules.RuleError as exc:
            raise ValidationError(str(exc)) from None


class Birth(fields.String):
    """Birth: "1958" (year only: 1 July, docs/domain.md) or a full date → (date, year_only)."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là chuỗi chữ."}

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return rules.parse_birth(super()._deserialize(value, attr, data, **kwargs), vn_today())
        except rules.RuleError as exc:
            raise ValidationError(str(exc)) from None


class Day(fields.String):
    """A calendar day as YYYY-MM-DD (the value of an <input type=date>)."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là ngày dạng YYYY-MM-DD."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
        except ValueError:
            pass
        raise self.make_error("invalid")


class Number(fields.Float):
    """A JSON number within [low, high]."""

    default_error_messages = {**MESSAGES, "invalid": "Phải là số."}

    def __init__(self, low: float, high: float, **kwargs):
        super().__init__(allow_none=True, **kwargs)
        self.low, self.high = low, high

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        if not self.low <= value <= self.high:
            raise ValidationError(f"Phải từ {self.low:g} đến {self.high:g}.")
        return float(value)


class _MemberFields(VnSchema):
    token = Token(allow_none=True)
    ho_ten = Text("ho_ten", required=True)
    ngay_sinh = Birth(required=True)
    gioi_tinh = Choice(GIOI_TINH, blank=rules.REQUIRED["gioi_tinh"], required=True)
    quan_he = Text("quan_he")
    cu_tru = Choice(CU_TRU)
    vneid = Choice(VNEID, allow_none=True)
    # "Không đổi": the member's answers carried over from the last round confirmed unchanged.
    xac_nhan = StrictBool(allow_none=True)

    @post_load
    def birth(self, data, **kwargs):
        data["birth_date"], data["birth_year_only"] = data.pop("ngay_sinh")
        return data


MemberIn = type("MemberIn", (_MemberFields,), {key: Tri() for key in PERSON_YESNO})
MemberIn.__doc__ = "One member. ``token``: an existing member's token, or a new one the phone made."


def _data_schema(name: str, required: bool) -> type[VnSchema]:
    """Household data; a create needs the identity fields and members, an update does not."""
    attrs = {
        "consent": StrictBool(required=required),
        "ma_ho": Text("ma_ho", required=required),
        "chu_ho": Text("chu_ho", required=required),
        "dia_chi": Text("dia_chi"),
        "so_dien_thoai": Phone(allow_none=True),
        "note": Text("note"),
        "xac_nhan": StrictBool(allow_none=True),
        "gps_lat": Number(-90, 90),
        "gps_lng": Number(-180, 180),
        "gps_accuracy": Number(0, 100000),
        "members": fields.List(
            fields.Nested(MemberIn),
            required=required,
            validate=validate.Length(
                min=1, max=MAX_MEMBERS, error="Hộ phải có từ 1 đến {max} thành viên."
            ),
            error_messages={**MESSAGES, "invalid": "Phải là một danh sách."},
        ),
    }
    attrs |= {key: Tri() for key in HOUSEHOLD_YESNO}
    if not required:  # a visit that did not survey is an update of a known household
        attrs["visit_outcome"] = Choice(visit_status.OUTCOMES, allow_none=True)
        attrs["revisit_on"] = Day(allow_none=True)
    return type(name, (VnSchema,), attrs)


HouseholdCreateIn = _data_schema("HouseholdCreateIn", required=True)
HouseholdUpdateIn = _data_schema("HouseholdUpdateIn", required=False)


class UUIDText(fields.String):
    default_error_messages = {**MESSAGES, "invalid": "Phải là chuỗi chữ."}

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("format", "uuid")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).lower()
        if not UUID_RE.fullmatch(value):
            raise ValidationError("Phải là một UUID, ví dụ 3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f.")
        return value


class ChangeIn(VnSchema):
    """One queued change. ``data`` is checked by HouseholdCreateIn or HouseholdUpdateIn."""

    change_id = UUIDText(required=True)
    kind = Choice(KINDS, required=True)
    household = Token()
    village = Token()
    base_version = StrictInt()
    data = fields.Dict(required=True, error_messages={**MESSAGES, "invalid": "Phải là đối tượng."})


def load_change(raw) -> tuple[dict | None, dict[str, list[str]]]:
    """Check one pushed change: (clean change, {}) or (None, {"path.to.field": [messages]})."""
    if not isinstance(raw, dict):
        return None, {"": ["Mỗi thay đổi phải là một đối tượng JSON."]}
    errors: dict = {}
    try:
        change = ChangeIn().load(raw)
    except ValidationError as exc:
        change, errors = None, exc.messages
    kind = raw.get("kind")
    if kind in KINDS:
        errors |= _kind_errors(raw, kind)
        if isinstance(raw.get("data"), dict):
            schema = HouseholdCreateIn() if kind == "create" else HouseholdUpdateIn()
            try:
                data = schema.load(raw["data"])
            except ValidationError as exc:
                errors["data"] = exc.messages
            else:
                if change is not None:
                    change["data"] = data
    flat = flatten_errors(errors)
    return (None, flat) if flat else (change, {})


def _kind_errors(raw: dict, kind: str) -> dict:
    """Which envelope keys a create or an update needs, and which it must not carry."""
    needs = ("village",) if kind == "create" else ("household", "base_version")
    refuses = ("base_version",) if kind == "create" else ("village",)
    errors = {key: [REQUIRED] for key in needs if raw.get(key) is None}
    message = "Không dùng cho loại thay đổi này."
    errors |= {key: [message] for key in refuses if key in raw}
    return errors


def flatten_errors(errors, prefix: str = "") -> dict[str, list[str]]:
    """{"data": {"members": {0: {"ho_ten": [...]}}}} → {"data.members.0.ho_ten": [...]}."""
    if isinstance(errors, list | tuple):
        if all(isinstance(item, str) for item in errors):
            return {prefix: list(errors)}
        return {k: v for item in errors for k, v in flatten_errors(item, prefix).items()}
    if not isinstance(errors, dict):
        return {prefix: [str(errors)]}
    flat: dict[str, list[str]] = {}
    for key, value in errors.items():
        path = prefix if key == "_schema" else f"{prefix}.{key}" if prefix else str(key)
        for sub, messages in flatten_errors(value, path).items():
            flat.setdefault(sub, []).extend(messages)
    return flat


# ---- Pulled households (what the phone stores and shows) ----


def iso_utc(value) -> str | None:
    """Stored naive-UTC time as ISO 8601 with a Z."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


class _MemberOutFields(Schema):
    token = fields.String()
    ho_ten = fields.String()
    ngay_sinh = fields.Function(lambda p: birth_text(p.birth_date, p.birth_year_only))
    gioi_tinh = fields.String()
    quan_he = fields.String()
    cu_tru = fields.String()
    vneid = fields.String(allow_none=True)
    khong_ap_dung = fields.Function(lambda p: p.khong_ap_dung.split())


class _HouseholdOutFields(Schema):
    token = fields.String()
    village = fields.Function(lambda h: h.village.token)
    version = fields.Integer()
    ma_ho = fields.String()
    chu_ho = fields.String()
    dia_chi = fields.String()
    so_dien_thoai = fields.String(allow_none=True)
    consent = fields.Boolean(attribute="consent_given")
    consent_at = fields.Function(lambda h: iso_utc(h.consent_at))
    surveyed_at = fields.Function(lambda h: iso_utc(h.surveyed_at))
    updated_at = fields.Function(lambda h: iso_utc(h.updated_at))
    last_edited_at = fields.Function(lambda h: iso_utc(h.last_edited_at))
    note = fields.String()
    visit_outcome = fields.String(allow_none=True)
    revisit_on = fields.Function(lambda h: h.revisit_on.isoformat() if h.revisit_on else None)
    status = fields.String()
    status_label = fields.Function(lambda h: visit_status.LABELS[h.status])
    answered = fields.Function(lambda h: h.done.answered)
    total = fields.Function(lambda h: h.done.total)

    @pre_dump
    def survey_state(self, household, **kwargs):
        return _Surveyed(household)


class _Surveyed:
    """A household with its survey state worked out once for the four fields that show it."""

    def __init__(self, household):
        self._household = household
        self.done = visit_status.completeness(household)
        self.status = visit_status.household_status(household, done=self.done)

    def __getattr__(self, name):
        return getattr(self._household, name)


def _tri_out(keys) -> dict:
    return {key: fields.Boolean(allow_none=True) for key in keys}


MemberOut = type("MemberOut", (_MemberOutFields,), _tri_out(PERSON_YESNO))
HouseholdOut = type(
    "HouseholdOut",
    (_HouseholdOutFields,),
    {"members": fields.List(fields.Nested(MemberOut)), **_tri_out(HOUSEHOLD_YESNO)},
)
HouseholdOut.__doc__ = "A household as the phone stores it; a push's ``data`` takes the same keys."
