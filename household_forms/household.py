"""The household page's form: household items, consent and members as repeatable rows.

Members are a FieldList of MemberForm named ``m`` (inputs ``m-3-ho_ten``...). Rows added in
the browser are clones of a <template> with the next free index; rows the volunteer removed keep
``removed=1`` so they are re-rendered hidden after an error and dropped on save.
"""

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from survey_app.households.vocabulary import (
    CU_TRU,
    GIOI_TINH,
    HOUSEHOLD_YESNO,
    PERSON_YESNO,
    VNEID,
)
from survey_app.text import squeeze

TRI_OPTIONS = (("1", True, "Có"), ("0", False, "Không"), ("", None, "Chưa hỏi"))
BIRTH_HINT = "Chỉ biết năm thì nhập năm, ví dụ 1958. Biết đủ thì nhập 05/03/1958."
_DATE_RE = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$")


def parse_birth(text: str, today: date | None = None) -> tuple[date, bool]:
    """'1958' → (1 July 1958, True); '05/03/1958' → (5 March 1958, False); else ValueError."""
    text = (text or "").strip()
    today = today or date.today()
    if re.fullmatch(r"\d{4}", text):
        year, year_only = int(text), True
        born = date(year, 7, 1)  # domain.md convention: only the year known → 1 July
    else:
        match = _DATE_RE.match(text)
        if not match:
            raise ValueError("Nhập năm sinh (1958) hoặc ngày/tháng/năm (05/03/1958).")
        day, month, year = (int(g) for g in match.groups())
        try:
            born, year_only = date(year, month, day), False
        except ValueError:
            raise ValueError("Ngày sinh không có thật, xin kiểm tra lại.") from None
    if year < 1900 or year > today.year or (not year_only and born > today):
        raise ValueError(f"Năm sinh phải từ 1900 đến {today.year}.")
    return born, year_only


def birth_text(born: date, year_only: bool) -> str:
    """The text a volunteer would type for a stored birth date."""
    return str(born.year) if year_only else born.strftime("%d/%m/%Y")


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


class MemberForm(Form):
    """One member (nhân khẩu) row."""

    token = HiddenField()
    removed = HiddenField(default="")
    ho_ten = StringField(
        "Họ và tên",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập họ và tên."), Length(max=120)],
    )
    ngay_sinh = StringField(
        "Ngày sinh hoặc năm sinh",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập năm sinh hoặc ngày sinh.")],
    )
    gioi_tinh = SegmentField(
        "Giới tính",
        options=[(k, k, v) for k, v in GIOI_TINH.items()],
        required="Vui lòng chọn giới tính.",
    )
    # Shown as a list of QUAN_HE but free text underneath: imported files carry relations
    # outside the usual list ("Con nuôi"), and those must survive an edit.
    quan_he = StringField("Quan hệ với chủ hộ", filters=[squeeze], validators=[Length(max=40)])
    cu_tru = SegmentField(
        "Tình trạng cư trú",
        options=[(k, k, v) for k, v in CU_TRU.items()],
        default="co_mat",
        required="Vui lòng chọn tình trạng cư trú.",
    )
    vneid = SegmentField(
        "VNeID (định danh điện tử)",
        options=[(k, k, v) for k, v in VNEID.items()] + [("", None, "Chưa hỏi")],
    )

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
            parse_birth(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def to_data(self) -> dict:
        """Clean values for services.save_household."""
        born, year_only = parse_birth(self.ngay_sinh.data)
        data = {
            "token": self.token.data or None,
            "ho_ten": self.ho_ten.data,
            "birth_date": born,
            "birth_year_only": year_only,
            "gioi_tinh": self.gioi_tinh.data,
            "quan_he": self.quan_he.data or "",
            "cu_tru": self.cu_tru.data,
            "vneid": self.vneid.data,
        }
        data.update({key: self[key].data for key in PERSON_YESNO})
        return data


for _key, _label in PERSON_YESNO.items():
    setattr(MemberForm, _key, tri_field(_label))


def _phone(form, field):
    digits = re.sub(r"[\s.\-]", "", field.data or "")
    if digits and not re.fullmatch(r"\+?\d{9,12}", digits):
        raise ValidationError("Số điện thoại không đúng, ví dụ 0912345678.")


class HouseholdForm(FlaskForm):
    """The whole household page: one form, one "Lưu"."""

    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    consent = BooleanField(
        "Hộ đã đồng ý cho ghi thông tin",
        validators=[DataRequired("Cần hộ đồng ý trước khi ghi thông tin. Hãy hỏi rồi đánh dấu.")],
    )
    ma_ho = StringField(
        "Mã hộ",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập mã hộ."), Length(max=40)],
    )
    chu_ho = StringField(
        "Họ tên chủ hộ",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập họ tên chủ hộ."), Length(max=120)],
    )
    dia_chi = StringField("Địa chỉ", filters=[squeeze], validators=[Length(max=255)])
    so_dien_thoai = StringField(
        "Số điện thoại", filters=[squeeze], validators=[Length(max=20), _phone]
    )
    m = FieldList(FormField(MemberForm))

    def validate_m(self, field):
        if not any(not entry.form.is_removed for entry in field.entries):
            raise ValidationError("Hộ phải có ít nhất một thành viên. Bấm “Thêm thành viên”.")

    def live_members(self):
        """Member rows not marked removed."""
        return [entry.form for entry in self.m.entries if not entry.form.is_removed]

    def to_data(self) -> dict:
        """Clean values for services.save_household / create_household."""
        phone = re.sub(r"[\s.\-]", "", self.so_dien_thoai.data or "")
        data = {
            "consent": bool(self.consent.data),
            "ma_ho": self.ma_ho.data,
            "chu_ho": self.chu_ho.data,
            "dia_chi": self.dia_chi.data or "",
            "so_dien_thoai": phone or None,
            "members": [member.to_data() for member in self.live_members()],
        }
        data.update({key: self[key].data for key in HOUSEHOLD_YESNO})
        return data

    def error_links(self) -> list[tuple[str, str]]:
        """(field id, message) for every error, for the summary at the top of the page."""
        links = []
        if "csrf_token" in self and self.csrf_token.errors:
            links.append(("hh", "Phiên làm việc đã hết hạn, hãy bấm “Lưu” lần nữa."))
        for field in self:
            if field.name not in ("m", "csrf_token", "version"):
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
    keys = ("ma_ho", "chu_ho", "dia_chi", *HOUSEHOLD_YESNO)
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
