"""Opening a survey round: its name and dates."""

from wtforms import DateField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from household_forms.base import VnForm


class RoundForm(VnForm):
    name = StringField(
        "Tên đợt",
        validators=[DataRequired("Nhập tên đợt, ví dụ Đợt khảo sát năm 2026."), Length(max=120)],
    )
    starts_on = DateField("Ngày bắt đầu", validators=[InputRequired("Chọn ngày bắt đầu.")])
    ends_on = DateField("Ngày kết thúc", validators=[InputRequired("Chọn ngày kết thúc.")])
