"""The audit log's filter: person, action, date range (a GET form: it changes nothing)."""

from wtforms import DateField, SelectField, ValidationError
from wtforms.validators import Optional

from household_forms.base import VnSubForm


class AuditFilterForm(VnSubForm):
    """Read from the query string; choices are filled by the view from the commune's log."""

    nguoi = SelectField("Người thực hiện", choices=[], validators=[Optional()])
    hanh_dong = SelectField("Hành động", choices=[], validators=[Optional()])
    tu = DateField("Từ ngày", validators=[Optional()])
    den = DateField("Đến ngày", validators=[Optional()])

    def validate_den(self, field):
        if field.data and self.tu.data and field.data < self.tu.data:
            raise ValidationError("Ngày kết thúc phải sau ngày bắt đầu.")

    def set_choices(self, users, actions, label) -> None:
        """Fill the lists: everyone first, then the commune's users and logged actions."""
        self.nguoi.choices = [("", "Tất cả")] + [(str(u.id), u.display_name) for u in users]
        self.hanh_dong.choices = [("", "Tất cả")] + [(a, label(a)) for a in actions]
