"""Forms of the commune officer's pages: villages and users."""

import secrets

from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from household_forms.base import VnForm
from survey_app.accounts.models import COMMUNE_OFFICER, ROLE_LABELS, VILLAGE_HEAD, VOLUNTEER
from survey_app.text import squeeze


def options(pairs) -> list[SelectChoice]:
    """Choices for a select, radio or checkbox field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


ROLE_CHOICES = options(
    (role, ROLE_LABELS[role]) for role in (VOLUNTEER, VILLAGE_HEAD, COMMUNE_OFFICER)
)
# Letters and digits that cannot be confused when read aloud or copied from paper (no 0/O, 1/l).
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def suggest_password() -> str:
    """A random 10-character password that is easy to read out to a volunteer."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _digits(value):
    return "".join(value.split()) if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """Several choices as big checkboxes instead of a multi-select list."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VillageForm(VnForm):
    name = StringField(
        "Tên thôn",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập tên thôn."), Length(max=120)],
    )


class MergeVillageForm(VnForm):
    target = SelectField(
        "Gộp vào thôn", choices=[], validators=[DataRequired("Vui lòng chọn thôn nhận.")]
    )
    # Empty on the first post (the page then shows what would move); "1" once confirmed.
    confirmed = HiddenField()


class VillageMembersForm(VnForm):
    users = CheckboxesField("Trưởng thôn và thành viên Tổ công nghệ số", choices=[])


PASSWORD_VALIDATORS = [
    InputRequired("Vui lòng nhập mật khẩu."),
    Length(min=8, max=128, message="Mật khẩu phải có từ 8 đến 128 ký tự."),
]


class UserForm(VnForm):
    full_name = StringField(
        "Họ và tên",
        filters=[squeeze],
        validators=[DataRequired("Vui lòng nhập họ và tên."), Length(max=120)],
    )
    phone = TelField(
        "Số điện thoại",
        filters=[_digits],
        validators=[
            Optional(),
            Regexp(r"^\+?[0-9]{9,15}$", message="Số điện thoại chỉ gồm 9–15 chữ số."),
        ],
    )
    role = RadioField(
        "Vai trò",
        choices=ROLE_CHOICES,
        default=VOLUNTEER,
        validators=[InputRequired("Vui lòng chọn vai trò.")],
    )
    villages = CheckboxesField("Thôn phụ trách", choices=[])


class NewUserForm(UserForm):
    username = StringField(
        "Tên đăng nhập",
        filters=[_lower],
        validators=[
            DataRequired("Vui lòng nhập tên đăng nhập."),
            Length(min=3, max=64, message="Tên đăng nhập có từ 3 đến 64 ký tự."),
            Regexp(
                r"^[a-z0-9._-]+$",
                message="Chỉ dùng chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới.",
            ),
        ],
    )
    password = StringField("Mật khẩu ban đầu", validators=PASSWORD_VALIDATORS)


class PasswordForm(VnForm):
    password = StringField("Mật khẩu mới", validators=PASSWORD_VALIDATORS)
