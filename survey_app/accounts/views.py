"""Sign in and out."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from household_forms.accounts import EmptyForm, LoginForm
from survey_app.accounts.models import User
from survey_app.extensions import db, login_manager
from survey_app.timeutil import utcnow

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def _safe_next(target: str | None) -> str | None:
    """Only follow relative redirects, never to another host."""
    if target and urlsplit(target).netloc == "" and target.startswith("/"):
        return target
    return None


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.username) == username))
        if user is None or not user.active or not user.check_password(form.password.data):
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
        else:
            user.last_login_at = utcnow()
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("index"))
    return render_template("auth/login.html", form=form)


@bp.post("/dang-xuat")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        logout_user()
        flash("Đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))
