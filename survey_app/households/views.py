"""The volunteer's flow: my villages → household list → household page."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from survey_app.access import visible_villages_stmt
from survey_app.extensions import db

bp = Blueprint("households", __name__)


@bp.get("/thon/")
@login_required
def my_villages():
    villages = db.session.scalars(visible_villages_stmt(current_user)).all()
    return render_template("households/my_villages.html", villages=villages)
