"""Catalog files on disk: reading errors that name the file, msgfmt's verdict, writes that fail and leave
the old file, locks that time out, leftovers of interrupted writers, and batches; each as an editor or a
service would meet it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from localize import catalog, po
from localize.errors import Busy, CatalogError

GOOD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr "Hola"\n'


def small(text: str = "Hola") -> po.Catalog:
    return po.Catalog(header={"Content-Type": "text/plain; charset=UTF-8"}, entries=[po.Entry("Hello", text)])


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


# -- reading -------------------------------------------------------------------------------------

def test_reading_a_missing_catalog_or_a_folder_names_it(tmp_path):
    with pytest.raises(CatalogError) as missing:
        catalog.read(tmp_path / "es.po")
    assert str(missing.value) == f"{tmp_path / 'es.po'}: no such catalog"
    assert missing.value.path == tmp_path / "es.po"
    with pytest.raises(CatalogError) as folder:
        catalog.read_text(tmp_path)
    assert str(folder.value) == f"{tmp_path}: cannot read: Is a directory"
    assert folder.value.path == tmp_path


def test_msgfmt_judges_a_catalog_and_its_first_error_names_the_line(tmp_path):
    path = tmp_path / "es.po"
    path.write_text(GOOD + '\nmsgid "Hello"\nmsgstr "Otra"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        catalog.msgfmt_check(path)
    assert refused.value.line == 8 and refused.value.path == path
    assert str(refused.value) == f"{path}:8: duplicate message definition... (msgfmt --check)"
    with pytest.raises(CatalogError, match="duplicate"):
        catalog.validate(path)


def test_msgfmt_judges_the_bytes_given_and_a_bom_is_no_error(tmp_path):
    path = tmp_path / "es.po"
    path.write_text("not a catalog", encoding="utf-8")
    catalog.msgfmt_check(path, b"\xef\xbb\xbf" + GOOD.encode())      # the bytes as read win over the file
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert [e.msgstr for e in catalog.validate(path).entries] == ["Hola"]


def test_msgfmt_s_errors_name_the_file_and_the_line_where_it_gives_one(tmp_path):
    path = tmp_path / "es.po"
    with pytest.raises(CatalogError) as refused:
        catalog.msgfmt_check(path, b'msgid "a"\nmsgstr "b"\n"')
    assert str(refused.value) == f"{path}:3: end-of-file within string (msgfmt --check)"
    with pytest.raises(CatalogError) as refused:   # no header: msgfmt warns, then gives up without a line
        catalog.msgfmt_check(path, b'msgid "a"\nmsgstr "b"\n')
    assert str(refused.value) == f"{path}: msgfmt --check: found 1 fatal error"


# -- writing -------------------------------------------------------------------------------------

def test_a_write_that_cannot_start_leaves_the_file_and_says_why(tmp_path):
    blocker = tmp_path / "locales"
    blocker.write_text("a file where a folder should be")
    target = blocker / "es" / "es.po"
    with pytest.raises(catalog.WriteError) as failed:
        catalog.write_atomic(target, GOOD)
    error = failed.value
    assert str(error) == f"{target}: cannot write: Not a directory; the file is left as it was"
    assert (error.path, error.reason, error.errno, error.no_space) == (target, "Not a directory", 20, False)
    again = pickle.loads(pickle.dumps(error))   # whole across a worker process's pipe
    assert (again.path, again.reason, again.errno, str(again)) == (target, "Not a directory", 20, str(error))
    assert blocker.read_text() == "a file where a folder should be"


def test_a_write_that_fails_midway_leaves_the_old_file_no_temporary_and_no_open_file(tmp_path):
    path = tmp_path / "es.po"
    path.write_text(GOOD, encoding="utf-8")
    before = open_fds()

    def pieces(error):
        yield "msgid "
        raise error

    with pytest.raises(catalog.WriteError) as failed:
        catalog.write_atomic(path, pieces(OSError(28, "No space left on device")))
    assert failed.value.no_space and failed.value.reason == "No space left on device"
    assert failed.value.path == path
    with pytest.raises(KeyboardInterrupt):
        catalog.write_atomic(path, pieces(KeyboardInterrupt()))
    assert path.read_text(encoding="utf-8") == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["es.po"]
    assert open_fds() == before


def test_a_written_catalog_is_utf8_readable_by_all_and_replaces_the_old_at_once(tmp_path):
    path = tmp_path / "locales" / "fr" / "fr.po"     # folders made as needed
    catalog.write_atomic(path, ["msgid \"\"\n", "msgstr \"Ça\"\n"])
    assert path.read_bytes() == 'msgid ""\nmsgstr "Ça"\n'.encode("utf-8")
    assert path.stat().st_mode & 0o777 == 0o644
    inode = path.stat().st_ino
    catalog.write_atomic(path, "x", durable=False)
    assert path.read_text() == "x" and path.stat().st_ino != inode


def test_an_interrupted_writer_s_temporary_is_named_after_its_catalog(tmp_path, monkeypatch):
    path = tmp_path / "es.po"
    seen = []
    real_replace = os.replace

    def watch(src, dst):
        seen.append(Path(src))
        return real_replace(src, dst)

    monkeypatch.setattr(catalog.os, "replace", watch)
    catalog.write_atomic(path, GOOD)
    assert len(seen) == 1 and seen[0].name.startswith(".es.po.") and seen[0].name.endswith(".tmp")
    assert seen[0].parent == path.parent          # beside the catalog: a rename, never a copy
    assert catalog._catalog_name(seen[0]) == "es.po"


def test_a_write_onto_a_folder_fails_with_its_name_and_leaves_no_temporary(tmp_path):
    folder = tmp_path / "es.po"
    folder.mkdir()
    with pytest.raises(catalog.WriteError) as failed:
        catalog.write_atomic(folder, GOOD)
    assert failed.value.path == folder and failed.value.reason == "Is a directory"
    assert [p.name for p in tmp_path.iterdir()] == ["es.po"]


def test_locks_are_files_beside_the_catalog_readable_by_all(tmp_path):
    path = tmp_path / "deep" / "es" / "es.po"
    with catalog.locked(path):
        pass
    assert (path.parent / "es.po.lock").stat().st_mode & 0o777 == 0o644


def test_save_writes_only_what_changed_and_mends_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "es.po"
    assert catalog.save(path, small()) is True
    stamp = path.stat().st_mtime_ns
    assert catalog.save(path, small()) is False and path.stat().st_mtime_ns == stamp
    path.write_bytes(path.read_bytes() + b"# trailing\n")
    assert catalog.save(path, small()) is True              # a longer file is another file
    path.write_bytes(path.read_bytes().replace(b"Hola", b"Hol\xe1"))
    assert catalog.save(path, small()) is True and "Hola" in path.read_text(encoding="utf-8")
    # the text the caller read is what is compared: the file is not read again
    path.write_text("changed behind the caller's back", encoding="utf-8")
    assert catalog.save(path, small(), original=po.dumps(small())) is False


def test_save_of_an_unreadable_file_fails_with_its_name(tmp_path):
    folder = tmp_path / "es.po"
    folder.mkdir()
    with pytest.raises(catalog.WriteError) as failed:
        catalog.save(folder, small())
    assert failed.value.path == folder and "Is a directory" in str(failed.value)


# -- locks ---------------------------------------------------------------------------------------

def hold(path: Path) -> int:
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@contextlib.contextmanager
def held(path: Path):
    """Another writer holding the catalog's lock for as long as the block runs."""
    fd = hold(path)
    try:
        yield
    finally:
        os.close(fd)


