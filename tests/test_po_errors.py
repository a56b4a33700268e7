"""Every way the PO reader refuses a catalog, with the exact words and line a translator is given; and
what it accepts that a hand-written catalog holds (continuation lines, escapes, obsolete entries)."""

from __future__ import annotations

import pytest

from localize import po
from localize.errors import CatalogError

HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
PLURAL_HEAD = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
               '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


def refusal(text: str) -> str:
    with pytest.raises(CatalogError) as refused:
        po.parse(text, "es.po")
    return str(refused.value)


@pytest.mark.parametrize("text, says", [
    ("", "es.po:1: the file is empty"),
    ("  \n\n", "es.po:1: the file is empty"),
    ('msgid "a"\nmsgstr "b"\n', 'es.po:1: no header entry (msgid "" with Content-Type, Language…) or an empty one'),
    (HEAD + 'msgid "a"\nmsgstr "b"\r', "es.po:6: a carriage return (CR) without a line feed: lines must end "
                                         "with LF or CRLF"),
    (HEAD + 'msgid "a"\rmsgstr "b"\n', "es.po:5: a carriage return (CR) without a line feed: lines must end "
                                       "with LF or CRLF"),
    (HEAD + 'msgid "a\x00"\nmsgstr "b"\n', "es.po:5: control character U+0000 in the file"),
    (HEAD + 'msgid "a"\nmsgstr "b\ud800"\n', "es.po:6: surrogate U+D800 in the file"),
    (HEAD + 'msgid "a\nmsgstr "b"\n', "es.po:5: unterminated string"),
    (HEAD + 'msgid "a"\nmsgstr "b"\nmsgfoo "c"\n', "es.po:7: cannot read 'msgfoo \"c\"'"),
    (HEAD + 'msgstr "b"\n', "es.po:5: msgstr where it does not belong"),
    (HEAD + 'msgid\nmsgstr "b"\n', "es.po:6: msgid without its string"),
    (HEAD + 'msgid_plural "as"\nmsgstr "b"\n', "es.po:5: msgid_plural must follow msgid"),
    (HEAD + 'msgctxt "c"\nmsgstr "b"\n', "es.po:6: msgctxt without msgid"),
    (HEAD + 'msgctxt "c"\n\n', "es.po:5: entry has no msgstr (is the file cut short?)"),
    (HEAD + 'msgid "a"\nmsgstr[0] "b"\n', "es.po:6: msgstr[n] where it does not belong"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', "es.po:8: msgstr without [n] in a plural entry"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\nmsgstr[0] "c"\n', "es.po:8: msgstr[1] out of order"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr[] "b"\n', "es.po:8: cannot read ']' here"),
    (HEAD + 'msgid "a"\n', "es.po:5: entry has no msgstr (is the file cut short?)"),
    (HEAD + 'msgid "a"\nmsgstr\n', "es.po:6: msgstr without its string"),
    (HEAD + 'msgid "a"\nmsgstr "b"\nmsgid "a"\nmsgstr "c"\n', "es.po:7: duplicate entry 'a', first at line 5"),
    (HEAD + 'msgid "a\\q"\nmsgstr "b"\n', "es.po:5: invalid escape sequence \\q"),
    (HEAD + 'msgid "a\\004b"\nmsgstr "c"\n', "es.po:5: control character U+0004 in a string (gettext's context "
                                             "separator)"),
    (HEAD + 'msgid "a"\nmsgstr "b\\000"\n', "es.po:6: control character U+0000 in a string (msgfmt would cut it "
                                            "there)"),
    (HEAD + 'msgid "\\na"\nmsgstr "b"\n', "es.po:5: msgid and msgstr do not both begin with a line break"),
    (HEAD + 'msgid "a\\n"\nmsgstr "b"\n', "es.po:5: msgid and msgstr do not both end with a line break"),
    (HEAD + '#| msgid "old"\n# a comment\nmsgid "a"\nmsgstr "b"\n',
     "es.po:6: a comment between previous strings (#|) and their entry"),
    (HEAD + '#| msgctxt "c"\nmsgid "a"\nmsgstr "b"\n', "es.po:5: a previous msgctxt without a previous msgid"),
    (HEAD + '#| msgid "old"\n', "es.po:5: previous strings (#|) without their entry (is the file cut short?)"),
    (HEAD + '#| msgfoo "old"\nmsgid "a"\nmsgstr "b"\n', "es.po:5: cannot read previous string 'msgfoo \"old\"'"),
    (HEAD + '#~ msgid "a"\nmsgstr "b"\n', "es.po:6: obsolete (#~) and live lines mixed in one entry"),
    (HEAD + '#| msgid "old"\n#~| msgid_plural "olds"\nmsgid "a"\nmsgstr "b"\n',
     "es.po:6: obsolete (#~) and live lines mixed in one entry"),
    (HEAD + '#| msgid "old"\n#| msgid "older"\nmsgid "a"\nmsgstr "b"\n', "es.po:6: previous msgid out of place"),
    (HEAD + '#| msgid "old"\n#| msgctxt "c"\nmsgid "a"\nmsgstr "b"\n', "es.po:6: previous msgctxt out of place"),
    (HEAD + '#| msgid_plural "olds"\nmsgid "a"\nmsgstr "b"\n', "es.po:5: previous msgid_plural out of place"),
    (HEAD + '#| msgctxt\n#| msgid "old"\nmsgid "a"\nmsgstr "b"\n', "es.po:6: previous msgid out of place"),
    (HEAD + '#| ' + 'm' * 50 + ' "old"\nmsgid "a"\nmsgstr "b"\n',
     "es.po:5: cannot read previous string '" + "m" * 40 + "'"),
    (HEAD + 'msgid "a"\nmsgstr\n\n#| msgid "old"\nmsgid "b"\nmsgstr "c"\n', "es.po:8: msgstr without its string"),
    (HEAD + 'msgid "a"\nmsgstr\n# note\nmsgid "b"\nmsgstr "c"\n', "es.po:7: msgstr without its string"),
    ('msgid ""\nmsgstr ""\n"\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=x; plural=0;\\n"\n\n'
     'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "c"\n', "es.po:5: invalid nplurals value in Plural-Forms"),
    (HEAD + '#~| msgid "old"\n#~ # note\n#~ msgid "a"\n#~ msgstr "b"\n',
     "es.po:6: a comment between previous strings (#|) and their entry"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0]\nmsgstr[1] "c"\n', "es.po:9: msgstr[] without its string"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0[ "b"\n', "es.po:8: cannot read '[' here"),
    (PLURAL_HEAD + '#~ msgid "a"\n#~ msgid_plural "as"\nmsgstr[0] "b"\n',
     "es.po:8: obsolete (#~) and live lines mixed in one entry"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "a\\q"\nmsgstr[0] "b"\nmsgstr[1] "c"\n', "es.po:7: invalid escape sequence \\q"),
    (HEAD + 'msgid "a"\nmsgstr "b" ' + 'z' * 50 + '\n', "es.po:6: cannot read '" + "z" * 40 + "'"),
    (HEAD + 'msgid "a"\nmsgstr "b"\n"c" ' + '%' * 50 + '\n', "es.po:7: cannot read '" + "%" * 40 + "'"),
    (HEAD + 'msgid "a"\nmsgstr "b"\n"c" "d\\q"\n', "es.po:7: invalid escape sequence \\q"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr\n#~ [0]\n""\nmsgstr[1] "c"\n',
     "es.po:9: obsolete (#~) and live lines mixed in one entry"),   # msgfmt: "inconsistent use of #~"
    (HEAD + 'domain "other"\n', "es.po:5: a domain directive: a catalog here is one domain (msgfmt -o ignores "
                                "it too)"),
    (HEAD + 'msgid "a" "b"\nmsgstr x\n', "es.po:6: cannot read 'x'"),
    (HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "c"\n',
     "es.po:5: a translated plural entry, but no Plural-Forms 'nplurals=N; plural=EXPRESSION;' in the header"),
    (PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "c"\nmsgstr[2] "d"\n',
     "es.po:6: 3 plural forms, the header says 2"),
])
def test_a_bad_catalog_is_refused_with_its_line_and_reason(text, says):
    assert refusal(text) == says


