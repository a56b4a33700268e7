"""The page's own words (the language switcher, "Last reviewed", the preview notice), per language.

They live in a small gettext domain of their own, ``labels/<language>.po``,
read with the strict catalog reader when first asked for. A language without
a catalog borrows its parent's (``es-MX`` → ``es``), else the English msgid.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .. import po

FOLDER = Path(__file__).resolve().parent / "labels"

LANGUAGES = "Languages"
LAST_REVIEWED = "Last reviewed: %(date)s"
SOURCES = "Research sources"
PDF = "Download PDF"
DRAFT_NOTICE = "Machine-translated, not yet reviewed: this preview is not a published edition."
PUBLISHED = "Published editions"
CHOOSE = "Choose a language"
NOT_PUBLISHED = "This article is not published in this language."
FALLBACK = "This article is not available in %(asked)s; showing %(shown)s."
MACHINE_ASSISTED = "Translated with machine assistance from the original in %(source)s, then reviewed by people."
HUMAN = "Translated by people from the original in %(source)s."
REVIEWERS = "Reviewers: %(count)s. Last approval: %(date)s."
MESSAGES = (LANGUAGES, LAST_REVIEWED, SOURCES, PDF, DRAFT_NOTICE, PUBLISHED, CHOOSE, NOT_PUBLISHED, FALLBACK,
            MACHINE_ASSISTED, HUMAN, REVIEWERS)


@lru_cache(maxsize=64)
def _catalog(name: str) -> dict[str, str] | None:
    path = FOLDER / f"{name}.po"
    if not path.is_file():
        return None
    entries = po.parse(path.read_text(encoding="utf-8"), str(path)).entries
    return {e.msgid: e.msgstr for e in entries if e.state == po.APPROVED}


class Labels:
    """The labels of one language: ``labels(LAST_REVIEWED, date=…)``."""

    def __init__(self, tag: str):
        self.tag = tag
        parts = tag.split("-")
        chain = ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]
        found = [name for name in chain if _catalog(name)]
        self._catalogs = [_catalog(name) for name in found]
        self._words = found[0].replace("_", "-") if found else "en"

    @property
    def words(self) -> str:
        """The language these labels are in: the tag's own catalog, its parent's (``ar`` for ``ar-EG``),
        else English."""
        return self._words

    def language(self, tag: str) -> str:
        """A language's name in the words of these labels, as a sentence holds it ("árabe" in Spanish;
        in English where the labels are the English msgids)."""
        from babel import Locale, UnknownLocaleError

        words = self.words
        try:
            return Locale.parse(tag, sep="-").get_display_name(Locale.parse(words, sep="-")) or tag
        except (ValueError, UnknownLocaleError):
            return tag

    def __call__(self, msgid: str, **values: str) -> str:
        text = next((c[msgid] for c in self._catalogs if c.get(msgid)), msgid)
        return text % values if values else text
