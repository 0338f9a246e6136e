"""Sign in and out. Each sign-in is a server-side session row (survey_app/devices/sessions.py)."""

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from household_forms.accounts import EmptyForm, LoginForm
from survey_app import audit
from survey_app.accounts import throttle
from survey_app.accounts.models import User
from survey_app.devices import sessions
from survey_app.extensions import db, login_manager
from survey_app.timeutil import utcnow

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(secret: str) -> User | None:
    return sessions.load(secret)


def _safe_next(target: str | None) -> str | None:
    """Only follow relative redirects, never to another host."""
    if target and urlsplit(target).netloc == "" and target.startswith("/"):
        return target
    return None


def sign_in(user: User, remember: bool, via: str, **details) -> None:
    """Start a fresh session for ``user``: new cookie, new CSRF token, audit row."""
    # Rotate: nothing of the signed-out cookie (its CSRF token, a planted value) carries over.
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the old token for this request
    sessions.start(user, remember, request.headers.get("User-Agent", ""), via=via)
    user.last_login_at = utcnow()
    audit.record(user, "login", "user", str(user.id), username=user.username, via=via, **details)
    db.session.flush()
    login_user(user, remember=remember, duration=sessions.lifetime(remember))


def _check(username: str, password: str) -> User | None:
    """The active user with these credentials; the same hashing work when the name is unknown."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if user is None:
        throttle.check_unknown(password)
        return None
    return user if user.check_password(password) and user.active else None


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    form = LoginForm()
    if request.method == "POST" and not form.validate():
        throttle.mark_failed()
    elif request.method == "POST":
        user = _check(form.username.data.strip(), form.password.data)
        if user is not None:
            target = _safe_next(request.args.get("next"))
            sign_in(user, bool(form.remember.data), "password")
            return redirect(target or url_for("index"))
        throttle.mark_failed()
        # The name as typed (never the password) tells staff who is being guessed at.
        audit.record(None, "login_failed", "user", "", username=form.username.data[:64])
        form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
    return render_template("auth/login.html", form=form)


@bp.post("/dang-xuat")
@login_required
def logout():
    if EmptyForm().validate_on_submit():
        sessions.end(current_user, current_user.session, "logout")
        logout_user()
        flash("Đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


@bp.post("/dang-xuat/moi-thiet-bi")
@login_required
def logout_everywhere():
    """Sign this user out on every device, this one included."""
    if EmptyForm().validate_on_submit():
        sessions.end_all(current_user, current_user, "logout_all")
        logout_user()
        flash("Đã đăng xuất trên mọi thiết bị.", "info")
    return redirect(url_for("accounts.login"))
