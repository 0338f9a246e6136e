"""The menu every signed-in page shows, and links to areas that may not be installed."""

from flask import Flask, current_app, has_request_context, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from survey_app.accounts.models import LEADERS, ROLES, STAFF, VILLAGE_HEAD, VOLUNTEER

# (endpoint, label, roles). Only endpoints that exist are shown, so other areas can land later.
NAV = (
    ("households.my_villages", "Thôn của tôi", ROLES),
    ("reports.commune_dashboard", "Kết quả của xã", STAFF),
    ("reports.home", "Kết quả, cần hỗ trợ", (VILLAGE_HEAD, VOLUNTEER)),
    ("admin.villages", "Quản lý thôn", STAFF),
    ("admin.users", "Người dùng", STAFF),
    ("imports.upload", "Nhập dữ liệu", STAFF),
    ("duplicates.index", "Người trùng", STAFF),
    ("exports.index", "Xuất danh sách", LEADERS),
    ("auditing.log", "Nhật ký thao tác", STAFF),
    ("privacy.people", "Dữ liệu một người", STAFF),
    ("backup.download", "Sao lưu dữ liệu", STAFF),
    ("privacy.policy", "Chính sách dữ liệu", ROLES),
    ("devices.index", "Thiết bị đăng nhập", LEADERS),
)


def menu() -> dict:
    """The signed-in user's menu links, for base.html."""
    # Templates are also rendered outside requests (PDF exports from the CLI): no user, no menu.
    if not has_request_context() or not current_user.is_authenticated:
        return {"nav_links": []}
    links = []
    for endpoint, label, roles in NAV:
        url = current_user.role in roles and url_if_exists(endpoint)
        if url:
            links.append((url, label, request.endpoint == endpoint))
    return {"nav_links": links}


def url_if_exists(endpoint: str, **values) -> str | None:
    """The URL of ``endpoint``, or None when that area is not installed or needs other values."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:  # the endpoint needs a place we do not have here
        return None


def register(app: Flask) -> None:
    app.context_processor(menu)
