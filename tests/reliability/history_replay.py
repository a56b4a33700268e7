"""Replaying the change history onto a starting catalog, checked against the catalog as it ends.

The states are read from the files with polib, not with localize's reader:
untranslated (empty msgstr), stale (fuzzy with ``#| msgid``), machine draft
(fuzzy with a ``# draft:`` comment), needs review (fuzzy), approved, obsolete (``#~``).
"""

from __future__ import annotations

from pathlib import Path

import polib

from localize.review import entry_id

UNTRANSLATED = ("", "untranslated")


def state(entry: polib.POEntry) -> str:
    if entry.obsolete:
        return "obsolete"
    if not entry.msgstr:
        if any(line.startswith("rejected: ") for line in (entry.tcomment or "").splitlines()):
            return "rejected"
        return "untranslated"
    if "fuzzy" in entry.flags:
        if entry.previous_msgid:
            return "stale"
        if any(line.startswith("draft: ") for line in (entry.tcomment or "").splitlines()):
            return "machine draft"
        return "needs review"
    return "approved"


def states(path: Path) -> dict[str, tuple[str, str]]:
    """entry id → (msgstr, state) of every entry of a catalog file, obsolete ones included (a live one wins)."""
    found: dict[str, tuple[str, str]] = {}
    entries = polib.pofile(str(path), wrapwidth=0)
    for e in sorted(entries, key=lambda e: not e.obsolete):
        if e.msgid:
            found[entry_id(e.msgctxt, e.msgid)] = (e.msgstr, state(e))
    return found


def replay_problems(changes, start: dict[str, tuple[str, str]], final: dict[str, tuple[str, str]]) -> list[str]:
    """What does not add up when ``changes`` (one catalog's, in order) are replayed from ``start`` to ``final``.

    Every change must start where the entry was (the start, or the change
    before it); every entry must end as the last change left it; an entry
    no longer in the file must have ended untranslated.
    """
    now = dict(start)
    problems = []
    for change in changes:
        was = now.get(change.entry, UNTRANSLATED)
        if (change.old_msgstr, change.old_state) != was:
            problems.append(f"change {change.id} ({change.action} by {change.user}) of {change.msgid[:40]!r} starts "
                            f"from {(change.old_msgstr[:40], change.old_state)}, the entry was {(was[0][:40], was[1])}")
        now[change.entry] = (change.new_msgstr, change.new_state)
    for ident in now.keys() | final.keys():
        replayed, found = now.get(ident, UNTRANSLATED), final.get(ident, UNTRANSLATED)
        if replayed != found:
            problems.append(f"entry {ident}: the history ends at {(replayed[0][:40], replayed[1])}, "
                            f"the file holds {(found[0][:40], found[1])}")
    return problems
