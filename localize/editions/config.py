"""What an edition depends on besides its texts: the workspace's publishing settings, paper and fonts.

``[tool.localize]`` keys read here (all optional):

* ``publish-threshold``: the share of units that must be approved, in percent (100);
* ``publish-threshold-strict``: the same for headings and FAQ questions and
  answers (100; never below ``publish-threshold``);
* ``editions-dir``: where editions are kept, relative to the workspace (``out/editions``);
* ``site-url``: the address the editions are published under, for canonical and
  ``hreflang`` links, the sitemap and the feeds (none: links are relative, and
  ``localize export --site`` warns that search engines ignore them);
* ``publisher``, ``publisher-url``, ``publisher-logo``: who publishes the
  editions (a name, its address, the address of its logo), for the editions'
  schema.org ``Article`` and the feeds' author (none: left out);
* ``provenance``: ``false`` hides the note on each translated edition that says
  how it was translated (machine-assisted or by people) and by how many
  reviewers (``true``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from babel.core import get_global

from ..errors import WorkspaceError
from ..languages import Language
from ..workspace import Workspace

DEFAULT_DIR = "out/editions"
# CLDR's paperSize: where US Letter is the custom; A4 everywhere else.
LETTER_TERRITORIES = frozenset("BZ CA CL CO CR GT MX NI PA PH PR SV US VE".split())
_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?")


@dataclass(frozen=True)
class Config:
    """The publishing settings of a workspace."""

    folder: Path
    source_language: str
    root: Path                     # the workspace: manifests name files relative to it
    threshold: float = 100.0
    strict: float = 100.0
    site_url: str | None = None
    provenance: bool = True
    publisher: dict | None = None   # schema.org Organization
    commit: str | None = None       # the workspace's git commit the editions are made from (git turned on)


def config(ws: Workspace, out: Path | None = None) -> Config:
    """The workspace's publishing settings; ``out`` replaces its editions folder."""
    extra = ws.settings.extra
    where = ws.root / "pyproject.toml"
    threshold = _percent(extra.get("publish-threshold", 100), "publish-threshold", where)
    strict = max(threshold, _percent(extra.get("publish-threshold-strict", 100), "publish-threshold-strict", where))
    site_url = extra.get("site-url")
    if site_url is not None:
        if not isinstance(site_url, str) or not _URL.fullmatch(site_url):
            raise WorkspaceError(f"{where}: [tool.localize] site-url must be an http(s) address, not {site_url!r}")
        site_url = site_url.rstrip("/")
    if out is not None:
        folder = Path(out).resolve()
    else:
        folder = ws.root / _relative(extra.get("editions-dir", DEFAULT_DIR), where)
    provenance = extra.get("provenance", True)
    if not isinstance(provenance, bool):
        raise WorkspaceError(f"{where}: [tool.localize] provenance must be true or false, not {provenance!r}")
    return Config(folder, ws.settings.source_language, ws.root, threshold, strict, site_url, provenance,
                  _publisher(extra, where))


def _publisher(extra: dict, where: Path) -> dict | None:
    """The schema.org Organization that publishes the editions, from publisher, publisher-url, publisher-logo."""
    name = extra.get("publisher")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise WorkspaceError(f"{where}: [tool.localize] publisher must be a name, not {name!r}")
    found = {"@type": "Organization", "name": name.strip()}
    for key, field_ in (("publisher-url", "url"), ("publisher-logo", "logo")):
        value = extra.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not _URL.fullmatch(value):
            raise WorkspaceError(f"{where}: [tool.localize] {key} must be an http(s) address, not {value!r}")
        found[field_] = value if field_ == "url" else {"@type": "ImageObject", "url": value}
    return found


