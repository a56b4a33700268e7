"""The drafting job: translation memory first, then a machine-translation engine.

Only untranslated entries are drafted; whatever holds a translation (approved,
in review, stale) is never touched, nor an entry a reviewer rejected (its
translator writes the next text, and may ask the editor for a fresh draft).
Every draft is ``fuzzy`` and records its origin (``# draft: apertium eng-spa``),
so it never passes for reviewed text.

Work goes to the engine in batches; each finished batch is written at once,
every catalog under its lock, so an interruption keeps what was done and a
rerun goes on from there. A text is protected before it goes to an engine
(:mod:`localize.protect`); a draft that lost protected parts (numbers, names,
markup), or words or sentences of the source (:mod:`localize.loss`), is not
saved, and the reason is counted in the report. A draft that keeps an English
possessive on a name is saved with a note for its reviewer.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import article, catalog, glossary, history, languages, loss, markup, po
from .engines import Draft, Engine, EngineError, UnknownEngine, apertium, create, engine_class
from .errors import LanguageError, LocalizeError, WorkspaceError
from .memory import Memory
from .protect import LostToken, Protected, Terms, protect, restore, surnames
from .workspace import Workspace, slug

COPIED = "copy: nothing to translate"


@dataclass
class Report:
    """What a draft run did, for its summary."""

    language: str
    engine: str | None            # None: memory only
    notice: str = ""              # said before the run: why this engine, or none
    units: int = 0                # untranslated units found
    words: int = 0
    drafted: int = 0              # by the engine
    from_memory: int = 0
    copied: int = 0               # nothing to translate (a year, a link): the source, for review
    skipped: Counter = field(default_factory=Counter)   # reason → units
    examples: dict[str, str] = field(default_factory=dict)  # reason → one unit it happened to
    unknown_words: int = 0        # drafts holding words the engine did not know
    flagged: Counter = field(default_factory=Counter)   # note for the reviewer → drafts saved with it
    written: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    dry_run: bool = False
    recorder: history.Recorder | None = field(default=None, repr=False)   # where drafts go in the history

    def skip(self, reason: str, unit: str) -> None:
        self.skipped[reason] += 1
        self.examples.setdefault(reason, unit)


@dataclass
class _Unit:
    path: Path
    key: tuple[str | None, str]
    text: str
    terms: Terms
    protected: Protected | None = None


def engine_for(ws: Workspace, language: str, name: str | None) -> tuple[Engine | None, str]:
    """The engine to draft a language with, and a line saying why.

    An engine named on the command line or in ``[tool.localize.engines]``;
    otherwise Apertium where a pair is installed; otherwise none: memory only.
    Text is sent off this machine only to an engine named explicitly.
    """
    source = ws.settings.source_language
    configured = _configured(ws).get(language)
    chosen = name or configured
    if chosen:
        engine = create(chosen, **_options(ws, chosen))
        if not engine.supports(source, language):
            raise UnknownEngine(f"{chosen} cannot translate {source} → {language}"
                                + (" (is its Apertium pair installed?)" if chosen == "apertium" else ""))
        how = "as asked" if name else "from [tool.localize.engines]"
        if chosen == "memory":
            return None, f"memory only ({how})"
        shown = f"apertium {apertium.mode_for(source, language)}" if chosen == "apertium" else chosen
        return engine, f"{shown} ({how})"
    engine = create("apertium", **_options(ws, "apertium"))
    if engine.supports(source, language):
        return engine, f"apertium {apertium.mode_for(source, language)} (offline)"
    return None, (f"no offline engine for {source} → {language}: drafting from translation memory only; "
                  f"name an engine with --engine or in [tool.localize.engines]")


def _options(ws: Workspace, name: str) -> dict:
    """What an engine is made with from the workspace: the memory reads it; Apertium's round trip can be off."""
    if name == "memory":
        return {"workspace": ws}
    if name == "apertium":
        return {"round_trip": ws.settings.round_trip}
    return {}


