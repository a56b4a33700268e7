"""Fuzzing the catalog validator: whatever the bytes, a clear refusal or a catalog that survives.

Hypothesis writes catalog files out of PO's own pieces: a header (or none) with
charsets true and false and Plural-Forms right, wrong and hostile; entries
with comments, flags, previous msgids, contexts, plurals, obsolete marks,
strings split over lines, escapes valid and invalid (``\\303\\251``,
``\\xe9``, ``\\q``, ``\\0``), text in many scripts, control characters,
surrogates, quotes. Then it corrupts some of them: a line cut, dropped,
doubled, swapped, junk put in, a character replaced, CRLF or CR line ends, a
byte-order mark, Latin-1 bytes, a cut in the middle of a character.

Properties, for each file:

* the validator (``catalog.validate``: our reader, then GNU ``msgfmt
  --check``) either refuses it with a CatalogError that names the file and a
  line of it, in one line of text, or accepts it; never another exception;
* a catalog the reader accepts is written by our writer as text that reads
  back to the same content and writes again to the same bytes (a fixed point);
* GNU ``msgfmt --check``, the outside referee, accepts what the writer wrote:
  for every catalog the validator accepted, and for every catalog the reader
  alone accepted (as ``localize status`` reads the workspace's own), except
  where an entry carries a format flag (``c-format``…): format strings are
  msgfmt's to judge, and the validator lets msgfmt judge them.

Sizes from drill.py: 2,000 files in CI, 10,000 with LOCALIZE_RELIABILITY=full
(which also draws new ones each run; CI's are the same every run).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import msgfmt_check
from drill import FULL, scale
from localize import catalog, po
from localize.errors import CatalogError

CASES = scale(2000, 10000)

# -- strings, as they are written in a PO file (between the quotes) --------------------

GOOD_PIECES = [
    "a", "Hola", "The evidence", " ", "  ", "\t", "é", "ñ", "ß", "日本語", "مرحبا", "שלום", "😀", "%s", "%d",
    "{0}", "<b>", "&amp;", "#", "#~", 'msgid "x"', ":", ",", ";",
    "\u200f", "\u202e", "\u2028", "\x85", "\xa0", "\ufeff", "\U000e0041",   # marks, separators, tags
    '\\"', "\\\\", "\\t", "\\r", "\\?",                                       # escapes every reader knows
    "\\303\\251", "\\xc3\\xa9", "\\101", "\\x41", "\\342\\202\\254",          # bytes that make UTF-8
]
BAD_PIECES = [
    "\\q", "\\", "\\0", "\\a", "\\033", "\\xe9", "\\351", "\\x41BC", "\\x", "\\u00e9", "\\303",   # escapes
    '"', "\x00", "\x1b", "\r", "\x7f", "\x04", "\udc80", "\ud83d",             # raw things no file may hold
]
GOOD_BODY = st.lists(st.sampled_from(GOOD_PIECES), max_size=6).map("".join)
ANY_BODY = st.lists(st.sampled_from(GOOD_PIECES + BAD_PIECES), max_size=6).map("".join)
# few distinct msgids, so that duplicates happen
MSGIDS = ["a", "b", "The evidence", "What the research actually shows"]


@st.composite
def string_lines(draw, body) -> list[str]:
    """One string: '"…"' on one line, or '""' and continuation lines."""
    if draw(st.integers(0, 3)):
        return [f'"{body}"']
    cuts = sorted(draw(st.lists(st.integers(0, len(body)), max_size=3)))
    pieces = [body[i:j] for i, j in zip([0, *cuts], [*cuts, len(body)])]
    if any(piece.endswith("\\") and not piece.endswith("\\\\") for piece in pieces[:-1]):
        pieces = [body]  # a cut inside an escape sequence is a defect of its own, made elsewhere
    return ['""', *(f'"{piece}"' for piece in pieces)]


# -- entries --------------------------------------------------------------------------

GOOD_COMMENTS = ["# a translator's note", "#", "# draft: apertium eng-spa", "# qa-override numbers: reprint",
                 "# note ending in a backslash \\", "#. p", "#.", "#: source/emotional-numbness.html:12",
                 "#: a.html:1 b.html:2", "#, fuzzy", "#, fuzzy, no-wrap", "#,", "#, no-c-format",
                 '#| msgid "The proof"', '#| msgctxt "old"', "#é ü"]
BAD_COMMENTS = ["#, c-format", "#, python-format", '#| msgid ""', '#| "continued"', '#| msgstr "x"', "#~",
                '#~| msgid "old"', "# \x1b[31m", "#\x00"]


@st.composite
def entry_lines(draw, hostile: bool, nplurals: int) -> list[str]:
    comments = GOOD_COMMENTS + BAD_COMMENTS if hostile else GOOD_COMMENTS
    lines = draw(st.lists(st.sampled_from(comments), max_size=3))
    body_of = ANY_BODY if hostile else GOOD_BODY
    obsolete = draw(st.integers(0, 5)) == 0
    lead = "\\n" if draw(st.integers(0, 5)) == 0 else ""
    trail = "\\n" if draw(st.integers(0, 5)) == 0 else ""

    def shaped(text: str) -> str:  # msgfmt: all strings of an entry begin and end with \n alike
        return lead + text + trail if text else ""

    body: list[str] = []

    def keyword(name: str, text: str) -> None:
        string = draw(string_lines(text))
        body.append(f"{name} {string[0]}")
        body.extend(string[1:])

    if draw(st.integers(0, 4)) == 0:
        keyword("msgctxt", draw(body_of))
    msgid = draw(st.sampled_from(MSGIDS) | body_of.filter(bool))
    keyword("msgid", shaped(msgid))
    translated = draw(st.integers(0, 3)) > 0
    if draw(st.integers(0, 3)) == 0:
        keyword("msgid_plural", shaped(msgid + "s"))
        forms = draw(st.integers(0, 4)) if hostile else nplurals
        order = list(range(forms))
        if hostile and draw(st.integers(0, 5)) == 0:
            order = draw(st.permutations(order))
        for index in order:
            keyword(f"msgstr[{index}]", shaped(draw(body_of.filter(bool))) if translated else "")
    else:
        keyword("msgstr", shaped(draw(body_of)) if translated else "")
    if obsolete:
        body = [f"#~ {line}" for line in body]
    return lines + body


# -- the header -----------------------------------------------------------------------

GOOD_CHARSETS = ["UTF-8", "UTF-8", "utf-8", "UTF8", "CHARSET"]
BAD_CHARSETS = ["ISO-8859-1", "ASCII", "KOI8-R", ""]
BAD_NPLURALS = ["0", "INTEGER", " 2", "+2", "02", "99999999999999999999999", "٢"]
GOOD_PLURALS = {1: ["0"], 2: ["(n != 1)", "n != 1", "(n > 1)", "n ? 1 : 0", "!!n", "(((((n != 1)))))"],
                3: ["n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2",
                    "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2"],
                6: ["(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)"]}
BAD_PLURALS = ["EXPRESSION", "n", "n/0", "n-1", "(n != 1", "n != 1)", "__import__('os')", "n = 1", "n & 1",
               "1 - n", "n==1?0:n==2?1:n==3?2:n==4?3:n==5?4:5", "-1", "n ! 1"]
PLURAL_TOKENS = ["n", "1", "0", "2", "10", "100", "18446744073709551617", "(", ")", "?", ":", "==", "!=", "<",
                 ">", "<=", ">=", "&&", "||", "!", "+", "-", "*", "/", "%", " ", "x", "=", "&"]


@st.composite
def hostile_plural(draw) -> str:
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(st.lists(st.sampled_from(PLURAL_TOKENS), max_size=12).map("".join))
    if kind == 1:  # a well-formed tree, which may still give values out of range or divide by zero
        def tree(depth: int) -> str:
            if depth == 0 or draw(st.integers(0, 2)) == 0:
                return draw(st.sampled_from(["n", "0", "1", "2", "10", "100"]))
            shape = draw(st.integers(0, 3))
            if shape == 0:
                return f"({tree(depth - 1)})"
            if shape == 1:
                return f"!{tree(depth - 1)}"
            if shape == 2:
                return f"{tree(depth - 1)} ? {tree(depth - 1)} : {tree(depth - 1)}"
            operator = draw(st.sampled_from(["==", "!=", "<", ">", "<=", ">=", "&&", "||", "+", "-", "*", "/",
                                             "%"]))
            return f"{tree(depth - 1)} {operator} {tree(depth - 1)}"
        return tree(4)
    if kind == 2:  # deep or long
        depth = draw(st.sampled_from([10, 49, 60, 600, 20000]))
        return "(" * depth + "n != 1" + ")" * depth if draw(st.booleans()) else "n==0 ? 0 : " * depth + "1"
    return draw(st.sampled_from(BAD_PLURALS))


@st.composite
def header_lines(draw, hostile: bool, nplurals: int) -> list[str]:
    fields = ["Project-Id-Version: emotional-numbness", "Language: es", "MIME-Version: 1.0"]
    charset = draw(st.sampled_from(GOOD_CHARSETS + BAD_CHARSETS if hostile else GOOD_CHARSETS))
    if charset:
        fields.append(f"Content-Type: text/plain; charset={charset}")
    fields.append("Content-Transfer-Encoding: 8bit")
    if not hostile or draw(st.integers(0, 3)):
        count = draw(st.sampled_from(BAD_NPLURALS)) if hostile and draw(st.booleans()) else str(nplurals)
        expression = (draw(hostile_plural()) if hostile and draw(st.booleans())
                      else draw(st.sampled_from(GOOD_PLURALS[nplurals])))
        fields.append(f"Plural-Forms: nplurals={count}; plural={expression};")
    if hostile and draw(st.integers(0, 4)) == 0:
        fields.append(draw(st.sampled_from(["no colon here", "X-Note: plural=n", "X-Note: nplurals=9",
                                            "Language: fr", ": empty name"])))
        if draw(st.booleans()):
            fields = draw(st.permutations(fields))
    lines = [draw(st.sampled_from(["# Spanish translations.", "#, fuzzy", "# é"]))] if draw(st.booleans()) else []
    return lines + ['msgid ""', 'msgstr ""'] + [f'"{field}\\n"' for field in fields]


# -- whole files, then corrupted ----------------------------------------------------------

JUNK = ["", "   ", '"x"', 'msgstr "y"', 'msgid "z"', '#~ msgid "q"', "garbage", '#| msgid "w"', '"unterminated',
        "msgid", 'msgstr[0] "z"', 'msgid_plural "zs"', "\t", "#", 'msgctxt "c"', "<html>"]
REPLACEMENTS = ["\x00", "\r", '"', "\\", "\n", "é", "\x1b", " ", "#", "\ufeff", "\u2028"]


@st.composite
def catalog_files(draw) -> bytes:
    """A catalog file: a clean one (half of them), or one with hostile pieces, then perhaps corrupted."""
    hostile = draw(st.booleans())
    nplurals = draw(st.sampled_from([2, 2, 1, 3, 6]))
    blocks = []
    if not hostile or draw(st.integers(0, 9)):
        blocks.append(draw(header_lines(hostile, nplurals)))
    blocks.extend(draw(st.lists(entry_lines(hostile, nplurals), max_size=5)))
    lines = [line for i, block in enumerate(blocks) for line in ([""] if i else []) + block]
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3])) if hostile else 0):
        op = draw(st.integers(0, 5))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == 0 and lines:
            del lines[at]
        elif op == 1 and lines:
            lines.insert(at, lines[at])
        elif op == 2 and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == 3:
            lines.insert(at, draw(st.sampled_from(JUNK)))
        elif op == 4 and lines and lines[at]:
            pos = draw(st.integers(0, len(lines[at]) - 1))
            lines[at] = lines[at][:pos] + draw(st.sampled_from(REPLACEMENTS)) + lines[at][pos + 1:]
    text = "\n".join(lines) + ("\n" if draw(st.integers(0, 7)) else "")
    if hostile and draw(st.integers(0, 9)) == 0:
        text = text[:draw(st.integers(0, len(text)))]               # a write cut short
    ends = draw(st.integers(0, 9))
    if ends == 0:
        text = text.replace("\n", "\r\n")                            # valid: Windows editors write it
    elif ends == 1 and hostile:
        text = text.replace("\n", "\r")
    data = text.encode("utf-8", "surrogatepass")
    mangle = draw(st.integers(0, 9))
    if mangle == 0:
        data = b"\xef\xbb\xbf" + data                                # valid: a byte-order mark
    elif mangle == 1 and hostile:
        data = text.encode("latin-1", "replace")
    elif mangle == 2 and hostile and data:
        data = data[:draw(st.integers(0, len(data)))]                # perhaps mid-character
    elif mangle == 3 and hostile:
        data = b"\xef\xbb\xbf\xef\xbb\xbf" + data
    return data


# -- the properties -----------------------------------------------------------------------

def content(cat: po.Catalog):
    """Everything a catalog says, to compare a catalog with itself written and read back."""
    return (cat.header, cat.header_comments, cat.header_fuzzy,
            [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural, e.flags, e.comments, e.extracted,
              e.references, e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural, e.obsolete)
             for e in cat.entries])


def assert_clear_refusal(exc: CatalogError, path: Path, data: bytes) -> None:
    """A refusal names the file and a line of it, in one line of text."""
    assert exc.path is not None and str(exc.path) == str(path), exc
    assert isinstance(exc.line, int) and 1 <= exc.line <= data.count(b"\n") + 1, exc
    assert "\n" not in str(exc) and "\r" not in str(exc), repr(str(exc))
    assert str(exc).startswith(f"{path}:{exc.line}: "), exc


def has_format_flag(cat: po.Catalog) -> bool:
    return any(f.endswith("-format") and not f.startswith("no-") for e in cat.entries for f in e.flags)


def test_validator_refuses_clearly_or_accepts_what_survives_writing(tmp_path):
    """CASES files through the validator and the writer; msgfmt judges what the writer wrote."""
    path = tmp_path / "es.po"
    written = tmp_path / "written.po"
    tally: Counter = Counter()

    @settings(max_examples=CASES, deadline=None, derandomize=not FULL, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=catalog_files())
    def check(data: bytes) -> None:
        tally["cases"] += 1
        path.write_bytes(data)
        try:
            text = catalog.read_text(path)
            cat = po.parse(text, str(path))
        except CatalogError as exc:
            assert_clear_refusal(exc, path, data)
            tally["refused by the reader"] += 1
            return
        try:
            catalog.msgfmt_check(path, data)
            valid = True
        except CatalogError as exc:
            assert_clear_refusal(exc, path, data)
            tally["accepted by the reader, refused by msgfmt"] += 1
            valid = False
        tally["accepted by the validator"] += valid

        out = po.dumps(cat)
        again = po.parse(out, "written.po")
        assert content(again) == content(cat)
        assert po.dumps(again) == out
        if valid or not has_format_flag(cat):
            written.write_bytes(out.encode("utf-8"))
            result = msgfmt_check(written)
            tally["written catalogs msgfmt judged"] += 1
            assert result.returncode == 0, f"msgfmt --check refused what we wrote:\n{result.stderr}\n{out}"

    started = time.monotonic()
    check()
    seconds = time.monotonic() - started
    print(f"\ncatalog fuzz: {dict(tally)} in {seconds:.1f} s")
    assert tally["cases"] >= CASES
    # the generator reaches every outcome, or the properties above would be vacuous
    assert tally["refused by the reader"] > CASES // 10
    assert tally["accepted by the validator"] > CASES // 10
    assert tally["written catalogs msgfmt judged"] >= tally["accepted by the validator"]
