"""Commune officers manage the villages and users of their commune; admins those of any commune."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from household_forms.accounts import EmptyForm
from household_forms.admin import (
    MergeVillageForm,
    NewUserForm,
    PasswordForm,
    UserForm,
    VillageForm,
    VillageMembersForm,
    options,
    suggest_password,
)
from survey_app.access import (
    commune_ids_stmt,
    get_commune_or_404,
    get_village_or_404,
    roles_required,
)
from survey_app.accounts import services as accounts
from survey_app.accounts.models import ADMIN, COMMUNE_OFFICER, STAFF, User
from survey_app.admin import services as q
from survey_app.admin.picker import pick_commune
from survey_app.extensions import db
from survey_app.operations import services as operations
from survey_app.operations.models import MERGE_VILLAGE
from survey_app.places import services as places
from survey_app.transactions import attempt, attempt_value

bp = Blueprint("admin", __name__, url_prefix="/quan-ly")
manage = roles_required(*STAFF)


# ---- helpers -------------------------------------------------------------------------------


def _commune_from_query():
    """The commune being managed: ?xa=<token> when given (404 outside the user's), else own."""
    token = request.args.get("xa")
    if token:
        return get_commune_or_404(token)
    return current_user.commune if current_user.role == COMMUNE_OFFICER else None


def _scope(commune) -> dict:
    """URL arguments that keep an admin in the commune they picked."""
    return {"xa": commune.token} if current_user.role == ADMIN else {}


def _get_user_or_404(username: str) -> User:
    """A non-admin user of a commune the current user manages, else 404."""
    user = db.session.scalar(
        select(User).where(
            User.username == username,
            User.role != ADMIN,
            User.commune_id.in_(commune_ids_stmt(current_user)),
        )
    )
    if user is None:
        abort(404)
    return user


# ---- villages --------------------------------------------------------------------------------


@bp.route("/thon", methods=["GET", "POST"])
@manage
def villages():
    commune = _commune_from_query()
    if commune is None:
        return pick_commune("admin.villages")
    form = VillageForm()
    if form.validate_on_submit() and attempt(
        lambda: places.add_village(current_user, commune, form.name.data), form.name
    ):
        flash(f"Đã thêm thôn {form.name.data}.", "success")
        return redirect(url_for("admin.villages", **_scope(commune)))
    merges = [
        op for op in operations.operations_for(current_user, MERGE_VILLAGE)
        if op.commune_id == commune.id
    ]  # fmt: skip
    return render_template(
        "admin/villages.html",
        commune=commune,
        form=form,
        rows=q.village_rows(commune),
        scope=_scope(commune),
        merges=merges,
        undo_blocked={op.token: operations.blocker(op) for op in merges},
    )


@bp.get("/thon/<village_token>")
@manage
def village(village_token):
    return _village_page(get_village_or_404(village_token))


def _village_page(village, rename=None, members=None, merge=None):
    staff = q.field_staff(village.commune)
    members = members or VillageMembersForm(
        formdata=None, users=[u.username for u in staff if village in u.villages]
    )
    members.users.choices = options(
        [(u.username, f"{u.display_name} – {u.role_label}") for u in staff]
    )
    merge = merge or MergeVillageForm(formdata=None)
    merge.target.choices = _merge_choices(village)
    return render_template(
        "admin/village.html",
        village=village,
        commune=village.commune,
        rename=rename or VillageForm(formdata=None, name=village.name),
        members=members,
        merge=merge,
        confirm=EmptyForm(),
        scope=_scope(village.commune),
    )


def _merge_choices(village):
    others = [v for v in q.active_villages(village.commune) if v.id != village.id]
    return options([("", "— Chọn thôn —")] + [(v.token, v.name) for v in others])


@bp.post("/thon/<village_token>/doi-ten")
@manage
def village_rename(village_token):
    village = get_village_or_404(village_token)
    form = VillageForm()
    old = village.name
    if form.validate_on_submit() and attempt(
        lambda: places.rename_village(current_user, village, form.name.data), form.name
    ):
        flash(f"Đã đổi tên {old} thành {village.name}.", "success")
        return redirect(url_for("admin.village", village_token=village_token))
    return _village_page(village, rename=form)


@bp.post("/thon/<village_token>/phan-cong")
@manage
def village_members(village_token):
    village = get_village_or_404(village_token)
    staff = q.field_staff(village.commune)
    form = VillageMembersForm()
    form.users.choices = options([(u.username, u.username) for u in staff])
    if form.validate_on_submit():
        chosen = [u for u in staff if u.username in (form.users.data or [])]
        if attempt(lambda: accounts.set_village_members(current_user, village, chosen)):
            flash(f"Đã lưu phân công của {village.name}.", "success")
            return redirect(url_for("admin.village", village_token=village_token))
    return _village_page(village, members=form)


@bp.post("/thon/<village_token>/gop")
@manage
def village_merge(village_token):
    village = get_village_or_404(village_token)
    form = MergeVillageForm()
    form.target.choices = _merge_choices(village)
    if form.validate_on_submit():
        target = get_village_or_404(form.target.data)
        if form.confirmed.data != "1":
            return render_template(
                "admin/merge_confirm.html",
                village=village,
                target=target,
                form=form,
                moving=places.merge_preview(village, target),
            )
        moved = attempt_value(
            lambda: places.merge_village(current_user, village, target), form.target
        )
        if moved is not None:
            flash(
                f"Đã gộp {village.name} vào {target.name}: chuyển {moved} hộ. "
                "Nếu gộp nhầm, có thể hoàn tác ở trang Thôn.",
                "success",
            )
            return redirect(url_for("admin.village", village_token=target.token))
    return _village_page(village, merge=form)


@bp.post("/thon/<village_token>/ngung")
@manage
def village_deactivate(village_token):
    return _set_village_active(
        village_token, False, "Đã ngừng hoạt động {}. Dữ liệu các hộ vẫn được giữ."
    )


@bp.post("/thon/<village_token>/dung-lai")
@manage
def village_reactivate(village_token):
    return _set_village_active(village_token, True, "Đã cho {} hoạt động lại.")


def _set_village_active(village_token, active, message):
    village = get_village_or_404(village_token)
    if EmptyForm().validate_on_submit() and attempt(
        lambda: places.set_village_active(current_user, village, active)
    ):
        flash(message.format(village.name), "success")
    return redirect(url_for("admin.village", village_token=village_token))


# ---- users -----------------------------------------------------------------------------------


@bp.get("/nguoi-dung")
@manage
def users():
    commune = _commune_from_query()
    if commune is None:
        return pick_commune("admin.users")
    return render_template(
        "admin/users.html", commune=commune, users=q.commune_users(commune), scope=_scope(commune)
    )


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"])
@manage
def user_create():
    commune = _commune_from_query()
    if commune is None:
        return pick_commune("admin.user_create")
    form = NewUserForm()
    form.villages.choices = options([(v.token, v.name) for v in q.active_villages(commune)])
    if request.method == "GET":
        form.password.data = suggest_password()
        form.villages.data = request.args.getlist("thon")
    if form.validate_on_submit() and attempt(lambda: _create(form, commune), form.username):
        flash(
            f"Đã tạo tài khoản {form.username.data}. Hãy đưa tên đăng nhập và mật khẩu "
            "cho người dùng.",
            "success",
        )
        return redirect(url_for("admin.users", **_scope(commune)))
    return render_template("admin/user_new.html", form=form, commune=commune, scope=_scope(commune))


def _create(form, commune):
    villages = q.villages_by_token(commune, form.villages.data)
    if form.role.data == COMMUNE_OFFICER:
        villages = []  # an officer sees the whole commune
    return accounts.create_user(
        current_user,
        form.username.data,
        form.password.data,
        form.role.data,
        commune,
        villages,
        full_name=form.full_name.data,
        phone=form.phone.data,
    )


@bp.route("/nguoi-dung/<username>", methods=["GET", "POST"])
@manage
def user_edit(username):
    user = _get_user_or_404(username)
    form = _edit_form(user, posted=request.method == "POST")
    if form.validate_on_submit() and attempt(lambda: _update(form, user), form.role):
        flash(f"Đã lưu thông tin {user.username}.", "success")
        return redirect(url_for("admin.users", **_scope(user.commune)))
    return _user_page(user, form=form)


def _edit_form(user, posted=False) -> UserForm:
    """The edit form: from the request when posted, else filled from the user."""
    if posted:
        form = UserForm()
    else:
        form = UserForm(
            formdata=None,
            full_name=user.full_name,
            phone=user.phone,
            role=user.role,
            villages=[v.token for v in user.villages],
        )
    form.villages.choices = options([(v.token, v.name) for v in q.active_villages(user.commune)])
    return form


def _update(form, user):
    villages = q.villages_by_token(user.commune, form.villages.data)
    # Keep assignments to inactive villages: they are not offered as checkboxes.
    villages += [v for v in user.villages if not v.active]
    return accounts.update_user(
        current_user, user, form.full_name.data, form.phone.data, form.role.data, villages
    )


def _user_page(user, form=None, password=None):
    return render_template(
        "admin/user_edit.html",
        user=user,
        commune=user.commune,
        form=form,
        password=password or PasswordForm(formdata=None, password=suggest_password()),
        confirm=EmptyForm(),
        scope=_scope(user.commune),
    )


@bp.post("/nguoi-dung/<username>/mat-khau")
@manage
def user_password(username):
    user = _get_user_or_404(username)
    form = PasswordForm()
    if form.validate_on_submit() and attempt(
        lambda: accounts.reset_password(current_user, user, form.password.data), form.password
    ):
        flash(f"Đã đặt mật khẩu mới cho {user.username}.", "success")
        return redirect(url_for("admin.user_edit", username=user.username))
    return _user_page(user, form=_edit_form(user), password=form)


@bp.post("/nguoi-dung/<username>/khoa")
@manage
def user_deactivate(username):
    return _set_user_active(username, False, "Đã khóa tài khoản {}.")


@bp.post("/nguoi-dung/<username>/mo-khoa")
@manage
def user_reactivate(username):
    return _set_user_active(username, True, "Đã mở khóa tài khoản {}.")


def _set_user_active(username, active, message):
    user = _get_user_or_404(username)
    if EmptyForm().validate_on_submit() and attempt(
        lambda: accounts.set_user_active(current_user, user, active)
    ):
        flash(message.format(user.username), "success")
    return redirect(url_for("admin.user_edit", username=user.username))
