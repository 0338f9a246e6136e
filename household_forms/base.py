"""WTForms in Vietnamese: the library ships no Vietnamese, so its built-in messages (a choice that
is not in the list, a number that is not a number...) are translated here, once, for every form.

Forms derive from VnForm (Flask-WTF, with CSRF) or VnSubForm (rows inside a form). Both also
refuse control characters in every text field (rules.check_control), so no page can store NUL
or ESC, whatever validators a field was given."""

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from flask_wtf.form import _Auto  # the "read the request" default, to tell it from given data
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Form, PasswordField, StringField
from wtforms.validators import StopValidation

from household_forms import rules

MESSAGES = {
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Lựa chọn không hợp lệ.",
    "This field is required.": "Vui lòng điền mục này.",
    "Not a valid date value.": "Ngày không đúng dạng.",
    "Not a valid datetime value.": "Ngày giờ không đúng dạng.",
    "Not a valid integer value.": "Phải là số nguyên.",
    "Not a valid float value.": "Phải là số.",
    "Not a valid decimal value.": "Phải là số.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải từ %(max)s trở xuống.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Field must be equal to %(other_name)s.": "Phải giống ô %(other_name)s.",
    "Field must be at least %(min)d character long.": "Cần ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Dài quá %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Dài quá %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Cần từ %(min)d đến %(max)d ký tự."
    ),
    "File does not have an approved extension.": "Loại tệp này không được nhận.",
    "The CSRF token is missing.": "Phiên làm việc đã hết hạn, hãy thử lại.",
    "The CSRF token has expired.": "Phiên làm việc đã hết hạn, hãy thử lại.",
    "The CSRF token is invalid.": "Phiên làm việc đã hết hạn, hãy thử lại.",
    "The CSRF tokens do not match.": "Phiên làm việc đã hết hạn, hãy thử lại.",
}


class Vietnamese:
    """The translations object WTForms asks for (gettext / ngettext)."""

    def gettext(self, string):
        return MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


VIETNAMESE = Vietnamese()


def _no_control(form, field) -> None:
    try:
        rules.check_control(field.data if isinstance(field.data, str) else None)
    except rules.RuleError as exc:
        raise StopValidation(str(exc)) from None


class VnMeta:
    """Vietnamese messages, and the control-character rule first on every text field."""

    def get_translations(self, form):
        return VIETNAMESE

    def bind_field(self, form, unbound_field, options):
        field = unbound_field.bind(form=form, **options)
        # Passwords are hashed, never shown or exported; refusing there could lock someone out.
        if isinstance(field, StringField) and not isinstance(field, PasswordField):
            field.validators = [_no_control, *field.validators]
        return field


class VnForm(FlaskForm):
    class Meta(VnMeta):
        pass

        def wrap_formdata(self, form, formdata):
            """Posted fields as text only: a JSON body gives its text values (not a crash on a
            list or a number), an upload reaches file fields only (not a text field's code)."""
            if formdata is _Auto and form.is_submitted() and request.is_json:
                return _text_fields(request.get_json())
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            files, fields = data.dicts
            uploads = {f.name for f in form if isinstance(f, FileField)}
            kept = [(name, file) for name, file in files.items(multi=True) if name in uploads]
            return CombinedMultiDict((MultiDict(kept), fields))


def _text_fields(body) -> MultiDict:
    """The text values of a JSON object, a list of texts as several values of one name."""
    pairs: list[tuple[str, str]] = []
    for name, value in (body if isinstance(body, dict) else {}).items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((name, v) for v in values if isinstance(v, str))
    return MultiDict(pairs)


class VnSubForm(Form):
    class Meta(VnMeta):
        pass
