"""The export page's form: criteria set, year or as-of date, scope, format and options."""

from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange, Optional

from aggregation import criteria_sets
from household_forms.base import VnForm
from survey_app.timeutil import vn_today

FORMAT_CHOICES = [
    SelectChoice("xlsx", "Excel (.xlsx)"),
    SelectChoice("pdf", "PDF để in"),
    SelectChoice("csv", "CSV (.zip)"),
    SelectChoice("docx", "Báo cáo Word"),
]
WHOLE_COMMUNE = ""


class ExportForm(VnForm):
    criteria = SelectField("Bộ tiêu chí", validators=[InputRequired("Chọn bộ tiêu chí.")])
    year = IntegerField(
        "Năm báo cáo",
        validators=[
            InputRequired("Nhập năm báo cáo, ví dụ 2025."),
            NumberRange(2000, 2100, "Năm từ 2000 đến 2100."),
        ],
    )
    as_of = DateField("Ngày chốt số liệu", validators=[Optional()])
    # Scope choices are checked against the user's places in the view (404 for others' villages),
    # not here, so a forged village token is refused like any record outside one's places.
    scope = SelectField("Phạm vi", validate_choice=False)
    fmt = RadioField("Định dạng tệp", choices=FORMAT_CHOICES, default="xlsx")
    complement = BooleanField("Kèm danh sách chưa đạt / cần hỗ trợ")
    full_data = BooleanField("Hiện đầy đủ số điện thoại (việc này được ghi vào nhật ký)")

    def fill_choices(self, preferred: list[str], villages, whole_commune: bool) -> None:
        """Criteria sets (the commune's own first) and the scopes this user may export."""
        sets = criteria_sets()
        order = [c for c in preferred if c in sets] + sorted(c for c in sets if c not in preferred)
        self.criteria.choices = [SelectChoice(c, f"{sets[c].name} ({c})") for c in order]
        scopes = [SelectChoice(WHOLE_COMMUNE, "Toàn xã")] if whole_commune else []
        self.scope.choices = scopes + [SelectChoice(v.token, v.name) for v in villages]
        if not self.is_submitted():
            self.criteria.data = order[0] if order else None
            self.year.data = self.year.data or vn_today().year
            self.scope.data = self.scope.choices[0].value if self.scope.choices else ""

    def as_of_error(self) -> str | None:
        """An as-of date far from the report year is most likely a typing mistake."""
        if self.as_of.data and abs(self.as_of.data.year - self.year.data) > 1:
            return "Ngày chốt số liệu phải thuộc năm báo cáo hoặc liền kề."
        return None
