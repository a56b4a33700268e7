"""The general reader: GNU gettext's grammar, token by token, for whatever the fast path declines."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .charset import _charset_of
from .model import Catalog, Entry, _set_header
from .syntax import _check_entry, _comment, _Reader

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
