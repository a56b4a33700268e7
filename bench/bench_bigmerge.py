#!/usr/bin/env python3
"""One big catalog: `localize update` against `msgmerge --previous` as it grows.

From the shared corpus (../shared/bench/make_corpus.py), the first N articles
in one catalog (each extracted, then joined by msgcat, each unit once), before
and after the corpus's changes (~10 % of paragraphs edited by a word, ~5 %
removed, ~5 % added): the old template pseudo-translated by
../shared/bench/pseudo_translate.py, and the new template. Then, for each size (--sizes, articles; about 32 units each once
the headings shared by articles are merged), timing whole processes:

  ours  localize update --po OLD.po NEW.pot -o OUT.po
  peer  msgmerge --previous OLD.po NEW.pot -o OUT.po     (with fuzzy matching, as by default)

Prints per size the medians, the ratio (peer / ours), the recall of both
merges on the edited paragraphs (../shared/bench/score_merge.py), the wrong
fuzzy matches, our peak memory (max RSS, from the kernel), and the growth
exponent of each tool between the smallest and largest size (time ∝ size^k).
Targets: ratio >= 20x at every size, recall >= msgmerge's, our exponent <= 1.2,
our peak RSS <= 200 MB.

msgmerge grows as n^1.9: at 1,160 articles (32k units) it takes about 20
minutes. The default sizes (125, 250, 500 articles: 4k, 8k, 14k units) take
about 10 minutes; --sizes 125,250,500,1160 the full run (32k units at the
largest); --no-peer our side only, --peer-up-to N msgmerge at N articles
and fewer only.

Usage: bench/bench_bigmerge.py [--sizes 125,250,500] [--runs 3] [--no-peer | --peer-up-to N] [--work DIR]
                               [--shared DIR]
Needs: the bench extra (polib), GNU gettext.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, corpus as make_corpus, tool

TARGET_RATIO, TARGET_EXPONENT, TARGET_RSS_MB = 20.0, 1.2, 200


def big_template(localize: str, folder: Path, names: list[str], out: Path) -> None:
    """One template of the articles, in their order, each unit once: every article extracted (a workspace),
    then joined by msgcat (one document of them all would pass the 10 MB an article may weigh)."""
    ws = out.parent / f"ws-{out.stem}"
    shutil.rmtree(ws, ignore_errors=True)
    (ws / "source").mkdir(parents=True)
    (ws / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\n', encoding="utf-8")
    for name in names:
        shutil.copy(folder / name, ws / "source" / name)
    subprocess.run([localize, "--root", str(ws), "extract"], check=True, stdout=subprocess.DEVNULL)
    templates = [str(ws / "locales" / name.replace(".html", ".pot")) for name in names]
    subprocess.run([tool("msgcat"), "--use-first", "-o", str(out), *templates], check=True)


def run_timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MB) of a whole process."""
    subprocess.run(["sync"], check=True)
    time.sleep(0.5)
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(argv[:3])} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024


