"""Machine-translation engines behind one small interface, and their registry.

An engine translates a batch of texts from one language to another. Texts
reach it protected (see :mod:`localize.protect`): markup, numbers, links and
names are tokens like ``⟦3⟧`` that it must hand back untouched.

Every engine says:

* ``name``: how ``--engine`` and ``[tool.localize.engines]`` call it;
* ``online``: whether text leaves this machine;
* ``supports(source, target)``: whether it can translate that pair (BCP 47);
* ``translate(texts, source, target)``: one :class:`Draft` (or None where it
  has nothing) per text, in order. It raises :class:`EngineError` with a
  one-line reason when it cannot work at all.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import BadInput, LocalizeError


class EngineError(LocalizeError):
    """An engine cannot translate: not installed, unreachable, refused. One line, naming it."""


class UnknownEngine(BadInput):
    """No engine by that name, or it does not handle the language pair."""


@dataclass(frozen=True, slots=True)
class Draft:
    """One machine translation and where it came from.

    ``origin`` is recorded on the entry ("apertium eng-spa", "memory 92%");
    ``unknown`` lists source words the engine did not know.
    """

    text: str
    origin: str
    unknown: tuple[str, ...] = ()
    score: int | None = None


class Engine:
    name: str = ""
    online: bool = False

    def supports(self, source: str, target: str) -> bool:
        raise NotImplementedError

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Draft | None]:
        raise NotImplementedError

    def unsupported(self, source: str, target: str) -> UnknownEngine:
        return UnknownEngine(f"{self.name} cannot translate {source} → {target}")


# name -> "module:Class", imported when asked for: an offline run never imports requests.
REGISTRY: dict[str, str] = {
    "memory": "localize.memory:Memory",
    "apertium": "localize.engines.apertium:Apertium",
    "google": "localize.engines.google:Google",
    "deepl": "localize.engines.deepl:DeepL",
    "microsoft": "localize.engines.microsoft:Microsoft",
    "libretranslate": "localize.engines.libretranslate:LibreTranslate",
    "mymemory": "localize.engines.mymemory:MyMemory",
    "pseudo": "localize.engines.pseudo:Pseudo",
}


def engine_class(name: str) -> type[Engine]:
    if name not in REGISTRY:
        raise UnknownEngine(f"no engine {name!r}; engines: {', '.join(REGISTRY)}")
    module, _, cls = REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def create(name: str, **options) -> Engine:
    """An engine by name; options (the memory's workspace) go to its constructor."""
    return engine_class(name)(**options)
