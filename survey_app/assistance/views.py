"""Pages: "Đã hỗ trợ" for one member, the village's help figures, training classes."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from household_forms.assistance import DATE_HINT, ClassForm, HelpForm
from survey_app.access import by_token, get_household_or_404, get_village_or_404, visible_or_404
from survey_app.assistance import services
from survey_app.assistance.models import HELP_ANSWER, HELP_KINDS, TrainingClass
from survey_app.extensions import db
from survey_app.households.models import Person
from survey_app.households.services import ConflictError
from survey_app.transactions import refuse

bp = Blueprint("assistance", __name__)


def _person_of(household, person_token: str) -> Person:
    person = db.session.scalar(
        select(Person).where(Person.token == person_token, Person.household_id == household.id)
    )
    if person is None:
        abort(404)
    return person


def _class_or_404(class_token: str) -> TrainingClass:
    return visible_or_404(by_token(TrainingClass, class_token), lambda klass: klass.village_id)


# ---- help given ----------------------------------------------------------------------------


@bp.route("/ho/<household_token>/ho-tro/<person_token>", methods=["GET", "POST"])
@login_required
def help_person(household_token, person_token):
    household = get_household_or_404(household_token)
    person = _person_of(household, person_token)
    form = HelpForm()
    if form.validate_on_submit():
        try:
            records = services.record_help(current_user, person, form.kinds.data, form.note.data)
        except services.AssistanceError as exc:
            refuse()
            form.kinds.errors = [*form.kinds.errors, exc.message]
        else:
            flash(_help_message(person, [r.kind for r in records]), "success")
            return redirect(url_for("households.household", household_token=household.token))
    status = 422 if form.is_submitted() and form.errors else 200
    return (
        render_template(
            "assistance/help.html",
            form=form,
            household=household,
            person=person,
            history=services.person_help(person),
            kinds=HELP_KINDS,
        ),
        status,
    )


def _help_message(person, kinds: list[str]) -> str:
    done = ", ".join(HELP_KINDS[k].lower() for k in kinds)
    message = f"Đã ghi: hỗ trợ {person.ho_ten} {done}."
    answers = [HELP_ANSWER[k] for k in kinds if k in HELP_ANSWER]
    if answers:
        message += f" Nhớ sửa câu trả lời ({', '.join(answers)}) của người này trong phiếu hộ."
    return message


@bp.get("/thon/<village_token>/ho-tro")
@login_required
def village_help(village_token):
    village = get_village_or_404(village_token)
    month = request.args.get("thang", "").strip()
    period = services.month_range(month) if month else None
    if month and period is None:
        flash("Tháng chưa đúng, đang hiện tất cả.", "error")
        month = ""
    rows, total = services.helper_rows(village.id, period)
    return render_template(
        "assistance/village_help.html",
        village=village,
        rows=rows,
        total=total,
        latest=services.latest_help(village.id, period),
        months=services.help_months(village.id),
        month=month,
        kinds=HELP_KINDS,
    )


# ---- training classes -----------------------------------------------------------------------


@bp.get("/thon/<village_token>/lop-tap-huan")
@login_required
def classes(village_token):
    village = get_village_or_404(village_token)
    return render_template(
        "assistance/classes.html", village=village, classes=services.village_classes(village.id)
    )


@bp.route("/thon/<village_token>/lop-tap-huan/them", methods=["GET", "POST"])
@login_required
def new_class(village_token):
    village = get_village_or_404(village_token)
    form = ClassForm()
    if form.validate_on_submit():
        try:
            klass = services.create_class(
                current_user, village, form.held_on.day, form.place.data, form.topic.data
            )
        except services.AssistanceError as exc:
            refuse()
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
        else:
            flash("Đã thêm lớp. Bây giờ hãy chọn người tham dự.", "success")
            return redirect(url_for("assistance.pick_attendees", class_token=klass.token))
    status = 422 if form.is_submitted() and form.errors else 200
    return (
        render_template(
            "assistance/class_new.html", form=form, village=village, date_hint=DATE_HINT
        ),
        status,
    )


@bp.get("/lop/<class_token>")
@login_required
def training_class(class_token):
    klass = _class_or_404(class_token)
    return render_template(
        "assistance/class.html", klass=klass, attendees=services.attendees(klass)
    )


@bp.route("/lop/<class_token>/chon-nguoi", methods=["GET", "POST"])
@login_required
def pick_attendees(class_token):
    klass = _class_or_404(class_token)
    query = request.values.get("q", "").strip()
    error = None
    if request.method == "POST":
        try:
            added, changed = services.add_attendees(
                current_user, klass, request.form.getlist("nguoi")
            )
        except services.AssistanceError as exc:
            refuse()
            error = exc.message
        except ConflictError:
            refuse()
            error = "Có hộ vừa được người khác sửa. Hãy bấm Lưu lại một lần nữa."
        else:
            flash(_added_message(added, changed), "success")
            return redirect(url_for("assistance.training_class", class_token=klass.token))
    people = services.candidates(klass, "" if request.method == "POST" else query)
    return (
        render_template(
            "assistance/pick.html",
            klass=klass,
            people=people,
            query=query,
            error=error,
            chosen=set(request.form.getlist("nguoi")),
        ),
        422 if error else 200,
    )


def _added_message(added: int, changed: int) -> str:
    if not added:
        return "Những người đã chọn đều có trong danh sách lớp rồi."
    message = f"Đã thêm {added} người vào lớp."
    if changed:
        message += f" Đã ghi 'Được tập huấn kỹ năng số: Có' cho {changed} người."
    return message


@bp.post("/lop/<class_token>/bo-nguoi")
@login_required
def remove_attendee(class_token):
    klass = _class_or_404(class_token)
    try:
        person = services.remove_attendee(current_user, klass, request.form.get("nguoi", ""))
    except services.AssistanceError as exc:
        refuse()
        flash(exc.message, "error")
        return redirect(url_for("assistance.training_class", class_token=klass.token))
    flash(
        f"Đã bỏ {person.ho_ten} khỏi danh sách lớp. Câu trả lời 'Được tập huấn kỹ năng số' "
        "của người này vẫn giữ nguyên.",
        "success",
    )
    return redirect(url_for("assistance.training_class", class_token=klass.token))
