#!/usr/bin/env python3
"""Do the checks of machine output catch garbage, and leave human translations alone?

Two sets go through the real checks (``checks.run``), each unit as an engine's
draft (its ``# draft:`` comment kept, so ``unknown-words`` and ``spelling`` run):

  drafts   bench/data/labelled-drafts.json: Apertium drafts of our articles in
           es, ca, gl and eo, each read and labelled ``acceptable`` or
           ``garbage`` by a reviewer (see bench/data/README.md)
  human    the human translations of the published pages of tests/pages/real/,
           paired with their English units as tests/realpages.py pairs them;
           each carries the draft comment Apertium (eng-spa) wrote for the same
           English unit, so the words an engine did not know are known there too;
           units the translator left in English are not translations and left out

The labelled drafts were made before Apertium recorded a round-trip score:
bench/round_trip.py adds it to their draft comments here (sent back as finished
text), and the human units get the score and fingerprint of Apertium's eng-spa
draft of their English unit, as a draft a person rewrote would keep them.

A unit is *flagged* when a check of machine output (the checks of
localize/checks/machine.py and spelling.py) reports it. The targets: at
least 90 % of the garbage drafts flagged, at most 5 % of the human
translations. Prints one table per set by language, what each check flagged,
the garbage that went through (misses) and the human units flagged (false
alarms). Exits 1 when a target is not met.

Usage: bench/qa_garbage.py [--misses N] [--alarms N]   (how many to list; default all)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from localize import article, checks, languages, po  # noqa: E402
from localize.checks import machine, spelling  # noqa: E402

DATA = REPO / "bench" / "data" / "labelled-drafts.json"
GARBAGE_FLAGGED = 0.90   # at least
HUMAN_FLAGGED = 0.05     # at most
MACHINE = tuple(c.id for c in checks.CHECKS.values()
                if c.function.__module__ in (machine.__name__, spelling.__name__))


@dataclass
class Unit:
    """One source text and its translation, as a check sees it, and what the checks said."""

    set: str            # "garbage", "acceptable" or "human"
    language: str
    where: str          # article or page, and language
    source: str
    target: str
    note: str = ""      # the reviewer's reason, for a labelled draft
    found: dict[str, str] = field(default_factory=dict)   # check id -> message

    @property
    def flagged(self) -> bool:
        return bool(self.found)


def _context(language: str, authors, citations, texts: list[str]) -> checks.Context:
    ctx = checks.Context(languages.parse(language), "en", authors=tuple(authors), citations=frozenset(citations))
    return machine.with_article(ctx, texts)


def _run(unit: Unit, comments: list[str], ctx: checks.Context) -> Unit:
    entry = po.Entry(unit.source, unit.target, comments=comments, flags=["fuzzy"])
    for problem in checks.run([entry], ctx):
        if problem.check in MACHINE:
            unit.found.setdefault(problem.check, problem.message)
    return unit


def labelled(data: dict, round_trip: bool = True) -> list[Unit]:
    """The labelled drafts, checked (with the round-trip score in their draft comments, or without)."""
    pages = {page.slug: page for page in _real_pages()}
    scores = _round_trip().scores(data["drafts"]) if round_trip else {}
    contexts: dict[tuple[str, str], checks.Context] = {}
    units = []
    for record in data["drafts"]:
        key = (record["article"], record["language"])
        if key not in contexts:
            if record["article"] in data["articles"]:
                info = data["articles"][record["article"]]
                authors, citations, texts = info["authors"], info["citations"], info["units"]
            else:
                refs = article.read_references(pages[record["article"]].source)
                authors, citations = refs.authors, refs.citations
                texts = _page_units(pages[record["article"]])
            contexts[key] = _context(record["language"], authors, citations, texts)
        unit = Unit(record["label"], record["language"], f"{record['article']} {record['language']}",
                    record["source"], record["draft"], record["reason"])
        comments = record["comments"]
        if record["id"] in scores:
            comments = _round_trip().with_round_trip(comments, *scores[record["id"]])
        units.append(_run(unit, comments, contexts[key]))
    return units


def _round_trip():
    import importlib.util
    if "round_trip" not in sys.modules:
        spec = importlib.util.spec_from_file_location("round_trip", REPO / "bench" / "round_trip.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["round_trip"]


def _apertium_round_trip(msgids: list[str]) -> dict[str, tuple[float, str]]:
    """The round-trip score and fingerprint of Apertium's eng-spa draft of each English unit."""
    from localize.engines import apertium
    texts = [" ".join(realpages_plain(m).split()) for m in msgids]
    found = {}
    for msgid, draft in zip(msgids, apertium.Apertium().translate(texts, "en", "es")):
        mark = machine.round_trip(po.Entry(msgid, "", comments=[po.DRAFT_COMMENT + draft.origin])) if draft else None
        if mark is not None:
            found[msgid] = mark
    return found


def realpages_plain(text: str) -> str:
    from localize.checks.base import plain_text
    return plain_text(text, " ")


def _real_pages():
    import realpages
    return realpages.corpus()


def _page_units(page) -> list[str]:
    import realpages
    return [u.text for u in realpages.located_units(realpages.parse(page.source.read_bytes()))]


