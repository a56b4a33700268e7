"""Editions: HTML and PDF per language, the publish gate, the manifest, reader pages and the static site.

The pipeline's last step. ``export`` takes one snapshot of an article and its
catalog, asks the gate (:mod:`.gate`) whether it may be published, builds
the standalone HTML page (:mod:`.page`), makes the PDF from that very HTML
with WeasyPrint (:mod:`.pdf`), and writes the manifest last (:mod:`.store`).
Readers are served through :func:`published`, :func:`find` and
:func:`negotiate`; :func:`write_site` lays every published edition out as a
static site.
"""

from .config import Config, config, page_size
from .export import PREVIEW, PUBLISHED, REFUSED, NotPublished, Outcome, Report, export, formats_of
from .readers import negotiate, preferences
from .site import (feed, language_index, languages_of, listing, not_published, picker, robots, sitemap,
                   with_fallback_note, write_site)
from .store import FORMATS, find, published, source_language

__all__ = ["FORMATS", "PREVIEW", "PUBLISHED", "REFUSED", "Config", "NotPublished", "Outcome", "Report",
           "config", "export", "feed", "find", "formats_of", "language_index", "languages_of", "listing", "negotiate",
           "not_published", "page_size", "picker", "preferences", "published", "robots", "sitemap",
           "source_language", "with_fallback_note", "write_site"]
