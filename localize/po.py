"""GNU gettext PO text: a strict reader and a plain writer, both pure.

The reader refuses what GNU ``msgfmt`` refuses and what would silently lose
work (a torn or unterminated file, a duplicate entry, control characters,
escapes whose bytes are not UTF-8, a plural count that disagrees with the
header, a plural expression msgfmt would not evaluate), naming the line, and
takes time in proportion to the file however hostile it is. The writer emits
one line per string (no wrapping), which every gettext tool accepts and which
keeps diffs of a catalog small; what it writes of a catalog the reader
accepted, the reader reads back the same and msgfmt accepts (format strings,
``c-format`` and the like, are left for msgfmt itself to judge).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import plurals
from .errors import CatalogError

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

    header: dict[str, str] = field(default_factory=dict)
    header_comments: list[str] = field(default_factory=list)
    header_fuzzy: bool = False
    entries: list[Entry] = field(default_factory=list)
    header_line: int = 1  # where the header entry was read, for messages
    header_lines: dict[str, int] = field(default_factory=dict)  # and each of its fields

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


# -- reading ----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # surrogates: not text either
# A byte written as an octal or hex escape (\303\251 is "é" in UTF-8) is carried as
# a surrogate, like Python's "surrogateescape", until the whole string is known.
_ESCAPED_BYTE = re.compile(r"[\udc80-\udcff]")
_STRING = re.compile(r'"((?:[^"\\]++|\\.)*+)"[ \t]*\Z')
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+(.*)\Z")
# C's escapes (GNU gettext refuses \?, which means "?"); \x takes every hex digit
# that follows, as in C and GNU gettext
_ESCAPE = re.compile(r"\\(?:([ntrabfv\"\\?])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.))")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", '"': '"', "\\": "\\", "?": "?"}


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.escaped_bytes = False  # an escape wrote a byte of a multibyte character

    def error(self, message: str, line: int) -> CatalogError:
        return CatalogError(message, self.name, line)

    def string(self, text: str, lineno: int) -> str:
        if len(text) > 1 and text[0] == '"' and text[-1] == '"':
            inner = text[1:-1]
            if '"' not in inner and "\\" not in inner:
                return inner
        m = _STRING.match(text)
        if m is None:
            if text.startswith('"'):
                raise self.error("unterminated string", lineno)
            raise self.error(f"expected a quoted string, found {text[:30]!r}", lineno)
        value = m.group(1)
        if "\\" in value:
            value = _ESCAPE.sub(lambda e: self._unescape(e, lineno), value)
        return value

    def _unescape(self, m: re.Match, lineno: int) -> str:
        if m.group(1):
            value = _ESCAPES[m.group(1)]
        elif m.group(2) or m.group(3):
            # a byte, as in C: gettext keeps the low 8 bits of what the digits say
            code = int(m.group(2), 8) if m.group(2) else int(m.group(3)[-2:], 16)
            code &= 0xFF
            if code >= 0x80:
                self.escaped_bytes = True
                return chr(0xDC00 + code)
            value = chr(code)
        else:
            raise self.error(f"invalid escape sequence \\{m.group(4)}", lineno)
        if _CONTROL.match(value) and value != "\r":
            raise self.error(f"control character U+{ord(value):04X} in a string", lineno)
        return value

    def decode_bytes(self, entry: "Entry") -> None:
        """Turn the bytes escapes wrote into characters: they must make UTF-8, like the file."""
        for name in ("msgid", "msgstr", "msgctxt", "msgid_plural",
                     "previous_msgctxt", "previous_msgid", "previous_msgid_plural"):
            value = getattr(entry, name)
            if value and _ESCAPED_BYTE.search(value):
                setattr(entry, name, self._utf8(value, entry.line))
        if entry.msgstr_plural:
            for index, value in entry.msgstr_plural.items():
                if _ESCAPED_BYTE.search(value):
                    entry.msgstr_plural[index] = self._utf8(value, entry.line)

    def _utf8(self, value: str, line: int) -> str:
        try:
            return value.encode("utf-8", "surrogateescape").decode("utf-8")
        except UnicodeDecodeError:
            raise self.error("escape sequences (\\ooo or \\xhh) that do not make UTF-8 text",
                             line) from None


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
    bad = _NOT_TEXT.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        what = "surrogate" if bad.group() >= "\ud800" else "control character"
        raise reader.error(f"{what} U+{ord(bad.group()):04X} in the file", line)
    catalog = _parse_plain(text, reader)
    if catalog is None:
        catalog = reader.parse(text)
    _check_catalog(reader, catalog, empty=not text.strip())
    return catalog


# The shape most catalogs have (and every catalog this project writes): comment
# lines, then msgctxt/msgid/msgstr with no plurals and nothing obsolete. Such a
# file is read by one regular expression per entry; anything else, or anything
# doubtful, goes to the line-by-line parser, which also words the errors.
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
        return None  # a rarer escape: let the full parser decode it


def _parse_plain(text: str, reader: "_Parser") -> Catalog | None:
    """The fast reading of a plain catalog, or None when the file is not plain."""
    catalog = Catalog()
    entries = catalog.entries
    end = len(text)
    pos = _BLANK.match(text).end()
    line = text.count("\n", 0, pos) + 1
    match = _PLAIN_ENTRY.match
    header_seen = False
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
                if kind == ".":
                    extracted.append(comment[2:].strip())
                elif kind == ":":
                    references.extend(comment[2:].split())
                elif kind == ",":
                    flags.extend(f for f in (f.strip() for f in comment[2:].split(",")) if f)
                elif kind == "|":
                    prev = comment[2:].strip()
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
                else:
                    notes.append(comment[1:].removeprefix(" ").rstrip())
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
        if msgid_value == "" and ctxt_value is None and not entries and not header_seen:
            _set_header(reader, catalog, entry)
            header_seen = True
        else:
            if not msgid_value or "\n" in msgid_value or "\n" in msgstr_value:
                _check_entry(reader, entry)
            entries.append(entry)
        end_of_entry = m.end()
        line += text.count("\n", pos, end_of_entry)
        pos = end_of_entry
    return catalog


class _Parser(_Reader):
    """A line-by-line state machine; the common lines take the shortest path."""

    def parse(self, text: str) -> Catalog:
        self.catalog = Catalog()
        self.header_seen = False
        self.entry: Entry | None = None
        self.field: str | None = None     # which string continuation lines extend
        self.pieces: list[str] = []       # its continuation lines, joined once (not one copy a line)
        self.plural_index = 0
        self.seen_msgstr = False
        self._reset_pending()
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        string = self.string
        for lineno, line in enumerate(lines, 1):
            if not line or line.isspace():
                self._commit()
                if self.seen_msgstr and self.entry is not None:
                    self._finish()
                self.field = None
                continue
            first = line[0]
            if first == "#":
                kind = line[1:2]
                if kind == "~":
                    self._line(line[2:].strip(), lineno, obsolete=True)
                    continue
                self._commit()
                if self.seen_msgstr and self.entry is not None:
                    self._finish()
                self.field = None
                self.dangling = True
                if kind == ".":
                    self.extracted.append(line[2:].strip())
                elif kind == ":":
                    self.references.extend(line[2:].split())
                elif kind == ",":
                    self.flags.extend(f for f in (f.strip() for f in line[2:].split(",")) if f)
                elif kind == "|":
                    self._previous(line[2:].strip(), lineno)
                else:
                    self.comments.append(line[1:].removeprefix(" ").rstrip())
                continue
            if first == '"':
                self._continue(string(line.rstrip(), lineno), lineno)
                continue
            if first == "m" and line.startswith('msgid "') and (self.entry is None or self.seen_msgstr):
                self._start(lineno, False)
                self.entry.msgid = string(line[6:].rstrip(), lineno)
                self.field = "msgid"
                continue
            if first == "m" and line.startswith('msgstr "') and self.field == "msgid" \
                    and not self.seen_msgstr and self.entry.msgid_plural is None:
                self._commit()
                self.entry.msgstr = string(line[7:].rstrip(), lineno)
                self.seen_msgstr = True
                self.field = "msgstr"
                continue
            self._line(line.strip(), lineno, obsolete=False)
        if self.entry is not None:
            self._finish()
        if self.dangling:
            raise self.error("comments after the last entry (is the file cut short?)", len(lines))
        return self.catalog

    def _reset_pending(self) -> None:
        self.flags, self.comments, self.extracted, self.references = [], [], [], []
        self.prev: dict[str, list[str]] = {}
        self.prev_field: str | None = None
        self.dangling = False

    def _start(self, lineno: int, obsolete: bool) -> None:
        if self.entry is not None:
            self._finish()
        if self.prev and "msgid" not in self.prev:
            raise self.error("a previous msgctxt or msgid_plural without a previous msgid", lineno)
        prev = {key: "".join(pieces) for key, pieces in self.prev.items()}
        self.entry = Entry("", "", None, None, None, self.flags, self.comments, self.extracted,
                           self.references, prev.get("msgctxt"), prev.get("msgid"),
                           prev.get("msgid_plural"), obsolete, lineno)
        self.seen_msgstr = False
        self.field = None
        self._reset_pending()

    def _finish(self) -> None:
        self._commit()
        entry = self.entry
        if not self.seen_msgstr:
            raise self.error("entry has no msgstr (is the file cut short?)", entry.line)
        if self.escaped_bytes:
            self.decode_bytes(entry)
        catalog = self.catalog
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete \
                and not catalog.entries and not self.header_seen:
            _set_header(self, catalog, entry)
            self.header_seen = True
        else:
            _check_entry(self, entry)
            catalog.entries.append(entry)
        self.entry = None
        self.seen_msgstr = False

    def _continue(self, value: str, lineno: int) -> None:
        entry, field_name = self.entry, self.field
        if entry is None or field_name is None:
            raise self.error("string outside an entry", lineno)
        self.pieces.append(value)

    def _commit(self) -> None:
        """Add the continuation lines read so far to the value of their field."""
        if not self.pieces:
            return
        entry, field_name, value = self.entry, self.field, "".join(self.pieces)
        self.pieces = []
        if field_name == "msgstr_plural":
            entry.msgstr_plural[self.plural_index] += value
        else:
            setattr(entry, field_name, getattr(entry, field_name) + value)

    def _previous(self, line: str, lineno: int) -> None:
        self.dangling = True
        if line.startswith('"'):
            if self.prev_field is None:
                raise self.error("string outside an entry", lineno)
            self.prev[self.prev_field].append(self.string(line, lineno))
            return
        m = _KEYWORD.match(line)
        if m is None or m.group(1) not in ("msgctxt", "msgid", "msgid_plural"):
            raise self.error(f"cannot read previous string {line[:40]!r}", lineno)
        keyword, prev = m.group(1), self.prev
        # gettext's order: [#| msgctxt] #| msgid [#| msgid_plural], each once
        if keyword in prev or keyword == "msgctxt" and prev \
                or keyword == "msgid" and "msgid_plural" in prev \
                or keyword == "msgid_plural" and "msgid" not in prev:
            raise self.error(f"previous {keyword} out of place", lineno)
        self.prev_field = keyword
        prev[keyword] = [self.string(m.group(3), lineno)]

    def _line(self, line: str, lineno: int, *, obsolete: bool) -> None:
        """Any keyword or string line, the general way (obsolete lines come here too)."""
        if not line:
            return
        if line.startswith("|"):
            self._previous(line[1:].strip(), lineno)
            return
        if line.startswith('"'):
            self._continue(self.string(line, lineno), lineno)
            return
        self._commit()
        m = _KEYWORD.match(line)
        if m is None:
            raise self.error(f"cannot read {line[:40]!r}", lineno)
        keyword, index, value = m.group(1), m.group(2), self.string(m.group(3), lineno)
        entry, field_name = self.entry, self.field
        if keyword in ("msgctxt", "msgid"):
            if entry is not None and not self.seen_msgstr:
                if not (keyword == "msgid" and field_name == "msgctxt"):
                    raise self.error("entry has no msgstr (is the file cut short?)", entry.line)
            else:
                self._start(lineno, obsolete)
                entry = self.entry
        if entry is None:
            raise self.error(f"{keyword} before msgid", lineno)
        if keyword == "msgctxt":
            entry.msgctxt = value
            self.field = "msgctxt"
        elif keyword == "msgid":
            entry.msgid = value
            self.field = "msgid"
        elif keyword == "msgid_plural":
            if field_name != "msgid":
                raise self.error("msgid_plural must follow msgid", lineno)
            entry.msgid_plural = value
            entry.msgstr_plural = {}
            self.field = "msgid_plural"
        elif index is None:
            if self.seen_msgstr or entry.msgid_plural is not None or field_name != "msgid":
                raise self.error("msgstr where it does not belong", lineno)
            entry.msgstr = value
            self.seen_msgstr = True
            self.field = "msgstr"
        else:
            if entry.msgid_plural is None or field_name not in ("msgid_plural", "msgstr_plural"):
                raise self.error("msgstr[n] where it does not belong", lineno)
            self.plural_index = int(index)
            if self.plural_index != len(entry.msgstr_plural):
                raise self.error(f"msgstr[{self.plural_index}] out of order", lineno)
            entry.msgstr_plural[self.plural_index] = value
            self.seen_msgstr = True
            self.field = "msgstr_plural"


def _check_entry(reader: _Reader, entry: Entry) -> None:
    # control characters were refused in the raw text and in escape sequences
    if entry.msgid == "" and entry.msgctxt is None:
        what = "an obsolete header entry" if entry.obsolete else "a second header entry"
        raise reader.error(f"{what} (empty msgid)", entry.line)
    if entry.msgstr_plural is None:
        values = [entry.msgstr] if entry.msgstr else []
    else:
        forms = list(entry.msgstr_plural.values())
        values = [v for v in forms if v]
        if forms and forms[0] and not entry.obsolete and not entry.fuzzy:
            # what msgfmt compiles: every form, empty ones too, and msgid_plural
            values = [entry.msgid_plural, *forms]
    for value in values:
        if (value[:1] == "\n") != (entry.msgid[:1] == "\n"):
            raise reader.error("msgid and msgstr do not both begin with a line break", entry.line)
        if (value[-1:] == "\n") != (entry.msgid[-1:] == "\n"):
            raise reader.error("msgid and msgstr do not both end with a line break", entry.line)


def _set_header(reader: _Reader, catalog: Catalog, entry: Entry) -> None:
    catalog.header_comments = entry.comments
    catalog.header_fuzzy = entry.fuzzy
    catalog.header_line = entry.line
    first = entry.line + 2  # the fields follow 'msgid ""' and 'msgstr ""', one a line
    for number, line in enumerate(entry.msgstr.split("\n")):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise reader.error(f"header line {line[:40]!r} is not 'Name: value'", first + number)
        catalog.header[key.strip()] = value.strip()
        catalog.header_lines[key.strip()] = first + number


def _header_field_line(catalog: Catalog, key: str) -> int:
    line = catalog.header_lines.get(key)
    if line is None:  # a catalog made in code: where the writer puts the field
        fields = list(catalog.header)
        line = catalog.header_line + (2 + fields.index(key) if key in fields else 0)
    return line


def _check_catalog(reader: _Reader, catalog: Catalog, empty: bool) -> None:
    if empty:
        raise reader.error("the file is empty", 1)
    if not catalog.header:
        # msgfmt --check refuses a catalog without one: it says the charset and the language
        raise reader.error("no header entry (msgid \"\" with Content-Type, Language…) or an empty one",
                           catalog.header_line)
    content_type = catalog.header.get("Content-Type", "")
    m = re.search(r"charset=([\w.-]+)", content_type)
    if m and m.group(1).upper() not in ("UTF-8", "CHARSET", "UTF8"):
        raise reader.error(f"charset {m.group(1)} declared; catalogs must be UTF-8",
                           _header_field_line(catalog, "Content-Type"))
    _check_plural_forms(reader, catalog)
    nplurals = catalog.nplurals
    seen: dict[tuple, int] = {}
    for entry in catalog.entries:
        # an obsolete entry counts too: msgfmt refuses it beside a live one with its msgid
        if entry.key in seen:
            raise reader.error(f"duplicate entry {entry.msgid[:40]!r}, first at line {seen[entry.key]}",
                               entry.line)
        seen[entry.key] = entry.line
        if entry.obsolete:
            continue
        if entry.msgstr_plural is not None:
            if nplurals is None:
                if entry.translated:
                    raise reader.error("a translated plural entry, but no Plural-Forms in the header",
                                       entry.line)
            elif len(entry.msgstr_plural) != nplurals:
                raise reader.error(f"{len(entry.msgstr_plural)} plural forms, the header says {nplurals}",
                                   entry.line)


# -- Plural-Forms ------------------------------------------------------------------

def _plural_header(catalog: Catalog) -> tuple[str | None, str | None, str] | None:
    """What follows ``nplurals=`` and ``plural=`` in the header, and the field of the first.

    None when the header has neither.
    """
    nplurals = plural = None
    where = None
    for key, value in catalog.header.items():
        text = f"{key}: {value}"
        if nplurals is None and "nplurals=" in text:
            nplurals = text.split("nplurals=", 1)[1].lstrip(" \t\r\f\v")
            where = where or key
        if plural is None and "plural=" in text:
            plural = text.split("plural=", 1)[1]
            where = where or key
    if where is None:
        return None
    return nplurals, plural, where


def _check_plural_forms(reader: _Reader, catalog: Catalog) -> None:
    found = _plural_header(catalog)
    forms = catalog.header.get("Plural-Forms")
    if found is None or found[0] is None or found[1] is None:
        if forms:
            raise reader.error("Plural-Forms is not 'nplurals=N; plural=EXPRESSION;'",
                               _header_field_line(catalog, "Plural-Forms"))
        return
    nplurals_text, expression, where = found
    problem = plurals.problem(nplurals_text, expression)
    if problem:
        raise reader.error(problem, _header_field_line(catalog, where))


# -- writing ----------------------------------------------------------------------

def _quote(value: str) -> str:
    if "\\" in value or '"' in value or "\n" in value or "\t" in value or "\r" in value:
        value = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                 .replace("\t", "\\t").replace("\r", "\\r"))
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
        for line in _COMMENT_BREAK.split(comment):  # a comment line cannot hold a line break
            if _CONTROL.search(line):  # nor what the reader refuses: a control character
                line = _CONTROL.sub("\ufffd", line)
            line = f"{mark}{line}".rstrip()
            # gettext joins a line ending in a backslash to the next one, even in a comment
            out.append(line + " " if line.endswith("\\") else line)


def generate(catalog: Catalog) -> list[str]:
    """The catalog as lines of PO text (without line ends)."""
    out: list[str] = []
    _comments(out, "# ", catalog.header_comments)
    if catalog.header_fuzzy:
        out.append("#, fuzzy")
    out.append('msgid ""')
    out.append('msgstr ""')
    out.extend(_quote(f"{key}: {value}\n") for key, value in catalog.header.items())
    for entry in catalog.entries:
        out.append("")
        _entry_lines(out, entry)
    return out


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