def human(data: dict) -> list[Unit]:
    """The human translations of the real pages, checked as if an engine had drafted them."""
    import realpages
    unknown = data["real_pages_unknown"]
    found = []
    for page in _real_pages():
        english = page.source.read_bytes()
        refs = article.read_references(page.source)
        texts = _page_units(page)
        for language in page.languages:
            alignment = realpages.align(english, page.edition(language).read_bytes())
            ctx = _context(language, refs.authors, refs.citations, texts)
            for msgid, msgstr in alignment.translations.items():
                if realpages.plain(msgstr) == realpages.plain(msgid):
                    continue   # left in English by the translator: not a translation
                comment = unknown.get(msgid, f"draft: apertium en-{language.split('-')[0]}")
                unit = Unit("human", language.split("-")[0], f"{page.slug} {language}", msgid, msgstr)
                found.append((unit, comment, ctx))
    scores = _apertium_round_trip(list(dict.fromkeys(u.source for u, _, _ in found)))
    units = []
    for unit, comment, ctx in found:
        comments = [comment]
        if unit.source in scores:
            comments = _round_trip().with_round_trip(comments, *scores[unit.source])
        units.append(_run(unit, comments, ctx))
    return units


@dataclass
class Measure:
    """Both sets, checked."""

    drafts: list[Unit]
    human: list[Unit]

    def share(self, kind: str) -> tuple[int, int]:
        units = [u for u in (self.human if kind == "human" else self.drafts) if u.set == kind]
        return sum(u.flagged for u in units), len(units)

    @property
    def met(self) -> bool:
        garbage, human = self.share("garbage"), self.share("human")
        return garbage[0] >= GARBAGE_FLAGGED * garbage[1] and human[0] <= HUMAN_FLAGGED * human[1]


def measure() -> Measure:
    """Read the labelled set and the real pages, and run the checks over both."""
    logging.getLogger("localize.checks").setLevel(logging.ERROR)   # "no dictionary for ja": said in the table
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return Measure(labelled(data), human(data))


# -- printing -------------------------------------------------------------------------

def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({n / total:.1%})" if total else "-"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def _by_check(units: list[Unit]) -> str:
    counts = Counter(check for u in units for check in u.found)
    return ", ".join(f"{check} {counts[check]}" for check in MACHINE if counts[check]) or "-"


def report(m: Measure, misses: int | None, alarms: int | None) -> str:
    out = []
    rows = []
    for language in sorted({u.language for u in m.drafts}) + ["all"]:
        row = [language]
        for kind in ("garbage", "acceptable"):
            units = [u for u in m.drafts if u.set == kind and language in ("all", u.language)]
            row += [_pct(sum(u.flagged for u in units), len(units)), _by_check([u for u in units if u.flagged])]
        rows.append(row)
    out += ["Labelled Apertium drafts (flagged by " + ", ".join(MACHINE) + ")",
            table(["lang", "garbage flagged", "by check", "acceptable flagged", "by check"], rows), ""]
    rows = []
    for language in sorted({u.language for u in m.human}) + ["all"]:
        units = [u for u in m.human if language in ("all", u.language)]
        dictionary = "-" if language == "all" else ("yes" if spelling.dictionary(language) else "no")
        rows.append([language, dictionary, _pct(sum(u.flagged for u in units), len(units)),
                     _by_check([u for u in units if u.flagged])])
    out += ["Human translations of tests/pages/real/, checked as drafts",
            table(["lang", "dictionary", "flagged", "by check"], rows), ""]
    garbage, human_share = m.share("garbage"), m.share("human")
    out.append(f"garbage flagged {_pct(*garbage)} (target >= {GARBAGE_FLAGGED:.0%}); "
               f"human flagged {_pct(*human_share)} (target <= {HUMAN_FLAGGED:.0%}): "
               + ("targets met" if m.met else "TARGETS NOT MET"))
    missed = [u for u in m.drafts if u.set == "garbage" and not u.flagged]
    if missed and misses != 0:
        out += ["", f"Garbage not flagged ({len(missed)}):"]
        out += [f"  [{u.where}] {u.note}\n    en: {u.source[:200]}\n    tr: {u.target[:200]}"
                for u in missed[:misses]]
    wrong = [u for u in m.drafts if u.set == "acceptable" and u.flagged]
    if wrong and misses != 0:
        out += ["", f"Acceptable drafts flagged ({len(wrong)}):"]
        out += [f"  [{u.where}] " + "; ".join(f"{c}: {msg}" for c, msg in u.found.items())
                + f"\n    tr: {u.target[:200]}" for u in wrong[:misses]]
    alarmed = [u for u in m.human if u.flagged]
    if alarmed and alarms != 0:
        out += ["", f"Human translations flagged ({len(alarmed)}):"]
        out += [f"  [{u.where}] " + "; ".join(f"{c}: {msg}" for c, msg in u.found.items())
                + f"\n    en: {u.source[:200]}\n    tr: {u.target[:200]}" for u in alarmed[:alarms]]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", type=int, default=None, help="garbage misses to list (default: all)")
    parser.add_argument("--alarms", type=int, default=None, help="human false alarms to list (default: all)")
    args = parser.parse_args()
    m = measure()
    print(report(m, args.misses, args.alarms))
    return 0 if m.met else 1


if __name__ == "__main__":
    sys.exit(main())