def test_the_header_s_charset_must_be_the_text_s():
    with pytest.raises(CatalogError) as refused:
        po.decode(HEAD.replace("UTF-8", "ISO-8859-1").encode("utf-8") + 'msgid "é"\nmsgstr "e"\n'.encode(), "es.po")
    assert str(refused.value) == ("es.po:3: charset ISO-8859-1 declared, but the text is UTF-8: correct the "
                                  "header's charset")
    with pytest.raises(CatalogError) as refused:
        po.decode(HEAD.encode() + b'msgid "\xe9"\nmsgstr "e"\n', "es.po")
    assert str(refused.value) == "es.po:5: not valid UTF-8 (byte 0xe9)"


def test_a_latin1_catalog_is_read_as_text_and_says_what_it_was():
    data = HEAD.replace("UTF-8", "ISO-8859-1").encode("latin-1") + 'msgid "café"\nmsgstr "café"\n'.encode("latin-1")
    cat = po.parse(po.decode(data, "es.po"), "es.po")
    assert (cat.entries[0].msgstr, cat.converted_from, cat.header["Content-Type"]) == \
        ("café", "ISO-8859-1", "text/plain; charset=UTF-8")


def test_what_a_hand_written_catalog_may_hold_is_read():
    text = (HEAD + '# a note\n#. p\n#: a.html:3 a.html:9\n#, fuzzy, c-format\n#| msgctxt "old"\n#| msgid "ol"\n'
            '#| "d"\nmsgctxt "menu"\nmsgid ""\n"Save "\n"file"\nmsgstr "Guardar \\"\\t\\\\\\101\\x42"\n\n'
            'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "uno"\nmsgstr[1] "muchos"\n\n'
            '#~ msgid "gone"\n#~ msgstr "ido"\n')
    forms = '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    text = text.replace('charset=UTF-8\\n"\n', 'charset=UTF-8\\n"\n' + forms)
    cat = po.parse(text, "es.po")
    first, plural, gone = cat.entries
    assert (first.msgctxt, first.msgid, first.msgstr) == ("menu", "Save file", 'Guardar "\t\\AB')
    assert (first.comments, first.extracted, first.references, first.flags) == \
        (["a note"], ["p"], ["a.html:3", "a.html:9"], ["fuzzy", "c-format"])
    assert (first.previous_msgctxt, first.previous_msgid, first.line) == ("old", "old", 13)
    assert (plural.msgid_plural, plural.msgstr_plural) == ("many", {0: "uno", 1: "muchos"})
    assert (gone.obsolete, gone.msgstr) == (True, "ido")
    assert po.parse(po.dumps(cat), "again.po").entries[0].msgstr == 'Guardar "\t\\AB'


