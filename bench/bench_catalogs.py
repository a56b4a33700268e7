#!/usr/bin/env python3
"""Catalog benchmark: our extract, update and render against html2po, msgmerge and po2html.

On the shared corpus (../shared/bench/make_corpus.py: 1,000 articles made
from the seed, and a changed edition of each), in the same run, on the same
files, timing whole processes, as a user would run them:

  extract  localize extract            vs  html2po SRC POT_DIR
  update   localize update --lang es   vs  msgmerge --previous, once per article
  render   localize render --lang es   vs  po2html -t SRC -i PO_DIR

Each timed run writes into a folder of its own (made before the clock
starts, removed only at the end) so that no run pays for another's file
deletions. Prints medians and ratios, and the fuzzy-match recall of both
merges scored as ../shared/bench/score_merge.py scores it.

Usage: bench/bench_catalogs.py [--n 1000] [--runs 3] [--work DIR] [--shared DIR]
       BENCH_STEPS=render bench/bench_catalogs.py …   (some of extract,update,render)
Needs: the bench extra (translate-toolkit, polib) and GNU gettext.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from common import corpus as make_corpus
from common import main as bench_main
from common import timed, tool


def workspace(folder: Path, source: Path, languages: list[str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        "[tool.localize]\nsource-language = \"en\"\n"
        f"languages = {json.dumps(languages)}\n", encoding="utf-8")
    shutil.copytree(source, folder / "source")
    (folder / "locales").mkdir()
    return folder


def run_localize(ws: Path, *args: str) -> None:
    subprocess.run([tool("localize"), *args], cwd=ws, check=True, stdout=subprocess.DEVNULL)


def pseudo_translate(shared: Path, pot_dir: Path, po_dir: Path) -> None:
    subprocess.run([sys.executable, str(shared / "bench/pseudo_translate.py"), "--dir",
                    str(pot_dir), str(po_dir)], check=True, stdout=subprocess.DEVNULL)


def score(shared: Path, po_files: list[Path], truth: dict) -> dict:
    """score_merge.py's counts over every merged catalog of the corpus."""
    import polib

    sys.path.insert(0, str(shared / "bench"))
    from pseudo_translate import pseudo

    by_id = {}
    for path in po_files:
        for entry in polib.pofile(str(path), wrapwidth=0):
            if not entry.obsolete:
                by_id.setdefault(entry.msgid, entry)
    right = wrong = untranslated = total = 0
    for old, new in truth["edited"]:
        entry = by_id.get(new)
        if entry is None:
            continue
        total += 1
        if not entry.msgstr:
            untranslated += 1
        elif entry.msgstr == pseudo(old):
            right += 1
        else:
            wrong += 1
    added = [by_id.get(new) for new in truth["added"]]
    added_fuzzy = sum(1 for e in added if e is not None and e.msgstr)
    return {"edited": total, "right": right, "wrong": wrong, "untranslated": untranslated,
            "recall_pct": round(100.0 * right / total, 1) if total else None,
            "added_with_suggestion": added_fuzzy}


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(name: str, ours: list[float], peer: list[float], peer_name: str, target: float) -> dict:
    mo, mp = median(ours), median(peer)
    ratio = mp / mo
    verdict = "meets" if ratio >= target else "MISSES"
    print(f"{name:8} localize {mo:7.2f} s   {peer_name:18} {mp:7.2f} s   "
          f"ratio {ratio:5.1f}x  (target >= {target:g}x: {verdict})")
    print(f"{'':8} runs: localize {', '.join(f'{t:.2f}' for t in ours)}; "
          f"{peer_name} {', '.join(f'{t:.2f}' for t in peer)}")
    return {"localize_s": mo, "peer_s": mp, "ratio": ratio, "target": target}