def _percent(value, key: str, where: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 100:
        raise WorkspaceError(f"{where}: [tool.localize] {key} must be a percentage from 0 to 100, not {value!r}")
    return float(value)


def _relative(value, where: Path) -> PurePosixPath:
    path = PurePosixPath(value) if isinstance(value, str) else None
    if path is None or not value or path.is_absolute() or ".." in path.parts or "\\" in value:
        raise WorkspaceError(f"{where}: [tool.localize] editions-dir must be a folder inside the workspace, "
                             f"not {value!r}")
    return path


# -- paper and fonts ------------------------------------------------------------------

def _likely(language: Language) -> list[str]:
    """The language's subtags with the likely script and territory filled in ("es" → es, Latn, ES)."""
    locale = language.locale
    likely = get_global("likely_subtags")
    key = "_".join(p for p in (locale.language, locale.script) if p)
    full = likely.get(key) or likely.get(locale.language) or locale.language
    return full.split("_")


def territory(language: Language) -> str | None:
    if language.locale.territory:
        return language.locale.territory
    parts = _likely(language)
    return parts[-1] if len(parts) > 1 and (len(parts[-1]) == 2 or parts[-1].isdigit()) else None


def script(language: Language) -> str:
    if language.locale.script:
        return language.locale.script
    return next((p for p in _likely(language)[1:] if len(p) == 4), "Latn")


def page_size(language: Language) -> str:
    """"letter" where that is the custom of the language's territory, else "A4"."""
    return "letter" if territory(language) in LETTER_TERRITORIES else "A4"


# Font families per script (body, headings), the script's own first; everything after is
# the fallback for text in other scripts (names, quotations). Families that are not
# installed are skipped by fontconfig. Debian packages them: fonts-noto-core (Latin,
# Cyrillic, Greek, Arabic, Hebrew, the Indic scripts, Thai, Ethiopic, Georgian,
# Armenian), fonts-noto-cjk (Chinese, Japanese, Korean), fonts-wqy-microhei (Han and
# Hangul when Noto CJK is missing), fonts-dejavu-core (WeasyPrint's last resort).
_SERIF = ["Noto Serif", "DejaVu Serif"]
_SANS = ["Noto Sans", "DejaVu Sans"]


def _noto(name: str) -> tuple[list[str], list[str]]:
    return [f"Noto Serif {name}"], [f"Noto Sans {name}"]


def _cjk(region: str) -> tuple[list[str], list[str]]:
    return ([f"Noto Serif CJK {region}", f"Noto Sans CJK {region}", "WenQuanYi Micro Hei"],
            [f"Noto Sans CJK {region}", "WenQuanYi Micro Hei"])


_BY_SCRIPT = {
    # Naskh for headings too: it joins lam-alef from two glyphs, one per letter, where Noto Sans Arabic
    # draws one ligature glyph for both, which text extraction (copy, search, pdftotext) reads reversed
    "Arab": (["Noto Naskh Arabic"], ["Noto Naskh Arabic", "Noto Sans Arabic"]),
    "Hebr": _noto("Hebrew"),
    "Deva": _noto("Devanagari"),
    "Beng": _noto("Bengali"),
    "Taml": _noto("Tamil"),
    "Telu": _noto("Telugu"),
    "Thai": _noto("Thai"),
    "Ethi": _noto("Ethiopic"),
    "Geor": _noto("Georgian"),
    "Armn": _noto("Armenian"),
    "Hans": _cjk("SC"),
    "Hant": _cjk("TC"),
    "Jpan": _cjk("JP"),
    "Kore": _cjk("KR"),
}
_FALLBACK = ["Noto Naskh Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Bengali",
             "Noto Sans Tamil", "Noto Sans Telugu", "Noto Sans Thai", "Noto Sans Ethiopic",
             "Noto Sans Georgian", "Noto Sans Armenian", "Noto Sans CJK SC", "WenQuanYi Micro Hei"]


def fonts(language: Language) -> tuple[str, str]:
    """CSS font-family lists (body, headings) that cover the language's script first, then the others."""
    own_body, own_heading = _BY_SCRIPT.get(script(language), ([], []))

    def stack(own: list[str], base: list[str], generic: str) -> str:
        names = list(dict.fromkeys([*own, *base, *_FALLBACK]))
        return ", ".join(f'"{n}"' for n in names) + f", {generic}"

    return stack(own_body, _SERIF, "serif"), stack(own_heading, _SANS, "sans-serif")
