"""``localize export``: HTML and PDF editions, through the publish gate; and the static site.

Kept apart from :mod:`localize.cli`, which adds it to the command group
(``cli.add_command(export)``); it imports nothing from there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .errors import LocalizeError

if TYPE_CHECKING:
    from .workspace import Workspace


def _workspace(ctx: click.Context) -> Workspace:
    from .workspace import Workspace

    root = ctx.find_root().params.get("root")
    return Workspace.open(Path(root)) if root else Workspace.find()


def _shown(ws: Workspace, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ws.root))
    except ValueError:
        return str(path)


@click.command("export")
@click.option("--lang", "langs", multiple=True,
              help="The language of the editions (repeatable); the source language's edition comes along.")
@click.option("--slug", "names", multiple=True, help="Only these articles (repeatable; default: all).")
@click.option("--format", "fmt", default="html,pdf", show_default=True,
              help="html, pdf or html,pdf; or xliff: each catalog as XLIFF for a CAT tool, <slug>.<lang>.xlf.")
@click.option("--xliff", "xliff_version", type=click.Choice(["2.0", "1.2"]), default="2.0", show_default=True,
              help="The XLIFF version, with --format xliff.")
@click.option("--out", type=click.Path(file_okay=False),
              help="The editions folder (default: [tool.localize] editions-dir, else out/editions).")
@click.option("--allow-drafts", is_flag=True,
              help="Make previews instead: drafts shown, marked machine-translated and noindex, never published.")
@click.option("--site", "site", type=click.Path(file_okay=False),
              help="Then write every published edition as a static site in this folder.")
@click.option("--strict", is_flag=True,
              help="An edition with a unit shown untranslated because its markup was refused is not published; "
                   "with --site, a static site without [tool.localize] site-url is an error.")
@click.option("--force", is_flag=True,
              help="Make every edition again, also those published from the same inputs as now.")
@click.option("-j", "--jobs", type=click.IntRange(min=1),
              help="Worker processes for many articles (default: LOCALIZE_JOBS, else one per core).")
@click.pass_context
def export(ctx, langs, names, fmt, out, xliff_version, allow_drafts, site, strict, force, jobs):
    """Publish editions: HTML and PDF per language, if the publish gate lets them through.

    An edition is published when enough of its units are approved
    ([tool.localize] publish-threshold, default 100 %; publish-threshold-strict
    for headings and FAQ), none is stale and no QA error is left; otherwise the
    command names what blocks it and exits 1. An edition published from the
    same inputs (source, catalog, reviewers, glossary, settings, this version)
    is left as it is ("unchanged") unless --force. With --site DIR (and no
    --lang), only the static site is written.
    """
    from . import editions

    if not langs and not site:
        raise click.UsageError("give --lang L (or --site DIR for the static site alone)")
    if site and allow_drafts:
        raise click.UsageError("--site holds published editions only: leave out --allow-drafts")
    ws = _workspace(ctx)
    if fmt.strip().lower() == "xliff":
        from . import xliff

        if allow_drafts or site or strict or force:
            raise click.UsageError("--format xliff writes catalogs: leave out --allow-drafts, --site, --strict "
                                   "and --force")
        folder = Path(out) if out else editions.config(ws, None).folder / "xliff"
        for path in xliff.export(ws, list(langs), list(names), folder, version=xliff_version):
            click.echo(f"wrote {_shown(ws, path)} (XLIFF {xliff_version})")
        return
    formats = editions.formats_of(fmt)
    cfg = editions.config(ws, Path(out) if out else None)
    if site and strict and not cfg.site_url:
        raise LocalizeError("no [tool.localize] site-url: a static site with relative hreflang links and no "
                            "sitemap does not count for search engines (--strict); nothing written")
    refused = []
    if langs:
        report = editions.export(ws, list(langs), list(names), formats=formats, out=cfg.folder,
                                 allow_drafts=allow_drafts, jobs=jobs, strict=strict, force=force)
        if not allow_drafts:
            from .editions import record

            record.published(ws, report.editions, record.command_line_user(), out=cfg.folder)
        for outcome in report.editions:
            if outcome.status == editions.REFUSED:
                refused.append(outcome)
                continue
            counts = outcome.counts
            what = ", ".join(_shown(ws, p) for p in outcome.files if p.suffix != ".json")
            status = "unchanged" if outcome.unchanged else outcome.status
            click.echo(f"{status} {outcome.describe()}: {what} "
                       f"({counts.get('approved', 0)}/{counts.get('units', 0)} units approved)")
            for path in outcome.relinked:
                click.echo(f"updated the language links of {_shown(ws, path)}")
            for warning in outcome.warnings:
                click.echo(f"localize: warning: {outcome.describe()}: {warning}", err=True)
        if not cfg.site_url and not allow_drafts and any(o.status == editions.PUBLISHED for o in report.editions):
            click.echo("localize: warning: no [tool.localize] site-url: the editions' hreflang and canonical links "
                       "are relative, which search engines ignore", err=True)
        if allow_drafts and report.editions:
            click.echo("previews show machine-translated text that nobody reviewed: they are never published")
    if site:
        warnings: list[str] = []
        written = editions.write_site(cfg.folder, Path(site), site_url=cfg.site_url, warnings=warnings,
                                      author=cfg.publisher["name"] if cfg.publisher else None)
        click.echo(f"wrote the static site in {site}: {len(written)} files")
        for warning in warnings:
            click.echo(f"localize: warning: {warning}", err=True)
    if len(refused) == 1:
        only = refused[0]
        raise editions.NotPublished(f"{only.describe()} not published: {'; '.join(only.blocks)}")
    if refused:
        for outcome in refused:
            click.echo(f"localize: not published: {outcome.describe()}: {'; '.join(outcome.blocks)}", err=True)
        raise editions.NotPublished(f"{len(refused)} editions not published (see above): "
                                    + ", ".join(o.describe() for o in refused[:5])
                                    + (", …" if len(refused) > 5 else ""))
