"""The change history of entries, their comments and stored suggestions: the records half of the store.

They live in the same database as the accounts (:class:`localize.accounts.Store`,
which has these methods; a SQLite file or PostgreSQL): one short transaction per
write, shared by every worker process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Column, Double, Index, Integer, MetaData, Table, Text, bindparam
from sqlalchemy import text as _sql   # text: a name the records' own fields take
from sqlalchemy.engine import Connection

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


def _about_an_entry(*, source: bool) -> list[Column]:
    """The columns every record of an entry begins with: its id, when, who, which entry (and its source)."""
    columns = [Column("id", Integer, primary_key=True, autoincrement=True), Column("at", Double, nullable=False)]
    columns += [Column(name, Text, nullable=False) for name in ("user", "language", "slug", "entry")]
    if source:
        columns += [Column("msgctxt", Text), Column("msgid", Text, nullable=False)]
    return columns


def define(metadata: MetaData) -> None:
    """The records' tables, in the store's metadata (for a database adopted from before migrations)."""
    Table("history", metadata, *_about_an_entry(source=True),
          *(Column(name, Text, nullable=False) for name in ("action", "old_msgstr", "new_msgstr", "old_state",
                                                            "new_state")),
          Column("suggestion", Integer),
          Column("note", Text),
          Index("history_entry", "language", "slug", "entry", "id"),
          sqlite_autoincrement=True)
    Table("comments", metadata, *_about_an_entry(source=False),
          Column("text", Text, nullable=False),
          Index("comments_entry", "language", "slug", "entry", "id"),
          sqlite_autoincrement=True)
    Table("suggestions", metadata, *_about_an_entry(source=True),
          Column("text", Text, nullable=False),
          Column("origin", Text, nullable=False, server_default=""),
          Column("status", Text, nullable=False, server_default="open"),
          Column("decided_by", Text),
          Column("decided_at", Double),
          Index("suggestions_entry", "language", "slug", "entry", "status"),
          sqlite_autoincrement=True)
    Table("pending", metadata,   # a change recorded whose catalog write is not yet done
          Column("change", Integer, primary_key=True, autoincrement=False))


_IDS = bindparam("ids", expanding=True)
_SLUGS = bindparam("slugs", expanding=True)


class Records:
    """History, comments and suggestions: methods of :class:`localize.accounts.Store`, through its
    ``_write`` (one write transaction) and ``_read`` (a connection for reads)."""

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
                db.execute(_sql("INSERT INTO pending (change) VALUES (:id)"), {"id": change_id})
            return change_id

    def record_many(self, changes: list[dict], *, pending: bool = False) -> list[int]:
        """Append several changes in one transaction; their ids, in order."""
        with self._write() as db:
            ids = [_insert(db, change) for change in changes]
            if pending and ids:
                db.execute(_sql("INSERT INTO pending (change) VALUES (:id)"), [{"id": i} for i in ids])
            return ids

    def settle(self, ids: list[int]) -> None:
        """The catalog writes of these pending changes are done: the history shows them.

        Not flushed to the disk on its own: a settlement lost to a power cut
        leaves the changes pending, and :func:`localize.history.settle` finds
        them written, so a save pays for one flush of the history, not two.
        """
        if not ids:
            return
        delete = _sql("DELETE FROM pending WHERE change IN :ids").bindparams(_IDS)
        if self.db.postgres:
            with self._write() as db:
                db.execute(delete, {"ids": list(ids)})
            return
        with self.db.engine.connect() as conn:   # SQLite: each statement its own transaction, unflushed
            raw = conn.connection.driver_connection
            raw.execute("PRAGMA synchronous = OFF")
            try:   # a batch's rows go 500 at a time
                for start in range(0, len(ids), 500):
                    part = ids[start:start + 500]
                    raw.execute(f"DELETE FROM pending WHERE change IN ({','.join('?' * len(part))})", part)
            finally:
                raw.execute("PRAGMA synchronous = FULL")

    def pending(self, language: str | None = None, slug: str | None = None) -> list[Change]:
        """Changes recorded whose catalog write was not seen to finish (its writer died, or is writing)."""
        sql, args = "SELECT history.* FROM history JOIN pending ON pending.change = history.id WHERE 1 = 1", {}
        for column, value in (("language", language), ("slug", slug)):
            if value is not None:
                sql += f" AND history.{column} = :{column}"
                args[column] = value
        with self._read() as db:
            return [Change(*row) for row in db.execute(_sql(sql + " ORDER BY history.id"), args).fetchall()]

    def forget(self, change_id: int) -> None:
        """Take back a change whose catalog write failed (a suggestion it decided is open again)."""
        self.forget_many([change_id])

    def forget_many(self, ids: list[int]) -> None:
        with self._write() as db:
            for change_id in ids:
                row = db.execute(_sql("SELECT action, suggestion FROM history WHERE id = :id"),
                                 {"id": change_id}).fetchone()
                db.execute(_sql("DELETE FROM history WHERE id = :id"), {"id": change_id})
                db.execute(_sql("DELETE FROM pending WHERE change = :id"), {"id": change_id})
                if row and row[1] is not None:
                    if row[0] == "suggest":
                        db.execute(_sql("DELETE FROM suggestions WHERE id = :id"), {"id": row[1]})
                    else:
                        db.execute(_sql("UPDATE suggestions SET status = :open, decided_by = NULL, "
                                        "decided_at = NULL WHERE id = :id"), {"open": OPEN, "id": row[1]})

    def history(self, language: str | None = None, slug: str | None = None, entry: str | None = None,
                *, since: int = 0) -> list[Change]:
        sql, args = "SELECT * FROM history WHERE id > :since AND id NOT IN (SELECT change FROM pending)", \
            {"since": since}
        for column, value in (("language", language), ("slug", slug), ("entry", entry)):
            if value is not None:
                sql += f" AND {column} = :{column}"
                args[column] = value
        with self._read() as db:
            return [Change(*row) for row in db.execute(_sql(sql + " ORDER BY id"), args).fetchall()]

    def approvals(self, language: str, slugs: list[str]) -> dict[str, tuple[list[str], float]]:
        """{slug: (who approved entries of it, sorted; the time of the last approval)} for the named articles
        of a language: read from the rows of those articles only, however long the language's history."""
        if not slugs:
            return {}
        with self._read() as db:
            rows = db.execute(_sql('SELECT slug, "user", max(at) FROM history WHERE language = :language '
                                   "AND slug IN :slugs AND action = 'approve' "
                                   "AND id NOT IN (SELECT change FROM pending) "
                                   'GROUP BY slug, "user"').bindparams(_SLUGS),
                              {"language": language, "slugs": list(slugs)}).fetchall()
        found: dict[str, tuple[list[str], float]] = {}
        for slug, user, at in rows:
            users, last = found.get(slug, ([], 0.0))
            found[slug] = (sorted([*users, user]), max(last, at))
        return found

    def change(self, change_id: int) -> Change | None:
        with self._read() as db:
            row = db.execute(_sql("SELECT * FROM history WHERE id = :id"), {"id": change_id}).fetchone()
        return Change(*row) if row else None

    def last_change(self) -> int:
        """The id of the newest change of the history (0 for none)."""
        with self._read() as db:
            return db.execute(_sql("SELECT COALESCE(MAX(id), 0) FROM history")).scalar_one()

    def changed_since(self, language: str, slug: str, since: int) -> dict[str, str]:
        """The entries of a catalog changed after the change ``since`` → the translation each had then."""
        with self._read() as db:
            rows = db.execute(_sql("SELECT entry, old_msgstr FROM history WHERE language = :language "
                                   "AND slug = :slug AND id > :since "
                                   "AND (old_msgstr != new_msgstr OR old_state != new_state) ORDER BY id"),
                              {"language": language, "slug": slug, "since": since}).fetchall()
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
            row = db.execute(_sql("SELECT * FROM suggestions WHERE language = :language AND slug = :slug "
                                 "AND entry = :entry AND text = :text AND status = :open"),
                             {"language": change["language"], "slug": change["slug"], "entry": change["entry"],
                              "text": text, "open": OPEN}).fetchone()
            if row is not None:
                return Suggestion(*row), False
            made = db.execute(
                _sql('INSERT INTO suggestions (at, "user", language, slug, entry, msgctxt, msgid, text, origin) '
                    "VALUES (:at, :user, :language, :slug, :entry, :msgctxt, :msgid, :text, :origin) RETURNING id"),
                {"at": at, "user": change["user"], "language": change["language"], "slug": change["slug"],
                 "entry": change["entry"], "msgctxt": change["msgctxt"], "msgid": change["msgid"], "text": text,
                 "origin": origin}).scalar_one()
            _insert(db, {"user": change["user"], "language": change["language"], "slug": change["slug"],
                         "entry": change["entry"], "msgctxt": change["msgctxt"], "msgid": change["msgid"],
                         "action": "suggest", "old_msgstr": change["msgstr"], "new_msgstr": change["msgstr"],
                         "old_state": change["state"], "new_state": change["state"], "suggestion": made})
        return Suggestion(made, at, change["user"], change["language"], change["slug"], change["entry"],
                          change["msgctxt"], change["msgid"], text, origin), True

    def suggestion(self, suggestion_id: int) -> Suggestion | None:
        with self._read() as db:
            row = db.execute(_sql("SELECT * FROM suggestions WHERE id = :id"), {"id": suggestion_id}).fetchone()
        return Suggestion(*row) if row else None

    def suggestions(self, language: str, slug: str, entry: str | None = None, *,
                    status: str | None = OPEN) -> list[Suggestion]:
        """The suggestions of a catalog (or of one entry), oldest first; open ones unless ``status`` says."""
        sql, args = "SELECT * FROM suggestions WHERE language = :language AND slug = :slug", \
            {"language": language, "slug": slug}
        if entry is not None:
            sql += " AND entry = :entry"
            args["entry"] = entry
        if status is not None:
            sql += " AND status = :status"
            args["status"] = status
        with self._read() as db:
            return [Suggestion(*row) for row in db.execute(_sql(sql + " ORDER BY id"), args).fetchall()]

    def add_comment(self, user: str, language: str, slug: str, entry: str, text: str) -> Comment:
        text = text.strip()
        if not text:
            raise BadInput("an empty comment")
        if len(text) > 5000:
            raise BadInput("a comment is at most 5,000 characters")
        at = time.time()
        with self._write() as db:
            made = db.execute(_sql('INSERT INTO comments (at, "user", language, slug, entry, text) '
                                  "VALUES (:at, :user, :language, :slug, :entry, :text) RETURNING id"),
                              {"at": at, "user": user, "language": language, "slug": slug, "entry": entry,
                               "text": text}).scalar_one()
        return Comment(made, at, user, text)

    def comments(self, language: str, slug: str, entry: str) -> list[Comment]:
        with self._read() as db:
            rows = db.execute(_sql('SELECT id, at, "user", text FROM comments WHERE language = :language '
                                   "AND slug = :slug AND entry = :entry ORDER BY id"),
                              {"language": language, "slug": slug, "entry": entry}).fetchall()
        return [Comment(*row) for row in rows]


