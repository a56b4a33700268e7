"""Accounts, roles, per-language rights, the change history and stored suggestions: one SQLite file.

The file lives in the web app's instance folder (``instance/localize.sqlite3``).
It is opened in WAL mode with a busy timeout, so several worker processes share
it; every write is one short transaction.

Roles, each with the rights of the one before:

* ``translator``: edit and save drafts in their languages;
* ``reviewer``: also approve and reject, in their languages;
* ``editor``: every language; also start drafts, export and publish;
* ``admin``: also manage accounts.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from . import languages
from .errors import BadInput, ConflictError, LocalizeError

ROLES = ("translator", "reviewer", "editor", "admin")
RIGHTS = {
    "translator": {"view", "save", "comment"},
    "reviewer": {"view", "save", "comment", "approve", "reject", "revert"},
    "editor": {"view", "save", "comment", "approve", "reject", "revert", "draft", "export"},
    "admin": {"view", "save", "comment", "approve", "reject", "revert", "draft", "export", "users"},
}
EVERY_LANGUAGE = frozenset({"editor", "admin"})
MIN_PASSWORD = 8
LOGIN_LIMIT, LOGIN_WINDOW = 5, 300  # failed logins per name or address, seconds

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '',
    password TEXT NOT NULL,
    ui_language TEXT,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    language TEXT NOT NULL,
    slug TEXT NOT NULL,
    entry TEXT NOT NULL,
    msgctxt TEXT,
    msgid TEXT NOT NULL,
    action TEXT NOT NULL,
    old_msgstr TEXT NOT NULL,
    new_msgstr TEXT NOT NULL,
    old_state TEXT NOT NULL,
    new_state TEXT NOT NULL,
    suggestion INTEGER,
    note TEXT
);
CREATE INDEX IF NOT EXISTS history_entry ON history (language, slug, entry, id);
CREATE TABLE IF NOT EXISTS comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    language TEXT NOT NULL,
    slug TEXT NOT NULL,
    entry TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS comments_entry ON comments (language, slug, entry, id);
CREATE TABLE IF NOT EXISTS suggestions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    language TEXT NOT NULL,
    slug TEXT NOT NULL,
    entry TEXT NOT NULL,
    msgctxt TEXT,
    msgid TEXT NOT NULL,
    text TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',
    decided_by TEXT,
    decided_at REAL
);
CREATE INDEX IF NOT EXISTS suggestions_entry ON suggestions (language, slug, entry, status);
CREATE TABLE IF NOT EXISTS pending (change INTEGER PRIMARY KEY);   -- recorded, its catalog write not yet done
CREATE TABLE IF NOT EXISTS failed_logins (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS failed_logins_key ON failed_logins (key, at);
"""


class AccountError(BadInput):
    """A bad account request: unknown user, bad role, weak password."""


class PermissionDenied(LocalizeError):
    """The account may not do this (HTTP 403)."""