# -- the writer, line by line ---------------------------------------------------------------------

def test_the_writer_writes_every_field_as_gettext_does():
    from localize.po import Catalog, Entry
    cat = Catalog(
        header={"Content-Type": "text/plain; charset=UTF-8", "Language": "es"},
        header_comments=["Spanish.", "line one\nline two", ""], header_extracted=["made by hand"],
        header_references=["a.html:1"], header_fuzzy=True, header_flags=["no-wrap"],
        header_previous={"msgid": "old header"},
        entries=[
            Entry('Say "hi"\tnow\\\n', 'Di "hola"\a\b\f\v\r\n', msgctxt="two\nlines",
                  comments=["ends in a backslash\\", "has a\x00nul"], extracted=["p"], references=["a.html:3"],
                  flags=["fuzzy", "c-format"], previous_msgctxt="ctx", previous_msgid="old\n",
                  previous_msgid_plural="olds"),
            Entry("%d day", msgid_plural="%d days", msgstr_plural={1: "%d días", 0: "un día"}),
            Entry("gone", "ido", obsolete=True, previous_msgid="went"),
        ],
        trailing_comments=[" the end\\"])
    assert po.dumps(cat) == '''# Spanish.
# line one
# line two
#
#. made by hand
#: a.html:1
#, fuzzy, no-wrap
#| msgid "old header"
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: es\\n"

# ends in a backslash\\\\

# has a\ufffdnul
#. p
#: a.html:3
#, fuzzy, c-format
#| msgctxt "ctx"
#| msgid "old\\n"
#| msgid_plural "olds"
msgctxt ""
"two\\n"
"lines"
msgid "Say \\"hi\\"\\tnow\\\\\\n"
msgstr "Di \\"hola\\"\\a\\b\\f\\v\\r\\n"

msgid "%d day"
msgid_plural "%d days"
msgstr[0] "un día"
msgstr[1] "%d días"

#~| msgid "went"
#~ msgid "gone"
#~ msgstr "ido"

# the end\\\\

'''
    assert "".join(po.pieces(cat, lines=3)) == po.dumps(cat) == "\n".join(po.generate(cat)) + "\n"


