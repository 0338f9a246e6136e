"""Sign-in form."""

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from household_forms.base import VnForm


class LoginForm(VnForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[DataRequired("Vui lòng nhập tên đăng nhập."), Length(max=64)],
    )
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])
    remember = BooleanField("Ghi nhớ trên máy này", default=True)


class EmptyForm(VnForm):
    """Carries only the CSRF token, for POST buttons (logout, delete...)."""