def can_draft(ws: Workspace, name: str, lang: str) -> bool:
    """Whether an engine can draft a language here, as ``localize draft --engine`` would judge it.

    Offline engines are asked (Apertium: is the pair installed). An online engine is judged by the
    language table it holds without asking its provider; one whose table comes from the provider
    (or that needs a key not set) is offered, and a job it cannot run fails with one line.
    """
    cls = engine_class(name)
    if not cls.online:
        try:
            engine_for(ws, lang, name)
        except UnknownEngine:
            return False
        except EngineError:
            return True
        return True
    codes = cls.__dict__.get("codes")
    if isinstance(codes, frozenset) and codes:
        probe = object.__new__(cls)   # the table is the class's own: no key, no request needed
        return probe.supports(ws.settings.source_language, lang)
    return True


def _configured(ws: Workspace) -> dict[str, str]:
    table = ws.settings.extra.get("engines", {})
    where = ws.root / "pyproject.toml"
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise WorkspaceError(f'{where}: [tool.localize.engines] must map languages to engine names: es = "apertium"')
    found = {}
    for code, name in table.items():
        try:
            tag = languages.validate(code)
        except LanguageError as exc:
            raise WorkspaceError(f"{where}: [tool.localize.engines]: {exc}") from None
        found[tag] = name
    return found


def draft(ws: Workspace, language: str, *, engine: str | None = None, names: list[str] | None = None,
          limit: int | None = None, dry_run: bool = False,
          progress: Callable[[int, int], None] | None = None, user: str = history.SYSTEM) -> Report:
    """Draft the untranslated entries of one language (all articles, or ``names``); the history names
    ``user`` as the one who drafted them (the account that started a job, else the command)."""
    started = time.perf_counter()
    tag = ws.language(language)
    names = [slug(name) for name in names] if names else names   # a bad name: refused before anything opens
    machine, notice = engine_for(ws, tag, engine)
    report = Report(tag, machine.name if machine else None, notice, dry_run=dry_run)
    report.recorder = None if dry_run else history.Recorder.of(ws.root, user=user, action="draft")
    source = ws.settings.source_language
    memory = None if machine is not None and machine.name == "pseudo" else Memory(ws)

    units = _untranslated(ws, tag, names, limit, report, memory)
    total = len(units)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    # memory first: its drafts are written before any engine is asked
    if memory is not None and units:
        found = memory.translate([u.text for u in units], source, tag)
        hits = [(u, d) for u, d in zip(units, found) if d is not None]
        report.from_memory = len(hits)
        if not dry_run:
            _save(hits, report)
        units = [u for u, d in zip(units, found) if d is None]
        advance(len(hits))

    if machine is None:
        for u in units:
            report.skip("no match in translation memory", u.text)
        advance(len(units))
    elif dry_run:
        report.drafted = len(units)
        advance(len(units))
    else:
        try:
            _run_engine(machine, units, source, tag, report, advance)
        except (EngineError, KeyboardInterrupt) as exc:
            report.seconds = time.perf_counter() - started
            exc.report = report  # what was saved before it, for the caller to say
            raise
    report.seconds = time.perf_counter() - started
    return report


def _untranslated(ws: Workspace, tag: str, names: list[str] | None, limit: int | None,
                  report: Report, memory: Memory | None) -> list[_Unit]:
    """The untranslated units of the named articles, in order; every catalog of the
    language is read once, and its approved entries go into the memory."""
    wanted = [slug(n) for n in names] if names else ws.slugs()
    for name in wanted:
        if not ws.catalog_path(tag, name).is_file() and not ws.source_path(name).is_file():
            raise WorkspaceError(f"no article {name!r}: {ws.source_path(name)} does not exist")
    terms = glossary.for_workspace(ws)
    required = terms.required(tag)
    if memory is not None:
        memory.prime(tag)
    units: list[_Unit] = []
    reading = wanted if memory is None else list(dict.fromkeys([*wanted, *ws.slugs()]))
    for name in reading:
        path = ws.catalog_path(tag, name)
        if not path.is_file():
            if name in wanted:
                report.skip(f"no {tag} catalog yet: run 'localize update --lang {tag}'", name)
            continue
        cat = catalog.read(path)
        if memory is not None:
            memory.remember(tag, cat, name)
        if name not in wanted or (limit is not None and len(units) >= limit):
            continue
        todo = [e for e in cat.entries if not e.obsolete and e.msgid and e.state == po.UNTRANSLATED
                and history.rejection(e) is None]
        if not todo:
            continue
        article_terms = terms_for(ws, name, terms, required, tag)
        for entry in todo:
            if limit is not None and len(units) >= limit:
                break
            report.units += 1
            report.words += catalog.words(entry.msgid)
            if entry.msgid_plural is not None:
                report.skip("plural entry: translate it by hand", entry.msgid)
                continue
            units.append(_Unit(path, entry.key, entry.msgid, article_terms))
    if memory is not None:
        memory.remember_imported(tag)   # after the workspace's own work, which comes first
    return units


