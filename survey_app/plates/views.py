"""Door plates: /h/<token> (what the QR opens), the printed sheet of a thôn, one household's
plate (renew, revoke) and the phone's offline map /api/sync/plates."""

import hashlib
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from household_forms.accounts import EmptyForm
from survey_app.access import (
    get_household_or_404,
    get_village_or_404,
    roles_required,
    visible_or_404,
)
from survey_app.accounts.models import LEADERS
from survey_app.compression import gzip_response
from survey_app.plates import services

bp = Blueprint("plates", __name__)

PRINTERS = LEADERS
printers_only = roles_required(*PRINTERS)


@bp.get("/h/<plate_token>")
@login_required
def open_plate(plate_token):
    """A scanned plate: on to the household's page, or the plain 404 that tells nothing."""
    household = visible_or_404(
        services.household_for_token(plate_token), lambda household: household.village_id
    )
    return redirect(url_for("households.household", household_token=household.token))


@bp.get("/thon/<village_token>/bien-so")
@printers_only
def sheet(village_token):
    """The print view: A4 sheets of labels. Households without a plate get one now."""
    village = get_village_or_404(village_token)
    labels = _labels(village)
    return render_template(
        "plates/sheet.html",
        village=village,
        labels=labels,
        pages=services.pages(labels),
        base_url=services.public_base_url(),
    )


@bp.get("/thon/<village_token>/bien-so.pdf")
@printers_only
def sheet_pdf(village_token):
    village = get_village_or_404(village_token)
    pdf = services.sheet_pdf(village, _labels(village))
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="bien-so-{village.token}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _labels(village):
    services.issue_missing(current_user, village)
    return services.sheet_labels(village)


@bp.get("/ho/<household_token>/bien-so")
@printers_only
def household_plate(household_token):
    household = get_household_or_404(household_token)
    plate = services.active_plate(household.id)
    label = f"Mã QR trên biển của hộ {household.ma_ho}"
    return render_template(
        "plates/household.html",
        household=household,
        plate=plate,
        plate_qr=plate and services.qr_svg(services.plate_url(plate.token), label),
        form=EmptyForm(),
    )


@bp.post("/ho/<household_token>/bien-so/cap-moi")
@printers_only
def renew(household_token):
    household = get_household_or_404(household_token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.renew(current_user, household)
    flash(f"Đã cấp biển mới cho hộ {household.ma_ho}. Biển cũ không còn mở được.", "success")
    return redirect(url_for("plates.household_plate", household_token=household.token))


@bp.post("/ho/<household_token>/bien-so/thu-hoi")
@printers_only
def revoke(household_token):
    household = get_household_or_404(household_token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if services.revoke(current_user, household):
        message = f"Đã thu hồi biển của hộ {household.ma_ho}. Mã trên biển không còn mở được."
        flash(message, "success")
    else:
        flash("Hộ này không có biển nào đang dùng.", "info")
    return redirect(url_for("plates.household_plate", household_token=household.token))


@bp.get("/api/sync/plates")
def sync_plates():
    """{plate token: household token} for the phone, so a plate scanned offline still opens."""
    if not current_user.is_authenticated:
        response = Response(
            json.dumps({"error": "unauthenticated", "message": "Phiên đăng nhập đã hết."}),
            status=401,
            mimetype="application/json",
        )
    else:
        body = json.dumps(services.plate_map(current_user), separators=(",", ":"))
        response = Response(body, mimetype="application/json")
        response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:20])
        response.make_conditional(request)
    response.headers["Cache-Control"] = "no-store"
    return gzip_response(response, ("application/json",), min_bytes=1024)
