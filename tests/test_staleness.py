"""Change-aware staleness: what kind of change a unit's source went through, and what it does to the translation.

A change of whitespace, typography or letter case keeps the translation and its
state, the new source recorded silently; any other change makes the entry stale
(``fuzzy`` and ``#| msgid``); a change of numbers, citations, names or link
targets is also a QA error until a person saves or approves the entry. The kind
is a translator comment, ``# source-change: …``, shown in the editor and counted
by ``status``. GNU ``msgfmt --check`` and polib referee every file written.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import polib
import pytest

from conftest import assert_msgfmt_ok
from localize import catalog, changes, checks, languages, po
from localize.accounts import Store
from localize.article import Unit
from localize.cli import main
from localize.po import APPROVED, STALE, Catalog
from localize.review import Review
from localize.workspace import Workspace
from test_web_support import (  # noqa: F401  (fixtures)
    CITING, SLUG as SEED_SLUG, app, client_as, entry_url, find, local, po_path, web_template, ws)

CREATED = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
SPANISH = languages.parse("es")
OTHER = "Talking to someone you trust is a good first step."
OTHER_ES = "Hablar con alguien de confianza es un buen primer paso."


# -- merging one changed unit ----------------------------------------------------------------------

def template(*paragraphs: str) -> Catalog:
    units = [Unit(text, "p", 10 + 2 * i) for i, text in enumerate(paragraphs)]
    return catalog.template("numbness", units, "source/numbness.html", created=CREATED)


def merge_edit(old: str, new: str, translation: str, **options) -> tuple[Catalog, po.Entry]:
    """An approved catalog of ``old`` (and another paragraph) merged with a template where it reads ``new``."""
    before = catalog.translation_catalog(template(old, OTHER), SPANISH, created=CREATED)
    before.entries[0].msgstr, before.entries[1].msgstr = translation, OTHER_ES
    merged = catalog.merge(before, template(new, OTHER), **options)
    [entry] = [e for e in merged.entries if e.msgid == new and not e.obsolete]
    assert [e.msgid for e in merged.entries] == [new, OTHER]   # nothing went obsolete
    return merged, entry


def written(tmp_path: Path, merged: Catalog) -> str:
    path = tmp_path / "es.po"
    path.write_text(po.dumps(merged), encoding="utf-8")
    assert_msgfmt_ok(path)
    return path.read_text(encoding="utf-8")


def assert_kept_approved(tmp_path: Path, old: str, new: str, translation: str, kind: str) -> None:
    merged, entry = merge_edit(old, new, translation)

    assert (entry.msgstr, entry.state, entry.previous_msgid) == (translation, APPROVED, None)
    assert changes.source_change(entry) == (kind,)
    text = written(tmp_path, merged)
    assert "#|" not in text and "fuzzy" not in text
    assert f"# source-change: {kind}\n" in text
    [theirs] = [e for e in polib.pofile(text, wrapwidth=0) if e.msgid == new]
    assert (theirs.msgstr, theirs.fuzzy, theirs.previous_msgid) == (translation, False, None)
    assert catalog.translations(merged)[new] == translation   # rendered as before


def test_a_whitespace_change_keeps_the_translation_approved(tmp_path):
    assert_kept_approved(tmp_path, "Numbness is a state in which you feel almost nothing.",
                         "Numbness is a\u00a0state in which  you feel almost nothing.",
                         "El entumecimiento es un estado en el que casi no sientes nada.", "whitespace")


def test_a_change_of_quotes_keeps_the_translation_approved(tmp_path):
    assert_kept_approved(tmp_path, 'People call it "feeling nothing" at all.',
                         "People call it “feeling nothing” at all.",
                         "La gente lo llama «no sentir nada».", "typography")


def test_a_change_of_dashes_keeps_the_translation_approved(tmp_path):
    assert_kept_approved(tmp_path, "It follows stress - or grief - for weeks.",
                         "It follows stress—or grief—for weeks.",
                         "Sigue al estrés —o al duelo— durante semanas.", "typography")


def test_a_change_of_apostrophes_keeps_the_translation_approved(tmp_path):
    assert_kept_approved(tmp_path, "It's like watching one's own life from outside.",
                         "It’s like watching one’s own life from outside.",
                         "Es como ver la propia vida desde fuera.", "typography")


def test_a_change_of_letter_case_keeps_the_translation_approved(tmp_path):
    assert_kept_approved(tmp_path, "What The Research Actually Shows", "What the research actually shows",
                         "Lo que muestra la investigación", "case")


def test_a_kept_translation_follows_the_newlines_at_the_ends_of_its_new_source(tmp_path):
    # msgfmt --check refuses a msgstr that does not begin and end with a newline as its msgid does
    merged, entry = merge_edit("Hello world", "Hello world\n", "Hola mundo")
    assert (entry.msgstr, entry.state, changes.source_change(entry)) == ("Hola mundo\n", APPROVED, ("whitespace",))
    written(tmp_path, merged)


def test_a_change_of_words_makes_the_entry_stale(tmp_path):
    old = "The quick brown fox jumps over the lazy dog every single morning."
    new = "The quick brown fox leaps over the lazy dog every single morning."
    merged, entry = merge_edit(old, new, "El zorro salta sobre el perro.")

    assert (entry.state, entry.previous_msgid, entry.msgstr) == (STALE, old, "El zorro salta sobre el perro.")
    assert changes.source_change(entry) == ("wording",)
    text = written(tmp_path, merged)
    assert f'# source-change: wording\n#. p\n#: source/numbness.html:10\n#, fuzzy\n#| msgid "{old}"\n' \
           f'msgid "{new}"\n' in text
    assert source_change_errors(entry) == []   # stale, but no error: nothing that must be kept moved


def test_markup_alone_changed_makes_the_entry_stale(tmp_path):
    merged, entry = merge_edit("Talk to <em>someone</em> you trust, today.", "Talk to <strong>someone</strong> "
                               "you trust, today.", "Habla con <em>alguien</em> de confianza, hoy.")
    assert (entry.state, changes.source_change(entry)) == (STALE, ("markup",))
    written(tmp_path, merged)


# -- what a person must look at ---------------------------------------------------------------------

def source_change_errors(entry: po.Entry, **context) -> list[checks.Problem]:
    found = checks.run([entry], checks.Context(SPANISH, **context), article="numbness")
    return [p for p in found if p.check == "source-change"]


def assert_stale_with_error(tmp_path: Path, old: str, new: str, translation: str, kinds: tuple[str, ...],
                            says: str, **options) -> po.Entry:
    merged, entry = merge_edit(old, new, translation, **options)

    assert (entry.state, entry.previous_msgid, entry.msgstr) == (STALE, old, translation)
    assert changes.source_change(entry) == kinds
    text = written(tmp_path, merged)
    assert f"# source-change: {', '.join(kinds)}\n" in text
    found = source_change_errors(entry)      # a problem per kind of change a person must look at
    assert len(found) == len([kind for kind in kinds if kind in changes.MUST_LOOK])
    assert all(p.severity == checks.ERROR and not p.overridden for p in found)
    assert any(says in p.message for p in found), [p.message for p in found]
    changes.forget_change(entry)   # what a person's save or approval does (tested through review below)
    assert source_change_errors(entry) == []
    return entry


def test_a_change_of_numbers_makes_it_stale_with_an_error(tmp_path):
    assert_stale_with_error(tmp_path, "About 10 percent of adults report it.", "About 12 percent of adults report it.",
                            "Alrededor del 10 por ciento de los adultos lo dicen.", ("numbers",),
                            "the source's numbers changed")


def test_a_change_of_a_citation_year_makes_it_stale_with_an_error(tmp_path):
    assert_stale_with_error(tmp_path, 'Gross mapped it <a href="#ref-2">(1998)</a>.',
                            'Gross mapped it <a href="#ref-2">(1999)</a>.',
                            'Gross lo describió <a href="#ref-2">(1998)</a>.', ("numbers", "citations"),
                            "the source's citations changed")


def test_a_change_of_the_reference_cited_makes_it_stale_with_an_error(tmp_path):
    assert_stale_with_error(tmp_path, 'It was mapped early <a href="#ref-2">(1998)</a>.',
                            'It was mapped early <a href="#ref-3">(1998)</a>.',
                            'Se describió pronto <a href="#ref-2">(1998)</a>.', ("citations",),
                            "citations changed")


def test_a_change_of_names_makes_it_stale_with_an_error(tmp_path):
    assert_stale_with_error(tmp_path, "Levant described the same pattern in men.",
                            "Gross described the same pattern in men.",
                            "Levant describió el mismo patrón en hombres.", ("names",), "names changed",
                            names=("Gross", "Levant"))


def test_a_name_changed_only_in_case_is_a_change_of_names_not_of_form(tmp_path):
    assert_stale_with_error(tmp_path, "The McGraw study is often cited.", "The Mcgraw study is often cited.",
                            "El estudio de McGraw se cita a menudo.", ("names",), "names changed",
                            names=("McGraw",))


def test_names_update_was_not_told_of_are_found_by_the_check_from_the_previous_source(tmp_path):
    """``update`` over a workspace records "wording"; the check knows the article's reference list."""
    merged, entry = merge_edit("Levant described the same pattern in men.", "Gross described the same pattern in men.",
                               "Levant describió el mismo patrón en hombres.")
    assert changes.source_change(entry) == ("wording",)
    assert source_change_errors(entry) == []
    [problem] = source_change_errors(entry, authors=("Gross", "Levant"))
    assert "names changed" in problem.message
    assert changes.unseen_change(entry, names=("Gross", "Levant")) == ("names",)


