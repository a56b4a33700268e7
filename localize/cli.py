"""The ``localize`` command: a thin face over the library.

Exit status: 0 done, 1 the operation failed, 2 bad input. Errors are one
line on stderr naming the problem.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import LocalizeError, WorkspaceError
from .lazy import Lazy

if TYPE_CHECKING:
    from .workspace import Workspace


# what a command uses, imported when it runs: `localize --version` and single-file commands start fast
catalog, languages, po, work = (Lazy(f".{name}") for name in ("catalog", "languages", "po", "jobs"))


JOBS = click.option("-j", "--jobs", type=click.IntRange(min=1),
                    help="Worker processes for many articles (default: LOCALIZE_JOBS, else one per core).")


def _workspace(ctx: click.Context) -> Workspace:
    from .workspace import Workspace

    root = ctx.find_root().params.get("root")
    return Workspace.open(Path(root)) if root else Workspace.find()


def _rel(ws: Workspace, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ws.root))
    except ValueError:
        return str(path)


def _summary(ws: Workspace, outcome: work.Outcome, what: str, verbose: bool) -> None:
    if verbose or len(outcome.written) <= 20:
        for path in outcome.written:
            click.echo(f"wrote {_rel(ws, path)}")
    click.echo(f"{what}: {len(outcome.written)} written, {outcome.unchanged} unchanged")


class _Commands(click.Group):
    """The commands, and those other packages add (entry points ``localize.commands``: the web face adds
    ``serve``), looked up only when a command is not one of ours or the list is shown."""

    def list_commands(self, ctx):
        _plugged_in()
        return super().list_commands(ctx)

    def get_command(self, ctx, name):
        if name not in self.commands:
            _plugged_in()
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False), help="The workspace folder (default: found upward from here).")
@click.version_option(__version__, prog_name="localize")
def cli(root):
    """Split articles into gettext catalogs, merge, render, check and import them."""


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False), default=".")
def init(directory):
    """Make DIRECTORY (default: here) a workspace: source/, locales/, pyproject.toml."""
    from .workspace import CONFIG, INIT_CONFIG

    root = Path(directory)
    config = root / CONFIG
    root.mkdir(parents=True, exist_ok=True)
    if config.exists():
        text = config.read_text(encoding="utf-8")
        if "[tool.localize]" in text:
            raise WorkspaceError(f"{config} already holds [tool.localize]")
        config.write_text(text.rstrip("\n") + "\n\n" + INIT_CONFIG, encoding="utf-8")
    else:
        config.write_text(INIT_CONFIG, encoding="utf-8")
    for sub in ("source", "locales"):
        (root / sub).mkdir(exist_ok=True)
    click.echo(f"workspace ready in {root}: put articles in {root / 'source'}/<name>.html, "
               "then run 'localize extract' and 'localize update'")


@cli.command()
@click.argument("names", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Single-file mode: write the template of one PAGE.html here.")
@click.option("-v", "--verbose", is_flag=True, help="List every file written.")
@JOBS
@click.pass_context
def extract(ctx, names, output, verbose, jobs):
    """Split articles (all, or NAMES) into templates: source/NAME.html → locales/NAME.pot.

    With -o, on one file outside any workspace: localize extract PAGE.html -o PAGE.pot
    """
    if output:
        if len(names) != 1:
            raise click.UsageError("with -o, give exactly one PAGE.html")
        page = Path(names[0])
        pot = work.template_for(page, str(page), name=page.stem)
        with work.templates_locked(Path(output).parent):
            work.save_template(Path(output), pot)
        click.echo(f"wrote {output} ({len(pot.entries)} entries)")
        return
    ws = _workspace(ctx)
    if not names:
        for name in ws.misnamed():
            click.echo(f"localize: warning: {ws.settings.source_dir}/{name} skipped: an article's name is "
                       "lower-case letters, digits, - and _", err=True)
    outcome = work.extract(ws, list(names), jobs)
    _summary(ws, outcome, f"extracted {outcome.units} entries", verbose)


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only these languages (repeatable).")
@click.option("--po", "old", type=click.Path(dir_okay=False), help="Single-file mode: the catalog to update.")
@click.argument("new_template", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Single-file mode: where to write the merged catalog.")
@click.option("-v", "--verbose", is_flag=True, help="List every file written.")
@JOBS
@click.pass_context
def update(ctx, langs, old, new_template, output, verbose, jobs):
    """Create or merge every language's catalog from the templates.

    With --po, like msgmerge: localize update --po OLD.po NEW.pot -o OUT.po
    """
    if old or new_template or output:
        if not (old and new_template and output):
            raise click.UsageError("single-file mode needs --po OLD.po NEW.pot -o OUT.po")
        from .heap import give_back_big_buffers

        give_back_big_buffers()   # a big catalog's text, freed once read, is not kept as holes in the heap
        before, template = catalog.validate(Path(old)), catalog.validate(Path(new_template))
        merged = catalog.merge(before, template)
        with catalog.locked(Path(output)):
            catalog.save(Path(output), merged)
        did = _merge_summary(before, merged)
        counts = catalog.statistics(merged)
        click.echo(f"wrote {output}: read {did['old']} old + {did['template']} template entries: "
                   + ", ".join(f"{did[k]} {k}" for k in ("kept", "stale", "new", "obsolete"))
                   + "; now " + ", ".join(f"{counts[s]} {s}" for s in po.STATES))
        return
    ws = _workspace(ctx)
    outcome = work.update(ws, list(langs), jobs)
    _summary(ws, outcome, "updated catalogs", verbose)


def _merge_summary(old: po.Catalog, merged: po.Catalog) -> dict[str, int]:
    """What a merge did, as msgmerge sums it up.

    Entries read (the old catalog's live ones, the template's), and of the merged ones how many
    were kept (same source, an obsolete one come back, or a change of whitespace, typography or
    case alone), made stale (a fuzzy match, with ``#| msgid``), new (nothing to carry over) and
    made obsolete (``#~``) by this merge.
    """
    live = {e.key for e in old.entries if not e.obsolete and e.msgid}
    known = live | {e.key for e in old.entries if e.obsolete and e.msgid}
    did = {"old": len(live), "template": 0, "kept": 0, "stale": 0, "new": 0, "obsolete": 0}
    for entry in merged.entries:
        if not entry.msgid:
            continue
        if entry.obsolete:
            did["obsolete"] += entry.key in live
            continue
        did["template"] += 1
        if entry.key in known:
            did["kept"] += 1
        elif entry.previous_msgid is not None and entry.fuzzy:
            did["stale"] += 1
        elif entry.translated:
            did["kept"] += 1
        else:
            did["new"] += 1
    return did


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only these languages (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def status(ctx, langs, fmt):
    """How far each article is in each language, and which source changes await a look."""
    ws = _workspace(ctx)
    rows = work.status(ws, list(langs))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    columns = ["article", "language", "units", "words", *catalog.COLUMNS, "rejected", "shown untranslated"]
    table = [[*columns, "source changes"]] + [[*(str(row[c]) for c in columns), _changes(row["source changes"])]
                                             for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    last = len(widths) - 1   # the source changes: words, read from the left
    for r in table:
        click.echo("  ".join(cell.ljust(w) if i < 2 or i == last else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(r, widths))).rstrip())
    if not rows:
        click.echo("no catalogs yet: run 'localize extract' and 'localize update'")


def _changes(counts: dict[str, int]) -> str:
    """``2 case, 1 numbers``: the kinds of source change a catalog's units carry, "-" for none."""
    return ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "-"


@cli.command()
@click.option("--lang", "lang", required=True, help="The language to render.")
@click.option("--slug", "names", multiple=True, help="Only these articles (repeatable).")
@click.option("--out", type=click.Path(file_okay=False), help="Folder for the pages (default: out/render).")
@click.option("--include-drafts", is_flag=True, help="Use translations that still need review too.")
@click.option("--po", "po_file", type=click.Path(dir_okay=False), help="Single-file mode: the catalog to use.")
@click.option("--source-lang", default="en", show_default=True, help="Single-file mode: the page's language.")
@click.argument("page", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Single-file mode: the page to write.")
@click.option("--strict", is_flag=True, help="A unit shown untranslated because its markup was refused is an "
                                              "error: that page is not written, and the exit status is 1.")
@JOBS
@click.pass_context
def render(ctx, lang, names, out, include_drafts, po_file, source_lang, page, output, strict, jobs):
    """Render articles in one language from their catalogs.

    A translation whose markup its unit cannot take is left out (the unit is
    shown in the source language) with a warning naming file, line and reason.

    With --po, like po2html: localize render --lang L --po L.po PAGE.html -o OUT.html
    """
    if po_file or page or output:
        if not (page and output):
            raise click.UsageError("single-file mode needs --po L.po PAGE.html -o OUT.html")
        source = languages.validate(source_lang)
        target = languages.validate(lang)
        cat = catalog.validate(Path(po_file)) if po_file else None
        if cat is None and target != source:
            raise click.UsageError("give --po with the translations for that language")
        warnings: list[str] = []
        html = work.render_page(Path(page), cat, source_language=source, target=target,
                                include_drafts=include_drafts, warnings=warnings)
        _warn(warnings, strict)
        if not (strict and warnings):
            catalog.write_atomic(Path(output), html)
            click.echo(f"wrote {output}")
        _fail_if(strict and warnings, f"{len(warnings)} units shown untranslated (--strict): {output} not written")
        return
    ws = _workspace(ctx)
    outcome = work.render(ws, lang, list(names), Path(out) if out else None,
                          include_drafts=include_drafts, jobs=jobs, strict=strict)
    _warn(outcome.warnings, strict)
    _summary(ws, outcome, f"rendered {len(outcome.written)} pages", False)
    _fail_if(strict and outcome.warnings,
             f"{len(outcome.warnings)} units shown untranslated (--strict): their pages were not written")


def _warn(warnings: list[str], strict: bool) -> None:
    for line in warnings:
        click.echo(f"localize: {'error' if strict else 'warning'}: {line}", err=True)


def _fail_if(failed: bool, message: str) -> None:
    if failed:
        raise LocalizeError(message)


@cli.command("draft")
@click.option("--lang", "lang", required=True, help="The language to draft.")
@click.option("--engine", help="memory, apertium, google, deepl, microsoft, libretranslate, mymemory or pseudo "
                               "(default: [tool.localize.engines], else Apertium where a pair is installed).")
@click.option("--slug", "names", multiple=True, help="Only these articles (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), help="Draft at most this many units.")
@click.option("--dry-run", is_flag=True, help="Say what would be drafted; write nothing, send nothing.")
@click.pass_context
def draft_(ctx, lang, engine, names, limit, dry_run):
    """Fill untranslated entries from translation memory, then a machine-translation engine.

    Drafts are marked fuzzy (needs review) and record where they came from;
    entries that hold a translation are never touched. Each batch is saved as
    it finishes: after an interruption, run the same command again to go on.
    """
    from . import draft as drafting

    ws = _workspace(ctx)
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label=f"drafting {lang}", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    show = progress if sys.stderr.isatty() and not dry_run else None
    try:
        report = drafting.draft(ws, lang, engine=engine, names=list(names), limit=limit,
                                dry_run=dry_run, progress=show)
    except (LocalizeError, KeyboardInterrupt) as exc:
        if bar is not None:
            bar.__exit__(None, None, None)
        saved = getattr(exc, "report", None)
        if saved is not None and saved.written:
            kept = f"{saved.drafted + saved.from_memory} drafts in {len(saved.written)} catalogs were saved"
            if isinstance(exc, KeyboardInterrupt):
                click.echo(f"localize: interrupted: {kept}; run the same command again to go on", err=True)
                raise SystemExit(130)
            raise type(exc)(f"{exc} ({kept}; run the same command again to go on)") from None
        raise
    if bar is not None:
        bar.__exit__(None, None, None)
    _draft_summary(ws, report)


def _draft_summary(ws: Workspace, report) -> None:
    click.echo(f"{report.language}: {report.notice}")
    verb = "would be drafted" if report.dry_run else "drafted"
    parts = [f"{report.drafted} {verb} by {report.engine}" if report.engine else None,
             f"{report.from_memory} from memory",
             f"{report.copied} copied (nothing to translate)" if report.copied else None,
             f"{sum(report.skipped.values())} skipped"]
    click.echo(f"{report.language}: {report.units} untranslated units ({report.words} words): "
               + ", ".join(p for p in parts if p) + f"; {report.seconds:.1f} s")
    for reason, count in report.skipped.most_common():
        example = " ".join(report.examples[reason].split())
        example = example if len(example) <= 60 else example[:59] + "…"
        click.echo(f"  skipped {count}: {reason} (e.g. \"{example}\")")
    if report.unknown_words:
        click.echo(f"  {report.unknown_words} drafts hold words {report.engine} did not know "
                   "(listed on each entry)")
    for note, count in report.flagged.most_common():
        click.echo(f"  {count} drafts with a note for the reviewer: {note} (in the entry's draft comment)")
    for path in report.written:
        click.echo(f"wrote {_rel(ws, path)}")
    if report.written:
        click.echo("drafts are marked fuzzy (needs review): nothing is published until a person approves it")


def _store(ws: Workspace):
    from .accounts import Store

    return Store(ws.root / "instance" / "localize.sqlite3")


def _password(prompt: str) -> str:
    """The password: asked twice on a terminal, else the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line:
        raise click.UsageError("no password on standard input")
    return line.rstrip("\r\n")


@cli.group()
def user():
    """Accounts of the review UI: add, list, disable, enable, remove, passwd (kept in instance/localize.sqlite3)."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["translator", "reviewer", "editor", "admin"]),
              help="translator, reviewer (their languages), editor or admin (every language).")
@click.option("--lang", "langs", multiple=True, help="A language this account works in with --role (repeatable).")
@click.option("--role-for", "role_for", multiple=True, metavar="LANG=ROLE",
              help="A language with a role of its own, translator or reviewer (repeatable): --role-for ar=translator.")
@click.pass_context
def user_add(ctx, name, role, langs, role_for):
    """Add an account; the password is asked for, or read from standard input."""
    ws = _workspace(ctx)
    store = _store(ws)
    roles = {}
    for value in role_for:
        code, sep, given = value.partition("=")
        if not sep or not code.strip() or not given.strip():
            raise click.BadParameter(f"{value!r}: write LANG=ROLE, e.g. ar=translator", param_hint="--role-for")
        roles[code.strip()] = given.strip()
    ws.languages([*langs, *roles])
    if store.user(name) is not None:
        raise WorkspaceError(f"there is already a user {name!r}")
    made = store.add_user(name, role, list(langs), _password(f"password for {name}"), roles=roles or None)
    click.echo(f"added {made.name}: {_roles(made)}")
    port = _serve_port()
    command = "localize serve" if port == 5000 else f"localize serve --port {port}"
    click.echo(f"log in at http://127.0.0.1:{port}/login after '{command}'")


def _roles(found) -> str:
    """An account's role as people say it: "editor, every language", "reviewer, es (reviewer), ar (translator)"."""
    if not found.roles:
        return f"{found.role}, every language"
    return f"{found.role}, " + ", ".join(f"{lang} ({role})" for lang, role in found.roles)


def _serve_port() -> int:
    """The port the review UI is served on: ``LOCALIZE_PORT`` (as scripts/run passes it to serve), else 5000."""
    value = os.environ.get("LOCALIZE_PORT", "").strip()
    if value.isdigit() and 1 <= int(value) <= 65535:
        return int(value)
    return 5000


@user.command("list")
@click.pass_context
def user_list(ctx):
    """The accounts: name, role, languages, roles per language, and whether it is disabled."""
    for found in _store(_workspace(ctx)).users():
        roles = " ".join(f"{lang}:{role}" for lang, role in found.roles) or "*"
        click.echo(f"{found.name}\t{found.role}\t{' '.join(found.languages) or '*'}\t{roles}"
                   + ("\tdisabled" if found.disabled else ""))


@user.command("disable")
@click.argument("name")
@click.pass_context
def user_disable(ctx, name):
    """Disable an account: no login, no session, no API token (its history stays)."""
    _store(_workspace(ctx)).set_disabled(name, True)
    click.echo(f"disabled {name}")


@user.command("enable")
@click.argument("name")
@click.pass_context
def user_enable(ctx, name):
    """Enable a disabled account again."""
    _store(_workspace(ctx)).set_disabled(name, False)
    click.echo(f"enabled {name}")


@user.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx, name):
    """Remove an account (its history stays)."""
    _store(_workspace(ctx)).remove_user(name)
    click.echo(f"removed {name}")


@user.command("passwd")
@click.argument("name")
@click.pass_context
def user_passwd(ctx, name):
    """Set an account's password (asked for, or read from standard input)."""
    store = _store(_workspace(ctx))
    if store.user(name) is None:
        raise WorkspaceError(f"no user {name!r}")
    store.set_password(name, _password(f"new password for {name}"))
    click.echo(f"password of {name} changed")


@cli.command("import")
@click.option("--lang", "lang", help="The catalog's language (an XLIFF file's target language by default).")
@click.option("--slug", "name", help="The article (default: from the file name).")
@click.option("--approved", is_flag=True, help="Take the file's entries without 'fuzzy' as approved "
                                               "(default: every translation brought in needs review).")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def import_(ctx, lang, name, approved, file):
    """Bring in FILE.po (or FILE.xlf from a CAT tool) edited elsewhere, as needing review; approved work is
    never overwritten. An XLIFF file whose units are not the article's, or whose markup is not the
    source's, is refused whole."""
    ws = _workspace(ctx)
    from . import xliff

    if xliff.is_xliff(Path(file)):
        report = xliff.import_file(ws, Path(file), lang, name, approved=approved)
    elif lang is None:
        raise click.UsageError("give --lang L for a PO file")
    else:
        report = work.import_catalog(ws, lang, Path(file), name, approved=approved)
    if report.converted_from:
        click.echo(f"{file}: read as {report.converted_from}, as its header declares; stored as UTF-8")
    conflicts = len(report.conflicts) + len(report.changed)
    if approved:
        how = f"{report.approved} as approved, {report.updated - report.approved} as needs review (--approved)"
    else:
        how = "as needs review (--approved takes the file's approved entries as approved)"
    click.echo(f"imported {file}: {report.updated} updated, {how}; {report.unchanged} unchanged, "
               f"{conflicts} conflicts, {len(report.unknown)} not in the article")
    for mark in report.overrides:
        click.echo(f"kept the file's QA mark {mark}")
    for mark in report.overrides_refused:
        click.echo(f"left out the file's QA mark {mark}", err=True)
    for msgid in report.conflicts:
        click.echo(f"conflict: approved translation kept for {msgid[:70]!r}", err=True)
    for msgid in report.changed:
        click.echo(f"conflict: changed since this file was taken, kept for {msgid[:70]!r}", err=True)
    if report.suggestions:
        click.echo(f"{len(report.suggestions)} of the file's translations kept as suggestions for a reviewer",
                   err=True)
    for msgid in report.unknown:
        click.echo(f"skipped: not in the article: {msgid[:70]!r}", err=True)
    if conflicts:
        ctx.exit(1)


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only these languages (repeatable).")
@click.option("--slug", "names", multiple=True, help="Only these articles (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--po", "po_file", type=click.Path(dir_okay=False), help="Single-file mode: the catalog to check.")
@click.option("--glossary", "glossary_file", type=click.Path(dir_okay=False),
              help="Single-file mode: a glossary.toml.")
@click.option("--source-lang", default="en", show_default=True, help="Single-file mode: the source language.")
@click.argument("page", required=False, type=click.Path(dir_okay=False))
@JOBS
@click.pass_context
def check(ctx, langs, names, fmt, po_file, glossary_file, source_lang, page, jobs):
    """Run the QA checks; exit 1 if an error nobody overrode remains.

    With --po, on one catalog: localize check --po L.po --lang L [PAGE.html]
    (PAGE.html, the source article, gives the reference list to protect).
    """
    from . import checks, qa  # only this command needs them: the others start faster

    if po_file or page or glossary_file:
        if not po_file or len(langs) != 1 or names:
            raise click.UsageError("single-file mode needs --po FILE.po and one --lang (and no --slug)")
        problems = qa.check_file(Path(po_file), langs[0], page=Path(page) if page else None,
                                 glossary_file=Path(glossary_file) if glossary_file else None,
                                 source_language=source_lang, jobs=jobs)
    else:
        problems = qa.check(_workspace(ctx), list(langs), list(names), jobs)
    if fmt == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for p in problems:
            shown = p.msgid if len(p.msgid) <= 60 else p.msgid[:59] + "…"
            note = " (overridden)" if p.overridden else ""
            click.echo(f'{p.article} {p.language}: {p.severity}{note} [{p.check}] {p.message} — msgid "{shown}"')
        errors = [p for p in problems if p.severity == checks.ERROR]
        overridden = sum(p.overridden for p in errors)
        click.echo(f"{len(errors)} errors ({overridden} overridden), {len(problems) - len(errors)} warnings")
    if checks.blocking(problems):
        ctx.exit(1)


@cli.command()
@click.option("-w", "--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="Jobs run at the same time (threads).")
@click.pass_context
def worker(ctx, workers):
    """Run the background jobs (drafts and publishing started from the UI) of this workspace until stopped.

    The queue is instance/tasks.sqlite3, or Redis when LOCALIZE_QUEUE=redis://… is set;
    on Redis, workers on several hosts that see the workspace share the jobs.
    Ctrl-C waits for running jobs; SIGTERM stops at once.
    """
    import logging

    from . import tasks

    ws = _workspace(ctx)
    consumer = tasks.consumer(ws.root, workers=workers)
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(levelname)s %(name)s: %(message)s")
    click.echo(f"localize worker: {workers} at a time, queue {tasks.describe(ws.root)}", err=True)
    from . import gitrecord

    committer = gitrecord.committer(ws)
    if committer is not None:
        click.echo(f"localize worker: commits review work every {gitrecord.settings(ws).every:g} s", err=True)
    consumer.run()


@cli.command()
@click.option("--lang", required=True, help="The language of the edition.")
@click.option("--slug", "name", required=True, help="The article.")
@click.option("--out", type=click.Path(file_okay=False),
              help="The editions folder (default: [tool.localize] editions-dir, else out/editions).")
@click.pass_context
def withdraw(ctx, lang, name, out):
    """Take a published edition off the site: readers get the not-published page; the act is recorded.

    Its files stay in the editions folder, unlisted; 'localize export' publishes it again.
    The source-language edition goes last, once the article has no other edition.
    """
    from .editions import record

    ws = _workspace(ctx)
    tag = ws.language(lang, source=True)
    record.withdraw(ws, tag, name, out=Path(out) if out else None)
    click.echo(f"withdrew {tag}/{name}: readers get the not-published page")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--no-editions", is_flag=True, help="Leave the published editions out (they can be exported again).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.pass_context
def backup(ctx, file, no_editions, force):
    """Back the workspace up into FILE (.tar.gz): the database, sources, catalogs, settings, editions.

    The database is copied with SQLite's online backup, so the server may keep running.
    """
    from . import backup as backups

    ws = _workspace(ctx)
    made = backups.backup(ws, Path(file), editions=not no_editions, force=force)
    what = "with the database" if made.database else "no database yet"
    click.echo(f"backed up {made.files} files ({made.bytes / 1e6:.1f} MB, {what}) into {file}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the workspace in the folder (stop its server first).")
@click.pass_context
def restore(ctx, file, force):
    """Restore the backup FILE into the workspace folder (--root, else here), once all of it verifies.

    Every file's SHA-256, the database's integrity and every catalog are checked first; a backup
    that does not verify is refused and the folder is left as it was.
    """
    from . import backup as backups

    target = Path(ctx.find_root().params.get("root") or ".")
    made = backups.restore(Path(file), target, force=force)
    what = "and the database" if made.database else "no database"
    click.echo(f"restored {made.files} files ({made.bytes / 1e6:.1f} MB, {what}) into {target}")


@cli.command()
@click.option("--lang", "langs", multiple=True, help="Only this language's catalogs (repeatable).")
@click.option("--slug", "names", multiple=True, help="Only this article (repeatable).")
@click.pass_context
def commit(ctx, langs, names):
    """Commit the review work not yet committed: one commit per article and language, its translators
    as authors; changed templates and sources in one more. Needs [tool.localize.git] commit = true.

    localize worker does the same every [tool.localize.git] every seconds (300), and every export
    before it publishes.
    """
    from . import gitrecord

    ws = _workspace(ctx)
    gitrecord.Repository.of(ws, required=True)
    made = gitrecord.commit_settled(ws, langs=[ws.language(code) for code in langs] or None,
                                    names=[*map(work._known(ws), names)] or None)
    for one in made:
        what = f"{one.language}/{one.slug}" if one.language else "sources"
        click.echo(f"{one.sha[:10]} {what}: {one.changes} changes by {', '.join(one.authors)}")
    if not made:
        click.echo("nothing to commit")


@cli.command()
@click.option("--remote", help="The git remote (default: [tool.localize.git] remote, else origin).")
@click.option("--branch", help="Its branch (default: [tool.localize.git] branch, else the current one).")
@click.option("--no-push", is_flag=True, help="Fetch and merge only.")
@click.pass_context
def sync(ctx, remote, branch, no_push):
    """Commit, pull the remote's branch merging catalogs entry by entry, and push.

    Two versions of one translation keep the better (approved over needing review over a
    machine draft; ours when alike) and store the other as a suggestion: no translation is
    lost. A conflict in any other file stops the sync before anything changes.
    """
    from . import gitrecord

    ws = _workspace(ctx)
    report = gitrecord.sync(ws, remote=remote, branch=branch, push=not no_push)
    for one in report.commits:
        click.echo(f"committed {one.sha[:10]} {one.language or 'sources'}{'/' + one.slug if one.slug else ''}")
    if report.files:
        click.echo(f"merged {report.fetched[:10]}: {len(report.files)} files changed")
    if report.suggestions:
        click.echo(f"{len(report.suggestions)} conflicting translations kept as suggestions")
    click.echo(f"at {report.merged[:10] or 'no commit yet'}" + (", pushed" if report.pushed else ""))


@cli.group()
def db():
    """The store's database: its schema's migrations."""


@db.command("upgrade")
@click.option("--database", "address", help="A SQLite file or a postgresql:// URL (default: LOCALIZE_DATABASE, "
                                            "else the workspace's instance/localize.sqlite3).")
@click.pass_context
def db_upgrade(ctx, address):
    """Bring the database to the newest schema (every process also does it when it first opens the store)."""
    from . import history, schema
    from .db import shown

    if address:
        where = history.address(address)
    else:
        root = ctx.find_root().params.get("root")
        from .workspace import Workspace

        where = history.database(Path(root) if root else Workspace.find().root)
    before, after = schema.upgrade(where)
    if before == after:
        click.echo(f"{shown(where)}: at {after}, up to date")
    else:
        click.echo(f"{shown(where)}: upgraded from {before or 'no revision'} to {after}")


from .cli_export import export  # noqa: E402  (the export command lives in its own module)
from .cli_exchange import glossary_group, memory  # noqa: E402  (TMX and TBX: theirs too)

cli.add_command(export)
cli.add_command(memory)
cli.add_command(glossary_group)


_PLUGGED: list[bool] = []


def _plugged_in() -> None:
    """Add the commands other packages add (the web face adds ``serve``), once."""
    if _PLUGGED:
        return
    _PLUGGED.append(True)
    from importlib.metadata import entry_points

    for point in entry_points(group="localize.commands"):
        if point.name not in cli.commands:
            cli.add_command(_Deferred(point))


class _Deferred(click.Command):
    """A plugged-in command, imported only when it runs or shows its help."""

    def __init__(self, point):
        super().__init__(point.name, help=f"(see 'localize {point.name} --help')")
        self.point = point
        self._loaded = None

    def _command(self) -> click.Command:
        if self._loaded is None:
            self._loaded = self.point.load()
        return self._loaded

    def get_short_help_str(self, limit: int = 45) -> str:
        return self._command().get_short_help_str(limit)

    def get_help(self, ctx):
        return self._command().get_help(ctx)

    def make_context(self, info_name, args, parent=None, **extra):
        return self._command().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx):
        return self._command().invoke(ctx)


def main(argv: list[str] | None = None) -> int:
    """Run the command; turn every expected failure into one line and an exit status."""
    try:
        result = cli.main(args=argv, prog_name="localize", standalone_mode=False)
    except click.ClickException as exc:
        hint = ""
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            hint = f" (see '{exc.ctx.command_path} --help')"
        click.echo(f"localize: error: {exc.format_message()}{hint}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("localize: aborted", err=True)
        return 1
    except LocalizeError as exc:
        click.echo(f"localize: error: {exc}", err=True)
        return exc.exit_code
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"localize: error: {exc.strerror or exc}{where}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("localize: interrupted", err=True)
        return 130
    except Exception as exc:  # a bug: still one line, with the traceback on request
        if os.environ.get("LOCALIZE_DEBUG"):
            raise
        click.echo(f"localize: internal error: {type(exc).__name__}: {exc} "
                   "(run again with LOCALIZE_DEBUG=1 for the traceback)", err=True)
        return 1
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
