"""QA checks: find what breaks a translation before a reviewer or a reader does.

An explicit registry (:data:`CHECKS`) of small named checks, each with an id and
a severity; :func:`run` applies them to the entries of one catalog and
:func:`run_across` compares the catalogs of one language. Checks are pure: they
take values and return :class:`Problem` results, one per problem found (a check
lists every problem it finds: each missing tag, each number that differs). A
problem's message is a :class:`Said`: English text that keeps its template and
parameters, for a face that speaks another language.

*error* blocks approval and publishing unless a reviewer overrides it with a
translator comment ``qa-override <check-id>: <reason>`` on the entry (the reason
is required and stays on the entry). An overridden error is still reported,
marked ``overridden``. A flag ``ignore-<check-id>`` (``#, ignore-numbers``)
switches a check off for one entry. ``unsafe`` can be neither ignored nor
overridden. *warning* informs.

Checked are the entries with a translation (approved, needs review, stale).
In gettext an approved entry with an empty ``msgstr`` is simply untranslated;
``empty`` therefore reports a translation that is present but blank (only
whitespace) on an entry that is not fuzzy, or an empty plural form of an
approved entry: what a reader would get as a hole in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..po import Entry
# the check modules register their checks, in this order, when imported
from . import content, machine, source_change, spelling, typography  # noqa: F401
from .base import (CHECKS, ENTRY, ERROR, LANGUAGE, WARNING, Check, Context, Pair, Problem, Said, check, messages,
                   said, said_n)

__all__ = ["CHECKS", "ERROR", "IGNORE", "OVERRIDE", "WARNING", "Check", "Context", "Pair", "Problem", "Said",
           "add_override", "blocking", "check", "ignored", "messages", "overridden_check", "overrides",
           "remove_overrides", "run", "run_across", "said", "said_n"]

OVERRIDE, IGNORE = "qa-override", "ignore-"   # comment ``qa-override <id>: <reason>``, flag ``ignore-<id>``
_OVERRIDE = re.compile(OVERRIDE + r"\s+([a-z0-9-]+)\s*:\s*(\S.*?)\s*\Z")


def overridden_check(comment: str) -> str | None:
    """The check a ``qa-override`` comment names, with a reason or without ("" if none); None for another comment."""
    text = comment.strip()
    if not text.startswith(OVERRIDE):
        return None
    return text[len(OVERRIDE):].partition(":")[0].strip()


def remove_overrides(entry: Entry, check_id: str | None = None) -> None:
    """Take the entry's ``qa-override`` comments away: those of one check, or all of them."""
    entry.comments = [c for c in entry.comments
                      if (found := overridden_check(c)) is None or check_id is not None and found != check_id]


def ignored(entry: Entry) -> tuple[str, ...]:
    """The checks an entry's ``ignore-<id>`` flags name."""
    return tuple(f[len(IGNORE):] for f in entry.flags if f.startswith(IGNORE))


def overrides(entry: Entry) -> dict[str, str]:
    """{check id: written reason} of the entry's ``qa-override`` comments (a reason is required)."""
    found = {}
    for comment in entry.comments:
        m = _OVERRIDE.match(comment.strip())
        if m and m.group(1) in CHECKS and CHECKS[m.group(1)].ignorable:
            found[m.group(1)] = m.group(2)
    return found


def add_override(entry: Entry, check_id: str, reason: str) -> None:
    """Record a reviewer's override of one check on an entry, with the reason."""
    if check_id not in CHECKS:
        raise ValueError(f"no check {check_id!r}")
    if not CHECKS[check_id].ignorable:
        raise ValueError(f"{check_id} cannot be overridden")
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("an override needs a written reason")
    remove_overrides(entry, check_id)
    entry.comments.append(f"{OVERRIDE} {check_id}: {reason}")


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    """The errors nobody overrode: what stops approval, publishing and ``localize check``."""
    return [p for p in problems if p.severity == ERROR and not p.overridden]


def _texts(entry: Entry) -> list[tuple[str, str]]:
    if entry.msgid_plural is None:
        return [(entry.msgid, entry.msgstr)]
    return [(entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted((entry.msgstr_plural or {}).items())]


def run(entries: Iterable[Entry], context: Context, *, article: str = "",
        severity: str | None = None) -> list[Problem]:
    """Every per-entry check (or those of one severity) over the entries that have a translation: a problem
    per message a check returns, each once per entry."""
    problems: list[Problem] = []
    language = context.language.tag
    everything = [c for c in CHECKS.values() if c.scope == ENTRY and severity in (None, c.severity)]
    usual = ([(c, c.function) for c in everything if not c.blank],
             [(c, c.function) for c in everything if c.blank])
    for entry in entries:
        if entry.obsolete or not entry.translated:
            continue
        on_text, on_blank = usual
        if entry.flags and any(flag.startswith(IGNORE) for flag in entry.flags):
            off = set(ignored(entry))
            on_text = [(c, f) for c, f in on_text if not (c.ignorable and c.id in off)]
            on_blank = [(c, f) for c, f in on_blank if not (c.ignorable and c.id in off)]
        found: list[tuple[Check, str]] = []
        for source, target in ((entry.msgid, entry.msgstr),) if entry.msgid_plural is None else _texts(entry):
            if target and not target.isspace():
                active = on_text
            elif entry.fuzzy:
                continue   # a draft with nothing in it yet
            else:
                active = on_blank
            pair = Pair(source, target, entry)
            for c, function in active:
                result = function(pair, context)
                if not result:
                    continue
                for message in ((result,) if isinstance(result, str) else messages(result)):
                    if (c, message) not in found:
                        found.append((c, message))
        if found:
            reasons = overrides(entry) if entry.comments else {}
            problems.extend(Problem(article, language, entry.msgctxt, entry.msgid, c.id, c.severity,
                                    message, c.ignorable and c.id in reasons)
                            for c, message in found)
    return problems


def run_across(catalogs: Mapping[str, Iterable[Entry]], language: str) -> list[Problem]:
    """The checks that compare all catalogs of one language ({article: entries})."""
    problems: list[Problem] = []
    for c in CHECKS.values():
        if c.scope != LANGUAGE:
            continue
        for article, entry, message in c.function(catalogs):
            if c.ignorable and IGNORE + c.id in entry.flags:
                continue
            reasons = overrides(entry) if entry.comments else {}
            problems.append(Problem(article, language, entry.msgctxt, entry.msgid, c.id, c.severity,
                                    message, c.ignorable and c.id in reasons))
    return problems
