"""Village and commune dashboards, the "Cần hỗ trợ" list, commune settings, manual indicators."""

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from aggregation import CriteriaError, compute, criteria_sets, get_criteria, numbers, trends
from aggregation.counting import Coverage
from household_forms.accounts import EmptyForm
from household_forms.query import int_arg
from household_forms.reports import (
    SettingsForm,
    criteria_options,
    manual_form,
    read_picker,
    target_form,
)
from survey_app.access import (
    get_commune_or_404,
    get_village_or_404,
    roles_required,
    visible_villages_stmt,
)
from survey_app.accounts.models import ADMIN, COMMUNE_OFFICER, STAFF
from survey_app.extensions import db
from survey_app.households import services as household_services
from survey_app.households import status as visit_status
from survey_app.places.models import Commune
from survey_app.privacy import services as privacy
from survey_app.reports import charts, pages, services
from survey_app.rounds import services as rounds
from survey_app.transactions import refuse

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
staff_only = roles_required(*STAFF)


@bp.get("/")
@login_required
def home():
    """Officers land on their commune, village heads and volunteers on their (first) village."""
    if current_user.role == ADMIN:
        return redirect(url_for("reports.commune_dashboard"))
    if current_user.role == COMMUNE_OFFICER and current_user.commune is not None:
        return redirect(
            url_for("reports.commune_dashboard", commune_token=current_user.commune.token)
        )
    village = db.session.scalars(visible_villages_stmt(current_user).limit(1)).first()
    if village is None:
        flash("Bạn chưa được giao thôn nào. Liên hệ cán bộ xã.", "error")
        return redirect(url_for("households.my_villages"))
    return redirect(url_for("reports.village_dashboard", village_token=village.token))


def _choice(commune: Commune, only: str | None = None):
    """The commune's settings and the checked picker (criteria set, year, as-of date).

    ``only``: the page is about one criteria set (named in its URL), whatever ?bo= says.
    """
    settings = services.get_settings(commune)
    ids = [only] if only else pages.applied_criteria(settings)
    args = {**request.args.to_dict(), "bo": only} if only else request.args
    picker = read_picker(args, ids, _this_year())
    for message in picker.errors:
        flash(message, "error")
    return settings, picker


def _this_year() -> int:
    return pages.vn_today().year


def _compute(commune, settings, picker):
    """The report the page shows; with ``?xac_nhan=1`` during a round, only answers confirmed
    in the round count (the others count as not known yet)."""
    survey_round = rounds.current_round(commune)
    confirmed_only = survey_round is not None and request.args.get("xac_nhan") == "1"
    report = compute(
        db.session, commune, picker.criteria_id, picker.year, picker.as_of, settings=settings,
        confirmed_since=survey_round.since if confirmed_only and survey_round else None,
    )  # fmt: skip
    return report, RoundView(survey_round, confirmed_only)


@dataclass
class RoundView:
    """The open round (if any) and whether the page counts only answers confirmed in it."""

    survey_round: object | None
    confirmed_only: bool


SUPPORT_PAGE = 100  # rows of the "Cần hỗ trợ" list a screen shows (printing shows them all)


# ---- village dashboard and "Cần hỗ trợ" ------------------------------------------------------


@bp.get("/thon/<village_token>")
@login_required
def village_dashboard(village_token):
    village = get_village_or_404(village_token)
    settings, picker = _choice(village.commune)
    report, round_view = _compute(village.commune, settings, picker)
    rows = pages.worst_first(
        [(item, item.village(village.id)) for item in report.indicators
         if not item.indicator.is_manual]
    )  # fmt: skip
    return render_template(
        "reports/village.html",
        volunteers=pages.village_volunteers(village),
        village=village,
        report=report,
        picker=picker,
        choices=_criteria_choices(settings),
        rows=rows,
        manual_count=sum(item.indicator.is_manual for item in report.indicators),
        coverage=report.coverage.get(village.id) or Coverage(),
        unnamed=privacy.households_without_consent(village.commune_id, village.id),
        needed=pages.still_needed,
        states=household_services.status_counts(household_services.village_rows(village.id)),
        state_labels=visit_status.LABELS,
        round_view=round_view,
    )


