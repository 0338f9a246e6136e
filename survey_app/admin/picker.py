"""The page an admin sees on a commune's staff page before choosing the commune (``?xa=``)."""

from flask import render_template

from survey_app.admin.services import communes_for_picker


def pick_commune(endpoint: str) -> str:
    """Every commune, each a link to ``endpoint`` for that commune."""
    return render_template(
        "admin/pick_commune.html", communes=communes_for_picker(), endpoint=endpoint
    )