def test_a_change_of_link_target_makes_it_stale_with_an_error(tmp_path):
    assert_stale_with_error(tmp_path, 'Read <a href="/about/methods">our methods</a> first.',
                            'Read <a href="/about/research-methods">our methods</a> first.',
                            'Lee <a href="/about/methods">nuestros métodos</a> primero.', ("links",),
                            "link targets changed")


def test_a_later_change_of_form_keeps_the_error_nobody_looked_at(tmp_path):
    first, entry = merge_edit("About 10 percent of adults report it.", "About 12 percent of adults report it.",
                              "Alrededor del 10 por ciento de los adultos lo dicen.")
    again = catalog.merge(first, template("About 12 percent of adults  report it.", OTHER))
    [entry] = [e for e in again.entries if e.msgid == "About 12 percent of adults  report it."]
    assert (entry.state, entry.previous_msgid) == (STALE, "About 10 percent of adults report it.")
    assert changes.source_change(entry) == ("numbers",)
    assert len(source_change_errors(entry)) == 1
    written(tmp_path, again)


# -- a workspace: update, status, check, a person's save ---------------------------------------------

ARTICLE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Numbness</title></head>
<body>
  <h1>What The Research Shows</h1>
  <p>About 10 percent of adults report feeling numb.</p>
  <p>Emotion regulation was mapped by Gross <a href="#ref-1">(1998)</a>.</p>
  <p>Levant described the same pattern in men.</p>
  <p>Read <a href="/about/methods">our methods</a> first.</p>
  <p>It often follows a long period of stress.</p>
  <section id="references">
    <h2>References</h2>
    <ol>
      <li id="ref-1" translate="no">Gross, J. J. (1998). The emerging field of emotion regulation.</li>
      <li id="ref-2" translate="no">Levant, R. F. (2009). Gender differences in alexithymia.</li>
    </ol>
  </section>