class Decided(ConflictError):
    """The suggestion was accepted or dismissed meanwhile (HTTP 409)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    languages: tuple[str, ...] = ()
    ui_language: str | None = None

    def may(self, right: str, language: str | None = None) -> bool:
        if right not in RIGHTS[self.role]:
            return False
        if language is None or self.role in EVERY_LANGUAGE:
            return True
        return language in self.languages

    def require(self, right: str, language: str | None = None) -> None:
        if not self.may(right, language):
            where = f" in {language}" if language else ""
            raise PermissionDenied(f"{self.name} ({self.role}) may not {right}{where}")


@dataclass(frozen=True)
class Change:
    """One accepted change of an entry, as the history keeps it."""

    id: int
    at: float
    user: str
    language: str
    slug: str
    entry: str
    msgctxt: str | None
    msgid: str
    action: str
    old_msgstr: str
    new_msgstr: str
    old_state: str
    new_state: str
    suggestion: int | None = None   # the stored suggestion this change made, accepted or dismissed
    note: str | None = None         # a reviewer's reason: why it was rejected, why a check was overridden


OPEN, ACCEPTED, DISMISSED = "open", "accepted", "dismissed"


@dataclass(frozen=True)
class Suggestion:
    """A translation proposed for an entry without replacing its current one."""

    id: int
    at: float
    user: str
    language: str
    slug: str
    entry: str
    msgctxt: str | None
    msgid: str
    text: str
    origin: str                  # "upload", "import", "" (proposed in the editor or the API)
    status: str = OPEN           # open, accepted, dismissed
    decided_by: str | None = None
    decided_at: float | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "at": self.at, "user": self.user, "entry": self.entry, "text": self.text,
                "origin": self.origin, "status": self.status, "decided_by": self.decided_by,
                "decided_at": self.decided_at}


@dataclass(frozen=True)
class Comment:
    id: int
    at: float
    user: str
    text: str


class Store:
    """The accounts and history database."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")   # kept in the file: set once
            db.executescript(_SCHEMA)
            _migrate(db)
        finally:
            db.close()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened once (not across a fork: a child opens its own)."""
        local = self._local
        db = getattr(local, "db", None)
        if db is None or local.pid != os.getpid():
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("PRAGMA foreign_keys=ON")
            local.db, local.pid = db, os.getpid()
        return db

    def close(self) -> None:
        """Close this thread's connection (the last one to close folds the WAL into the file)."""
        db = getattr(self._local, "db", None)
        if db is not None and self._local.pid == os.getpid():
            db.close()
        self._local.db = None

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a full disk is a :class:`~localize.catalog.WriteError`, as for a catalog."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.OperationalError) and exc.sqlite_errorcode == sqlite3.SQLITE_FULL:
                from .catalog import WriteError

                raise WriteError(self.path, os.strerror(errno.ENOSPC), errno.ENOSPC) from None
            raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        yield self._connection()

    # -- accounts --------------------------------------------------------------------

    def add_user(self, name: str, role: str, langs: list[str] | tuple[str, ...], password: str) -> User:
        name = _check_name(name)
        if role not in ROLES:
            raise AccountError(f"no role {role!r}; roles: {', '.join(ROLES)}")
        tags = tuple(dict.fromkeys(languages.validate(code) for code in langs))
        if role not in EVERY_LANGUAGE and not tags:
            raise AccountError(f"a {role} works in named languages: add --lang L")
        digest = _hash(password)
        with self._write() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"there is already a user {name!r}")
            db.execute("INSERT INTO users (name, role, languages, password, created) VALUES (?, ?, ?, ?, ?)",
                       (name, role, " ".join(tags), digest, time.time()))
        return User(name, role, tags)

    def remove_user(self, name: str) -> None:
        with self._write() as db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise AccountError(f"no user {name!r}")

    def set_password(self, name: str, password: str) -> None:
        digest = _hash(password)
        with self._write() as db:
            if db.execute("UPDATE users SET password = ? WHERE name = ?", (digest, name)).rowcount == 0:
                raise AccountError(f"no user {name!r}")

    def set_ui_language(self, name: str, code: str | None) -> None:
        tag = languages.validate(code) if code else None
        with self._write() as db:
            db.execute("UPDATE users SET ui_language = ? WHERE name = ?", (tag, name))

    def users(self) -> list[User]:
        with self._read() as db:
            rows = db.execute("SELECT name, role, languages, ui_language FROM users ORDER BY name").fetchall()
        return [_user(row) for row in rows]

    def user(self, name: str) -> User | None:
        with self._read() as db:
            row = db.execute("SELECT name, role, languages, ui_language FROM users WHERE name = ?",
                             (name,)).fetchone()
        return _user(row) if row else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user if the password is right; None otherwise (in the same time either way)."""
        with self._read() as db:
            row = db.execute("SELECT name, role, languages, ui_language, password FROM users WHERE name = ?",
                             (name,)).fetchone()
        if row is None:
            check_password_hash(_dummy(), password)  # as slow as a real check: no guessing names by timing
            return None
        return _user(row[:4]) if check_password_hash(row[4], password) else None

    # -- API tokens --------------------------------------------------------------------

    def new_token(self, name: str, label: str = "") -> str:
        """A new API token for a user; only its digest is stored, the token is shown once."""
        token = secrets.token_urlsafe(32)
        with self._write() as db:
            if not db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"no user {name!r}")
            db.execute("INSERT INTO tokens (digest, user, label, created) VALUES (?, ?, ?, ?)",
                       (_digest(token), name, label, time.time()))
        return token

    def token_user(self, token: str) -> User | None:
        with self._read() as db:
            row = db.execute("SELECT u.name, u.role, u.languages, u.ui_language FROM tokens t "
                             "JOIN users u ON u.name = t.user WHERE t.digest = ?", (_digest(token),)).fetchone()
        return _user(row) if row else None

    # -- login rate limit, shared by every worker process ------------------------------

    def login_blocked(self, *keys: str, limit: int = LOGIN_LIMIT, window: float = LOGIN_WINDOW) -> bool:
        since = time.time() - window
        with self._read() as db:
            return any(db.execute("SELECT COUNT(*) FROM failed_logins WHERE key = ? AND at > ?",
                                  (key, since)).fetchone()[0] >= limit for key in keys)

    def login_failed(self, *keys: str, window: float = LOGIN_WINDOW) -> None:
        now = time.time()
        with self._write() as db:
            db.execute("DELETE FROM failed_logins WHERE at < ?", (now - window,))
            db.executemany("INSERT INTO failed_logins (key, at) VALUES (?, ?)", [(k, now) for k in keys])

    def login_succeeded(self, *keys: str) -> None:
        with self._write() as db:
            db.executemany("DELETE FROM failed_logins WHERE key = ?", [(k,) for k in keys])

    def login_attempt(self, *keys: str, limit: int = LOGIN_LIMIT, window: float = LOGIN_WINDOW) -> float | None:
        """Count a login attempt against every key unless one has reached the limit: the attempt's time,
        or None (refused, not counted). Check and count are one write transaction, so attempts racing on
        several workers cannot all pass the check before any of them is counted."""
        now = time.time()
        with self._write() as db:
            db.execute("DELETE FROM failed_logins WHERE at < ?", (now - window,))
            for key in keys:
                if db.execute("SELECT COUNT(*) FROM failed_logins WHERE key = ? AND at > ?",
                              (key, now - window)).fetchone()[0] >= limit:
                    return None
            db.executemany("INSERT INTO failed_logins (key, at) VALUES (?, ?)", [(k, now) for k in keys])
        return now

    def login_passed(self, at: float, *keys: str) -> None:
        """Take back the attempt counted at ``at`` against these keys: its password was right."""
        with self._write() as db:
            db.executemany("DELETE FROM failed_logins WHERE rowid IN "
                           "(SELECT rowid FROM failed_logins WHERE key = ? AND at = ? LIMIT 1)",
                           [(k, at) for k in keys])

    # -- history and comments ----------------------------------------------------------

    def record(self, change: dict, *, decides: str | None = None, pending: bool = False) -> int:
        """Append a change to the history; its id.

        ``decides`` (``accepted`` or ``dismissed``) closes the open suggestion
        ``change["suggestion"]`` in the same transaction; :class:`Decided` if it is
        no longer open. A ``pending`` change is one whose catalog is written
        next: until :meth:`settle` says the write is done, the history does not
        show it, and a writer killed in between leaves it to be settled
        against the catalog (:func:`localize.history.settle`).
        """
        with self._write() as db:
            if decides is not None:
                _decide(db, change["suggestion"], change["user"], decides)
            change_id = _insert(db, change)
            if pending:
                db.execute("INSERT INTO pending (change) VALUES (?)", (change_id,))
            return change_id

    def record_many(self, changes: list[dict], *, pending: bool = False) -> list[int]:
        """Append several changes in one transaction; their ids, in order."""
        with self._write() as db:
            ids = [_insert(db, change) for change in changes]
            if pending:
                db.executemany("INSERT INTO pending (change) VALUES (?)", [(i,) for i in ids])
            return ids

    def settle(self, ids: list[int]) -> None:
        """The catalog writes of these pending changes are done: the history shows them.

        Not flushed to the disk on its own: a settlement lost to a power cut
        leaves the changes pending, and :func:`localize.history.settle` finds
        them written, so a save pays for one flush of the history, not two.
        """
        if ids:
            db = self._connection()
            db.execute("PRAGMA synchronous = OFF")
            try:   # a statement is its own transaction; a batch's rows go 500 at a time
                for start in range(0, len(ids), 500):
                    part = ids[start:start + 500]
                    db.execute(f"DELETE FROM pending WHERE change IN ({','.join('?' * len(part))})", part)
            finally:
                db.execute("PRAGMA synchronous = FULL")

    def pending(self, language: str | None = None, slug: str | None = None) -> list[Change]:
        """Changes recorded whose catalog write was not seen to finish (its writer died, or is writing)."""
        sql, args = "SELECT history.* FROM history JOIN pending ON pending.change = history.id WHERE 1", []
        for column, value in (("language", language), ("slug", slug)):
            if value is not None:
                sql += f" AND history.{column} = ?"
                args.append(value)
        with self._read() as db:
            return [Change(*row) for row in db.execute(sql + " ORDER BY history.id", args).fetchall()]

    def forget(self, change_id: int) -> None:
        """Take back a change whose catalog write failed (a suggestion it decided is open again)."""
        self.forget_many([change_id])

    def forget_many(self, ids: list[int]) -> None:
        with self._write() as db:
            for change_id in ids:
                row = db.execute("SELECT action, suggestion FROM history WHERE id = ?", (change_id,)).fetchone()
                db.execute("DELETE FROM history WHERE id = ?", (change_id,))
                db.execute("DELETE FROM pending WHERE change = ?", (change_id,))
                if row and row[1] is not None:
                    if row[0] == "suggest":
                        db.execute("DELETE FROM suggestions WHERE id = ?", (row[1],))
                    else:
                        db.execute("UPDATE suggestions SET status = ?, decided_by = NULL, decided_at = NULL "
                                   "WHERE id = ?", (OPEN, row[1]))

    def history(self, language: str | None = None, slug: str | None = None, entry: str | None = None,
                *, since: int = 0) -> list[Change]:
        sql, args = "SELECT * FROM history WHERE id > ? AND id NOT IN (SELECT change FROM pending)", [since]
        for column, value in (("language", language), ("slug", slug), ("entry", entry)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        with self._read() as db:
            return [Change(*row) for row in db.execute(sql + " ORDER BY id", args).fetchall()]

    def change(self, change_id: int) -> Change | None:
        with self._read() as db:
            row = db.execute("SELECT * FROM history WHERE id = ?", (change_id,)).fetchone()
        return Change(*row) if row else None

    def last_change(self) -> int:
        """The id of the newest change of the history (0 for none)."""
        with self._read() as db:
            return db.execute("SELECT COALESCE(MAX(id), 0) FROM history").fetchone()[0]

    def changed_since(self, language: str, slug: str, since: int) -> dict[str, str]:
        """The entries of a catalog changed after the change ``since`` → the translation each had then."""
        with self._read() as db:
            rows = db.execute("SELECT entry, old_msgstr FROM history WHERE language = ? AND slug = ? AND id > ? "
                              "AND (old_msgstr != new_msgstr OR old_state != new_state) ORDER BY id",
                              (language, slug, since)).fetchall()
        found: dict[str, str] = {}
        for entry, old in rows:
            found.setdefault(entry, old)
        return found

    # -- suggestions -------------------------------------------------------------------

    def suggest(self, change: dict, text: str, origin: str = "") -> tuple[Suggestion, bool]:
        """Store a suggestion for an entry and its history row (the entry as it is, unchanged).

        ``change`` names the user, the entry and its current ``msgstr`` and ``state``.
        An open suggestion of the same text for the same entry is not repeated:
        (that suggestion, False).
        """
        at = time.time()
        with self._write() as db:
            row = db.execute("SELECT * FROM suggestions WHERE language = ? AND slug = ? AND entry = ? AND text = ? "
                             "AND status = ?", (change["language"], change["slug"], change["entry"], text,
                                                OPEN)).fetchone()
            if row is not None:
                return Suggestion(*row), False
            cursor = db.execute(
                "INSERT INTO suggestions (at, user, language, slug, entry, msgctxt, msgid, text, origin) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (at, change["user"], change["language"], change["slug"], change["entry"], change["msgctxt"],
                 change["msgid"], text, origin))
            made = cursor.lastrowid
            _insert(db, {"user": change["user"], "language": change["language"], "slug": change["slug"],
                         "entry": change["entry"], "msgctxt": change["msgctxt"], "msgid": change["msgid"],
                         "action": "suggest", "old_msgstr": change["msgstr"], "new_msgstr": change["msgstr"],
                         "old_state": change["state"], "new_state": change["state"], "suggestion": made})
        return Suggestion(made, at, change["user"], change["language"], change["slug"], change["entry"],
                          change["msgctxt"], change["msgid"], text, origin), True

    def suggestion(self, suggestion_id: int) -> Suggestion | None:
        with self._read() as db:
            row = db.execute("SELECT * FROM suggestions WHERE id = ?", (suggestion_id,)).fetchone()
        return Suggestion(*row) if row else None

    def suggestions(self, language: str, slug: str, entry: str | None = None, *,
                    status: str | None = OPEN) -> list[Suggestion]:
        """The suggestions of a catalog (or of one entry), oldest first; open ones unless ``status`` says."""
        sql, args = "SELECT * FROM suggestions WHERE language = ? AND slug = ?", [language, slug]
        if entry is not None:
            sql += " AND entry = ?"
            args.append(entry)
        if status is not None:
            sql += " AND status = ?"
            args.append(status)
        with self._read() as db:
            return [Suggestion(*row) for row in db.execute(sql + " ORDER BY id", args).fetchall()]

    def add_comment(self, user: str, language: str, slug: str, entry: str, text: str) -> Comment:
        text = text.strip()
        if not text:
            raise AccountError("an empty comment")
        if len(text) > 5000:
            raise AccountError("a comment is at most 5,000 characters")
        at = time.time()
        with self._write() as db:
            cursor = db.execute("INSERT INTO comments (at, user, language, slug, entry, text) "
                                "VALUES (?, ?, ?, ?, ?, ?)", (at, user, language, slug, entry, text))
        return Comment(cursor.lastrowid, at, user, text)

    def comments(self, language: str, slug: str, entry: str) -> list[Comment]:
        with self._read() as db:
            rows = db.execute("SELECT id, at, user, text FROM comments WHERE language = ? AND slug = ? "
                              "AND entry = ? ORDER BY id", (language, slug, entry)).fetchall()
        return [Comment(*row) for row in rows]


def _insert(db: sqlite3.Connection, change: dict) -> int:
    cursor = db.execute(
        "INSERT INTO history (at, user, language, slug, entry, msgctxt, msgid, action, old_msgstr, "
        "new_msgstr, old_state, new_state, suggestion, note) VALUES (:at, :user, :language, :slug, :entry, "
        ":msgctxt, :msgid, :action, :old_msgstr, :new_msgstr, :old_state, :new_state, :suggestion, :note)",
        {"at": time.time(), "suggestion": None, "note": None, **change})
    return cursor.lastrowid


def _decide(db: sqlite3.Connection, suggestion_id: int, user: str, status: str) -> None:
    done = db.execute("UPDATE suggestions SET status = ?, decided_by = ?, decided_at = ? WHERE id = ? "
                      "AND status = ?", (status, user, time.time(), suggestion_id, OPEN)).rowcount
    if not done:
        raise Decided("this suggestion was already accepted or dismissed")


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a database made by an earlier version up to this schema."""
    db.execute("BEGIN IMMEDIATE")
    try:
        columns = {row[1] for row in db.execute("PRAGMA table_info(history)")}
        if "suggestion" not in columns:
            db.execute("ALTER TABLE history ADD COLUMN suggestion INTEGER")
        if "note" not in columns:
            db.execute("ALTER TABLE history ADD COLUMN note TEXT")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


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


def _user(row) -> User:
    name, role, langs, ui_language = row
    return User(name, role, tuple(langs.split()), ui_language)
