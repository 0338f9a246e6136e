"""Khảo sát chuyển đổi số hộ gia đình: the Flask application factory."""

from pathlib import Path

from flask import Flask, redirect, url_for
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app import compression, config, errors, jobs, security
from survey_app.accounts import throttle
from survey_app.extensions import csrf, db, login_manager, migrate
from survey_app.transactions import SurveyApp

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, commands."""
    app = SurveyApp(
        __name__,
        instance_relative_config=True,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load(app, test_config)
    if app.config["TRUSTED_PROXY_COUNT"]:  # the phone's address, for the sign-in throttle
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["TRUSTED_PROXY_COUNT"]
        )

    from survey_app import models  # noqa: F401  (register every table)
    from survey_app.history import capture  # noqa: F401  (versions every household change)

    db.init_app(app)
    jobs.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)

    _register_blueprints(app)
    throttle.register(app)
    _register_commands(app)
    _register_template_helpers(app)
    errors.register(app)
    compression.register(app)
    security.register(app)

    @app.get("/")
    def index():
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login"))
        from survey_app.accounts.models import STAFF

        if current_user.role in STAFF:  # commune staff start from the commune's figures
            return redirect(url_for("reports.commune_dashboard"))
        return redirect(url_for("households.my_villages"))

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


def _register_blueprints(app: Flask) -> None:
    from survey_app.accounts.views import bp as accounts_bp
    from survey_app.households.views import bp as households_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(households_bp)
    for module in _optional_blueprints():
        app.register_blueprint(module.bp)


def _optional_blueprints():
    """Blueprints of other areas, registered here so each area owns its own module."""
    from survey_app.admin import views as admin_views
    from survey_app.assistance import views as assistance_views
    from survey_app.auditing import views as audit_views
    from survey_app.backup import views as backup_views
    from survey_app.board import views as board_views
    from survey_app.devices import views as device_views
    from survey_app.duplicates import views as duplicate_views
    from survey_app.exports import views as export_views
    from survey_app.frozen import views as frozen_views
    from survey_app.history import views as history_views
    from survey_app.imports import views as import_views
    from survey_app.offline import views as offline_views
    from survey_app.operations import views as operation_views
    from survey_app.plates import views as plate_views
    from survey_app.privacy import views as privacy_views
    from survey_app.reports import views as report_views
    from survey_app.rounds import views as round_views
    from survey_app.sync import views as sync_views

    return [
        admin_views,
        import_views,
        operation_views,
        duplicate_views,
        backup_views,
        board_views,
        report_views,
        export_views,
        sync_views,
        offline_views,
        assistance_views,
        plate_views,
        audit_views,
        privacy_views,
        device_views,
        history_views,
        frozen_views,
        round_views,
    ]


def _register_commands(app: Flask) -> None:
    from survey_app.accounts.cli import create_user
    from survey_app.backup.cli import backup, restore
    from survey_app.demo.cli import generate_demo, load_demo
    from survey_app.exports.cli import export_evidence
    from survey_app.imports.cli import import_households
    from survey_app.reports.cli import indicators
    from survey_app.worker import worker

    commands = (
        create_user,
        import_households,
        load_demo,
        generate_demo,
        indicators,
        export_evidence,
        backup,
        restore,
        worker,
    )
    for command in commands:
        app.cli.add_command(command)


def _register_template_helpers(app: Flask) -> None:
    from survey_app import navigation, templating

    templating.register(app)
    navigation.register(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """Enforce foreign keys and allow concurrent readers on SQLite."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
