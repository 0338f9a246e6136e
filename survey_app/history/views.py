"""A household's record page for staff: its "Lịch sử thay đổi", the officer's "Khôi phục" of
an old value, and removing or restoring the household or one of its members (soft: see
households/removal.py). Nothing here edits or deletes the history itself."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from household_forms.accounts import EmptyForm
from household_forms.history import RestoreForm
from household_forms.operations import RemoveForm
from survey_app.access import get_household_or_404, get_person_or_404, roles_required
from survey_app.accounts.models import STAFF
from survey_app.extensions import db
from survey_app.history import services
from survey_app.history.changes import history_of
from survey_app.households import removal
from survey_app.places.models import Village
from survey_app.transactions import attempt

bp = Blueprint("history", __name__)


@bp.get("/ho/<household_token>/lich-su")
@login_required
def household(household_token):
    household = get_household_or_404(household_token, removed_ok=current_user.role in STAFF)
    villages = dict(
        db.session.execute(
            select(Village.id, Village.name).where(Village.commune_id == household.commune_id)
        ).all()
    )
    may_restore = current_user.role in STAFF
    return render_template(
        "history/household.html",
        household=household,
        entries=history_of(household, villages),
        may_restore=may_restore,
        form=RestoreForm() if may_restore else None,
        remove_form=RemoveForm(formdata=None) if may_restore else None,
    )


@bp.post("/ho/<household_token>/lich-su/khoi-phuc")
@roles_required(*STAFF)
def restore(household_token):
    household = get_household_or_404(household_token, removed_ok=True)
    form = RestoreForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    elif attempt(
        lambda: services.restore_value(
            current_user, household, form.kind.data, form.version_id.data, form.field.data
        )
    ):
        flash("Đã khôi phục giá trị cũ (ghi thành một thay đổi mới trong lịch sử).", "success")
    return redirect(url_for("history.household", household_token=household.token))


def _removal(household, change, done: str, reason: bool = False):
    """Run one removal or restore (``change(reason)`` or ``change()``) from its form; say what
    happened; back to the household's history page."""
    form = RemoveForm() if reason else EmptyForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    elif attempt(lambda: change(form.reason.data) if reason else change()):
        flash(done, "success")
    return redirect(url_for("history.household", household_token=household.token))


@bp.post("/ho/<household_token>/xoa")
@roles_required(*STAFF)
def remove_household(household_token):
    household = get_household_or_404(household_token, removed_ok=True)
    return _removal(
        household,
        lambda why: removal.remove_household(current_user, household, why),
        f"Đã xóa hộ {household.ma_ho}: không còn được tính và không còn trong danh sách. "
        "Có thể khôi phục ở trang này.",
        reason=True,
    )


@bp.post("/ho/<household_token>/khoi-phuc-ho")
@roles_required(*STAFF)
def restore_household(household_token):
    household = get_household_or_404(household_token, removed_ok=True)
    return _removal(
        household,
        lambda: removal.restore_household(current_user, household),
        f"Đã khôi phục hộ {household.ma_ho}.",
    )


@bp.post("/ho/<household_token>/nguoi/<person_token>/xoa")
@roles_required(*STAFF)
def remove_person(household_token, person_token):
    household, person = _member_or_404(household_token, person_token)
    return _removal(
        household,
        lambda why: removal.remove_person(current_user, person, why),
        f"Đã xóa {person.ho_ten} khỏi hộ. Có thể khôi phục ở trang này.",
        reason=True,
    )


@bp.post("/ho/<household_token>/nguoi/<person_token>/khoi-phuc")
@roles_required(*STAFF)
def restore_person(household_token, person_token):
    household, person = _member_or_404(household_token, person_token)
    return _removal(
        household,
        lambda: removal.restore_person(current_user, person),
        f"Đã khôi phục {person.ho_ten}.",
    )


def _member_or_404(household_token, person_token):
    household = get_household_or_404(household_token, removed_ok=True)
    person = get_person_or_404(person_token, removed_ok=True)
    if person.household_id != household.id:
        abort(404)
    return household, person
