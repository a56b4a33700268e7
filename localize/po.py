"""GNU gettext PO text: a strict reader and a plain writer, both pure.

The reader refuses what GNU ``msgfmt`` refuses and what would silently lose
work (a torn or unterminated file, a duplicate entry, control characters, a
plural count that disagrees with the header), naming the line. The writer
emits one line per string (no wrapping), which every gettext tool accepts and
which keeps diffs of a catalog small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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

    def active(self) -> list[Entry]:
        return [e for e in self.entries if not e.obsolete]

    def index(self) -> dict[tuple[str | None, str], Entry]:
        return {e.key: e for e in self.entries if not e.obsolete}

    @property
    def nplurals(self) -> int | None:
        m = re.search(r"nplurals\s*=\s*(\d+)", self.header.get("Plural-Forms", ""))
        return int(m.group(1)) if m else None


# -- reading ----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STRING = re.compile(r'"((?:[^"\\]++|\\.)*+)"[ \t]*\Z')
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+(.*)\Z")
_ESCAPE = re.compile(r"\\(?:([ntrabfv\"\\?])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f",
            "v": "\v", '"': '"', "\\": "\\", "?": "?"}


class _Reader:
    def __init__(self, name: str):
        self.name = name

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
        elif m.group(2):
            value = chr(int(m.group(2), 8))
        elif m.group(3):
            value = chr(int(m.group(3), 16))
        else:
            raise self.error(f"invalid escape sequence \\{m.group(4)}", lineno)
        if _CONTROL.match(value) and value not in "\r":
            raise self.error(f"control character U+{ord(value):04X} in a string", lineno)
        return value


def parse(text: str, name: str = "<catalog>") -> Catalog:
    """Read PO text; raise CatalogError naming the line of the first problem."""
    reader = _Parser(name)
    if "\r" in text:  # CRLF line ends (files from Windows editors) are valid
        text = text.replace("\r\n", "\n")
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise reader.error(f"control character U+{ord(bad.group()):04X} in the file", line)
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
                    if prev.startswith('msgid "') and prev.endswith('"'):
                        prev_id = _plain_string(prev[6:])
                        if prev_id is None or _STRING.match(prev[6:]) is None:
                            return None
                    elif prev.startswith('msgctxt "') and prev.endswith('"'):
                        prev_ctxt = _plain_string(prev[8:])
                        if prev_ctxt is None or _STRING.match(prev[8:]) is None:
                            return None
                    else:
                        return None
                else:
                    notes.append(comment[1:].removeprefix(" ").rstrip())
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
        self.plural_index = 0
        self.seen_msgstr = False
        self._reset_pending()
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        string = self.string
        for lineno, line in enumerate(lines, 1):
            if not line or line.isspace():
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
        self.prev: dict[str, str] = {}
        self.prev_field: str | None = None
        self.dangling = False

    def _start(self, lineno: int, obsolete: bool) -> None:
        if self.entry is not None:
            self._finish()
        prev = self.prev
        self.entry = Entry("", "", None, None, None, self.flags, self.comments, self.extracted,
                           self.references, prev.get("msgctxt"), prev.get("msgid"),
                           prev.get("msgid_plural"), obsolete, lineno)
        self.seen_msgstr = False
        self.field = None
        self._reset_pending()

    def _finish(self) -> None:
        entry = self.entry
        if not self.seen_msgstr:
            raise self.error("entry has no msgstr (is the file cut short?)", entry.line)
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
        if field_name == "msgstr_plural":
            entry.msgstr_plural[self.plural_index] += value
        else:
            setattr(entry, field_name, getattr(entry, field_name) + value)

    def _previous(self, line: str, lineno: int) -> None:
        self.dangling = True
        if line.startswith('"'):
            if self.prev_field is None:
                raise self.error("string outside an entry", lineno)
            self.prev[self.prev_field] += self.string(line, lineno)
            return
        m = _KEYWORD.match(line)
        if m is None or m.group(1) not in ("msgctxt", "msgid", "msgid_plural"):
            raise self.error(f"cannot read previous string {line[:40]!r}", lineno)
        self.prev_field = m.group(1)
        self.prev[self.prev_field] = self.string(m.group(3), lineno)

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
    if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete:
        raise reader.error("a second header entry (empty msgid)", entry.line)
    for value in (entry.msgstr, *(entry.msgstr_plural or {}).values()):
        if value and (value[:1] == "\n") != (entry.msgid[:1] == "\n"):
            raise reader.error("msgid and msgstr do not both begin with a line break", entry.line)
        if value and (value[-1:] == "\n") != (entry.msgid[-1:] == "\n"):
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


def _header_field_line(catalog: Catalog, key: str) -> int:
    return catalog.header_line + 2 + list(catalog.header).index(key)


def _check_catalog(reader: _Reader, catalog: Catalog, empty: bool) -> None:
    if empty:
        raise reader.error("the file is empty", 1)
    content_type = catalog.header.get("Content-Type", "")
    m = re.search(r"charset=([\w.-]+)", content_type)
    if m and m.group(1).upper() not in ("UTF-8", "CHARSET", "UTF8"):
        raise reader.error(f"charset {m.group(1)} declared; catalogs must be UTF-8",
                           _header_field_line(catalog, "Content-Type"))
    nplurals = catalog.nplurals
    seen: dict[tuple, int] = {}
    for entry in catalog.entries:
        if entry.obsolete:
            continue
        if entry.key in seen:
            raise reader.error(f"duplicate entry {entry.msgid[:40]!r}, first at line {seen[entry.key]}",
                               entry.line)
        seen[entry.key] = entry.line
        if entry.msgstr_plural is not None:
            if nplurals is None:
                if entry.translated:
                    raise reader.error("a translated plural entry, but no Plural-Forms in the header",
                                       entry.line)
            elif len(entry.msgstr_plural) != nplurals:
                raise reader.error(f"{len(entry.msgstr_plural)} plural forms, the header says {nplurals}",
                                   entry.line)


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


def _comments(out: list[str], mark: str, comments: list[str]) -> None:
    for comment in comments:
        for line in comment.split("\n"):  # a comment line cannot hold a line break
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
