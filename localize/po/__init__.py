"""GNU gettext PO text: a reader that accepts what GNU ``msgfmt --check`` accepts, and a plain writer.

The reader follows GNU gettext's own grammar: tokens, not lines (``msgid "1"
msgstr ""`` on one line, indented comments, ``msgstr [0]``, strings glued
across blank lines), a backslash at the end of a line joining the next one,
C's escapes, a header entry anywhere, the first of duplicated header fields,
and the checks msgfmt makes of the entries it compiles (translated, not
fuzzy, not obsolete). It refuses what msgfmt refuses, naming the line, and a
few things msgfmt lets through but which would lose work silently: a NUL
(msgfmt cuts the string there), escapes whose bytes are not text in the
catalog's charset, a lone carriage return, a header that names a charset the
text is not in. Format strings (``c-format`` and the like) are left to msgfmt
itself. It takes time in proportion to the file however hostile it is.

A catalog in another charset (ISO-8859-1, KOI8-R, …) is read as text and
comes out UTF-8: ``decode`` reads the bytes in the charset the header
declares, the header then says UTF-8, and ``Catalog.converted_from`` says
what it was.

The writer emits one line per string (no wrapping), which every gettext tool
accepts and which keeps diffs small, and keeps everything the reader read: the
header entry's comments and flags, its fields as they were written (duplicates
and lines that are not fields too), its place among the entries, comments
after the last entry. What it writes of a catalog the reader accepted, the
reader reads back the same and ``msgcat`` reads as it reads the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import plurals
from ..errors import CatalogError

APPROVED, NEEDS_REVIEW, STALE, UNTRANSLATED = "approved", "needs review", "stale", "untranslated"
STATES = (APPROVED, NEEDS_REVIEW, STALE, UNTRANSLATED)
# A machine draft says where it came from in a translator comment GNU tools keep:
#   # draft: apertium eng-spa
DRAFT_COMMENT = "draft: "


@dataclass(eq=False, slots=True)
class Entry:
    """One message of a catalog, with everything gettext keeps about it."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] | None = None
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)     # "# " translator comments
    extracted: list[str] = field(default_factory=list)    # "#." from the source
    references: list[str] = field(default_factory=list)   # "#:" file:line
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    previous_msgid_plural: str | None = None
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgstr_plural is not None:
            return any(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def compiled(self) -> bool:
        """Whether msgfmt puts the entry in the .mo file, and so checks it: translated
        (its first form, for a plural entry), not fuzzy, not obsolete."""
        if self.obsolete or "fuzzy" in self.flags:
            return False
        if self.msgstr_plural is not None:
            return bool(self.msgstr_plural.get(0))
        return bool(self.msgstr)

    @property
    def state(self) -> str:
        if not self.translated:
            return UNTRANSLATED
        if self.fuzzy:
            return STALE if self.previous_msgid is not None else NEEDS_REVIEW
        return APPROVED

    @property
    def draft_origin(self) -> str | None:
        """Where a machine draft came from ("apertium eng-spa", "memory 92%"), or None."""
        for comment in self.comments:
            if comment.startswith(DRAFT_COMMENT):
                return comment[len(DRAFT_COMMENT):].strip()
        return None

    def set_draft(self, text: str, origin: str) -> None:
        """Fill in a machine draft: fuzzy, with its origin recorded."""
        self.msgstr = text
        self.set_flag("fuzzy")
        self.comments = [c for c in self.comments if not c.startswith(DRAFT_COMMENT)]
        self.comments.append(DRAFT_COMMENT + origin)

    def set_flag(self, flag: str, on: bool = True) -> None:
        if on and flag not in self.flags:
            self.flags.append(flag)
        elif not on and flag in self.flags:
            self.flags.remove(flag)


@dataclass(eq=False)
class Catalog:
    """A header and entries, in file order."""

    header: dict[str, str] = field(default_factory=dict)   # each field's first value, as gettext reads it
    header_comments: list[str] = field(default_factory=list)
    header_fuzzy: bool = False
    entries: list[Entry] = field(default_factory=list)
    header_line: int = 1  # where the header entry was read, for messages
    header_lines: dict[str, int] = field(default_factory=dict)  # and each of its fields
    # The rest of the header entry as read, which the writer keeps: its text (so
    # duplicated fields and lines that are not "Name: value" survive; ``header``
    # holds what changes), its other flags and comments, its place in the file.
    header_text: str | None = None
    header_flags: list[str] = field(default_factory=list)       # flags but "fuzzy" ("no-wrap")
    header_extracted: list[str] = field(default_factory=list)
    header_references: list[str] = field(default_factory=list)
    header_previous: dict[str, str] = field(default_factory=dict)  # "#|" msgctxt/msgid/msgid_plural
    header_index: int = 0              # how many entries come before it
    header_text_line: int = 0          # the line its text begins on, for messages
    trailing_comments: list[str] = field(default_factory=list)  # lines after the last entry, after "#"
    converted_from: str | None = None  # the charset the file declared, when it was not UTF-8

    def active(self) -> list[Entry]:
        return [e for e in self.entries if not e.obsolete]

    def index(self) -> dict[tuple[str | None, str], Entry]:
        return {e.key: e for e in self.entries if not e.obsolete}

    @property
    def nplurals(self) -> int | None:
        """The header's ``nplurals=N``, found as GNU gettext finds it (None without one)."""
        found = _plural_header(self)
        return None if found is None or found[0] is None else plurals.nplurals_value(found[0])

    def field_line(self, key: str) -> int:
        """The line a header field was read from (the header's own without it), for messages."""
        return _header_field_line(self, key)


# -- bytes to text -----------------------------------------------------------------

# The charsets GNU gettext converts from (po-charset.c), by the name Python gives
# them; a charset it does not know it reads as bytes, which here must be UTF-8.
_CHARSETS = {
    "ASCII": "ascii", "ANSI_X3.4-1968": "ascii", "US-ASCII": "ascii",
    **{f"ISO{sep}8859-{n}": f"iso8859-{n}" for sep in "-_" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)},
    "KOI8-R": "koi8-r", "KOI8-U": "koi8-u", "KOI8-T": "koi8-t",
    **{f"CP{n}": f"cp{n}" for n in (850, 866, 874, 932, 949, 950, 1250, 1251, 1252, 1253, 1254,
                                    1255, 1256, 1257)},
    "GB2312": "gb2312", "EUC-JP": "euc-jp", "EUC-KR": "euc-kr", "EUC-TW": None, "BIG5": "big5",
    "BIG5-HKSCS": "big5hkscs", "GBK": "gbk", "GB18030": "gb18030", "SHIFT_JIS": "shift_jis",
    "JOHAB": "johab", "TIS-620": "tis-620", "VISCII": None, "GEORGIAN-PS": None,
}
_UTF8_NAMES = {"UTF-8", "UTF8", "CHARSET"}   # CHARSET: a template's placeholder
_BOM = b"\xef\xbb\xbf"
# The header entry in raw bytes: the first 'msgid ""' followed by its msgstr.
_HEADER_BYTES = re.compile(rb'^[ \t]*msgid[ \t]*""(?:\s*"")*\s*msgstr[ \t]*((?:\s*"(?:[^"\\\n]|\\.)*")+)',
                           re.MULTILINE)