def _criteria_choices(settings) -> list[tuple[str, str]]:
    sets = criteria_sets()
    return [(cid, sets[cid].name) for cid in pages.applied_criteria(settings)]


def _criteria_or_404(criteria_id: str):
    try:
        return get_criteria(criteria_id)
    except CriteriaError:
        abort(404)


def _indicator_or_404(criteria_id: str, code: str, manual: bool | None = None):
    try:
        indicator = get_criteria(criteria_id).indicator(code)
    except (CriteriaError, KeyError):
        abort(404)
    if manual is not None and indicator.is_manual != manual:
        abort(404)
    return indicator


@bp.get("/thon/<village_token>/can-ho-tro/<criteria_id>/<code>")
@login_required
def support_list(village_token, criteria_id, code):
    village = get_village_or_404(village_token)
    indicator = _indicator_or_404(criteria_id, code, manual=False)
    settings, picker = _choice(village.commune, only=criteria_id)
    item = _compute(village.commune, settings, picker)[0].indicator(code)
    ratio = item.village(village.id)
    groups = pages.support_groups(village.commune, village, indicator, criteria_id, picker)
    query = request.args.get("q", "").strip()[:80]
    found = pages.search_groups(groups, query) if query else groups
    everything = request.args.get("tat_ca") == "1"  # printing: the whole list on one page
    page_no = int_arg(request.args, "trang", 1)
    shown, pages_total = pages.page_of(found, page_no, None if everything else SUPPORT_PAGE)
    return render_template(
        "reports/support.html",
        report_id=criteria_id,
        village=village,
        item=item,
        ratio=ratio,
        picker=picker,
        groups=shown,
        query=query,
        page_no=min(max(page_no, 1), pages_total),
        pages_total=pages_total,
        everything=everything,
        found=sum(len(g.items) for g in found),
        count=sum(len(g.items) for g in groups),
        unknown=sum(i.unknown for g in groups for i in g.items),
        needed=ratio and pages.still_needed(ratio, item.target, indicator.comparator),
        first_number=pages.first_number(found, shown),
    )


@bp.get("/thon/<village_token>/uu-tien/<criteria_id>")
@login_required
def priority(village_token, criteria_id):
    """The households to visit first, with what each still needs; printable."""
    village = get_village_or_404(village_token)
    criteria = _criteria_or_404(criteria_id)
    _settings, picker = _choice(village.commune, only=criteria_id)
    rows = pages.priority_list(village.commune, village, criteria, picker)
    return render_template(
        "reports/priority.html", village=village, criteria=criteria, picker=picker, rows=rows
    )


# ---- commune dashboard -----------------------------------------------------------------------


@bp.get("/xa/", defaults={"commune_token": None})
@bp.get("/xa/<commune_token>")
@staff_only
def commune_dashboard(commune_token):
    if commune_token is None:
        if current_user.role == COMMUNE_OFFICER:
            if current_user.commune is None:
                abort(404)
            return redirect(url_for(".commune_dashboard", commune_token=current_user.commune.token))
        communes = db.session.scalars(select(Commune).order_by(Commune.name)).all()
        return render_template("reports/pick_commune.html", communes=communes)
    commune = get_commune_or_404(commune_token)
    settings, picker = _choice(commune)
    report, round_view = _compute(commune, settings, picker)
    days, progress = pages.volunteer_progress(commune, pages.vn_today())
    return render_template(
        "reports/commune.html",
        commune=commune,
        report=report,
        picker=picker,
        choices=_criteria_choices(settings),
        data_items=[i for i in report.indicators if not i.indicator.is_manual],
        has_manual=any(i.indicator.is_manual for i in report.indicators),
        days=days,
        progress=progress,
        unnamed=privacy.households_without_consent(commune.id),
        round_view=round_view,
    )


