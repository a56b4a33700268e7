#!/usr/bin/env python3
"""Every speed figure in one run: each bench of this folder in turn, then one table of us beside each peer.

Runs, one after the other on an otherwise idle machine (each writes its own log in the work folder):

  bench_startup.py        localize --version, extract PAGE -o POT     vs  html2po                 <= 0.15 s
  bench_catalogs.py       extract / update / render of 1,000 articles  vs  html2po / msgmerge / po2html
                                                                                    >= 8x / >= 10x / >= 5x
  bench_checks.py         check of one 60,000-entry catalog            vs  pofilter                 >= 5x
  bench_editions.py       HTML export of 1,000 articles                vs  po2html                  >= 5x
                          again, nothing / one article changed         share of the cold export
                          its peak memory                                                           <= 300 MB
                          PDF, per article                             vs  Chromium, weasyprint     >= 2.5x
  bench_bigmerge.py       one big catalog, 4k, 8k, 14k, 32k units      vs  msgmerge (to 14k)        >= 20x
                          growth exponent, peak memory at 32k                                       <= 1.2, <= 200 MB
  bench_memory.py         suggestions from 100,000 approved units      vs  comparing every unit     p95 <= 50 ms
  bench_tmx.py            importing a 100,000-unit TMX, searching it   vs  Translate Toolkit's reader
  bench_draft_memory.py   drafting 1,000 articles, 100,000 units in memory  vs  an empty memory   <= 1.2x

Medians of --runs runs throughout. About 90 minutes on 2 cores; --full also runs msgmerge at 32k units
(20 minutes more). --only NAME[,NAME] runs some of them (startup, catalogs, checks, editions, bigmerge,
memory, tmx, draft_memory) and tabulates what the work folder already holds from earlier runs.

Usage: bench/speed.py [--runs 3] [--full] [--only NAMES] [--work DIR] [--shared DIR]
Needs: what each bench needs (scripts/setup bench; Apertium, GNU gettext, Chromium).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from common import REPO

HERE = Path(__file__).resolve().parent


def benches(runs: int, full: bool) -> dict[str, list[str]]:
    r = ["--runs", str(runs)]
    return {
        "startup": ["bench_startup.py", "--runs", str(max(runs, 5))],
        "catalogs": ["bench_catalogs.py", "--n", "1000", *r],
        "checks": ["bench_checks.py", "--n", "1000", *r],
        "editions": ["bench_editions.py", "--n", "1000", "--pdf", "10", *r],
        "bigmerge": ["bench_bigmerge.py", "--sizes", "125,250,500,1160", *r,
                     *([] if full else ["--peer-up-to", "500"])],
        "memory": ["bench_memory.py", "--n", "3850"],
        "tmx": ["bench_tmx.py", "--n", "3850", *r],
        "draft_memory": ["bench_draft_memory.py", "--memory", "3850", "--draft", "1000", "--runs", str(min(runs, 2))],
    }


def load(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def rows(work: Path) -> list[tuple[str, str, str, str, str]]:
    """(figure, localize, peer, ratio or value, target and verdict) from the benches' result files."""
    out: list[tuple[str, str, str, str, str]] = []

    def ratio_row(name, ours, peer_name, peer, target):
        ratio = peer / ours
        out.append((name, f"{ours:.3f} s", f"{peer_name} {peer:.3f} s", f"{ratio:.1f}x",
                    f">= {target:g}x {'PASS' if ratio >= target else 'MISS'}"))

    startup = load(work / "startup" / "results.json") or {}
    for name, row in startup.items():
        out.append((f"start-up: {name}", f"{row['localize_s']:.3f} s", f"html2po {row['html2po_s']:.3f} s",
                    f"{row['ratio']:.2f}x",
                    f"<= {row['target_s']} s {'PASS' if row['localize_s'] <= row['target_s'] else 'MISS'}"))
    catalogs = load(work / "catalogs" / "results.json") or {}
    for step, peer in (("extract", "html2po"), ("update", "msgmerge loop"), ("render", "po2html")):
        if step in catalogs:
            row = catalogs[step]
            ratio_row(f"{step}, 1,000 articles", row["localize_s"], peer, row["peer_s"], row["target"])
    checks = load(work / "checks" / "results.json")
    if checks:
        ratio_row("check, one 60k-entry catalog", checks["localize_s"], "pofilter", checks["pofilter_s"],
                  checks["target"])
    editions = load(work / "editions" / "results.json") or {}
    if "html" in editions:
        html = editions["html"]
        ratio_row("HTML export, 1,000 articles", html["localize_s"], "po2html", html["peers"]["po2html"]["peer_s"],
                  5)
        if "files_alone_s" in html:
            out.append(("  its files alone (the floor)", f"{html['files_alone_s']:.3f} s", "", "",
                        f"5x needs <= {html['peers']['po2html']['peer_s'] / 5:.3f} s"))
        for what, row in html.get("again", {}).items():
            out.append((f"  again, {what}", f"{row['localize_s']:.3f} s", "", f"{100 * row['share_of_cold']:.1f} %",
                        "of the cold export"))
        if "max_rss_mb" in html:
            out.append(("  peak memory (largest process)", f"{html['max_rss_mb']:.0f} MB", "", "",
                        "<= 300 MB in all"))
    if "pdf" in editions:
        pdf = editions["pdf"]
        for peer, row in pdf["peers"].items():
            ratio_row(f"PDF per article ({peer})", pdf["localize_s"], peer, row["peer_s"], row["target"])
    big = load(work / "bigmerge" / "results.json") or []
    for row in big:
        name = f"one catalog, {row['units']:,} units"
        if "peer_s" in row:
            ratio_row(name, row["ours_s"], "msgmerge", row["peer_s"], 20)
        else:
            out.append((name, f"{row['ours_s']:.3f} s", "(msgmerge: --full)", "", ""))
    if len(big) >= 2:
        import math

        k = math.log(big[-1]["ours_s"] / big[0]["ours_s"]) / math.log(big[-1]["units"] / big[0]["units"])
        out.append(("  growth exponent", f"n^{k:.2f}", "", "", f"<= 1.2 {'PASS' if k <= 1.2 else 'MISS'}"))
        worst = max(row["ours_rss_mb"] for row in big)
        out.append(("  peak memory", f"{worst:.0f} MB", "", "", f"<= 200 MB {'PASS' if worst <= 200 else 'MISS'}"))
    memory = load(work / "memory" / "memory.json")
    if memory:
        out.append(("suggestions, 100k units: p95", f"{memory['p95_ms']:.1f} ms",
                    f"every unit {memory['every_p95_ms']:.1f} ms", f"{memory['every_p95_ms'] / memory['p95_ms']:.1f}x",
                    f"<= 50 ms {'PASS' if memory['p95_ms'] <= 50 else 'MISS'}"))
    imported = load(work / "tmx" / "tmx.json")
    if imported:
        out.append((f"TMX import, {imported['units']:,} units", f"{imported['import_s']:.2f} s",
                    f"Translate Toolkit's reader {imported['tt_read_s']:.2f} s", "", "in seconds"))
        out.append(("  suggestions from it: p95", f"{imported['p95_ms']:.1f} ms", "", "",
                    f"<= 50 ms {'PASS' if imported['p95_ms'] <= 50 else 'MISS'}"))
    drafting = load(work / "draft_memory" / "draft_memory.json")
    if drafting:
        out.append(("drafting 1,000 articles, 100k memory", f"{drafting['full']['seconds']:.1f} s",
                    f"empty memory {drafting['empty']['seconds']:.1f} s", f"{drafting['ratio']:.2f}x",
                    f"<= 1.2x {'PASS' if drafting['ratio'] <= 1.2 else 'MISS'}"))
    return out