_STRING_BYTES = re.compile(rb'"((?:[^"\\\n]|\\.)*)"')


def declared_charset(data: bytes) -> tuple[str, int] | None:
    """The charset a catalog's header entry declares, and its line, as GNU gettext finds
    it: the first ``charset=`` in the header's msgstr."""
    for m in _HEADER_BYTES.finditer(data):
        if _after_msgctxt(data, m.start()):
            continue   # 'msgctxt "x"' + 'msgid ""' is a message, not the header
        text = b"".join(_STRING_BYTES.findall(m.group(1)))
        found = re.search(rb"charset=([^ \t\\]*)", text)
        if found is None:
            return None
        line = data.count(b"\n", 0, data.find(b"charset=", m.start(1))) + 1
        return found.group(1).decode("ascii", "replace"), line
    return None


def _after_msgctxt(data: bytes, start: int) -> bool:
    """Whether the keyword before ``start`` (past its strings) is msgctxt."""
    before = data[max(0, start - 4096):start].rstrip()
    while before.endswith(b'"'):
        cut = before.rfind(b"\n")
        line = before[cut + 1:].strip()
        if not line.startswith(b'"'):
            return line.startswith(b"msgctxt")
        before = before[:max(cut, 0)].rstrip()
    return False


def decode(data: bytes, name: str) -> str:
    """A catalog file's bytes as text: UTF-8 (a BOM is dropped), or the charset the header
    declares, which the reader then turns to UTF-8. The error names the line."""
    if data.startswith(_BOM):
        return _decode(data[3:], "utf-8", name, "UTF-8")
    declared = declared_charset(data)
    charset = declared[0].upper() if declared else "UTF-8"
    if charset in _UTF8_NAMES or charset not in _CHARSETS:
        # a charset gettext does not know it reads as bytes: here they must be UTF-8
        unknown = "" if charset in _UTF8_NAMES or declared is None else \
            f"; the header's charset {declared[0]} is not one gettext converts from"
        return _decode(data, "utf-8", name, "UTF-8", unknown)
    codec, line = _CHARSETS[charset], declared[1]
    if codec is None:
        raise CatalogError(f"charset {declared[0]} declared, which this reader cannot convert "
                           f"(msgconv --to-code=UTF-8 converts it)", name, line)
    if not data.isascii() and _is_utf8(data):
        # a legacy charset's text is next to never valid UTF-8: the header is wrong,
        # and reading as it says would garble every accented letter
        raise CatalogError(f"charset {declared[0]} declared, but the text is UTF-8: correct the "
                           f"header's charset", name, line)
    return _decode(data, codec, name, declared[0])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode(data: bytes, codec: str, name: str, charset: str, more: str = "") -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CatalogError(f"not valid {charset} (byte 0x{data[exc.start]:02x}){more}", name, line) from None


def _codec(charset: str | None) -> str | None:
    """Python's codec for a charset msgfmt converts from; None for UTF-8 and the rest."""
    if charset is None or charset.upper() in _UTF8_NAMES:
        return None
    return _CHARSETS.get(charset.upper())


# -- reading: strings ----------------------------------------------------------------

