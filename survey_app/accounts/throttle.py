"""Sign-in throttling (Flask-Limiter) and the equal-time answer for unknown usernames.

Only failed attempts count, per account and per address; once a limit is reached every attempt
is refused with 429 until the window passes, the right password too. Storage is memory by
default, Redis in production (RATELIMIT_STORAGE_URI, e.g. ``redis://localhost:6379/0``).
"""

from flask import current_app, g, render_template, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address

from survey_app.accounts import passwords

FAILED = "_signin_failed"


def account_key() -> str:
    """The username as the sign-in form sent it, normalised as the lookup normalises it."""
    return "account:" + request.form.get("username", "").strip().lower()[:64]


def address_key() -> str:
    return "address:" + get_remote_address()


def mark_failed() -> None:
    """Count this request against the sign-in limits (the view calls it on a refusal)."""
    g.setdefault(FAILED, True)


def failed(_response) -> bool:
    return bool(g.get(FAILED))


def per_account() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"]


def per_address() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_ADDRESS"]


def check_unknown(password: str) -> None:
    """Hash ``password`` against a dummy hash made with the real settings, so an unknown
    username costs the same time as a known one (no user enumeration by timing)."""
    passwords.matches(_dummy_hash(), password)


def _dummy_hash() -> str:
    method = passwords.method()
    cache = current_app.extensions.setdefault("signin_dummy_hash", {})
    if method not in cache:
        cache[method] = passwords.make("không-phải-mật-khẩu")
    return cache[method]


def too_many(exc: RateLimitExceeded):
    """A Vietnamese 429 page; Flask-Limiter adds Retry-After to it."""
    window = exc.limit.limit.get_expiry() if exc.limit else 900
    minutes = max(1, round(window / 60))
    text = (
        f"Đã thử đăng nhập sai quá nhiều lần. Hãy đợi khoảng {minutes} phút rồi thử lại, "
        "hoặc nhờ cán bộ xã cấp mã QR đăng nhập."
    )
    return render_template("errors.html", code=429, title="Tạm khóa đăng nhập", text=text), 429


# Which views are throttled, by which limits. Both are checked on POST and counted on failure.
LIMITS = {
    "accounts.login": ((per_account, account_key), (per_address, address_key)),
    "devices.qr_signin": ((per_address, address_key),),  # its secret cannot be guessed anyway
}


def register(app) -> None:
    """Give ``app`` its own limiter (its own store and switch: no state shared between apps),
    wrap the sign-in views in their limits and install the 429 page. After the blueprints."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    # The wrappers hold the limiter weakly, and a disabled one is not kept by Flask-Limiter.
    app.extensions["signin_limiter"] = limiter
    for endpoint, limits in LIMITS.items():
        view = app.view_functions[endpoint]
        for limit, key in limits:
            view = limiter.limit(limit, key_func=key, methods=["POST"], deduct_when=failed)(view)
        app.view_functions[endpoint] = view
    app.register_error_handler(RateLimitExceeded, too_many)
