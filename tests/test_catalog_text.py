"""What `localize extract` and `update` write, read as a translator reads a catalog: the template's and a
new language's header entry line by line, the counts of the status table, and merges of a unit that
became plural, of a header a PO editor wrote, of an old and a returning paragraph."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from types import SimpleNamespace

from localize import __version__, catalog, changes, languages, po
from localize.po import Entry


def units(*specs):
    return [SimpleNamespace(text=text, kind=kind, line=line) for text, kind, line in specs]


def template():
    """The article's template, made in the test that reads it."""
    return catalog.template("numbness", units(("Feeling numb", "h1", 3), ("Rest.", "p", 5), ("Rest.", "li", 9),
                                              ("Rest.", "p", 12)),
                            "source/numbness.html", created=datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc))


def msgfmt_accepts(text: str) -> None:
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", "-"], input=text.encode(), capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_the_template_is_what_xgettext_would_write_for_the_article():
    assert po.dumps(template()) == f'''# Translations template for numbness.
# This file is generated from the article; edit the article, not this file.
msgid ""
msgstr ""
"Project-Id-Version: numbness\\n"
"Report-Msgid-Bugs-To: \\n"
"POT-Creation-Date: 2026-01-02 03:04+0000\\n"
"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"
"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"
"Language-Team: LANGUAGE <LL@li.org>\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Generated-By: localize {__version__}\\n"

#. h1
#: source/numbness.html:3
msgid "Feeling numb"
msgstr ""

#. p
#. li
#: source/numbness.html:5
#: source/numbness.html:9
#: source/numbness.html:12
msgid "Rest."
msgstr ""
'''


def test_a_new_arabic_catalog_names_its_language_team_date_and_six_plural_forms():
    created = datetime(2026, 2, 3, 4, 5, tzinfo=timezone.utc)
    ar = catalog.translation_catalog(template(), languages.parse("ar"), created=created)
    text = po.dumps(ar)
    assert text.startswith(f'''# Arabic translations for numbness.
msgid ""
msgstr ""
"Project-Id-Version: numbness\\n"
"Report-Msgid-Bugs-To: \\n"
"POT-Creation-Date: 2026-01-02 03:04+0000\\n"
"PO-Revision-Date: 2026-02-03 04:05+0000\\n"
"Last-Translator: localize\\n"
"Language-Team: Arabic <>\\n"
"Language: ar\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 : \
n % 100 >= 11 && n % 100 <= 99 ? 4 : 5);\\n"
"Generated-By: localize {__version__}\\n"

#. h1
''')
    msgfmt_accepts(text)


def test_a_new_plural_unit_has_as_many_forms_as_the_language():
    study = Entry("%d study", msgid_plural="%d studies", msgstr_plural={0: "", 1: ""}, flags=["c-format", "fuzzy"])
    pot = po.Catalog(header=dict(template().header), entries=[study])
    ar = catalog.translation_catalog(pot, languages.parse("ar"), created=datetime(2026, 2, 3, tzinfo=timezone.utc))
    entry = ar.entries[0]
    assert entry.msgstr_plural == {0: "", 1: "", 2: "", 3: "", 4: "", 5: ""}
    assert entry.flags == ["c-format"]           # the template's flags, but never its fuzzy
    es = catalog.merge(po.Catalog(header={"Content-Type": "text/plain; charset=UTF-8"}), pot)
    assert es.entries[0].msgstr_plural == {0: "", 1: ""}   # no Plural-Forms yet: the template's two
    msgfmt_accepts(po.dumps(ar))


def test_the_status_counts_units_words_and_each_state_once():
    cat = po.Catalog(entries=[
        Entry("One two three.", "Uno dos tres."),
        Entry("<em>Four</em> five.", "Cuatro cinco.", flags=["fuzzy"]),
        Entry("Gone.", "Ido.", obsolete=True),          # obsolete units are not counted, wherever they are
        Entry("Six.", "Seis.", flags=["fuzzy"], comments=["draft: apertium eng-spa"]),
        Entry("Seven eight.", "Siete.", flags=["fuzzy"], previous_msgid="Seven."),
        Entry("Ten.", "Diez.", flags=["fuzzy"], comments=["a person's draft"]),
        Entry("Nine."),
    ])
    assert catalog.statistics(cat) == {"units": 6, "words": 10, po.APPROVED: 1, po.NEEDS_REVIEW: 2,
                                       catalog.MACHINE: 1, po.STALE: 1, po.UNTRANSLATED: 1}
    assert catalog.statistics(po.Catalog()) == {"units": 0, "words": 0, po.APPROVED: 0, po.NEEDS_REVIEW: 0,
                                                catalog.MACHINE: 0, po.STALE: 0, po.UNTRANSLATED: 0}
    assert catalog.words("well-known <a href='x'>it's</a> 3 ages") == 4


