"""/quan-ly/nhat-ky/: the commune's audit log, filtered and paged, and its CSV. Read only:
no rule here accepts POST, so nothing on this page can change or delete a row."""

import io
import json

from flask import Blueprint, Response, redirect, render_template, request, url_for

from aggregation.documents.csv import SafeWriter
from household_forms.audit import AuditFilterForm
from survey_app.access import roles_required, staff_commune
from survey_app.accounts.models import STAFF, User
from survey_app.admin.picker import pick_commune
from survey_app.auditing import labels, queries
from survey_app.extensions import db
from survey_app.templating import vn_datetime

bp = Blueprint("auditing", __name__, url_prefix="/quan-ly/nhat-ky")
PER_PAGE = 50
CSV_HEADERS = (
    *("Thời gian", "Người thực hiện", "Hành động", "Đối tượng", "Mã"),
    *("Tóm tắt", "Chi tiết đầy đủ"),
)
SYSTEM = "Hệ thống (dòng lệnh)"


@bp.get("/")
@roles_required(*STAFF)
def log():
    """The page: filters on top, 50 rows a page, newest first."""
    commune = staff_commune()
    if commune is None:
        return pick_commune("auditing.log")
    form, filters = _filters(commune)
    page = db.paginate(queries.rows_stmt(commune, filters), per_page=PER_PAGE, error_out=False)
    return render_template(
        "auditing/log.html",
        commune=commune,
        form=form,
        page=page,
        names=_names(page.items),
        labels=labels,
        args=_query_args(),
    ), (200 if not form.errors else 422)


@bp.get("/nhat-ky.csv")
@roles_required(*STAFF)
def log_csv():
    """Every row the filters select, as CSV (UTF-8 with BOM, formula cells neutralised)."""
    commune = staff_commune()
    if commune is None:  # an admin who has not picked a commune yet
        return redirect(url_for("auditing.log"))
    _form, filters = _filters(commune)
    rows = db.session.scalars(queries.rows_stmt(commune, filters)).all()
    body = _csv(rows, _names(rows))
    headers = {"Content-Disposition": f'attachment; filename="nhat-ky-{commune.token}.csv"'}
    return Response(body, mimetype="text/csv", headers=headers)


def _filters(commune) -> tuple[AuditFilterForm, queries.Filters]:
    """The filter form read from the query string; a bad value is reported and ignored."""
    form = AuditFilterForm(request.args)
    users = db.session.scalars(queries.people_stmt(commune)).all()
    form.set_choices(users, queries.actions_in(commune), labels.action_label)
    if not form.validate():
        return form, queries.Filters()
    user_id = int(form.nguoi.data) if form.nguoi.data else None
    return form, queries.Filters(user_id, form.hanh_dong.data or None, form.tu.data, form.den.data)


def _query_args() -> dict:
    """The current filters, for the pager's links and the CSV link."""
    return {k: v for k, v in request.args.items() if k != "page" and v}


def _names(rows) -> dict[int, str]:
    """Display name of every user who wrote one of ``rows``."""
    ids = {row.user_id for row in rows if row.user_id is not None}
    if not ids:
        return {}
    users = db.session.scalars(db.select(User).where(User.id.in_(ids)))
    return {u.id: f"{u.display_name} ({u.username})" for u in users}


def _csv(rows, names: dict[int, str]) -> str:
    out = io.StringIO()
    writer = SafeWriter(out)  # formula-like cells get a leading quote, as in every CSV export
    writer.writerow(CSV_HEADERS)
    for row in rows:
        cells = (
            vn_datetime(row.at),
            names.get(row.user_id, "") if row.user_id else SYSTEM,
            labels.action_label(row.action),
            labels.object_label(row.object_type),
            row.object_key,
            labels.summary(row.action, row.details) or "",
            json.dumps(row.details or {}, ensure_ascii=False, sort_keys=True, default=str),
        )
        writer.writerow(cells)
    return "\ufeff" + out.getvalue()
