"""The store's database through SQLAlchemy Core: a SQLite file by default, or PostgreSQL (psycopg 3).

:func:`open_database` takes a file path (SQLite) or a ``postgresql://`` URL and gives a
:class:`Database` shared by every caller of this process for that address (one
connection pool per process: a forked child makes its own). Its two doors:

* ``read()``: a connection for reads (SQLite: a deferred transaction, so readers
  never wait for one another);
* ``write()``: one write transaction that holds the store's write lock from its
  first statement, as SQLite's ``BEGIN IMMEDIATE`` does; on PostgreSQL a
  transaction-scoped advisory lock gives the same guarantee, so a check made at
  the start of a write (is a job of that language running? is this the last
  admin?) still holds at its end on either engine.

Statements are SQL text with named parameters (``:name``), written to mean the
same on both engines: ``"user"`` quoted (a reserved word in PostgreSQL), times as
double precision, ``RETURNING`` for new ids.
"""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, exc, text
from sqlalchemy.engine import Connection

from .errors import LocalizeError

WRITE_LOCK = 0x6C6F63616C697A65   # "localize": the store's advisory lock key on PostgreSQL
SCHEMES = ("postgresql", "postgres")
_OPEN: dict[tuple[str, int], "Database"] = {}
_LOCK = threading.Lock()


_BUGS = (exc.IntegrityError, exc.ProgrammingError)   # a statement of ours that is wrong: not the database's state


class DatabaseError(LocalizeError):
    """The database cannot be reached or read; its address (never a password) named."""


def is_url(address: str | Path) -> bool:
    return isinstance(address, str) and address.split("://", 1)[0].split("+", 1)[0].lower() in SCHEMES


def shown(address: str | Path) -> str:
    """An address as messages name it: a URL without its password."""
    if not is_url(address):
        return str(address)
    from sqlalchemy.engine import make_url

    return make_url(_driver(str(address))).render_as_string(hide_password=True)


def _driver(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme.lower() in SCHEMES else url


def open_database(address: str | Path) -> "Database":
    """The :class:`Database` at a file path (SQLite) or a PostgreSQL URL, one per process."""
    key = (str(address) if is_url(address) else str(Path(address).resolve()), os.getpid())
    with _LOCK:
        found = _OPEN.get(key)
        if found is None:
            found = _OPEN[key] = Database(address)
    return found


class Database:
    """One database: an engine, and the read and write doors to it."""

    def __init__(self, address: str | Path):
        self.address = address
        self.postgres = is_url(address)
        if self.postgres:
            self.engine = create_engine(_driver(str(address)), pool_pre_ping=True, pool_size=5, max_overflow=10)
        else:
            path = Path(address)
            path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite(path)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn.execution_options(localize_read=True)
        except exc.DBAPIError as error:
            if isinstance(error, _BUGS):
                raise
            raise DatabaseError(f"{shown(self.address)}: {_first_line(error)}") from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction holding the store's write lock: committed at the end, rolled back on an error."""
        try:
            with self.engine.begin() as conn:
                if self.postgres:
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})
                yield conn
        except exc.DBAPIError as error:
            if isinstance(error, _BUGS):
                raise
            if "database or disk is full" in str(error):
                from .catalog import WriteError

                raise WriteError(Path(self.address), os.strerror(errno.ENOSPC), errno.ENOSPC) from None
            raise DatabaseError(f"{shown(self.address)}: {_first_line(error)}") from None

    def catalog_locks(self) -> "CatalogLocks":
        """A session of catalog locks shared by every host using this PostgreSQL store."""
        return CatalogLocks(self)

    def release(self) -> None:
        """Close the connections this process holds (a server about to fork its workers calls it)."""
        self.engine.dispose()


def _first_line(error: Exception) -> str:
    return str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _sqlite(path: Path) -> Engine:
    # connections kept open between uses (opening one, with its pragmas, costs more than a save's queries);
    # this process's own: a forked child opens its own engine (open_database is keyed by the process)
    engine = create_engine(f"sqlite:///{path}", pool_size=5, max_overflow=20, pool_reset_on_return="rollback",
                           connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def connect(dbapi, record):
        dbapi.isolation_level = None              # transactions begun below, as SQLite means them
        dbapi.execute("PRAGMA busy_timeout=30000")
        dbapi.execute("PRAGMA foreign_keys=ON")
        if dbapi.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            dbapi.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def begin(conn):
        reading = conn.get_execution_options().get("localize_read", False)
        conn.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine


class CatalogLocks:
    """Catalog locks held as PostgreSQL session advisory locks, one key per catalog path (the shared volume
    is mounted at the same path on every host), on one connection kept until :meth:`release`."""

    def __init__(self, db: Database):
        self.db = db
        self.conn: Connection | None = None

    @staticmethod
    def key(path: Path) -> int:
        digest = hashlib.sha256(f"catalog:{Path(path).resolve()}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)

    def hold(self, path: Path, wait: bool = True) -> bool:
        try:
            if self.conn is None:
                self.conn = self.db.engine.connect()
            sql = "SELECT pg_advisory_lock(:key)" if wait else "SELECT pg_try_advisory_lock(:key)"
            got = self.conn.execute(text(sql), {"key": self.key(path)}).scalar()
            self.conn.commit()
        except exc.DBAPIError as error:
            self.release()
            raise DatabaseError(f"{shown(self.db.address)}: the lock of {Path(path).name}: "
                                f"{_first_line(error)}") from None
        return wait or bool(got)

    def release(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.execute(text("SELECT pg_advisory_unlock_all()"))
            self.conn.commit()
        except exc.DBAPIError:
            self.conn.invalidate()   # a connection in doubt is not given back to the pool: its locks die with it
        finally:
            self.conn.close()
            self.conn = None
