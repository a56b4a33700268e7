"""Tests for localize.po: the writer against GNU msgfmt and polib, the reader against
polib's writer, the fast path against the general parser, strictness, torn files,
GNU gettext's syntax and rules read as GNU gettext reads them (msgcat of a file and
of our rewrite of it alike), catalogs in other charsets.

Expected values are hard-coded or come from outside referees (GNU ``msgfmt
--check``, ``msgcat``, ``msgconv`` and polib); nothing expected is computed by
``localize.po`` itself. tests/test_po_conformance.py runs the same referees over
the test inputs of GNU gettext, polib and Babel.
"""

from __future__ import annotations

import subprocess

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_catalog import (HEADER, assert_msgfmt_accepts, assert_same_catalog, msgfmt,
                             polib_read, references)
from localize import catalog as catalog_module
from localize import po
from localize.errors import CatalogError
from localize.po import Catalog, Entry

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# -- generated catalogs ------------------------------------------------------------

# Pieces that are hard for a PO writer: quotes, backslashes, escapes written out,
# newlines, tabs, non-ASCII, right-to-left text and marks, PO syntax inside text.
ATOMS = ['"', "\\", "\\n", '\\"', "\n", "\t", " ", "  ", "é", "ñ", "ß", "€", "“", "”", "«", "»",
         "日本語", "שלום", "مرحبا بالعالم", "\u200f", "\u200e", "\u202b", "\xa0", "\u2028", "😀",
         "#", "#~", "#|", 'msgid "x"', "msgstr", "%s", "%(name)s", ":", ","]
# Every character but control characters (the reader refuses them by design) and
# surrogates (not text); newline and tab come in through ATOMS.
CHAR = st.characters(exclude_categories=("Cc", "Cs"))
TEXT = st.lists(st.one_of(st.sampled_from(ATOMS), CHAR), max_size=10).map("".join)
LINE = st.lists(st.one_of(st.sampled_from([a for a in ATOMS if "\n" not in a]), CHAR),
                max_size=10).map("".join)
WORDS = LINE.map(str.strip).filter(bool)          # one line, no edge whitespace, not empty
# GNU gettext reads a backslash at the end of a line as a line continuation, even
# in a comment: the writer's bug with such comments has its own test
# (test_comment_ending_in_backslash_stays_a_comment); generated comments avoid it.
COMMENT = TEXT.filter(lambda c: not any(line.rstrip().endswith("\\") for line in c.split("\n")))
COMMENT_WORDS = WORDS.filter(lambda c: not c.endswith("\\"))
REFERENCE = st.from_regex(r"[a-z][a-z0-9/_.-]{0,12}:[1-9][0-9]{0,3}", fullmatch=True)
FLAGS = st.lists(st.sampled_from(["fuzzy", "no-wrap", "no-c-format"]), unique=True, max_size=3)


@st.composite
def entries(draw, plain: bool = False) -> Entry:
    """One entry. msgfmt --check wants every string of an entry to begin and end
    with a newline alike, so all of them get the same (drawn) shape. ``plain``
    entries have the shape of this project's catalogs: no plurals, nothing
    obsolete, a one-line previous msgid."""
    lead = "\n" if draw(st.booleans()) else ""
    trail = "\n" if draw(st.booleans()) else ""

    def shaped(core: str) -> str:
        core = core.strip("\n")
        return lead + core + trail if core else ""

    msgid = shaped(draw(TEXT.filter(lambda s: s.strip("\n"))))
    plural = not plain and draw(st.booleans())
    previous = draw(st.none() | (LINE if plain else TEXT))
    entry = Entry(
        msgid,
        msgctxt=draw(st.none() | TEXT),
        flags=draw(FLAGS),
        comments=draw(st.lists(COMMENT, max_size=3)),
        extracted=draw(st.lists(COMMENT_WORDS, max_size=2)),
        references=draw(st.lists(REFERENCE, max_size=3)),
        previous_msgctxt=draw(st.none() | (LINE if plain else TEXT)) if previous is not None else None,
        previous_msgid=previous,
        obsolete=not plain and draw(st.booleans()),
    )
    if plural:
        entry.msgid_plural = shaped(draw(TEXT.filter(lambda s: s.strip("\n"))))
        # msgfmt wants either no plural form translated or all of them
        if draw(st.booleans()):
            entry.msgstr_plural = {n: shaped(draw(TEXT).strip("\n") or "x") for n in (0, 1)}
        else:
            entry.msgstr_plural = {0: "", 1: ""}
        if previous is not None and draw(st.booleans()):
            entry.previous_msgid_plural = draw(TEXT)
    else:
        entry.msgstr = shaped(draw(TEXT))
    return entry


def catalogs(plain: bool = False):
    return st.builds(
        lambda header_comments, items: Catalog(header=dict(HEADER),
                                               header_comments=header_comments, entries=items),
        st.lists(COMMENT, max_size=2),
        st.lists(entries(plain), max_size=6, unique_by=lambda e: (e.msgctxt, e.msgid)),
    )


def comment_lines(comments: list[str]) -> list[str]:
    """A comment line cannot hold a line break: what a PO file can carry of a list
    of translator comments (trailing blanks it keeps, as msgcat does)."""
    return [line for comment in comments for line in comment.split("\n")]


def polib_tcomment(lines: list[str]) -> str:
    """How polib joins translator comment lines: it loses their trailing blanks,
    then leading empty lines (polib quirks, not something the file lacks)."""
    lines = [line.rstrip() for line in lines]
    while lines and not lines[0]:
        lines = lines[1:]
    return "\n".join(lines)


