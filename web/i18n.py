"""The UI in the translator's language: the account's choice, else the browser's (en, es, ar)."""

from __future__ import annotations

from babel import Locale
from flask import Blueprint, Flask, current_app, redirect, request, session, url_for
from flask_babel import Babel, get_locale, refresh
from flask_login import current_user

from .auth import account, safe_next

UI_LANGUAGES = ("en", "es", "ar")

bp = Blueprint("ui", __name__)


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)   # one per app: its translations cache is the app's
    app.context_processor(_template_globals)


def _supported(code: str | None) -> str | None:
    """The UI language for an account or session setting ("es-MX" is shown in es), or None."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in UI_LANGUAGES else None


def select_locale() -> str:
    user = account()
    chosen = _supported(user.ui_language) if user is not None else None
    return (chosen or _supported(session.get("ui_language"))
            or request.accept_languages.best_match(UI_LANGUAGES, default=UI_LANGUAGES[0]))


def _template_globals() -> dict:
    locale = get_locale() or Locale.parse(UI_LANGUAGES[0])
    user = account()
    chosen = user.ui_language if user is not None else session.get("ui_language")
    return {
        "ui_lang": str(locale),
        "ui_dir": locale.text_direction,
        "ui_choices": [(code, Locale.parse(code).get_display_name(code)) for code in UI_LANGUAGES],
        "ui_chosen": _supported(chosen) or "",
    }


@bp.post("/language")
def choose():
    """Keep the UI language: on the account when logged in, else in the session."""
    code = _supported(request.form.get("ui_language", ""))
    if current_user.is_authenticated:
        current_app.extensions["localize"].store.set_ui_language(current_user.get_id(), code)
    else:
        session["ui_language"] = code
    refresh()
    return redirect(safe_next(request.form.get("next")) or url_for("review.dashboard"))