def test_a_unit_that_became_plural_keeps_its_translation_as_a_draft_and_the_other_way_round():
    old = po.Catalog(header={"Content-Type": "text/plain; charset=UTF-8",
                             "Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);"},
                     entries=[Entry("%d file", "un fichero"),
                              Entry("%d dir", msgid_plural="%d dirs", msgstr_plural={0: "un dir", 1: "dos", 2: "%d"}),
                              Entry("%d day", msgid_plural="%d days", msgstr_plural={0: "un día", 1: "dos", 2: "%d"})])
    pot = po.Catalog(entries=[Entry("%d file", msgid_plural="%d files", msgstr_plural={0: "", 1: ""}),
                              Entry("%d dir"),
                              Entry("%d day", msgid_plural="%d whole days", msgstr_plural={0: "", 1: ""})])
    text = po.dumps(catalog.merge(old, pot))
    assert text.split("\n\n", 1)[1] == '''#, fuzzy
#| msgid "%d file"
msgid "%d file"
msgid_plural "%d files"
msgstr[0] "un fichero"
msgstr[1] ""
msgstr[2] ""

#, fuzzy
#| msgid "%d dir"
#| msgid_plural "%d dirs"
msgid "%d dir"
msgstr "un dir"

#, fuzzy
#| msgid "%d day"
#| msgid_plural "%d days"
msgid "%d day"
msgid_plural "%d whole days"
msgstr[0] "un día"
msgstr[1] "dos"
msgstr[2] "%d"
'''
    msgfmt_accepts(text)


PO_EDITOR_FILE = '''# Spanish translation of numbness.
# Maria <maria@example.org>, 2026.
#
#, fuzzy, no-wrap
msgid ""
msgstr ""
"Project-Id-Version: numbness\\n"
"POT-Creation-Date: 2025-12-01 00:00+0000\\n"
"Language: es\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgid "Rest."
msgstr "Descanso."

# left by the editor
'''


def test_a_merge_keeps_the_header_a_po_editor_wrote_and_its_closing_comments():
    old = po.parse(PO_EDITOR_FILE, "es.po")
    merged = catalog.merge(old, template())
    text = po.dumps(merged)
    assert text.startswith('''# Spanish translation of numbness.
# Maria <maria@example.org>, 2026.
#
#, fuzzy, no-wrap
msgid ""
msgstr ""
"Project-Id-Version: numbness\\n"
"POT-Creation-Date: 2026-01-02 03:04+0000\\n"
"Language: es\\n"''')
    assert text.endswith('msgid "Rest."\nmsgstr "Descanso."\n\n# left by the editor\n')
    assert merged.converted_from is None