def assert_read_back(got: Entry, original: Entry) -> None:
    assert got.msgid == original.msgid
    assert got.msgstr == original.msgstr
    assert got.msgctxt == original.msgctxt
    assert got.msgid_plural == original.msgid_plural
    assert got.msgstr_plural == original.msgstr_plural
    assert got.flags == original.flags
    assert got.comments == comment_lines(original.comments)
    assert got.extracted == original.extracted
    assert got.references == original.references
    assert got.previous_msgctxt == original.previous_msgctxt
    assert got.previous_msgid == original.previous_msgid
    assert got.previous_msgid_plural == original.previous_msgid_plural
    assert got.obsolete == original.obsolete


def assert_polib_read_back(got: polib.POEntry, original: Entry) -> None:
    assert got.msgid == original.msgid
    assert got.msgctxt == original.msgctxt
    if original.msgid_plural is None:
        assert got.msgstr == original.msgstr
        assert not got.msgid_plural
    else:
        assert got.msgid_plural == original.msgid_plural
        assert got.msgstr_plural == original.msgstr_plural
    assert got.flags == original.flags
    assert got.tcomment == polib_tcomment(comment_lines(original.comments))
    assert bool(got.obsolete) == original.obsolete
    if not original.obsolete:  # polib skips "#~|" lines and writes no "#." / "#:" for obsolete entries
        assert got.comment == "\n".join(original.extracted)
        assert references(got) == original.references
        assert got.previous_msgctxt == original.previous_msgctxt
        assert got.previous_msgid == original.previous_msgid
        assert got.previous_msgid_plural == original.previous_msgid_plural


def fast_and_general(text: str) -> tuple[Catalog | None, Catalog]:
    return po._parse_plain(text, po._Parser("x")), po._Parser("x").parse(text)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("po") / "catalog.po"


@SETTINGS
@given(catalog=catalogs())
def test_written_catalog_is_valid_gettext_and_reads_back(catalog, scratch):
    text = po.dumps(catalog)
    scratch.write_text(text, encoding="utf-8")

    assert_msgfmt_accepts(scratch)
    assert "".join(po.pieces(catalog, lines=3)) == text   # what writes big catalogs a piece at a time

    ours = po.parse(text, str(scratch))
    assert ours.header == HEADER
    assert ours.header_comments == comment_lines(catalog.header_comments)
    assert len(ours.entries) == len(catalog.entries)
    for got, original in zip(ours.entries, catalog.entries):
        assert_read_back(got, original)

    theirs = polib_read(scratch)
    assert theirs.metadata == HEADER
    assert theirs.header == polib_tcomment(comment_lines(catalog.header_comments))
    assert len(theirs) == len(catalog.entries)
    for got, original in zip(theirs, catalog.entries):
        assert_polib_read_back(got, original)

    # and, while at it (generating catalogs is the slow part): whenever the fast
    # path reads the text, it reads it as the general parser does
    fast, general = fast_and_general(text)
    if fast is not None:
        assert_same_catalog(fast, general)


@SETTINGS
@given(catalog=catalogs(plain=True))
def test_fast_path_reads_plain_catalogs_like_the_general_parser(catalog):
    """Every catalog of this project's shape takes the fast path, to the same result."""
    fast, general = fast_and_general(po.dumps(catalog))
    assert fast is not None
    assert_same_catalog(fast, general)
    for got, original in zip(fast.entries, catalog.entries):
        assert_read_back(got, original)


# -- fixtures: hand-written catalogs of several shapes ------------------------------

HEAD = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Language: es\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
)
PLAIN = HEAD + (
    "\n"
    "# a translator's note\n"
    "#. p\n"
    "#: article.html:3 article.html:9\n"
    "#, fuzzy\n"
    '#| msgid "Hello, old world"\n'
    'msgid "Hello, \\"world\\"\\tand\\\\more"\n'
    'msgstr "Hola, «mundo»"\n'
    "\n"
    'msgctxt "menu"\n'
    'msgid "File"\n'
    'msgstr "Archivo"\n'
    "\n"
    '#| msgctxt "old"\n'
    '#| msgid "two old lines"\n'   # GNU gettext wants a previous msgid after a previous msgctxt
    'msgid ""\n'
    '"two\\n"\n'
    '"lines"\n'
    'msgstr "dos\\nlíneas"\n'
)
FIXTURES = {
    "plain": (PLAIN, True),
    "no blank lines between entries": (
        HEAD + 'msgid "a"\nmsgstr "b"\nmsgid "c"\nmsgstr "d"\n#. x\nmsgid "e"\nmsgstr ""\n', True),
    "header comments and fuzzy header": ("# Spanish\n#\n#, fuzzy\n" + PLAIN, True),
    "no newline at the end": (PLAIN.rstrip("\n"), True),
    "several blank lines": ("\n\n" + HEAD + '\n\n\nmsgid "a"\nmsgstr "b"\n\n\n', True),
    "CRLF line ends": (PLAIN.replace("\n", "\r\n"), False),
    "trailing blanks after strings": (HEAD + 'msgid "a"  \nmsgstr "b"\t\n', False),
    "octal and hex escapes": (HEAD + 'msgid "\\101\\x42"\nmsgstr "\\a\\v"\n', False),
    "multi-line previous msgid": (
        HEAD + '#| msgid ""\n#| "a\\n"\n#| "b"\nmsgid "a\\nc"\nmsgstr "x"\n', False),
    "plurals": (
        HEAD + 'msgid "file"\nmsgid_plural "files"\nmsgstr[0] "archivo"\nmsgstr[1] "archivos"\n', False),
    "obsolete entries": (
        PLAIN + '\n#~| msgid "z"\n#~ msgid "y"\n#~ msgstr "ye"\n'
        '\n#~ msgctxt "c"\n#~ msgid ""\n#~ "q\\n"\n#~ "r"\n#~ msgstr "s"\n', False),
}


