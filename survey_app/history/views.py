"""A household's "Lịch sử thay đổi" and the officer's "Khôi phục". History has no other route:
nothing in the app edits or deletes it."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from household_forms.history import RestoreForm
from survey_app.access import get_household_or_404, roles_required
from survey_app.accounts.models import STAFF
from survey_app.extensions import db
from survey_app.history import services
from survey_app.history.changes import history_of
from survey_app.places.models import Village
from survey_app.transactions import attempt

bp = Blueprint("history", __name__)


@bp.get("/ho/<household_token>/lich-su")
@login_required
def household(household_token):
    household = get_household_or_404(household_token)
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
    )


@bp.post("/ho/<household_token>/lich-su/khoi-phuc")
@roles_required(*STAFF)
def restore(household_token):
    household = get_household_or_404(household_token)
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
