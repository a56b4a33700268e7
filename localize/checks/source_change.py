"""The check of a source change nobody has looked at: the translation may still say what the source no longer does.

``update`` records on each entry what kind of change its source went through
(``# source-change: numbers``, see :mod:`localize.changes`); the record stays
until a person saves or approves the entry. A change of numbers, citations,
names or link targets is an error until then: the translation almost surely
still carries the old ones.
"""

from __future__ import annotations

from .. import changes
from .base import ERROR, Context, Pair, Said, check, said


@check("source-change", ERROR)
def source_change(pair: Pair, ctx: Context) -> list[Said] | None:
    """The source changed its numbers, citations, names or link targets, and no person has looked since: each
    kind of change."""
    entry = pair.entry
    if entry is None or not entry.comments or not changes.source_change(entry):
        return None
    return [_SAID[kind] for kind in changes.unseen_change(entry, names=ctx.protected, citations=ctx.citations or None)
            if kind in _SAID]


# One whole sentence per kind of change (changes.MUST_LOOK), so that each is translated as a whole.
_SAID = {
    "numbers": said("the source's numbers changed since this was translated: "
                    "check the translation, then save or approve it"),
    "citations": said("the source's citations changed since this was translated: "
                      "check the translation, then save or approve it"),
    "names": said("the source's names changed since this was translated: "
                  "check the translation, then save or approve it"),
    "links": said("the source's link targets changed since this was translated: "
                  "check the translation, then save or approve it"),
}
