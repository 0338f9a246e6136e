"""The household page's form: household items, consent and members as repeatable rows.

Members are a FieldList of MemberForm named ``m`` (inputs ``m-3-ho_ten``...). Rows added in
the browser are clones of a <template> with the next free index; rows the volunteer removed keep
``removed=1`` so they are re-rendered hidden after an error and dropped on save.
"""

from datetime import date

from wtforms import (
    BooleanField,
    Field,
    FieldList,
    FloatField,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
)
from wtforms.validators import NumberRange, Optional, StopValidation, ValidationError

from household_forms import rules
from household_forms.base import VnForm, VnSubForm
from household_forms.rules import BIRTH_HINT, birth_text  # noqa: F401 (the page uses them)
from survey_app.households import status as visit_status
from survey_app.households.vocabulary import (
    CU_TRU,
    GIOI_TINH,
    HOUSEHOLD_YESNO,
    PERSON_YESNO,
    VNEID,
)
from survey_app.timeutil import vn_today

TRI_OPTIONS = (("1", True, "Có"), ("0", False, "Không"), ("", None, "Chưa hỏi"))


def text_rule(key: str):
    """A WTForms filter + validator pair for rules.check_text: the same limit and message as the
    sync API and the phone; never a silent cut (no maxlength on the input)."""

    def validate(form, field):
        try:
            field.data = rules.check_text(key, field.data)
        except rules.RuleError as exc:
            raise StopValidation(str(exc)) from None

    return validate


def _phone(form, field):
    try:
        rules.clean_phone(field.data)
    except rules.RuleError as exc:
        raise ValidationError(str(exc)) from None


class SegmentField(Field):
    """A choice shown as big side-by-side buttons (radio inputs), never a dropdown.

    ``options`` are (posted value, stored value, label). Stored values may be None: for the
    yes/no items None is "Chưa hỏi", which must stay distinct from False ("Không").
    """

    def __init__(self, label=None, validators=None, options=(), required=None, **kwargs):
        kwargs.setdefault("default", None)
        super().__init__(label, validators, **kwargs)
        self.options = tuple(options)
        self.required_message = required

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        for posted, stored, _ in self.options:
            if valuelist[0] == posted:
                self.data = stored
                return
        self.data = None
        raise ValueError("Lựa chọn không hợp lệ.")

    def pre_validate(self, form):
        if self.required_message and self.data is None:
            raise StopValidation(self.required_message)

    def iter_options(self):
        """(value, label, checked) for each button."""
        for posted, stored, text in self.options:
            # Compare with the type too: True must not match 1, None must not match "".
            yield posted, text, type(stored) is type(self.data) and stored == self.data


def tri_field(label: str) -> SegmentField:
    return SegmentField(label, options=TRI_OPTIONS)


class MemberForm(VnSubForm):
    """One member (nhân khẩu) row."""

    token = HiddenField()
    removed = HiddenField(default="")
    ho_ten = StringField("Họ và tên", validators=[text_rule("ho_ten")])
    ngay_sinh = StringField("Ngày sinh hoặc năm sinh", validators=[text_rule("ngay_sinh")])
    gioi_tinh = SegmentField(
        "Giới tính",
        options=[(k, k, v) for k, v in GIOI_TINH.items()],
        required=rules.REQUIRED["gioi_tinh"],
    )
    # Shown as a list of QUAN_HE but free text underneath: imported files carry relations
    # outside the usual list ("Con nuôi"), and those must survive an edit.
    quan_he = StringField("Quan hệ với chủ hộ", validators=[text_rule("quan_he")])
    cu_tru = SegmentField(
        "Tình trạng cư trú",
        options=[(k, k, v) for k, v in CU_TRU.items()],
        default="co_mat",
        required=rules.REQUIRED["cu_tru"],
    )
    vneid = SegmentField(
        "VNeID (định danh điện tử)",
        options=[(k, k, v) for k, v in VNEID.items()] + [("", None, "Chưa hỏi")],
    )
    # "Không đổi": answers carried over from the last round, confirmed unchanged (one tap).
    xac_nhan = HiddenField(default="")

    @property
    def is_removed(self) -> bool:
        return self.removed.data == "1"

    def validate(self, extra_validators=None):
        # A row the volunteer removed is not checked: it will be deleted on save.
        if self.is_removed:
            return True
        return super().validate(extra_validators)

    def validate_ngay_sinh(self, field):
        try:
            rules.parse_birth(field.data, vn_today())
        except rules.RuleError as exc:
            raise ValidationError(str(exc)) from None

    def to_data(self) -> dict:
        """Clean values for services.save_household."""
        born, year_only = rules.parse_birth(self.ngay_sinh.data, vn_today())
        data = {
            "token": self.token.data or None,
            "ho_ten": self.ho_ten.data,
            "birth_date": born,
            "birth_year_only": year_only,
            "gioi_tinh": self.gioi_tinh.data,
            "quan_he": self.quan_he.data or "",
            "cu_tru": self.cu_tru.data,
            "vneid": self.vneid.data,
            "xac_nhan": self.xac_nhan.data == "1",
        }
        data.update({key: self[key].data for key in PERSON_YESNO})
        return data


for _key, _label in PERSON_YESNO.items():
    setattr(MemberForm, _key, tri_field(_label))