</body>
</html>
"""
EDITS = [   # (before, after) in the article
    ("What The Research Shows", "What the research shows"),                # case
    ("About 10 percent", "About 12 percent"),                              # numbers
    ("(1998)</a>", "(1999)</a>"),                                          # numbers and citations
    ("Levant described", "Gross described"),                              # names
    ('href="/about/methods"', 'href="/about/research-methods"'),            # links
    ("period of stress", "period of strain"),                              # wording
]
SLUG = "numbness"


@pytest.fixture
def edited(tmp_path: Path, run) -> Path:
    """A workspace whose Spanish catalog was approved whole, then the article edited and updated."""
    root = tmp_path / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n', encoding="utf-8")
    page = root / "source" / f"{SLUG}.html"
    page.write_text(ARTICLE, encoding="utf-8")
    assert run("extract", cwd=root).code == 0 and run("update", cwd=root).code == 0
    path = catalog_path(root)
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        entry.msgstr = f"ES {entry.msgid}"   # keeps numbers, citations, names and links, as a translation must
    cat.save(str(path))
    text = ARTICLE
    for before, after in EDITS:
        assert before in text
        text = text.replace(before, after)
    page.write_text(text, encoding="utf-8")
    assert run("extract", cwd=root).code == 0 and run("update", cwd=root).code == 0
    assert_msgfmt_ok(path)
    return root


def catalog_path(root: Path) -> Path:
    return root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def entry_of(root: Path, start: str) -> polib.POEntry:
    return next(e for e in polib.pofile(str(catalog_path(root)), wrapwidth=0) if e.msgid.startswith(start))


def test_update_records_each_kind_on_its_entry(edited):
    heading = entry_of(edited, "What the research shows")
    assert (heading.msgstr, heading.fuzzy, heading.previous_msgid) == ("ES What The Research Shows", False, None)
    assert heading.tcomment == "source-change: case"
    expected = {"About 12": "numbers", "Emotion regulation": "numbers, citations",
                "Gross described": "wording",   # update is not told the article's names: the check is (below)
                "Read <a": "links", "It often follows": "wording"}
    for start, kinds in expected.items():
        entry = entry_of(edited, start)
        assert entry.fuzzy and entry.previous_msgid and entry.tcomment == f"source-change: {kinds}", start


def test_status_counts_each_kind_of_source_change(edited, run):
    [row] = json.loads(run("status", "--format", "json", cwd=edited).out)
    assert (row["approved"], row["stale"]) == (3, 5)   # the heading, and the title and References untouched
    assert row["source changes"] == {"whitespace": 0, "typography": 0, "case": 1, "markup": 0, "wording": 1,
                                     "numbers": 2, "citations": 1, "names": 1, "links": 1}
    table = run("status", cwd=edited).out.splitlines()
    assert table[0].split()[-2:] == ["source", "changes"]
    assert table[1].endswith("1 case, 1 wording, 2 numbers, 1 citations, 1 names, 1 links")


def test_check_fails_on_the_changes_a_person_must_look_at(edited, run):
    result = run("check", "--format", "json", cwd=edited)
    assert result.code == 1
    found = {p["msgid"].split(" <")[0][:20]: p["message"] for p in json.loads(result.out)
             if p["check"] == "source-change"}
    assert set(found) == {"About 12 percent of ", "Emotion regulation w", "Gross described the ", "Read"}
    assert "names changed" in found["Gross described the "]
    assert all(p["severity"] == "error" and not p["overridden"]
               for p in json.loads(result.out) if p["check"] == "source-change")


@pytest.fixture
def review(edited: Path, tmp_path: Path) -> Review:
    store = Store(tmp_path / "localize.sqlite3")
    store.add_user("tina", "translator", ["es"], "tina-password")
    store.add_user("rita", "reviewer", ["es"], "rita-password")
    return Review(Workspace.open(edited), store)


def item(review: Review, start: str):
    return next(i for i in review.items("es", SLUG) if i.msgid.startswith(start))


def test_a_persons_save_clears_the_error(review, edited, run):
    before = item(review, "About 12")
    assert before.change == ("numbers",) and "source-change" in {p.check for p in before.errors}
    after = review.act(review.store.user("tina"), "es", SLUG, before.id, "save", based_on=before.version,
                       text="ES About 12 percent of adults report feeling numb.")
    assert after.change == () and "source-change" not in {p.check for p in after.problems}
    assert entry_of(edited, "About 12").tcomment == ""
    assert_msgfmt_ok(catalog_path(edited))
    result = json.loads(run("check", "--format", "json", cwd=edited).out)
    assert not [p for p in result if p["check"] == "source-change" and p["msgid"].startswith("About 12")]


def test_saving_the_same_text_is_a_look_too(review, edited):
    """The translation already read right: saving it unchanged says a person checked it."""
    before = item(review, "Read <a")
    path = catalog_path(edited)
    cat = polib.pofile(str(path), wrapwidth=0)
    fixed = 'ES Read <a href="/about/research-methods">our methods</a> first.'
    next(e for e in cat if e.msgid.startswith("Read <a")).msgstr = fixed   # fixed in a PO editor
    cat.save(str(path))
    before = item(review, "Read <a")
    assert before.change == ("links",)
    after = review.act(review.store.user("tina"), "es", SLUG, before.id, "save", based_on=before.version, text=fixed)
    assert (after.change, after.msgstr) == ((), fixed)
    assert entry_of(edited, "Read <a").tcomment == ""


def test_approving_is_a_look_and_is_not_blocked_by_the_change(review, edited):
    path = catalog_path(edited)
    cat = polib.pofile(str(path), wrapwidth=0)
    fixed = "ES About 12 percent of adults report feeling numb."
    next(e for e in cat if e.msgid.startswith("About 12")).msgstr = fixed   # fixed outside, still marked
    cat.save(str(path))
    before = item(review, "About 12")
    assert before.change == ("numbers",) and [p.check for p in before.errors] == ["source-change"]
    after = review.act(review.store.user("rita"), "es", SLUG, before.id, "approve", based_on=before.version)
    assert (after.state, after.change, after.errors) == (APPROVED, (), [])
    entry = entry_of(edited, "About 12")
    assert (entry.fuzzy, entry.previous_msgid, entry.tcomment) == (False, None, "")
    assert_msgfmt_ok(path)


# -- the editor shows the kind --------------------------------------------------------------------------

def test_the_editor_shows_the_kind_of_source_change(ws, local, client_as):  # noqa: F811
    path = po_path(ws, "es")
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if entry.msgid.startswith(("What the research actually shows", CITING)):
            entry.msgstr = f"ES {entry.msgid}"
    cat.save(str(path))
    page = ws / "source" / f"{SEED_SLUG}.html"
    text = page.read_text(encoding="utf-8")
    assert "What the research actually shows" in text and '<a href="#ref-2">(1998)</a>' in text
    page.write_text(text.replace("What the research actually shows", "What The Research Actually Shows")
                    .replace('<a href="#ref-2">(1998)</a>', '<a href="#ref-2">(1999)</a>'), encoding="utf-8")
    assert main(["--root", str(ws), "extract"]) == 0 and main(["--root", str(ws), "update"]) == 0
    client = client_as("tina")

    heading = find(local, "What The Research Actually Shows")
    shown = client.get(entry_url("es", heading.id)).get_data(as_text=True)
    assert heading.state == APPROVED
    assert 'id="source-change"' in shown
    assert "The source changed only in form (letter case); the translation was kept as it was." in shown

    citing = find(local, CITING)
    shown = client.get(entry_url("es", citing.id)).get_data(as_text=True)
    assert citing.state == STALE
    assert "Source change: numbers, citations" in shown
    assert '<code dir="ltr">source-change</code>' in shown

    untouched = find(local, "Why this happens")
    assert 'id="source-change"' not in client.get(entry_url("es", untouched.id)).get_data(as_text=True)