def score(shared: Path, merged: Path, truth: Path) -> dict:
    done = subprocess.run([sys.executable, str(shared / "bench" / "score_merge.py"), str(merged), str(truth)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="125,250,500", help="articles in the catalog, comma-separated")
    ap.add_argument("--runs", type=int, default=3, help="timed runs of ours per size (msgmerge: 1 above 250)")
    ap.add_argument("--no-peer", action="store_true", help="time localize only")
    ap.add_argument("--peer-up-to", type=int, default=None,
                    help="run msgmerge only at sizes up to this many articles (it takes 20 minutes at 1,160)")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    sizes = sorted(int(n) for n in args.sizes.split(","))
    shared = Path(args.shared).resolve()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-bigmerge-"))
    work.mkdir(parents=True, exist_ok=True)
    localize, msgmerge = tool("localize"), tool("msgmerge")
    try:
        corpus = make_corpus(shared, work, max(sizes))
        names = sorted(p.name for p in (corpus / "src").glob("*.html"))
        rows = []
        for n in sizes:
            folder = work / f"n{n}"
            folder.mkdir(exist_ok=True)
            big_template(localize, corpus / "src", names[:n], folder / "old.pot")
            big_template(localize, corpus / "changed", names[:n], folder / "new.pot")
            subprocess.run([sys.executable, str(shared / "bench" / "pseudo_translate.py"), str(folder / "old.pot"),
                            str(folder / "old.po")], check=True, stdout=subprocess.DEVNULL)
            units = sum(1 for line in (folder / "new.pot").read_text(encoding="utf-8").splitlines()
                        if line.startswith("msgid ")) - 1
            shutil.copy(corpus / "truth.json", folder / "truth.json")   # edits of other articles: not present
            ours, rss = [], []
            for _ in range(args.runs):
                t, r = run_timed([localize, "update", "--po", str(folder / "old.po"), str(folder / "new.pot"),
                                  "-o", str(folder / "ours.po")])
                ours.append(t)
                rss.append(r)
            row = {"articles": n, "units": units, "ours_s": statistics.median(ours), "ours_rss_mb": max(rss),
                   "ours_score": score(shared, folder / "ours.po", folder / "truth.json")}
            if not args.no_peer and (args.peer_up_to is None or n <= args.peer_up_to):
                peer = []
                for _ in range(args.runs if n <= 250 else 1):
                    t, _r = run_timed([msgmerge, "--quiet", "--previous", "-o", str(folder / "peer.po"),
                                       str(folder / "old.po"), str(folder / "new.pot")])
                    peer.append(t)
                row["peer_s"] = statistics.median(peer)
                row["peer_score"] = score(shared, folder / "peer.po", folder / "truth.json")
            rows.append(row)
            report(row)
            (work / "results.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
        summary(rows)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def recall(found: dict) -> str:
    total = found["edited_total"] or 1
    return f"{100 * found['edited_fuzzy_right'] / total:5.1f} % ({found['edited_fuzzy_wrong']} wrong)"


def report(row: dict) -> None:
    line = (f"{row['articles']:5d} articles {row['units']:6,d} units   localize {row['ours_s']:7.2f} s "
            f"(max RSS {row['ours_rss_mb']:.0f} MB, recall {recall(row['ours_score'])})")
    if "peer_s" in row:
        ratio = row["peer_s"] / row["ours_s"]
        line += (f"   msgmerge {row['peer_s']:8.2f} s (recall {recall(row['peer_score'])})   ratio {ratio:6.1f}x "
                 f"({'meets' if ratio >= TARGET_RATIO else 'MISSES'} >= {TARGET_RATIO:g}x)")
    print(line, flush=True)


def summary(rows: list[dict]) -> None:
    if len(rows) < 2:
        return
    first, last = rows[0], rows[-1]
    scale = math.log(last["units"] / first["units"])
    ours = math.log(last["ours_s"] / first["ours_s"]) / scale
    line = f"growth from {first['units']:,} to {last['units']:,} units: localize n^{ours:.2f} " \
           f"({'meets' if ours <= TARGET_EXPONENT else 'MISSES'} <= {TARGET_EXPONENT})"
    peered = [r for r in rows if "peer_s" in r]
    if len(peered) >= 2:
        span = math.log(peered[-1]["units"] / peered[0]["units"])
        line += f", msgmerge n^{math.log(peered[-1]['peer_s'] / peered[0]['peer_s']) / span:.2f}"
        if peered[-1] is not last:
            line += f" (up to {peered[-1]['units']:,} units)"
    print(line)
    worst = max(r["ours_rss_mb"] for r in rows)
    print(f"peak memory: {worst:.0f} MB ({'meets' if worst <= TARGET_RSS_MB else 'MISSES'} <= {TARGET_RSS_MB} MB)")


if __name__ == "__main__":
    sys.exit(main())
