"""The store's schema, brought up to date by its Alembic migrations (``localize/migrations``).

:func:`upgrade` runs inside one write transaction of the store, so it holds the
store's write lock: several processes starting at once migrate once, the
others find the work done. A database made before migrations began (its
tables there, no ``alembic_version``) is adopted: what its release lacked is
added (missing tables, the columns added since), every row kept, and it is
stamped at the first revision before the later ones run. Every opening of the
store calls :func:`ready`, which upgrades a database once per process.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from .db import open_database

BASELINE = "0001"
HEAD = "0002"   # the newest revision of migrations/versions (a test holds them equal): checked without Alembic
_DONE: set[str] = set()
_LOCK = threading.Lock()


def _config(conn: Connection | None = None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def head() -> str:
    """The newest revision, as Alembic reads the migrations."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current(address) -> str | None:
    """The revision the database is at (None: none yet, or made before migrations)."""
    with open_database(address).read() as conn:
        return _revision(conn)


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(address) -> tuple[str | None, str]:
    """Bring the store at ``address`` to the newest revision: (the revision it was at, the one it is at)."""
    from alembic import command

    db = open_database(address)
    with db.write() as conn:
        before = _revision(conn)
        if before is None and inspect(conn).get_table_names():
            _adopt(conn)
            command.stamp(_config(conn), BASELINE)
        command.upgrade(_config(conn), "head")
        after = _revision(conn)
    _DONE.add(str(db.address))
    return before, after


def ready(address) -> None:
    """The store at ``address`` is up to date, once per process (Alembic is loaded only to change it)."""
    key = str(open_database(address).address)
    if key in _DONE:
        return
    with _LOCK:
        if key in _DONE:
            return
        if current(address) != HEAD:
            upgrade(address)
        _DONE.add(key)


def _adopt(conn: Connection) -> None:
    """A database made before migrations began, as the first revision has it: rows kept."""
    from . import accounts, tasks
    from .editions import record

    for metadata in (accounts.METADATA, tasks.METADATA, record.METADATA):
        metadata.create_all(conn, checkfirst=True)
    accounts.legacy(conn)
    tasks.legacy(conn)