# -- charsets ---------------------------------------------------------------------------------------

def legacy(charset: str, text: str, encoding: str) -> bytes:
    return (f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset={charset}\\n"\n\n'
            f'msgid "word"\nmsgstr "{text}"\n').encode(encoding)


@pytest.mark.parametrize("charset, text, encoding", [
    ("KOI8-R", "слово", "koi8-r"), ("CP1251", "слово", "cp1251"), ("ISO_8859-7", "λέξη", "iso8859-7"),
    ("Shift_JIS", "言葉", "shift_jis"), ("GB18030", "词语", "gb18030"), ("ascii", "word", "ascii"),
])
def test_a_catalog_in_a_legacy_charset_is_read_as_text(charset, text, encoding):
    data = legacy(charset, text, encoding)
    assert po.declared_charset(data) == (charset, 3)
    cat = po.parse(po.decode(data, "ru.po"), "ru.po")
    assert cat.entries[0].msgstr == text
    assert cat.converted_from == (charset if charset.upper() != "ASCII" else charset)
    assert "charset=UTF-8" in po.dumps(cat)


def test_charsets_gettext_cannot_convert_or_does_not_know_are_named():
    with pytest.raises(CatalogError) as refused:
        po.decode(legacy("EUC-TW", "x", "ascii"), "tw.po")
    assert str(refused.value) == ("tw.po:3: charset EUC-TW declared, which this reader cannot convert "
                                  "(msgconv --to-code=UTF-8 converts it)")
    with pytest.raises(CatalogError) as refused:
        po.decode(legacy("X-MINE", "caf\xe9", "latin-1"), "x.po")
    assert str(refused.value) == ("x.po:6: not valid UTF-8 (byte 0xe9); the header's charset X-MINE is not one "
                                  "gettext converts from")
    assert po.decode(legacy("X-MINE", "café", "utf-8"), "x.po").endswith('msgstr "café"\n')
    assert po.decode(legacy("CHARSET", "café", "utf-8"), "x.pot").endswith('msgstr "café"\n')


def test_the_header_is_found_as_gettext_finds_it():
    assert po.declared_charset(b'msgid "a"\nmsgstr "b"\n') is None
    assert po.declared_charset(b'msgid ""\nmsgstr "Language: es\\n"\n') is None
    after_context = b'msgctxt "c"\nmsgid ""\nmsgstr "charset=KOI8-R\\n"\n\nmsgid ""\nmsgstr ""\n"x: charset=CP1251"\n'
    assert po.declared_charset(after_context) == ("CP1251", 7)
    split = b'msgctxt ""\n"c"\nmsgid ""\nmsgstr "charset=KOI8-R\\n"\n'
    assert po.declared_charset(split) is None
    assert po.decode(b"\xef\xbb\xbf" + legacy("KOI8-R", "x", "ascii"), "bom.po").startswith('msgid ""')


# -- the header entry ---------------------------------------------------------------------------

