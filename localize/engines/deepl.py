"""DeepL's API v2, called directly: ``DEEPL_API_KEY`` (a key ending in ``:fx`` uses the free API).

Up to 50 texts a request, the key in the ``Authorization`` header (deep-translator
sends it in the query string, which DeepL no longer accepts, and one text a request).
"""

from __future__ import annotations

import os

from .online import EngineError, Provider

_CODES = ("ar bg cs da de el en en-GB en-US es et fi fr hu id it ja ko lt lv nb nl pl pt pt-BR pt-PT "
          "ro ru sk sl sv tr uk zh zh-Hans zh-Hant").split()


class DeepL(Provider):
    name = "deepl"
    key_variable = "DEEPL_API_KEY"
    batch_size = 50
    codes = frozenset(_CODES)

    def __init__(self, **options):
        key = os.environ.get("DEEPL_API_KEY", "").strip()
        self.upstream = "https://api-free.deepl.com/" if key.endswith(":fx") else "https://api.deepl.com/"
        super().__init__(**options)

    def code(self, tag: str) -> str | None:
        if tag in self.codes:
            return tag.upper()
        base = tag.split("-")[0]
        return base.upper() if base in self.codes else None

    def send(self, texts: list[str], source: str, target: str) -> list[str | None]:
        found: list[str | None] = []
        for start in range(0, len(texts), 50):
            part = texts[start:start + 50]
            answer = self.transport.json(
                "POST", self.transport.base + "v2/translate",
                headers={"Authorization": f"DeepL-Auth-Key {self.key}"},
                data={"text": part, "source_lang": source.split("-")[0], "target_lang": target},
            )
            try:
                found.extend(item["text"] for item in answer["translations"])
            except (KeyError, TypeError):
                raise EngineError(f"deepl: {self.transport.host} sent an answer without translations") from None
        return found