def test_a_header_placed_after_entries_stays_there():
    text = ('msgid "Rest."\nmsgstr "Descanso."\n\n'
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    merged = catalog.merge(po.parse(text, "es.po"), template())
    assert [e.msgid for e in merged.entries] == ["Feeling numb", "Rest."] and merged.header_index == 1
    written = po.dumps(merged)
    assert written.index('msgid "Feeling numb"') < written.index('msgid ""') < written.index('msgid "Rest."')
    gone = catalog.merge(po.parse(text, "es.po"), po.Catalog(entries=[]))
    assert gone.header_index == 1 and [e.msgid for e in gone.entries] == ["Rest."]


def test_a_returning_paragraph_comes_back_once_as_it_was():
    old = po.Catalog(entries=[Entry("Rest.", "Descanso nuevo."), Entry("Rest.", "Descanso viejo.", obsolete=True),
                              Entry("Back.", "De vuelta.", comments=["a note"], flags=["no-wrap"], obsolete=True)])
    pot = po.Catalog(entries=[Entry("Rest."), Entry("Back.")])
    merged = catalog.merge(old, pot)
    assert [(e.msgid, e.msgstr, e.obsolete, e.comments, e.flags) for e in merged.entries] == [
        ("Rest.", "Descanso nuevo.", False, [], []),
        ("Back.", "De vuelta.", False, ["a note"], ["no-wrap"]),
    ]


def test_a_changed_paragraph_keeps_its_old_context_as_previous():
    old = po.Catalog(entries=[Entry("Feeling numb today", "Sentirse entumecido hoy", msgctxt="title")])
    pot = po.Catalog(entries=[Entry("Feeling numb today!", msgctxt="title")])
    entry = catalog.merge(old, pot).entries[0]
    assert (entry.msgstr, entry.fuzzy, entry.previous_msgctxt, entry.previous_msgid) == \
        ("Sentirse entumecido hoy", True, "title", "Feeling numb today")


def test_a_unit_whose_text_changed_only_in_spacing_keeps_its_newlines_where_the_source_has_them():
    old = po.Catalog(entries=[Entry("\nFeeling  numb\n", "\nSentirse entumecido\n")])
    pot = po.Catalog(entries=[Entry("Feeling numb")])
    assert catalog.merge(old, pot).entries[0].msgstr == "Sentirse entumecido"
    old = po.Catalog(entries=[Entry("Feeling  numb", "Sentirse entumecido")])
    pot = po.Catalog(entries=[Entry("\nFeeling numb\n")])
    assert catalog.merge(old, pot).entries[0].msgstr == "\nSentirse entumecido\n"
    old = po.Catalog(entries=[Entry("Feeling  numb", " Sentirse entumecido ")])
    assert catalog.merge(old, po.Catalog(entries=[Entry("Feeling numb\n")])).entries[0].msgstr == \
        " Sentirse entumecido \n"


def test_every_changed_paragraph_is_matched_even_after_one_without_a_match():
    old = po.Catalog(entries=[Entry("The study followed two hundred people for a year.",
                                    "El estudio siguió a doscientas personas durante un año.")])
    pot = po.Catalog(entries=[Entry("Something else entirely."),
                              Entry("The study followed three hundred people for a year.")])
    merged = catalog.merge(old, pot)
    assert [(e.msgid[:9], e.msgstr[:10], e.fuzzy) for e in merged.entries] == [
        ("Something", "", False), ("The study", "El estudio", True)]


def test_a_big_merge_matches_changed_paragraphs_through_the_shortlist():
    sentences = [f"Paragraph {i} says that study number {i} followed {i * 7} people for {i % 12 + 1} months."
                 for i in range(460)]
    old = po.Catalog(entries=[Entry(s, f"El párrafo {i}.") for i, s in enumerate(sentences)])
    changed = [s.replace("followed", "tracked") for s in sentences]
    assert len(sentences) * len(changed) > catalog.EXHAUSTIVE
    merged = catalog.merge(old, po.Catalog(entries=[Entry(s) for s in changed]))
    assert [(e.msgstr, e.previous_msgid) for e in merged.entries if not e.obsolete] == \
        [(f"El párrafo {i}.", s) for i, s in enumerate(sentences)]


def test_only_a_translated_singular_unit_lends_its_translation_to_a_changed_one():
    old = po.Catalog(entries=[
        Entry("The study followed two hundred people for a year."),                        # untranslated
        Entry("The trial followed two hundred people for a year", msgid_plural="%d trials",
              msgstr_plural={0: "El ensayo siguió", 1: "Los ensayos"}),                        # plural
    ])
    pot = po.Catalog(entries=[Entry("The study followed three hundred people for a year."),
                              Entry("The trial followed three hundred people for a year.")])
    merged = catalog.merge(old, pot)
    assert [(e.msgstr, e.fuzzy, e.previous_msgid) for e in merged.entries if not e.obsolete] == \
        [("", False, None), ("", False, None)]
    same_form = catalog.merge(po.Catalog(entries=[Entry("Rest", "")]), po.Catalog(entries=[Entry("rest")]))
    assert [(e.msgstr, e.fuzzy) for e in same_form.entries] == [("", False)]


def test_a_paragraph_that_only_contains_the_old_one_is_no_match():
    old = po.Catalog(entries=[Entry("The study followed two hundred people for a year.",
                                    "El estudio siguió a doscientas personas durante un año.")])
    longer = ("The study followed two hundred people for a year, and then many other things happened "
              "to all of them in the end.")
    merged = catalog.merge(old, po.Catalog(entries=[Entry(longer)]))
    assert (merged.entries[0].msgstr, merged.entries[0].fuzzy) == ("", False)
    assert merged.entries[1].obsolete and merged.entries[1].msgstr.startswith("El estudio")


def test_a_unit_kept_as_it_is_keeps_every_plural_form_and_previous_text():
    kept = Entry("%d day", msgid_plural="%d days", msgstr_plural={0: "un día", 1: "%d días"}, flags=["fuzzy"],
                 previous_msgctxt="old", previous_msgid="%d jour", previous_msgid_plural="%d jours")
    merged = catalog.merge(po.Catalog(entries=[kept]), po.Catalog(entries=[
        Entry("%d day", msgid_plural="%d days", msgstr_plural={0: "", 1: ""})]))
    entry = merged.entries[0]
    assert (entry.msgstr_plural, entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural) == \
        ({0: "un día", 1: "%d días"}, "old", "%d jour", "%d jours")
    singular = catalog.merge(po.Catalog(entries=[Entry("%d day", msgid_plural="%d days", msgstr_plural={1: "x"})]),
                             po.Catalog(entries=[Entry("%d day")]))
    assert (singular.entries[0].msgstr, singular.entries[0].fuzzy) == ("x", True)   # the form written


def test_a_translated_old_unit_wins_over_an_untranslated_one_that_reads_the_same():
    old = po.Catalog(entries=[Entry("Take  a REST."),                                    # live, never translated
                              Entry("take a rest.", "Descansa.", obsolete=True)])        # translated once
    merged = catalog.merge(old, po.Catalog(entries=[Entry("Take a rest.")]))
    assert [(e.msgstr, e.fuzzy) for e in merged.entries if not e.obsolete] == [("Descansa.", False)]


def test_two_units_that_read_like_one_old_unit_take_it_once_and_the_second_as_a_draft():
    old = po.Catalog(entries=[Entry("Rest well.", "Descansa bien.")])
    merged = catalog.merge(old, po.Catalog(entries=[Entry("Rest  well."), Entry("Rest Well.")]))
    assert [(e.msgstr, e.fuzzy, e.previous_msgid) for e in merged.entries] == \
        [("Descansa bien.", False, None), ("Descansa bien.", True, "Rest well.")]


def test_a_plural_unit_takes_no_singular_translation_by_a_loose_match():
    old = po.Catalog(entries=[Entry("Rest well.", "Descansa bien.")])
    merged = catalog.merge(old, po.Catalog(entries=[Entry("rest well.", msgid_plural="Rest well, all.")]))
    assert merged.entries[0].msgstr_plural == {0: "", 1: ""} and not merged.entries[0].fuzzy


def test_changed_units_borrow_from_live_units_and_from_obsolete_ones_not_taken():
    old = po.Catalog(entries=[
        Entry("The study followed two hundred people for a year.", "El estudio siguió a doscientas personas."),
        Entry("Sleep helps the body recover after a long week.", "Dormir ayuda al cuerpo.", obsolete=True),
    ])
    pot = po.Catalog(entries=[
        Entry("The study followed two hundred people for a year."),        # kept as it is
        Entry("The study followed three hundred people for a year."),      # like the kept one
        Entry("Sleep helps the body recover after a long month."),         # like the obsolete one
    ])
    merged = catalog.merge(old, pot)
    assert [(e.msgstr, e.fuzzy) for e in merged.entries] == [
        ("El estudio siguió a doscientas personas.", False),
        ("El estudio siguió a doscientas personas.", True),
        ("Dormir ayuda al cuerpo.", True)]


def test_a_changed_citation_is_told_apart_from_a_changed_link_by_the_reference_list():
    old = po.Catalog(entries=[Entry('As <a href="#smith">Smith</a> found.', 'Como <a href="#smith">Smith</a> halló.')])
    pot = po.Catalog(entries=[Entry('As <a href="#jones">Smith</a> found.')])

    def change(**given):
        entry = catalog.merge(old, pot, **given).entries[0]
        return [c for c in entry.comments if c.startswith(changes.SOURCE_CHANGE)]

    assert change() == [changes.SOURCE_CHANGE + "links"]
    assert change(citations=["#smith", "#jones"]) == [changes.SOURCE_CHANGE + "citations"]


def test_a_singular_unit_from_an_untranslated_plural_one_is_untranslated_and_valid():
    old = po.Catalog(header={"Content-Type": "text/plain; charset=UTF-8",
                             "Plural-Forms": "nplurals=2; plural=(n != 1);"},
                     entries=[Entry("%d day", msgid_plural="%d days", msgstr_plural={0: "", 1: ""})])
    merged = catalog.merge(old, po.Catalog(entries=[Entry("%d day")]))
    assert (merged.entries[0].msgstr, merged.entries[0].fuzzy) == ("", False)
    msgfmt_accepts(po.dumps(merged))


def test_a_plural_unit_in_a_catalog_without_plural_forms_gets_gettext_s_two():
    merged = catalog.merge(po.Catalog(), po.Catalog(entries=[Entry("%d day", msgid_plural="%d days")]))
    assert merged.entries[0].msgstr_plural == {0: "", 1: ""}


def test_a_translation_matched_in_form_keeps_its_last_letters():
    old = po.Catalog(entries=[Entry("Vitamin X\n", "Vitamina X\n")])
    merged = catalog.merge(old, po.Catalog(entries=[Entry("vitamin X")]))
    assert merged.entries[0].msgstr == "Vitamina X"


def test_a_new_catalog_s_comment_names_the_article_or_only_the_language():
    spanish = languages.parse("es")
    created = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)
    named = catalog.translation_catalog(template(), spanish, created=created)
    assert named.header_comments == ["Spanish translations for numbness."]
    unnamed = catalog.translation_catalog(po.Catalog(), spanish, created=created)
    assert unnamed.header_comments == ["Spanish translations."]


def test_catalogs_are_stamped_in_utc():
    fresh = catalog.translation_catalog(template(), languages.parse("es"), created=catalog.now())
    assert fresh.header["PO-Revision-Date"].endswith("+0000")