@pytest.mark.parametrize("text, plain", FIXTURES.values(), ids=FIXTURES.keys())
def test_fast_path_agrees_with_general_parser_on_fixtures(text, plain):
    fast, general = fast_and_general(text)
    if plain:
        assert fast is not None
    if fast is not None:
        assert_same_catalog(fast, general)


def test_plain_fixture_content():
    catalog = po.parse(PLAIN, "plain.po")
    assert catalog.header == {"Language": "es", "MIME-Version": "1.0",
                              "Content-Type": "text/plain; charset=UTF-8",
                              "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    assert [(e.msgctxt, e.msgid, e.msgstr, e.line) for e in catalog.entries] == [
        (None, 'Hello, "world"\tand\\more', "Hola, «mundo»", 13),
        ("menu", "File", "Archivo", 16),
        (None, "two\nlines", "dos\nlíneas", 22),
    ]
    first = catalog.entries[0]
    assert first.comments == ["a translator's note"]
    assert first.extracted == ["p"]
    assert first.references == ["article.html:3", "article.html:9"]
    assert first.flags == ["fuzzy"]
    assert first.previous_msgid == "Hello, old world"
    assert first.state == po.STALE
    assert catalog.entries[2].previous_msgctxt == "old"


def test_crlf_catalog_reads_like_lf():
    lf = po.parse(PLAIN, "lf.po")
    crlf = po.parse(PLAIN.replace("\n", "\r\n"), "crlf.po")
    assert_same_catalog(crlf, lf)
    assert po.dumps(crlf) == po.dumps(lf) and "\r" not in po.dumps(crlf)


def test_obsolete_fixture_content():
    catalog = po.parse(FIXTURES["obsolete entries"][0], "obsolete.po")
    y, q = catalog.entries[-2:]
    assert (y.obsolete, y.msgid, y.msgstr, y.previous_msgid) == (True, "y", "ye", "z")
    assert (q.obsolete, q.msgctxt, q.msgid, q.msgstr) == (True, "c", "q\nr", "s")
    assert [e.msgid for e in catalog.active()] == ['Hello, "world"\tand\\more', "File", "two\nlines"]


# -- catalogs written by polib -------------------------------------------------------

LONG = ("Emotional numbness is a state in which a person feels detached from their own "
        "feelings, as if watching life through glass — «no siento nada», dijo ella, "
        'and she meant "nothing at all".')


def polib_catalog(items: list[polib.POEntry], header_comment: str = "") -> polib.POFile:
    catalog = polib.POFile(wrapwidth=78)
    catalog.metadata = dict(HEADER)
    catalog.header = header_comment
    for item in items:
        catalog.append(item)
    return catalog


POLIB_ENTRIES = [
    dict(msgid=LONG, msgstr=LONG.upper(), occurrences=[("source/article.html", "12")],
         comment="p", tcomment="checked by Ana"),
    dict(msgid="First line\nsecond line\nthird", msgstr="Primera\nsegunda\ntercera",
         flags=["fuzzy"], previous_msgid="First line\nsecond\nthird"),
    dict(msgid="Open", msgstr="Abrir", msgctxt="menu", previous_msgid=LONG),
    dict(msgid="one file", msgid_plural="%d files", msgstr_plural={0: "un archivo", 1: "%d archivos"}),
    dict(msgid="Gone", msgstr="Ido", obsolete=True, tcomment="old note"),
    dict(msgid=LONG + " (old)", msgstr="largo\nviejo", obsolete=True, previous_msgid="older"),
]


def assert_polib_file_read_alike(path, items):
    """po.parse reads polib's file like polib does, and to the strings polib was given."""
    ours = po.parse(path.read_text(encoding="utf-8"), str(path))
    theirs = polib_read(path)
    assert ours.header == HEADER
    assert "\n".join(ours.header_comments) == theirs.header
    assert len(ours.entries) == len(theirs) == len(items)
    for got, ref in zip(ours.entries, theirs):
        assert (got.msgctxt, got.msgid, got.obsolete) == (ref.msgctxt, ref.msgid, bool(ref.obsolete))
        assert got.msgid_plural == (ref.msgid_plural or None)
        if ref.msgid_plural:
            assert got.msgstr_plural == ref.msgstr_plural
        else:
            assert got.msgstr == ref.msgstr
        assert got.flags == ref.flags
        assert "\n".join(got.comments) == ref.tcomment
        assert "\n".join(got.extracted) == ref.comment
        assert got.references == references(ref)
        if not ref.obsolete:
            assert (got.previous_msgctxt, got.previous_msgid) == (ref.previous_msgctxt, ref.previous_msgid)
    given_items = {(i.msgctxt, i.msgid): i for i in items}
    for got in ours.entries:
        item = given_items[got.msgctxt, got.msgid]
        assert got.msgstr == item.msgstr
        assert got.msgstr_plural == (item.msgstr_plural or None)
        assert got.previous_msgid == item.previous_msgid
    return ours


def test_polib_written_catalog_is_read_to_the_same_content(tmp_path):
    items = [polib.POEntry(**fields) for fields in POLIB_ENTRIES]
    path = tmp_path / "polib.po"
    polib_catalog(items, "Spanish translation\nby Ana").save(str(path))
    text = path.read_text(encoding="utf-8")
    # The file has the shapes this test is about.
    assert '#~ msgid "Gone"' in text
    assert '#| msgid ""\n#| "First line\\n"' in text
    assert 'msgid ""\n"Emotional numbness is a state' in text  # wrapped at 78 columns
    assert max(len(line) for line in text.splitlines()) <= 80

    ours = assert_polib_file_read_alike(path, items)
    fast, general = fast_and_general(text)
    if fast is not None:
        assert_same_catalog(fast, general)
    by_id = {e.msgid: e for e in ours.entries}
    assert by_id[LONG].msgstr == LONG.upper()
    assert by_id["First line\nsecond line\nthird"].previous_msgid == "First line\nsecond\nthird"
    assert by_id["Open"].previous_msgid == LONG
    assert by_id[LONG + " (old)"].previous_msgid == "older"  # "#~|", which polib skips


