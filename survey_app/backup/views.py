"""The staff page to download a backup of their commune (each download is audited)."""

import tempfile
from pathlib import Path

from flask import Blueprint, abort, render_template, send_file
from flask_login import current_user

from household_forms.accounts import EmptyForm
from survey_app.access import roles_required, staff_commune
from survey_app.accounts.models import STAFF
from survey_app.admin.picker import pick_commune
from survey_app.backup import commune as commune_backup
from survey_app.timeutil import vn_today

bp = Blueprint("backup", __name__, url_prefix="/quan-ly/sao-luu")


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def download():
    commune = staff_commune()
    if commune is None:
        return pick_commune("backup.download")
    form = EmptyForm()
    if not form.is_submitted():
        return render_template("backup/download.html", commune=commune, form=form)
    if not form.validate_on_submit():
        abort(400)
    handle = tempfile.NamedTemporaryFile(prefix="sao-luu-", suffix=".zip", delete=False)
    handle.close()
    path = Path(handle.name)
    commune_backup.write(current_user, commune, path)
    name = f"sao-luu-{commune.token[:8]}-{vn_today():%Y-%m-%d}.zip"
    response = send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)
    response.call_on_close(lambda: path.unlink(missing_ok=True))
    return response
