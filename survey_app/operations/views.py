"""Undo an operation (an import, a village merge, a merge of two people): one page that says
what will go back, and asks to confirm."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from household_forms.accounts import EmptyForm
from survey_app.access import commune_ids_stmt, roles_required
from survey_app.accounts.models import STAFF
from survey_app.extensions import db
from survey_app.operations import services
from survey_app.operations.models import IMPORT, MERGE_PEOPLE, MERGE_VILLAGE, Operation
from survey_app.transactions import attempt_value

bp = Blueprint("operations", __name__, url_prefix="/quan-ly/thao-tac")


def _operation_or_404(token: str) -> Operation:
    operation = db.session.scalar(
        select(Operation).where(
            Operation.token == token, Operation.commune_id.in_(commune_ids_stmt(current_user))
        )
    )
    if operation is None:
        abort(404)
    return operation


def _back(operation: Operation) -> str:
    """The page the operation was made from."""
    if operation.kind == MERGE_VILLAGE:
        return url_for("admin.villages")
    if operation.kind == MERGE_PEOPLE:
        return url_for("duplicates.index", xa=operation.commune.token)
    return url_for("imports.upload")


@bp.route("/<token>/hoan-tac", methods=["GET", "POST"])
@roles_required(*STAFF)
def undo(token):
    operation = _operation_or_404(token)
    form = EmptyForm()
    if form.validate_on_submit():
        counts = attempt_value(lambda: services.undo(current_user, operation))
        if counts is not None:
            flash(f"Đã hoàn tác: {operation.kind_label.lower()} “{operation.label}”.", "success")
            return redirect(_back(operation))
    return render_template(
        "operations/undo.html",
        operation=operation,
        blocked=services.blocker(operation),
        rows=services.written_counts(operation),
        form=form,
        back=_back(operation),
        IMPORT=IMPORT,
    )