# A byte written as an octal or hex escape (\303\251 is "é" in UTF-8) is carried as
# a surrogate, like Python's "surrogateescape", until the catalog's charset is known.
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
_STRING = re.compile(r'"((?:[^"\\]++|\\.)*+)"[ \t\f\v]*\Z')
# C's escapes as GNU gettext reads them (not "\?", which it refuses); \x takes
# every hex digit that follows
_ESCAPE = re.compile(r"\\(?:([ntrabfv\"\\])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.|\Z))")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", '"': '"', "\\": "\\"}
_CONTEXT_SEPARATOR = "\x04"   # gettext's between msgctxt and msgid in a .mo file


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.escaped: list[Entry] = []  # entries where an escape wrote a byte of a multibyte character
        self.escaped_here = False       # and whether the entry being read has one

    def error(self, message: str, line: int) -> CatalogError:
        return CatalogError(message, self.name, line)

    def string(self, text: str, lineno: int) -> str:
        """The value of a quoted string that is all of ``text`` (trailing blanks allowed)."""
        if len(text) > 1 and text[0] == '"' and text[-1] == '"':
            inner = text[1:-1]
            if '"' not in inner and "\\" not in inner and _CONTEXT_SEPARATOR not in inner:
                return inner
        m = _STRING.match(text)
        if m is None:
            if text.startswith('"'):
                raise self.error("unterminated string", lineno)
            raise self.error(f"expected a quoted string, found {text[:30]!r}", lineno)
        return self.unescape(m.group(1), lineno)

    def unescape(self, value: str, lineno: int) -> str:
        if "\\" in value:
            value = _ESCAPE.sub(lambda e: self._unescape(e, lineno), value)
        if _CONTEXT_SEPARATOR in value:
            raise self.error("control character U+0004 in a string (gettext's context separator)",
                             lineno)
        return value

    def _unescape(self, m: re.Match, lineno: int) -> str:
        if m.group(1):
            return _ESCAPES[m.group(1)]
        if m.group(2) or m.group(3):
            # a byte, as in C: gettext keeps the low 8 bits of what the digits say
            code = int(m.group(2), 8) if m.group(2) else int(m.group(3)[-2:], 16)
            code &= 0xFF
            if code == 0:
                raise self.error("control character U+0000 in a string (msgfmt would cut it there)", lineno)
            if code < 0x80:
                return chr(code)
            self.escaped_here = True
            return chr(0xDC00 + code)
        raise self.error(f"invalid escape sequence \\{m.group(4)}", lineno)

    def decode_bytes(self, catalog: Catalog) -> None:
        """Turn the bytes escapes wrote into characters of the catalog's charset (the one the
        header said before it said UTF-8)."""
        for entry in self.escaped:
            self.decode_entry(entry, catalog.converted_from)

    def decode_entry(self, entry: Entry, charset: str | None) -> None:
        codec = _codec(charset) or "utf-8"
        for name in ("msgid", "msgstr", "msgctxt", "msgid_plural",
                     "previous_msgctxt", "previous_msgid", "previous_msgid_plural"):
            value = getattr(entry, name)
            if value and _ESCAPED_BYTE.search(value):
                setattr(entry, name, self._bytes(value, codec, charset, entry.line))
        if entry.msgstr_plural:
            for index, value in entry.msgstr_plural.items():
                if _ESCAPED_BYTE.search(value):
                    entry.msgstr_plural[index] = self._bytes(value, codec, charset, entry.line)

    def _bytes(self, value: str, codec: str, charset: str | None, line: int) -> str:
        try:
            return value.encode(codec, "surrogateescape").decode(codec)
        except UnicodeError:
            raise self.error(f"escape sequences (\\ooo or \\xhh) that do not make {charset or 'UTF-8'} text",
                             line) from None


# -- reading: the whole file ----------------------------------------------------------------

def parse(text: str, name: str = "<catalog>") -> Catalog:
    """Read PO text; raise CatalogError naming the line of the first problem."""
    reader = _Parser(name)
    if "\r" in text:  # CRLF line ends (files from Windows editors) are valid
        text = text.replace("\r\n", "\n")
        stray = text.find("\r")
        if stray >= 0:  # CR alone: old Mac line ends, or a control character in a line
            line = text.count("\n", 0, stray) + 1
            raise reader.error("a carriage return (CR) without a line feed: lines must end "
                               "with LF or CRLF", line)
    _check_characters(text, reader)
    catalog = _parse_plain(text, reader)
    if catalog is None:
        catalog = reader.parse(text)
    if reader.escaped:
        reader.decode_bytes(catalog)
    _check_catalog(reader, catalog, empty=not text.strip())
    return catalog


def _check_characters(text: str, reader: _Reader) -> None:
    """No NUL (msgfmt cuts a string there) and no surrogate (not text) anywhere."""
    at = text.find("\x00")
    try:
        text.encode("utf-8")    # the quickest search for a surrogate
    except UnicodeEncodeError as exc:
        at = exc.start if at < 0 else min(at, exc.start)
    if at >= 0:
        what = "control character" if text[at] == "\x00" else "surrogate"
        raise reader.error(f"{what} U+{ord(text[at]):04X} in the file", text.count("\n", 0, at) + 1)


# The shape most catalogs have (and every catalog this project writes): comment
# lines, then msgctxt/msgid/msgstr with no plurals and nothing obsolete, each at
# the start of its line. Such a file is read by one regular expression per
# entry; anything else, or anything doubtful, goes to the general parser, which
# also words the errors.
_Q = r'"(?:[^"\\\n]++|\\.)*+"'
_QS = rf"{_Q}(?:\n{_Q})*+"
_PLAIN_ENTRY = re.compile(
    rf"((?:#(?:[^~\n][^\n]*+)?\n)*+)"
    rf"(?:msgctxt ({_QS})\n)?"
    rf"msgid ({_QS})\n"
    rf"msgstr ({_QS})(?:\n|\Z)"
    rf"(?:[ \t]*+\n)*+"
)
_BLANK = re.compile(r"(?:[ \t]*+\n)*+")
_PLAIN_ESCAPE = re.compile(r"\\(.)")
_PLAIN_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _plain_string(group: str) -> str | None:
    if "\n" in group:
        value = "".join(piece[1:-1] for piece in group.split("\n"))
    else:
        value = group[1:-1]
    if "\\" not in value:
        return value
    try:
        return _PLAIN_ESCAPE.sub(lambda m: _PLAIN_ESCAPES[m.group(1)], value)
    except KeyError:
        return None  # a rarer escape: let the general parser decode it