def test_a_lock_held_too_long_gives_busy_with_a_retry_time(tmp_path):
    path = tmp_path / "es.po"
    with held(path):
        started = time.monotonic()
        with pytest.raises(Busy) as busy:
            with catalog.locked(path, timeout=0.3):
                pass
        waited = time.monotonic() - started
    assert 0.3 <= waited < 1.0
    assert str(busy.value) == "es.po is being written by another process; try again in a moment"
    assert busy.value.retry_after == 1


def test_a_longer_wait_gives_a_longer_retry_time(tmp_path):
    path = tmp_path / "es.po"
    with held(path), pytest.raises(Busy) as longer:
        with catalog.locked(path, timeout=2.5):
            pass
    assert longer.value.retry_after == 2


def test_a_lock_let_go_while_waiting_is_taken(tmp_path):
    path = tmp_path / "es.po"
    fd = hold(path)
    threading.Timer(0.2, os.close, (fd,)).start()
    started = time.monotonic()
    with catalog.locked(path, timeout=3):
        waited = time.monotonic() - started
    assert 0.15 <= waited < 0.6   # polled often, not once a second


def test_a_transaction_waits_for_the_lock_and_sees_the_writer_s_work(tmp_path):
    path = tmp_path / "es.po"
    catalog.write_atomic(path, GOOD)
    fd = hold(path)

    def writer():
        catalog.write_atomic(path, GOOD.replace("Hola", "Buenas"))
        os.close(fd)

    threading.Timer(0.2, writer).start()
    with catalog.transaction(path) as cat:
        assert cat.entries[0].msgstr == "Buenas"
        cat.entries[0].msgstr = "Saludos"
    assert '"Saludos"' in path.read_text()


