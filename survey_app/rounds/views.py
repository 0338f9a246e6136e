"""Rounds: the commune opens and ends them; everyone sees progress; heads sign their village off."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from household_forms.accounts import EmptyForm
from household_forms.rounds import RoundForm
from survey_app.access import (
    by_token,
    get_commune_or_404,
    get_village_or_404,
    roles_required,
    visible_villages_stmt,
)
from survey_app.accounts.models import STAFF, VILLAGE_HEAD
from survey_app.extensions import db
from survey_app.rounds import services
from survey_app.rounds.models import SurveyRound
from survey_app.timeutil import vn_today
from survey_app.transactions import attempt, attempt_value

bp = Blueprint("rounds", __name__)


@bp.route("/bao-cao/xa/<commune_token>/dot-khao-sat", methods=["GET", "POST"])
@roles_required(*STAFF)
def index(commune_token):
    commune = get_commune_or_404(commune_token)
    form = RoundForm()
    if not form.is_submitted():
        today = vn_today()
        form.name.data = f"Đợt khảo sát năm {today.year}"
        form.starts_on.data = today
    if form.validate_on_submit():
        found = attempt_value(
            lambda: services.open_round(
                current_user, commune, form.name.data, form.starts_on.data, form.ends_on.data
            ),
            form.ends_on,
        )
        if found is not None:
            return redirect(url_for("rounds.detail", round_token=found.token))
    return render_template(
        "rounds/index.html", commune=commune, form=form, rounds=services.rounds_of(commune)
    )


def _round_or_404(token: str) -> SurveyRound:
    """A round of a commune the user works in (404 for others, as for any record)."""
    found = by_token(SurveyRound, token)
    if found is None:
        abort(404)
    get_commune_or_404(found.commune.token)
    return found


@bp.get("/dot-khao-sat/<round_token>")
@login_required
def detail(round_token):
    found = _round_or_404(round_token)
    villages = [
        v for v in db.session.scalars(visible_villages_stmt(current_user))
        if v.commune_id == found.commune_id
    ]  # fmt: skip
    staff = current_user.role in STAFF
    return render_template(
        "rounds/detail.html",
        round=found,
        rows=services.progress(found, villages),
        volunteers=services.by_volunteer(found) if staff else [],
        staff=staff,
        is_head=current_user.role == VILLAGE_HEAD,
        form=EmptyForm(),
    )


@bp.post("/dot-khao-sat/<round_token>/ket-thuc")
@roles_required(*STAFF)
def close(round_token):
    found = _round_or_404(round_token)
    if EmptyForm().validate_on_submit() and attempt(
        lambda: services.close_round(current_user, found)
    ):
        flash("Đã kết thúc đợt khảo sát.", "success")
    return redirect(url_for("rounds.detail", round_token=found.token))


@bp.post("/dot-khao-sat/<round_token>/thon/<village_token>/xac-nhan")
@roles_required(VILLAGE_HEAD)
def sign_off(round_token, village_token):
    done = "Đã xác nhận {} hoàn thành đợt khảo sát."
    return _village_step(round_token, village_token, services.sign_off, done)


@bp.post("/dot-khao-sat/<round_token>/thon/<village_token>/mo-lai")
@roles_required(*STAFF)
def reopen(round_token, village_token):
    return _village_step(
        round_token, village_token, services.reopen, "Đã mở lại {} trong đợt khảo sát."
    )


def _village_step(round_token, village_token, step, done: str):
    """Sign a village off or reopen it: a village of the round's commune the user may see."""
    found = _round_or_404(round_token)
    village = get_village_or_404(village_token)
    if village.commune_id != found.commune_id:
        abort(404)
    if EmptyForm().validate_on_submit() and attempt(lambda: step(current_user, found, village)):
        flash(done.format(village.name), "success")
    return redirect(url_for("rounds.detail", round_token=found.token))
