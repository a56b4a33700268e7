"""The writer: one line per string, and everything the reader read kept."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Catalog, Entry, header_msgstr

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
    for lines in _batches(catalog, out, None):
        pass
    return out


def pieces(catalog: Catalog, lines: int = 4096) -> Iterator[str]:
    """The catalog's PO text in pieces of about ``lines`` lines (``"".join`` of them is :func:`dumps`): what
    writes a big catalog without holding its whole text, its lines and its bytes at once."""
    out: list[str] = []
    for _ in _batches(catalog, out, lines):   # its last pause comes after the last line
        if out:
            yield "\n".join(out) + "\n"
            out.clear()


def _batches(catalog: Catalog, out: list[str], every: int | None) -> Iterator[None]:
    """Append the catalog's lines to ``out``, pausing (a yield) whenever it holds ``every`` lines or more."""
    entries = catalog.entries
    at = min(catalog.header_index, len(entries))
    for entry in entries[:at]:
        _entry_lines(out, entry)
        out.append("")
        if every is not None and len(out) >= every:
            yield
    _header_lines(out, catalog)
    for entry in entries[at:]:
        out.append("")
        _entry_lines(out, entry)
        if every is not None and len(out) >= every:
            yield
    if catalog.trailing_comments:
        out.append("")
        for line in catalog.trailing_comments:
            _comment_line(out, "#" + line.replace("\x00", "\ufffd"))
    yield


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
