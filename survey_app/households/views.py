"""The volunteer's flow: my villages → household list → household page (one form, one "Lưu")."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from household_forms import rules
from household_forms.household import (
    BIRTH_HINT,
    TRI_OPTIONS,
    HouseholdForm,
    VisitForm,
    initial_data,
    new_member_form,
)
from household_forms.query import int_arg
from survey_app.access import get_household_or_404, get_village_or_404, visible_villages_stmt
from survey_app.extensions import db
from survey_app.households import services
from survey_app.households import status as visit_status
from survey_app.households.vocabulary import (
    BUSINESS_ONLY,
    HOUSEHOLD_YESNO,
    PERSON_YESNO,
    QUAN_HE,
    VNEID,
)
from survey_app.navigation import url_if_exists
from survey_app.places.models import Village
from survey_app.rounds import services as rounds
from survey_app.timeutil import vn_today
from survey_app.transactions import refuse

bp = Blueprint("households", __name__)

LIST_ARGS = ("q", "tt", "trang")
# What the list remembers for "back" and after "Lưu": the filter and page, never the search
# words. They are names, and Flask's session cookie is signed, not encrypted: anyone holding
# the phone or a copy of the cookie could read them.
REMEMBERED = ("tt", "trang")


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
    session["ds"] = [village.token, {k: v for k, v in args.items() if v and k in REMEMBERED}]
    rows = services.village_rows(village.id)
    found = services.search_rows(rows, args["q"], args["tt"])
    after = request.args.get("sau")
    today = vn_today()
    shown, page, pages = services.page_of(
        found, int_arg(args, "trang", 1), current_app.config["HOUSEHOLDS_PER_PAGE"]
    )
    return render_template(
        "households/village.html",
        village=village,
        args=args,
        total=len(rows),
        surveyed=sum(row.status == visit_status.COMPLETE for row in rows),
        counts=services.status_counts(rows),
        next_row=services.next_to_visit(rows, after, today),
        just_saved=after,
        due_today=[r for r in rows if r.status == visit_status.LATER and r.revisit_on <= today],
        found=len(found),
        rows=shown,
        page=page,
        pages=pages,
        dashboard_url=_village_dashboard_url(village),
        team_links=_team_links(village),
        filters=visit_status.FILTERS,
        filter_labels=visit_status.FILTER_LABELS,
        status_labels=visit_status.LABELS,
    )


def _team_links(village) -> list[tuple[str, str]]:
    """The team's other pages for this village (help given, training classes), when installed."""
    links = (("assistance.village_help", "Đã hỗ trợ"), ("assistance.classes", "Lớp tập huấn"))
    found = [(url_if_exists(e, village_token=village.token), label) for e, label in links]
    return [(url, label) for url, label in found if url]


def _village_dashboard_url(village) -> str | None:
    return url_if_exists("reports.village_dashboard", village_token=village.token)


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
        form.ma_ho.data = services.suggest_ma_ho(village)
        form.back.data = _safe_back(request.args.get("ve"))
    if form.validate_on_submit():
        try:
            household = services.create_household(current_user, village, form.to_data())
            return _saved(household, form.back.data)
        except services.HouseholdError as exc:
            refuse()
            _attach_error(form, exc)
    return _render_form(form, village, None)


@bp.route("/ho/<household_token>", methods=["GET", "POST"])
@login_required
def household(household_token):
    household = get_household_or_404(household_token)
    form = (
        HouseholdForm() if request.method == "POST" else HouseholdForm(data=initial_data(household))
    )
    if request.method == "GET":
        form.back.data = _safe_back(request.args.get("ve"))
    conflict = None
    if form.validate_on_submit():
        try:
            services.save_household(current_user, household, form.to_data(), form.version.data)
            return _saved(household, form.back.data)
        except services.ConflictError:
            refuse()
            conflict = get_household_or_404(household_token)
        except services.HouseholdError as exc:
            refuse()
            _attach_error(form, exc)
    return _render_form(form, household.village, household, conflict)


@bp.post("/ho/<household_token>/lan-den")
@login_required
def visit(household_token):
    """Record a visit that did not survey: not at home, come back on a day, refused, moved."""
    household = get_household_or_404(household_token)
    visit_form = VisitForm()
    if visit_form.validate_on_submit():
        try:
            data = visit_form.to_data()
            services.record_visit(current_user, household, data, visit_form.version.data)
            return _saved(household, visit_form.back.data)
        except services.ConflictError:
            refuse()
            flash("Hộ này vừa được người khác lưu. Hãy xem lại rồi ghi lại kết quả.", "error")
            return redirect(url_for("households.household", household_token=household.token))
        except services.HouseholdError as exc:
            refuse()
            field = visit_form[exc.field] if exc.field in visit_form else visit_form.visit_outcome
            field.errors = [*field.errors, exc.message]
    form = HouseholdForm(data=initial_data(household))
    return _render_form(form, household.village, household, visit_form=visit_form)


