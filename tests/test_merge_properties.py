"""Merging a catalog with a new template, as properties over any catalog: what a translator wrote is
never lost, whatever plural forms, contexts, comments and flags its entries have.

A catalog is generated with entries of every shape gettext has (context or none, plural or singular,
translator comments, flags, ``#|`` previous fields, obsolete entries); the new template keeps some
of its units, drops others and adds new ones. Each merge is also written and read back, and GNU
``msgfmt --check`` accepts it (once per example would be slow: the first examples only).
"""

from __future__ import annotations

import subprocess

from hypothesis import HealthCheck, given, settings, strategies as st

from localize import catalog, po
from localize.po import Catalog, Entry

WORDS = st.sampled_from("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu".split())
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
HEADER = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es",
          "Plural-Forms": "nplurals=2; plural=(n != 1);", "POT-Creation-Date": "2026-01-01 00:00+0000",
          "Project-Id-Version": "old"}


@st.composite
def entries(draw, obsolete: bool = False) -> Entry:
    msgid = draw(TEXT)
    context = draw(st.none() | st.sampled_from(["menu", "title", "faq"]))
    plural = draw(st.booleans())
    translated = draw(st.booleans())
    entry = Entry(msgid, msgctxt=context, obsolete=obsolete)
    if plural:
        entry.msgid_plural = msgid + " many"
        entry.msgstr_plural = ({0: "uno " + msgid, 1: "varios " + msgid} if translated else {0: "", 1: ""})
    elif translated:
        entry.msgstr = "es " + msgid
    entry.comments = draw(st.lists(TEXT, max_size=2))
    if translated and draw(st.booleans()):
        entry.flags.append("fuzzy")
        if draw(st.booleans()):
            entry.previous_msgid = "before " + msgid
            entry.previous_msgctxt = context
    if draw(st.booleans()):
        entry.flags.append("no-wrap")
    return entry


@st.composite
def catalogs_and_templates(draw) -> tuple[Catalog, Catalog]:
    live = draw(st.lists(entries(), max_size=10, unique_by=lambda e: e.key))
    keys = {e.key for e in live}
    gone = [e for e in draw(st.lists(entries(obsolete=True), max_size=4, unique_by=lambda e: e.key))
            if e.key not in keys and e.translated]
    old = Catalog(header=dict(HEADER), entries=live + gone)
    kept = [e for e in live + gone if draw(st.booleans())]
    added = [e for e in draw(st.lists(entries(), max_size=4)) if e.key not in keys | {g.key for g in gone}]
    template_entries = {}
    for e in kept + added:
        plural = e.msgid_plural
        if e in kept and draw(st.integers(0, 4)) == 0:   # the unit became plural, singular, or another plural
            plural = draw(st.sampled_from([None, e.msgid + " many", e.msgid + " more"]))
        template_entries.setdefault(e.key, Entry(e.msgid, msgctxt=e.msgctxt, msgid_plural=plural,
                                                 msgstr_plural=None if plural is None else {0: "", 1: ""},
                                                 extracted=["paragraph"], references=[f"article.html:{len(e.msgid)}"]))
    order = draw(st.permutations(list(template_entries.values())))
    pot = Catalog(header={"POT-Creation-Date": "2026-02-02 00:00+0000", "Project-Id-Version": "new"},
                  entries=list(order))
    return old, pot


def snapshot(entry: Entry) -> tuple:
    """What a translator wrote in an entry, and what gettext keeps beside it."""
    return (entry.msgstr, entry.msgstr_plural, entry.comments, sorted(entry.flags),
            entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural)


CHECKED = {"count": 0}


def msgfmt_accepts(text: str) -> None:
    if CHECKED["count"] >= 15:
        return
    CHECKED["count"] += 1
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", "-"], input=text.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs_and_templates())
def test_a_merge_never_loses_a_translation_the_template_still_has(case):
    old, pot = case
    before = {e.key: snapshot(e) for e in old.entries}
    originals = {e.key: e for e in old.entries}
    merged = catalog.merge(old, pot)
    live = {e.key: e for e in merged.entries if not e.obsolete}
    obsolete = {e.key: e for e in merged.entries if e.obsolete}

    # the template's units, in its order, with its context, plural, comments from the source and references
    assert [e.key for e in merged.entries if not e.obsolete] == [e.key for e in pot.entries]
    for tmpl in pot.entries:
        entry = live[tmpl.key]
        assert (entry.msgid_plural, entry.extracted, entry.references) == \
               (tmpl.msgid_plural, tmpl.extracted, tmpl.references)
        if tmpl.key not in before:
            continue
        was = originals[tmpl.key]
        if was.msgid_plural == tmpl.msgid_plural:   # kept, or returning from #~: as the translator left it
            assert snapshot(entry) == before[tmpl.key]
        elif was.translated:   # reshaped: its translation kept as a draft to review, the old texts as #|
            first = was.msgstr if was.msgid_plural is None else was.msgstr_plural[0]
            now = entry.msgstr if entry.msgid_plural is None else entry.msgstr_plural[0]
            assert now == first or (not first and entry.msgid_plural and was.msgid_plural)
            assert entry.fuzzy and (entry.previous_msgid, entry.previous_msgid_plural) == (was.msgid,
                                                                                          was.msgid_plural)
            if entry.msgid_plural is not None and was.msgid_plural is not None:
                assert entry.msgstr_plural == was.msgstr_plural
    # a translated unit the template dropped is kept as #~, or lends its translation to the most like
    # new unit (a draft that names it as #| msgid, as msgmerge does); never both live and obsolete
    for e in old.entries:
        if e.key not in live and e.translated:
            if e.key in obsolete:
                assert snapshot(obsolete[e.key]) == snapshot(e)
            else:
                heir = next(n for n in live.values() if (n.previous_msgctxt, n.previous_msgid) == e.key
                            and n.key not in before)
                assert (heir.msgstr, heir.fuzzy, heir.state) == (e.msgstr, True, po.STALE)
    assert not set(live) & set(obsolete)
    assert len(obsolete) == len([e for e in merged.entries if e.obsolete])
    # a plural unit has as many forms as the language
    assert all(len(e.msgstr_plural) == 2 for e in live.values() if e.msgid_plural is not None)
    # the header follows the template's date and name, and keeps the language's
    assert merged.header["POT-Creation-Date"] == "2026-02-02 00:00+0000"
    assert merged.header["Project-Id-Version"] == "new"
    assert merged.header["Plural-Forms"] == HEADER["Plural-Forms"]
    # and what it writes reads back as merged, and msgfmt accepts it
    text = po.dumps(merged)
    again = po.parse(text, "merged.po")
    assert [(e.key, e.obsolete, snapshot(e)) for e in again.entries] == \
           [(e.key, e.obsolete, snapshot(e)) for e in merged.entries]
    msgfmt_accepts(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(entries(), min_size=1, max_size=8, unique_by=lambda e: e.key))
def test_merging_with_the_same_template_twice_changes_nothing(live):
    old = Catalog(header=dict(HEADER), entries=live)
    pot = Catalog(header={"POT-Creation-Date": "2026-02-02 00:00+0000"},
                  entries=[Entry(e.msgid, msgctxt=e.msgctxt, msgid_plural=e.msgid_plural,
                                 msgstr_plural=None if e.msgid_plural is None else {0: "", 1: ""}) for e in live])
    once = catalog.merge(old, pot)
    twice = catalog.merge(once, pot)
    assert po.dumps(once) == po.dumps(twice)
    assert [snapshot(e) for e in once.entries if not e.obsolete] == [snapshot(e) for e in live]
