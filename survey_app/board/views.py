"""The public notice board of a village (no sign-in), its Zalo card and A4 poster; and the
officer's switch that puts it on or takes it off."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from household_forms.accounts import EmptyForm
from survey_app.access import get_village_or_404, roles_required
from survey_app.accounts.models import STAFF
from survey_app.board import card, services
from survey_app.plates.services import qr_svg
from survey_app.transactions import attempt

bp = Blueprint("board", __name__)
CACHE = "public, max-age=600"  # figures change slowly; a shared link is opened many times


def _village_or_404(token: str):
    village = services.board_for(token)
    if village is None:
        abort(404)
    return village


@bp.get("/bang-tin/<token>")
def page(token):
    village = _village_or_404(token)
    board = services.figures(village)
    url = services.board_url(village)
    response = Response(render_template("board/page.html", board=board, token=token, url=url))
    response.headers["Cache-Control"] = CACHE
    return response


@bp.get("/bang-tin/<token>/the-zalo.png")
def zalo_card(token):
    village = _village_or_404(token)
    png = card.card_png(services.figures(village), services.board_url(village))
    name = f"bang-tin-{token[:8]}.png"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": CACHE}
    return Response(png, mimetype="image/png", headers=headers)


@bp.get("/bang-tin/<token>/ap-phich.pdf")
def poster(token):
    """An A4 poster for the nhà văn hóa: the board's figures and its QR code."""
    from weasyprint import CSS, HTML

    village = _village_or_404(token)
    url = services.board_url(village)
    html = render_template(
        "board/poster.html",
        board=services.figures(village),
        url=url,
        qr=qr_svg(url, f"Mã QR bảng tin {village.name}"),
    )
    css = CSS(filename=f"{current_app.static_folder}/css/poster.css")
    pdf = HTML(string=html).write_pdf(stylesheets=[css])
    headers = {"Content-Disposition": f'inline; filename="ap-phich-{token[:8]}.pdf"'}
    return Response(pdf, mimetype="application/pdf", headers=headers)


@bp.post("/quan-ly/thon/<village_token>/bang-tin")
@roles_required(*STAFF)
def switch(village_token):
    """Put the village's board on (``bat=1``) or take it off."""
    village = get_village_or_404(village_token)
    public = request.form.get("bat") == "1"
    if EmptyForm().validate_on_submit() and attempt(
        lambda: services.set_public(current_user, village, public)
    ):
        state = "đang công khai" if public else "đã tắt (đường dẫn không mở được nữa)"
        flash(f"Bảng tin {village.name} {state}.", "success")
    return redirect(url_for("admin.village", village_token=village.token))