def _safe_back(path: str | None) -> str:
    """A path inside this site to return to after saving ('' when none or not local)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return ""


def _attach_error(form: HouseholdForm, exc: services.HouseholdError) -> None:
    field = form[exc.field] if exc.field in form else form.ma_ho
    field.errors = [*field.errors, exc.message]


def _saved(household, back: str | None = None):
    done = visit_status.completeness(household)
    status = visit_status.household_status(household, done=done)
    detail = visit_status.LABELS[status]
    if status in (visit_status.COMPLETE, visit_status.PARTIAL):
        detail += f", đã trả lời {done.answered}/{done.total} câu"
    # The code, not the head's name: the message waits in the session cookie for one redirect.
    flash(f"Đã lưu hộ {household.ma_ho} ({detail}).", "success")
    back = _safe_back(back)
    if back:
        return redirect(back)
    # The list opens at its top: the message, then "Tiếp theo" (an anchor would tuck it under the
    # sticky top bar).
    return redirect(list_url(household.village, sau=household.token))


def _render_form(form, village, household, conflict=None, visit_form=None):
    if form.is_submitted() and (form.errors or conflict):
        code = 409 if conflict else 422
    elif visit_form is not None and visit_form.errors:
        code = 422
    else:
        code = 200
    today = vn_today()
    applies = [_member_items(entry.form, today) for entry in form.m.entries]
    if household is not None and visit_form is None:
        visit_form = VisitForm(formdata=None, data={"note": household.note})
    done = visit_status.completeness(household, today) if household is not None else None
    survey_round = rounds.current_round(village.commune_id)
    carried = {
        p.token for p in (household.members if household else [])
        if rounds.carried_forward(p, survey_round)
    }  # fmt: skip
    return (
        render_template(
            "households/household.html",
            form=form,
            village=village,
            household=household,
            conflict=conflict,
            template_row=new_member_form(),
            back_url=_safe_back(form.back.data) or list_url(village),
            birth_hint=BIRTH_HINT,
            household_items=[k for k in HOUSEHOLD_YESNO if k not in BUSINESS_ONLY],
            business_items=BUSINESS_ONLY,
            person_items=list(visit_status.ITEM_ORDER),
            item_labels={**PERSON_YESNO, "vneid": "VNeID (định danh điện tử)"},
            all_options=ALL_OPTIONS,
            quan_he_choices=QUAN_HE,
            applies=applies,
            asked_any=set().union(*applies) if applies else set(),
            member_done=done.members if done and not form.is_submitted() else None,
            done=done,
            status=visit_status.household_status(household, today, done) if household else None,
            status_labels=visit_status.LABELS,
            visit_form=visit_form,
            suggested_ma_ho=form.ma_ho.data if household is None else None,
            rules_json=rules.to_json(today),
            help_url=_help_url(household),
            survey_round=survey_round,
            carried=carried,
            household_carried=household is not None
            and rounds.carried_forward(household, survey_round),
        ),
        code,
    )


# "Cả hộ" buttons: the answers one tap gives every member the item applies to.
ALL_OPTIONS = {key: [(v, t) for v, _, t in TRI_OPTIONS if v] for key in PERSON_YESNO}
ALL_OPTIONS["vneid"] = [("muc_2", VNEID["muc_2"]), ("muc_1", VNEID["muc_1"]), ("khong", "Không có")]


def _member_items(member_form, today) -> set[str]:
    """The items asked of a member row as it stands (all of them while its birth is unreadable)."""
    try:
        born, _ = rules.parse_birth(member_form.ngay_sinh.data, today)
    except rules.RuleError:
        return set(visit_status.ITEM_ORDER)
    person = {
        "birth_date": born,
        "gioi_tinh": member_form.gioi_tinh.data,
        "cu_tru": member_form.cu_tru.data,
        "dt_thong_minh": member_form.dt_thong_minh.data,
    }
    return set(visit_status.person_items(person, today))


def _help_url(household):
    """The "Đã hỗ trợ" page of a member, when that area is installed."""
    if household is None or "assistance.help_person" not in current_app.view_functions:
        return None
    return lambda person_token: url_for(
        "assistance.help_person", household_token=household.token, person_token=person_token
    )
