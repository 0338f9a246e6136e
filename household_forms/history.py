"""The "Khôi phục" button of a household's history: which value of which row to put back."""

from wtforms import HiddenField, IntegerField
from wtforms.validators import AnyOf, DataRequired, InputRequired

from household_forms.base import VnForm


class RestoreForm(VnForm):
    kind = HiddenField(validators=[AnyOf(("household", "person"), "Không rõ mục cần khôi phục.")])
    version_id = IntegerField(validators=[InputRequired("Không rõ giá trị cần khôi phục.")])
    field = HiddenField(validators=[DataRequired("Không rõ mục cần khôi phục.")])