def test_a_transaction_creates_a_missing_catalog_and_leaves_it_alone_when_nothing_changes(tmp_path):
    path = tmp_path / "new" / "es.po"
    with catalog.transaction(path, create=small):
        pass
    assert po.parse(path.read_text(), str(path)).entries[0].msgstr == "Hola"
    stamp = path.stat().st_mtime_ns
    with catalog.transaction(path, create=lambda: small("Otra")) as cat:
        assert cat.entries[0].msgstr == "Hola"
    assert path.stat().st_mtime_ns == stamp


# -- leftovers -----------------------------------------------------------------------------------

def test_locking_a_catalog_with_glob_characters_removes_its_leftovers_only(tmp_path):
    mine = tmp_path / ".a[1].po.x1y2.tmp"
    other = tmp_path / ".a1.po.x1y2.tmp"
    longer = tmp_path / ".a[1].po.bak.x1y2.tmp"
    for p in (mine, other, longer):
        p.write_text("torn")
    with catalog.locked(tmp_path / "a[1].po"):
        pass
    assert not mine.exists() and other.exists() and longer.exists()
    with catalog.locked(tmp_path / "a1.po", clean=False):
        pass
    assert other.exists()
    assert catalog.glob_escape("a*?[b].po") == "a[*][?][[]b].po"


def test_sweep_counts_what_it_removed_and_spares_a_writer_at_work(tmp_path):
    for name in ("es.po", "pt.po", "fr.po", "de.po", "ar.po"):
        (tmp_path / f".{name}.abc.tmp").write_text("torn")
    (tmp_path / "fr.po.lock").write_text("")            # locks nobody holds
    (tmp_path / "de.po.lock").write_text("")
    with held(tmp_path / "ar.po"):                       # a writer at work on ar.po
        assert catalog.sweep(tmp_path) == 4
        assert [p.name for p in tmp_path.glob("*.tmp")] == [".ar.po.abc.tmp"]
        assert catalog.sweep(tmp_path, held=True) == 1
        assert list(tmp_path.glob("*.tmp")) == []


def test_sweep_catalogs_goes_through_every_language_and_skips_what_it_cannot(tmp_path):
    for lang in ("es", "fr"):
        folder = tmp_path / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / f".{lang}.po.abc.tmp").write_text("torn")
        (folder / ".other.po.abc.tmp").write_text("torn")
    (tmp_path / "ar").mkdir()
    (tmp_path / "ar" / "LC_MESSAGES").write_text("not a folder")
    odd = tmp_path / "de" / "LC_MESSAGES"                # a lock that cannot be opened: a folder
    (odd / "de.po.lock").mkdir(parents=True)
    (odd / ".de.po.abc.tmp").write_text("torn")
    assert catalog.sweep_catalogs(tmp_path) == 4
    assert [p.relative_to(tmp_path) for p in tmp_path.rglob("*.tmp")] == [Path("de/LC_MESSAGES/.de.po.abc.tmp")]


