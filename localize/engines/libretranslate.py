"""LibreTranslate through deep-translator: libretranslate.com with ``LIBRE_API_KEY``, or a
server of your own at ``LOCALIZE_LIBRETRANSLATE_URL`` (key optional there). One request per text.
"""

from __future__ import annotations

import os

from .online import DeepTranslatorProvider, EngineError


class LibreTranslate(DeepTranslatorProvider):
    name = "libretranslate"
    upstream = "https://libretranslate.com/"

    module, languages = "libre", "LIBRE_LANGUAGES_TO_CODES"

    def __init__(self, **options):
        super().__init__(**options)
        self.key = os.environ.get("LIBRE_API_KEY", "").strip()
        if not self.key and self.transport.base == self.upstream:
            raise EngineError("libretranslate: set LIBRE_API_KEY, or LOCALIZE_LIBRETRANSLATE_URL "
                              "for a server of your own")

    def translator(self, source: str, target: str):
        from deep_translator import LibreTranslator

        # deep-translator insists on a key; a server of your own ignores one it does not need
        return LibreTranslator(source=source, target=target, api_key=self.key or "none",
                               custom_url=self.transport.base)
