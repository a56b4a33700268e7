"""Finding the texts most like a text among many, in time that does not grow with how many there are.

Comparing a text with every other one (rapidfuzz's ``ratio``, an edit distance) grows with their number:
a big catalog's merge, or a translation memory of 100,000 units, would pay it for every unit. A
:class:`Shortlist` indexes the texts by their runs of three words; a text is compared only with the
``SHORTLIST`` texts that share the most of its ``RAREST`` rarest runs. An old version of a paragraph
edited by a word shares almost all of its runs, the rare ones included, where paragraphs made of the
same sentences share only the common ones; texts whose length rules the cutoff out are never compared.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections import Counter
from itertools import chain

SHORTLIST = 32   # texts compared with the one looked up: those sharing the most of its rarest runs of words
RAREST = 8       # the runs of words of the text looked up that count: those the fewest texts have
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def shingles(text: str) -> set[int]:
    """The runs of three words of a text (of its words, if it has fewer), hashed."""
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return {hash(tuple(words))} if words else set()
    return {hash(run) for run in zip(words, words[1:], words[2:])}


class Shortlist:
    """Texts by the runs of words they hold, to compare a text with the few that can be like it.

    Texts are numbered by length, shortest first, so that every run's list of texts is in order of
    length too: a lookup counts, in each list, only the slice of texts whose length lets them reach
    the cutoff at all (two texts of lengths a and b score at most 200 * min(a, b) / (a + b)).
    """

    def __init__(self, texts: list[str], *, rarest: int = RAREST, shortlist: int = SHORTLIST):
        self.texts = texts
        self.rarest, self.size = rarest, shortlist
        self.lengths = [len(t) for t in texts]
        self.order = sorted(range(len(texts)), key=self.lengths.__getitem__)   # number → index in texts
        self.by_length = [self.lengths[i] for i in self.order]
        postings: dict[int, list[int]] = {}
        for number, i in enumerate(self.order):
            for key in shingles(texts[i]):
                postings.setdefault(key, []).append(number)
        self.postings = postings

    def _shortlist(self, text: str, cutoff: float = 0.0) -> list[int]:
        found = [ids for key in shingles(text) if (ids := self.postings.get(key))]
        # ties between runs as rare as each other broken by the texts holding them, not by the order of a
        # set of hashes (which changes from one process to the next): the same merge every time
        chosen = heapq.nsmallest(self.rarest, found, key=lambda ids: (len(ids), ids))
        if cutoff > 0:   # only the texts long enough and short enough to reach the cutoff
            share, size = cutoff / 100.0, len(text)
            lo = bisect.bisect_left(self.by_length, math.floor(size * share / (2 - share)) - 1)
            hi = bisect.bisect_right(self.by_length, math.ceil(size * (2 - share) / share) + 1)
            chosen = [ids[bisect.bisect_left(ids, lo):bisect.bisect_left(ids, hi)] for ids in chosen]
        # counted in C (a Counter over a chain): in a big memory a lookup visits some 100,000 of them
        hits = Counter(chain.from_iterable(chosen))
        return [self.order[n] for n in heapq.nlargest(self.size, hits, key=hits.__getitem__)]

    def ranked(self, text: str, cutoff: float, limit: int) -> list[tuple[int, float]]:
        """(index, score) of the texts most like ``text``, at least ``cutoff``, best first (``limit`` of them)."""
        from rapidfuzz import fuzz

        size, share = len(text), cutoff / 100.0
        scored = []
        for i in self._shortlist(text, cutoff):
            other = self.lengths[i]
            if 2 * min(size, other) < share * (size + other):   # too short or too long to reach the cutoff
                continue
            score = fuzz.ratio(text, self.texts[i], score_cutoff=cutoff)
            if score:
                scored.append((score, -i))
        return [(-neg, score) for score, neg in heapq.nlargest(limit, scored)]

    def best(self, text: str, cutoff: float) -> int | None:
        """The index of the text most like ``text``, at least ``cutoff``; None if none is."""
        found = self.ranked(text, cutoff, 1)
        return found[0][0] if found else None
