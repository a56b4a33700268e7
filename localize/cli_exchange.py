"""``localize memory`` and ``localize glossary``: translation memories as TMX, the glossary as TBX.

Kept apart from :mod:`localize.cli`, which adds them to the command group; it imports nothing from there
but the way to find the workspace.
"""

from __future__ import annotations

from pathlib import Path

import click

from .cli_export import _workspace
from .lazy import Lazy

catalog, languages = (Lazy(f".{name}") for name in ("catalog", "languages"))


@click.group()
def memory():
    """Translation memories as TMX: the workspace's approved work out, other memories in."""


@memory.command("export")
@click.option("--format", "fmt", type=click.Choice(["tmx"]), default="tmx", show_default=True)
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable; default: every one).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The TMX file to write.")
@click.option("--with-imported", is_flag=True, help="The imported memories' units too, after the workspace's own.")
@click.pass_context
def memory_export(ctx, fmt, langs, output, with_imported):
    """Write the approved translations of the workspace (each source text once per language) as TMX 1.4b."""
    from . import tmx
    from .memory import Memory

    ws = _workspace(ctx)
    source = ws.settings.source_language
    own = Memory(ws)
    units = {}
    for tag in [t for t in ws.languages(list(langs) or ws.settings.languages) if t != source]:
        found = own.units(tag) if with_imported else own.own_units(tag)
        units[tag] = [(text, translation, where) for text, (translation, where) in found.items()]
    catalog.write_atomic(Path(output), tmx.dumps(units, source).decode("utf-8"))
    click.echo(f"wrote {output}: " + ", ".join(f"{len(pairs)} {tag}" for tag, pairs in units.items())
               + " approved translations (TMX 1.4b)")


@memory.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--name", help="What matches from it are called (default: the file's name).")
@click.pass_context
def memory_import(ctx, file, name):
    """Keep FILE.tmx as an outside memory: drafting and the editor's suggestions consult it after the
    workspace's own approved work, each match naming it. Importing a file of the same name replaces it."""
    from . import tmx

    ws = _workspace(ctx)
    kept, counts = tmx.add(ws.root, Path(file), ws.settings.source_language, name)
    click.echo(f"kept {kept.relative_to(ws.root)}: " + ", ".join(f"{n} {tag}" for tag, n in sorted(counts.items()))
               + " units")


@click.group("glossary")
def glossary_group():
    """The glossary as TBX: glossary.toml (the file of record) out, a termbase in."""


@glossary_group.command("export")
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable; default: every one).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The TBX file to write.")
@click.pass_context
def glossary_export(ctx, langs, output):
    """Write the glossary as TBX-Basic: required translations preferred, forbidden ones deprecated."""
    from . import glossary, tbx

    ws = _workspace(ctx)
    terms = glossary.for_workspace(ws)
    data = tbx.dumps(terms, ws.settings.source_language, [languages.validate(t) for t in langs] or None)
    catalog.write_atomic(Path(output), data.decode("utf-8"))
    click.echo(f"wrote {output} (TBX-Basic)")


@glossary_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--lang", "langs", multiple=True, help="Only this language (repeatable; default: every one).")
@click.pass_context
def glossary_import(ctx, file, langs):
    """Bring a TBX termbase into the glossary file: its preferred terms become required translations, its
    deprecated ones forbidden, entries of the source language alone terms to keep."""
    from . import glossary, tbx

    ws = _workspace(ctx)
    try:
        data = Path(file).read_bytes()
    except OSError as exc:
        raise tbx.TbxError(f"cannot read it: {exc.strerror}", file) from None
    termbase = tbx.read(data, file, ws.settings.source_language)
    if langs:
        termbase = termbase.only(list(langs))
    if not termbase.count():
        raise tbx.TbxError(f"no term with a {ws.settings.source_language} term and its translation"
                           + (f" in {', '.join(langs)}" if langs else ""), file)
    tbx.merge(glossary.path_for(ws), termbase)
    click.echo(f"imported {file}: {termbase.count()} terms into {glossary.path_for(ws).name}")
    for why in termbase.skipped:
        click.echo(f"skipped {why}", err=True)
