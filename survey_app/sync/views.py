"""The sync API for phones: /api/sync/session, /api/sync/pull, /api/sync/push (docs/sync-api.md).

Every answer is JSON, errors too: a phone whose session ran out gets 401 (not the login page)
so it keeps its queue and asks the volunteer to sign in again.
"""

import json

from flask import abort, current_app, jsonify, request
from flask_login import current_user
from flask_smorest import Blueprint
from flask_wtf.csrf import CSRFError, generate_csrf
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from household_forms.sync import MAX_MEMBERS, HouseholdOut, flatten_errors, iso_utc
from household_forms.sync_api import ErrorOut, PullArgs, PullOut, PushIn, PushOut, SessionOut
from survey_app.access import visible_villages_stmt
from survey_app.compression import gzip_response
from survey_app.extensions import csrf, db
from survey_app.places.models import Village
from survey_app.sync import cli, feed, services
from survey_app.sync.openapi import document
from survey_app.timeutil import utcnow
from survey_app.transactions import unit_of_work

bp = Blueprint(
    "sync",
    __name__,
    url_prefix="/api/sync",
    description="Đồng bộ cho điện thoại: tải hộ về (pull), gửi thay đổi lên (push).",
)
# CSRF is checked below, after the sign-in check, so an expired session answers 401, not 400.
csrf.exempt(bp)

LIMITS = {
    "SYNC_MAX_CHANGES": 100,
    "SYNC_MAX_BODY_BYTES": 1024 * 1024,
    "SYNC_PULL_LIMIT": 100,
    "SYNC_PULL_MAX_LIMIT": 500,
}
MESSAGES = {
    400: "Dữ liệu gửi lên không đúng dạng.",
    401: "Phiên đăng nhập đã hết. Hãy đăng nhập lại; các thay đổi chờ gửi vẫn còn trên máy.",
    403: "Mã bảo vệ (CSRF) thiếu hoặc không đúng. Hãy lấy mã mới rồi gửi lại.",
    404: "Không tìm thấy.",
    405: "Phương thức không được hỗ trợ.",
    413: "Dữ liệu gửi lên quá lớn. Hãy gửi ít thay đổi hơn mỗi lần.",
    415: "Hãy gửi JSON (Content-Type: application/json).",
    422: "Tham số không hợp lệ.",
    503: "Máy chủ đang bận. Hãy thử lại sau ít phút.",
}


def limit(name: str) -> int:
    return current_app.config.get(name, LIMITS[name])


def client_limits() -> dict:
    """The limits a client keeps to; sent by the session answer and the pages' #sync-config."""
    return {
        "max_changes": limit("SYNC_MAX_CHANGES"),
        "max_body_bytes": limit("SYNC_MAX_BODY_BYTES"),
        "max_members": MAX_MEMBERS,
        "pull_limit": limit("SYNC_PULL_LIMIT"),
        "pull_max_limit": limit("SYNC_PULL_MAX_LIMIT"),
    }


def error(status: int, code: str, message: str | None = None, **extra):
    response = jsonify(error=code, message=message or MESSAGES.get(status, ""), **extra)
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response


@bp.before_request
def _signed_in_and_csrf():
    if not current_user.is_authenticated or not current_user.is_active:
        return error(401, "unauthenticated")
    if request.method == "POST":
        request.max_content_length = limit("SYNC_MAX_BODY_BYTES")
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
    return None


@bp.after_request
def _no_store_and_gzip(response):
    """Personal data: no HTTP cache (nor service worker cache) keeps it. Pages of households
    shrink about 8× with gzip (570 KB → 73 KB for a thôn of 360), which counts on weak 3G."""
    response.headers["Cache-Control"] = "no-store"
    return gzip_response(response, ("application/json",), min_bytes=1024)


@bp.errorhandler(CSRFError)
def _csrf_error(exc):
    return error(403, "csrf")


@bp.errorhandler(HTTPException)
def _http_error(exc):
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages:  # webargs: {"query": {"limit": [...]}}
        errors = flatten_errors(messages.get("query", messages))
        return error(exc.code, "invalid_parameters", errors=errors)
    code = "too_large" if exc.code == 413 else exc.name.lower().replace(" ", "_")
    return error(exc.code, code, data.get("message"))


