"""TMX: the workspace's approved work out as TMX 1.4b, other memories in, consulted after our own.

Translate Toolkit is the referee: its TMX reader reads what we write, and what its po2tmx writes
from a PO file we read as that file's translations.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from conftest import SEED, snapshot

SLUG = "emotional-numbness"


def make(root: Path, run) -> Path:
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar"]\n',
                                         encoding="utf-8")
    (root / "source" / f"{SLUG}.html").write_bytes(SEED.read_bytes())
    assert run("extract", cwd=root).code == 0
    assert run("update", cwd=root).code == 0
    return root


def catalog(root: Path, lang: str = "es") -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


@pytest.fixture
def approved(tmp_path: Path, run) -> Path:
    """The seed article with every Spanish unit approved (markup and all), and one Arabic unit."""
    root = make(tmp_path / "a", run)
    cat = polib.pofile(str(catalog(root)), wrapwidth=0)
    for entry in cat:
        entry.msgstr = "ES " + entry.msgid
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
    cat.save(str(catalog(root)))
    ar = polib.pofile(str(catalog(root, "ar")), wrapwidth=0)
    first = next(e for e in ar if e.msgid)
    first.msgstr = "ترجمة " + first.msgid
    first.flags = []
    ar.save(str(catalog(root, "ar")))
    return root


def test_our_tmx_is_valid_tmx_that_translate_toolkit_reads_as_we_wrote_it(approved, run, tmp_path):
    from lxml import etree
    from translate.storage import tmx as tt_tmx

    out = tmp_path / "all.tmx"
    result = run("memory", "export", "-o", out, cwd=approved)
    assert result.code == 0 and "es" in result.out and "1 ar" in result.out
    dtd = etree.DTD(str(Path(__file__).parent / "schemas" / "tmx" / "tmx14.dtd"))   # LISA's TMX 1.4 DTD
    assert dtd.validate(etree.parse(str(out))), dtd.error_log.filter_from_errors()
    store = tt_tmx.tmxfile.parsefile(str(out))
    ours = {e.msgid: e.msgstr for e in polib.pofile(str(catalog(approved))) if e.msgid}
    assert len(store.units) == len(ours) + 1
    # units without markup: TMX holds text as text (our units' "&amp;" is "&" there)
    expected = {html.unescape(k): html.unescape(v) for k, v in ours.items() if "<" not in k}
    spanish = {str(u.source): str(u.target) for u in store.units if not str(u.target).startswith("ترجمة")}
    assert expected and {k: spanish[k] for k in expected} == expected
    assert any("&" in k for k in expected)
    assert sum(str(u.target).startswith("ترجمة") for u in store.units) == 1


def test_tmx_round_trip_keeps_every_unit_and_its_markup(approved, run, tmp_path):
    """Out of one workspace, into another (which has approved nothing): every source text, translation and
    tag as approved, consulted as that memory, the same again when it is exported from there."""
    from localize import tmx
    from localize.memory import Memory
    from localize.workspace import Workspace

    out = tmp_path / "legacy.tmx"
    assert run("memory", "export", "--lang", "es", "-o", out, cwd=approved).code == 0
    other = make(tmp_path / "b", run)
    result = run("memory", "import", out, cwd=other)
    assert result.code == 0 and "kept memory/legacy.json" in result.out
    ours = {e.msgid: e.msgstr for e in polib.pofile(str(catalog(approved))) if e.msgid}
    kept = json.loads((other / "memory" / "legacy.json").read_text(encoding="utf-8"))
    assert dict(map(tuple, kept["units"]["es"])) == ours
    assert any("<a href=" in source for source in ours)   # the markup came through as markup
    memory = Memory(Workspace.open(other))
    for source, translation in ours.items():
        match = memory.lookup(source, "es")[0]
        assert (match.translation, match.score, match.where) == (translation, 100, "legacy.tmx")
    assert memory.own_units("es") == {}   # kept apart from the workspace's own work
    assert tmx.read(out, "en").units == {"es": list(ours.items())}
    again = tmp_path / "again.tmx"   # and out of the memory again: the same units
    result = run("memory", "export", "--lang", "es", "--with-imported", "-o", again, cwd=other)
    assert result.code == 0 and f"{len(ours)} es" in result.out
    assert tmx.read(again, "en").units == tmx.read(out, "en").units
    assert b'type="x-localize-memory">legacy.tmx<' in again.read_bytes()
    assert "0 es" in run("memory", "export", "--lang", "es", "-o", tmp_path / "own.tmx", cwd=other).out


def test_drafting_consults_an_imported_memory_after_our_own_and_names_it(approved, run, tmp_path):
    out = tmp_path / "legacy.tmx"
    assert run("memory", "export", "--lang", "es", "-o", out, cwd=approved).code == 0
    other = make(tmp_path / "b", run)
    cat = polib.pofile(str(catalog(other)), wrapwidth=0)
    own = next(e for e in cat if e.msgid and "<" not in e.msgid)
    own.msgstr, own.flags = "Nuestra propia traducción", []
    cat.save(str(catalog(other)))
    assert run("memory", "import", out, cwd=other).code == 0
    result = run("draft", "--lang", "es", "--engine", "memory", cwd=other)
    assert result.code == 0, result.err
    drafted = polib.pofile(str(catalog(other)))
    origins = {e.msgid: e.tcomment for e in drafted if e.msgid and "fuzzy" in e.flags}
    assert origins and all("memory 100% (legacy.tmx)" in c for c in origins.values())
    assert drafted.find(own.msgid).msgstr == "Nuestra propia traducción"   # our own work first, untouched


def test_a_tmx_from_translate_toolkits_po2tmx_is_read_as_its_po_file(approved, run, tmp_path):
    from localize import tmx

    po_file = tmp_path / "es.po"
    po_file.write_bytes(catalog(approved).read_bytes())
    made = tmp_path / "tt.tmx"
    done = subprocess.run([str(Path(sys.executable).parent / "po2tmx"), "--progress=none", "-l", "es",
                           str(po_file), str(made)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    read = tmx.read(made, "en").units["es"]
    assert dict(read) == {e.msgid: e.msgstr for e in polib.pofile(str(po_file)) if e.msgid}


HOSTILE = {
    "entities": ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                 '<tmx version="1.4"><header srclang="en"/><body><tu><tuv xml:lang="en"><seg>&b;</seg></tuv>'
                 '<tuv xml:lang="es"><seg>x</seg></tuv></tu></body></tmx>', "DTD or entity"),
    "not XML": ('<tmx version="1.4"><header srclang="en"/><body><tu>', "not well-formed"),
    "no header": ('<?xml version="1.0"?><xliff version="1.2"/>', "no TMX <header>"),
    "nothing usable": ('<tmx version="1.4"><header srclang="de"/><body><tu><tuv xml:lang="de"><seg>Hallo</seg>'
                       '</tuv><tuv xml:lang="fr"><seg>Salut</seg></tuv></tu></body></tmx>', "no unit with en"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_or_useless_tmx_is_refused_and_nothing_is_kept(approved, run, tmp_path, case):
    text, said = HOSTILE[case]
    path = tmp_path / "bad.tmx"
    path.write_text(text, encoding="utf-8")
    before = snapshot(approved)
    result = run("memory", "import", path, cwd=approved)
    assert result.code != 0 and said in result.err and "Traceback" not in result.err
    assert snapshot(approved) == before and not (approved / "memory").exists()


def test_a_memory_name_is_checked(approved, run, tmp_path):
    out = tmp_path / "x.tmx"
    assert run("memory", "export", "-o", out, cwd=approved).code == 0
    result = run("memory", "import", out, "--name", "../escape", cwd=approved)
    assert result.code != 0 and "no memory name" in result.err
    assert not (approved / "memory").exists()
