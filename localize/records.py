"""The change history of entries, their comments and stored suggestions: the records half of the store.

They live in the same SQLite file as the accounts (:class:`localize.accounts.Store`,
which has these methods): one short transaction per write, in WAL mode, shared
by every worker process.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from .errors import BadInput, ConflictError


class Decided(ConflictError):
    """The suggestion was accepted or dismissed meanwhile (HTTP 409)."""


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


class Records:
    """History, comments and suggestions: methods of :class:`localize.accounts.Store`, through its
    ``_write`` (one write transaction) and ``_read`` (this thread's connection)."""

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
            raise BadInput("an empty comment")
        if len(text) > 5000:
            raise BadInput("a comment is at most 5,000 characters")
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
