"""Background jobs started from the UI (drafting), with their progress."""

from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
