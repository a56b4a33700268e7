"""Logging in and out (Flask-Login), the login limit, and who the current account is.

A session names its account and a stamp of the account's password: a new password
ends the account's other sessions, and a disabled account's sessions stop at their
next request.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l, refresh
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from localize.accounts import LOGIN_WINDOW, PermissionDenied, User

from .errors import wants_json

bp = Blueprint("auth", __name__)


class Account(UserMixin):
    """A localize account as Flask-Login sees it."""

    def __init__(self, user: User):
        self.user = user

    def get_id(self) -> str:
        return self.user.name


def init_app(app: Flask) -> None:
    manager = LoginManager()
    manager.init_app(app)
    manager.session_protection = "basic"
    manager.user_loader(_load)
    manager.unauthorized_handler(_unauthorized)


STAMP = "account_stamp"   # the session's key for the stamp of the password it logged in with


def _load(name: str) -> Account | None:
    user = current_app.extensions["localize"].store.user(name)
    stamp = session.get(STAMP)
    if user is None or user.disabled or not isinstance(stamp, str) or not hmac.compare_digest(stamp, user.stamp):
        return None
    return Account(user)


def account() -> User | None:
    """The logged-in account, or None."""
    return current_user.user if current_user and current_user.is_authenticated else None


def require_login():
    """A blueprint's before_request: every page of it needs a logged-in account."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    return None


def require_editor(languages) -> None:
    """Only who may draft in every one of the workspace's ``languages`` adds or replaces articles."""
    user = account()
    if not user.may("draft") or not all(user.may("draft", lang) for lang in languages):
        raise PermissionDenied(_("Only editors add or replace articles."))


def _unauthorized():
    if wants_json():
        return jsonify(error="unauthorized", message=_("Log in first.")), 401
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=safe_next(target)))


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/review/es``); None for anything that could leave it."""
    if not target or not isinstance(target, str) or len(target) > 2000:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return None  # browsers read "/\evil" as "//evil", and drop tabs and newlines
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


class LoginForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=1024)])
    next = HiddenField()


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next(request.args.get("next")) or url_for("review.dashboard"))
        form.next.data = safe_next(request.args.get("next")) or ""
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    store = current_app.extensions["localize"].store
    name = form.name.data.strip()
    keys = (f"name:{name.lower()}", f"ip:{request.remote_addr or 'unknown'}")
    attempt = store.login_attempt(*keys)   # counted before the password is checked: parallel guesses too
    if attempt is None:
        minutes = LOGIN_WINDOW // 60
        error = _("Too many failed logins. Wait %(minutes)d minutes, then try again.", minutes=minutes)
        return render_template("auth/login.html", form=form, error=error), 429
    user = store.authenticate(name, form.password.data)
    if user is None:
        return render_template("auth/login.html", form=form, error=_("Wrong name or password.")), 200
    store.login_passed(attempt, keys[1])   # a right password is no failure of the address
    store.login_succeeded(keys[0])
    store.logged_in(user.name)
    chosen = session.get("ui_language")
    session.clear()   # a fresh session at login: none planted before it survives
    if chosen:
        session["ui_language"] = chosen
    login_user(Account(user))
    session[STAMP] = user.stamp
    refresh()
    return redirect(safe_next(form.next.data) or url_for("review.dashboard"))


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