def _parse_plain(text: str, reader: "_Parser") -> Catalog | None:
    """The fast reading of a plain catalog, or None when the file is not plain."""
    if "\\\n" in text or _CONTEXT_SEPARATOR in text:
        return None   # lines joined by a backslash, or a character strings may not hold
    catalog = Catalog()
    entries = catalog.entries
    end = len(text)
    pos = _BLANK.match(text).end()
    line = text.count("\n", 0, pos) + 1
    match = _PLAIN_ENTRY.match
    header = None
    while pos < end:
        m = match(text, pos)
        if m is None:
            return None
        comments, ctxt, msgid, msgstr = m.groups()
        flags, notes, extracted, references = [], [], [], []
        prev_ctxt = prev_id = None
        start = line + comments.count("\n")
        if comments:
            for comment in comments[:-1].split("\n"):
                kind = comment[1:2]
                # the commonest kinds here, the way _comment files them, for speed
                if kind == "." and prev_id is None:
                    extracted.append(comment[3:] if comment[2:3] == " " else comment[2:])
                elif kind == ":" and prev_id is None and comment.isascii():
                    references.extend(comment[2:].split())
                elif kind == "|":
                    prev = comment[2:].strip(" \t\f\v")   # the blanks gettext skips, no others
                    if prev.startswith('msgid "') and prev.endswith('"') and prev_id is None:
                        prev_id = _plain_string(prev[6:])
                        if prev_id is None or _STRING.match(prev[6:]) is None:
                            return None
                    elif prev.startswith('msgctxt "') and prev.endswith('"') \
                            and prev_ctxt is None and prev_id is None:
                        prev_ctxt = _plain_string(prev[8:])
                        if prev_ctxt is None or _STRING.match(prev[8:]) is None:
                            return None
                    else:
                        return None
                elif prev_id is not None or prev_ctxt is not None:
                    return None   # a comment between "#|" lines and the msgid: the general parser says why
                else:
                    _comment(comment[1:], flags, notes, extracted, references)
            if prev_ctxt is not None and prev_id is None:
                return None
        # most strings are one line without escapes: their value is what the quotes hold
        msgid_value = msgid[1:-1] if "\\" not in msgid and "\n" not in msgid else _plain_string(msgid)
        msgstr_value = msgstr[1:-1] if "\\" not in msgstr and "\n" not in msgstr else _plain_string(msgstr)
        ctxt_value = None if ctxt is None else _plain_string(ctxt)
        if msgid_value is None or msgstr_value is None or (ctxt is not None and ctxt_value is None):
            return None
        entry = Entry(msgid_value, msgstr_value, ctxt_value, None, None, flags, notes, extracted,
                      references, prev_ctxt, prev_id, None, False, start)
        if msgid_value == "" and ctxt_value is None and header is None:
            header = entry
            first = start + (msgstr.startswith('""\n') or msgstr == '""') + msgid.count("\n") + 1
            _set_header(catalog, entry, first, len(entries))
        else:
            if not msgid_value or "\n" in msgid_value or "\n" in msgstr_value:
                _check_entry(reader, entry)
            entries.append(entry)
        end_of_entry = m.end()
        line += text.count("\n", pos, end_of_entry)
        pos = end_of_entry
    return catalog


def _comment(text: str, flags: list[str], notes: list[str], extracted: list[str],
             references: list[str]) -> None:
    """One comment line (what follows its "#"), filed as GNU gettext files it."""
    kind = text[:1]
    if kind == ".":
        extracted.append(text[2:] if text[1:2] == " " else text[1:])
    elif kind == ":":
        # split at ASCII blanks only: str.split() would also cut at a no-break space
        references.extend(text[1:].split() if text.isascii() else _BLANKS.split(text[1:].strip(" \t\f\v")))
    elif kind == "," or kind == "!":
        # flags are separated by commas and blanks alike: "#, fuzzy c-format" holds two
        body = text[1:].strip(_FLAG_BLANKS)
        if body:
            flags.extend(_FLAG_SEPARATORS.split(body))
    else:
        notes.append(text[1:] if kind == " " else text)


_FLAG_BLANKS = " \t\f\v,"
_BLANKS = re.compile(r"[ \t\f\v]+")
_FLAG_SEPARATORS = re.compile(r"[ \t\f\v,]+")

# One token of a line, as GNU gettext's lexer reads it; whitespace before it skipped.
_TOKEN = re.compile(r'[ \t\r\f\v]*+(?:"((?:[^"\\]++|\\.)*+)("?)|([A-Za-z_$][A-Za-z0-9_$]*+)|([0-9]++)'
                    r'|([\[\]])|(#)|(.))')
_KEYWORDS = {"msgctxt", "msgid", "msgid_plural", "msgstr"}
_PREVIOUS_KEYWORDS = {"msgctxt", "msgid", "msgid_plural"}


def _joined_lines(text: str) -> Iterable[tuple[int, str]]:
    """The file's lines with their numbers; a line ending in a backslash is joined to the
    next, as GNU gettext's lexer joins them, anywhere (in a comment too)."""
    lines = text.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()
    if "\\\n" not in text:
        return enumerate(lines, 1)
    joined: list[tuple[int, str]] = []
    start, pending = 0, None
    last = len(lines)
    for number, line in enumerate(lines, 1):
        joins = line.endswith("\\") and (number < last or ends_with_newline)   # a backslash, then "\n"
        if joins:
            line = line[:-1]
        if pending is None:
            start, pending = number, line
        else:
            pending += line
        if not joins:
            joined.append((start, pending))
            pending = None
    if pending is not None:
        joined.append((start, pending))
    return joined