def test_the_header_keeps_its_lines_and_changes_only_the_fields_changed():
    text = ('msgid ""\nmsgstr ""\n"Project-Id-Version: a\\n"\n"Language: es\\n"\n"Language: ca\\n"\n'
            '"free text\\n"\n"X-Gone: 1\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    cat = po.parse(text, "es.po")
    assert cat.header["Language"] == "es"                      # gettext reads the first of duplicates
    assert (cat.field_line("Language"), cat.field_line("Content-Type"), cat.field_line("X-None")) == (4, 8, 1)
    cat.header["Project-Id-Version"] = "b"
    del cat.header["X-Gone"]
    cat.header["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    assert po.header_msgstr(cat) == ("Project-Id-Version: b\nLanguage: es\nLanguage: ca\nfree text\n"
                                     "Content-Type: text/plain; charset=UTF-8\n"
                                     "Plural-Forms: nplurals=2; plural=(n != 1);\n")
    assert cat.nplurals == 2


def test_fields_of_a_catalog_made_in_code_are_placed_where_the_writer_puts_them():
    cat = po.Catalog(header={"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}, header_line=7)
    assert (cat.field_line("Content-Type"), cat.field_line("Language"), cat.field_line("X")) == (9, 10, 7)
    assert po.header_msgstr(cat) == "Content-Type: text/plain; charset=UTF-8\nLanguage: es\n"


@pytest.mark.parametrize("forms, nplurals", [
    ("nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);", 3),
    ("nplurals=\n 1; plural=0;", 1),
    ("plural=(n != 1);", None),
])
def test_nplurals_is_found_where_gettext_finds_it(forms, nplurals):
    cat = po.Catalog(header={"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": forms})
    assert cat.nplurals == nplurals
    assert po.Catalog(header={"Language": "es"}).nplurals is None


def test_a_machine_draft_is_fuzzy_with_one_origin_and_flags_are_set_once():
    entry = po.Entry("Rest.", comments=["draft: apertium eng-spa", "a translator's note"], flags=["c-format"])
    entry.set_draft("Descanso.", "memory 92%")
    assert (entry.msgstr, entry.flags, entry.comments, entry.draft_origin) == \
        ("Descanso.", ["c-format", "fuzzy"], ["a translator's note", "draft: memory 92%"], "memory 92%")
    entry.set_flag("fuzzy")
    assert entry.flags == ["c-format", "fuzzy"]
    entry.set_flag("fuzzy", on=False)
    entry.set_flag("no-wrap", on=False)
    assert entry.flags == ["c-format"] and not entry.fuzzy


def test_a_catalog_written_a_few_lines_at_a_time_is_the_catalog_written_at_once():
    catalog = po.parse(PLURAL_HEAD + "".join(f'#: a.html:{i}\nmsgid "unit {i}"\nmsgstr "unidad {i}"\n\n'
                                             for i in range(7)), "es.po")
    assert "".join(po.pieces(catalog, lines=3)) == po.dumps(catalog)


def test_escaped_bytes_of_plural_forms_are_read_in_the_declared_charset():
    text = PLURAL_HEAD.replace("UTF-8", "ISO-8859-1") + 'msgid "day"\nmsgid_plural "days"\nmsgstr[0] "d\\355a"\n' \
        'msgstr[1] "d\\355as"\n'
    entry = po.parse(po.decode(text.encode("latin-1"), "es.po"), "es.po").entries[0]
    assert entry.msgstr_plural == {0: "día", 1: "días"}


@pytest.mark.parametrize("data, says", [
    (b"\xef\xbb\xbf" + HEAD.encode() + b'msgid "\xe9"\nmsgstr "e"\n', "bom.po:5: not valid UTF-8 (byte 0xe9)"),
    (b"\n\n" + HEAD.encode() + b'msgid "\xe9"\nmsgstr "e"\n', "bom.po:7: not valid UTF-8 (byte 0xe9)"),
    (HEAD.replace("UTF-8", "ASCII").encode() + b'msgid "a"\nmsgstr "\xe9"\n', "bom.po:6: not valid ASCII (byte 0xe9)"),
    (b"\n" + HEAD.replace("UTF-8", "ISO-8859-1").encode() + 'msgid "é"\nmsgstr "e"\n'.encode(),
     "bom.po:4: charset ISO-8859-1 declared, but the text is UTF-8: correct the header's charset"),
    (b'\n' + HEAD.replace("UTF-8", "FOO-1").encode() + b'msgid "a"\nmsgstr "\xe9"\n',
     "bom.po:7: not valid UTF-8 (byte 0xe9); the header's charset FOO-1 is not one gettext converts from"),
])
def test_bytes_a_catalog_s_charset_cannot_read_are_named_with_their_line(data, says):
    with pytest.raises(CatalogError) as refused:
        po.decode(data, "bom.po")
    assert str(refused.value) == says


def test_a_charset_wrapped_across_two_strings_of_the_header_is_read():
    data = (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-"\n"8859-1\\n"\n\n'
            b'msgid "day"\nmsgstr "d\xeda"\n')
    assert po.parse(po.decode(data, "es.po"), "es.po").entries[0].msgstr == "día"


@pytest.mark.parametrize("entry", [                   # read by the quick reader, and by the general one
    'msgid "a"\nmsgstr "b"\n',
    'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "c"\n',
    '#~ msgid "a"\n#~ msgstr "b"\n',
])
def test_comments_written_without_a_space_or_with_other_blanks_are_filed_as_gettext_files_them(entry):
    text = (PLURAL_HEAD + "#.note to translators\n#:\n#:naïve.html:3 caf\u00e9\u00a0menu.html:4\n"
            "#,fuzzy, c-format\n#!no-wrap\n" + entry)
    entry = po.parse(text, "es.po").entries[0]
    assert entry.extracted == ["note to translators"]
    assert entry.references == ["naïve.html:3", "caf\u00e9\u00a0menu.html:4"]   # a no-break space is no separator
    assert entry.flags == ["fuzzy", "c-format", "no-wrap"]


def test_escaped_bytes_that_make_no_text_are_refused_in_any_form_and_charset():
    plural = PLURAL_HEAD + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "\\377"\n'
    assert refusal(plural) == "es.po:6: escape sequences (\\ooo or \\xhh) that do not make UTF-8 text"
    japanese = PLURAL_HEAD.replace("UTF-8", "EUC-JP") + 'msgid "a"\nmsgstr "\\377"\n'
    with pytest.raises(CatalogError) as refused:
        po.parse(po.decode(japanese.encode("ascii"), "ja.po"), "ja.po")
    assert str(refused.value) == "ja.po:6: escape sequences (\\ooo or \\xhh) that do not make EUC-JP text"
    japanese_plural = japanese.replace('msgstr "\\377"', 'msgid_plural "as"\nmsgstr[0] "\\377"\nmsgstr[1] "b"')
    with pytest.raises(CatalogError) as refused:
        po.parse(po.decode(japanese_plural.encode("ascii"), "ja.po"), "ja.po")
    assert str(refused.value) == "ja.po:6: escape sequences (\\ooo or \\xhh) that do not make EUC-JP text"


@pytest.mark.parametrize("data, found", [
    # a message with a context and an empty msgid comes first; the header (CRLF lines) after it
    (b'msgid "a"\r\nmsgstr ""\r\n"x"\r\n\r\nmsgctxt ""\r\n"c"\r\nmsgid ""\r\nmsgstr "charset=KOI8-R"\r\n\r\n'
     b'msgid ""\r\nmsgstr ""\r\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\r\n', ("ISO-8859-1", 12)),
    (b'"x"\nmsgid ""\nmsgstr "charset=KOI8-R"\n', ("KOI8-R", 3)),          # a file that starts with a string
    (b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "charset=x"\nmsgstr "y"\n',
     ("ISO-8859-1", 3)),
])
def test_the_declared_charset_is_the_header_s_as_gettext_finds_it(data, found):
    assert po.declared_charset(data) == found


def test_a_charset_name_that_is_not_ascii_is_shown_as_read():
    with pytest.raises(CatalogError) as refused:
        po.decode(b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=KOI8\xe9\\n"\n\nmsgid "a"\nmsgstr "b"\n',
                  "x.po")
    assert str(refused.value) == \
        "x.po:3: not valid UTF-8 (byte 0xe9); the header's charset KOI8\ufffd is not one gettext converts from"


@pytest.mark.parametrize("entry", [
    '#~|msgid "old"\n#~ msgid "a"\n#~ msgstr "b"\n',
    '#|msgid "old"\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[1] "c"\n',
])
def test_previous_strings_written_without_a_space_are_read(entry):
    assert po.parse(PLURAL_HEAD + entry, "es.po").entries[0].previous_msgid == "old"


def test_references_part_at_ascii_blanks_only_and_flags_at_commas_and_blanks():
    """A no-break space belongs to the reference it ends (GNU gettext keeps it there too); commas at either
    end of a flag line make no empty flag."""
    cat = po.parse(HEAD + '#: XBOX/é.html:1 TEXT\u00a0\n#, fuzzy,\n#,, c-format\nmsgid "a"\nmsgstr "b"\n', "es.po")
    entry = next(e for e in cat.entries if e.msgid == "a")
    assert (entry.references, entry.flags) == (["XBOX/é.html:1", "TEXT\u00a0"], ["fuzzy", "c-format"])
