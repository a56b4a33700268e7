"""GNU gettext PO text: a strict reader and a plain writer, both pure.

The reader refuses what GNU ``msgfmt`` refuses and what would silently lose
work (a torn or unterminated file, a duplicate entry, control characters, a
plural count that disagrees with the header), naming the line. The writer
emits one line per string (no wrapping), which every gettext tool accepts and
which keeps diffs of a catalog small.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .errors import CatalogError

APPROVED, NEEDS_REVIEW, STALE, UNTRANSLATED = "approved", "needs review", "stale", "untranslated"
STATES = (APPROVED, NEEDS_REVIEW, STALE, UNTRANSLATED)


@dataclass(eq=False)
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
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"[ \t]*\Z')
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
            return _ESCAPES[m.group(1)]
        if m.group(2):
            return chr(int(m.group(2), 8))
        if m.group(3):
            return chr(int(m.group(3), 16))
        raise self.error(f"invalid escape sequence \\{m.group(4)}", lineno)


def parse(text: str, name: str = "<catalog>") -> Catalog:
    """Read PO text; raise CatalogError naming the line of the first problem."""
    reader = _Reader(name)
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise reader.error(f"control character U+{ord(bad.group()):04X} in the file", line)
    catalog = Catalog()
    entry: Entry | None = None
    field_name: str | None = None   # which string continuation lines extend
    plural_index = 0
    seen_msgstr = False
    pending = _Pending()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()

    def finish(lineno: int) -> None:
        nonlocal entry
        if entry is None:
            return
        if not seen_msgstr:
            raise reader.error("entry has no msgstr (is the file cut short?)", entry.line)
        _check_entry(reader, entry)
        if entry.msgid == "" and entry.msgctxt is None and not entry.obsolete and not catalog.entries \
                and not catalog.header:
            _set_header(reader, catalog, entry)
        else:
            catalog.entries.append(entry)
        entry = None

    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        obsolete = False
        if line.startswith("#~"):
            obsolete = True
            line = line[2:].strip()
            if line.startswith("|"):
                pending.previous(reader, line[1:].strip(), lineno)
                continue
            if not line:
                continue
        elif line.startswith("#"):
            if entry is not None and seen_msgstr:
                finish(lineno)
            pending.comment(reader, line, lineno)
            field_name = None
            continue
        if not line:
            if entry is not None and seen_msgstr:
                finish(lineno)
            field_name = None
            continue
        if line.startswith('"'):
            if entry is None or field_name is None:
                raise reader.error("string outside an entry", lineno)
            value = reader.string(line, lineno)
            if field_name == "msgstr_plural":
                entry.msgstr_plural[plural_index] += value
            else:
                setattr(entry, field_name, getattr(entry, field_name) + value)
            continue
        m = _KEYWORD.match(line)
        if m is None:
            raise reader.error(f"cannot read {raw.strip()[:40]!r}", lineno)
        keyword, index, rest = m.group(1), m.group(2), m.group(3)
        value = reader.string(rest, lineno)
        if keyword in ("msgctxt", "msgid"):
            if entry is not None and not seen_msgstr:
                if not (keyword == "msgid" and field_name == "msgctxt"):
                    raise reader.error("entry has no msgstr (is the file cut short?)", entry.line)
            else:
                if entry is not None:
                    finish(lineno)
                entry = pending.start(lineno, obsolete)
                seen_msgstr = False
                field_name = None
        if entry is None:
            raise reader.error(f"{keyword} before msgid", lineno)
        if keyword == "msgctxt":
            entry.msgctxt = value
            field_name = "msgctxt"
        elif keyword == "msgid":
            if field_name in ("msgid", "msgid_plural"):
                raise reader.error("two msgid in one entry", lineno)
            entry.msgid = value
            field_name = "msgid"
        elif keyword == "msgid_plural":
            if field_name != "msgid":
                raise reader.error("msgid_plural must follow msgid", lineno)
            entry.msgid_plural = value
            entry.msgstr_plural = {}
            field_name = "msgid_plural"
        elif index is None:  # msgstr
            if seen_msgstr or entry.msgid_plural is not None or field_name not in ("msgid",):
                raise reader.error("msgstr where it does not belong", lineno)
            entry.msgstr = value
            seen_msgstr = True
            field_name = "msgstr"
        else:
            if entry.msgid_plural is None or field_name not in ("msgid_plural", "msgstr_plural"):
                raise reader.error("msgstr[n] where it does not belong", lineno)
            plural_index = int(index)
            if plural_index != len(entry.msgstr_plural):
                raise reader.error(f"msgstr[{plural_index}] out of order", lineno)
            entry.msgstr_plural[plural_index] = value
            seen_msgstr = True
            field_name = "msgstr_plural"
    if entry is not None:
        finish(len(lines))
    if pending.dangling:
        raise reader.error("comments after the last entry (is the file cut short?)", len(lines))
    _check_catalog(reader, catalog)
    return catalog


class _Pending:
    """Comments and previous strings read before the entry they belong to."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.flags, self.comments, self.extracted, self.references = [], [], [], []
        self.prev: dict[str, str] = {}
        self.prev_field: str | None = None
        self.dangling = False

    def comment(self, reader: _Reader, line: str, lineno: int) -> None:
        self.dangling = True
        kind = line[1:2]
        body = line[2:].strip() if kind in ".:,|" else line[1:].removeprefix(" ")
        if kind == ".":
            self.extracted.append(body)
        elif kind == ":":
            self.references.extend(body.split())
        elif kind == ",":
            self.flags.extend(f.strip() for f in body.split(",") if f.strip())
        elif kind == "|":
            self.previous(reader, line[2:].strip(), lineno)
        else:
            self.comments.append(body.rstrip())

    def previous(self, reader: _Reader, line: str, lineno: int) -> None:
        self.dangling = True
        if line.startswith('"'):
            if self.prev_field is None:
                raise reader.error("string outside an entry", lineno)
            self.prev[self.prev_field] += reader.string(line, lineno)
            return
        m = _KEYWORD.match(line)
        if m is None or m.group(1) not in ("msgctxt", "msgid", "msgid_plural"):
            raise reader.error(f"cannot read previous string {line[:40]!r}", lineno)
        self.prev_field = m.group(1)
        self.prev[self.prev_field] = reader.string(m.group(3), lineno)

    def start(self, lineno: int, obsolete: bool) -> Entry:
        entry = Entry("", flags=self.flags, comments=self.comments, extracted=self.extracted,
                      references=self.references, previous_msgctxt=self.prev.get("msgctxt"),
                      previous_msgid=self.prev.get("msgid"),
                      previous_msgid_plural=self.prev.get("msgid_plural"),
                      obsolete=obsolete, line=lineno)
        self.reset()
        return entry


