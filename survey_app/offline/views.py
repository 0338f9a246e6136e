"""Offline support for phones: the service worker at the root scope, and the conflict screen.

The worker script is served from ``/sw.js`` (not ``/static/``) so that it may control every page.
Its cache name carries a hash of the shell files, so any change to them installs a new worker.
"""

import hashlib
import json
import re
from functools import cache

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from survey_app.compression import gzip_response, minified

bp = Blueprint("offline", __name__)

# The pages that work without network (the volunteer's): only these carry the sync bar and the
# offline script, and the service worker keeps and answers exactly these (its PAGE_PATH is built
# from their URL rules). Every other page needs the network and says so when offline.
OFFLINE_ENDPOINTS = (
    "households.my_villages",
    "households.village",
    "households.new_household",
    "households.household",
    "offline.conflicts",
)

# Files every page needs (base.html loads sync.js before offline.js); precached by the worker and
# then served from the phone. The conflict screen's script is not here: a conflict only ever
# arrives online, and the worker keeps that script (cache-first on /static/) the first time the
# screen opens.
SHELL = (
    "css/app.css",
    "js/rules.js",
    "js/household.js",
    "js/village.js",
    "js/sync.js",
    "js/offline.js",
    "manifest.webmanifest",
    "icons/icon.svg",
)


@cache
def _read(path: str) -> bytes:
    with current_app.open_resource(path) as handle:
        return handle.read()


def shell_version() -> str:
    """A short hash of the worker and the shell files: changes whenever one of them does."""
    digest = hashlib.sha256()
    for name in ("sw.js", *SHELL):
        digest.update(_read_fresh(name))
    return digest.hexdigest()[:12]


def _read_fresh(name: str) -> bytes:
    # Read on each request in debug so edits show up; cached in production (files never change).
    path = f"{current_app.static_folder}/{name}"
    if current_app.debug or current_app.testing:
        with open(path, "rb") as handle:
            return handle.read()
    return _read(path)


@bp.get("/sw.js")
def service_worker():
    """The service worker, with the shell list and version filled in, never cached by HTTP."""
    source = minified("sw.js", _read_fresh("sw.js")).decode()
    source = source.replace("__VERSION__", shell_version()).replace(
        '"__SHELL__"', ", ".join(f'"/static/{name}"' for name in SHELL)
    )
    source = source.replace('"__PAGE_PATH__"', json.dumps(page_path_pattern()))
    response = make_response(source)
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return gzip_response(response, ("text/javascript",))


def page_path_pattern() -> str:
    """One regular expression (JavaScript syntax) matching the paths of OFFLINE_ENDPOINTS."""
    parts = []
    for rule in current_app.url_map.iter_rules():
        if rule.endpoint in OFFLINE_ENDPOINTS:
            pieces = re.split(r"<[^>]+>", rule.rule)
            parts.append("[^/]+".join(re.escape(piece) for piece in pieces))
    return "^(" + "|".join(sorted(parts)) + ")$"


@bp.app_context_processor
def offline_page():
    """``works_offline``: this page is one of OFFLINE_ENDPOINTS (base.html adds the sync bar)."""
    # Templates are also rendered outside requests (PDF exports from the CLI): no bar there.
    works = (
        has_request_context()
        and request.endpoint in OFFLINE_ENDPOINTS
        and current_user.is_authenticated
    )
    return {"works_offline": works, "sync_config": sync_config() if works else None}


def sync_config() -> dict:
    """What offline.js and sync.js need from the server: limits, addresses, the offline pages."""
    from survey_app.sync.views import client_limits

    token = "__token__"  # offline.js puts a household's or a village's token in its place
    urls = {
        "session": url_for("sync.session"),
        "push": url_for("sync.push"),
        "pull": url_for("sync.pull"),
        "plates": url_for("plates.sync_plates"),
        "login": url_for("accounts.login"),
        "conflicts": url_for("offline.conflicts"),
        "villages": url_for("households.my_villages"),
        "village": url_for("households.village", village_token=token),
        "new_household": url_for("households.new_household", village_token=token),
        "household": url_for("households.household", household_token=token),
    }
    limits = client_limits()
    return {
        "user": current_user.username,
        "urls": urls,
        "limits": {k: limits[k] for k in ("max_changes", "pull_max_limit")},
        "pages": page_path_pattern(),
    }


@bp.get("/dong-bo/xung-dot")
@login_required
def conflicts():
    """The conflict screen; filled in by offline.js from the phone's queue."""
    return render_template("offline/conflicts.html", labels=conflict_labels())


def conflict_labels() -> dict:
    """Field and value labels for the conflict screen, from the survey's vocabulary."""
    from survey_app.households.vocabulary import (
        CU_TRU,
        GIOI_TINH,
        HOUSEHOLD_YESNO,
        PERSON_YESNO,
        VNEID,
    )

    household = {"ma_ho": "Mã hộ", "chu_ho": "Họ tên chủ hộ", "dia_chi": "Địa chỉ"}
    household |= {"so_dien_thoai": "Số điện thoại", **HOUSEHOLD_YESNO}
    member = {"ho_ten": "Họ và tên", "ngay_sinh": "Ngày sinh", "gioi_tinh": "Giới tính"}
    member |= {"quan_he": "Quan hệ với chủ hộ", "cu_tru": "Tình trạng cư trú", "vneid": "VNeID"}
    return {
        "household": household,
        "member": {**member, **PERSON_YESNO},
        "values": {**GIOI_TINH, **CU_TRU, **VNEID},
    }
