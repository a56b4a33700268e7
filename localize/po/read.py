"""Reading PO text: ``parse``, its fast path for plain catalogs, and the checks msgfmt
makes of the whole catalog."""

from __future__ import annotations

import re

from .. import plurals
from .model import Catalog, Entry, _plural_header, _set_header, header_msgstr
from .parser import _Parser
from .syntax import _CONTEXT_SEPARATOR, _STRING, _check_entry, _comment, _Reader


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
    _check_catalog(reader, catalog, empty=not text or text.isspace())
    return catalog


def _check_characters(text: str, reader: _Reader) -> None:
    """No NUL (msgfmt cuts a string there) and no surrogate (not text) anywhere."""
    at = text.find("\x00")
    if not text.isascii():
        step = 1 << 20   # a slice at a time: a big catalog is not held twice
        for start in range(0, len(text), step):
            try:
                text[start:start + step].encode("utf-8")    # the quickest search for a surrogate
            except UnicodeEncodeError as exc:
                at = start + exc.start if at < 0 else min(at, start + exc.start)
                break
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

def _text_line(catalog: Catalog, pos: int) -> int:
    """The line of a place in the header text, for messages."""
    return catalog.header_text_line + header_msgstr(catalog).count("\n", 0, pos)


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