def _check_entry(reader: _Reader, entry: Entry) -> None:
    for value in (entry.msgid, entry.msgstr, entry.msgctxt or "", entry.msgid_plural or "",
                  *(entry.msgstr_plural or {}).values()):
        bad = _CONTROL.search(value.replace("\r", ""))
        if bad:
            raise reader.error(f"control character U+{ord(bad.group()):04X} in a string", entry.line)
    if entry.msgid == "" and not entry.obsolete and (entry.msgctxt is not None):
        raise reader.error("empty msgid is reserved for the header", entry.line)


def _set_header(reader: _Reader, catalog: Catalog, entry: Entry) -> None:
    catalog.header_comments = entry.comments
    catalog.header_fuzzy = entry.fuzzy
    for number, line in enumerate(entry.msgstr.split("\n")):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise reader.error(f"header line {line[:40]!r} is not 'Name: value'", entry.line + number)
        catalog.header[key.strip()] = value.strip()


def _check_catalog(reader: _Reader, catalog: Catalog) -> None:
    content_type = catalog.header.get("Content-Type", "")
    m = re.search(r"charset=([\w.-]+)", content_type)
    if m and m.group(1).upper() not in ("UTF-8", "CHARSET", "UTF8"):
        raise reader.error(f"charset {m.group(1)} declared; catalogs must be UTF-8", 1)
    nplurals = catalog.nplurals
    seen: dict[tuple, int] = {}
    for entry in catalog.entries:
        if entry.obsolete:
            continue
        if entry.key in seen:
            raise reader.error(f"duplicate entry {entry.msgid[:40]!r}, first at line {seen[entry.key]}",
                               entry.line)
        seen[entry.key] = entry.line
        if entry.msgstr_plural is not None and nplurals is not None and \
                len(entry.msgstr_plural) != nplurals:
            raise reader.error(f"{len(entry.msgstr_plural)} plural forms, the header says {nplurals}",
                               entry.line)


# -- writing ----------------------------------------------------------------------

def _quote(value: str) -> str:
    return '"' + (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                  .replace("\t", "\\t").replace("\r", "\\r")) + '"'


def _field(prefix: str, keyword: str, value: str) -> Iterator[str]:
    if "\n" in value[:-1]:
        yield f'{prefix}{keyword} ""'
        for piece in value.splitlines(keepends=True):
            yield prefix + _quote(piece)
    else:
        yield f"{prefix}{keyword} {_quote(value)}"


def generate(catalog: Catalog) -> Iterator[str]:
    """The catalog as lines of PO text (without line ends)."""
    for comment in catalog.header_comments:
        yield f"# {comment}".rstrip()
    if catalog.header_fuzzy:
        yield "#, fuzzy"
    yield 'msgid ""'
    yield 'msgstr ""'
    for key, value in catalog.header.items():
        yield _quote(f"{key}: {value}\n")
    for entry in catalog.entries:
        yield ""
        yield from _entry_lines(entry)


def _entry_lines(entry: Entry) -> Iterator[str]:
    for comment in entry.comments:
        yield f"# {comment}".rstrip()
    for comment in entry.extracted:
        yield f"#. {comment}"
    for ref in entry.references:
        yield f"#: {ref}"
    if entry.flags:
        yield "#, " + ", ".join(entry.flags)
    prefix = "#~ " if entry.obsolete else ""
    prev = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        yield from _field(prev, "msgctxt", entry.previous_msgctxt)
    if entry.previous_msgid is not None:
        yield from _field(prev, "msgid", entry.previous_msgid)
    if entry.previous_msgid_plural is not None:
        yield from _field(prev, "msgid_plural", entry.previous_msgid_plural)
    if entry.msgctxt is not None:
        yield from _field(prefix, "msgctxt", entry.msgctxt)
    yield from _field(prefix, "msgid", entry.msgid)
    if entry.msgid_plural is not None:
        yield from _field(prefix, "msgid_plural", entry.msgid_plural)
        for index, value in sorted((entry.msgstr_plural or {}).items()):
            yield from _field(prefix, f"msgstr[{index}]", value)
    else:
        yield from _field(prefix, "msgstr", entry.msgstr)


def dumps(catalog: Catalog) -> str:
    return "\n".join(generate(catalog)) + "\n"
