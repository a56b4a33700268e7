"""Accounts in the browser: admins manage users (``/admin/users``); everyone manages their API tokens
(``/account/tokens``).

The admin pages need the ``users`` right (403 otherwise, nothing changed). A
password an admin generates and a new API token are shown once, in the answer
to the form that made them, never stored in the session or a flash message.
"""

from __future__ import annotations

import re
import secrets

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _, pgettext

from localize.accounts import (EVERY_LANGUAGE, MIN_PASSWORD, PER_LANGUAGE, TOKEN_DAYS, AccountError, LastAdmin,
                               NoToken, User, token_expiry)
from localize.errors import LanguageError

from .auth import account, require_login

bp = Blueprint("admin", __name__)
bp.before_request(require_login)

NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
MAX_PASSWORD = 1024
MAX_LABEL = 100
EXPIRY_CHOICES = tuple(str(days) for days in TOKEN_DAYS) + ("never", "date")
DEFAULT_EXPIRY = "90"


def _store():
    return current_app.extensions["localize"].store


def _workspace():
    return current_app.extensions["localize"].workspace


def _admin() -> User:
    user = account()
    if not user.may("users"):
        abort(403)
    return user


def _once(page: str, status: int = 200) -> Response:
    """A page that shows a secret once: never cached, never kept."""
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = "no-store"
    return response


# -- users ----------------------------------------------------------------------------------

def _role_names() -> dict[str, str]:
    return {"translator": _("Translator"), "reviewer": _("Reviewer"), "editor": _("Editor (every language)"),
            "admin": _("Admin (every language; manages accounts)")}


def _langs_for(user: User | None) -> list[str]:
    """The languages a role form offers: the workspace's, and any other the account has a role in."""
    langs = list(_workspace().settings.languages)
    return langs + [lang for lang in (user.languages if user else ()) if lang not in langs]


def _roles_from_form(offered: list[str], errors: dict[str, str]) -> tuple[str, dict[str, str]]:
    """(role, roles per language) from a role form; messages in ``errors`` for what is wrong."""
    kind = request.form.get("role", "")
    if kind in EVERY_LANGUAGE:
        return kind, {}
    if kind != "languages":
        errors["role"] = _("Choose a kind of account.")
        return "", {}
    roles = {}
    for lang in offered:
        value = request.form.get(f"role-{lang}", "")
        if value in PER_LANGUAGE:
            roles[lang] = value
        elif value:
            errors[f"role-{lang}"] = _("Choose translator, reviewer or no role.")
    if not roles and not any(key.startswith("role-") for key in errors):
        errors["languages"] = _("Give the account a role in at least one language, or make it an editor or "
                                "an admin.")
    return "translator", roles


def _chosen(form, langs: list[str], user: User | None) -> tuple[str, dict[str, str]]:
    """The kind of account and the roles per language a role form shows: as sent, else as the account has."""
    if form:
        return form.get("role", ""), {lang: form.get(f"role-{lang}") for lang in langs if form.get(f"role-{lang}")}
    if user is None:
        return "languages", {}
    return (user.role if user.role in EVERY_LANGUAGE else "languages"), dict(user.roles)


def _users_page(status: int = 200, errors: dict | None = None, form=None):
    langs = _langs_for(None)
    kind, grants = _chosen(form, langs, None)
    return render_template("admin/users.html", users=_store().users(), role_names=_role_names(), langs=langs,
                           kind=kind, grants=grants, errors=errors or {}, form=form or {},
                           min_password=MIN_PASSWORD), status


@bp.get("/admin/users")
def users():
    """Every account: roles, languages, enabled or not, last login; and the form to add one."""
    _admin()
    return _users_page()


@bp.post("/admin/users")
def add_user():
    _admin()
    store = _store()
    errors: dict[str, str] = {}
    name = request.form.get("name", "").strip()
    if not NAME.fullmatch(name):
        errors["name"] = _("A name is 1 to 64 letters, digits or . _ - @.")
    elif store.user(name) is not None:
        errors["name"] = _("There is already an account named %(name)s.", name=name)
    secret = request.form.get("password", "")
    generated = not secret
    if generated:
        secret = secrets.token_urlsafe(12)
    elif not MIN_PASSWORD <= len(secret) <= MAX_PASSWORD:
        errors["password"] = _("A password has at least %(count)d characters.", count=MIN_PASSWORD)
    role, roles = _roles_from_form(_langs_for(None), errors)
    if not errors:
        try:
            store.add_user(name, role, [], secret, roles=roles)
        except AccountError as exc:
            errors["form"] = str(exc)
    if errors:
        return _users_page(400, errors, request.form)
    if generated:
        page = render_template("admin/password.html", who=store.user(name), password=secret, added=True)
        return _once(page, 201)
    flash(_("Account %(name)s added.", name=name), "success")
    return redirect(url_for("admin.user", name=name), 303)


def _subject(name: str) -> User:
    found = _store().user(name) if len(name) <= 64 else None
    if found is None:
        abort(404, _("There is no account named %(name)s.", name=name[:64]))
    return found


def _user_page(who: User, status: int = 200, errors: dict | None = None, form=None):
    langs = _langs_for(who)
    kind, grants = _chosen(form, langs, who)
    return render_template("admin/user.html", who=who, role_names=_role_names(), langs=langs, kind=kind,
                           grants=grants, errors=errors or {}, min_password=MIN_PASSWORD), status


