"""Google Translate's web endpoint through deep-translator; no key. One request per text."""

from __future__ import annotations

from .online import DeepTranslatorProvider


class Google(DeepTranslatorProvider):
    name = "google"
    upstream = "https://translate.google.com/"
    max_chars = 4999

    module, languages = "google", "GOOGLE_LANGUAGES_TO_CODES"

    def code(self, tag: str) -> str | None:
        special = {"he": "iw", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}
        for candidate in (special.get(tag), tag, special.get(tag.split("-")[0]), tag.split("-")[0]):
            if candidate in self.codes:
                return candidate
        return None

    def translator(self, source: str, target: str):
        from deep_translator import GoogleTranslator

        translator = GoogleTranslator(source=source, target=target)
        translator._base_url = self.transport.url(translator._base_url)
        return translator
