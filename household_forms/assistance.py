"""Forms of the help and training-class pages."""

from datetime import date, datetime

from wtforms import SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from household_forms.admin import CheckboxesField
from household_forms.base import VnForm
from household_forms.query import whole_number
from survey_app.assistance.models import HELP_KINDS, NOTE_MAX
from survey_app.text import squeeze
from survey_app.timeutil import vn_today

DATE_HINT = "Gõ ngày/tháng/năm, ví dụ 05/03/2026."


def parse_day(text: str) -> date:
    """'5/3/2026', '05/03/2026', '05-03-2026' or '05.03.2026' → date; ValueError otherwise."""
    cleaned = (text or "").strip().replace("-", "/").replace(".", "/")
    parts = cleaned.split("/")
    if len(parts) != 3 or any(whole_number(p) is None for p in parts) or len(parts[2]) != 4:
        raise ValueError(cleaned)
    return datetime.strptime(cleaned, "%d/%m/%Y").date()


class HelpForm(VnForm):
    kinds = CheckboxesField(
        "Đã hỗ trợ việc gì?",
        choices=[SelectChoice(key, label) for key, label in HELP_KINDS.items()],
        validators=[DataRequired("Hãy chọn ít nhất một việc đã hỗ trợ.")],
    )
    note = TextAreaField(
        "Ghi chú (không bắt buộc)",
        filters=[squeeze],
        validators=[Optional(), Length(max=NOTE_MAX, message=f"Tối đa {NOTE_MAX} ký tự.")],
    )


class ClassForm(VnForm):
    held_on = StringField(
        "Ngày tập huấn", validators=[DataRequired("Vui lòng nhập ngày tập huấn.")]
    )
    place = StringField(
        "Địa điểm",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập địa điểm."), Length(max=200)],
    )
    topic = TextAreaField(
        "Nội dung, chủ đề",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập nội dung tập huấn."), Length(max=300)],
    )

    def validate_held_on(self, field):
        try:
            day = parse_day(field.data)
        except ValueError:
            raise ValidationError(
                "Ngày chưa đúng. Hãy gõ theo dạng ngày/tháng/năm, ví dụ 05/03/2026."
            ) from None
        if not 2000 <= day.year <= vn_today().year + 1:
            raise ValidationError("Năm của ngày tập huấn chưa đúng. Hãy kiểm tra lại.")
        field.day = day
