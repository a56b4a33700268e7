"""Publishing again makes only what changed: an edition whose inputs (source, catalog, reviewers, glossary,
settings, code) and language links are as they were is left as it is, byte for byte and time for time;
one changed catalog makes that edition again; a new language relinks the others once; --force makes
everything; an edition damaged by hand is made again."""

from __future__ import annotations

import os

import polib

from localize.cli import main
from localize.editions import record
from test_api import COPY, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)

EDITIONS = ("out", "editions")


def approve_all(site, lang: str, slug: str, prefix: str | None = None) -> None:
    cat = polib.pofile(str(site.po(lang, slug)), wrapwidth=0)
    for entry in cat:
        entry.msgstr, entry.flags = f"{prefix or lang.upper()} {entry.msgid}", []
    cat.save(str(site.po(lang, slug)))


def export(site, *args: str) -> int:
    return main(["--root", str(site.root), "export", "--format", "html", *args])


def stamps(site) -> dict[str, tuple[int, bytes]]:
    folder = site.root.joinpath(*EDITIONS)
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.glob("*/*")) if p.suffix in (".html", ".json")}


def test_publishing_again_with_nothing_changed_writes_nothing(site, capsys):
    for slug in (SLUG, COPY):
        approve_all(site, "es", slug)
    assert export(site, "--lang", "es") == 0
    first = stamps(site)
    acts = len(record.Publications.of(site.root).history("es", SLUG))
    capsys.readouterr()
    assert export(site, "--lang", "es") == 0
    said = capsys.readouterr().out
    assert said.count("unchanged es/") == 2 and "published" not in said
    assert stamps(site) == first
    assert len(record.Publications.of(site.root).history("es", SLUG)) == acts   # no new act for nothing


def test_one_changed_catalog_makes_that_edition_only(site, capsys):
    for slug in (SLUG, COPY):
        approve_all(site, "es", slug)
    assert export(site, "--lang", "es") == 0
    first = stamps(site)
    approve_all(site, "es", COPY, prefix="Nuevo")
    assert export(site, "--lang", "es") == 0
    now = stamps(site)
    changed = {name for name in now if now[name] != first[name]}
    assert changed == {f"es/{COPY}.html", f"es/{COPY}.json", f"index/{COPY}.json", "index/_site.json"}
    assert "Nuevo" in (site.root.joinpath(*EDITIONS) / "es" / f"{COPY}.html").read_text(encoding="utf-8")


def test_a_new_language_relinks_the_others_once_then_nothing_changes(site):
    approve_all(site, "es", SLUG)
    assert export(site, "--lang", "es", "--slug", SLUG) == 0
    english = site.root.joinpath(*EDITIONS) / "en" / f"{SLUG}.html"
    assert 'hreflang="fr"' not in english.read_text(encoding="utf-8")
    approve_all(site, "fr", SLUG)
    assert export(site, "--lang", "fr", "--slug", SLUG) == 0
    assert 'hreflang="fr"' in english.read_text(encoding="utf-8")   # the original now offers French
    settled = stamps(site)
    assert export(site, "--lang", "es", "--lang", "fr", "--slug", SLUG) == 0
    assert stamps(site) == settled


def test_force_a_setting_or_a_damaged_file_make_it_again(site):
    approve_all(site, "es", SLUG)
    assert export(site, "--lang", "es", "--slug", SLUG) == 0
    spanish = site.root.joinpath(*EDITIONS) / "es" / f"{SLUG}.html"
    first = spanish.stat().st_mtime_ns
    assert export(site, "--lang", "es", "--slug", SLUG, "--force") == 0
    forced = spanish.stat().st_mtime_ns
    assert forced != first

    with (site.root / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write('site-url = "https://articles.example.org"\n')
    assert export(site, "--lang", "es", "--slug", SLUG) == 0
    assert "https://articles.example.org/es/" in spanish.read_text(encoding="utf-8")

    spanish.write_bytes(spanish.read_bytes()[:100])   # cut short by hand
    os.utime(spanish, ns=(first, first))
    assert export(site, "--lang", "es", "--slug", SLUG) == 0
    assert len(spanish.read_bytes()) > 100 and spanish.read_text(encoding="utf-8").rstrip().endswith("</html>")
