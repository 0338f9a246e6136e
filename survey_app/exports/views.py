"""Evidence list and report downloads. (Filled in by issue 4.)"""

from flask import Blueprint

bp = Blueprint("exports", __name__, url_prefix="/xuat")