@bp.get("/admin/users/<name>")
def user(name: str):
    """One account: its roles, whether it may log in, a new password."""
    _admin()
    return _user_page(_subject(name))


@bp.post("/admin/users/<name>/roles")
def set_roles(name: str):
    _admin()
    who = _subject(name)
    errors: dict[str, str] = {}
    role, roles = _roles_from_form(_langs_for(who), errors)
    if not errors:
        try:
            _store().set_roles(name, role, [], roles=roles)
        except LastAdmin:
            errors["form"] = _("%(name)s is the last enabled admin: make another account an admin first.",
                               name=name)
            return _user_page(who, 409, errors, request.form)
        except (AccountError, LanguageError) as exc:
            errors["form"] = str(exc)
    if errors:
        return _user_page(who, 400, errors, request.form)
    flash(_("The roles of %(name)s are saved.", name=name), "success")
    return redirect(url_for("admin.user", name=name), 303)


@bp.post("/admin/users/<name>/access")
def set_access(name: str):
    """Disable an account (``disabled=1``) or enable it again (``disabled=0``)."""
    _admin()
    who = _subject(name)
    wanted = request.form.get("disabled")
    if wanted not in ("0", "1"):
        return _user_page(who, 400, {"form": _("Choose to disable or enable the account.")})
    try:
        _store().set_disabled(name, wanted == "1")
    except LastAdmin:
        return _user_page(who, 409, {"form": _("%(name)s is the last enabled admin: it cannot be disabled.",
                                               name=name)})
    if wanted == "1":
        flash(_("%(name)s is disabled: they cannot log in, and their sessions and API tokens no longer work.",
                name=name), "success")
    else:
        flash(_("%(name)s is enabled again.", name=name), "success")
    return redirect(url_for("admin.user", name=name), 303)


@bp.post("/admin/users/<name>/password")
def reset_password(name: str):
    """Set a new password the admin typed, or generate one (``generate``), shown once."""
    _admin()
    who = _subject(name)
    generated = bool(request.form.get("generate"))
    secret = secrets.token_urlsafe(12) if generated else request.form.get("password", "")
    if not MIN_PASSWORD <= len(secret) <= MAX_PASSWORD:
        return _user_page(who, 400, {"password": _("A password has at least %(count)d characters.",
                                                   count=MIN_PASSWORD)})
    _store().set_password(name, secret)
    if generated:
        return _once(render_template("admin/password.html", who=who, password=secret, added=False))
    flash(_("The password of %(name)s is changed; their sessions have ended.", name=name), "success")
    return redirect(url_for("admin.user", name=name), 303)


# -- API tokens -------------------------------------------------------------------------------

def _tokens_page(status: int = 200, **values):
    expiry = {"30": _("30 days"), "90": _("90 days"), "365": _("a year"), "never": pgettext("token expires", "never"),
              "date": _("on a date")}
    values.setdefault("errors", {})
    values.setdefault("form", {})
    page = render_template("account/tokens.html", tokens=_store().tokens(account().name), expiry=expiry,
                           default_expiry=DEFAULT_EXPIRY, **values)
    return _once(page, status)


@bp.get("/account/tokens")
def tokens():
    """The account's API tokens (never the tokens themselves), and the form to make one."""
    return _tokens_page()


@bp.post("/account/tokens")
def new_token():
    """Make a token: a label and when it expires; the token is shown once, on the page this answers."""
    user = account()
    errors: dict[str, str] = {}
    label = request.form.get("label", "").strip()
    if not label:
        errors["label"] = _("Name the token, to know it again (what uses it, where).")
    elif len(label) > MAX_LABEL:
        errors["label"] = _("A label is at most %(count)d characters.", count=MAX_LABEL)
    choice = request.form.get("expires", DEFAULT_EXPIRY)
    expires = None
    if choice not in EXPIRY_CHOICES:
        errors["expires"] = _("Choose when the token expires.")
    elif choice == "date":
        until = request.form.get("until", "").strip()
        try:
            expires = token_expiry(until=until) if until else None
        except AccountError:
            expires = None
        if expires is None:
            errors["until"] = _("Give a date from today on, as YYYY-MM-DD, at most ten years ahead.")
    elif choice != "never":
        expires = token_expiry(days=int(choice))
    if errors:
        form = request.form.to_dict()
        if "until" in errors:
            form.pop("until", None)   # a date field shows a date or nothing
        return _tokens_page(400, errors=errors, form=form)
    token, made = _store().add_token(user.name, label, expires=expires)
    return _tokens_page(201, made=made, token=token)


@bp.post("/account/tokens/<token_id>/revoke")
def revoke_token(token_id: str):
    try:
        made = _store().revoke_token(account().name, token_id[:64])
    except NoToken:
        abort(404, _("You have no such API token."))
    flash(_("The token %(label)s (%(id)s) is revoked: it no longer works.", label=made.label, id=made.id),
          "success")
    return redirect(url_for("admin.tokens"), 303)


@bp.get("/account/copy.js")
def copy_script():
    """The copy button of a secret shown once: served from this site, as the content security policy wants."""
    response = Response(COPY_SCRIPT, mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


COPY_SCRIPT = """\
"use strict";
(function () {
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var done = document.getElementById(button.getAttribute("data-copied"));
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      field.select();
      var told = function () { if (done) { done.hidden = false; } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(told, function () { document.execCommand("copy"); told(); });
      } else { document.execCommand("copy"); told(); }
    });
  });
}());
"""