_INSERT = _sql(
    'INSERT INTO history (at, "user", language, slug, entry, msgctxt, msgid, action, old_msgstr, '
    "new_msgstr, old_state, new_state, suggestion, note) VALUES (:at, :user, :language, :slug, :entry, "
    ":msgctxt, :msgid, :action, :old_msgstr, :new_msgstr, :old_state, :new_state, :suggestion, :note) "
    "RETURNING id")
_FIELDS = ("user", "language", "slug", "entry", "msgctxt", "msgid", "action", "old_msgstr", "new_msgstr",
           "old_state", "new_state", "suggestion", "note", "at")


def _insert(db: Connection, change: dict) -> int:
    row = {"at": time.time(), "suggestion": None, "note": None, "msgctxt": None, **change}
    return db.execute(_INSERT, {k: row.get(k) for k in _FIELDS}).scalar_one()


def _decide(db: Connection, suggestion_id: int, user: str, status: str) -> None:
    done = db.execute(_sql("UPDATE suggestions SET status = :status, decided_by = :user, decided_at = :now "
                           "WHERE id = :id AND status = :open"),
                      {"status": status, "user": user, "now": time.time(), "id": suggestion_id,
                       "open": OPEN}).rowcount
    if not done:
        raise Decided("this suggestion was already accepted or dismissed")