# ---- settings and targets --------------------------------------------------------------------


@bp.route("/xa/<commune_token>/cai-dat", methods=["GET", "POST"])
@staff_only
def settings(commune_token):
    commune = get_commune_or_404(commune_token)
    stored = services.get_settings(commune)
    form = SettingsForm(obj=None if request.method == "POST" else stored)
    form.criteria_ids.choices = criteria_options()
    if form.validate_on_submit():
        try:
            services.update_settings(current_user, commune, form.to_changes())
        except ValidationError as exc:
            refuse()
            _attach(form, exc.messages)
        else:
            flash("Đã lưu cài đặt của xã.", "success")
            return redirect(url_for(".settings", commune_token=commune.token))
    return _settings_page(commune, stored, form=form)


@bp.post("/xa/<commune_token>/cai-dat/chi-tieu")
@staff_only
def targets(commune_token):
    commune = get_commune_or_404(commune_token)
    stored = services.get_settings(commune)
    picker = read_picker(request.args, pages.applied_criteria(stored), _this_year())
    if picker.errors:  # never save targets into a set or year other than the one shown
        abort(400)
    indicators = get_criteria(picker.criteria_id).indicators
    form = target_form(indicators, {}, formdata=request.form)
    if form.validate_on_submit():
        wanted = {ind.code: form[f"t{i}"].data for i, ind in enumerate(indicators)}
        services.set_targets(current_user, commune, picker.criteria_id, picker.year, wanted)
        flash(f"Đã lưu chỉ tiêu riêng năm {picker.year}.", "success")
        return redirect(url_for(".settings", commune_token=commune.token, **picker.args()))
    return _settings_page(commune, stored, targets=form)


def _attach(form, messages: dict) -> None:
    """Show a service's validation messages beside the matching fields."""
    for name, errors in messages.items():
        field = form[name] if name in form else None
        texts = errors if isinstance(errors, list) else [str(errors)]
        if field is not None:
            field.errors = [*field.errors, *texts]
        else:
            flash("; ".join(map(str, texts)), "error")


def _settings_page(commune, stored, form=None, targets=None):
    if form is None:
        form = SettingsForm(formdata=None, obj=stored)
        form.criteria_ids.choices = criteria_options()
    _, picker = _choice(commune)
    criteria = get_criteria(picker.criteria_id)
    if targets is None:
        current = {
            ind.code: stored.target_override(criteria.id, ind.code, picker.year)
            for ind in criteria.indicators
        }
        targets = target_form(criteria.indicators, current)
    failed = form.errors or targets.errors
    history = [
        (entry, who, pages.describe(entry)) for entry, who in pages.settings_history(commune)
    ]
    return render_template(
        "reports/settings.html",
        commune=commune,
        form=form,
        targets=targets,
        criteria=criteria,
        picker=picker,
        choices=_criteria_choices(stored),
        history=history,
        target_text=numbers.display_target,
    ), (422 if failed else 200)


# ---- manual indicators -----------------------------------------------------------------------


