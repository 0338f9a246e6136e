"""Settings: defaults, then environment / instance folder, then test overrides, then checks."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from household_forms.query import whole_number
from survey_app import timeutil


class Defaults:
    SQLALCHEMY_DATABASE_URI = None  # filled from DATABASE_URL or the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None  # a volunteer may keep a form open for hours between houses
    SESSION_COOKIE_HTTPONLY = True
    # Secure unless SESSION_COOKIE_SECURE=0 (make run's plain-HTTP demo): a session cookie sent
    # over plain HTTP on a commune's Wi-Fi is a signed-in session for whoever listens.
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Both bounds hold on the server too: each sign-in is a row with its own expiry
    # (survey_app/devices/sessions.py), whatever the cookie says.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    SIGNED_IN_LIFETIME = timedelta(hours=12)  # a sign-in without "Ghi nhớ"
    SIGNIN_CODE_LIFETIME = timedelta(minutes=15)  # a sign-in QR
    # Sign-in throttling (Flask-Limiter): failed attempts only; memory here, Redis in production.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on the 429 answer
    SIGNIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"
    # One commune office or mobile carrier may put many volunteers behind one address.
    SIGNIN_LIMIT_PER_ADDRESS = "60 per 15 minutes"
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # import files
    # Page imports of larger files run as background jobs with progress (imports/jobs.py).
    IMPORT_INLINE_BYTES = 256 * 1024
    # An import stops with a message past these (survey_app/imports/reading.py).
    IMPORT_MAX_ROWS = 50_000
    IMPORT_MAX_COLUMNS = 100
    HOUSEHOLDS_PER_PAGE = 50
    # Start of the links printed in door-plate QR codes ("https://khaosat.example.vn"); unset:
    # the host of the request that prints the sheet (survey_app/plates/services.py).
    PUBLIC_BASE_URL = None
    # Days `flask sync prune` keeps the changes phones pushed (they hold personal data).
    SYNC_RETENTION_DAYS = 180
    # Reverse proxies in front of gunicorn whose X-Forwarded-For is trusted (0: none); the
    # sign-in throttle counts per address and must see the phone's, not the proxy's.
    TRUSTED_PROXY_COUNT = 0
    # True (the tests): a background job runs inside the request that starts it, no worker.
    QUEUE_IMMEDIATE = False
    # Where `flask worker` writes a whole-database backup each night (unset: none).
    BACKUP_DIR = None


MIN_SYNC_RETENTION_DAYS = 7  # a phone offline for a week can still replay its changes


def sync_retention_days() -> int | None:
    """SYNC_RETENTION_DAYS from the environment (None when unset); refuses nonsense early."""
    raw = os.environ.get("SYNC_RETENTION_DAYS")
    if not raw:
        return None
    days = whole_number(raw)
    if days is None or days < MIN_SYNC_RETENTION_DAYS:
        raise ValueError(
            f"SYNC_RETENTION_DAYS must be a whole number of days >= {MIN_SYNC_RETENTION_DAYS}"
        )
    return days


def _secret_key(instance_path: str) -> str:
    """Use SECRET_KEY from the environment, else one generated once into the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def normalise_db_url(url: str) -> str:
    """Accept plain postgres:// URLs and select the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(app, overrides: dict | None) -> None:
    """Fill app.config in order: defaults, environment, overrides; then validate."""
    app.config.from_object(Defaults)
    timeutil.check_zone()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "survey.db")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(url)
    if os.environ.get("SESSION_COOKIE_SECURE") == "0":
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    retention = sync_retention_days()
    if retention is not None:
        app.config["SYNC_RETENTION_DAYS"] = retention
    for name in ("IMPORT_MAX_ROWS", "IMPORT_MAX_COLUMNS", "IMPORT_INLINE_BYTES"):
        number = whole_number(os.environ.get(name))
        if number is not None:
            app.config[name] = number
    if os.environ.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
    if os.environ.get("TRUSTED_PROXY_COUNT"):
        app.config["TRUSTED_PROXY_COUNT"] = int(os.environ["TRUSTED_PROXY_COUNT"])
    for name in ("BACKUP_DIR", "EXPORTS_DIR", "IMPORTS_DIR"):  # web and worker share these
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("PUBLIC_BASE_URL"):
        app.config["PUBLIC_BASE_URL"] = os.environ["PUBLIC_BASE_URL"]
    if os.environ.get("PASSWORD_HASH_METHOD"):  # "argon2id" (default) or a werkzeug method
        app.config["PASSWORD_HASH_METHOD"] = os.environ["PASSWORD_HASH_METHOD"]
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
