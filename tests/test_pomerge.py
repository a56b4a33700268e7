"""The three-way merge of catalogs entry by entry (`localize sync`'s merge driver): whatever two sides did
to a common base, no translation either side holds is lost — it is in the result or in a conflict —
and the result is a catalog GNU msgfmt accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_msgfmt_ok
from localize import po
from localize.pomerge import merge3

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n"PO-Revision-Date: {date}\\n"\n\n')


def entry(key: str, text: str = "", *, fuzzy: bool = False, draft: bool = False, context: str | None = None) -> str:
    lines = []
    if draft:
        lines.append("# draft: apertium eng-spa")
    if fuzzy or draft:
        lines.append("#, fuzzy")
    if context is not None:
        lines.append(f'msgctxt "{context}"')
    lines += [f'msgid "{key}"', f'msgstr "{text}"']
    return "\n".join(lines) + "\n\n"


def catalog(*entries: str, date: str = "2026-01-01 00:00+0000") -> po.Catalog:
    return po.parse(HEADER.format(date=date) + "".join(entries))


def texts(cat: po.Catalog) -> dict[tuple, tuple[str, str]]:
    return {e.key: (e.msgstr, e.state) for e in cat.entries if not e.obsolete}


def test_each_side_s_work_on_different_entries_is_kept():
    base = catalog(entry("a"), entry("b"), entry("c", "ce"))
    ours = catalog(entry("a", "a1"), entry("b"), entry("c", "ce"))
    theirs = catalog(entry("a"), entry("b", "b2", fuzzy=True), entry("c", "ce"))
    merged, conflicts = merge3(base, ours, theirs)
    assert texts(merged) == {(None, "a"): ("a1", "approved"), (None, "b"): ("b2", "needs review"),
                             (None, "c"): ("ce", "approved")}
    assert conflicts == []


def test_the_better_state_wins_and_the_other_text_is_a_conflict():
    base = catalog(entry("a"), entry("b"), entry("c"))
    ours = catalog(entry("a", "draft", draft=True), entry("b", "mine", fuzzy=True), entry("c", "same"))
    theirs = catalog(entry("a", "person", fuzzy=True), entry("b", "approved"), entry("c", "same"))
    merged, conflicts = merge3(base, ours, theirs)
    assert texts(merged)[(None, "a")] == ("person", "needs review")   # a person's work over a machine's
    assert texts(merged)[(None, "b")] == ("approved", "approved")
    assert [(c.msgid, c.kept, c.other) for c in conflicts] == [("a", "person", "draft"), ("b", "approved", "mine")]


def test_equal_states_keep_ours():
    base = catalog(entry("a"))
    merged, conflicts = merge3(base, catalog(entry("a", "ours")), catalog(entry("a", "theirs")))
    assert texts(merged)[(None, "a")][0] == "ours" and conflicts[0].other == "theirs"


def test_an_entry_removed_on_one_side_and_translated_on_the_other_is_kept_obsolete():
    base = catalog(entry("a"), entry("gone"))
    ours = catalog(entry("a"))                                  # its paragraph left the article
    theirs = catalog(entry("a"), entry("gone", "traducido"))   # translated meanwhile
    merged, _ = merge3(base, ours, theirs)
    kept = [e for e in merged.entries if e.msgid == "gone"]
    assert len(kept) == 1 and kept[0].obsolete and kept[0].msgstr == "traducido"


def test_new_entries_of_the_other_side_come_after_their_neighbour_there(tmp_path):
    base = catalog(entry("a"), entry("z"))
    ours = catalog(entry("a"), entry("m", "mine"), entry("z"))
    theirs = catalog(entry("a"), entry("b", "bee"), entry("c", "cee"), entry("z"))
    merged, _ = merge3(base, ours, theirs)
    assert [e.msgid for e in merged.entries if e.msgid] == ["a", "b", "c", "m", "z"]
    out = tmp_path / "merged.po"
    out.write_text(po.dumps(merged), encoding="utf-8")
    assert_msgfmt_ok(out)


def test_the_newer_revision_date_is_kept_and_contexts_are_separate_entries():
    base = catalog(entry("a", context="menu"), entry("a"))
    ours = catalog(entry("a", "menú", context="menu"), entry("a"), date="2026-03-01 00:00+0000")
    theirs = catalog(entry("a", context="menu"), entry("a", "texto"), date="2026-05-01 00:00+0000")
    merged, conflicts = merge3(base, ours, theirs)
    assert texts(merged) == {("menu", "a"): ("menú", "approved"), (None, "a"): ("texto", "approved")}
    assert merged.header["PO-Revision-Date"] == "2026-05-01 00:00+0000" and not conflicts


def test_the_merge_driver_refuses_a_broken_side_and_leaves_ours_as_it_was(tmp_path):
    base, ours, theirs = tmp_path / "base.po", tmp_path / "ours.po", tmp_path / "theirs.po"
    base.write_text(po.dumps(catalog(entry("a"))), encoding="utf-8")
    ours.write_text(po.dumps(catalog(entry("a", "uno"))), encoding="utf-8")
    theirs.write_text('msgid "a"\nmsgstr "unterminated\n', encoding="utf-8")
    before = ours.read_bytes()
    done = subprocess.run([sys.executable, "-m", "localize.pomerge", str(base), str(ours), str(theirs),
                           "locales/es/x.po"], capture_output=True, text=True)
    assert done.returncode == 1 and "cannot merge locales/es/x.po" in done.stderr and "Traceback" not in done.stderr
    assert ours.read_bytes() == before


# -- whatever both sides did ------------------------------------------------------------------------------

KEYS = ["a", "b", "c", "d"]
VERSION = st.one_of(st.none(), st.tuples(st.sampled_from(["", "uno", "dos", "tres"]),
                                         st.sampled_from(["approved", "fuzzy", "draft"])))


def build(side: dict[str, tuple | None]) -> po.Catalog:
    parts = []
    for key in KEYS:
        version = side.get(key)
        if version is not None:
            text, state = version
            parts.append(entry(key, text, fuzzy=state == "fuzzy" and bool(text), draft=state == "draft" and bool(text)))
    return catalog(*parts)


SIDE = st.fixed_dictionaries({key: VERSION for key in KEYS})


@settings(max_examples=300, deadline=None)
@given(SIDE, SIDE, SIDE)
def test_no_translation_either_side_changed_is_lost(base_side, ours_side, theirs_side):
    base, ours, theirs = build(base_side), build(ours_side), build(theirs_side)
    merged, conflicts = merge3(base, ours, theirs)
    kept = {e.key: e.msgstr for e in merged.entries}
    others = {(c.msgctxt, c.msgid): c.other for c in conflicts}
    base_index = base.index()
    for side in (ours, theirs):
        for e in side.entries:
            was = base_index.get(e.key)
            if not e.msgstr or (was is not None and was.msgstr == e.msgstr and was.flags == e.flags):
                continue   # nothing of this side's own to keep
            assert e.msgstr in (kept.get(e.key), others.get(e.key)), (e.key, e.msgstr, kept, others)
    assert len({e.key for e in merged.entries}) == len(merged.entries)   # every entry once
    po.parse(po.dumps(merged))   # and it reads back
