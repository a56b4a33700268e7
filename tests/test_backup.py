"""`localize backup` and `localize restore`: a workspace with accounts, history and a published edition backed up
while its server writes, restored elsewhere whole; archives tampered with, truncated or hostile are refused and
change nothing. Real files, real SQLite, real tar archives."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import tarfile
import threading
from pathlib import Path

import polib
import pytest

from conftest import assert_msgfmt_ok, snapshot
from localize.accounts import Store
from localize.cli import main
from localize.editions.store import read_index
from test_api import PASSWORD, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)

KEPT = ("pyproject.toml", "source", "locales")


def cli(*args) -> int:
    return main([str(a) for a in args])


def workspace_files(root: Path) -> dict[str, bytes]:
    found = {}
    for name in KEPT:
        path = root / name
        found.update({f"{name}/{k}": v for k, v in snapshot(path).items()} if path.is_dir()
                     else {name: path.read_bytes()})
    return found


def rows(database: Path, table: str) -> list[tuple]:
    db = sqlite3.connect(database)
    try:
        return db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
    finally:
        db.close()


def publish_spanish(site) -> None:
    cat = polib.pofile(str(site.po("es")), wrapwidth=0)
    for entry in cat:
        entry.msgstr, entry.flags = "ES " + entry.msgid, []
    cat.save(str(site.po("es")))
    assert cli("--root", site.root, "export", "--lang", "es", "--slug", SLUG, "--format", "html") == 0


def test_a_workspace_backed_up_while_its_server_writes_is_restored_whole(site, tmp_path, capsys):
    publish_spanish(site)
    database = site.root / "instance" / "localize.sqlite3"
    stop = threading.Event()

    def reviewer() -> None:   # the server goes on recording while the backup runs
        store = Store(database)
        n = 0
        while not stop.is_set():
            store.add_comment("eve", "es", SLUG, "x" * 16, f"comment {n}")
            n += 1
        store.close()

    writer = threading.Thread(target=reviewer)
    writer.start()
    try:
        assert cli("--root", site.root, "backup", tmp_path / "ws.tar.gz") == 0
    finally:
        stop.set()
        writer.join()
    assert "with the database" in capsys.readouterr().out
    target = tmp_path / "restored"
    assert cli("--root", target, "restore", tmp_path / "ws.tar.gz") == 0
    assert workspace_files(target) == workspace_files(site.root)
    restored = target / "instance" / "localize.sqlite3"
    assert rows(restored, "users") == rows(database, "users")
    assert rows(restored, "history") == rows(database, "history")
    assert rows(restored, "publications") == rows(database, "publications")
    comments = rows(restored, "comments")
    assert comments == rows(database, "comments")[:len(comments)]          # a consistent moment of it
    assert (target / "out" / "editions" / "es" / f"{SLUG}.html").is_file()
    assert read_index(target / "out" / "editions") == read_index(site.root / "out" / "editions")
    assert read_index(target / "out" / "editions")["articles"][SLUG].keys() == {"en", "es"}
    for path in (target / "locales").rglob("*.po"):
        assert_msgfmt_ok(path)
    assert Store(restored).authenticate("eve", PASSWORD).name == "eve"      # the accounts log in as before
    assert cli("--root", target, "status") == 0


def test_previews_and_the_editions_on_request_are_left_out(site, tmp_path):
    publish_spanish(site)
    assert cli("--root", site.root, "export", "--lang", "fr", "--allow-drafts", "--format", "html") == 0
    assert cli("--root", site.root, "backup", "--no-editions", tmp_path / "a.tar.gz") == 0
    assert cli("--root", site.root, "backup", tmp_path / "b.tar.gz") == 0
    names = {n: set(tarfile.open(tmp_path / n).getnames()) for n in ("a.tar.gz", "b.tar.gz")}
    assert not any(n.startswith("workspace/out/") for n in names["a.tar.gz"])
    assert f"workspace/out/editions/es/{SLUG}.html" in names["b.tar.gz"]
    assert not any("/previews/" in n for n in names["b.tar.gz"])


def test_an_existing_backup_is_not_replaced_without_force(site, tmp_path, capsys):
    file = tmp_path / "ws.tar.gz"
    file.write_bytes(b"an older backup")
    assert cli("--root", site.root, "backup", file) == 2
    assert "exists" in capsys.readouterr().err and file.read_bytes() == b"an older backup"
    assert cli("--root", site.root, "backup", "--force", file) == 0
    assert tarfile.is_tarfile(file)


# -- a backup that does not verify changes nothing ----------------------------------------------------

def rewritten(source: Path, target: Path, change) -> Path:
    """The backup with its members passed through ``change(name, data) -> [(name, data, type)]``."""
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read() if info.isfile() else b""
            for name, body, kind in change(info.name, data):
                made = tarfile.TarInfo(name)
                made.size, made.type = len(body), kind
                if kind == tarfile.SYMTYPE:
                    made.linkname, made.size = "/etc/passwd", 0
                new.addfile(made, io.BytesIO(body) if kind == tarfile.REGTYPE else None)
    return target


def same(name, data):
    return [(name, data, tarfile.REGTYPE)]


CATALOG = f"workspace/locales/es/LC_MESSAGES/{SLUG}.po"
HOSTILE = {
    "a catalog changed after the backup": (
        lambda n, d: same(n, d.replace(b"msgid", b"msgid", 1) + b"\n# changed\n") if n == CATALOG else same(n, d),
        f"{CATALOG} is not the file that was backed up"),
    "a file missing": (lambda n, d: [] if n == CATALOG else same(n, d), "files of its manifest are missing"),
    "a member climbing out": (
        lambda n, d: same(n, d) + ([("../../escaped.txt", b"out", tarfile.REGTYPE)] if n == CATALOG else []),
        "'../../escaped.txt' is not a name a backup holds"),
    "an absolute member": (
        lambda n, d: same(n, d) + ([("/tmp/abs.txt", b"out", tarfile.REGTYPE)] if n == CATALOG else []),
        "is not a name a backup holds"),
    "a symbolic link": (
        lambda n, d: same(n, d) + ([("workspace/locales/link.po", b"", tarfile.SYMTYPE)] if n == CATALOG else []),
        "is not a plain file"),
    "a file the manifest does not list": (
        lambda n, d: same(n, d) + ([("workspace/source/extra.html", b"<p>x</p>", tarfile.REGTYPE)]
                                    if n == CATALOG else []),
        "workspace/source/extra.html is not in its manifest"),
    "no manifest": (lambda n, d: [] if n == "localize-backup.json" else same(n, d), "not a localize backup"),
    "a database that is not one": (
        lambda n, d: same(n, b"\0" * len(d)) if n == "database.sqlite3" else same(n, d),
        "database.sqlite3 is not the file that was backed up"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_backup_that_does_not_verify_is_refused_and_the_folder_left_as_it_was(site, tmp_path, capsys, name):
    change, said = HOSTILE[name]
    assert cli("--root", site.root, "backup", tmp_path / "good.tar.gz") == 0
    bad = rewritten(tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz", change)
    target = tmp_path / "target"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    capsys.readouterr()
    assert cli("--root", target, "restore", bad) == 2
    err = capsys.readouterr().err
    assert err.startswith("localize: error: ") and err.count("\n") == 1 and said in err, err
    assert snapshot(target) == {"notes.txt": b"mine"}
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/abs.txt").exists()


def test_a_database_whose_digest_matches_but_fails_its_integrity_check_is_refused(site, tmp_path, capsys):
    assert cli("--root", site.root, "backup", tmp_path / "good.tar.gz") == 0

    with tarfile.open(tmp_path / "good.tar.gz") as old:
        manifest = json.loads(old.extractfile("localize-backup.json").read())
        broken = old.extractfile("database.sqlite3").read()
    broken = broken[:4096] + b"\xff" * (len(broken) - 4096)   # and a manifest made to match it:

    manifest["files"]["database.sqlite3"] = {"size": len(broken), "sha256": hashlib.sha256(broken).hexdigest()}

    def forged(name, data):
        if name == "database.sqlite3":
            return same(name, broken)
        if name == "localize-backup.json":
            return same(name, json.dumps(manifest).encode())
        return same(name, data)

    bad = rewritten(tmp_path / "good.tar.gz", tmp_path / "bad.tar.gz", forged)
    target = tmp_path / "target"
    assert cli("--root", target, "restore", bad) == 2
    assert "its database" in capsys.readouterr().err
    assert list(target.iterdir()) == []


def test_a_truncated_or_foreign_file_is_refused(site, tmp_path, capsys):
    assert cli("--root", site.root, "backup", tmp_path / "good.tar.gz") == 0
    data = (tmp_path / "good.tar.gz").read_bytes()
    for name, body in (("half.tar.gz", data[:len(data) // 2]), ("text.tar.gz", b"hello"),
                       ("empty.tar.gz", b"")):
        (tmp_path / name).write_bytes(body)
        target = tmp_path / f"into-{name}"
        assert cli("--root", target, "restore", tmp_path / name) == 2
        assert "not a complete backup archive" in capsys.readouterr().err
        assert list(target.iterdir()) == []


def test_restoring_over_a_workspace_needs_force_and_then_replaces_it_whole(site, tmp_path, capsys):
    assert cli("--root", site.root, "backup", tmp_path / "ws.tar.gz") == 0
    before = workspace_files(site.root)
    users = rows(site.root / "instance" / "localize.sqlite3", "users")
    site.po("es").write_text(site.po("es").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (site.root / "source" / "later.html").write_text("<p>Later.</p>", encoding="utf-8")
    Store(site.root / "instance" / "localize.sqlite3").add_user("late", "translator", ["es"], "a-long-password-1")
    assert cli("--root", site.root, "restore", tmp_path / "ws.tar.gz") == 2
    assert "--force" in capsys.readouterr().err
    assert (site.root / "source" / "later.html").exists()
    assert cli("--root", site.root, "restore", "--force", tmp_path / "ws.tar.gz") == 0
    assert workspace_files(site.root) == before
    assert rows(site.root / "instance" / "localize.sqlite3", "users") == users
    assert not (site.root / "instance" / "localize.sqlite3-wal").exists()   # no journal of the replaced one
    assert not any(p.name.startswith(".localize-") for p in site.root.iterdir())


def test_a_postgresql_store_is_backed_up_with_pg_dump_and_restored_into_another_database(site, postgres, tmp_path,
                                                                                        monkeypatch, capsys):
    import uuid

    from localize import history

    monkeypatch.setattr(history, "_CHOSEN", {})   # a command's own process: no web app chose a database
    source = postgres.create_database(f"t{uuid.uuid4().hex}")
    monkeypatch.setenv("LOCALIZE_DATABASE", source)
    store = Store(source)
    store.add_user("eve", "editor", [], PASSWORD)
    store.add_comment("eve", "es", SLUG, "e1", "¿Y las citas?")
    assert cli("--root", site.root, "backup", tmp_path / "pg.tar.gz") == 0
    assert "database.pgdump" in tarfile.open(tmp_path / "pg.tar.gz").getnames()
    target = postgres.create_database(f"t{uuid.uuid4().hex}")
    monkeypatch.setenv("LOCALIZE_DATABASE", target)
    assert cli("--root", tmp_path / "restored", "restore", tmp_path / "pg.tar.gz") == 0
    assert Store(target).authenticate("eve", PASSWORD).role == "editor"
    assert [c.text for c in Store(target).comments("es", SLUG, "e1")] == ["¿Y las citas?"]
    assert workspace_files(tmp_path / "restored") == workspace_files(site.root)
    monkeypatch.setenv("LOCALIZE_DATABASE", str(tmp_path / "file.sqlite3"))   # a file store cannot take it
    capsys.readouterr()
    assert cli("--root", tmp_path / "elsewhere", "restore", tmp_path / "pg.tar.gz") == 2
    assert "holds a PostgreSQL store" in capsys.readouterr().err
    assert not (tmp_path / "elsewhere" / "source").exists()
