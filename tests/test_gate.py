"""The publish gate on one small article: what it counts, and each reason it gives an editor for
not publishing, word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize import article, languages, po
from localize.editions import gate
from localize.editions.config import Config

PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Numbness</title></head><body>
<h1>Feeling numb</h1>
<p>Numbness is common.</p>
<p>It passes with time.</p>
<div itemscope itemtype="https://schema.org/FAQPage">
<div itemscope itemprop="mainEntity" itemtype="https://schema.org/Question">
<h3 itemprop="name">Is it lasting?</h3>
<div itemscope itemprop="acceptedAnswer" itemtype="https://schema.org/Answer"><p itemprop="text">Rarely.</p></div>
</div></div>
</body></html>"""

SPANISH = {"Numbness": "Entumecimiento", "Feeling numb": "Sentirse entumecido",
           "Numbness is common.": "El entumecimiento es común.", "It passes with time.": "Pasa con el tiempo.",
           "Is it lasting?": "¿Dura?", "Rarely.": "Rara vez."}


def snapshot(entries: list[po.Entry]) -> gate.Snapshot:
    cat = po.Catalog(header={"Language": "es", "Content-Type": "text/plain; charset=UTF-8"}, entries=entries)
    return gate.Snapshot(languages.parse("es"), "numbness", "en", Path("source/numbness.html"), PAGE,
                         Path("locales/es/numbness.po"), po.dumps(cat), cat)


def verdict(entries: list[po.Entry], threshold: float = 100.0, strict: float = 100.0) -> gate.Verdict:
    snap = snapshot(entries)
    tree = snap.tree()
    cfg = Config(Path("out"), "en", Path("."), threshold=threshold, strict=strict)
    return gate.judge(snap, article.split(tree), article.references(tree), cfg)


def approved(**changes) -> list[po.Entry]:
    found = {source: po.Entry(source, target) for source, target in SPANISH.items()}
    for source, entry in changes.items():
        if entry is None:
            del found[source]
        else:
            found[source] = entry
    return list(found.values())


def test_the_units_of_the_article_counted_by_kind_the_faq_first():
    snap = snapshot(approved())
    units = article.split(snap.tree())
    assert {u.text: u.kind for u in units} == {
        "Numbness": "title", "Feeling numb": "h1", "Numbness is common.": "p", "It passes with time.": "p",
        "Is it lasting?": "faq question", "Rarely.": "faq answer"}
    assert gate.kind_of(["p", "faq answer"]) == "faq answer"
    assert gate.kind_of(["li", "h2", "p"]) == "h2"
    assert gate.kind_of(["li", "p"]) == "li"
    assert gate.kind_of([]) == ""


def test_a_fully_approved_article_passes_with_every_count():
    v = verdict(approved())
    assert v.passed and v.blocks == []
    assert v.counts == {"units": 6, "words": 14, po.APPROVED: 6, po.NEEDS_REVIEW: 0, "machine drafts": 0,
                        po.STALE: 0, po.UNTRANSLATED: 0, gate.MISSING: 0}
    assert v.strict == (3, 3)           # the heading, the question and the answer
    assert v.engines == {"human": 6}


def test_each_state_is_counted_and_blocks_with_its_own_words():
    review = po.Entry("It passes with time.", "Pasa.", flags=["fuzzy"])
    machine = po.Entry("Rarely.", "Raramente.", flags=["fuzzy"], comments=["draft: apertium eng-spa"])
    stale = po.Entry("Is it lasting?", "¿Dura mucho?", flags=["fuzzy"], previous_msgid="Is it long?")
    v = verdict(approved(**{"It passes with time.": review, "Rarely.": machine, "Is it lasting?": stale,
                            "Numbness is common.": None}))
    assert (v.counts[po.APPROVED], v.counts[po.NEEDS_REVIEW], v.counts["machine drafts"], v.counts[po.STALE],
            v.counts[gate.MISSING]) == (2, 1, 1, 1, 1)
    assert v.strict == (1, 3)
    assert v.blocks == [
        "2 of 6 units approved (33 %; the threshold is 100 %)",
        "1 of 3 headings and FAQ units approved (33 %; the threshold is 100 %)",
        "1 stale units (their source changed: review them)",
        "1 units of the article are not in the catalog (run 'localize update')",
    ]
    assert not v.passed


