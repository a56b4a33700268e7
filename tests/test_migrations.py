"""The store's schema through its Alembic migrations, on SQLite and a real PostgreSQL: a new database is made
at the newest revision; a database of an earlier release is adopted with every row kept; `localize db upgrade`
says where it stands."""

from __future__ import annotations

import sqlite3

from sqlalchemy import inspect

from localize import schema
from localize.accounts import Store
from localize.cli import main
from localize.db import open_database

TABLES = {"users", "user_roles", "tokens", "failed_logins", "history", "comments", "suggestions", "pending",
          "jobs", "publications", "alembic_version"}

# The accounts database as the first releases made it: no per-language roles, token ids, expiry, disabled
# accounts, suggestions or notes in the history; no jobs, no publications.
FIRST_RELEASE = """
CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, languages TEXT NOT NULL DEFAULT '',
                    password TEXT NOT NULL, ui_language TEXT, created REAL NOT NULL);
CREATE TABLE tokens (digest TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                     label TEXT NOT NULL DEFAULT '', created REAL NOT NULL);
CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL,
                      language TEXT NOT NULL, slug TEXT NOT NULL, entry TEXT NOT NULL, msgctxt TEXT,
                      msgid TEXT NOT NULL, action TEXT NOT NULL, old_msgstr TEXT NOT NULL, new_msgstr TEXT NOT NULL,
                      old_state TEXT NOT NULL, new_state TEXT NOT NULL);
CREATE TABLE comments (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL,
                       language TEXT NOT NULL, slug TEXT NOT NULL, entry TEXT NOT NULL, text TEXT NOT NULL);
INSERT INTO users VALUES ('tina', 'reviewer', 'es ca', 'scrypt:32768:8:1$x$y', NULL, 1700000000.5);
INSERT INTO users VALUES ('ada', 'admin', '', 'scrypt:32768:8:1$x$y', 'es', 1700000001.25);
INSERT INTO tokens VALUES ('aaaabbbbccccdddd', 'tina', 'laptop', 1700000002.0);
INSERT INTO history (at, user, language, slug, entry, msgctxt, msgid, action, old_msgstr, new_msgstr,
                     old_state, new_state)
     VALUES (1700000003.0, 'tina', 'es', 'a-b', 'e1', NULL, 'Hello', 'save', '', 'Hola', 'untranslated',
             'needs review');
INSERT INTO comments (at, user, language, slug, entry, text) VALUES (1700000004.0, 'ada', 'es', 'a-b', 'e1', 'ok');
"""


def test_a_new_database_is_made_at_the_newest_revision(database):
    Store(database)
    assert schema.current(database) == schema.head()
    with open_database(database).read() as conn:
        assert set(inspect(conn).get_table_names()) == TABLES


def test_a_first_release_database_is_adopted_with_every_row_kept(tmp_path, capsys):
    path = tmp_path / "localize.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(FIRST_RELEASE)
    db.close()
    assert main(["--root", str(tmp_path), "db", "upgrade", "--database", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"from no revision to {schema.head()}" in out
    store = Store(path)
    tina, ada = store.user("tina"), store.user("ada")
    assert tina.roles == (("ca", "reviewer"), ("es", "reviewer")) and not tina.disabled   # roles per language
    assert ada.role == "admin" and ada.ui_language == "es"
    [token] = store.tokens("tina")
    assert (token.id, token.label, token.expires, token.revoked) == ("aaaabbbbcccc", "laptop", None, None)
    [saved] = store.history()
    assert (saved.new_msgstr, saved.suggestion, saved.note, saved.at) == ("Hola", None, None, 1700000003.0)
    assert [c.text for c in store.comments("es", "a-b", "e1")] == ["ok"]
    assert store.record({"user": "ada", "language": "es", "slug": "a-b", "entry": "e1", "msgctxt": None,
                         "msgid": "Hello", "action": "approve", "old_msgstr": "Hola", "new_msgstr": "Hola",
                         "old_state": "needs review", "new_state": "approved"}) == saved.id + 1
    assert main(["--root", str(tmp_path), "db", "upgrade", "--database", str(path)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_db_upgrade_names_a_postgresql_store_without_its_password(postgres, tmp_path, capsys):
    import uuid

    address = postgres.create_database(f"t{uuid.uuid4().hex}")
    assert main(["--root", str(tmp_path), "db", "upgrade", "--database", address]) == 0
    out = capsys.readouterr().out
    assert f"to {schema.head()}" in out and schema.current(address) == schema.head()


def test_the_revision_checked_without_alembic_is_alembics_newest():
    assert schema.HEAD == schema.head()


def test_the_tables_a_database_is_adopted_with_are_those_the_baseline_makes(tmp_path):
    """The metadata that completes an old database and the frozen first revision describe the same tables."""
    from sqlalchemy import create_engine

    from localize import accounts, tasks
    from localize.editions import record

    made = tmp_path / "made.sqlite3"
    Store(made)                                   # through the first revision
    adopted = create_engine(f"sqlite:///{tmp_path / 'adopted.sqlite3'}")
    for metadata in (accounts.METADATA, tasks.METADATA, record.METADATA):
        metadata.create_all(adopted)

    def shape(conn) -> dict:
        found = inspect(conn)
        return {table: [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)]
                for table in sorted(found.get_table_names()) if table != "alembic_version"}

    with open_database(made).read() as conn, adopted.connect() as other:
        assert shape(conn) == shape(other)
    adopted.dispose()


def test_a_store_at_the_first_revision_gains_the_active_jobs_index_and_keeps_its_jobs(tmp_path, capsys):
    from alembic import command

    from localize import tasks

    path = tmp_path / "at-0001.sqlite3"
    with open_database(path).write() as conn:
        command.upgrade(schema._config(conn), "0001")   # as a release of the first revision left it
        conn.exec_driver_sql("INSERT INTO jobs (id, kind, language, names, \"user\", state, created, updated) "
                             "VALUES ('j1', 'draft', 'es', '', 'eve', 'done', 1.0, 2.0)")
    assert schema.current(path) == "0001"
    with open_database(path).read() as conn:
        assert "jobs_active" not in {i["name"] for i in inspect(conn).get_indexes("jobs")}
    assert main(["--root", str(tmp_path), "db", "upgrade", "--database", str(path)]) == 0
    assert "0001" in capsys.readouterr().out and schema.current(path) == "0002"
    with open_database(path).read() as conn:
        index = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("jobs")}
    assert index["jobs_active"] == ["state", "language", "kind"]
    assert [(j.id, j.state, j.user) for j in tasks.Jobs(path).recent()] == [("j1", "done", "eve")]