def update(shared: Path, work: Path, corpus: Path, truth: dict, runs: int, names: list[str],
           old_po: Path, new_pot: Path, results: dict) -> None:
    """Our update against msgmerge once per article, and the fuzzy-match recall of both."""
    msgmerge = tool("msgmerge")
    ours, peer = [], []
    for i in range(runs):
        ws = workspace(work / f"update-{i}", corpus / "changed", ["es"])
        shutil.rmtree(ws / "locales")
        shutil.copytree(new_pot, ws / "locales")
        shutil.copytree(old_po, ws / "locales/es/LC_MESSAGES")
        ours.append(timed([tool("localize"), "update", "--lang", "es"], cwd=ws))
        out = work / f"msgmerge-{i}"
        out.mkdir()
        loop = " ".join(names)
        script = (f'for a in {loop}; do "{msgmerge}" --quiet --previous -o "{out}/$a.po" '
                  f'"{old_po}/$a.po" "{new_pot}/$a.pot" || exit 1; done')
        peer.append(timed(["bash", "-c", script]))
    results["update"] = report("update", ours, peer, "msgmerge x article", 10)
    ours_score = score(shared, sorted((work / "update-0/locales/es/LC_MESSAGES").glob("*.po")), truth)
    peer_score = score(shared, sorted((work / "msgmerge-0").glob("*.po")), truth)
    print(f"{'':8} fuzzy recall: localize {ours_score['recall_pct']} % "
          f"({ours_score['right']}/{ours_score['edited']} right, {ours_score['wrong']} wrong), "
          f"msgmerge {peer_score['recall_pct']} % ({peer_score['right']}/{peer_score['edited']} right, "
          f"{peer_score['wrong']} wrong); new paragraphs given a suggestion: "
          f"localize {ours_score['added_with_suggestion']}, msgmerge {peer_score['added_with_suggestion']}")
    results["update"].update(recall=ours_score, peer_recall=peer_score)


def run(shared: Path, work: Path, n: int, runs: int) -> int:
    corpus = make_corpus(shared, work, n)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    stats = json.loads((corpus / "stats.json").read_text(encoding="utf-8"))
    print(f"corpus: {stats['articles']} articles, {stats['segments_src']} segments, "
          f"{stats['words_src']} words; {stats['edited_count']} edited, "
          f"{stats['removed_count']} removed, {stats['added_count']} added paragraphs")
    html2po, po2html = tool("html2po"), tool("po2html")
    results = {}

    steps = os.environ.get("BENCH_STEPS", "extract,update,render").split(",")

    # -- extract ------------------------------------------------------------------
    ours, peer = [], []
    for i in range(runs if "extract" in steps else 1):  # the first run's files serve the other steps
        ws = workspace(work / f"extract-{i}", corpus / "src", ["es"])
        ours.append(timed([tool("localize"), "extract"], cwd=ws))
        out = work / f"html2po-{i}"
        peer.append(timed([html2po, "--progress=none", "--pot", str(corpus / "src"), str(out)]))
    if "extract" in steps:
        results["extract"] = report("extract", ours, peer, "html2po", 8)

    # -- update -------------------------------------------------------------------
    # Old catalogs: our templates of the original articles, pseudo-translated.
    base = work / "extract-0"
    old_po = work / "old-po"
    pseudo_translate(shared, base / "locales", old_po)
    new_pot = work / "changed-pot"
    changed = workspace(work / "changed-ws", corpus / "changed", ["es"])
    run_localize(changed, "extract")
    shutil.copytree(changed / "locales", new_pot)
    names = sorted(p.stem for p in new_pot.glob("*.pot"))
    if "update" in steps:
        update(shared, work, corpus, truth, runs, names, old_po, new_pot, results)

    # -- render -------------------------------------------------------------------
    # Each tool renders from pseudo-translations of its own templates.
    if "render" not in steps:
        (work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        return 0
    ours, peer = [], []
    peer_po = work / "html2po-po"
    pseudo_translate(shared, work / "html2po-0", peer_po)
    for i in range(runs):
        ws = workspace(work / f"render-{i}", corpus / "src", ["es"])
        shutil.rmtree(ws / "locales")
        shutil.copytree(base / "locales", ws / "locales")
        shutil.copytree(old_po, ws / "locales/es/LC_MESSAGES")
        ours.append(timed([tool("localize"), "render", "--lang", "es", "--out", str(ws / "out")], cwd=ws))
        out = work / f"po2html-{i}"
        peer.append(timed([po2html, "--progress=none", "-t", str(corpus / "src"), "-i", str(peer_po),
                           "-o", str(out)]))
    results["render"] = report("render", ours, peer, "po2html", 5)
    (work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, "localize-bench-", run))
