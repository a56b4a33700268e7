"""The store: one database of accounts, tokens, login limits and records, each table group in a module:

* :mod:`localize.users`: accounts and their roles per language;
* :mod:`localize.tokens`: API tokens;
* :mod:`localize.logins`: the login rate limit;
* :mod:`localize.records`: the change history, pending changes, comments and suggestions;
* :mod:`localize.tasks` (jobs) and :mod:`localize.editions.record` (publications) keep their tables
  in the same database, through classes of their own.

The database is the web app's ``instance/localize.sqlite3`` (WAL mode, a busy
timeout: several worker processes share it), or the PostgreSQL server
``LOCALIZE_DATABASE`` names (:mod:`localize.db`); every write is one short
transaction holding the store's write lock. :mod:`localize.schema` brings the
schema to its head (Alembic) the first time a process opens it.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Connection

from . import logins, records, tokens, users
from .db import is_url, open_database
from .logins import LOGIN_LIMIT, LOGIN_WINDOW, Logins
from .records import Records
from .tokens import MAX_TOKEN_DAYS, TOKEN_DAYS, NoToken, Token, Tokens, token_expiry
from .users import (EVERY_LANGUAGE, MIN_PASSWORD, PER_LANGUAGE, RIGHTS, ROLES, AccountError, LastAdmin,
                    PermissionDenied, User, Users, execute_many)

__all__ = ["EVERY_LANGUAGE", "LOGIN_LIMIT", "LOGIN_WINDOW", "MAX_TOKEN_DAYS", "METADATA", "MIN_PASSWORD",
           "PER_LANGUAGE", "RIGHTS", "ROLES", "TOKEN_DAYS", "AccountError", "LastAdmin", "NoToken",
           "PermissionDenied", "Store", "Token", "User", "legacy", "token_expiry"]

METADATA = MetaData()
for _group in (users, tokens, logins, records):
    _group.define(METADATA)


class Store(Users, Tokens, Logins, Records):
    """The store's database, a SQLite file or a PostgreSQL URL (:mod:`localize.db`), with what each
    table group's part adds: accounts (:class:`Users`), API tokens (:class:`Tokens`), login limits
    (:class:`Logins`), the history, comments and suggestions (:class:`Records`)."""

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
    execute_many(db, 'INSERT INTO user_roles ("user", language, role) VALUES (:user, :language, :role) '
              "ON CONFLICT DO NOTHING",
          [{"user": name, "language": lang, "role": role} for name, role, langs in rows for lang in langs.split()])


def _add_columns(db: Connection, table: str, wanted: dict[str, str]) -> None:
    columns = {column["name"] for column in inspect(db).get_columns(table)}
    for column, kind in wanted.items():
        if column not in columns:
            db.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
