"""API tokens: the ``tokens`` table of the store (:mod:`localize.accounts`). Only a token's digest is
stored; a token may expire and may be revoked, and stops working when its account is disabled."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Column, Double, ForeignKey, MetaData, Table, Text, text

from .users import AccountError, User, existing

TOKEN_DAYS = (30, 90, 365)          # the lifetimes the UI offers; any number of days up to MAX_TOKEN_DAYS
MAX_TOKEN_DAYS = 3650
TOKEN_TOUCH = 60                    # seconds: a token's last use is written at most this often


def define(metadata: MetaData) -> None:
    """The table of tokens, in the store's metadata."""
    Table(
        "tokens", metadata,
        Column("digest", Text, primary_key=True),
        Column("user", Text, ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
        Column("label", Text, nullable=False, server_default=""),
        Column("created", Double, nullable=False),
        Column("id", Text),
        Column("expires", Double),
        Column("last_used", Double),
        Column("revoked", Double),
    )


class NoToken(AccountError):
    """No such API token of this account."""


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


class Tokens:
    """The API-token part of :class:`localize.accounts.Store` (it needs the store's ``user()``)."""

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
            existing(db, name)
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


_TOKEN_COLUMNS = 'id, "user", label, created, expires, last_used, revoked'


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
