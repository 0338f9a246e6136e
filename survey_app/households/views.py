"""The volunteer's flow: my villages → household list → household page (one form, one "Lưu")."""

from flask import (
    Blueprint,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from household_forms.household import BIRTH_HINT, HouseholdForm, initial_data, new_member_form
from survey_app.access import get_household_or_404, get_village_or_404, visible_villages_stmt
from survey_app.accounts.models import ADMIN, COMMUNE_OFFICER, ROLES, VILLAGE_HEAD, VOLUNTEER
from survey_app.extensions import db
from survey_app.households import services
from survey_app.households import status as visit_status
from survey_app.households.vocabulary import BUSINESS_ONLY, HOUSEHOLD_YESNO, PERSON_YESNO, QUAN_HE
from survey_app.places.models import Village

bp = Blueprint("households", __name__)

STAFF = (ADMIN, COMMUNE_OFFICER)
# (endpoint, label, roles). Only endpoints that exist are shown, so other areas can land later.
NAV = (
    ("households.my_villages", "Thôn của tôi", ROLES),
    ("reports.commune_dashboard", "Kết quả của xã", STAFF),
    ("reports.home", "Kết quả, cần hỗ trợ", (VILLAGE_HEAD, VOLUNTEER)),
    ("admin.villages", "Quản lý thôn", STAFF),
    ("admin.users", "Người dùng", STAFF),
    ("imports.upload", "Nhập dữ liệu", STAFF),
    ("exports.index", "Xuất danh sách", (*STAFF, VILLAGE_HEAD)),
)
LIST_ARGS = ("q", "tt", "trang")


@bp.app_context_processor
def navigation():
    """The signed-in user's menu links, for base.html."""
    # Templates are also rendered outside requests (PDF exports from the CLI): no user, no menu.
    if not has_request_context() or not current_user.is_authenticated:
        return {"nav_links": []}
    links = []
    for endpoint, label, roles in NAV:
        url = current_user.role in roles and _url_if_exists(endpoint)
        if url:
            links.append((url, label, request.endpoint == endpoint))
    return {"nav_links": links}


def _url_if_exists(endpoint: str, **values) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the endpoint needs a place we do not have here
        return None


@bp.get("/thon/")
@login_required
def my_villages():
    stmt = visible_villages_stmt(current_user).options(selectinload(Village.commune))
    villages = db.session.scalars(stmt).all()
    progress = services.village_progress([v.id for v in villages])
    many_communes = len({v.commune_id for v in villages}) > 1
    return render_template(
        "households/my_villages.html",
        villages=villages,
        progress=progress,
        many_communes=many_communes,
    )


@bp.get("/thon/<village_token>/")
@login_required
def village(village_token):
    village = get_village_or_404(village_token)
    args = {key: request.args.get(key, "").strip() for key in LIST_ARGS}
    session["ds"] = [village.token, {k: v for k, v in args.items() if v}]
    rows = services.village_rows(village.id)
    found = services.search_rows(rows, args["q"], args["tt"])
    per_page = current_app.config["HOUSEHOLDS_PER_PAGE"]
    pages = max(1, -(-len(found) // per_page))
    page = min(max(_int(args["trang"]), 1), pages)
    return render_template(
        "households/village.html",
        village=village,
        args=args,
        total=len(rows),
        surveyed=sum(row.surveyed_at is not None for row in rows),
        found=len(found),
        rows=found[(page - 1) * per_page : page * per_page],
        page=page,
        pages=pages,
        dashboard_url=_village_dashboard_url(village),
        filters=visit_status.FILTERS,
        filter_labels=visit_status.FILTER_LABELS,
        status_labels=visit_status.LABELS,
    )


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 1


def _village_dashboard_url(village) -> str | None:
    return _url_if_exists("reports.village_dashboard", village_token=village.token)


def list_url(village, **extra) -> str:
    """The village's list with the search and filter the user last used there."""
    token, args = session.get("ds") or (None, {})
    args = args if token == village.token else {}
    return url_for("households.village", village_token=village.token, **args, **extra)


@bp.route("/thon/<village_token>/ho-moi", methods=["GET", "POST"])
@login_required
def new_household(village_token):
    village = get_village_or_404(village_token)
    form = HouseholdForm()
    if not form.is_submitted():
        form.m.append_entry({"quan_he": "Chủ hộ"})  # the first member is usually the head
    if form.validate_on_submit():
        try:
            household = services.create_household(current_user, village, form.to_data())
            return _saved(household)
        except services.HouseholdError as exc:
            db.session.rollback()
            _attach_error(form, exc)
    return _render_form(form, village, None)


@bp.route("/ho/<household_token>", methods=["GET", "POST"])
@login_required
def household(household_token):
    household = get_household_or_404(household_token)
    form = (
        HouseholdForm() if request.method == "POST" else HouseholdForm(data=initial_data(household))
    )
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_household(current_user, household, form.to_data(), form.version.data)
            return _saved(household)
        except services.ConflictError:
            db.session.rollback()
            conflict = get_household_or_404(household_token)
        except services.HouseholdError as exc:
            db.session.rollback()
            _attach_error(form, exc)
    return _render_form(form, household.village, household, conflict)


def _attach_error(form: HouseholdForm, exc: services.HouseholdError) -> None:
    field = form[exc.field] if exc.field in form else form.ma_ho
    field.errors = [*field.errors, exc.message]


def _saved(household):
    try:
        db.session.commit()
    except IntegrityError:
        # Two people saved the same mã hộ at the same moment: the unique constraint decides.
        raise services.HouseholdError(
            f"Mã hộ {household.ma_ho} vừa được người khác dùng. Hãy kiểm tra lại mã.", "ma_ho"
        ) from None
    flash(f"Đã lưu hộ {household.ma_ho} – {household.chu_ho}.", "success")
    return redirect(list_url(household.village, _anchor=f"h-{household.token}"))


def _render_form(form, village, household, conflict=None):
    if form.is_submitted() and (form.errors or conflict):
        status = 409 if conflict else 422
    else:
        status = 200
    return (
        render_template(
            "households/household.html",
            form=form,
            village=village,
            household=household,
            conflict=conflict,
            template_row=new_member_form(),
            back_url=list_url(village),
            birth_hint=BIRTH_HINT,
            household_items=[k for k in HOUSEHOLD_YESNO if k not in BUSINESS_ONLY],
            business_items=BUSINESS_ONLY,
            person_items=list(PERSON_YESNO),
            quan_he_choices=QUAN_HE,
        ),
        status,
    )
