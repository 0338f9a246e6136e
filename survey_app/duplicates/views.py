"""The officer's "Người trùng" page: likely duplicate people, merged field by field or marked
"không trùng"; a merge can be undone from the same page."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from household_forms.accounts import EmptyForm
from survey_app.access import get_person_or_404, roles_required, staff_commune
from survey_app.accounts.models import STAFF
from survey_app.admin.picker import pick_commune
from survey_app.duplicates import services
from survey_app.operations import services as operations
from survey_app.operations.models import MERGE_PEOPLE
from survey_app.transactions import attempt, attempt_value

bp = Blueprint("duplicates", __name__, url_prefix="/quan-ly/nguoi-trung")


@bp.get("/")
@roles_required(*STAFF)
def index():
    commune = staff_commune()
    if commune is None:
        return pick_commune("duplicates.index")
    merges = [op for op in operations.operations_for(current_user, MERGE_PEOPLE)
              if op.commune_id == commune.id]  # fmt: skip
    return render_template(
        "duplicates/index.html",
        commune=commune,
        pairs=services.likely_duplicates(commune),
        merges=merges,
        undo_blocked={op.token: operations.blocker(op) for op in merges},
    )


def _pair_or_404(first_token: str, second_token: str):
    first, second = get_person_or_404(first_token), get_person_or_404(second_token)
    if first.household.commune_id != second.household.commune_id:
        abort(404)
    return first, second


def _back(first):
    return redirect(url_for("duplicates.index", xa=first.household.commune.token))


@bp.get("/<first_token>/<second_token>/")
@roles_required(*STAFF)
def compare(first_token, second_token):
    """The two side by side; the officer picks, field by field, which value the kept one has."""
    first, second = _pair_or_404(first_token, second_token)
    pair = services.Pair(first, second)
    return render_template(
        "duplicates/compare.html", pair=pair, rows=services.choices(pair), form=EmptyForm()
    )


@bp.post("/<first_token>/<second_token>/gop")
@roles_required(*STAFF)
def merge(first_token, second_token):
    first, second = _pair_or_404(first_token, second_token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    keep, other = (second, first) if request.form.get("giu") == "second" else (first, second)
    # Each field: "first" or "second" — whose value the kept person ends up with.
    take_other = {
        name
        for name in services.FIELDS
        if request.form.get(f"chon-{name}") in ("first", "second")
        and request.form.get(f"chon-{name}") != ("second" if keep is second else "first")
    }
    token = attempt_value(lambda: services.merge(current_user, keep, other, take_other))
    if token is not None:
        flash(
            f"Đã gộp: giữ {keep.ho_ten} (hộ {keep.household.ma_ho}), xóa bản trùng ở hộ "
            f"{other.household.ma_ho}. Có thể hoàn tác ở trang này.",
            "success",
        )
    return _back(first)


@bp.post("/<first_token>/<second_token>/khong-trung")
@roles_required(*STAFF)
def not_duplicates(first_token, second_token):
    first, second = _pair_or_404(first_token, second_token)
    if EmptyForm().validate_on_submit() and attempt(
        lambda: services.not_duplicates(current_user, first, second)
    ):
        flash(f"Đã ghi: {first.ho_ten} và {second.ho_ten} là hai người khác nhau.", "success")
    return _back(first)