def _run_engine(machine: Engine, units: list[_Unit], source: str, target: str, report: Report,
                advance: Callable[[int], None]) -> None:
    ready: list[tuple[_Unit, Draft]] = []
    sent: list[_Unit] = []
    for u in units:
        u.protected = protect(u.text, u.terms)
        if not u.protected.translatable:
            ready.append((u, Draft(u.protected.text, COPIED)))
        elif machine.max_chars is not None and len(u.protected.text) > machine.max_chars:
            report.skip(f"longer than the {machine.max_chars} characters {machine.name} takes", u.text)
        else:
            sent.append(u)
    done_without = len(units) - len(sent)
    size = max(1, machine.batch_size)
    batches = [sent[start:start + size] for start in range(0, len(sent), size)]
    for batch, found in _translated(machine, batches, source, target):
        for u, d in zip(batch, found):
            if d is None:
                report.skip(f"{machine.name} gave no translation", u.text)
                continue
            ready.append((u, d))
        _save(_restored(ready, report), report)
        ready = []
        advance(len(batch) + done_without)
        done_without = 0
    if ready:
        _save(_restored(ready, report), report)
    if done_without:
        advance(done_without)


def _translated(machine: Engine, batches: list[list[_Unit]], source: str, target: str):
    """(batch, drafts) in order, the engine working on the next batch while this one is saved.

    Identical texts of a batch go to the engine once. The engine runs in a
    daemon thread one batch ahead at most, so an interruption wastes at most
    one batch and never waits for it.
    """
    results: queue.Queue = queue.Queue(maxsize=1)

    def work() -> None:
        for batch in batches:
            try:
                unique = list(dict.fromkeys(u.protected.text for u in batch))
                found = dict(zip(unique, machine.translate(unique, source, target)))
                results.put((batch, [found[u.protected.text] for u in batch], None))
            except BaseException as exc:  # handed to the caller's thread, raised there
                results.put((batch, None, exc))
                return

    if not batches:
        return
    threading.Thread(target=work, name=f"draft-{machine.name}", daemon=True).start()
    for _ in batches:
        batch, found, error = results.get()
        if error is not None:
            raise error
        yield batch, found


def _restored(drafts: list[tuple[_Unit, Draft]], report: Report) -> list[tuple[_Unit, Draft]]:
    good = []
    for u, d in drafts:
        try:
            done = _finished(d, u.protected, report.engine, report.language)
        except NoDraft as exc:
            report.skip(exc.reason, u.text)
            continue
        if d.unknown:
            report.unknown_words += 1
        if loss.POSSESSIVE_NOTE in done.origin:
            report.flagged["a name's English possessive to review"] += 1
        good.append((u, done))
        if d.origin == COPIED:
            report.copied += 1
        else:
            report.drafted += 1
    return good


_SENTENCE = re.compile(r"(?:^|(?<=[.!?…:] ))([^.!?…:]*?[?!])(?= |$)")


def opening_marks(text: str) -> str:
    """Spanish opens questions and exclamations (¿…?, ¡…!); engines such as Apertium leave them out.

    Only a sentence of plain text (no markup) that ends in ? or ! and has no
    opening mark gets one, at its start.
    """
    if "<" in text or ("?" not in text and "!" not in text):
        return text

    def mark(m: re.Match) -> str:
        sentence = m.group(1)
        if "¿" in sentence or "¡" in sentence or not sentence.strip():
            return sentence
        return ("¿" if sentence.endswith("?") else "¡") + sentence

    return _SENTENCE.sub(mark, text)


