#!/usr/bin/env python3
"""QA-check benchmark: `localize check` against Translate Toolkit's `pofilter` on one big catalog.

On the shared corpus (../shared/bench/make_corpus.py, 1,000 articles made from
the seed), extracted with our own `localize extract`, every template entry goes
into ONE Spanish catalog (~60,000 entries, the article's name as msgctxt so
that nothing merges away), translated with ../shared/bench/pseudo_translate.py
and sprinkled with deliberate errors (changed numbers, dropped tags, double
spaces, dropped end punctuation, untranslated entries) so both tools have
work. Then, in the same run, whole processes on the same file:

  localize check --po BIG.po --lang es --format json
  pofilter --language=es -t xmltags -t numbers ... BIG.po OUT.po   (its comparable tests)

Prints the medians of --runs runs, their ratio, and what each tool found.

Usage: bench/bench_checks.py [--n 1000] [--runs 3] [--work DIR] [--shared DIR]
Needs: the bench extra (translate-toolkit) and GNU gettext.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import corpus as make_corpus  # noqa: E402
from common import main as bench_main  # noqa: E402
from common import timed, tool  # noqa: E402
from localize import jobs, markup, po  # noqa: E402

# pofilter's tests that look for what ours look for (markup, numbers, links,
# untranslated, spaces, punctuation, brackets, length).
POFILTER_TESTS = ("xmltags", "numbers", "urls", "emails", "untranslated", "unchanged", "doublespacing",
                  "startwhitespace", "endwhitespace", "endpunc", "puncspacing", "brackets", "long",
                  "short", "escapes")
TARGET = 5.0


def spoil(entry: po.Entry, kind: str) -> bool:
    """Put one deliberate error into a translation; False when the entry offers no room for it."""
    text = entry.msgstr
    if kind == "number":
        m = re.search(r"\d", text)
        if m is None:
            return False
        entry.msgstr = text[:m.start()] + str((int(m.group()) + 1) % 10) + text[m.end():]
    elif kind == "tag":
        tags = markup.raw_tags(text)
        if not tags:
            return False
        entry.msgstr = text.replace(tags[0], "", 1)
    elif kind == "double space":
        if " " not in text:
            return False
        entry.msgstr = text.replace(" ", "  ", 1)
    elif kind == "end punctuation":
        if not text.endswith("."):
            return False
        entry.msgstr = text[:-1]
    elif kind == "untranslated":
        if len(text.split()) < 6:
            return False
        entry.msgstr = entry.msgid
    return True


def build_catalog(shared: Path, pot_dir: Path, dest: Path, *, rate: float = 0.02) -> Counter:
    """All template entries in one pseudo-translated Spanish catalog, with errors planted."""
    sys.path.insert(0, str(shared / "bench"))
    from pseudo_translate import pseudo

    rng = random.Random(20240601)
    kinds = ("number", "tag", "double space", "end punctuation", "untranslated")
    planted: Counter = Counter()
    entries = []
    for pot in sorted(pot_dir.glob("*.pot")):
        for tmpl in po.parse(pot.read_text(encoding="utf-8"), str(pot)).entries:
            entry = po.Entry(tmpl.msgid, pseudo(tmpl.msgid), msgctxt=pot.stem,
                             extracted=list(tmpl.extracted), references=list(tmpl.references))
            if rng.random() < rate * len(kinds):
                kind = rng.choice(kinds)
                if spoil(entry, kind):
                    planted[kind] += 1
            entries.append(entry)
    header = {"Project-Id-Version": "bench", "Language": "es", "MIME-Version": "1.0",
              "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
              "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    dest.write_text(po.dumps(po.Catalog(header=header, entries=entries)), encoding="utf-8")
    planted["entries"] = len(entries)
    return planted


def pofilter_findings(path: Path) -> Counter:
    """pofilter's failures by test, from the notes it writes into its output."""
    found: Counter = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"# \(pofilter\) (\w+):", line)
        if m:
            found[m.group(1)] += 1
    return found


def run(shared: Path, work: Path, n: int, runs: int) -> int:
    corpus = make_corpus(shared, work, n)
    ws = work / "ws"
    if not (ws / "locales").is_dir() or not any((ws / "locales").glob("*.pot")):
        shutil.rmtree(ws, ignore_errors=True)
        ws.mkdir(parents=True)
        (ws / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n',
                                           encoding="utf-8")
        shutil.copytree(corpus / "src", ws / "source")
        subprocess.run([tool("localize"), "extract"], cwd=ws, check=True, stdout=subprocess.DEVNULL)
    big = work / "big.es.po"
    planted = build_catalog(shared, ws / "locales", big)
    print(f"catalog: {planted.pop('entries')} entries from {n} articles, {big.stat().st_size / 1e6:.1f} MB; "
          f"planted: " + ", ".join(f"{count} {kind}" for kind, count in sorted(planted.items())))

    ours_cmd = [tool("localize"), "check", "--po", str(big), "--lang", "es", "--format", "json"]
    peer_cmd = [tool("pofilter"), "--progress=none", "--language=es",
                *[arg for test in POFILTER_TESTS for arg in ("-t", test)], str(big)]
    serial_cmd = [*ours_cmd, "-j", "1"]
    ours, serial, peer = [], [], []
    for i in range(runs):
        ours.append(timed(ours_cmd, out=work / f"ours-{i}.json", ok=(0, 1)))
        serial.append(timed(serial_cmd, out=work / f"serial-{i}.json", ok=(0, 1)))
        peer.append(timed([*peer_cmd, str(work / f"pofilter-{i}.po")], out=work / f"pofilter-{i}.log"))
    mo, ms, mp = statistics.median(ours), statistics.median(serial), statistics.median(peer)
    ratio = mp / mo
    verdict = "meets" if ratio >= TARGET else "MISSES"
    print(f"check    localize check {mo:7.2f} s   pofilter {mp:7.2f} s   ratio {ratio:5.1f}x  "
          f"(target >= {TARGET:g}x: {verdict}; {jobs.default_jobs()} worker processes)")
    print(f"         in one process (-j 1): localize check {ms:7.2f} s, ratio {mp / ms:5.1f}x")
    print(f"         runs: localize {', '.join(f'{t:.2f}' for t in ours)}; -j 1 "
          f"{', '.join(f'{t:.2f}' for t in serial)}; pofilter {', '.join(f'{t:.2f}' for t in peer)}")
    if (work / "serial-0.json").read_bytes() != (work / "ours-0.json").read_bytes():
        sys.exit("bench: -j 1 found something else than the default run")
    print(f"         localize: {' '.join(ours_cmd[1:])}")
    print(f"         pofilter: {' '.join(Path(a).name if a.startswith('/') else a for a in peer_cmd)} OUT.po")
    problems = json.loads((work / "ours-0.json").read_text(encoding="utf-8"))
    ours_found = Counter(p["check"] for p in problems)
    peer_found = pofilter_findings(work / "pofilter-0.po")
    print("         found by localize: " + ", ".join(f"{k} {v}" for k, v in ours_found.most_common()))
    print("         found by pofilter: " + ", ".join(f"{k} {v}" for k, v in peer_found.most_common()))
    (work / "results.json").write_text(json.dumps({
        "localize_s": mo, "localize_j1_s": ms, "pofilter_s": mp, "ratio": ratio, "ratio_j1": mp / ms,
        "target": TARGET, "runs": {"localize": ours, "localize_j1": serial, "pofilter": peer},
        "planted": planted, "found": {"localize": ours_found, "pofilter": peer_found},
    }, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(bench_main(__doc__, "localize-bench-checks-", run))
