#!/usr/bin/env python3
"""Start-up: what a single-file command costs as a whole process, against Translate Toolkit's.

On one article of the shared corpus (../shared/bench/make_corpus.py), in the same
run, timing whole processes as a script, a git hook or a CI step runs them:

  version  localize --version                  vs  html2po --version
  extract  localize extract PAGE.html -o P.pot  vs  html2po PAGE.html P.pot

Prints the medians of --runs runs, the ratio (peer / ours: above 1, we are
faster) and whether our median meets the target, 0.15 s.

Usage: bench/bench_startup.py [--runs 11] [--work DIR] [--shared DIR]
Needs: the bench extra (translate-toolkit).
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from common import corpus as make_corpus
from common import main as bench_main
from common import timed, tool

TARGET = 0.15


def run(shared: Path, work: Path, n: int, runs: int) -> int:
    folder = make_corpus(shared, work, 1)
    page = sorted((folder / "src").glob("*.html"))[0]
    localize, html2po = tool("localize"), tool("html2po")
    cases = {
        "version": ([localize, "--version"], [html2po, "--version"]),
        "extract": ([localize, "extract", str(page), "-o", str(work / "ours.pot")],
                    [html2po, str(page), str(work / "theirs.pot")]),
    }
    print(f"page: {page.name} ({page.stat().st_size:,} bytes); medians of {runs} runs, whole processes")
    missed = 0
    results = {}
    for name, (ours_argv, peer_argv) in cases.items():
        ours, peer = [], []
        for _ in range(runs):   # interleaved: a disturbance of the machine falls on both
            ours.append(timed(ours_argv, settle=0.2))
            peer.append(timed(peer_argv, settle=0.2))
        mo, mp = statistics.median(ours), statistics.median(peer)
        verdict = "meets" if mo <= TARGET else "MISSES"
        missed += mo > TARGET
        results[name] = {"localize_s": mo, "html2po_s": mp, "ratio": mp / mo, "target_s": TARGET}
        (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
        print(f"{name:8} localize {mo:6.3f} s   html2po {mp:6.3f} s   ratio {mp / mo:5.2f}x   "
              f"(target localize <= {TARGET} s: {verdict})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, "bench-startup-", run))
