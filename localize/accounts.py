"""Accounts, roles, per-language rights and API tokens; with :mod:`localize.records` (the change history,
comments and stored suggestions), one database.

The database is the web app's ``instance/localize.sqlite3`` (WAL mode, a busy
timeout: several worker processes share it), or the PostgreSQL server
``LOCALIZE_DATABASE`` names (:mod:`localize.db`); every write is one short
transaction holding the store's write lock.

Roles, each with the rights of the one before:

* ``translator``: edit and save drafts, in a language;
* ``reviewer``: also approve and reject, in a language;
* ``editor``: every language; also start drafts;
* ``admin``: also manage accounts.

An account is either an editor or an admin (every language), or has a role per
language (reviewer for es, translator for ar), kept in ``user_roles``. A
disabled account cannot log in, and its sessions and API tokens stop working.
API tokens are stored as digests; a token may expire and may be revoked.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Column, Double, ForeignKey, Index, Integer, MetaData, Table, Text, inspect, text
from sqlalchemy.engine import Connection
from werkzeug.security import check_password_hash, generate_password_hash

from . import languages, records
from .db import is_url, open_database
from .errors import BadInput, ConflictError, LocalizeError
from .records import Records

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
LOGIN_LIMIT, LOGIN_WINDOW = 5, 300  # failed logins per name or address, seconds
TOKEN_DAYS = (30, 90, 365)          # the lifetimes the UI offers; any number of days up to MAX_TOKEN_DAYS
MAX_TOKEN_DAYS = 3650
TOKEN_TOUCH = 60                    # seconds: a token's last use is written at most this often

METADATA = MetaData()
USERS = Table(
    "users", METADATA,
    Column("name", Text, primary_key=True),
    Column("role", Text, nullable=False),
    Column("languages", Text, nullable=False, server_default=""),
    Column("password", Text, nullable=False),
    Column("ui_language", Text),
    Column("created", Double, nullable=False),
    Column("disabled", Integer, nullable=False, server_default="0"),
    Column("last_login", Double),
)
USER_ROLES = Table(
    "user_roles", METADATA,
    Column("user", Text, ForeignKey("users.name", ondelete="CASCADE"), primary_key=True),
    Column("language", Text, primary_key=True),
    Column("role", Text, nullable=False),
)
TOKENS = Table(
    "tokens", METADATA,
    Column("digest", Text, primary_key=True),
    Column("user", Text, ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
    Column("label", Text, nullable=False, server_default=""),
    Column("created", Double, nullable=False),
    Column("id", Text),
    Column("expires", Double),
    Column("last_used", Double),
    Column("revoked", Double),
)
FAILED_LOGINS = Table(
    "failed_logins", METADATA,
    Column("key", Text, nullable=False),
    Column("at", Double, nullable=False),
    Index("failed_logins_key", "key", "at"),
)
records.define(METADATA)   # history, comments, suggestions, pending: the records half of the store


class AccountError(BadInput):
    """A bad account request: unknown user, bad role, weak password."""


class PermissionDenied(LocalizeError):
    """The account may not do this (HTTP 403)."""


class LastAdmin(ConflictError):
    """The change would leave no enabled admin to manage accounts (HTTP 409)."""


class NoToken(AccountError):
    """No such API token of this account."""



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


@dataclass(frozen=True)
class Token:
    """An API token as its owner sees it listed: never the token itself."""

    id: str                      # not secret: the token begins with it
    user: str
    label: str
    created: float
    expires: float | None = None
    last_used: float | None = None
    revoked: float | None = None

    def state(self, now: float | None = None) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked is not None:
            return "revoked"
        if self.expires is not None and self.expires <= (time.time() if now is None else now):
            return "expired"
        return "active"

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "created": self.created, "expires": self.expires,
                "last_used": self.last_used, "revoked": self.revoked, "state": self.state()}


class Store(Records):
    """The accounts and history database (the history, comments and suggestions: :class:`Records`):
    a SQLite file, or a PostgreSQL URL (:mod:`localize.db`)."""

    def __init__(self, path: Path | str):
        self.db = open_database(path)
        self.path = path if is_url(path) else Path(path)
        from . import catalog, schema

        schema.ready(path)
        if self.db.postgres:   # several hosts may write the catalogs: their locks too go through PostgreSQL
            catalog.share_locks(self.db.catalog_locks)

    def close(self) -> None:
        """Let go of this thread's connection (the last one to close folds the WAL into the file)."""
        self.db.release()

    def _write(self):
        """One write transaction; a full disk is a :class:`~localize.catalog.WriteError`, as for a catalog."""
        return self.db.write()

    def _read(self):
        return self.db.read()

    def ping(self) -> None:
        """Read the database once (its schema included): an error if it cannot be read."""
        with self._read() as db:
            db.execute(text("SELECT count(*) FROM users")).fetchone()

    # -- accounts --------------------------------------------------------------------

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
            _existing(db, name)
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
            _existing(db, name)
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
            db.execute(text("UPDATE users SET last_login = :now WHERE name = :name"), {"now": time.time(), "name": name})

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

    # -- API tokens --------------------------------------------------------------------

    def new_token(self, name: str, label: str = "", *, expires: float | None = None) -> str:
        """A new API token for a user; only its digest is stored, the token is shown once."""
        return self.add_token(name, label, expires=expires)[0]

    def add_token(self, name: str, label: str = "", *, expires: float | None = None) -> tuple[str, Token]:
        """A new API token (shown once) and how it is listed; ``expires`` a time in the future, or None."""
        label = (label or "").strip()
        if len(label) > 100:
            raise AccountError("a token's label is at most 100 characters")
        now = time.time()
        if expires is not None and expires <= now:
            raise AccountError("a token's expiry must be in the future")
        with self._write() as db:
            _existing(db, name)
            while True:
                token_id = secrets.token_hex(6)
                if not db.execute(text("SELECT 1 FROM tokens WHERE id = :id"), {"id": token_id}).fetchone():
                    break
            token = f"lz_{token_id}_{secrets.token_urlsafe(32)}"
            db.execute(text('INSERT INTO tokens (digest, "user", label, created, id, expires) '
                            "VALUES (:digest, :user, :label, :created, :id, :expires)"),
                       {"digest": _digest(token), "user": name, "label": label, "created": now, "id": token_id,
                        "expires": expires})
        return token, Token(token_id, name, label, now, expires)

    def tokens(self, name: str) -> list[Token]:
        """A user's API tokens, newest first (revoked and expired ones too)."""
        with self._read() as db:
            rows = db.execute(text(f'SELECT {_TOKEN_COLUMNS} FROM tokens WHERE "user" = :name '
                                   "ORDER BY created DESC, id"), {"name": name}).fetchall()
        return [Token(*row) for row in rows]

    def revoke_token(self, name: str, token_id: str) -> Token:
        """Revoke one of a user's tokens (revoking it again changes nothing); :class:`NoToken` if the user
        has no such token."""
        with self._write() as db:
            db.execute(text('UPDATE tokens SET revoked = :now WHERE "user" = :name AND id = :id AND revoked IS NULL'),
                       {"now": time.time(), "name": name, "id": token_id})
            row = db.execute(text(f'SELECT {_TOKEN_COLUMNS} FROM tokens WHERE "user" = :name AND id = :id'),
                             {"name": name, "id": token_id}).fetchone()
        if row is None:
            raise NoToken(f"no token {str(token_id)[:40]!r} of {name}")
        return Token(*row)

    def token_user(self, token: str) -> User | None:
        """The account of a token that is neither revoked nor expired, if the account is enabled."""
        digest, now = _digest(token), time.time()
        with self._read() as db:
            row = db.execute(text('SELECT "user", expires, revoked, last_used FROM tokens WHERE digest = :digest'),
                             {"digest": digest}).fetchone()
        if row is None:
            return None
        name, expires, revoked, last_used = row
        if revoked is not None or (expires is not None and expires <= now):
            return None
        user = self.user(name)
        if user is None or user.disabled:
            return None
        if last_used is None or now - last_used >= TOKEN_TOUCH:
            with self._write() as db:   # at most once a minute per token
                db.execute(text("UPDATE tokens SET last_used = :now WHERE digest = :digest AND "
                                "(last_used IS NULL OR last_used <= :since)"),
                           {"now": now, "digest": digest, "since": now - TOKEN_TOUCH})
        return user

    # -- login rate limit, shared by every worker process ------------------------------

    def login_blocked(self, *keys: str, limit: int = LOGIN_LIMIT, window: float = LOGIN_WINDOW) -> bool:
        since = time.time() - window
        with self._read() as db:
            return any(db.execute(text("SELECT COUNT(*) FROM failed_logins WHERE key = :key AND at > :since"),
                                  {"key": key, "since": since}).scalar_one() >= limit for key in keys)

    def login_failed(self, *keys: str, window: float = LOGIN_WINDOW) -> None:
        now = time.time()
        with self._write() as db:
            db.execute(text("DELETE FROM failed_logins WHERE at < :since"), {"since": now - window})
            _many(db, "INSERT INTO failed_logins (key, at) VALUES (:key, :at)", [{"key": k, "at": now} for k in keys])

    def login_succeeded(self, *keys: str) -> None:
        with self._write() as db:
            _many(db, "DELETE FROM failed_logins WHERE key = :key", [{"key": k} for k in keys])

    def login_attempt(self, *keys: str, limit: int = LOGIN_LIMIT, window: float = LOGIN_WINDOW) -> float | None:
        """Count a login attempt against every key unless one has reached the limit: the attempt's time,
        or None (refused, not counted). Check and count are one write transaction, so attempts racing on
        several workers cannot all pass the check before any of them is counted."""
        now = time.time()
        with self._write() as db:
            db.execute(text("DELETE FROM failed_logins WHERE at < :since"), {"since": now - window})
            for key in keys:
                if db.execute(text("SELECT COUNT(*) FROM failed_logins WHERE key = :key AND at > :since"),
                              {"key": key, "since": now - window}).scalar_one() >= limit:
                    return None
            _many(db, "INSERT INTO failed_logins (key, at) VALUES (:key, :at)", [{"key": k, "at": now} for k in keys])
        return now

    def login_passed(self, at: float, *keys: str) -> None:
        """Take back the attempt counted at ``at`` against these keys: its password was right."""
        with self._write() as db:
            _many(db, "DELETE FROM failed_logins WHERE key = :key AND at = :at",   # the attempt counted then
                  [{"key": k, "at": at} for k in keys])