# -- batches -------------------------------------------------------------------------------------

def test_a_full_batch_writes_what_it_holds_before_taking_more(tmp_path):
    paths = [tmp_path / f"{n}.po" for n in ("a", "b", "c")]
    with catalog.Batch(size=2) as batch:
        for p in paths:
            batch.lock(p)
            batch.lock(p)                                # locking twice is once
            batch.write(p, GOOD.replace("Hola", p.stem))
        assert paths[0].exists() and paths[1].exists()   # written when the third was locked
        assert not paths[2].exists()
    assert [p.read_text().count(f'"{p.stem}"') for p in paths] == [1, 1, 1]


def test_a_batch_removes_the_leftovers_of_what_it_locks_only(tmp_path):
    (tmp_path / ".a.po.x.tmp").write_text("torn")
    (tmp_path / ".b.po.x.tmp").write_text("torn")
    with catalog.Batch() as batch:
        batch.lock(tmp_path / "a.po")
    assert sorted(p.name for p in tmp_path.glob("*.tmp")) == [".b.po.x.tmp"]


def test_a_batch_waits_for_a_lock_another_holds_after_writing_its_own(tmp_path):
    first, second = tmp_path / "a.po", tmp_path / "b.po"
    fd = hold(second)
    threading.Timer(0.3, os.close, (fd,)).start()
    with catalog.Batch(durable=False) as batch:
        batch.lock(first)
        batch.write(first, GOOD)
        batch.lock(second)                               # busy: what it holds is written first
        assert first.read_text() == GOOD
        batch.write(second, GOOD)
    assert second.read_text() == GOOD


def test_a_batch_left_by_an_error_writes_nothing_and_frees_its_locks(tmp_path):
    path = tmp_path / "a.po"
    path.write_text(GOOD)
    before = open_fds()
    with pytest.raises(RuntimeError):
        with catalog.Batch() as batch:
            batch.lock(path)
            batch.write(path, "new")
            raise RuntimeError("stop")
    assert path.read_text() == GOOD and list(tmp_path.glob("*.tmp")) == []
    assert open_fds() == before
    with catalog.locked(path, timeout=0.1):   # free again
        pass


def test_msgfmt_that_takes_too_long_is_an_error_naming_the_file(tmp_path, monkeypatch):
    path = tmp_path / "es.po"
    monkeypatch.setattr(catalog, "MSGFMT_TIMEOUT", 1e-9)
    with pytest.raises(CatalogError) as slow:
        catalog.msgfmt_check(path, GOOD.encode())
    assert str(slow.value) == f"{path}: msgfmt --check took more than 1e-09 seconds" and slow.value.path == path


