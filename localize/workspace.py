"""The workspace: where it is, its settings, and every path inside it.

This is the one place that turns a language code or an article's slug into a
path; anything that would lead outside the workspace is refused first.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import languages
from .errors import WorkspaceError

CONFIG = "pyproject.toml"
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


@dataclass(frozen=True)
class Settings:
    """``[tool.localize]`` of a workspace's pyproject.toml."""

    source_language: str = "en"
    languages: tuple[str, ...] = ()
    source_dir: str = "source"
    locales_dir: str = "locales"
    output_dir: str = "out"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def translate_references(self) -> bool:
        """Whether the reference list is extracted for translation (it is ``translate="no"`` by default)."""
        return self.extra.get("translate-references", False)

    @property
    def round_trip(self) -> bool:
        """Whether Apertium translates its drafts back to score them for the ``round-trip`` check (default true)."""
        return self.extra.get("round-trip", True)

    def links(self, language: str) -> dict[str, str]:
        """``[tool.localize.links]`` for one language: {a link of the source: its localized counterpart}."""
        found = {}
        for source, targets in self.extra.get("links", {}).items():
            target = targets.get(language) or targets.get(language.split("-")[0])
            if target:
                found[source] = target
        return found

    @classmethod
    def from_table(cls, table: dict, where: Path) -> Settings:
        known = {"source-language", "languages", "source-dir", "locales-dir", "output-dir"}
        try:
            langs = table.get("languages", [])
            if not isinstance(langs, list):
                raise TypeError("languages must be a list of codes")
            source = languages.validate(str(table.get("source-language", "en")))
            targets = tuple(dict.fromkeys(languages.validate(str(code)) for code in langs))
            dirs = {k: str(table.get(k, default)) for k, default in
                    (("source-dir", "source"), ("locales-dir", "locales"), ("output-dir", "out"))}
        except (TypeError, ValueError) as exc:
            raise WorkspaceError(f"{where}: [tool.localize]: {exc}") from None
        for key, value in dirs.items():
            if not _NAME.fullmatch(value):
                raise WorkspaceError(f"{where}: [tool.localize] {key} must be a folder name, not {value!r}")
        if source in targets:
            raise WorkspaceError(f"{where}: the source language {source} is also listed as a target")
        for key in ("translate-references", "round-trip"):
            if not isinstance(table.get(key, False), bool):
                raise WorkspaceError(f"{where}: [tool.localize] {key} must be true or false")
        links = table.get("links", {})
        if not isinstance(links, dict) or not all(
                isinstance(targets_, dict) and all(isinstance(v, str) for v in targets_.values())
                for targets_ in links.values()):
            raise WorkspaceError(f"{where}: [tool.localize.links] maps a link to a table of language = link, "
                                 'e.g. "https://example.org/a" = { es = "https://example.org/es/a" }')
        return cls(source, targets, dirs["source-dir"], dirs["locales-dir"], dirs["output-dir"],
                   {k: v for k, v in table.items() if k not in known})


def slug(value: str) -> str:
    """Check an article's slug: lower-case letters, digits, - and _."""
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        shown = repr(value)[:40]
        raise WorkspaceError(f"bad article name {shown}: use lower-case letters, digits, - and _")
    return value


