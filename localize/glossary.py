"""The workspace glossary: terms never translated, and required translations per language.

A TOML file at the workspace root, named by ``[tool.localize] glossary``
(default ``glossary.toml``); a missing file is an empty glossary::

    keep = ["Men Women Psychology"]

    [translations.es]
    "emotional numbness" = "entumecimiento emocional"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import languages
from .errors import LanguageError, WorkspaceError
from .workspace import Workspace

DEFAULT_NAME = "glossary.toml"


@dataclass(frozen=True)
class Glossary:
    """Terms kept as they are, and {language tag: {source term: required translation}}."""

    keep: tuple[str, ...] = ()
    translations: dict[str, dict[str, str]] = field(default_factory=dict)

    def required(self, language: str) -> dict[str, str]:
        """The required translations for a language; a regional variant falls back to its language."""
        tag = languages.validate(language)
        found = dict(self.translations.get(tag.split("-")[0], {}))
        if tag in self.translations:
            found.update(self.translations[tag])
        return found


def load(path: Path) -> Glossary:
    """Read and check a glossary file; a missing file is an empty glossary."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return Glossary()
    except UnicodeDecodeError:
        raise WorkspaceError(f"{path}: not valid UTF-8") from None
    except OSError as exc:
        raise WorkspaceError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WorkspaceError(f"{path}: not valid TOML: {exc}") from None
    return from_table(data, path)


def from_table(data: dict, path: Path | str = "<glossary>") -> Glossary:
    """A glossary from parsed TOML; WorkspaceError naming the file for any wrong shape."""
    unknown = sorted(set(data) - {"keep", "translations"})
    if unknown:
        raise WorkspaceError(f"{path}: unknown key {unknown[0]!r} (expected 'keep' and [translations.LANG])")
    keep = data.get("keep", [])
    if not isinstance(keep, list) or not all(_term(t) for t in keep):
        raise WorkspaceError(f"{path}: 'keep' must be a list of non-empty strings")
    tables = data.get("translations", {})
    if not isinstance(tables, dict):
        raise WorkspaceError(f"{path}: 'translations' must be tables, one per language: [translations.es]")
    translations: dict[str, dict[str, str]] = {}
    for code, terms in tables.items():
        try:
            tag = languages.validate(code)
        except LanguageError as exc:
            raise WorkspaceError(f"{path}: [translations.{code}]: {exc}") from None
        if not isinstance(terms, dict):
            raise WorkspaceError(f"{path}: [translations.{code}] must be a table of \"term\" = \"translation\"")
        for term, value in terms.items():
            if not _term(term) or not _term(value):
                raise WorkspaceError(f"{path}: [translations.{code}] {term!r}: term and translation "
                                     "must be non-empty strings")
        translations.setdefault(tag, {}).update({t.strip(): v.strip() for t, v in terms.items()})
    return Glossary(tuple(dict.fromkeys(t.strip() for t in keep)), translations)


def _term(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def path_for(ws: Workspace) -> Path:
    """The workspace's glossary file (which need not exist); refused if it leads outside."""
    name = ws.settings.extra.get("glossary", DEFAULT_NAME)
    if not isinstance(name, str) or not name.strip():
        raise WorkspaceError(f"{ws.root / 'pyproject.toml'}: [tool.localize] glossary must be a file name")
    path = ws.root / name
    if not path.resolve().is_relative_to(ws.root):
        raise WorkspaceError(f"{ws.root / 'pyproject.toml'}: [tool.localize] glossary {name!r} "
                             "is outside the workspace")
    return path


def for_workspace(ws: Workspace) -> Glossary:
    return load(path_for(ws))
