"""Tests for localize.catalog: reading files, templates, new catalogs, merging,
atomic and serialized writes, crash safety.

Expected values are hard-coded; GNU ``msgfmt --check`` and polib are the outside
referees for the files written.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from helpers_catalog import HEADER, assert_msgfmt_accepts, msgfmt, polib_read, references, temporaries
from localize import catalog, languages, po
from localize.article import Unit
from localize.errors import CatalogError
from localize.po import APPROVED, NEEDS_REVIEW, STALE, UNTRANSLATED, Catalog, Entry

CREATED = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
FORK = multiprocessing.get_context("fork")


def small_catalog(*pairs: tuple[str, str]) -> Catalog:
    return Catalog(header=dict(HEADER), entries=[Entry(msgid, msgstr) for msgid, msgstr in pairs])


def read_pairs(path: Path) -> list[tuple[str, str]]:
    return [(e.msgid, e.msgstr) for e in catalog.read(path).entries]


# -- reading -----------------------------------------------------------------------

def test_read_drops_a_utf8_bom(tmp_path):
    path = tmp_path / "es.po"
    text = po.dumps(small_catalog(("Hello", "Hola"), ("Good night", "Buenas noches")))
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    read = catalog.read(path)

    assert read.header == HEADER
    assert [(e.msgid, e.msgstr) for e in read.entries] == [("Hello", "Hola"), ("Good night", "Buenas noches")]


# HEADER takes lines 1-13 and a blank line 14; "Hello" is on lines 15-16.
@pytest.mark.parametrize("tail, line", [
    (b'msgid "Hello"\nmsgstr "Hol\xe1"\n', 16),                           # Latin-1, not UTF-8
    (b'msgid "Hello"\nmsgstr "Hola"\n\n# note \xff\nmsgid "a"\nmsgstr "b"\n', 18),
    (b'msgid "Hello"\nmsgstr "Hola"\n\nmsgid "caf\xc3"\nmsgstr ""\n', 18),  # cut inside "é"
    (b'msgid "Hello"\nmsgstr "Hola \xe2\x80', 16),                          # cut inside "“", no newline
], ids=["latin-1 byte", "invalid byte in a comment", "truncated sequence mid-file",
        "truncated sequence at the end"])
def test_read_refuses_invalid_utf8_naming_file_and_line(tmp_path, tail, line):
    path = tmp_path / "es.po"
    head = po.dumps(Catalog(header=dict(HEADER))).encode("utf-8") + b"\n"
    path.write_bytes(head + tail)

    with pytest.raises(CatalogError) as info:
        catalog.read(path)

    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert "UTF-8" in str(info.value)


def test_read_of_a_missing_catalog_names_it(tmp_path):
    path = tmp_path / "missing.po"
    with pytest.raises(CatalogError) as info:
        catalog.read(path)
    assert str(path) in str(info.value)


# -- templates and new catalogs ----------------------------------------------------------

def test_template_merges_duplicate_unit_texts(tmp_path):
    units = [Unit("Hello", "p", 3), Unit("World", "h1", 5), Unit("Hello", "li", 9),
             Unit("Hello", "p", 12)]

    pot = catalog.template("my-article", units, "source/my-article.html", created=CREATED)

    assert [e.msgid for e in pot.entries] == ["Hello", "World"]
    hello = pot.entries[0]
    assert hello.extracted == ["p", "li"]
    assert hello.references == ["source/my-article.html:3", "source/my-article.html:9",
                                "source/my-article.html:12"]
    path = tmp_path / "my-article.pot"
    path.write_text(po.dumps(pot), encoding="utf-8")
    assert_msgfmt_accepts(path)
    text = path.read_text(encoding="utf-8")
    assert text.count("#. p\n") == 1
    assert text.count("#. li\n") == 1
    assert text.count('msgid "Hello"') == 1
    [theirs_hello, theirs_world] = polib_read(path)
    assert theirs_hello.msgid == "Hello"
    assert theirs_hello.comment == "p\nli"
    assert references(theirs_hello) == ["source/my-article.html:3", "source/my-article.html:9",
                                        "source/my-article.html:12"]
    assert (theirs_world.msgid, theirs_world.comment, references(theirs_world)) == \
        ("World", "h1", ["source/my-article.html:5"])


def test_template_header_dates():
    pot = catalog.template("my-article", [Unit("Hello", "p", 3)], "a.html", created=CREATED)
    assert pot.header["POT-Creation-Date"] == "2024-05-01 12:00+0000"
    assert pot.header["Content-Type"] == "text/plain; charset=UTF-8"


def test_arabic_translation_catalog_is_clean_gettext(tmp_path):
    pot = catalog.template("my-article", [Unit("Hello", "p", 3), Unit("World", "h1", 5)],
                           "source/my-article.html", created=CREATED)

    new = catalog.translation_catalog(pot, languages.parse("ar"),
                                      created=datetime(2024, 5, 2, 9, 15, tzinfo=timezone.utc))

    assert new.header["Language"] == "ar"
    assert new.header["Plural-Forms"].startswith("nplurals=6; plural=")
    assert new.header["Content-Type"] == "text/plain; charset=UTF-8"
    assert new.header["PO-Revision-Date"] == "2024-05-02 09:15+0000"
    assert [(e.msgid, e.msgstr, e.state) for e in new.entries] == \
        [("Hello", "", UNTRANSLATED), ("World", "", UNTRANSLATED)]
    path = tmp_path / "ar.po"
    path.write_text(po.dumps(new), encoding="utf-8")
    result = msgfmt(path)
    assert result.returncode == 0
    assert result.stderr == ""   # not even a warning
    theirs = polib_read(path)
    assert theirs.metadata["Language"] == "ar"
    assert theirs.metadata["Plural-Forms"].startswith("nplurals=6;")


# -- merging -----------------------------------------------------------------------

P1 = "Emotional numbness is a state in which you feel almost nothing."
P2 = "It often follows a long period of stress, loss or grief."
P3 = "People describe it as watching their own life through a pane of glass."
P4 = "The quick brown fox jumps over the lazy dog every single morning."
P5 = "Talking to someone you trust is a good first step."
P6 = "A doctor can help you find the cause and a treatment."
ARTICLE = [P1, P2, P3, P4, P5, P6]
SPANISH = {
    P1: "El entumecimiento emocional es un estado en el que casi no sientes nada.",
    P2: "A menudo sigue a un largo periodo de estrés, pérdida o duelo.",
    P3: "La gente lo describe como ver su propia vida a través de un cristal.",
    P4: "El rápido zorro marrón salta sobre el perro perezoso cada mañana.",
    P5: "Hablar con alguien de confianza es un buen primer paso.",
    P6: "Un médico puede ayudarte a encontrar la causa y un tratamiento.",
}
P4_EDITED = "The quick brown fox leaps over the lazy dog every single morning."
P4_RECASED = "The Quick Brown Fox jumps over the lazy dog every single morning."
NEW = "Sleep, food and a short walk every day matter more than you think."


def article_template(paragraphs: list[str]) -> Catalog:
    units = [Unit(text, "p", 10 + 2 * i) for i, text in enumerate(paragraphs)]
    return catalog.template("numbness", units, "source/numbness.html", created=CREATED)


def approved_catalog(untranslated: tuple[str, ...] = ()) -> Catalog:
    """The Spanish catalog of the article, every paragraph translated and approved
    (but those listed as untranslated)."""
    new = catalog.translation_catalog(article_template(ARTICLE), languages.parse("es"),
                                      created=CREATED)
    for entry in new.entries:
        if entry.msgid not in untranslated:
            entry.msgstr = SPANISH[entry.msgid]
    return new


def state_table(merged: Catalog) -> tuple[list, list]:
    active = [(e.msgid, e.msgstr, e.state) for e in merged.entries if not e.obsolete]
    obsolete = [(e.msgid, e.msgstr) for e in merged.entries if e.obsolete]
    return active, obsolete


def approved(*paragraphs: str) -> list[tuple[str, str, str]]:
    return [(p, SPANISH[p], APPROVED) for p in paragraphs]


def counts(units, approved_=0, stale=0, untranslated=0, review=0) -> dict:
    return {"units": units, APPROVED: approved_, STALE: stale, UNTRANSLATED: untranslated,
            NEEDS_REVIEW: review}


# (scenario, paragraphs of the new article, paragraphs untranslated before,
#  active entries after, obsolete entries after, statistics after)
MERGES = [
    ("unchanged", ARTICLE, (),
     approved(P1, P2, P3, P4, P5, P6), [], counts(6, 6)),
    ("a: one word edited", [P1, P2, P3, P4_EDITED, P5, P6], (),
     approved(P1, P2, P3) + [(P4_EDITED, SPANISH[P4], STALE)] + approved(P5, P6), [],
     counts(6, 5, stale=1)),
    ("b: paragraph inserted", [P1, P2, NEW, P3, P4, P5, P6], (),
     approved(P1, P2) + [(NEW, "", UNTRANSLATED)] + approved(P3, P4, P5, P6), [],
     counts(7, 6, untranslated=1)),
    ("c: paragraph deleted", [P1, P3, P4, P5, P6], (),
     approved(P1, P3, P4, P5, P6), [(P2, SPANISH[P2])], counts(5, 5)),
    ("d: paragraph moved", [P5, P1, P2, P3, P4, P6], (),
     approved(P5, P1, P2, P3, P4, P6), [], counts(6, 6)),
    ("f: untranslated paragraph deleted", [P1, P2, P3, P4, P5], (P6,),
     approved(P1, P2, P3, P4, P5), [], counts(5, 5)),
    ("g: letter case changed", [P1, P2, P3, P4_RECASED, P5, P6], (),
     approved(P1, P2, P3) + [(P4_RECASED, SPANISH[P4], APPROVED)] + approved(P5, P6), [], counts(6, 6)),
    ("untranslated paragraph kept", ARTICLE, (P6,),
     approved(P1, P2, P3, P4, P5) + [(P6, "", UNTRANSLATED)], [], counts(6, 5, untranslated=1)),
]


@pytest.mark.parametrize("paragraphs, untranslated, active, obsolete, stats",
                         [m[1:] for m in MERGES], ids=[m[0] for m in MERGES])
def test_merge_scenarios(tmp_path, paragraphs, untranslated, active, obsolete, stats):
    merged = catalog.merge(approved_catalog(untranslated), article_template(paragraphs))

    assert state_table(merged) == (active, obsolete)
    got = catalog.statistics(merged)
    assert {k: got[k] for k in stats} == stats
    # The merged catalog, written, is valid gettext and reads back the same.
    path = tmp_path / "es.po"
    path.write_text(po.dumps(merged), encoding="utf-8")
    assert_msgfmt_accepts(path)
    assert state_table(catalog.read(path)) == (active, obsolete)


def test_edited_paragraph_keeps_old_source_as_previous_msgid(tmp_path):
    merged = catalog.merge(approved_catalog(), article_template([P1, P2, P3, P4_EDITED, P5, P6]))

    [edited] = [e for e in merged.entries if e.msgid == P4_EDITED]
    assert edited.fuzzy
    assert edited.msgstr == SPANISH[P4]
    assert edited.previous_msgid == P4
    path = tmp_path / "es.po"
    path.write_text(po.dumps(merged), encoding="utf-8")
    assert_msgfmt_accepts(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index(f'msgid "{P4_EDITED}"')
    assert lines[at - 2:at + 2] == ["#, fuzzy", f'#| msgid "{P4}"', f'msgid "{P4_EDITED}"',
                                    f'msgstr "{SPANISH[P4]}"']
    assert lines[at - 5] == "# source-change: wording"   # the kind of change, until a person looks
    [theirs] = [e for e in polib_read(path) if e.msgid == P4_EDITED]
    assert (theirs.fuzzy, theirs.previous_msgid, theirs.msgstr) == (True, P4, SPANISH[P4])


def test_deleted_paragraph_is_written_obsolete_with_its_translation(tmp_path):
    merged = catalog.merge(approved_catalog(), article_template([P1, P3, P4, P5, P6]))
    path = tmp_path / "es.po"
    path.write_text(po.dumps(merged), encoding="utf-8")

    text = path.read_text(encoding="utf-8")
    assert f'#~ msgid "{P2}"\n#~ msgstr "{SPANISH[P2]}"\n' in text
    assert_msgfmt_accepts(path)
    [theirs] = [e for e in polib_read(path) if e.obsolete]
    assert (theirs.msgid, theirs.msgstr) == (P2, SPANISH[P2])


def test_removed_paragraph_that_comes_back_is_approved_again(tmp_path):
    without = catalog.merge(approved_catalog(), article_template([P1, P3, P4, P5, P6]))
    path = tmp_path / "es.po"
    path.write_text(po.dumps(without), encoding="utf-8")   # through a file, as between runs

    back = catalog.merge(catalog.read(path), article_template(ARTICLE))

    assert state_table(back) == (approved(P1, P2, P3, P4, P5, P6), [])
    assert catalog.statistics(back)[APPROVED] == 6


def test_edited_paragraph_that_is_edited_back_is_restored(tmp_path):
    edited = catalog.merge(approved_catalog(), article_template([P1, P2, P3, P4_EDITED, P5, P6]))
    back = catalog.merge(edited, article_template(ARTICLE))
    [p4] = [e for e in back.entries if e.msgid == P4]
    assert p4.msgstr == SPANISH[P4]
    assert not any(e.msgid == P4_EDITED for e in back.active())


def test_approved_entries_survive_a_series_of_merges(tmp_path):
    """Edit, insert, delete, move, restore, one after another, each merge read back
    from the file the previous one wrote."""
    path = tmp_path / "es.po"
    path.write_text(po.dumps(approved_catalog()), encoding="utf-8")
    for article in ([P1, P2, P3, P4_EDITED, P5, P6],
                    [P1, P2, NEW, P3, P4_EDITED, P5, P6],
                    [P1, NEW, P3, P4_EDITED, P5, P6],
                    [P5, P1, NEW, P3, P4_EDITED, P6],
                    [P5, P1, P2, NEW, P3, P4_EDITED, P6]):
        merged = catalog.merge(catalog.read(path), article_template(article))
        path.write_text(po.dumps(merged), encoding="utf-8")
        assert_msgfmt_accepts(path)

    final = catalog.read(path)
    assert state_table(final) == (
        approved(P5, P1, P2) + [(NEW, "", UNTRANSLATED)] + approved(P3)
        + [(P4_EDITED, SPANISH[P4], STALE)] + approved(P6), [])
    assert [e.previous_msgid for e in final.entries if e.msgid == P4_EDITED] == [P4]
    assert {k: catalog.statistics(final)[k] for k in (APPROVED, STALE, UNTRANSLATED, "units")} == \
        {APPROVED: 5, STALE: 1, UNTRANSLATED: 1, "units": 7}


def test_translations_shown_on_a_page():
    merged = catalog.merge(approved_catalog(untranslated=(P6,)),
                           article_template([P1, P2, P3, P4_EDITED, P5, P6]))
    assert catalog.translations(merged) == {p: SPANISH[p] for p in (P1, P2, P3, P5)}
    assert catalog.translations(merged, include_drafts=True) == \
        {**{p: SPANISH[p] for p in (P1, P2, P3, P5)}, P4_EDITED: SPANISH[P4]}


# -- atomic writes and leftovers ------------------------------------------------------------

def make_catalog_file(path: Path, *pairs: tuple[str, str]) -> bytes:
    """A catalog on disk made the ordinary way (a transaction, which takes its lock)."""
    with catalog.transaction(path, create=lambda: small_catalog(*pairs)):
        pass
    return path.read_bytes()


def test_write_atomic_leaves_only_the_file(tmp_path):
    path = tmp_path / "es.po"
    first = po.dumps(small_catalog(("Hello", "Hola")))
    second = po.dumps(small_catalog(("Hello", "Hola"), ("Bye", "Adiós")))

    catalog.write_atomic(path, first)
    catalog.write_atomic(path, second)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["es.po"]
    assert path.read_text(encoding="utf-8") == second


def cleanup_by_lock(path: Path) -> None:
    with catalog.locked(path):
        pass


def cleanup_by_sweep(path: Path) -> None:
    assert catalog.sweep(path.parent) == 1


@pytest.mark.parametrize("cleanup", [cleanup_by_lock, cleanup_by_sweep], ids=["locked", "sweep"])
def test_leftover_temporary_file_is_removed_and_never_read(tmp_path, cleanup):
    path = tmp_path / "es.po"
    before = make_catalog_file(path, ("Hello", "Hola"))
    leftover = tmp_path / ".es.po.abc123.tmp"
    leftover.write_bytes(b'msgid "Hello"\nmsgstr "Ho')       # a torn write

    assert sorted(p.name for p in tmp_path.glob("*.po")) == ["es.po"]   # not taken as a catalog
    assert read_pairs(path) == [("Hello", "Hola")]
    cleanup(path)

    assert not leftover.exists()
    assert path.read_bytes() == before


def test_locking_one_catalog_leaves_other_catalogs_temporaries(tmp_path):
    """locked(es.po) cleans up after es.po's writers only: another catalog's writer
    may be at work, holding its own lock."""
    make_catalog_file(tmp_path / "fr.po", ("Hello", "Bonjour"))
    make_catalog_file(tmp_path / "es.po.po", ("Hello", "Hola"))   # a name that starts with "es.po."
    fr_tmp, longer_tmp = tmp_path / ".fr.po.xyz789.tmp", tmp_path / ".es.po.po.xyz789.tmp"
    fr_tmp.write_bytes(b"a writer at work")
    longer_tmp.write_bytes(b"a writer at work")

    cleanup_by_lock(tmp_path / "es.po")

    assert fr_tmp.exists()
    assert longer_tmp.exists(), "locked(es.po) removed the temporary file of es.po.po"


def test_sweep_leaves_the_temporary_file_of_a_writer_at_work(tmp_path):
    path = tmp_path / "es.po"
    make_catalog_file(path, ("Hello", "Hola"))
    with catalog.locked(path):
        busy = tmp_path / ".es.po.busy01.tmp"
        busy.write_bytes(b"half written")
        assert catalog.sweep(tmp_path) == 0
        assert busy.exists()
    assert catalog.sweep(tmp_path) == 1
    assert not busy.exists()


def test_transaction_writes_the_change(tmp_path):
    path = tmp_path / "es.po"
    make_catalog_file(path, ("Hello", "Hola"))
    with catalog.transaction(path) as current:
        current.entries.append(Entry("Bye", "Adiós"))
    assert read_pairs(path) == [("Hello", "Hola"), ("Bye", "Adiós")]
    assert temporaries(tmp_path) == []
    assert_msgfmt_accepts(path)


def test_transaction_without_change_does_not_rewrite(tmp_path):
    path = tmp_path / "es.po"
    before = make_catalog_file(path, ("Hello", "Hola"))
    inode = path.stat().st_ino
    with catalog.transaction(path) as current:
        assert [(e.msgid, e.msgstr) for e in current.entries] == [("Hello", "Hola")]
    assert path.stat().st_ino == inode
    assert path.read_bytes() == before


def test_transaction_that_raises_changes_nothing(tmp_path):
    path = tmp_path / "es.po"
    before = make_catalog_file(path, ("Hello", "Hola"), ("Bye", "Adiós"))

    with pytest.raises(RuntimeError, match="reviewer changed their mind"):
        with catalog.transaction(path) as current:
            current.entries[0].msgstr = "Buenas"
            current.entries.append(Entry("New", "Nuevo"))
            raise RuntimeError("reviewer changed their mind")

    assert path.read_bytes() == before
    assert temporaries(tmp_path) == []


def test_transaction_on_a_missing_catalog_without_create_refuses(tmp_path):
    path = tmp_path / "es.po"
    with pytest.raises(CatalogError):
        with catalog.transaction(path):
            pass
    assert not path.exists()


BATCH = {"es.po": ("Hello", "Hola"), "fr.po": ("Hello", "Bonjour"), "ar.po": ("Hello", "مرحبا")}


def test_batch_writes_every_catalog(tmp_path):
    paths = {name: tmp_path / "locales" / name for name in BATCH}
    with catalog.Batch() as batch:
        for name, path in paths.items():
            batch.lock(path)
            batch.write(path, po.dumps(small_catalog(BATCH[name])))

    for name, path in paths.items():
        assert read_pairs(path) == [BATCH[name]]
        assert_msgfmt_accepts(path)
    assert temporaries(tmp_path / "locales") == []


def test_batch_with_an_error_changes_no_file(tmp_path):
    folder = tmp_path / "locales"
    es, fr, ar = (folder / name for name in BATCH)
    before = {es: make_catalog_file(es, ("Hello", "Hola")), fr: make_catalog_file(fr, ("Hello", "Salut"))}

    with pytest.raises(RuntimeError, match="job failed"):
        with catalog.Batch() as batch:
            for path in (es, fr, ar):
                batch.lock(path)
                batch.write(path, po.dumps(small_catalog(("Hello", "CHANGED"))))
            raise RuntimeError("job failed")

    assert {path: path.read_bytes() for path in before} == before
    assert not ar.exists()
    assert temporaries(folder) == []


def test_batch_write_without_lock_is_refused(tmp_path):
    with catalog.Batch() as batch:
        with pytest.raises(RuntimeError):
            batch.write(tmp_path / "es.po", po.dumps(small_catalog(("Hello", "Hola"))))
    assert not (tmp_path / "es.po").exists()
    assert temporaries(tmp_path) == []


# -- many processes, one catalog ---------------------------------------------------------

PROCESSES, WRITES = 20, 50


def add_entries(path: Path, proc: int) -> None:
    for i in range(WRITES):
        with catalog.transaction(path) as current:
            current.entries.append(Entry(f"p{proc}-{i}", f"t{proc}-{i}"))


def test_concurrent_transactions_lose_no_entry(tmp_path):
    path = tmp_path / "es.po"
    make_catalog_file(path)
    workers = [FORK.Process(target=add_entries, args=(path, proc)) for proc in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * PROCESSES

    entries = catalog.read(path).entries
    assert len(entries) == 1000
    assert {(e.msgid, e.msgstr) for e in entries} == \
        {(f"p{p}-{i}", f"t{p}-{i}") for p in range(PROCESSES) for i in range(WRITES)}
    for proc in (0, 7, 19):   # each process's writes in its own order
        mine = [e.msgid for e in entries if e.msgid.startswith(f"p{proc}-")]
        assert mine == [f"p{proc}-{i}" for i in range(WRITES)]
    assert_msgfmt_accepts(path)
    assert temporaries(tmp_path) == []


# -- crash safety ----------------------------------------------------------------------

def big_version(tag: str) -> str:
    return po.dumps(Catalog(header=dict(HEADER), entries=[
        Entry(f"Paragraph {i} of a long article, with “quotes” and \"more\"",
              f"Párrafo {i} de un artículo largo, versión {tag}") for i in range(2000)]))


def rewrite_forever(path: Path, a: str, b: str) -> None:
    while True:
        catalog.write_atomic(path, b)
        catalog.write_atomic(path, a)


def test_killed_writer_leaves_the_old_or_the_new_file(tmp_path):
    path = tmp_path / "es.po"
    a, b = big_version("A"), big_version("B")
    versions = {a.encode("utf-8"): "A", b.encode("utf-8"): "B"}
    with catalog.locked(path):
        catalog.write_atomic(path, a)
    rng = random.Random(20240501)
    seen, leftovers = set(), 0

    for round_ in range(50):
        writer = FORK.Process(target=rewrite_forever, args=(path, a, b))
        writer.start()
        time.sleep(rng.uniform(0, 0.030))
        os.kill(writer.pid, signal.SIGKILL)
        writer.join()
        assert writer.exitcode == -signal.SIGKILL

        data = path.read_bytes()
        assert data in versions, f"round {round_}: the file is neither version A nor B"
        seen.add(versions[data])
        read = catalog.read(path)
        assert len(read.entries) == 2000
        assert read.entries[-1].msgstr == f"Párrafo 1999 de un artículo largo, versión {versions[data]}"

        leftovers += bool(temporaries(tmp_path))
        if round_ % 2:
            with catalog.locked(path):
                pass
        else:
            catalog.sweep(tmp_path)
        assert temporaries(tmp_path) == []

    assert seen == {"A", "B"}   # writes were completed ...
    assert leftovers > 0        # ... and some were cut short


def test_update_keeps_the_header_entry_as_the_file_has_it(tmp_path):
    """As msgmerge does: the translators' header comments, the header's flags and own fields, and comments
    after the last entry survive a merge; only the template's dates and version come in."""
    old = po.parse('# Spanish translation of the article.\n# Ana <ana@example.org>, 2026.\n#, no-wrap\n'
                   'msgid ""\nmsgstr ""\n"Project-Id-Version: x 1\\n"\n"POT-Creation-Date: 2026-01-01 00:00+0000\\n"\n'
                   '"Language: es\\n"\n"X-Custom: kept\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                   '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\nmsgid "A"\nmsgstr "a"\n\n# the last word\n',
                   "es.po")
    pot = po.parse('msgid ""\nmsgstr ""\n"Project-Id-Version: x 2\\n"\n"POT-Creation-Date: 2026-12-01 00:00+0000\\n"\n'
                   '"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "A"\nmsgstr ""\n\nmsgid "B"\nmsgstr ""\n',
                   "x.pot")
    text = po.dumps(catalog.merge(old, pot))
    assert text.startswith("# Spanish translation of the article.\n# Ana <ana@example.org>, 2026.\n#, no-wrap\n")
    assert '"Project-Id-Version: x 2\\n"' in text and '"POT-Creation-Date: 2026-12-01 00:00+0000\\n"' in text
    assert '"X-Custom: kept\\n"' in text and 'msgid "A"\nmsgstr "a"' in text and 'msgid "B"' in text
    assert text.rstrip().endswith("# the last word")
    path = tmp_path / "es.po"
    path.write_text(text, encoding="utf-8")
    assert_msgfmt_accepts(path)