def legacy(db: Connection) -> None:
    """Bring the accounts of a database made before migrations began up to the first revision (in the
    caller's write transaction: :func:`localize.schema.upgrade`)."""
    _add_columns(db, "history", {"suggestion": "INTEGER", "note": "TEXT"})
    _add_columns(db, "users", {"disabled": "INTEGER NOT NULL DEFAULT 0", "last_login": "DOUBLE PRECISION"})
    _add_columns(db, "tokens", {"id": "TEXT", "expires": "DOUBLE PRECISION", "last_used": "DOUBLE PRECISION",
                                "revoked": "DOUBLE PRECISION"})
    db.execute(text("UPDATE tokens SET id = substr(digest, 1, 12) WHERE id IS NULL"))   # tokens made before ids
    db.execute(text("CREATE UNIQUE INDEX IF NOT EXISTS tokens_id ON tokens (id)"))
    # accounts made before roles per language: their one role in each of their languages
    rows = db.execute(text("SELECT name, role, languages FROM users WHERE role NOT IN ('editor', 'admin') "
                           'AND name NOT IN (SELECT "user" FROM user_roles)')).fetchall()
    _many(db, 'INSERT INTO user_roles ("user", language, role) VALUES (:user, :language, :role) '
              "ON CONFLICT DO NOTHING",
          [{"user": name, "language": lang, "role": role} for name, role, langs in rows for lang in langs.split()])