class _Parser(_Reader):
    """GNU gettext's grammar, fed token by token; the common lines take a short path.

    An entry is ``[msgctxt S+] msgid S+ (msgstr S+ | msgid_plural S+ (msgstr[N] S+)+)``
    where S+ is one or more strings, after its comments and ``#|`` previous strings;
    every token of an entry is obsolete (``#~``) or none is.
    """

    def parse(self, text: str) -> Catalog:
        self.catalog = Catalog()
        self.header: Entry | None = None
        self.entry: Entry | None = None
        self.part: str | None = None      # the keyword whose strings come now
        self.strings = 0                  # how many strings it has so far
        self.pieces: list[str] = []       # those strings, joined once (not one copy a string)
        self.plural: int | None = None    # msgstr [ N ]: None, or how much of it was read
        self.entry_obsolete = False
        self.msgstr_line, self.msgstr_first_empty = 0, False   # where the header's fields begin
        self._reset_pending()
        string = self.string
        for lineno, line in _joined_lines(text):
            if not line:
                continue
            first = line[0]
            if first == '"' and self.part is not None and not self.entry_obsolete and self.plural is None \
                    and line[-1] == '"' and line.count('"') == 2:
                self.pieces.append(string(line, lineno))   # a continuation line
                self.strings += 1
                continue
            if first == "#" and line[1:2] not in ("~", "|"):
                self.comment(line[1:], lineno)
                continue
            if first == "m":   # 'msgid "…"' and the like: a keyword and a string
                word, _, rest = line.partition(" ")
                if word in _KEYWORDS and rest[:1] == '"' and rest[-1] == '"' and rest.count('"') == 2:
                    self.on_keyword(word, lineno, False, False, line)
                    self.on_string(string(rest, lineno), lineno, False, False)
                    continue
            self.tokens(line, lineno)
        return self._end(text.count("\n") + (not text.endswith("\n")))   # the last line's number

    def _reset_pending(self) -> None:
        self.flags, self.comments, self.extracted, self.references = [], [], [], []
        self.raw_comments: list[str] = []   # the same lines as read, kept if no entry follows
        self.prev: dict[str, list[str]] = {}
        self.prev_part: str | None = None
        self.prev_line = 0
        self.prev_obsolete = False

    def tokens(self, line: str, lineno: int) -> None:
        obsolete = previous = False
        pos, end = 0, len(line)
        while pos < end:
            m = _TOKEN.match(line, pos)
            if m is None:
                return   # blanks to the end
            pos = m.end()
            inner, closed, word, number, bracket, hash_, junk = m.groups()
            if inner is not None:
                if not closed:
                    raise self.error("unterminated string", lineno)
                self.on_string(self.unescape(inner, lineno), lineno, obsolete, previous)
            elif word is not None:
                self.on_keyword(word, lineno, obsolete, previous, line[m.start(3):])
            elif hash_ is not None:
                following = line[pos:pos + 1]
                if following == "~":
                    obsolete, pos = True, pos + 1
                    if line[pos:pos + 1] == "|":
                        previous, pos = True, pos + 1
                elif following == "|":
                    previous, pos = True, pos + 1
                else:
                    self.comment(line[pos:], lineno)
                    return
            elif number is not None or bracket is not None:
                self.on_bracket(number, bracket, lineno, obsolete)
            else:
                raise self.error(f"cannot read {line[m.start(7):][:40]!r}", lineno)

    # -- the grammar's events

    def comment(self, text: str, lineno: int) -> None:
        if self.entry is not None:
            self._close_entry(lineno)
        if self.prev_part is not None:
            raise self.error("a comment between previous strings (#|) and their entry", lineno)
        self.raw_comments.append(text)
        _comment(text, self.flags, self.comments, self.extracted, self.references)

    def on_keyword(self, word: str, lineno: int, obsolete: bool, previous: bool, rest: str) -> None:
        if previous:
            self._previous_keyword(word, lineno, obsolete, rest)
            return
        if word not in _KEYWORDS:
            if word == "domain":
                raise self.error("a domain directive: a catalog here is one domain (msgfmt -o ignores "
                                 "it too)", lineno)
            raise self.error(f"cannot read {rest[:40]!r}", lineno)
        part = self.part
        if word == "msgid" or word == "msgctxt":
            if word == "msgid" and part == "msgctxt" and self.strings:
                self._same_entry(obsolete, lineno)
            else:   # a new entry
                if self.entry is not None:
                    self._close_entry(lineno)
                self._start(lineno, obsolete)
            self._commit()
            self.part, self.strings, self.plural = word, 0, None
            return
        entry = self.entry
        if entry is None:
            raise self.error(f"{word} before msgid", lineno)
        self._same_entry(obsolete, lineno)
        if not self.strings:
            raise self.error(f"{part} without its string", lineno)
        if word == "msgid_plural":
            if part != "msgid":
                raise self.error("msgid_plural must follow msgid", lineno)
            self._commit()
            entry.msgstr_plural = {}
            self.part, self.strings, self.plural = "msgid_plural", 0, None
        elif part == "msgid" or part == "msgid_plural" or part == "msgstr[]" and self.plural is None:
            self._commit()
            self.part, self.strings, self.plural = "msgstr", 0, 0   # a string or "[" comes next
            self.msgstr_line = lineno
        elif part == "msgctxt":
            raise self.error("msgctxt without msgid", lineno)
        else:
            raise self.error("msgstr where it does not belong", lineno)

    def on_bracket(self, number: str | None, bracket: str | None, lineno: int, obsolete: bool) -> None:
        """msgstr [ N ]: the plural form's index, each of its three tokens in turn."""
        step = self.plural
        if self.entry is not None:
            self._same_entry(obsolete, lineno)
        if step == 0 and bracket == "[":
            if self.entry.msgid_plural is None:
                raise self.error("msgstr[n] where it does not belong", lineno)
            self.plural = 1
        elif step == 1 and number is not None:
            self.index = int(number)
            self.plural = 2
        elif step == 2 and bracket == "]":
            forms = self.entry.msgstr_plural
            if self.index != len(forms):
                raise self.error(f"msgstr[{self.index}] out of order", lineno)
            forms[self.index] = ""
            self.part, self.strings, self.plural = "msgstr[]", 0, None
        else:
            raise self.error(f"cannot read {(number or bracket)!r} here", lineno)

    def on_string(self, value: str, lineno: int, obsolete: bool, previous: bool) -> None:
        if previous:
            if self.prev_part is None or obsolete != self.prev_obsolete:
                raise self.error("string outside an entry", lineno)
            self.prev[self.prev_part].append(value)
            return
        if self.part is None:
            raise self.error("string outside an entry", lineno)
        if obsolete != self.entry_obsolete:
            self._same_entry(obsolete, lineno)
        if self.plural == 0:   # msgstr without [N]: the singular's
            if self.entry.msgid_plural is not None:
                raise self.error("msgstr without [n] in a plural entry", lineno)
            self.plural = None
            self.msgstr_first_empty = value == "" and lineno == self.msgstr_line
        elif self.plural is not None:
            raise self.error("msgstr[n] without its index", lineno)
        self.pieces.append(value)
        self.strings += 1

    def _previous_keyword(self, word: str, lineno: int, obsolete: bool, rest: str) -> None:
        if word not in _PREVIOUS_KEYWORDS:
            raise self.error(f"cannot read previous string {rest[:40]!r}", lineno)
        self._close_entry(lineno)
        prev, part = self.prev, self.prev_part
        if part is not None and obsolete != self.prev_obsolete:
            raise self.error("obsolete (#~) and live lines mixed in one entry", lineno)
        # gettext's order: [#| msgctxt] #| msgid [#| msgid_plural], each once, each with a string
        if word in prev or (part is not None and not prev[part]) or word == "msgctxt" and prev \
                or word == "msgid" and "msgid_plural" in prev \
                or word == "msgid_plural" and "msgid" not in prev:
            raise self.error(f"previous {word} out of place", lineno)
        if part is None:
            self.prev_line, self.prev_obsolete = lineno, obsolete
        self.prev_part = word
        prev[word] = []

    # -- entries

    def _same_entry(self, obsolete: bool, lineno: int) -> None:
        if obsolete != self.entry_obsolete:
            raise self.error("obsolete (#~) and live lines mixed in one entry", lineno)

    def _close_entry(self, lineno: int) -> None:
        """The entry read so far ends here: it must be whole."""
        if self.entry is None:
            return
        if not (self.strings and self.plural is None and self.part in ("msgstr", "msgstr[]")):
            if self.part in ("msgstr", "msgstr[]"):
                raise self.error("msgstr without its string", lineno)
            if not self.strings:
                raise self.error(f"{self.part} without its string", lineno)
            raise self.error("entry has no msgstr (is the file cut short?)", self.entry.line)
        self._finish()

    def _start(self, lineno: int, obsolete: bool) -> None:
        if self.prev:
            if not self.prev[self.prev_part]:
                raise self.error(f"previous {self.prev_part} without its string", self.prev_line)
            if "msgid" not in self.prev:
                raise self.error("a previous msgctxt without a previous msgid", self.prev_line)
            if obsolete != self.prev_obsolete:
                raise self.error("obsolete (#~) and live lines mixed in one entry", lineno)
        entry = self.entry = Entry("", "", None, None, None, self.flags, self.comments, self.extracted,
                                   self.references, None, None, None, obsolete, lineno)
        if self.prev:
            prev = {key: "".join(pieces) for key, pieces in self.prev.items()}
            entry.previous_msgctxt, entry.previous_msgid = prev.get("msgctxt"), prev.get("msgid")
            entry.previous_msgid_plural = prev.get("msgid_plural")
        self.entry_obsolete = obsolete
        self._reset_pending()

    def _commit(self) -> None:
        """Give the strings read so far to their part of the entry."""
        pieces = self.pieces
        if not pieces:
            return
        value = pieces[0] if len(pieces) == 1 else "".join(pieces)
        self.pieces = []
        entry, part = self.entry, self.part
        if part == "msgstr[]":
            entry.msgstr_plural[len(entry.msgstr_plural) - 1] = value
        elif part == "msgstr":
            entry.msgstr = value
        elif part == "msgctxt":
            entry.msgctxt = value
        elif part == "msgid":
            entry.msgid = value
        elif part == "msgid_plural":
            entry.msgid_plural = value

    def _finish(self) -> None:
        self._commit()
        entry = self.entry
        self.entry, self.part, self.plural = None, None, None
        catalog = self.catalog
        is_header = entry.msgid == "" and entry.msgctxt is None and not entry.obsolete and self.header is None
        if self.escaped_here:
            self.escaped_here = False
            if is_header:   # its fields are wanted now, and it says its charset itself
                self.decode_entry(entry, _charset_of(entry.msgstr))
            else:
                self.escaped.append(entry)
        if is_header:
            self.header = entry
            # the fields begin on the msgstr's line, or the next one after 'msgstr ""'
            first = self.msgstr_line + self.msgstr_first_empty
            _set_header(catalog, entry, first, len(catalog.entries))
        else:
            _check_entry(self, entry)
            catalog.entries.append(entry)

    def _end(self, last_line: int) -> Catalog:
        if self.entry is not None:
            self._close_entry(last_line)
        if self.prev_part is not None:
            raise self.error("previous strings (#|) without their entry (is the file cut short?)",
                             self.prev_line)
        self.catalog.trailing_comments = self.raw_comments
        return self.catalog


