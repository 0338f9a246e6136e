"""Door plates: issue, renew, revoke, resolve a scanned token; the printed sheet (HTML and PDF).

Services flush and audit; the request commits. None of them touches the household row: a new
plate must not bump household.version, or every volunteer's offline edit of that household
would come back as a false conflict.
"""

import re
from dataclasses import dataclass
from html import escape

import qrcode
import qrcode.image.svg
from flask import current_app, has_request_context, render_template, request
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select

from survey_app import audit
from survey_app.access import village_ids_stmt
from survey_app.extensions import db
from survey_app.households.models import Household
from survey_app.plates.models import DoorPlate
from survey_app.timeutil import utcnow

DEFAULT_BASE_URL = "http://localhost:8000"  # the CLI and tests, outside any request
LABELS_PER_PAGE = 24  # 3 columns × 8 rows on A4


# ---- writing ---------------------------------------------------------------------------------


def active_plate(household_id: int) -> DoorPlate | None:
    return db.session.scalar(
        select(DoorPlate).where(
            DoorPlate.household_id == household_id, DoorPlate.revoked_at.is_(None)
        )
    )


def _issue(actor, household_id: int) -> DoorPlate:
    plate = DoorPlate(household_id=household_id, created_by_id=getattr(actor, "id", None))
    db.session.add(plate)
    return plate


def issue_missing(actor, village) -> list[DoorPlate]:
    """Give a plate to every household of ``village`` that has no active one (printing does)."""
    have = select(DoorPlate.household_id).where(DoorPlate.revoked_at.is_(None))
    missing = db.session.execute(
        select(Household.id, Household.token).where(
            Household.village_id == village.id,
            Household.removed_at.is_(None),
            Household.id.not_in(have),
        )
    ).all()
    plates = [_issue(actor, household_id) for household_id, _ in missing]
    if plates:
        db.session.flush()
        audit.record(
            actor,
            "plates_issue",
            "village",
            village.token,
            count=len(plates),
            households=[token for _, token in missing],
        )
    return plates


def plate_for(actor, household: Household) -> DoorPlate:
    """The household's active plate, issued now if it has none."""
    plate = active_plate(household.id)
    if plate is None:
        plate = _issue(actor, household.id)
        db.session.flush()
        audit.record(actor, "plate_issue", "household", household.token)
    return plate


def revoke(actor, household: Household) -> DoorPlate | None:
    """Revoke the household's active plate ("Thu hồi"): its QR then opens nothing."""
    plate = active_plate(household.id)
    if plate is None:
        return None
    plate.revoked_at = utcnow()
    plate.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "plate_revoke", "household", household.token, plate_id=plate.id)
    return plate


def renew(actor, household: Household) -> DoorPlate:
    """Revoke the active plate (if any) and issue a new one ("Cấp biển mới")."""
    old = revoke(actor, household)
    plate = _issue(actor, household.id)
    db.session.flush()
    audit.record(
        actor,
        "plate_renew",
        "household",
        household.token,
        plate_id=plate.id,
        revoked_plate_id=old.id if old else None,
    )
    return plate


# ---- reading ---------------------------------------------------------------------------------


def household_for_token(token: str) -> Household | None:
    """The household of an active plate with ``token``; None if unknown or revoked."""
    return db.session.scalar(
        select(Household)
        .join(DoorPlate, DoorPlate.household_id == Household.id)
        .where(DoorPlate.token == token, DoorPlate.revoked_at.is_(None))
    )


def plate_map(user) -> dict[str, str]:
    """{plate token: household token} of every active plate the user may open (for the phone)."""
    rows = db.session.execute(
        select(DoorPlate.token, Household.token)
        .join(Household, Household.id == DoorPlate.household_id)
        .where(DoorPlate.revoked_at.is_(None), Household.village_id.in_(village_ids_stmt(user)))
        .order_by(DoorPlate.id)
    )
    return {plate: household for plate, household in rows}


def public_base_url() -> str:
    """PUBLIC_BASE_URL, else the host of the current request, else a local default."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEFAULT_BASE_URL


def plate_url(token: str) -> str:
    return f"{public_base_url()}/h/{token}"


# ---- the printed sheet -----------------------------------------------------------------------


@dataclass
class Label:
    plate: DoorPlate
    household: Household
    url: str

    @property
    def qr_svg(self) -> str:
        return qr_svg(self.url, f"Mã QR của hộ {self.household.ma_ho}")


def sheet_labels(village) -> list[Label]:
    """One label per household of the village (active plate), in mã hộ order."""
    rows = db.session.execute(
        select(DoorPlate, Household)
        .join(Household, Household.id == DoorPlate.household_id)
        .where(Household.village_id == village.id, DoorPlate.revoked_at.is_(None))
    ).all()
    labels = [Label(plate, household, plate_url(plate.token)) for plate, household in rows]
    return sorted(labels, key=lambda label: _natural_key(label.household.ma_ho))


def _natural_key(text: str) -> list:
    return [(0, int(p), "") if p.isdecimal() else (1, 0, p) for p in re.split(r"(\d+)", text)]


def pages(labels: list[Label], per_page: int = LABELS_PER_PAGE) -> list[list[Label]]:
    return [labels[i : i + per_page] for i in range(0, len(labels), per_page)] or [[]]


def qr_code(url: str, box_size: int = 10) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=box_size)
    code.add_data(url)
    code.make(fit=True)
    return code


_SIZE = re.compile(r' (width|height)="[^"]*"')
_SQUARE = re.compile(r"M(\d+),(\d+)H\d+V\d+H\d+z")


def _runs(path: str) -> str:
    """qrcode's path draws one square per dark module; join each row's neighbours into one
    rectangle: 3–4× less markup, and the PDF renderer draws a sheet several times faster."""
    squares = sorted((int(y), int(x)) for x, y in _SQUARE.findall(path))
    out, start, prev = [], None, None
    for y, x in [*squares, (None, None)]:
        if prev is not None and (y, x) == (prev[0], prev[1] + 1):
            prev = (y, x)
            continue
        if start is not None:
            out.append(f"M{start[1]},{start[0]}h{prev[1] - start[1] + 1}v1H{start[1]}z")
        start = prev = (y, x) if y is not None else None
    return "".join(out)


def qr_svg(url: str, label: str) -> str:
    """The QR of ``url`` as an inline <svg> (one path), sized by CSS, with an accessible name."""
    image = qr_code(url).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg = _SIZE.sub("", image.to_string(encoding="unicode"), count=2)
    svg = re.sub(r' d="([^"]*)"', lambda m: f' d="{_runs(m.group(1))}"', svg, count=1)
    svg = svg.replace(' id="qr-path"', "", 1)  # many QRs share a page: no repeated id
    return svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{escape(label)}" ', 1)


def qr_png(url: str, box_size: int = 8) -> bytes:
    """The same QR as a PNG (PIL), e.g. for a single plate."""
    from io import BytesIO

    out = BytesIO()
    qr_code(url, box_size).make_image().save(out, format="PNG")
    return out.getvalue()


def sheet_pdf(village, labels: list[Label]) -> bytes:
    """The A4 sheet as a PDF (WeasyPrint, DejaVu Sans), same labels as the print view."""
    from weasyprint import CSS, HTML

    html = render_template("plates/sheet_pdf.html", village=village, pages=pages(labels))
    css = CSS(filename=f"{current_app.static_folder}/css/plates.css")
    return HTML(string=html).write_pdf(stylesheets=[css])
