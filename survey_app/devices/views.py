"""Staff's devices page (who is signed in where, sign a device out, sign-in QR codes) and the
public page a sign-in QR opens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from household_forms.accounts import EmptyForm
from survey_app.access import roles_required
from survey_app.accounts import throttle
from survey_app.accounts.models import ADMIN, COMMUNE_OFFICER, VILLAGE_HEAD, User
from survey_app.accounts.views import sign_in
from survey_app.devices import scope, sessions, signin_codes
from survey_app.devices.models import SignInCode, UserSession
from survey_app.extensions import db
from survey_app.timeutil import utcnow
from survey_app.transactions import refuse

bp = Blueprint("devices", __name__)
staff = roles_required(ADMIN, COMMUNE_OFFICER, VILLAGE_HEAD)


def _person_or_404(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not scope.in_charge(current_user, user):
        abort(404)
    return user


def _code_or_404(token: str) -> SignInCode:
    code = db.session.scalar(select(SignInCode).where(SignInCode.token == token))
    if code is None or not scope.in_charge(current_user, code.user):
        abort(404)
    return code


@bp.get("/thiet-bi")
@staff
def index():
    """Each person the user looks after, their signed-in devices and pending sign-in QR."""
    people = db.session.scalars(scope.people_stmt(current_user)).all()
    live = sessions.live_for([p.id for p in people])
    by_user = {p.id: [s for s in live if s.user_id == p.id] for p in people}
    return render_template("devices/index.html", people=people, devices=by_user, form=EmptyForm())


@bp.post("/thiet-bi/<username>/ma-qr")
@staff
def issue_code(username):
    volunteer = _person_or_404(username)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        code = signin_codes.issue(current_user, volunteer)
    except signin_codes.CodeError as exc:
        refuse()
        flash(str(exc), "error")
        return redirect(url_for("devices.index"))
    return redirect(url_for("devices.code", code_token=code.token))


@bp.get("/thiet-bi/ma-qr/<code_token>")
@staff
def code(code_token):
    """The QR to show the volunteer's phone, while it can still be used."""
    found = _code_or_404(code_token)
    return render_template(
        "devices/code.html", code=found, usable=found.usable(utcnow()), form=EmptyForm()
    )


@bp.get("/thiet-bi/ma-qr/<code_token>.png")
@staff
def code_png(code_token):
    found = _code_or_404(code_token)
    if not found.usable(utcnow()):
        abort(404)
    png = signin_codes.qr_png(signin_codes.signin_url(found))
    # The picture is a key: no cache keeps it.
    return png, 200, {"Content-Type": "image/png", "Cache-Control": "no-store"}


@bp.post("/thiet-bi/ma-qr/<code_token>/thu-hoi")
@staff
def revoke_code(code_token):
    found = _code_or_404(code_token)
    if EmptyForm().validate_on_submit():
        signin_codes.revoke(current_user, found)
        flash("Đã thu hồi mã QR đăng nhập.", "info")
    return redirect(url_for("devices.index"))


@bp.post("/thiet-bi/phien/<session_token>/dang-xuat")
@staff
def sign_out(session_token):
    """End one device's session: it is signed out at its next request."""
    row = db.session.scalar(select(UserSession).where(UserSession.token == session_token))
    if row is None or not scope.in_charge(current_user, row.user):
        abort(404)
    if EmptyForm().validate_on_submit():
        sessions.end(current_user, row, "signed_out_by_staff")
        flash(f"Đã đăng xuất {row.device} của {row.user.display_name}.", "info")
    return redirect(url_for("devices.index"))


@bp.route("/dang-nhap/qr/<secret>", methods=["GET", "POST"])
def qr_signin(secret):
    """Landing page of a sign-in QR: who it signs in; the button spends the code."""
    found = signin_codes.find(secret)
    if found is None or not found.usable(utcnow()):
        throttle.mark_failed()
        return render_template("devices/qr_signin.html", error=signin_codes.UNUSABLE), 410
    form = EmptyForm()
    if form.validate_on_submit():
        return _redeem(secret)
    return render_template("devices/qr_signin.html", code=found, form=form)


def _redeem(secret: str):
    try:
        found = signin_codes.redeem(secret)
    except signin_codes.CodeError as exc:
        refuse()
        throttle.mark_failed()
        return render_template("devices/qr_signin.html", error=str(exc)), 410
    if current_user.is_authenticated:  # a phone handed on: the previous sign-in ends here
        sessions.end(current_user, current_user.session, "replaced")
    sign_in(found.user, True, "qr", code=found.token)
    signin_codes.attach(found, found.user.session.id)
    flash(f"Đã đăng nhập: {found.user.display_name}.", "info")
    return redirect(url_for("households.my_villages"))
