"""Accounts and their roles: the ``users`` and ``user_roles`` tables of the store (:mod:`localize.accounts`).

Roles, each with the rights of the one before:

* ``translator``: edit and save drafts, in a language;
* ``reviewer``: also approve and reject, in a language;
* ``editor``: every language; also start drafts;
* ``admin``: also manage accounts.

An account is either an editor or an admin (every language), or has a role per
language (reviewer for es, translator for ar), kept in ``user_roles``. A
disabled account cannot log in, and its sessions and API tokens stop working.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Column, Double, ForeignKey, Integer, MetaData, Table, Text, text
from sqlalchemy.engine import Connection
from werkzeug.security import check_password_hash, generate_password_hash

from . import languages
from .errors import BadInput, ConflictError, LocalizeError

ROLES = ("translator", "reviewer", "editor", "admin")
RIGHTS = {
    "translator": {"view", "save", "comment"},
    "reviewer": {"view", "save", "comment", "approve", "reject", "revert"},
    "editor": {"view", "save", "comment", "approve", "reject", "revert", "draft", "publish"},
    "admin": {"view", "save", "comment", "approve", "reject", "revert", "draft", "publish", "users"},
}
EVERY_LANGUAGE = frozenset({"editor", "admin"})
PER_LANGUAGE = ("translator", "reviewer")   # the roles an account holds language by language
MIN_PASSWORD = 8


def define(metadata: MetaData) -> None:
    """The tables of accounts, in the store's metadata."""
    Table(
        "users", metadata,
        Column("name", Text, primary_key=True),
        Column("role", Text, nullable=False),
        Column("languages", Text, nullable=False, server_default=""),
        Column("password", Text, nullable=False),
        Column("ui_language", Text),
        Column("created", Double, nullable=False),
        Column("disabled", Integer, nullable=False, server_default="0"),
        Column("last_login", Double),
    )
    Table(
        "user_roles", metadata,
        Column("user", Text, ForeignKey("users.name", ondelete="CASCADE"), primary_key=True),
        Column("language", Text, primary_key=True),
        Column("role", Text, nullable=False),
    )


class AccountError(BadInput):
    """A bad account request: unknown user, bad role, weak password."""


class PermissionDenied(LocalizeError):
    """The account may not do this (HTTP 403)."""


class LastAdmin(ConflictError):
    """The change would leave no enabled admin to manage accounts (HTTP 409)."""



@dataclass(frozen=True)
class User:
    """An account. ``role`` is ``editor`` or ``admin`` (every language), else the highest of its
    per-language ``roles``; ``languages`` are the languages it has a role in."""

    name: str
    role: str
    languages: tuple[str, ...] = ()
    ui_language: str | None = None
    roles: tuple[tuple[str, str], ...] = ()   # (language, role) of a per-language account
    disabled: bool = False
    last_login: float | None = None
    stamp: str = field(default="", compare=False, repr=False)   # changes with the password

    def __post_init__(self):
        if self.role not in EVERY_LANGUAGE and self.languages and not self.roles:
            object.__setattr__(self, "roles", tuple((lang, self.role) for lang in self.languages))

    def role_in(self, language: str) -> str | None:
        """The account's role in a language (None: it has none there)."""
        if self.role in EVERY_LANGUAGE:
            return self.role
        return dict(self.roles).get(language)

    def may(self, right: str, language: str | None = None) -> bool:
        """Whether the account has this right in this language (``language`` None: in some language)."""
        if self.disabled:
            return False
        if self.role in EVERY_LANGUAGE:
            return right in RIGHTS[self.role]
        if language is None:
            return any(right in RIGHTS[role] for _, role in self.roles)
        role = self.role_in(language)
        return role is not None and right in RIGHTS[role]

    def require(self, right: str, language: str | None = None) -> None:
        if not self.may(right, language):
            where = f" in {language}" if language else ""
            role = (self.role_in(language) if language else None) or self.role
            raise PermissionDenied(f"{self.name} ({role}) may not {right}{where}")