LONG_TEXT = st.lists(st.one_of(st.sampled_from(ATOMS + [" "] * 8 + ["word", "-", "—"]), CHAR),
                     max_size=60).map("".join)


@st.composite
def polib_entries(draw) -> polib.POEntry:
    fields = dict(
        msgid=draw(LONG_TEXT.filter(bool)),
        msgctxt=draw(st.none() | LONG_TEXT),
        flags=draw(FLAGS),
        tcomment="\n".join(draw(st.lists(COMMENT_WORDS, max_size=2))),
        obsolete=draw(st.booleans()),
        previous_msgid=draw(st.none() | LONG_TEXT),
    )
    if not fields["obsolete"]:
        fields["comment"] = "\n".join(draw(st.lists(COMMENT_WORDS, max_size=2)))
        fields["occurrences"] = [tuple(r.split(":")) for r in draw(st.lists(REFERENCE, max_size=3))]
    msgid = fields["msgid"]

    def like_msgid(text: str) -> str:
        # msgfmt wants a translation to begin and end with a newline exactly when its msgid does
        core = text.strip("\n")
        if not core:
            return ""
        return ("\n" if msgid.startswith("\n") else "") + core + ("\n" if msgid.endswith("\n") else "")

    if draw(st.booleans()):
        # msgid_plural too; and msgfmt checks every form of a translated plural entry, an empty one too
        fields["msgid_plural"] = like_msgid(draw(LONG_TEXT.filter(lambda t: t.strip("\n"))))
        forms = [like_msgid(draw(LONG_TEXT)), like_msgid(draw(LONG_TEXT))]
        fields["msgstr_plural"] = {0: forms[0], 1: forms[1] or forms[0]}
    else:
        fields["msgstr"] = like_msgid(draw(LONG_TEXT))
    return polib.POEntry(**fields)


@SETTINGS
@given(items=st.lists(polib_entries(), max_size=5, unique_by=lambda e: (e.msgctxt, e.msgid)),
       header_comment=COMMENT_WORDS.filter(lambda h: h[0] not in ",:"))  # polib writes ",x" as a flag line
def test_any_polib_written_catalog_is_read_alike(items, header_comment, scratch):
    polib_catalog(items, header_comment.strip()).save(str(scratch))
    assert_polib_file_read_alike(scratch, items)
    fast, general = fast_and_general(scratch.read_text(encoding="utf-8"))
    assert sorted(e.msgid for e in general.entries) == sorted(e.msgid for e in items)   # polib puts #~ last
    if fast is not None:
        assert_same_catalog(fast, general)


# -- strictness --------------------------------------------------------------------

# msgid, msgstr, 11 header lines, a blank line: the first entry of a case is on line 15.
HEADER_TEXT = 'msgid ""\nmsgstr ""\n' + "".join(f'"{k}: {v}\\n"\n' for k, v in HEADER.items()) + "\n"
ONE = 'msgid "one"\nmsgstr "uno"\n'

# (case, text, line named, whether GNU msgfmt --check rejects it too)
MALFORMED = [
    ("cut inside a string", HEADER_TEXT + 'msgid "one"\nmsgstr "un', 16, True),
    ("cut after msgid", HEADER_TEXT + ONE + '\nmsgid "two"\n', 18, True),
    ("cut after a keyword", HEADER_TEXT + ONE + '\nmsgid "two"\nmsgstr\n', 19, True),
    ("duplicate entry", HEADER_TEXT + ONE + '\nmsgid "one"\nmsgstr "otro"\n', 18, True),
    ("duplicate entry with context",
     HEADER_TEXT + 'msgctxt "m"\n' + ONE + '\nmsgctxt "m"\n' + ONE, 19, True),
    ("duplicate of an obsolete entry", HEADER_TEXT + ONE + '\n#~ msgid "one"\n#~ msgstr "otro"\n', 18, True),
    ("header entry twice", HEADER_TEXT + HEADER_TEXT + ONE, 15, True),
    ("an obsolete header entry", HEADER_TEXT + '#~ msgid ""\n#~ msgstr "x"\n', 15, True),
    ("msgstr before msgid", HEADER_TEXT + 'msgstr "uno"\nmsgid "one"\n', 15, True),
    ("too few plural forms",
     HEADER_TEXT + 'msgid "file"\nmsgid_plural "files"\nmsgstr[0] "archivo"\n', 15, True),
    ("too many plural forms",
     HEADER_TEXT + ONE + '\nmsgid "file"\nmsgid_plural "files"\n'
     'msgstr[0] "archivo"\nmsgstr[1] "archivos"\nmsgstr[2] "archivos"\n', 18, True),
    ("msgstr[1] before msgstr[0]",
     HEADER_TEXT + 'msgid "file"\nmsgid_plural "files"\nmsgstr[1] "archivos"\nmsgstr[0] "archivo"\n',
     17, True),
    ("msgstr[0] without msgid_plural", HEADER_TEXT + 'msgid "one"\nmsgstr[0] "uno"\n', 16, True),
    ("invalid escape", HEADER_TEXT + 'msgid "one"\nmsgstr "u\\qno"\n', 16, True),
    ("C's \\? escape, which gettext does not know",
     HEADER_TEXT + 'msgid "one?"\nmsgstr "¿uno\\?"\n', 16, True),
    ("NUL byte", HEADER_TEXT + 'msgid "one"\nmsgstr "u\x00no"\n', 16, False),          # msgfmt cuts it there
    ("NUL written as an escape", HEADER_TEXT + 'msgid "one"\nmsgstr "u\\0no"\n', 16, False),
    ("not PO at all", HEADER_TEXT + ONE + "\nthis is not PO\n", 18, True),
    ("string before any keyword", '"orphan"\n' + HEADER_TEXT + ONE, 1, True),
    ("a comment inside an entry", HEADER_TEXT + 'msgid "one"\n# note\nmsgstr "uno"\n', 15, True),
    ("a comment between #| and its msgid",
     HEADER_TEXT + '#| msgid "uno"\n#, fuzzy\nmsgid "one"\nmsgstr "uno"\n', 16, True),
    ("obsolete and live lines in one entry", HEADER_TEXT + '#~ msgid "one"\nmsgstr "uno"\n', 16, True),
    ("a domain directive", HEADER_TEXT + 'domain "other"\n' + ONE, 15, True),
    ("msgid and msgstr disagree on the final newline", HEADER_TEXT + 'msgid "one\\n"\nmsgstr "uno"\n',
     15, True),
    ("empty file (a write cut at byte 0)", "", 1, True),
    ("plural entry without Plural-Forms (count unverifiable)",
     HEADER_TEXT.replace('"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', "")
     + 'msgid "file"\nmsgid_plural "files"\nmsgstr[0] "archivo"\n', 14, True),
]


