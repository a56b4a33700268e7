#!/usr/bin/env python3
"""Real pages: our editions of published manual pages against their human translations.

For every page of tests/pages/real/ and every human edition of it: align the
edition's units with the English page's, import them as an approved catalog,
render, and compare with the human page. One row per edition:

  units      units of the English page
  aligned    units paired with the human page (and the share)
  escaped    tags shown as text in our page that neither original shows
  equal      paired units whose rendered text equals what it should (the human text, or
             the source where the translation adds markup), whitespace aside
  changed    paired units whose human markup differs from the source's: attributes
             changed / an element dropped / an element repeated / an element added
  coverage   share of the human page's unit text (in characters) found as a unit in ours
  dangling   in-page links (#frag) of our page whose target is not in it
  links      links to other pages differing from the human page's (missing+extra)

Then one row per page: rendering it in English gives the page itself (DOM-equal),
and an XHTML page keeps its XML declaration.

Usage: bench/real_pages.py [--details N]   (N: how many differing units to show per edition)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import realpages  # noqa: E402


def edition_row(judged: realpages.Judged) -> list[str]:
    a = judged.alignment
    compared = judged.compared
    equal = sum(unit.equal for unit in compared)
    changes = Counter(unit.change for unit in compared)
    links = sum(judged.links_missing.values()) + sum(judged.links_extra.values())
    return [judged.page.slug, judged.language, str(len(a.source)),
            f"{len(a.pairs)} ({a.rate:.0%})", str(len(judged.escaped)), f"{equal}/{len(compared)}",
            f"{changes['attributes']}/{changes['dropped']}/{changes['repeated']}/{changes['added']}",
            f"{judged.coverage:.1%}", str(len(judged.dangling)), str(links)]


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def details(judged: realpages.Judged, limit: int) -> list[str]:
    out = []
    for unit in [u for u in judged.compared if not u.equal][:limit]:
        out.append(f"  {judged.page.slug} {judged.language} [{unit.change}]\n"
                   f"    msgid:    {unit.msgid[:300]}\n    msgstr:   {unit.msgstr[:300]}\n"
                   f"    rendered: {unit.rendered[:300]}")
    out += [f"  {judged.page.slug} {judged.language} escaped: {tag}" for tag in judged.escaped[:limit]]
    out += [f"  {judged.page.slug} {judged.language} dangling: {href}" for href in judged.dangling[:limit]]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", type=int, default=0, help="differing units to show per edition")
    args = parser.parse_args()
    rows, pages, notes = [], [], []
    totals = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for number, page in enumerate(realpages.corpus()):
            folder = Path(tmp) / str(number)
            ws = realpages.workspace(folder / "ws", page)
            for language in page.languages:
                judged = realpages.judge(ws, page, language, folder)
                rows.append(edition_row(judged))
                totals.update(units=len(judged.alignment.source), aligned=len(judged.alignment.pairs),
                              escaped=len(judged.escaped), judged=len(judged.compared),
                              equal=sum(u.equal for u in judged.compared), dangling=len(judged.dangling),
                              editions=1)
                if args.details:
                    notes += details(judged, args.details)
            same, _ = realpages.identity(ws, page)
            pages.append([page.slug, str(len(page.languages)), "yes" if same.dom_equal else "NO",
                          {None: "-", True: "kept", False: "LOST"}[same.xml_declaration]])
    print(table(["page", "lang", "units", "aligned", "escaped", "equal", "changed a/d/r/+", "coverage",
                 "dangling", "links"], rows))
    print(f"\n{totals['editions']} editions: {totals['aligned']}/{totals['units']} units aligned, "
          f"{totals['escaped']} escaped tags, {totals['equal']}/{totals['judged']} units equal, "
          f"{totals['dangling']} dangling in-page links\n")
    print(table(["page", "editions", "identity (DOM-equal)", "XML declaration"], pages))
    if notes:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
