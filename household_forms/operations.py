"""Small forms of safe data operations: confirm a preview, remove or restore, mark people."""

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from household_forms.base import VnForm


class ConfirmImportForm(VnForm):
    """Import what the preview showed: its digest proves which preview the officer read."""

    digest = HiddenField(validators=[DataRequired("Không rõ bản xem trước nào được xác nhận.")])


class RemoveForm(VnForm):
    """Remove a household or a person: kept in history with the reason, out of every count."""

    reason = StringField(
        "Lý do xóa",
        validators=[
            DataRequired("Hãy ghi lý do xóa (ví dụ: hộ mẫu nhập nhầm, nhập trùng)."),
            Length(max=200, message="Lý do dài tối đa 200 ký tự."),
        ],
    )