def test_strictness_base_is_valid(tmp_path):
    """The cases below are each one defect away from this file, which both readers accept."""
    path = tmp_path / "base.po"
    path.write_text(HEADER_TEXT + ONE, encoding="utf-8")
    assert_msgfmt_accepts(path)
    catalog = po.parse(path.read_text(encoding="utf-8"), str(path))
    assert catalog.header == HEADER
    assert [(e.msgid, e.msgstr, e.line) for e in catalog.entries] == [("one", "uno", 15)]


@pytest.mark.parametrize("text, line, msgfmt_rejects",
                         [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_malformed_catalog_is_refused_naming_file_and_line(tmp_path, text, line, msgfmt_rejects):
    path = tmp_path / "es.po"
    path.write_bytes(text.encode("utf-8"))
    with pytest.raises(CatalogError) as info:
        po.parse(text, str(path))
    assert info.value.path == str(path)
    assert info.value.line == line
    assert str(info.value).startswith(f"{path}:{line}: ")
    if msgfmt_rejects:
        assert msgfmt(path).returncode != 0


# -- torn files ----------------------------------------------------------------------

def torn_source() -> Catalog:
    entries = []
    for i in range(30):
        entry = Entry(f'Paragraph {i}: the "quick" fox — {i * 7} ñandúes',
                      f'Párrafo {i}: el zorro «rápido» — {i * 7} ñandúes "ágiles"',
                      extracted=["p"], references=[f"source/article.html:{10 + i}"])
        if i % 3 == 0:
            entry.flags.append("fuzzy")
        if i % 5 == 0:
            entry.msgctxt = f"section {i}"
        entries.append(entry)
    return Catalog(header=dict(HEADER), header_comments=["Spanish translation."], entries=entries)


def test_torn_catalog_is_refused_or_a_clean_prefix():
    original = torn_source()
    data = po.dumps(original).encode("utf-8")
    expected = [(e.msgctxt, e.msgid, e.msgstr, e.flags) for e in original.entries]
    accepted = 0
    for offset in range(len(data) + 1):
        text = data[:offset].decode("utf-8", errors="ignore")
        try:
            catalog = po.parse(text, "torn.po")
        except CatalogError:
            continue
        accepted += 1
        got = [(e.msgctxt, e.msgid, e.msgstr, e.flags) for e in catalog.entries]
        assert got == expected[:len(got)], f"torn at byte {offset}"
    assert po.parse(data.decode("utf-8"), "whole.po").entries[-1].msgstr == \
        'Párrafo 29: el zorro «rápido» — 203 ñandúes "ágiles"'
    assert accepted > 0


# A cut inside the (approved) msgstr of entry 4, on line 42, after "Párrafo 4: el zorro «r".
POLIB_TORN_AT = 1253


def test_polib_silently_accepts_a_torn_translation(tmp_path):
    """Why the strict reader exists: polib reads a file cut inside a msgstr and
    returns the truncated translation without an error."""
    data = po.dumps(torn_source()).encode("utf-8")
    torn = data[:POLIB_TORN_AT]
    assert torn.endswith('msgstr "Párrafo 4: el zorro «r'.encode("utf-8"))
    path = tmp_path / "torn.po"
    path.write_bytes(torn)

    theirs = polib_read(path)
    last = list(theirs)[-1]
    assert (last.msgid, last.msgstr, last.fuzzy) == (
        'Paragraph 4: the "quick" fox — 28 ñandúes', "Párrafo 4: el zorro «", False)

    with pytest.raises(CatalogError) as info:
        po.parse(torn.decode("utf-8"), str(path))
    assert (info.value.path, info.value.line) == (str(path), 42)


# -- comments ending in a backslash --------------------------------------------------

@pytest.mark.parametrize("catalog, expected_lines", [
    (Catalog(header=dict(HEADER), header_comments=["Saved in C:\\catalogs\\"],
             entries=[Entry("Hello", "Hola")]),
     ['msgid "Hello"']),
    (Catalog(header=dict(HEADER), entries=[Entry("Hello", "Hola", comments=["see C:\\docs\\"])]),
     ['msgid "Hello"']),
    (Catalog(header=dict(HEADER),
             entries=[Entry("Hello", "Hola", extracted=["C:\\dir\\"], references=["article.html:4"])]),
     ["#: article.html:4", 'msgid "Hello"']),
], ids=["header comment", "translator comment", "extracted comment"])
def test_comment_ending_in_backslash_stays_a_comment(tmp_path, catalog, expected_lines):
    """GNU gettext joins a line ending in a backslash with the next one, even in a
    comment: the next line must not be swallowed (msgfmt rejects the file, or
    msgcat loses the reference)."""
    path = tmp_path / "es.po"
    path.write_text(po.dumps(catalog), encoding="utf-8")
    assert_msgfmt_accepts(path)
    gnu = subprocess.run(["msgcat", str(path)], capture_output=True, text=True)
    assert gnu.returncode == 0, gnu.stderr
    for line in expected_lines:
        assert line in gnu.stdout.splitlines()


# -- what GNU gettext reads, the reader reads -----------------------------------------

def gnu_writing(path, *tool: str) -> str:
    """What GNU msgcat (or another gettext tool) writes of a file: how gettext reads it."""
    result = subprocess.run([*(tool or ["msgcat"]), str(path)], capture_output=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.decode("utf-8")


def assert_gnu_reads_the_rewrite_alike(tmp_path, data: bytes, catalog: Catalog, *tool: str) -> None:
    """msgcat of the original and msgcat of what the writer makes of the catalog are the same."""
    original, rewrite = tmp_path / "original.po", tmp_path / "rewrite.po"
    original.write_bytes(data)
    rewrite.write_text(po.dumps(catalog), encoding="utf-8")
    assert_msgfmt_accepts(rewrite)
    assert gnu_writing(rewrite, *tool) == gnu_writing(original, *tool)


def content(catalog: Catalog) -> list[tuple]:
    return [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr_plural if e.msgid_plural else e.msgstr,
             e.flags, e.obsolete) for e in catalog.entries]


MERGED_FUZZY = HEADER_TEXT + (
    '#, fuzzy\n'
    'msgid "Hello\\n"\n'
    'msgstr "Hola"\n'
    '\n'
    '#~ msgid "Bye\\n"\n'
    '#~ msgstr "Adiós"\n'
    '\n'
    '#, fuzzy\n'
    'msgid "file"\n'
    'msgid_plural "files"\n'
    'msgstr[0] "archivo"\n'
    '\n'
    'msgid "folder"\n'
    'msgid_plural "folders"\n'
    'msgstr[0] ""\n'
)


def test_fuzzy_obsolete_and_untranslated_entries_are_not_held_to_the_rules_of_compiled_ones(tmp_path):
    """msgfmt --check checks only what it compiles (translated, not fuzzy, not obsolete): the
    newline and plural-count rules do not apply to a fuzzy entry msgmerge wrote, nor to an
    obsolete or untranslated one. With --use-fuzzy it compiles the fuzzy ones, and refuses."""
    path = tmp_path / "es.po"
    path.write_text(MERGED_FUZZY, encoding="utf-8")
    assert_msgfmt_accepts(path)
    assert subprocess.run(["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null", str(path)],
                          capture_output=True).returncode != 0
    catalog = po.parse(MERGED_FUZZY, str(path))
    assert content(catalog) == [
        (None, "Hello\n", None, "Hola", ["fuzzy"], False),
        (None, "Bye\n", None, "Adiós", [], True),
        (None, "file", "files", {0: "archivo"}, ["fuzzy"], False),
        (None, "folder", "folders", {0: ""}, [], False),
    ]
    assert_gnu_reads_the_rewrite_alike(tmp_path, MERGED_FUZZY.encode(), catalog)
    approved = MERGED_FUZZY.replace("#, fuzzy\n", "", 1)   # the same translation, compiled
    with pytest.raises(CatalogError, match="do not both end with a line break") as info:
        po.parse(approved, "es.po")
    assert info.value.line == 15


DUPLICATED_FIELDS = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Language: es\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '"Language: fr\\n"\n'
    '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"\n'
    '"X-Note:spacing as written\\n"\n'
    '\n'
    'msgid "file"\n'
    'msgid_plural "files"\n'
    'msgstr[0] "archivo"\n'
    'msgstr[1] "archivos"\n'
)


def test_a_duplicated_header_field_is_read_as_gettext_reads_it_and_written_back_whole(tmp_path):
    path = tmp_path / "es.po"
    path.write_text(DUPLICATED_FIELDS, encoding="utf-8")
    assert_msgfmt_accepts(path)          # two forms: msgfmt goes by the first Plural-Forms
    catalog = po.parse(DUPLICATED_FIELDS, str(path))
    assert catalog.header == {"Language": "es", "Content-Type": "text/plain; charset=UTF-8",
                              "Plural-Forms": "nplurals=2; plural=(n != 1);",
                              "X-Note": "spacing as written"}
    assert catalog.nplurals == 2
    assert catalog.field_line("Plural-Forms") == 5
    written = po.dumps(catalog)
    assert written == DUPLICATED_FIELDS  # every line as it was, the second of each pair too
    assert_gnu_reads_the_rewrite_alike(tmp_path, DUPLICATED_FIELDS.encode(), catalog)

    three = DUPLICATED_FIELDS + 'msgstr[2] "archivos"\n'
    path.write_text(three, encoding="utf-8")
    assert msgfmt(path).returncode != 0
    with pytest.raises(CatalogError, match="3 plural forms, the header says 2"):
        po.parse(three, str(path))


def test_a_header_field_changed_in_code_is_written_changed_and_the_rest_as_read():
    catalog = po.parse(DUPLICATED_FIELDS, "es.po")
    catalog.header["Language"] = "es_MX"
    del catalog.header["X-Note"]
    catalog.header["PO-Revision-Date"] = "2024-06-01 10:00+0000"
    assert po.dumps(catalog).split("\n\n")[0].splitlines()[2:] == [
        '"Language: es_MX\\n"',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"',
        '"Language: fr\\n"',
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\\n"',
        '"PO-Revision-Date: 2024-06-01 10:00+0000\\n"',
    ]


HEADER_WITH_EVERYTHING = (
    "# Spanish translation.\n"
    "#. made by the extractor\n"
    "#: article.html:1\n"
    "#, fuzzy, no-wrap\n"
    'msgid ""\n'
    'msgstr ""\n'
    '"Language: es\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    "\n" + ONE
)


def test_the_header_entry_keeps_its_comments_and_flags(tmp_path):
    catalog = po.parse(HEADER_WITH_EVERYTHING, "es.po")
    assert (catalog.header_comments, catalog.header_extracted, catalog.header_references,
            catalog.header_fuzzy, catalog.header_flags) == (
        ["Spanish translation."], ["made by the extractor"], ["article.html:1"], True, ["no-wrap"])
    assert po.dumps(catalog) == HEADER_WITH_EVERYTHING
    assert_gnu_reads_the_rewrite_alike(tmp_path, HEADER_WITH_EVERYTHING.encode(), catalog)


# (case, text, what is read, in ``content`` form)
GNU_SYNTAX = [
    ("indented comments and keywords",
     HEADER_TEXT + '   # a note\n\t#, fuzzy\n  msgid "one"\n    msgstr "uno"\n',
     [(None, "one", None, "uno", ["fuzzy"], False)]),
    ("a whole entry on one line", HEADER_TEXT + 'msgid "1" msgstr ""\n', [(None, "1", None, "", [], False)]),
    ("several strings on one line", HEADER_TEXT + 'msgid "o" "ne" msgstr "u" "no"\n',
     [(None, "one", None, "uno", [], False)]),
    ("no blank after a keyword", HEADER_TEXT + 'msgid"one"\nmsgstr"uno"\n',
     [(None, "one", None, "uno", [], False)]),
    ("msgstr [0] with blanks",
     HEADER_TEXT + 'msgid "file"\nmsgid_plural "files"\nmsgstr [0] "archivo"\nmsgstr[ 1 ] "archivos"\n',
     [(None, "file", "files", {0: "archivo", 1: "archivos"}, [], False)]),
    ("flags separated by blanks", HEADER_TEXT + '#, fuzzy no-wrap,c-format\n' + ONE,
     [(None, "one", None, "uno", ["fuzzy", "no-wrap", "c-format"], False)]),
    ("a string glued across a blank line", HEADER_TEXT + 'msgid "one"\nmsgstr "u"\n\n"no"\n',
     [(None, "one", None, "uno", [], False)]),
    ("\\a \\b \\f \\v escapes", HEADER_TEXT + 'msgid "a\\a\\b\\f\\v"\nmsgstr "b\\a\\b\\f\\v"\n',
     [(None, "a\a\b\f\v", None, "b\a\b\f\v", [], False)]),
    ("octal and hex escapes of control characters",
     HEADER_TEXT + 'msgid "one"\nmsgstr "\\033[1muno\\x1b[0m"\n',
     [(None, "one", None, "\x1b[1muno\x1b[0m", [], False)]),
    ("raw control characters (en@boldquot's bold)", HEADER_TEXT + 'msgid "one"\nmsgstr "\x1b[1muno\x1b[0m"\n',
     [(None, "one", None, "\x1b[1muno\x1b[0m", [], False)]),
    ("the header entry after another", ONE + "\n" + HEADER_TEXT.rstrip("\n") + "\n",
     [(None, "one", None, "uno", [], False)]),
    ("header lines without a colon, as msgcat writes conflicting headers",
     'msgid ""\nmsgstr ""\n"#-#-#-#-#  a.po (article 1)  #-#-#-#-#\\n"\n'
     '"Content-Type: text/plain; charset=UTF-8\\n"\n"#-#-#-#-#  b.po (article 2)  #-#-#-#-#\\n"\n'
     '"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + ONE,
     [(None, "one", None, "uno", [], False)]),
    ("charset ASCII", HEADER_TEXT.replace("charset=UTF-8", "charset=ASCII") + ONE,
     [(None, "one", None, "uno", [], False)]),
    ("comments after the last entry", HEADER_TEXT + ONE + "\n# a note for no entry\n#. p\n",
     [(None, "one", None, "uno", [], False)]),
    ("obsolete entry with a previous msgid",
     HEADER_TEXT + '#~| msgid "ones"\n#~ msgid "one"\n#~ msgstr "uno"\n',
     [(None, "one", None, "uno", [], True)]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in GNU_SYNTAX], ids=[c[0] for c in GNU_SYNTAX])
def test_what_msgfmt_accepts_is_read_and_written_back_alike(tmp_path, text, expected):
    path = tmp_path / "es.po"
    path.write_text(text, encoding="utf-8")
    assert_msgfmt_accepts(path)
    catalog = po.parse(text, str(path))
    assert content(catalog) == expected
    again = po.parse(po.dumps(catalog), "again.po")
    assert content(again) == expected and po.dumps(again) == po.dumps(catalog)
    # a catalog in ASCII comes out UTF-8 (which ASCII is part of): GNU's conversion reads alike
    convert = ["msgconv", "--to-code=UTF-8"] if catalog.converted_from else []
    assert_gnu_reads_the_rewrite_alike(tmp_path, text.encode(), catalog, *convert)


def test_header_place_and_comments_after_the_last_entry_are_written_where_they_were():
    text = GNU_SYNTAX[10][1]
    assert po.dumps(po.parse(text, "es.po")) == text
    text = GNU_SYNTAX[13][1]
    assert po.dumps(po.parse(text, "es.po")) == text


@pytest.mark.parametrize("text, expected", [
    # a backslash ending a line joins it to the next, inside a string, a keyword or a comment
    (HEADER_TEXT + 'msgid "o\\\nne"\nmsgstr "u\\\\\\\nno"\n', [(None, "one", None, "u\\no", [], False)]),
    (HEADER_TEXT + 'msg\\\nid "one"\nmsgstr "uno"\n', [(None, "one", None, "uno", [], False)]),
    (HEADER_TEXT + '# a note\\\nmsgid "gone"\nmsgid "one"\nmsgstr "uno"\n',
     [(None, "one", None, "uno", [], False)]),
], ids=["in a string", "in a keyword", "in a comment, which takes the next line"])
def test_a_backslash_at_the_end_of_a_line_joins_the_next_one(tmp_path, text, expected):
    path = tmp_path / "es.po"
    path.write_text(text, encoding="utf-8")
    assert_msgfmt_accepts(path)
    catalog = po.parse(text, str(path))
    assert content(catalog) == expected
    assert_gnu_reads_the_rewrite_alike(tmp_path, text.encode(), catalog)


def test_a_comment_ending_in_a_backslash_is_read_back_exactly(tmp_path):
    catalog = Catalog(header=dict(HEADER), entries=[
        Entry("one", "uno", comments=["see C:\\docs\\", "two \\\\"], extracted=["C:\\dir\\"])])
    text = po.dumps(catalog)
    again = po.parse(text, "es.po")
    assert (again.entries[0].comments, again.entries[0].extracted) == (["see C:\\docs\\", "two \\\\"],
                                                                       ["C:\\dir\\"])
    path = tmp_path / "es.po"
    path.write_text(text, encoding="utf-8")
    assert_msgfmt_accepts(path)
    assert 'msgid "one"' in gnu_writing(path).splitlines()


def test_the_writer_escapes_control_characters_as_msgcat_does(tmp_path):
    catalog = Catalog(header=dict(HEADER), entries=[Entry("a\a\b\f\v\x1b\t\r", "b")])
    path = tmp_path / "es.po"
    path.write_text(po.dumps(catalog), encoding="utf-8")
    assert 'msgid "a\\a\\b\\f\\v\x1b\\t\\r"' in po.dumps(catalog).splitlines()
    assert po.dumps(catalog) == gnu_writing(path)


# -- catalogs in another charset ------------------------------------------------------

LATIN1 = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Language: es\\n"\n'
    '"Content-Type: text/plain; charset=ISO-8859-1\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
    '\n'
    '# Revisado por Iñaki\n'
    'msgid "Coffee"\n'
    'msgstr "Café"\n'
    '\n'
    'msgid "Tea"\n'
    'msgstr "T\\351 (the escape is a Latin-1 byte too)"\n'
).encode("latin-1")