def test_a_catalog_refused_by_the_reader_or_by_msgfmt_is_named(tmp_path):
    broken = tmp_path / "es.po"
    broken.write_text(GOOD + 'msgstr "twice"\n', encoding="utf-8")
    for read in (catalog.read, catalog.validate):
        with pytest.raises(CatalogError) as refused:
            read(broken)
        assert str(refused.value) == f"{broken}:7: msgstr where it does not belong"
    latin = tmp_path / "fr.po"                          # Latin-1 bytes in a catalog that says UTF-8
    latin.write_bytes(GOOD.encode().replace(b"Hola", b"Hol\xe1"))
    with pytest.raises(CatalogError) as undecodable:
        catalog.validate(latin)
    assert str(undecodable.value).startswith(f"{latin}:")
    formats = tmp_path / "pt.po"    # our reader accepts it; msgfmt warns of the header, then finds the error
    formats.write_text(GOOD + '\n#, c-format\nmsgid "%d a"\nmsgstr "%s %s b"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        catalog.validate(formats)
    assert refused.value.path == formats
    assert str(refused.value) == \
        f"{formats}:10: number of format specifications in 'msgid' and 'msgstr' does not match (msgfmt --check)"


def test_a_transaction_names_a_catalog_it_cannot_read_or_find(tmp_path):
    broken = tmp_path / "es.po"
    broken.write_text(GOOD + 'msgstr "twice"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        with catalog.transaction(broken):
            pass
    assert str(refused.value) == f"{broken}:7: msgstr where it does not belong"
    missing = tmp_path / "fr.po"
    with pytest.raises(CatalogError) as absent:
        with catalog.transaction(missing):
            pass
    assert str(absent.value) == f"{missing}: no such catalog" and absent.value.path == missing
    assert not missing.exists()


def test_a_batch_holds_128_catalogs_before_it_writes(tmp_path):
    paths = [tmp_path / f"{n}.po" for n in range(129)]
    with catalog.Batch(durable=False) as batch:
        for p in paths[:128]:
            batch.lock(p)
            batch.write(p, GOOD)
        assert not any(p.exists() for p in paths)
        batch.lock(paths[128])
        assert all(p.exists() for p in paths[:128])


def test_a_batch_s_locks_are_files_readable_by_all_and_a_write_needs_one(tmp_path):
    path = tmp_path / "es.po"
    with catalog.Batch() as batch:
        batch.lock(path)
        with pytest.raises(RuntimeError) as unlocked:
            batch.write(tmp_path / "fr.po", GOOD)
    assert str(unlocked.value) == f"{tmp_path / 'fr.po'} is written without its lock"
    assert (tmp_path / "es.po.lock").stat().st_mode & 0o777 == 0o644


def test_a_batch_that_cannot_put_a_file_in_place_names_it_and_keeps_the_others(tmp_path):
    first, second = tmp_path / "a.po", tmp_path / "b.po"
    with pytest.raises(catalog.WriteError) as failed:
        with catalog.Batch(durable=False) as batch:
            for p in (first, second):
                batch.lock(p)
                batch.write(p, GOOD)
            (second / "in-the-way").mkdir(parents=True)   # a folder, not empty, where b.po goes
    assert failed.value.path == second and failed.value.reason == "Is a directory"
    assert first.read_text() == GOOD and list(tmp_path.glob(".*.tmp")) == []


class HostLocks:
    """A lock service shared by several hosts, as :func:`catalog.share_locks` describes one: each session
    holds catalog locks until it releases them all."""

    def __init__(self):
        self.owners: dict[Path, object] = {}
        self.changed = threading.Condition()

    def session(self):
        service = self

        class Session:
            def hold(self, path, wait=True):
                with service.changed:
                    while service.owners.get(path, self) is not self:
                        if not wait:
                            return False
                        service.changed.wait()
                    service.owners[path] = self
                    return True

            def release(self):
                with service.changed:
                    for path in [p for p, owner in service.owners.items() if owner is self]:
                        del service.owners[path]
                    service.changed.notify_all()

        return Session()


def test_a_batch_writes_its_catalogs_before_waiting_for_a_lock_another_host_holds(tmp_path):
    service = HostLocks()
    first, second = tmp_path / "a.po", tmp_path / "b.po"
    other_host = service.session()
    assert other_host.hold(second)
    threading.Timer(0.3, other_host.release).start()
    catalog.share_locks(service.session)
    with catalog.Batch(durable=False) as batch:
        batch.lock(first)
        batch.write(first, GOOD)
        batch.lock(second)                               # held elsewhere: what it holds is written first
        assert first.read_text() == GOOD
        assert list(service.owners) == [second]          # and only then it waits, for this one
        assert service.session().hold(second, wait=False) is False
        batch.write(second, GOOD)
    assert second.read_text() == GOOD and service.owners == {}


def test_a_catalog_lock_is_held_on_every_host_and_a_failing_service_leaks_nothing(tmp_path):
    service = HostLocks()
    path = tmp_path / "es.po"
    catalog.share_locks(service.session)
    with catalog.locked(path):
        assert service.session().hold(path, wait=False) is False
    assert service.owners == {}

    def down():
        raise OSError("the lock service is down")

    catalog.share_locks(lambda: SimpleNamespace(hold=lambda path, wait=True: down(), release=lambda: None))
    before = open_fds()
    with pytest.raises(OSError, match="the lock service is down"):
        with catalog.Batch() as batch:
            batch.lock(path)
    assert open_fds() == before
