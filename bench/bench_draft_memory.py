#!/usr/bin/env python3
"""Drafting from a big translation memory: `localize draft` with memory first, against an empty memory.

From the shared corpus (../shared/bench/make_corpus.py), two workspaces of the same --draft articles
(1,000 by default), their Spanish catalogs untranslated, Apertium eng-spa as the engine:

  full   the workspace also holds --memory articles (3,200 by default: about 100,000 distinct units),
         every one of their units approved (the corpus's pseudo-translation): the memory drafting
         consults first, before Apertium, for each untranslated unit
  empty  the drafted articles alone: nothing approved, the memory has nothing to offer

Each is drafted in a fresh copy per run (extract and update before the clock), as a user would:
`localize draft --lang es`, a whole process. Prints the medians, full / empty (target: at most
1.2, memory first no more than 20 % slower), and what each drafted from the memory and the engine.
The memory articles come first in the corpus, the drafted ones after them, so the memory holds
headings and sentences the drafted articles share, but not their paragraphs.

Usage: bench/bench_draft_memory.py [--memory 3200] [--draft 1000] [--runs 3] [--work DIR] [--shared DIR]
Needs: Apertium with the eng-spa pair (scripts/setup).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_draft import LANG, summary
from common import REPO, timed, tool
from common import corpus as make_corpus

sys.path.insert(0, str(REPO))
from localize import po  # noqa: E402

TARGET = 1.2


def workspace(folder: Path, pages: list[Path]) -> Path:
    """The pages as a workspace drafting Spanish with Apertium, extracted and updated."""
    if (folder / "ready").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "source").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\n'
        f'languages = ["{LANG}"]\n\n[tool.localize.engines]\n{LANG} = "apertium"\n', encoding="utf-8")
    for page in pages:
        shutil.copy(page, folder / "source" / page.name)
    localize = tool("localize")
    subprocess.run([localize, "--root", str(folder), "extract"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([localize, "--root", str(folder), "update", "--lang", LANG], check=True,
                   stdout=subprocess.DEVNULL)
    (folder / "ready").touch()
    return folder


def approve(folder: Path, names: list[str], pseudo) -> int:
    """Every unit of the named articles' catalogs translated (pseudo) and approved; distinct units."""
    distinct = set()
    for name in names:
        path = folder / "locales" / LANG / "LC_MESSAGES" / f"{name}.po"
        cat = po.parse(path.read_text(encoding="utf-8"), str(path))
        for entry in cat.entries:
            if entry.msgid and not entry.obsolete:
                entry.msgstr = pseudo(entry.msgid)
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                distinct.add(entry.msgid)
        path.write_text(po.dumps(cat), encoding="utf-8")
    return len(distinct)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--memory", type=int, default=3200, help="articles whose units are approved: the memory")
    ap.add_argument("--draft", type=int, default=1000, help="articles drafted")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of each")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    shared = Path(args.shared).resolve()
    if not (shared / "bench/make_corpus.py").exists():
        sys.exit(f"bench: no corpus generator in {shared}/bench (pass --shared)")
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-draft-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(shared, work, args.memory, args.draft, args.runs)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run(shared: Path, work: Path, n_memory: int, n_draft: int, runs: int) -> int:
    sys.path.insert(0, str(shared / "bench"))
    from pseudo_translate import pseudo

    corpus = make_corpus(shared, work, n_memory + n_draft)
    pages = sorted((corpus / "src").glob("*.html"))
    if len(pages) < n_memory + n_draft:
        sys.exit(f"bench: {corpus} holds {len(pages)} articles, not {n_memory + n_draft} (use another --work)")
    remembered, drafted = pages[:n_memory], pages[n_memory:n_memory + n_draft]
    full = workspace(work / "full", remembered + drafted)
    if not (full / "approved").exists():
        units = approve(full, [p.stem for p in remembered], pseudo)
        (full / "approved").write_text(str(units), encoding="utf-8")
    empty = workspace(work / "empty", drafted)
    print(f"memory: {int((full / 'approved').read_text()):,} approved units of {n_memory:,} articles; "
          f"drafting {n_draft:,} articles into Spanish with Apertium; {runs} runs")

    localize = tool("localize")
    found: dict[str, dict] = {}
    for label, base in (("empty", empty), ("full", full)):
        seconds, done = [], None
        for i in range(runs):
            ws = work / f"{label}-{i}"
            shutil.rmtree(ws, ignore_errors=True)
            shutil.copytree(base, ws, ignore=shutil.ignore_patterns("*.lock", "draft.log"))   # before the clock
            seconds.append(timed([localize, "draft", "--lang", LANG], cwd=ws, out=ws / "draft.log"))
            done = summary(ws / "draft.log")
            shutil.rmtree(ws)
        found[label] = {"seconds": statistics.median(seconds), "runs": seconds, **done}
        print(f"{label:6} memory   {found[label]['seconds']:7.2f} s   {done['units']:,} units: "
              f"{done['from_memory']:,} from memory, {done['drafted']:,} by Apertium, {done['skipped']:,} skipped   "
              f"(runs: {', '.join(f'{s:.1f}' for s in seconds)} s)")
    ratio = found["full"]["seconds"] / found["empty"]["seconds"]
    verdict = "PASS" if ratio <= TARGET else "MISS"
    print(f"full / empty {ratio:5.2f}  (target <= {TARGET}: {verdict})")
    (work / "draft_memory.json").write_text(json.dumps({**found, "ratio": ratio}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