def test_save_writes_a_piece_at_a_time_and_leaves_an_unchanged_file_alone(tmp_path):
    """A catalog is compared with the file piece by piece, up to its last line: the same text is not written
    again (the file keeps its inode and time), a difference anywhere (its last entry, a longer or a shorter
    file) writes the whole catalog, which reads back the same."""
    path = tmp_path / "big.po"
    cat = po.Catalog(header={"Language": "es", "Content-Type": "text/plain; charset=UTF-8"},
                     entries=[po.Entry(f"Unit {i}", msgstr=f"Unidad {i}", references=[f"a.html:{i}"])
                              for i in range(5000)])   # more lines than one piece holds
    assert catalog.save(path, cat) is True
    assert path.read_text(encoding="utf-8") == po.dumps(cat)
    assert_msgfmt_accepts(path)
    before = path.stat()
    assert catalog.save(path, cat) is False
    assert catalog.save(path, cat, original=po.dumps(cat)) is False
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    cat.entries[-1].msgstr = "Unidad final"
    assert catalog.save(path, cat) is True
    assert po.parse(path.read_text(encoding="utf-8")).entries[-1].msgstr == "Unidad final"
    for tamper in (lambda t: t + "# more\n", lambda t: t[:-40]):
        path.write_text(tamper(po.dumps(cat)), encoding="utf-8")
        assert catalog.save(path, cat) is True
        assert path.read_text(encoding="utf-8") == po.dumps(cat)


def test_big_buffers_are_given_back_to_the_system_on_glibc():
    """The single-file update fixes glibc's mmap threshold (mallopt), so a big catalog's text, once freed,
    is unmapped rather than left as a hole in the heap; this machine's C library is glibc."""
    import platform

    from localize import heap

    assert platform.libc_ver()[0] == "glibc"
    assert heap.give_back_big_buffers() is True
