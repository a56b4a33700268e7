"""Bytes to text: the charset a catalog declares, found as GNU gettext finds it, and
the text read in it."""

from __future__ import annotations

import re

from ..errors import CatalogError

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
# Strings as "unrolled loops" (runs of plain bytes between escapes): one step per run, not per byte.
_HEADER_BYTES = re.compile(rb'^[ \t]*msgid[ \t]*""(?:\s*"")*\s*msgstr[ \t]*((?:\s*"[^"\\\n]*(?:\\.[^"\\\n]*)*")+)',
                           re.MULTILINE)
_STRING_BYTES = re.compile(rb'"([^"\\\n]*(?:\\.[^"\\\n]*)*)"')


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


def _charset_of(text: str) -> str | None:
    """The charset a header declares, as GNU gettext finds it: after the first "charset="."""
    at = text.find("charset=")
    if at < 0:
        return None
    return re.match(r"[^ \t\n]*", text[at + len("charset="):]).group()
