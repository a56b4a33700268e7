"""Pseudo-localization: accented, lengthened, bracketed text for testing layouts and the UI.

``Ŧĥé ŝţûðý ŝĥöŵéð`` shows at a glance what went through translation, how a
page copes with text a third longer, and whether characters beyond ASCII
survive. Markup and other protected parts stay as they are. A pseudo
translation is never publishable: the ``pseudo`` check blocks any that is
approved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import Draft, Engine

OPEN, CLOSE = "[!! ", " !!]"
_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçðéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇÐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_TOKEN = re.compile(r"(⟦\d+⟧)")
_VOWELS = re.compile(r"([aeiouAEIOU])")
GROWTH = 0.35  # how much longer than the source a pseudo text is


def pseudo(text: str) -> str:
    """The pseudo-translation of a protected text; its tokens are left alone."""
    parts = _TOKEN.split(text)
    letters = sum(len(p) for i, p in enumerate(parts) if i % 2 == 0)
    extra = int(letters * GROWTH)
    out = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            # double vowels until the text has grown enough, then accent every letter
            def stretch(m: re.Match) -> str:
                nonlocal extra
                if extra > 0:
                    extra -= 1
                    return m.group(1) * 2
                return m.group(1)
            part = _VOWELS.sub(stretch, part).translate(_ACCENTS)
        out.append(part)
    return OPEN + "".join(out) + "·" * max(extra, 0) + CLOSE


def is_pseudo(translation: str) -> bool:
    return translation.startswith(OPEN.strip()) and translation.endswith(CLOSE.strip())


class Pseudo(Engine):
    name = "pseudo"
    online = False
    batch_size = 100_000
    max_chars = None

    def supports(self, source: str, target: str) -> bool:
        return True

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Draft | None]:
        return [Draft(pseudo(text), "pseudo") if text.strip() else None for text in texts]
