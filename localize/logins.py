"""The login rate limit, shared by every worker process and host: the ``failed_logins`` table of the
store (:mod:`localize.accounts`)."""

from __future__ import annotations

import time

from sqlalchemy import Column, Double, Index, MetaData, Table, Text, text

from .users import execute_many

LOGIN_LIMIT, LOGIN_WINDOW = 5, 300  # failed logins per name or address, seconds


def define(metadata: MetaData) -> None:
    """The table of failed logins, in the store's metadata."""
    Table(
        "failed_logins", metadata,
        Column("key", Text, nullable=False),
        Column("at", Double, nullable=False),
        Index("failed_logins_key", "key", "at"),
    )


class Logins:
    """The login-limit part of :class:`localize.accounts.Store`."""

    def login_blocked(self, *keys: str, limit: int = LOGIN_LIMIT, window: float = LOGIN_WINDOW) -> bool:
        since = time.time() - window
        with self._read() as db:
            return any(db.execute(text("SELECT COUNT(*) FROM failed_logins WHERE key = :key AND at > :since"),
                                  {"key": key, "since": since}).scalar_one() >= limit for key in keys)

    def login_failed(self, *keys: str, window: float = LOGIN_WINDOW) -> None:
        now = time.time()
        with self._write() as db:
            db.execute(text("DELETE FROM failed_logins WHERE at < :since"), {"since": now - window})
            execute_many(db, "INSERT INTO failed_logins (key, at) VALUES (:key, :at)",
                         [{"key": k, "at": now} for k in keys])

    def login_succeeded(self, *keys: str) -> None:
        with self._write() as db:
            execute_many(db, "DELETE FROM failed_logins WHERE key = :key", [{"key": k} for k in keys])

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
            execute_many(db, "INSERT INTO failed_logins (key, at) VALUES (:key, :at)",
                         [{"key": k, "at": now} for k in keys])
        return now

    def login_passed(self, at: float, *keys: str) -> None:
        """Take back the attempt counted at ``at`` against these keys: its password was right."""
        with self._write() as db:
            execute_many(db, "DELETE FROM failed_logins WHERE key = :key AND at = :at",   # the attempt counted then
                  [{"key": k, "at": at} for k in keys])