def _add_columns(db: Connection, table: str, wanted: dict[str, str]) -> None:
    columns = {column["name"] for column in inspect(db).get_columns(table)}
    for column, kind in wanted.items():
        if column not in columns:
            db.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))


def _many(db: Connection, sql: str, rows: list[dict]) -> None:
    """One statement for each of ``rows`` (none: nothing run)."""
    if rows:
        db.execute(text(sql), rows)


def _grant(db: Connection, name: str, grants) -> None:
    _many(db, 'INSERT INTO user_roles ("user", language, role) VALUES (:user, :language, :role)',
          [{"user": name, "language": lang, "role": r} for lang, r in grants])


_USER_COLUMNS = "name, role, languages, ui_language, disabled, last_login, password"
_TOKEN_COLUMNS = 'id, "user", label, created, expires, last_used, revoked'
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


def _existing(db: Connection, name: str) -> None:
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


def token_expiry(days: int | None = None, until: str | date | None = None, *, now: float | None = None) -> float | None:
    """When a new token expires: after ``days`` days, or at the end of the day ``until`` (UTC, the
    date's last second included); None for a token that does not expire."""
    now = time.time() if now is None else now
    if days is not None and until is not None:
        raise AccountError("give a token a number of days or a date, not both")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
            raise AccountError(f"a token lives 1 to {MAX_TOKEN_DAYS} days")
        return now + days * 86400
    if until is None or until == "":
        return None
    if isinstance(until, str):
        try:
            until = date.fromisoformat(until.strip())
        except ValueError:
            raise AccountError(f"{until[:20]!r} is not a date (YYYY-MM-DD)") from None
    end = datetime(until.year, until.month, until.day, tzinfo=timezone.utc) + timedelta(days=1)
    if end.timestamp() <= now:
        raise AccountError("a token's expiry date must be today or later")
    if end.timestamp() > now + (MAX_TOKEN_DAYS + 1) * 86400:
        raise AccountError(f"a token lives at most {MAX_TOKEN_DAYS} days")
    return end.timestamp()


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


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _stamp(password_digest: str) -> str:
    return hashlib.sha256(password_digest.encode("utf-8")).hexdigest()[:16]


def _user(row, grants) -> User:
    name, role, _, ui_language, disabled, last_login, password = row
    grants = () if role in EVERY_LANGUAGE else tuple((lang, r) for lang, r in grants)
    return User(name, role, tuple(lang for lang, _ in grants), ui_language, grants, bool(disabled), last_login,
                _stamp(password))