class Users:
    """The accounts part of :class:`localize.accounts.Store`."""

    def add_user(self, name: str, role: str, langs: list[str] | tuple[str, ...], password: str, *,
                 roles: Mapping[str, str] | None = None) -> User:
        """Add an account: ``role`` in each of ``langs``, or ``editor``/``admin`` over every language;
        ``roles`` (language → translator or reviewer) gives languages roles of their own."""
        name = _check_name(name)
        role, grants = _grants(role, langs, roles)
        digest = _hash(password)
        with self._write() as db:
            if db.execute(text("SELECT 1 FROM users WHERE name = :name"), {"name": name}).fetchone():
                raise AccountError(f"there is already a user {name!r}")
            db.execute(text("INSERT INTO users (name, role, languages, password, created) "
                            "VALUES (:name, :role, :languages, :password, :created)"),
                       {"name": name, "role": role, "languages": " ".join(lang for lang, _ in grants),
                        "password": digest, "created": time.time()})
            _grant(db, name, grants)
        return User(name, role, tuple(lang for lang, _ in grants), roles=grants, stamp=_stamp(digest))

    def set_roles(self, name: str, role: str, langs: list[str] | tuple[str, ...] = (), *,
                  roles: Mapping[str, str] | None = None) -> User:
        """Give an account new roles (as :meth:`add_user` takes them); :class:`LastAdmin` if that
        would leave no enabled admin."""
        role, grants = _grants(role, langs, roles)
        with self._write() as db:
            existing(db, name)
            if role != "admin":
                _keep_an_admin(db, name, "demote")
            db.execute(text("UPDATE users SET role = :role, languages = :languages WHERE name = :name"),
                       {"role": role, "languages": " ".join(lang for lang, _ in grants), "name": name})
            db.execute(text('DELETE FROM user_roles WHERE "user" = :name'), {"name": name})
            _grant(db, name, grants)
        return self.user(name)

    def set_disabled(self, name: str, disabled: bool) -> User:
        """Disable an account (no login, no session, no token) or enable it again; :class:`LastAdmin`
        if disabling would leave no enabled admin."""
        with self._write() as db:
            existing(db, name)
            if disabled:
                _keep_an_admin(db, name, "disable")
            db.execute(text("UPDATE users SET disabled = :disabled WHERE name = :name"),
                       {"disabled": 1 if disabled else 0, "name": name})
        return self.user(name)

    def remove_user(self, name: str) -> None:
        with self._write() as db:
            if db.execute(text("DELETE FROM users WHERE name = :name"), {"name": name}).rowcount == 0:
                raise AccountError(f"no user {name!r}")

    def set_password(self, name: str, password: str) -> None:
        """A new password; the account's sessions end (their stamp no longer matches)."""
        digest = _hash(password)
        with self._write() as db:
            if db.execute(text("UPDATE users SET password = :password WHERE name = :name"),
                          {"password": digest, "name": name}).rowcount == 0:
                raise AccountError(f"no user {name!r}")

    def set_ui_language(self, name: str, code: str | None) -> None:
        tag = languages.validate(code) if code else None
        with self._write() as db:
            db.execute(text("UPDATE users SET ui_language = :tag WHERE name = :name"), {"tag": tag, "name": name})

    def logged_in(self, name: str) -> None:
        """Note the time of a successful login."""
        with self._write() as db:
            db.execute(text("UPDATE users SET last_login = :now WHERE name = :name"),
                       {"now": time.time(), "name": name})

    def users(self) -> list[User]:
        with self._read() as db:
            rows = db.execute(text(f"SELECT {_USER_COLUMNS} FROM users ORDER BY name")).fetchall()
            grants: dict[str, list[tuple[str, str]]] = {}
            for user, lang, role in db.execute(text('SELECT "user", language, role FROM user_roles '
                                                    "ORDER BY language")):
                grants.setdefault(user, []).append((lang, role))
        return [_user(row, grants.get(row[0], [])) for row in rows]

    def user(self, name: str) -> User | None:
        with self._read() as db:
            row = db.execute(text(f"SELECT {_USER_COLUMNS} FROM users WHERE name = :name"), {"name": name}).fetchone()
            return _user(row, _roles_of(db, name)) if row else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right and the account enabled; None otherwise (in the same time
        either way)."""
        with self._read() as db:
            row = db.execute(text(f"SELECT {_USER_COLUMNS} FROM users WHERE name = :name"), {"name": name}).fetchone()
            grants = _roles_of(db, name) if row else []
        if row is None:
            check_password_hash(_dummy(), password)  # as slow as a real check: no guessing names by timing
            return None
        user = _user(row, grants)
        return user if check_password_hash(row[-1], password) and not user.disabled else None


def execute_many(db: Connection, sql: str, rows: list[dict]) -> None:
    """One statement for each of ``rows`` (none: nothing run)."""
    if rows:
        db.execute(text(sql), rows)


def _grant(db: Connection, name: str, grants) -> None:
    execute_many(db, 'INSERT INTO user_roles ("user", language, role) VALUES (:user, :language, :role)',
          [{"user": name, "language": lang, "role": r} for lang, r in grants])


_USER_COLUMNS = "name, role, languages, ui_language, disabled, last_login, password"
_RANK = {role: rank for rank, role in enumerate(ROLES)}


def _grants(role: str, langs, roles: Mapping[str, str] | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(the account's role, its (language, role) pairs) from a role over ``langs`` and per-language ``roles``."""
    if role not in ROLES:
        raise AccountError(f"no role {role!r}; roles: {', '.join(ROLES)}")
    if role in EVERY_LANGUAGE:
        if roles:
            raise AccountError(f"an {role} works in every language: no roles per language")
        return role, ()
    found = {languages.validate(code): role for code in langs}
    for code, given in (roles or {}).items():
        if given not in PER_LANGUAGE:
            raise AccountError(f"no role {given!r} in a language; roles per language: {', '.join(PER_LANGUAGE)}")
        found[languages.validate(code)] = given
    if not found:
        raise AccountError(f"a {role} works in named languages: add --lang L")
    grants = tuple(sorted(found.items()))
    return max((r for _, r in grants), key=_RANK.__getitem__), grants


