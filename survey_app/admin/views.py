"""Commune officers manage villages and users. (Filled in by the accounts work.)"""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/quan-ly")
