"""Modules imported when first used, so that a command starts without what only others need."""

from __future__ import annotations

import importlib
from types import ModuleType


class Lazy:
    """Stands for a module of the library until an attribute of it is first read, then passes through."""

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str):
        if self._module is None:
            self._module = importlib.import_module(self._name, "localize")
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name}>"
