"""The PDF edition: WeasyPrint, in process, one warm renderer for a batch.

The PDF is made from the very HTML of the edition, with its print stylesheet.
WeasyPrint is imported, and its fonts and caches warmed, once per process; a
batch of editions then costs a layout each, not a start-up each.

Rendering fetches nothing from the network and no file outside the edition's
assets folder: the URL fetcher allows ``data:`` URLs and ``file:`` URLs that
resolve inside that folder, and refuses everything else.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class AssetsFetcher(URLFetcher):
        """``data:`` URLs, and files inside one folder; nothing else."""

        def __init__(self, folder: Path):
            super().__init__(timeout=5, allowed_protocols={"data", "file"}, allow_redirects=False)
            self.folder = folder.resolve()
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path)).resolve()
                if not path.is_relative_to(self.folder):
                    self.refused.append(url)
                    raise ValueError(f"{url} is outside the edition's assets")
            elif scheme != "data":
                self.refused.append(url)
                raise ValueError(f"{url}: only data: and the edition's own assets are fetched")
            return super().fetch(url, headers)

    return AssetsFetcher


class _Collect(logging.Handler):
    """WeasyPrint's complaints during one document (a missing glyph is only logged)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class Renderer:
    """One warm WeasyPrint: built once per process, used for every PDF of a batch."""

    def __init__(self, assets: Path):
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self.assets = Path(assets).resolve()
        self._fetcher = _fetcher_class()(self.assets)
        self._fonts = FontConfiguration()
        self._cache: dict = {}
        self._sheets: dict[str, list] = {}

    def _stylesheets(self, language: str) -> list:
        """The shared screen and print stylesheets of a language, parsed once."""
        found = self._sheets.get(language)
        if found is None:
            from .page import stylesheets

            screen, paper = stylesheets(language)
            found = self._sheets[language] = [self._weasyprint.CSS(
                string=screen + "\n" + paper, base_url=self.assets.as_uri() + "/", url_fetcher=self._fetcher,
                font_config=self._fonts)]
        return found

    def render(self, html: str, language: str | None = None) -> tuple[bytes, list[str]]:
        """The PDF of an edition's HTML, and what WeasyPrint warned about (missing glyphs, refused URLs).

        With ``language``, the page comes without the shared stylesheets of that
        language (:func:`.page.for_print`) and they are added here, parsed once.
        """
        handler = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        try:
            document = self._weasyprint.HTML(string=html, base_url=self.assets.as_uri() + "/",
                                             url_fetcher=self._fetcher)
            data = document.write_pdf(stylesheets=self._stylesheets(language) if language else None,
                                      font_config=self._fonts, cache=self._cache, pdf_identifier=b"localize",
                                      uncompressed_pdf=False)
        finally:
            logger.removeHandler(handler)
        return data, handler.messages


_RENDERERS: dict[Path, Renderer] = {}


def preload(assets: Path | None = None, languages: tuple[str, ...] = ()) -> None:
    """Import WeasyPrint and, with ``assets``, warm this process's renderer (fonts, hyphenation, the
    languages' stylesheets): done before worker processes are forked, it is done once for all of them."""
    import weasyprint  # noqa: F401

    if assets is not None:
        warm = renderer(assets)
        for tag in languages:
            warm.render(f'<!DOCTYPE html><html lang="{tag}"><head><title>-</title></head>'
                        f'<body><h1>Ab</h1><p>Ab <em>cd</em> <strong>ef</strong></p></body></html>', tag)


def renderer(assets: Path) -> Renderer:
    """This process's warm renderer for an assets folder (made on first use, after any fork)."""
    key = Path(assets).resolve()
    found = _RENDERERS.get(key)
    if found is None:
        found = _RENDERERS[key] = Renderer(key)
    return found