def test_an_untranslated_unit_is_counted_as_such():
    v = verdict(approved(**{"Rarely.": po.Entry("Rarely.")}))
    assert v.counts[po.UNTRANSLATED] == 1 and v.counts[po.APPROVED] == 5


@pytest.mark.parametrize("untranslated, threshold, strict, blocks", [
    ("Numbness is common.", 80, 80, []),                          # 5 of 6 is 83.3 %
    ("Numbness is common.", 83.3, 100, []),
    ("Numbness is common.", 83.4, 100, ["5 of 6 units approved (83 %; the threshold is 83.4 %)"]),
    ("Rarely.", 50, 100, ["2 of 3 headings and FAQ units approved (67 %; the threshold is 100 %)"]),
    ("Rarely.", 50, 66.6, []),
    ("Rarely.", 50, 66.7, ["2 of 3 headings and FAQ units approved (67 %; the threshold is 66.7 %)"]),
])
def test_the_thresholds_are_shares_of_the_units(untranslated, threshold, strict, blocks):
    v = verdict(approved(**{untranslated: po.Entry(untranslated)}), threshold, strict)
    assert v.blocks == blocks


def test_an_approved_machine_draft_is_counted_by_its_engine():
    drafted = po.Entry("Rarely.", "Rara vez.", comments=["draft: apertium eng-spa; reviewed"])
    memory = po.Entry("It passes with time.", "Pasa con el tiempo.", comments=["draft: memory 100%"])
    v = verdict(approved(**{"Rarely.": drafted, "It passes with time.": memory}))
    assert v.engines == {"human": 4, "apertium": 1, "memory": 1}
    assert v.passed


def test_a_qa_error_blocks_and_an_override_lets_it_pass():
    broken = po.Entry("Numbness is common.", "El entumecimiento es común en 1998.")
    v = verdict(approved(**{"Numbness is common.": broken}))
    assert [p.check for p in v.errors] == ["numbers"]
    assert v.blocks == ["1 QA errors (numbers; see 'localize check')"]
    overridden = po.Entry("Numbness is common.", "El entumecimiento es común en 1998.",
                          comments=["qa-override numbers: the year is in the study we cite"])
    v = verdict(approved(**{"Numbness is common.": overridden}))
    assert v.errors == [] and v.overridden == 1 and v.passed


def test_the_source_language_is_approved_by_definition():
    snap = gate.Snapshot(languages.parse("en"), "numbness", "en", Path("source/numbness.html"), PAGE)
    tree = snap.tree()
    v = gate.judge(snap, article.split(tree), article.references(tree), Config(Path("out"), "en", Path(".")))
    assert v.counts[po.APPROVED] == 6 and v.strict == (3, 3) and v.passed and snap.catalog_sha256 is None


def test_a_snapshot_hashes_what_it_read_and_lists_only_live_entries_without_context():
    entries = approved() + [po.Entry("Gone.", "Ido.", obsolete=True), po.Entry("Menu", "Menú", msgctxt="nav")]
    snap = snapshot(entries)
    assert set(snap.entries()) == set(SPANISH)
    import hashlib
    assert snap.catalog_sha256 == hashlib.sha256(snap.catalog_text.encode()).hexdigest()
    assert snap.source_sha256 == hashlib.sha256(PAGE).hexdigest()
    assert gate._share(0, 0) == 100.0


def test_faq_roles_come_before_headings():
    assert gate.kind_of(["h2", "faq answer"]) == "faq answer"
    assert gate.kind_of(["h3", "faq question"]) == "faq question"