class NoDraft(LocalizeError):
    """The engine gave nothing usable for a text; the message says why.

    ``reason`` is the kind of failure, what a draft report counts ("the engine
    lost a number"); the message may say more (which number).
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


def _finished(d: Draft, protected: Protected, engine: str | None, language: str = "") -> Draft:
    """An engine's draft with its protected parts back and its origin written out; NoDraft if unusable."""
    try:
        text = restore(d.text, protected)
    except LostToken as exc:
        raise NoDraft(str(exc), exc.reason) from None
    if d.origin != COPIED:
        gone = loss.vanished(protected, d.text)
        if gone:
            raise NoDraft(gone)
    text = markup.normalize_space(text).strip(" ")
    if d.origin != COPIED and language.split("-")[0] == "es":
        text = opening_marks(text)
    if not markup.without_tags(text).strip():
        raise NoDraft(f"{engine} gave an empty translation", "the engine gave back no words (an empty draft)")
    origin = d.origin
    if d.unknown:
        origin += "; unknown words: " + ", ".join(d.unknown[:10])
    if d.origin != COPIED and language and engine != "pseudo":   # pseudo text keeps English order on purpose
        for note in loss.review_notes(protected, d.text, language):
            origin += "; " + note
    return Draft(text, origin, d.unknown, d.score)


def terms_for(ws: Workspace, name: str, terms: glossary.Glossary | None = None,
              required: dict[str, str] | None = None, language: str | None = None) -> Terms:
    """What protection keeps for one article: its reference list's surnames and citations, the glossary.

    The reference list's names less the common given names (see :func:`localize.protect.surnames`);
    numbers are written as ``language`` writes them.
    """
    terms = terms if terms is not None else glossary.for_workspace(ws)
    if required is None:
        required = terms.required(language) if language else {}
    page = ws.source_path(name)
    refs = article.read_references(page) if page.is_file() else None
    return Terms(keep=(*surnames(refs.authors if refs else ()), *terms.keep), required=required,
                 citations=frozenset(refs.citations if refs else ()), language=language)


def draft_one(ws: Workspace, language: str, name: str, text: str, engine: str | None = None) -> Draft:
    """A fresh machine translation of one unit's text, protected as a draft run protects it; not saved."""
    tag = languages.validate(language)
    machine, why = engine_for(ws, tag, engine)
    if machine is None:
        raise NoDraft(why)
    protected = protect(text, terms_for(ws, name, language=tag))
    if not protected.translatable:
        return _finished(Draft(protected.text, COPIED), protected, machine.name, tag)
    found = machine.translate([protected.text], ws.settings.source_language, tag)[0]
    if found is None:
        raise NoDraft(f"{machine.name} gave no translation")
    try:
        return _finished(found, protected, machine.name, tag)
    except NoDraft as exc:
        raise NoDraft(f"{machine.name}: {exc}", exc.reason) from None


def _save(drafts: list[tuple[_Unit, Draft]], report: Report) -> None:
    """Write drafts into their catalogs: each locked, read again, only still-untranslated entries filled."""
    by_path: dict[Path, dict] = {}
    for u, d in drafts:
        by_path.setdefault(u.path, {})[u.key] = d
    recorder = report.recorder
    with history.kept(recorder), catalog.Batch() as batch:
        for path, found in by_path.items():
            batch.lock(path)
            original = catalog.read_text(path)
            cat = po.parse(original, str(path))
            before = history.snapshot(cat) if recorder is not None else None
            for entry in cat.entries:
                d = found.get(entry.key)
                if (d is not None and not entry.obsolete and entry.state == po.UNTRANSLATED
                        and history.rejection(entry) is None):
                    entry.set_draft(d.text, d.origin)
            text = po.dumps(cat)
            if text != original:
                if recorder is not None:
                    recorder.record(report.language, path.name.removesuffix(".po"), before, cat, path=path, text=text)
                batch.write(path, text)
                if path not in report.written:
                    report.written.append(path)