class Workspace:
    """A folder with source/, locales/ and a pyproject.toml holding [tool.localize]."""

    def __init__(self, root: Path, settings: Settings):
        self.root = root.resolve()
        self.settings = settings
        self._folders: dict[Path, Path] = {}  # folder -> where it really is (links followed)

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace:
        """The workspace holding ``start`` (default: the current folder), searched upward."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            config = folder / CONFIG
            if config.is_file():
                table = _read_table(config)
                if table is not None:
                    return cls(folder, Settings.from_table(table, config))
        raise WorkspaceError(f"no workspace here: no {CONFIG} with [tool.localize] in {here} "
                             "or above (create one with 'localize init')")

    @classmethod
    def open(cls, root: Path) -> Workspace:
        config = root / CONFIG
        table = _read_table(config) if config.is_file() else None
        if table is None:
            raise WorkspaceError(f"{root} is not a workspace: no {CONFIG} with [tool.localize]")
        return cls(root, Settings.from_table(table, config))

    # -- paths ------------------------------------------------------------------

    def _inside(self, path: Path) -> Path:
        """The path, if neither its folder nor (as a link) the file itself leads outside the workspace."""
        folder = self._folders.get(path.parent)
        if folder is None:
            folder = self._folders[path.parent] = path.parent.resolve()
        if not folder.is_relative_to(self.root) or \
                (os.path.islink(path) and not path.resolve().is_relative_to(self.root)):
            raise WorkspaceError(f"{path} is outside the workspace")
        return path

    @property
    def source_dir(self) -> Path:
        return self.root / self.settings.source_dir

    @property
    def locales_dir(self) -> Path:
        return self.root / self.settings.locales_dir

    @property
    def output_dir(self) -> Path:
        return self.root / self.settings.output_dir

    def source_path(self, name: str) -> Path:
        """The article's file: ``<slug>.md`` when that is what exists, else ``<slug>.html``; both is an error."""
        html = self.source_dir / f"{slug(name)}.html"
        md = html.with_suffix(".md")
        if md.is_file():
            if html.is_file():
                raise WorkspaceError(f"two sources for {name!r}: {html} and {md}: keep one")
            return self._inside(md)
        return self._inside(html)

    def template_path(self, name: str) -> Path:
        return self._inside(self.locales_dir / f"{slug(name)}.pot")

    def catalog_path(self, language: str, name: str) -> Path:
        code = languages.to_gettext(language)
        return self._inside(self.locales_dir / code / "LC_MESSAGES" / f"{slug(name)}.po")

    def reference(self, name: str) -> str:
        """How a ``#:`` comment names the article's file: relative to the workspace."""
        return f"{self.settings.source_dir}/{self.source_path(name).name}"

    def slugs(self) -> list[str]:
        """Every article in source/, by name."""
        if not self.source_dir.is_dir():
            return []
        return sorted({p.stem for pattern in ("*.html", "*.md") for p in self.source_dir.glob(pattern)
                       if _SLUG.fullmatch(p.stem)})

    def misnamed(self) -> list[str]:
        """Pages in source/ that are not articles because of their names (``My Article.html``)."""
        if not self.source_dir.is_dir():
            return []
        return sorted(p.name for pattern in ("*.html", "*.md") for p in self.source_dir.glob(pattern)
                      if not _SLUG.fullmatch(p.stem))

    def languages(self, requested: tuple[str, ...] | list[str] = (), *, source: bool = False) -> list[str]:
        """The languages asked for, each one the workspace lists (:meth:`language`), or all its target languages."""
        if not requested:
            return list(self.settings.languages)
        return list(dict.fromkeys(self.language(code, source=source) for code in requested))

    def language(self, code: str, *, source: bool = False) -> str:
        """The tag of a target language of the workspace (or, with ``source``, its source language);
        :class:`WorkspaceError` naming the languages it has otherwise. One rule for every command."""
        tag = languages.validate(code)
        if tag in self.settings.languages or (source and tag == self.settings.source_language):
            return tag
        if tag == self.settings.source_language:
            raise WorkspaceError(f"{tag} is the source language of this workspace: it has no catalog")
        known = sorted({self.settings.source_language, *self.settings.languages})
        raise WorkspaceError(f"{tag} is not a language of this workspace ({', '.join(known)})")


def _read_table(config: Path) -> dict | None:
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{config}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("localize")
    return table if isinstance(table, dict) else None


INIT_CONFIG = """\
[tool.localize]
# The language articles are written in, and the languages they are translated into (BCP 47).
source-language = "en"
languages = ["es", "fr"]
# Folders, relative to this file.
source-dir = "source"
locales-dir = "locales"
output-dir = "out"
"""