def test_machine_drafts_and_human_work_to_review_are_counted_apart():
    review = [po.Entry(t, "x", flags=["fuzzy"]) for t in ("Numbness is common.", "It passes with time.")]
    machine = po.Entry("Rarely.", "Rara vez.", flags=["fuzzy"], comments=["draft: deepl;formal"])
    v = verdict(approved(**{e.msgid: e for e in review}, **{"Rarely.": machine}))
    assert (v.counts[po.NEEDS_REVIEW], v.counts["machine drafts"]) == (2, 1)
    deepl = po.Entry("Rarely.", "Rara vez.", comments=["draft: deepl;formal"])
    assert verdict(approved(**{"Rarely.": deepl})).engines == {"human": 5, "deepl": 1}


def test_a_warning_never_blocks_and_an_error_names_its_article():
    spaced = po.Entry("Numbness is common.", "El entumecimiento  es común.")
    assert verdict(approved(**{"Numbness is common.": spaced})).passed
    wrong = po.Entry("Numbness is common.", "Es común en 1998.")
    assert [(p.article, p.check) for p in verdict(approved(**{"Numbness is common.": wrong})).errors] == \
        [("numbness", "numbers")]


def test_the_entries_given_are_judged_not_the_snapshot_s():
    snap = snapshot(approved())
    tree = snap.tree()
    given = {e.msgid: e for e in approved(**{"Rarely.": po.Entry("Rarely.")})}
    v = gate.judge(snap, article.split(tree), article.references(tree), Config(Path("out"), "en", Path(".")),
                   entries=given)
    assert v.counts[po.UNTRANSLATED] == 1 and not v.passed


def test_a_link_to_its_localized_counterpart_does_not_block():
    page = PAGE.replace(b"<p>It passes with time.</p>", b'<p>It <a href="https://a.org/en">passes</a>.</p>')
    entries = approved(**{"It passes with time.": None}) + [
        po.Entry('It <a href="https://a.org/en">passes</a>.', 'Se <a href="https://b.org/es">pasa</a>.')]
    cat = po.Catalog(header={"Language": "es"}, entries=entries)
    snap = gate.Snapshot(languages.parse("es"), "numbness", "en", Path("source/numbness.html"), page,
                         Path("locales/es/numbness.po"), po.dumps(cat), cat)
    tree = snap.tree()
    cfg = Config(Path("out"), "en", Path("."))
    blocked = gate.judge(snap, article.split(tree), article.references(tree), cfg)
    assert [p.check for p in blocked.errors] == ["markup"]
    v = gate.judge(snap, article.split(tree), article.references(tree), cfg,
                   links={"https://a.org/en": "https://b.org/es"})
    assert v.passed, v.blocks


def test_take_reads_the_page_and_catalog_once_and_names_them_in_errors(tmp_path):
    from localize.errors import CatalogError
    from localize.workspace import Workspace
    (tmp_path / "source").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n')
    (tmp_path / "source" / "numbness.html").write_bytes(PAGE)
    ws = Workspace.open(tmp_path)
    catalog_path = ws.catalog_path("es", "numbness")
    catalog_path.parent.mkdir(parents=True)
    catalog_path.write_text(po.dumps(po.Catalog(header={"Content-Type": "text/plain; charset=UTF-8"},
                                                entries=approved())), encoding="utf-8")
    snap = gate.take(ws, languages.parse("es"), "numbness")
    assert (snap.source, snap.catalog_path, len(snap.entries())) == (PAGE, catalog_path, 6)
    given = gate.take(ws, languages.parse("es"), "numbness", (tmp_path / "as-read.html", b"<p>x</p>"))
    assert (given.source_path, given.source) == (tmp_path / "as-read.html", b"<p>x</p>")
    english = gate.take(ws, languages.parse("en"), "numbness")
    assert english.catalog is None and english.catalog_text is None
    catalog_path.write_text("msgid broken", encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        gate.take(ws, languages.parse("es"), "numbness")
    assert str(refused.value).startswith(f"{catalog_path}:1: ")