def _check_entry(reader: _Reader, entry: Entry) -> None:
    """What msgfmt checks of one entry: no second header, and in the entries it compiles,
    a line break at the start and at the end of every string alike."""
    if entry.msgid == "" and entry.msgctxt is None:
        what = "an obsolete header entry" if entry.obsolete else "a second header entry"
        raise reader.error(f"{what} (empty msgid)", entry.line)
    if not entry.msgid or not entry.compiled:
        return
    if entry.msgstr_plural is None:
        values = [entry.msgstr]
    else:  # every form, empty ones too, and msgid_plural
        values = [entry.msgid_plural, *entry.msgstr_plural.values()]
    begins, ends = entry.msgid[:1] == "\n", entry.msgid[-1:] == "\n"
    for value in values:
        if (value[:1] == "\n") != begins:
            raise reader.error("msgid and msgstr do not both begin with a line break", entry.line)
        if (value[-1:] == "\n") != ends:
            raise reader.error("msgid and msgstr do not both end with a line break", entry.line)


# -- the header ---------------------------------------------------------------------

def _set_header(catalog: Catalog, entry: Entry, first_line: int, index: int) -> None:
    """Take ``entry`` as the catalog's header; its fields begin on ``first_line``."""
    text = entry.msgstr
    charset = _charset_of(text)
    if _codec(charset) is not None:
        # the text is Unicode now, and is written as UTF-8: the header must say so
        start = text.index("charset=") + len("charset=")
        text = text[:start] + "UTF-8" + text[start + len(charset):]
        catalog.converted_from = charset
    catalog.header_text = text
    catalog.header_comments = entry.comments
    catalog.header_fuzzy = entry.fuzzy
    catalog.header_flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.header_extracted = entry.extracted
    catalog.header_references = entry.references
    catalog.header_previous = {key: value for key, value in (
        ("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
        ("msgid_plural", entry.previous_msgid_plural)) if value is not None}
    catalog.header_line = entry.line
    catalog.header_index = index
    catalog.header_text_line = first_line
    for number, line in enumerate(text.split("\n")):
        key, value = _header_field(line)
        if key is not None and key not in catalog.header:   # gettext reads the first of duplicates
            catalog.header[key] = value
            catalog.header_lines[key] = first_line + number


def _header_field(line: str) -> tuple[str | None, str]:
    """A header line's name and value, or (None, "") for a line that is not "Name: value"."""
    key, sep, value = line.partition(":")
    key = key.strip()
    if not sep or not key:
        return None, ""
    return key, value.strip()


def header_msgstr(catalog: Catalog) -> str:
    """The header entry's msgstr: the text read with the fields changed since, or the fields."""
    if catalog.header_text is None:
        return "".join(f"{key}: {value}\n" for key, value in catalog.header.items())
    fields, seen, out = catalog.header, set(), []
    for line in catalog.header_text.split("\n"):
        key, value = _header_field(line)
        if key is not None:
            if key not in fields:
                continue          # a field taken out, its duplicates too
            if key not in seen:   # the line gettext reads: with the value it has now
                seen.add(key)
                if fields[key] != value:
                    line = f"{key}: {fields[key]}"
        out.append(line)
    added = [f"{key}: {value}" for key, value in fields.items() if key not in seen]
    if added:
        if out and out[-1] == "":
            out.pop()
        out.extend(added)
        out.append("")
    return "\n".join(out)


def _charset_of(text: str) -> str | None:
    """The charset a header declares, as GNU gettext finds it: after the first "charset="."""
    at = text.find("charset=")
    if at < 0:
        return None
    return re.match(r"[^ \t\n]*", text[at + len("charset="):]).group()


def _header_field_line(catalog: Catalog, key: str) -> int:
    line = catalog.header_lines.get(key)
    if line is None:  # a catalog made in code: where the writer puts the field
        fields = list(catalog.header)
        line = catalog.header_line + (2 + fields.index(key) if key in fields else 0)
    return line


def _check_catalog(reader: _Reader, catalog: Catalog, empty: bool) -> None:
    if empty:
        raise reader.error("the file is empty", 1)
    if not header_msgstr(catalog):
        # msgfmt --check refuses a catalog without one: it says the charset and the language
        raise reader.error("no header entry (msgid \"\" with Content-Type, Language…) or an empty one",
                           catalog.header_line)
    compiled_plurals = [e for e in catalog.entries if e.msgstr_plural is not None and e.compiled]
    _check_plural_forms(reader, catalog, compiled_plurals)
    seen: dict[tuple, int] = {}
    for entry in catalog.entries:
        # an obsolete entry counts too: msgfmt refuses it beside a live one with its msgid
        key = entry.msgctxt, entry.msgid
        if key in seen:
            raise reader.error(f"duplicate entry {entry.msgid[:40]!r}, first at line {seen[key]}",
                               entry.line)
        seen[key] = entry.line


# -- Plural-Forms ------------------------------------------------------------------

def _plural_header(catalog: Catalog) -> tuple[str | None, str | None, int] | None:
    """What follows ``nplurals=`` and ``plural=`` in the header text (GNU gettext looks
    for them anywhere in it), and where the first of them is. None when it has neither."""
    text = header_msgstr(catalog)
    at_n, at_p = text.find("nplurals="), text.find("plural=")
    if at_n < 0 and at_p < 0:
        return None
    nplurals = text[at_n + 9:].lstrip(" \t\n\r\f\v") if at_n >= 0 else None
    plural = text[at_p + 7:] if at_p >= 0 else None
    return nplurals, plural, min(at for at in (at_n, at_p) if at >= 0)


def _text_line(catalog: Catalog, pos: int) -> int:
    """The line of a place in the header text, for messages."""
    text = header_msgstr(catalog)
    number = text.count("\n", 0, pos)
    if catalog.header_text_line:
        return catalog.header_text_line + number
    return catalog.header_line + 2 + number   # a catalog made in code: where the writer puts it


def _check_plural_forms(reader: _Reader, catalog: Catalog, compiled_plurals: list[Entry]) -> None:
    found = _plural_header(catalog)
    if found is None or found[0] is None or found[1] is None:
        # msgfmt minds a missing half only when it has plural translations to compile
        if compiled_plurals:
            where = _text_line(catalog, found[2]) if found else compiled_plurals[0].line
            raise reader.error("a translated plural entry, but no Plural-Forms "
                               "'nplurals=N; plural=EXPRESSION;' in the header", where)
        return
    nplurals_text, expression, at = found
    problem = plurals.problem(nplurals_text, expression)
    if problem:
        raise reader.error(problem, _text_line(catalog, at))
    nplurals = plurals.nplurals_value(nplurals_text)
    for entry in compiled_plurals:
        if len(entry.msgstr_plural) != nplurals:
            raise reader.error(f"{len(entry.msgstr_plural)} plural forms, the header says {nplurals}",
                               entry.line)


# -- writing ----------------------------------------------------------------------

# what msgcat writes as escapes besides \\ \" \n \t \r; other control characters go as they are
_RARE_ESCAPES = (("\a", "\\a"), ("\b", "\\b"), ("\f", "\\f"), ("\v", "\\v"))


def _quote(value: str) -> str:
    # one "in" a character is quicker than any one scan for all of them
    if "\\" in value or '"' in value or "\n" in value or "\t" in value or "\r" in value \
            or "\a" in value or "\b" in value or "\f" in value or "\v" in value:
        value = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                 .replace("\t", "\\t").replace("\r", "\\r"))
        for char, escape in _RARE_ESCAPES:
            if char in value:
                value = value.replace(char, escape)
    return f'"{value}"'


