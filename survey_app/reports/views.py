"""Village and commune dashboards, commune settings, manual indicators. (Filled in by issue 3.)"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
