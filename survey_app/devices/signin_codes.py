"""Sign-in QR codes: issued by staff for one volunteer, used once, within 15 minutes.

The secret in the QR is HMAC-SHA256(SECRET_KEY, code token): 256 bits nobody can compute from
the database, which stores only its SHA-256. Deriving it lets the issuer's page draw the QR
again (a plain GET of a PNG) without the secret ever being written down.
"""

import hashlib
import hmac
import io
from base64 import urlsafe_b64encode

import qrcode
from flask import current_app
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select, update

from survey_app import audit
from survey_app.accounts.models import User
from survey_app.devices import scope
from survey_app.devices.models import SignInCode
from survey_app.devices.sessions import secret_hash
from survey_app.extensions import db
from survey_app.plates.services import public_base_url
from survey_app.timeutil import utcnow
from survey_app.tokens import new_token


class CodeError(ValueError):
    """A sign-in code that cannot be issued or used, with a message for the person."""


UNUSABLE = "Mã đăng nhập này không dùng được nữa (đã dùng, hết hạn hoặc bị thu hồi)."


def secret_for(token: str) -> str:
    """The QR's secret for the code with ``token`` (43 URL-safe characters)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"signin-code:" + token.encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def signin_url(code: SignInCode) -> str:
    """The link the QR holds."""
    return f"{public_base_url()}/dang-nhap/qr/{secret_for(code.token)}"


def issue(actor: User, volunteer: User) -> SignInCode:
    """A new sign-in code for ``volunteer``; any earlier unused one is revoked."""
    if not scope.may_issue_code(actor, volunteer):
        raise CodeError("Chỉ cấp mã cho thành viên đang làm việc ở thôn của bạn.")
    for old in pending_for(volunteer.id):
        revoke(actor, old)
    token = new_token()
    code = SignInCode(
        token=token,
        secret_hash=secret_hash(secret_for(token)),
        user_id=volunteer.id,
        issued_by_id=actor.id,
        expires_at=utcnow() + current_app.config["SIGNIN_CODE_LIFETIME"],
    )
    db.session.add(code)
    db.session.flush()
    audit.record(actor, "signin_qr_issue", "user", volunteer.id, code=code.token)
    return code


def pending_for(user_id: int) -> list[SignInCode]:
    """Codes of this user that could still be used."""
    stmt = select(SignInCode).where(
        SignInCode.user_id == user_id,
        SignInCode.used_at.is_(None),
        SignInCode.revoked_at.is_(None),
        SignInCode.expires_at > utcnow(),
    )
    return list(db.session.scalars(stmt))


def revoke(actor: User, code: SignInCode) -> None:
    """Make the code unusable (lost paper, wrong person)."""
    if code.revoked_at is None and code.used_at is None:
        code.revoked_at = utcnow()
        db.session.flush()
        audit.record(actor, "signin_qr_revoke", "user", code.user_id, code=code.token)


def redeem(secret: str) -> SignInCode:
    """Take the code for this secret, once; refused when used, revoked, expired or unknown."""
    code, now = find(secret), utcnow()
    if code is None or not code.usable(now):
        raise CodeError(UNUSABLE)
    # The issuer must still be in charge of the volunteer (moved village head, locked account).
    issuer = code.issued_by
    if issuer is None or not issuer.active or not scope.may_issue_code(issuer, code.user):
        raise CodeError(UNUSABLE)
    # One conditional UPDATE: of two phones scanning at once, only one gets the sign-in.
    taken = db.session.execute(
        update(SignInCode)
        .where(SignInCode.id == code.id, SignInCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise CodeError(UNUSABLE)
    code.used_at = now
    return code


def attach(code: SignInCode, session_id: int) -> None:
    """Remember which session the code opened, and audit its use."""
    code.session_id = session_id
    db.session.flush()
    audit.record(code.user, "signin_qr_use", "user", code.user_id, code=code.token)


def find(secret: str) -> SignInCode | None:
    """The code whose secret this is, whatever its state."""
    stmt = select(SignInCode).where(SignInCode.secret_hash == secret_hash(secret))
    return db.session.scalar(stmt)


def qr_png(url: str) -> bytes:
    """A PNG of ``url`` big enough to scan from another phone's screen."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=8)
    code.add_data(url)
    buffer = io.BytesIO()
    code.make_image().save(buffer)
    return buffer.getvalue()