@bp.errorhandler(OperationalError)
def _database_busy(exc):
    """A locked SQLite file or a lost connection: the phone should simply retry later."""
    current_app.logger.warning("sync: database unavailable: %s", exc)
    return error(503, "busy")


def _villages() -> list[Village]:
    stmt = visible_villages_stmt(current_user).options(selectinload(Village.commune))
    return list(db.session.scalars(stmt))


def _village_json(village: Village) -> dict:
    return {"token": village.token, "name": village.name, "commune": village.commune.name}


@bp.route("/session", methods=["GET"])
@bp.response(200, SessionOut)
@bp.alt_response(401, schema=ErrorOut)
def session():
    """Who is signed in, a fresh CSRF token, the user's villages and the API's limits."""
    user = current_user
    return jsonify(
        user={
            "username": user.username,
            "full_name": user.full_name,
            "role": user.role,
            "role_label": user.role_label,
        },
        csrf_token=generate_csrf(),
        villages=[_village_json(v) for v in _villages()],
        limits=client_limits(),
        server_time=iso_utc(utcnow()),
    )


@bp.route("/pull", methods=["GET"])
@bp.arguments(PullArgs, location="query")
@bp.response(200, PullOut)
@bp.alt_response(401, schema=ErrorOut)
@bp.alt_response(404, schema=ErrorOut, description="`village` is not one of the user's")
def pull(args: dict):
    """Households of the user's villages changed since the cursor, and removals; paginated."""
    villages = everywhere = _villages()
    if args.get("village"):
        villages = [v for v in everywhere if v.token == args["village"]]
        if not villages:
            return error(404, "not_found", "Không tìm thấy thôn này trong các thôn bạn được giao.")
    try:
        cursor = feed.decode_cursor(current_app.secret_key, args.get("since"))
    except feed.CursorError:
        return error(422, "invalid_parameters", errors={"since": ["Con trỏ không hợp lệ."]})
    size = min(args.get("limit") or limit("SYNC_PULL_LIMIT"), limit("SYNC_PULL_MAX_LIMIT"))
    with unit_of_work():  # a cursor may only point at committed feed numbers
        feed.catch_up(villages)
    page = feed.read_page(villages, cursor, size)
    return jsonify(
        villages=[_village_json(v) for v in everywhere],
        households=HouseholdOut(many=True).dump(page.households),
        removed=page.removed,
        reset=[v.token for v in page.reset],
        cursor=feed.encode_cursor(current_app.secret_key, page.cursor),
        more=page.more,
    )


@bp.route("/push", methods=["POST"])
@bp.doc(
    requestBody={"required": True, "content": {"application/json": {"schema": PushIn}}},
    security=[{"session": [], "csrf": []}],
)
@bp.response(200, PushOut, description="One result per change, in the order sent")
@bp.alt_response(400, schema=ErrorOut, description='Not JSON, or not {"changes": [...]}')
@bp.alt_response(401, schema=ErrorOut)
@bp.alt_response(403, schema=ErrorOut, description="CSRF token missing or wrong")
@bp.alt_response(413, schema=ErrorOut, description="Body or number of changes over the limit")
@bp.alt_response(503, schema=ErrorOut, description="Database busy: retry (Retry-After)")
def push():
    """Apply queued changes, each exactly once; a replayed change_id gets its first answer."""
    body = _json_body()
    if (
        not isinstance(body, dict)
        or set(body) != {"changes"}
        or not isinstance(body["changes"], list)
    ):
        return error(400, "bad_request", 'Hãy gửi {"changes": [...]}.')
    if len(body["changes"]) > limit("SYNC_MAX_CHANGES"):
        message = f"Tối đa {limit('SYNC_MAX_CHANGES')} thay đổi mỗi lần gửi."
        return error(413, "too_many_changes", message)
    results = []
    for raw in body["changes"]:
        with unit_of_work():  # each change stands alone: a later failure cannot undo it
            results.append(services.apply_change(current_user, raw))
    return jsonify(results=results)


def _json_body():
    """The request's JSON (any value), or a 400/413/415 HTTPException."""
    if not request.is_json:
        abort(415)
    data = request.get_data(cache=False)  # 413 over SYNC_MAX_BODY_BYTES
    try:
        return json.loads(data)
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, absurdly deep nesting
        abort(400)


cli.register(bp)
document(bp)
