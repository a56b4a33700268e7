"""A three-way merge of two catalogs entry by entry, for ``localize sync`` (git's merge driver for ``*.po``).

Git merges text line by line: two people approving different paragraphs of one
catalog merge cleanly, but two versions of one paragraph conflict as text, and
lines that merge cleanly can still leave an entry twice. Here each entry, keyed
by its context and ``msgid``, is merged as a whole against the common base:

* a side that left the entry as the base was takes the other side's version;
* two different versions of one translation keep the better one (approved over
  a person's work needing review, over a machine draft or a stale entry, over
  nothing; ours when they are alike), and the other becomes a
  :class:`Conflict`, which ``localize sync`` stores as a suggestion: no
  translation is lost;
* an entry one side removed (its paragraph left the article) and the other side
  changed is kept as obsolete (``#~``), with its translation.

The result keeps our order of entries, with entries only the other side has
placed after the entry that comes before them there.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from . import po
from .errors import CatalogError

Key = tuple[str | None, str]


@dataclass(frozen=True)
class Conflict:
    """Two versions of one entry's translation: ``kept`` is in the merged catalog, ``other`` is not."""

    msgctxt: str | None
    msgid: str
    kept: str
    other: str
    other_state: str

    def as_dict(self) -> dict:
        return {"msgctxt": self.msgctxt, "msgid": self.msgid, "kept": self.kept, "other": self.other,
                "other_state": self.other_state}


def merge3(base: po.Catalog | None, ours: po.Catalog, theirs: po.Catalog) -> tuple[po.Catalog, list[Conflict]]:
    """Merge ``theirs`` into ``ours`` against their common ``base`` (None: the catalog is new on both sides)."""
    base_index = {e.key: e for e in base.entries} if base is not None else {}
    ours_index = {e.key: e for e in ours.entries}
    theirs_index = {e.key: e for e in theirs.entries}
    conflicts: list[Conflict] = []
    merged: dict[Key, po.Entry] = {}
    for key in _order(ours, theirs):
        entry = _merge_entry(base_index.get(key), ours_index.get(key), theirs_index.get(key), conflicts)
        if entry is not None:
            merged[key] = entry
    result = copy.copy(ours)
    result.header = dict(ours.header)
    revision = max(ours.header.get("PO-Revision-Date", ""), theirs.header.get("PO-Revision-Date", ""))
    if revision:
        result.header["PO-Revision-Date"] = revision
    active = [e for e in merged.values() if not e.obsolete]
    result.entries = active + [e for e in merged.values() if e.obsolete]
    return result, conflicts


def _order(ours: po.Catalog, theirs: po.Catalog) -> list[Key]:
    """Our keys in our order, each key only the other side has after the key before it there."""
    order = [e.key for e in ours.entries]
    known = set(order)
    after: dict[Key | None, list[Key]] = {}
    previous: Key | None = None
    for entry in theirs.entries:
        if entry.key not in known:
            after.setdefault(previous, []).append(entry.key)
            known.add(entry.key)
        previous = entry.key
    placed = list(after.pop(None, []))
    for key in order:
        placed.append(key)
        stack = list(after.pop(key, []))
        while stack:   # a run of new entries: each may itself precede more
            new = stack.pop(0)
            placed.append(new)
            stack[:0] = after.pop(new, [])
    for rest in after.values():   # after keys neither side still has in order (cannot happen; kept anyway)
        placed.extend(rest)
    return placed


def _signature(entry: po.Entry | None) -> tuple | None:
    """What a person or a job may change in an entry: the merge compares these."""
    if entry is None:
        return None
    plural = tuple(sorted(entry.msgstr_plural.items())) if entry.msgstr_plural is not None else None
    return (entry.msgstr, plural, tuple(entry.flags), tuple(entry.comments), entry.obsolete,
            entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural, entry.msgid_plural,
            tuple(entry.extracted), tuple(entry.references))


def _rank(entry: po.Entry) -> int:
    """How far an entry's translation got: approved 4, a person's needing review 3, a machine draft 2,
    stale 1, untranslated 0."""
    state = entry.state
    if state == po.APPROVED:
        return 4
    if state == po.NEEDS_REVIEW:
        return 2 if entry.draft_origin else 3
    return 1 if state == po.STALE else 0


def _text(entry: po.Entry) -> str:
    if entry.msgstr_plural is not None:
        return "\n".join(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
    return entry.msgstr


def _merge_entry(base: po.Entry | None, ours: po.Entry | None, theirs: po.Entry | None,
                 conflicts: list[Conflict]) -> po.Entry | None:
    b, o, t = _signature(base), _signature(ours), _signature(theirs)
    if o == t:
        return ours
    if o == b:
        return theirs
    if t == b:
        return ours
    if ours is None or theirs is None:   # removed on one side, changed on the other: kept, obsolete if gone
        kept = copy.deepcopy(ours if ours is not None else theirs)
        if kept.translated:
            kept.obsolete = True
            return kept
        return None
    winner, loser = (theirs, ours) if _rank(theirs) > _rank(ours) else (ours, theirs)
    if loser.translated and _text(loser) != _text(winner):
        conflicts.append(Conflict(winner.msgctxt, winner.msgid, _text(winner), _text(loser), loser.state))
    return winner


def merge_files(base: Path, ours: Path, theirs: Path, shown: str) -> list[Conflict]:
    """Merge three catalog files as git's merge driver gets them: the result replaces ``ours``."""
    def read(path: Path, side: str) -> po.Catalog | None:
        text = path.read_bytes().decode("utf-8", "replace") if path.exists() else ""
        if not text.strip():
            return None
        try:
            return po.parse(text, f"{shown} ({side})")
        except CatalogError as exc:
            raise CatalogError(f"cannot merge {shown}: {exc}") from None

    mine, other = read(ours, "ours"), read(theirs, "theirs")
    if mine is None or other is None:
        raise CatalogError(f"cannot merge {shown}: one side removed the catalog and the other changed it")
    merged, conflicts = merge3(read(base, "base"), mine, other)
    text = po.dumps(merged)
    tmp = ours.with_name(ours.name + ".merging")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, ours)
    return conflicts


def main(argv: list[str]) -> int:
    """git's merge driver: ``python -m localize.pomerge BASE OURS THEIRS PATH``; conflicts are appended as
    JSON lines to the file ``LOCALIZE_MERGE_CONFLICTS`` names. Exit 0: merged; 1: not merged (said why)."""
    if len(argv) != 4:
        print("usage: python -m localize.pomerge BASE OURS THEIRS PATH", file=sys.stderr)
        return 2
    base, ours, theirs, shown = argv
    try:
        conflicts = merge_files(Path(base), Path(ours), Path(theirs), shown)
    except (CatalogError, OSError) as exc:
        print(f"localize: {exc}", file=sys.stderr)
        return 1
    record = os.environ.get("LOCALIZE_MERGE_CONFLICTS")
    if record and conflicts:
        with open(record, "a", encoding="utf-8") as out:
            for conflict in conflicts:
                out.write(json.dumps({"path": shown, **conflict.as_dict()}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