def table(found: list[tuple[str, ...]]) -> str:
    head = ("figure", "localize", "peer", "ratio", "target")
    widths = [max(len(r[i]) for r in [head, *found]) for i in range(5)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [head, *found]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="timed runs per figure (medians)")
    ap.add_argument("--full", action="store_true", help="also msgmerge at 32k units (20 minutes more)")
    ap.add_argument("--only", help="some of the benches, comma-separated")
    ap.add_argument("--work", help="working folder, kept (default: a new temporary folder, kept)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-speed-"))
    todo = benches(args.runs, args.full)
    chosen = args.only.split(",") if args.only else list(todo)
    unknown = [name for name in chosen if name not in todo]
    if unknown:
        sys.exit(f"bench: no bench {', '.join(unknown)} (use {', '.join(todo)})")
    failed = []
    for name in chosen:
        folder = work / name
        folder.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, str(HERE / todo[name][0]), *todo[name][1:], "--work", str(folder),
                "--shared", args.shared]
        print(f"== {name}: {' '.join(todo[name])}", flush=True)
        with (folder / "log.txt").open("w", encoding="utf-8") as log:
            done = subprocess.run(argv, cwd=HERE, stdout=log, stderr=subprocess.STDOUT)
        tail = (folder / "log.txt").read_text(encoding="utf-8").rstrip().splitlines()[-3:]
        print("   " + "\n   ".join(tail), flush=True)
        if done.returncode != 0:
            failed.append(name)
    print()
    print(table(rows(work)))
    print(f"\nlogs and result files: {work}")
    if failed:
        print(f"failed: {', '.join(failed)} (see their log.txt)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