@bp.route("/xa/<commune_token>/chi-tieu-thu-cong/<criteria_id>", methods=["GET", "POST"])
@staff_only
def manual(commune_token, criteria_id):
    commune = get_commune_or_404(commune_token)
    criteria = _criteria_or_404(criteria_id)
    settings, picker = _choice(commune, only=criteria_id)
    codes = [ind.code for ind in criteria.indicators if ind.is_manual]
    if request.method == "POST" and "nhom" in request.form:
        return _save_group(commune, criteria_id, picker)
    submitted = request.form.get("chi_tieu") if request.method == "POST" else None
    if submitted is not None and submitted not in codes:
        abort(400)
    report, _ = _compute(commune, settings, picker)  # holds what was entered so far
    items = [
        (report.indicator(code), manual_form(f"ct{i}", report.indicator(code), code == submitted))
        for i, code in enumerate(codes)
    ]
    if submitted is not None:
        form = items[codes.index(submitted)][1]
        valid = form.validate_on_submit()
        if valid and _save_manual(form, commune, criteria_id, submitted, picker):
            flash(f"Đã lưu kết quả chỉ tiêu {submitted} năm {picker.year}.", "success")
            anchor = f"ct-{codes.index(submitted)}"
            url = url_for(".manual", commune_token=commune.token, criteria_id=criteria_id,
                          nam=picker.year, _anchor=anchor)  # fmt: skip
            return redirect(url)
    groups = [(code, name, report.group_evaluations.get(code)) for code, name in criteria.groups]
    return render_template(
        "reports/manual.html",
        commune=commune,
        criteria=criteria,
        picker=picker,
        items=items,
        groups=groups,
        empty_form=EmptyForm(),
    ), (422 if submitted is not None else 200)


def _save_group(commune, criteria_id: str, picker):
    """A group's Đánh giá set by the commune, or given back to the convention."""
    group, value = request.form.get("nhom", ""), request.form.get("danh_gia") or None
    if EmptyForm().validate_on_submit():
        try:
            services.save_group_evaluation(
                current_user, commune, criteria_id, group, picker.year, value
            )
            flash(f"Đã lưu đánh giá nhóm {group} năm {picker.year}.", "success")
        except ValidationError as exc:
            refuse()
            flash(" ".join(str(m) for m in _messages(exc)), "error")
    url = url_for(".manual", commune_token=commune.token, criteria_id=criteria_id,
                  nam=picker.year, _anchor="nhom")  # fmt: skip
    return redirect(url)


def _messages(exc) -> list:
    messages = exc.messages
    if isinstance(messages, dict):
        return [
            m
            for value in messages.values()
            for m in (value if isinstance(value, list) else [value])
        ]
    return list(messages)


def _save_manual(form, commune, criteria_id, code, picker) -> bool:
    try:
        services.save_manual_result(
            current_user, commune, criteria_id, code, picker.year, form.to_data()
        )
    except ValidationError as exc:
        refuse()
        _attach(form, exc.messages)
        return False
    return True


# ---- trends ------------------------------------------------------------------------------------


def _trend_points(commune) -> tuple[str, list]:
    """By month (from the open round's start, else 1 January) or by survey round (``?theo=dot``)."""
    today = pages.vn_today()
    if request.args.get("theo") == "dot":
        return "dot", trends.round_points(rounds.rounds_of(commune), today)
    current = rounds.current_round(commune)
    start = current.starts_on if current is not None else today.replace(month=1, day=1)
    return "thang", trends.month_points(start, today)


@bp.get("/thon/<village_token>/xu-huong")
@login_required
def village_trends(village_token):
    village = get_village_or_404(village_token)
    settings, picker = _choice(village.commune)
    by, points = _trend_points(village.commune)
    lines = trends.series(db.session, village.commune, picker.criteria_id, points, village.id)
    return render_template(
        "reports/trends.html", place=village.name, lines=lines, by=by, chart=charts.line_chart,
        here=lambda **a: url_for(".village_trends", village_token=village.token, **a),
        back=url_for(".village_dashboard", village_token=village.token),
    )  # fmt: skip


@bp.get("/xa/<commune_token>/xu-huong")
@staff_only
def commune_trends(commune_token):
    commune = get_commune_or_404(commune_token)
    settings, picker = _choice(commune)
    by, points = _trend_points(commune)
    lines = trends.series(db.session, commune, picker.criteria_id, points)
    return render_template(
        "reports/trends.html", place=f"xã {commune.name}", lines=lines, by=by,
        chart=charts.line_chart,
        here=lambda **a: url_for(".commune_trends", commune_token=commune.token, **a),
        back=url_for(".commune_dashboard", commune_token=commune.token),
    )  # fmt: skip
