"""Import page for commune officers. (Filled in by the import work.)"""

from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/quan-ly/nhap-du-lieu")
