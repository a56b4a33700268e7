"""The workspace glossary: terms never translated, required translations and forbidden ones, per language.

A TOML file at the workspace root, named by ``[tool.localize] glossary``
(default ``glossary.toml``); a missing file is an empty glossary::

    keep = ["Men Women Psychology"]          # in every language

    [translations.es]
    "emotional numbness" = "entumecimiento emocional"
    "Acme" = "Acme"                           # kept as it is in Spanish: its own translation

    [forbidden.es]
    "emotional numbness" = ["anestesia emocional"]

The file stays the file of record: the review UI and ``localize glossary import`` change it through
:func:`edit`, which keeps its comments and layout (tomlkit) and writes it atomically under a lock.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import languages
from .errors import LanguageError, WorkspaceError
from .workspace import Workspace

DEFAULT_NAME = "glossary.toml"


KINDS = ("required", "keep", "forbidden")   # what a term of a language is, as the UI and TBX speak of it


@dataclass(frozen=True)
class Glossary:
    """Terms kept as they are, {language tag: {source term: required translation}} and
    {language tag: {source term: translations never to use}}."""

    keep: tuple[str, ...] = ()
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    forbidden: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def required(self, language: str) -> dict[str, str]:
        """The required translations for a language; a regional variant falls back to its language."""
        return _for(self.translations, language)

    def forbidden_for(self, language: str) -> dict[str, tuple[str, ...]]:
        """The translations never to use, per source term, for a language (a regional variant: its language's
        too)."""
        tag = languages.validate(language)
        found = dict(self.forbidden.get(tag.split("-")[0], {}))
        for term, values in self.forbidden.get(tag, {}).items():
            found[term] = tuple(dict.fromkeys((*found.get(term, ()), *values)))
        return found

    def terms(self, language: str) -> list[tuple[str, str, str]]:
        """(kind, source term, translation) of one language, as the UI lists them: a required translation
        equal to its term is "keep"; each forbidden translation is one row."""
        tag = languages.validate(language)
        rows = [("keep" if value == term else "required", term, value)
                for term, value in self.translations.get(tag, {}).items()]
        rows += [("forbidden", term, value) for term, values in self.forbidden.get(tag, {}).items() for value in values]
        return sorted(rows, key=lambda row: (row[1].lower(), KINDS.index(row[0]), row[2]))


def _for(tables: dict[str, dict[str, str]], language: str) -> dict[str, str]:
    tag = languages.validate(language)
    found = dict(tables.get(tag.split("-")[0], {}))
    if tag in tables:
        found.update(tables[tag])
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
    unknown = sorted(set(data) - {"keep", "translations", "forbidden"})
    if unknown:
        raise WorkspaceError(f"{path}: unknown key {unknown[0]!r} (expected 'keep', [translations.LANG] and "
                             "[forbidden.LANG])")
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
    tables = data.get("forbidden", {})
    if not isinstance(tables, dict):
        raise WorkspaceError(f"{path}: 'forbidden' must be tables, one per language: [forbidden.es]")
    forbidden: dict[str, dict[str, tuple[str, ...]]] = {}
    for code, terms in tables.items():
        try:
            tag = languages.validate(code)
        except LanguageError as exc:
            raise WorkspaceError(f"{path}: [forbidden.{code}]: {exc}") from None
        if not isinstance(terms, dict):
            raise WorkspaceError(f"{path}: [forbidden.{code}] must be a table of \"term\" = [\"translation\", …]")
        for term, values in terms.items():
            values = [values] if isinstance(values, str) else values
            if not _term(term) or not isinstance(values, list) or not values or not all(_term(v) for v in values):
                raise WorkspaceError(f"{path}: [forbidden.{code}] {term!r}: a term and a list of translations, "
                                     "non-empty strings")
            mine = forbidden.setdefault(tag, {})
            mine[term.strip()] = tuple(dict.fromkeys((*mine.get(term.strip(), ()), *(v.strip() for v in values))))
    for tag, terms in forbidden.items():
        for term, values in terms.items():
            required = translations.get(tag, {}).get(term)
            if required in values:
                raise WorkspaceError(f"{path}: {term!r} in {tag}: {required!r} is both required and forbidden")
    return Glossary(tuple(dict.fromkeys(t.strip() for t in keep)), translations, forbidden)


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


# -- changing the file of record -----------------------------------------------------------

MAX_TERM = 200   # characters of a term or a translation


def edit(path: Path, change) -> Glossary:
    """Change the glossary file with ``change(document)`` (a tomlkit document, comments and layout kept),
    under its lock; the new glossary is checked as :func:`load` checks a file before it replaces the old
    one, which a refused change leaves as it was."""
    import tomlkit

    from . import catalog

    with catalog.locked(path):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        except (OSError, UnicodeDecodeError) as exc:
            raise WorkspaceError(f"{path}: cannot read: {exc}") from None
        try:
            document = tomlkit.parse(text)
        except tomlkit.exceptions.ParseError as exc:
            raise WorkspaceError(f"{path}: not valid TOML: {exc}") from None
        change(document)
        new = tomlkit.dumps(document)
        found = from_table(tomllib.loads(new), path)
        if new != text:
            catalog.write_atomic(path, new)
    return found


def _checked(language: str, term: str, value: str) -> tuple[str, str, str]:
    tag = languages.validate(language)
    term, value = " ".join(term.split()), " ".join(value.split())
    if not term or not value:
        raise WorkspaceError("a term and its translation cannot be empty")
    if len(term) > MAX_TERM or len(value) > MAX_TERM:
        raise WorkspaceError(f"a term or a translation longer than {MAX_TERM} characters")
    return tag, term, value


def set_term(path: Path, language: str, kind: str, term: str, value: str = "") -> Glossary:
    """Add a term of a language, or change it: ``required`` (its translation is ``value``), ``keep`` (it stays
    as it is), ``forbidden`` (``value`` is never to be used for it; others already forbidden stay)."""
    if kind not in KINDS:
        raise WorkspaceError(f"no kind of term {kind!r}: {', '.join(KINDS)}")
    tag, term, value = _checked(language, term, term if kind == "keep" else value)

    def change(document):
        if kind == "forbidden":
            table = _table(document, "forbidden", tag)
            values = table.get(term)
            values = [str(values)] if isinstance(values, str) else [str(v) for v in (values or [])]
            if value not in values:
                values.append(value)
            table[term] = values
        else:
            _table(document, "translations", tag)[term] = value
    return edit(path, change)


def remove_term(path: Path, language: str, kind: str, term: str, value: str = "") -> Glossary:
    """Take a term of a language out (a forbidden translation: that one only)."""
    if kind not in KINDS:
        raise WorkspaceError(f"no kind of term {kind!r}: {', '.join(KINDS)}")
    tag = languages.validate(language)

    def change(document):
        section = "forbidden" if kind == "forbidden" else "translations"
        table = document.get(section, {}).get(tag)
        if table is None or term not in table:
            raise WorkspaceError(f"no {kind} term {term!r} in {tag}")
        if kind == "forbidden":
            values = [table[term]] if isinstance(table[term], str) else [str(v) for v in table[term]]
            if value not in values:
                raise WorkspaceError(f"{value!r} is not forbidden for {term!r} in {tag}")
            values.remove(value)
            if values:
                table[term] = values
                return
        del table[term]
        if not table:
            del document[section][tag]
            if not document[section]:
                del document[section]
    return edit(path, change)


def _table(document, section: str, tag: str):
    import tomlkit

    if section not in document:
        document[section] = tomlkit.table(is_super_table=True)
    if tag not in document[section]:
        document[section][tag] = tomlkit.table()
    return document[section][tag]