def existing(db: Connection, name: str) -> None:
    if not db.execute(text("SELECT 1 FROM users WHERE name = :name"), {"name": name}).fetchone():
        raise AccountError(f"no user {str(name)[:64]!r}")


def _keep_an_admin(db: Connection, name: str, what: str) -> None:
    """Refuse to take ``name`` out of the enabled admins if it is the last one."""
    row = db.execute(text("SELECT role, disabled FROM users WHERE name = :name"), {"name": name}).fetchone()
    if row is None or row[0] != "admin" or row[1]:
        return
    others = db.execute(text("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 AND name != :name"),
                        {"name": name}).scalar_one()
    if not others:
        raise LastAdmin(f"{name} is the last enabled admin: cannot {what} this account, "
                        "or nobody could manage accounts")


def _roles_of(db: Connection, name: str) -> list[tuple[str, str]]:
    return [tuple(row) for row in db.execute(text('SELECT language, role FROM user_roles WHERE "user" = :name '
                                                  "ORDER BY language"), {"name": name})]


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not 1 <= len(name) <= 64 or not set(name) <= _NAME_CHARS:
        raise AccountError(f"bad user name {name[:40]!r}: use letters, digits, . _ - @ (at most 64)")
    return name


def _hash(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    return generate_password_hash(password, method="scrypt")


@functools.cache
def _dummy() -> str:
    return generate_password_hash("not a password of anybody", method="scrypt")


def _stamp(password_digest: str) -> str:
    return hashlib.sha256(password_digest.encode("utf-8")).hexdigest()[:16]


def _user(row, grants) -> User:
    name, role, _, ui_language, disabled, last_login, password = row
    grants = () if role in EVERY_LANGUAGE else tuple((lang, r) for lang, r in grants)
    return User(name, role, tuple(lang for lang, _ in grants), ui_language, grants, bool(disabled), last_login,
                _stamp(password))