def _field(out: list[str], prefix: str, keyword: str, value: str) -> None:
    if "\n" in value[:-1]:
        out.append(f'{prefix}{keyword} ""')
        out.extend(prefix + _quote(piece) for piece in value.splitlines(keepends=True))
    else:
        out.append(f"{prefix}{keyword} {_quote(value)}")


_COMMENT_BREAK = re.compile(r"\r\n?|\n")


def _comments(out: list[str], mark: str, comments: list[str]) -> None:
    for comment in comments:
        if "\n" in comment or "\r" in comment:   # a comment line cannot hold a line break
            for line in _COMMENT_BREAK.split(comment):
                _comments(out, mark, [line])
        elif comment and comment[-1] != "\\" and "\x00" not in comment:
            out.append(mark + comment)   # the usual comment, as it is
        elif comment:   # one that ends in a backslash, or holds a NUL, which the reader refuses
            _comment_line(out, mark + comment.replace("\x00", "\ufffd"))
        else:
            out.append(mark.rstrip())


def _comment_line(out: list[str], line: str) -> None:
    if line.endswith("\\"):
        # gettext joins a line ending in a backslash to the next one, even in a
        # comment: one more backslash and an empty line make it end in one
        out.append(line + "\\")
        out.append("")
    else:
        out.append(line)


