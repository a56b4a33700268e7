"""The catalog model: Entry, Catalog, the entry states, and the header entry's text and fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import plurals
from .charset import _charset_of, _codec

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


def _header_field_line(catalog: Catalog, key: str) -> int:
    line = catalog.header_lines.get(key)
    if line is None:  # a catalog made in code: where the writer puts the field
        fields = list(catalog.header)
        line = catalog.header_line + (2 + fields.index(key) if key in fields else 0)
    return line


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
