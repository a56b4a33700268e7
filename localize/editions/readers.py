"""Which edition a reader gets: Accept-Language against the published languages."""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel.core import negotiate_locale

from .. import languages
from ..errors import LanguageError

_RANGE = re.compile(r"\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?\s*")
_MAX_RANGES = 32   # a header is the client's to write: only this many ranges are looked at


def preferences(accept_language: str | None) -> list[str]:
    """The language ranges of an Accept-Language header, most wanted first (``q=0`` and ``*`` left out)."""
    ranked = []
    for position, part in enumerate((accept_language or "")[:2000].split(",")[:_MAX_RANGES]):
        m = _RANGE.fullmatch(part)
        if m is None or m.group(1) == "*":
            continue
        try:
            q = float(m.group(2)) if m.group(2) is not None else 1.0
        except ValueError:
            continue
        if 0 < q <= 1:
            ranked.append((-q, position, m.group(1)))
    return [tag for _, _, tag in sorted(ranked)]


def _variants(tag: str) -> list[str]:
    """The tag, its canonical form with likely script ("zh-TW" → "zh-Hant-TW"), and that form shortened."""
    found = [tag]
    try:
        canonical = languages.validate(tag)
    except LanguageError:
        return found
    parts = canonical.split("-")
    found += ["-".join(parts[:n]) for n in range(len(parts), 1, -1)]
    return found


def negotiate(accept_language: str | None, published: Iterable[str], default: str) -> str:
    """The published language that best fits the reader's Accept-Language, else ``default``.

    Babel's negotiation (exact match, then the language alone: ``es-MX`` gets
    ``es``), after each wanted range has been given its canonical form, so that
    ``zh-TW`` finds ``zh-Hant``.
    """
    available = [tag for tag in published if tag]
    wanted = [v for tag in preferences(accept_language) for v in _variants(tag)]
    found = negotiate_locale(wanted, available, sep="-") if wanted and available else None
    if found is None:
        return default
    by_case = {tag.lower(): tag for tag in available}
    return by_case.get(found.lower(), default)