def generate(catalog: Catalog) -> list[str]:
    """The catalog as lines of PO text (without line ends)."""
    out: list[str] = []
    entries = catalog.entries
    at = min(catalog.header_index, len(entries))
    for entry in entries[:at]:
        _entry_lines(out, entry)
        out.append("")
    _header_lines(out, catalog)
    for entry in entries[at:]:
        out.append("")
        _entry_lines(out, entry)
    if catalog.trailing_comments:
        out.append("")
        for line in catalog.trailing_comments:
            _comment_line(out, "#" + line.replace("\x00", "\ufffd"))
    return out


def _header_lines(out: list[str], catalog: Catalog) -> None:
    _comments(out, "# ", catalog.header_comments)
    _comments(out, "#. ", catalog.header_extracted)
    for ref in catalog.header_references:
        out.append(f"#: {ref}")
    flags = ["fuzzy"] * catalog.header_fuzzy + catalog.header_flags
    if flags:
        out.append("#, " + ", ".join(flags))
    for keyword in ("msgctxt", "msgid", "msgid_plural"):
        if keyword in catalog.header_previous:
            _field(out, "#| ", keyword, catalog.header_previous[keyword])
    out.append('msgid ""')
    out.append('msgstr ""')
    out.extend(_quote(piece) for piece in header_msgstr(catalog).splitlines(keepends=True))


def _entry_lines(out: list[str], entry: Entry) -> None:
    if entry.comments:
        _comments(out, "# ", entry.comments)
    if entry.extracted:
        _comments(out, "#. ", entry.extracted)
    for ref in entry.references:
        out.append(f"#: {ref}")
    if entry.flags:
        out.append("#, " + ", ".join(entry.flags))
    prefix = "#~ " if entry.obsolete else ""
    if entry.previous_msgctxt is not None or entry.previous_msgid is not None:
        prev = "#~| " if entry.obsolete else "#| "
        if entry.previous_msgctxt is not None:
            _field(out, prev, "msgctxt", entry.previous_msgctxt)
        if entry.previous_msgid is not None:
            _field(out, prev, "msgid", entry.previous_msgid)
        if entry.previous_msgid_plural is not None:
            _field(out, prev, "msgid_plural", entry.previous_msgid_plural)
    if entry.msgctxt is not None:
        _field(out, prefix, "msgctxt", entry.msgctxt)
    _field(out, prefix, "msgid", entry.msgid)
    if entry.msgid_plural is not None:
        _field(out, prefix, "msgid_plural", entry.msgid_plural)
        for index, value in sorted((entry.msgstr_plural or {}).items()):
            _field(out, prefix, f"msgstr[{index}]", value)
    else:
        _field(out, prefix, "msgstr", entry.msgstr)


def dumps(catalog: Catalog) -> str:
    return "\n".join(generate(catalog)) + "\n"
