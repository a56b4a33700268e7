"""What both readers share (the fast path in read.py, the general parser in parser.py):
quoted strings and C's escapes, comment lines, the checks msgfmt makes of one entry."""

from __future__ import annotations

import re

from ..errors import CatalogError
from .charset import _codec
from .model import Catalog, Entry

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
