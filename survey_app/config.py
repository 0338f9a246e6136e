"""Settings: defaults, then environment / instance folder, then test overrides, then checks."""

import os
import secrets
from pathlib import Path


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
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024  # import files
    HOUSEHOLDS_PER_PAGE = 50
    # Start of the links printed in door-plate QR codes ("https://khaosat.example.vn"); unset:
    # the host of the request that prints the sheet (survey_app/plates/services.py).
    PUBLIC_BASE_URL = None


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
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(app.instance_path) / "survey.db")
    )
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(url)
    if os.environ.get("SESSION_COOKIE_SECURE") == "0":
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
    if os.environ.get("PUBLIC_BASE_URL"):
        app.config["PUBLIC_BASE_URL"] = os.environ["PUBLIC_BASE_URL"]
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
