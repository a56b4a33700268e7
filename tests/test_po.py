"""Tests for localize.po: the writer against GNU msgfmt and polib, the reader against
polib's writer, the fast path against the general parser, strictness, torn files.

Expected values are hard-coded or come from outside referees (GNU ``msgfmt
--check`` and polib); nothing expected is computed by ``localize.po`` itself.
"""

from __future__ import annotations

import subprocess

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_catalog import (HEADER, assert_msgfmt_accepts, assert_same_catalog, msgfmt,
                             polib_read, references)
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
    """A comment line cannot hold a line break or keep trailing blanks: what a PO
    file can carry of a list of translator comments."""
    return [line.rstrip() for comment in comments for line in comment.split("\n")]


def polib_tcomment(lines: list[str]) -> str:
    """How polib joins translator comment lines: it loses leading empty ones
    (a known polib quirk, not something the file lacks)."""
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
    "octal and hex escapes": (HEAD + 'msgid "\\101\\x42"\nmsgstr "\\?"\n', False),
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
        tcomment="\n".join(draw(st.lists(WORDS, max_size=2))),
        obsolete=draw(st.booleans()),
        previous_msgid=draw(st.none() | LONG_TEXT),
    )
    if not fields["obsolete"]:
        fields["comment"] = "\n".join(draw(st.lists(WORDS, max_size=2)))
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
       header_comment=WORDS.filter(lambda h: h[0] not in ",:"))  # polib writes ",x" as a flag line
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
    ("cut between comments and entry", HEADER_TEXT + ONE + "\n#. p\n#: article.html:7\n", 19, False),
    ("duplicate entry", HEADER_TEXT + ONE + '\nmsgid "one"\nmsgstr "otro"\n', 18, True),
    ("duplicate entry with context",
     HEADER_TEXT + 'msgctxt "m"\n' + ONE + '\nmsgctxt "m"\n' + ONE, 19, True),
    ("header entry twice", HEADER_TEXT + HEADER_TEXT + ONE, 15, True),
    ("msgstr before msgid", HEADER_TEXT + 'msgstr "uno"\nmsgid "one"\n', 15, True),
    ("too few plural forms",
     HEADER_TEXT + 'msgid "file"\nmsgid_plural "files"\nmsgstr[0] "archivo"\n', 15, True),
    ("too many plural forms",
     HEADER_TEXT + ONE + '\nmsgid "file"\nmsgid_plural "files"\n'
     'msgstr[0] "archivo"\nmsgstr[1] "archivos"\nmsgstr[2] "archivos"\n', 18, True),
    ("msgstr[1] before msgstr[0]",
     HEADER_TEXT + 'msgid "file"\nmsgid_plural "files"\nmsgstr[1] "archivos"\nmsgstr[0] "archivo"\n',
     17, True),
    ("invalid escape", HEADER_TEXT + 'msgid "one"\nmsgstr "u\\qno"\n', 16, True),
    ("NUL byte", HEADER_TEXT + 'msgid "one"\nmsgstr "u\x00no"\n', 16, False),
    ("raw escape character", HEADER_TEXT + ONE + '\n# note \x1b[1m\nmsgid "two"\nmsgstr "dos"\n', 18, False),
    ("escaped bell", HEADER_TEXT + 'msgid "one"\nmsgstr "u\\ano"\n', 16, False),
    ("octal-escaped control character", HEADER_TEXT + 'msgid "one"\nmsgstr "u\\033no"\n', 16, False),
    ("charset ISO-8859-1", HEADER_TEXT.replace("charset=UTF-8", "charset=ISO-8859-1") + ONE, 11, False),
    ("header line without a colon", HEADER_TEXT.replace("MIME-Version:", "MIME-Version") + ONE, 10, False),
    ("not PO at all", HEADER_TEXT + ONE + "\nthis is not PO\n", 18, True),
    ("string before any keyword", '"orphan"\n' + HEADER_TEXT + ONE, 1, True),
    ("string after a blank line", HEADER_TEXT + ONE + '\n"orphan"\n', 18, False),
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