class HouseholdForm(VnForm):
    """The whole household page: one form, one "Lưu"."""

    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    consent = BooleanField("Hộ đã đồng ý cho ghi thông tin")
    ma_ho = StringField("Mã hộ", validators=[text_rule("ma_ho")])
    chu_ho = StringField("Họ tên chủ hộ", validators=[text_rule("chu_ho")])
    dia_chi = StringField("Địa chỉ", validators=[text_rule("dia_chi")])
    so_dien_thoai = StringField("Số điện thoại", validators=[_phone])
    note = StringField("Ghi chú về hộ", validators=[text_rule("note")])
    gps_lat = FloatField(widget=HiddenField.widget, validators=[Optional(), NumberRange(-90, 90)])
    gps_lng = FloatField(widget=HiddenField.widget, validators=[Optional(), NumberRange(-180, 180)])
    gps_accuracy = FloatField(widget=HiddenField.widget, validators=[Optional(), NumberRange(0)])
    back = HiddenField()  # where the visit started (a local path), to return there after "Lưu"
    xac_nhan = HiddenField(default="")  # the household's own answers confirmed unchanged
    m = FieldList(FormField(MemberForm))

    def validate_consent(self, field):
        if not field.data:
            raise ValidationError(rules.REQUIRED["consent"])

    def validate_m(self, field):
        if not any(not entry.form.is_removed for entry in field.entries):
            raise ValidationError(rules.REQUIRED["members"])

    def live_members(self):
        """Member rows not marked removed."""
        return [entry.form for entry in self.m.entries if not entry.form.is_removed]

    def to_data(self) -> dict:
        """Clean values for services.save_household / create_household."""
        data = {
            "consent": bool(self.consent.data),
            "ma_ho": self.ma_ho.data,
            "chu_ho": self.chu_ho.data,
            "dia_chi": self.dia_chi.data or "",
            "so_dien_thoai": rules.clean_phone(self.so_dien_thoai.data),
            "note": self.note.data or "",
            "members": [member.to_data() for member in self.live_members()],
            "xac_nhan": self.xac_nhan.data == "1",
        }
        if self.gps_lat.data is not None and self.gps_lng.data is not None:
            data |= {"gps_lat": self.gps_lat.data, "gps_lng": self.gps_lng.data}
            data["gps_accuracy"] = self.gps_accuracy.data
        data.update({key: self[key].data for key in HOUSEHOLD_YESNO})
        return data

    def error_links(self) -> list[tuple[str, str]]:
        """(field id, message) for every error, for the summary at the top of the page."""
        links = []
        if "csrf_token" in self and self.csrf_token.errors:
            links.append(("hh", "Phiên làm việc đã hết hạn, hãy bấm “Lưu” lần nữa."))
        for field in self:
            if field.name not in ("m", "csrf_token", "version", "back"):
                links += [(field.id, f"{field.label.text}: {e}") for e in field.errors]
        links += [("members", e) for e in self.m.errors if isinstance(e, str)]
        for number, member in enumerate(self.live_members(), start=1):
            for field in member:
                prefix = f"Thành viên {number}, {field.label.text}"
                links += [(field.id, f"{prefix}: {e}") for e in field.errors]
        return links


for _key, _label in HOUSEHOLD_YESNO.items():
    setattr(HouseholdForm, _key, tri_field(_label))


def initial_data(household) -> dict:
    """Form data (for a GET) from a stored household and its members."""
    keys = ("ma_ho", "chu_ho", "dia_chi", "note", "gps_lat", "gps_lng", "gps_accuracy")
    keys += tuple(HOUSEHOLD_YESNO)
    data = {key: getattr(household, key) for key in keys}
    data["so_dien_thoai"] = household.so_dien_thoai or ""
    data["version"] = household.version
    data["consent"] = household.consent_given
    data["m"] = [_member_data(person) for person in household.members]
    return data


def _member_data(person) -> dict:
    data = {key: getattr(person, key) for key in ("token", "ho_ten", "gioi_tinh", "quan_he")}
    data.update({key: getattr(person, key) for key in ("cu_tru", "vneid", *PERSON_YESNO)})
    data["ngay_sinh"] = birth_text(person.birth_date, person.birth_year_only)
    data["removed"] = ""
    return data


def new_member_form() -> MemberForm:
    """A blank member row with the placeholder index the browser replaces when cloning."""
    return MemberForm(prefix="m-__i__-")


class VisitForm(VnForm):
    """A visit that ended without a survey (no consent, no personal answers)."""

    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    back = HiddenField()
    visit_outcome = SegmentField(
        "Kết quả lần đến",
        options=[(k, k, visit_status.LABELS[k]) for k in visit_status.OUTCOMES],
        required=rules.REQUIRED["visit_outcome"],
    )
    revisit_on = StringField("Ngày hẹn quay lại")
    note = StringField("Ghi chú về hộ", validators=[text_rule("note")])

    def validate_revisit_on(self, field):
        """The day (YYYY-MM-DD from the date picker) matters only for "Hẹn lại"."""
        if self.visit_outcome.data != visit_status.LATER:
            field.data = None
            return
        try:
            field.data = date.fromisoformat((field.data or "").strip())
        except ValueError:
            field.data = None
            raise ValidationError(rules.REQUIRED["revisit_on"]) from None
        if field.data < vn_today():
            raise ValidationError("Ngày hẹn đã qua. Chọn hôm nay hoặc một ngày sau.")

    def to_data(self) -> dict:
        return {
            "visit_outcome": self.visit_outcome.data,
            "revisit_on": self.revisit_on.data,
            "note": self.note.data or "",
        }
