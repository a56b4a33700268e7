"""Microsoft Translator v3, called directly: ``MICROSOFT_API_KEY`` (and ``MICROSOFT_REGION``).

Up to 100 texts a request. Its languages come from the service's own
``/languages`` list, asked once (deep-translator asks for it on every start,
without a timeout, and sends one text a request).
"""

from __future__ import annotations

import os

from .online import EngineError, Provider


class Microsoft(Provider):
    name = "microsoft"
    upstream = "https://api.cognitive.microsofttranslator.com/"
    key_variable = "MICROSOFT_API_KEY"
    batch_size = 100

    def __init__(self, **options):
        super().__init__(**options)
        self.region = os.environ.get("MICROSOFT_REGION", "").strip()
        self._codes: frozenset[str] | None = None

    @property
    def codes(self) -> frozenset[str]:
        if self._codes is None:
            answer = self.transport.json("GET", self.transport.base + "languages",
                                         params={"api-version": "3.0", "scope": "translation"})
            try:
                self._codes = frozenset(answer["translation"])
            except (KeyError, TypeError):
                raise EngineError(f"microsoft: {self.transport.host} sent no language list") from None
        return self._codes

    def code(self, tag: str) -> str | None:
        """Microsoft lists some codes in lower case (pt-pt, fr-ca), others not (zh-Hans)."""
        by_lower = {code.lower(): code for code in self.codes}
        for candidate in (tag, tag.split("-")[0]):
            if candidate.lower() in by_lower:
                return by_lower[candidate.lower()]
        return None

    def send(self, texts: list[str], source: str, target: str) -> list[str | None]:
        headers = {"Ocp-Apim-Subscription-Key": self.key}
        if self.region:
            headers["Ocp-Apim-Subscription-Region"] = self.region
        found: list[str | None] = []
        for start in range(0, len(texts), 100):
            part = texts[start:start + 100]
            answer = self.transport.json(
                "POST", self.transport.base + "translate",
                params={"api-version": "3.0", "from": source, "to": target, "textType": "plain"},
                headers=headers, json=[{"Text": text} for text in part],
            )
            try:
                found.extend(item["translations"][0]["text"] for item in answer)
            except (KeyError, TypeError, IndexError):
                raise EngineError(f"microsoft: {self.transport.host} sent an answer without translations") from None
        return found
