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

The modules, each importing only those named before it: ``charset`` (bytes to text),
``model`` (Entry, Catalog, the states, the header entry), ``syntax`` (what both readers
share), ``parser`` (the general reader), ``read`` (``parse`` and its fast path for plain
catalogs), ``write`` (``generate``, ``dumps``). Callers import the package alone
(``from localize import po``; ``po.parse``, ``po.Entry``, ``po.APPROVED``).
"""

from __future__ import annotations

from .charset import declared_charset, decode
from .model import APPROVED, DRAFT_COMMENT, NEEDS_REVIEW, STALE, STATES, UNTRANSLATED, Catalog, Entry, header_msgstr
from .parser import _Parser
from .read import _parse_plain, parse
from .write import dumps, generate, pieces

__all__ = ["APPROVED", "DRAFT_COMMENT", "NEEDS_REVIEW", "STALE", "STATES", "UNTRANSLATED", "Catalog", "Entry",
           "declared_charset", "decode", "dumps", "generate", "header_msgstr", "parse", "pieces",
           "_Parser", "_parse_plain"]   # the two readers by themselves, which tests hold against each other
