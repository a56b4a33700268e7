"""MyMemory (translated.net) through deep-translator; no key (``MYMEMORY_EMAIL`` raises the daily quota).

One request per text, at most 500 characters each.
"""

from __future__ import annotations

import os

from .online import DeepTranslatorProvider, EngineError


class MyMemory(DeepTranslatorProvider):
    name = "mymemory"
    upstream = "http://api.mymemory.translated.net/"
    max_chars = 499

    module, languages = "mymemory", "MY_MEMORY_LANGUAGES_TO_CODES"

    def __init__(self, **options):
        super().__init__(**options)
        self.transport.check = _refused

    def code(self, tag: str) -> str | None:
        if tag in self.codes:
            return tag
        base = tag.split("-")[0]
        preferred = f"{base}-{base.upper()}"  # es-ES, fr-FR
        if preferred in self.codes:
            return preferred
        if base == "en":
            return "en-GB"
        return next((code for code in sorted(self.codes) if code.split("-")[0] == base), None)

    def translator(self, source: str, target: str):
        from deep_translator import MyMemoryTranslator

        options = {}
        if os.environ.get("MYMEMORY_EMAIL"):
            options["email"] = os.environ["MYMEMORY_EMAIL"]
        translator = MyMemoryTranslator(source=source, target=target, **options)
        translator._base_url = self.transport.url(translator._base_url)
        return translator


def _refused(transport, response) -> None:
    """MyMemory answers 200 with its own status inside: a quota warning is not a translation."""
    try:
        answer = response.json()
    except ValueError:
        return  # deep-translator reports an unreadable answer
    if not isinstance(answer, dict):
        return
    status = answer.get("responseStatus")
    if answer.get("quotaFinished") or (status is not None and str(status) != "200"):
        detail = answer.get("responseDetails") or (answer.get("responseData") or {}).get("translatedText") or ""
        raise EngineError(f"mymemory: {transport.host} refused: {' '.join(str(detail).split())[:120]} "
                          f"(status {status})")