def test_a_catalog_in_another_charset_is_read_as_text_and_comes_out_utf8(tmp_path):
    path = tmp_path / "es.po"
    path.write_bytes(LATIN1)
    assert_msgfmt_accepts(path)
    catalog = po.parse(po.decode(LATIN1, str(path)), str(path))
    assert catalog.converted_from == "ISO-8859-1"
    assert catalog.header["Content-Type"] == "text/plain; charset=UTF-8"
    assert [(e.msgid, e.msgstr, e.comments) for e in catalog.entries] == [
        ("Coffee", "Café", ["Revisado por Iñaki"]),
        ("Tea", "Té (the escape is a Latin-1 byte too)", [])]
    written = po.dumps(catalog)
    assert '"Content-Type: text/plain; charset=UTF-8\\n"' in written.splitlines()
    # GNU's own conversion of the original reads as our UTF-8 rewrite does
    assert_gnu_reads_the_rewrite_alike(tmp_path, LATIN1, catalog, "msgconv", "--to-code=UTF-8")
    # and the file as the workspace reads it
    assert [e.msgstr for e in catalog_module.read(path).entries] == [
        "Café", "Té (the escape is a Latin-1 byte too)"]


@pytest.mark.parametrize("charset, text", [
    ("KOI8-R", "Привет"), ("GB18030", "你好"), ("EUC-KR", "안녕하세요"), ("CP1252", "“quoted” – €"),
])
def test_each_charset_gettext_converts_is_converted(tmp_path, charset, text):
    text_po = HEADER_TEXT.replace("charset=UTF-8", f"charset={charset}") + f'msgid "Hello"\nmsgstr "{text}"\n'
    data = text_po.encode(codec_of(charset))
    path = tmp_path / "ru.po"
    path.write_bytes(data)
    assert_msgfmt_accepts(path)
    catalog = po.parse(po.decode(data, str(path)), str(path))
    assert (catalog.converted_from, catalog.entries[0].msgstr) == (charset, text)
    assert_gnu_reads_the_rewrite_alike(tmp_path, data, catalog, "msgconv", "--to-code=UTF-8")


def codec_of(charset: str) -> str:
    return {"KOI8-R": "koi8_r", "GB18030": "gb18030", "EUC-KR": "euc_kr", "CP1252": "cp1252"}[charset]


def test_a_header_that_names_a_charset_the_text_is_not_in_is_refused_at_its_line():
    """UTF-8 text under an ISO-8859-1 header: read as the header says, every accented letter
    would turn into two (msgfmt does just that); the header is what is wrong."""
    data = (HEADER_TEXT.replace("charset=UTF-8", "charset=ISO-8859-1") + 'msgid "a"\nmsgstr "é"\n').encode()
    with pytest.raises(CatalogError, match="charset ISO-8859-1 declared, but the text is UTF-8") as info:
        po.decode(data, "es.po")
    assert (info.value.path, info.value.line) == ("es.po", 11)


def test_bytes_that_are_not_text_in_the_declared_charset_are_refused_at_their_line():
    data = HEADER_TEXT.replace("charset=UTF-8", "charset=ASCII").encode() + b'msgid "a"\nmsgstr "\xe9"\n'
    with pytest.raises(CatalogError, match=r"not valid ASCII \(byte 0xe9\)") as info:
        po.decode(data, "es.po")
    assert info.value.line == 16
