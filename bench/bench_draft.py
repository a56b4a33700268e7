#!/usr/bin/env python3
"""Draft benchmark: `localize draft` with Apertium against Apertium per unit and one bare Apertium run.

The seed article (source/emotional-numbness.html, with this repository's
pyproject.toml and glossary.toml), drafted into Spanish with Apertium eng-spa.
In the same run, whole processes:

  ours    localize draft --lang es, in a fresh workspace (extract and update
          done before the clock starts)
  start   localize --version: Python's and the CLI's start-up, set aside from ours
          (python -c 'import localize.cli, localize.draft' is timed too, for the breakdown)
  naive   apertium -u eng-spa once per unit, over each unit's plain text
          (the template's msgids, tags dropped, entities decoded)
  bare    apertium -u eng-spa once, over all units' plain text, blank line between
          units: the floor

  naive / ours               target >= 30x
  (ours - start-up) / bare   target <= 1.2x  (protection and re-insertion cost <= 20 %)

Then the shared corpus (../shared/bench/make_corpus.py, --n articles, 100 by
default: ~180,000 words), as a workspace as bench_catalogs.py makes one, extract
and update done once before the clock: localize draft --lang es, in a fresh
copy per run; words per second over the words of every untranslated unit
(target >= 15,000). After each corpus run, every Spanish catalog must pass
`msgfmt --check` and every unit must be a draft or a reported skip. The first
corpus run also times one bare Apertium run over the corpus text, the ceiling
any wrapper of Apertium can reach on this machine.

Prints medians (and every run), ratios with their targets, PASS or MISS.
What drafting loses (numbers, refused units, possessives) is bench/draft_losses.py.

Usage: bench/bench_draft.py [--n 100] [--runs 5] [--corpus-runs 3] [--skip-corpus]
                            [--work DIR] [--shared DIR]
Needs: Apertium with the eng-spa pair (scripts/setup) and GNU gettext.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import REPO, timed, tool  # noqa: E402
from common import corpus as make_corpus  # noqa: E402
from localize import markup, po  # noqa: E402

LANG = "es"
MODE = "eng-spa"
NAIVE_TARGET = 30.0      # naive / ours, at least
BARE_TARGET = 1.2        # (ours - start-up) / bare, at most
WORDS_TARGET = 15_000    # words per second on the corpus, at least

SUMMARY = re.compile(r"^(?P<lang>\S+): (?P<units>\d+) untranslated units \((?P<words>\d+) words\): "
                     r"(?P<parts>.*); (?P<seconds>[\d.]+) s$", re.M)
SKIPPED = re.compile(r"^  skipped (\d+): (.*) \(e\.g\. ", re.M)


# -- workspaces ---------------------------------------------------------------------

def run_localize(ws: Path, *args: str) -> str:
    return subprocess.run([tool("localize"), *args], cwd=ws, check=True, stdout=subprocess.PIPE,
                          text=True).stdout


def seed_workspace(folder: Path) -> Path:
    """A copy of this repository's workspace (its article, settings, glossary), extracted and updated."""
    folder.mkdir(parents=True)
    shutil.copytree(REPO / "source", folder / "source")
    for name in ("pyproject.toml", "glossary.toml"):
        shutil.copy2(REPO / name, folder / name)
    (folder / "locales").mkdir()
    run_localize(folder, "extract")
    run_localize(folder, "update", "--lang", LANG)
    return folder


def corpus_workspace(folder: Path, source: Path) -> Path:
    """The corpus articles as a workspace (as bench_catalogs.py makes one), extracted and updated."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\n'
        f'languages = ["{LANG}"]\n\n[tool.localize.engines]\n{LANG} = "apertium"\n', encoding="utf-8")
    shutil.copy2(REPO / "glossary.toml", folder / "glossary.toml")  # the corpus is made from the seed
    shutil.copytree(source, folder / "source")
    (folder / "locales").mkdir()
    run_localize(folder, "extract")
    run_localize(folder, "update", "--lang", LANG)
    return folder


def fresh_copy(base: Path, folder: Path) -> Path:
    """A workspace as extract and update left it, in a folder of its own (no lock files)."""
    shutil.copytree(base, folder, ignore=shutil.ignore_patterns("*.lock", "draft.log"))
    return folder


# -- plain text for the peers ----------------------------------------------------------

def plain_units(ws: Path) -> list[str]:
    """Every template msgid of a workspace as plain text: tags dropped, entities decoded, one line."""
    units = []
    for pot in sorted((ws / "locales").glob("*.pot")):
        for entry in po.parse(pot.read_text(encoding="utf-8"), str(pot)).entries:
            if entry.msgid and not entry.obsolete:
                text = markup.normalize_space(html.unescape(markup.without_tags(entry.msgid))).strip()
                if text:
                    units.append(text)
    return units


def write_joined(units: list[str], path: Path) -> Path:
    path.write_text("\n\n".join(units) + "\n", encoding="utf-8")
    return path


def segments(path: Path) -> int:
    return len([s for s in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8").strip("\n")) if s.strip()])


# -- what a draft run did -------------------------------------------------------------------

def summary(log: Path) -> dict:
    """The counts `localize draft` printed."""
    text = log.read_text(encoding="utf-8")
    m = SUMMARY.search(text)
    if m is None:
        sys.exit(f"bench: no summary in {log}:\n{text[:500]}")
    parts = m.group("parts")

    def count(label: str) -> int:
        found = re.search(rf"(\d+) {label}", parts)
        return int(found.group(1)) if found else 0

    return {"units": int(m.group("units")), "words": int(m.group("words")),
            "drafted": count("drafted by"), "from_memory": count("from memory"),
            "copied": count("copied"), "skipped": count("skipped"),
            "in_process_s": float(m.group("seconds")),
            "skip_reasons": {reason: int(n) for n, reason in SKIPPED.findall(text)}}


def verify(ws: Path, done: dict) -> dict:
    """msgfmt --check on every catalog of the language; drafts and untranslated units left, per status."""
    msgfmt = tool("msgfmt")
    failures = []
    catalogs = sorted((ws / "locales" / LANG / "LC_MESSAGES").glob("*.po"))
    for path in catalogs:
        result = subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"{path.name}: {result.stderr.strip().splitlines()[0] if result.stderr else '?'}")
    rows = json.loads(run_localize(ws, "status", "--lang", LANG, "--format", "json"))
    machine = sum(r["machine drafts"] for r in rows)
    left = sum(r["untranslated"] for r in rows)
    accounted = done["drafted"] + done["from_memory"] + done["copied"]
    ok = (not failures and machine == accounted and left == done["skipped"]
          and accounted + done["skipped"] == done["units"])
    return {"catalogs": len(catalogs), "msgfmt_failures": failures, "machine_drafts": machine,
            "untranslated_left": left, "ok": ok}


def describe(done: dict, check: dict) -> str:
    line = (f"{done['units']} units, {done['words']} words: {done['drafted']} drafted, "
            f"{done['from_memory']} from memory, {done['copied']} copied, {done['skipped']} skipped; "
            f"after: {check['machine_drafts']} drafts, {check['untranslated_left']} untranslated; "
            f"msgfmt --check {check['catalogs'] - len(check['msgfmt_failures'])}/{check['catalogs']} catalogs pass"
            f" -> {'OK' if check['ok'] else 'WRONG'}")
    for reason, n in done["skip_reasons"].items():
        line += f"\n{'':10}skipped {n}: {reason}"
    for failure in check["msgfmt_failures"][:5]:
        line += f"\n{'':10}msgfmt: {failure}"
    return line


# -- printing ---------------------------------------------------------------------------------

def runs_of(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


# -- the seed ---------------------------------------------------------------------------------

def seed(work: Path, runs: int) -> dict:
    apertium = tool("apertium")
    localize = tool("localize")
    probe = seed_workspace(work / "seed-probe")
    units = plain_units(probe)
    words = sum(len(u.split()) for u in units)
    naive_dir = work / "seed-naive"
    naive_dir.mkdir()
    for i, text in enumerate(units):
        (naive_dir / f"{i:05d}.txt").write_text(text + "\n", encoding="utf-8")
    naive_script = (f'for f in "{naive_dir}"/*.txt; do "{apertium}" -u {MODE} "$f" "$f.out" || exit 1; done')
    bare_in = write_joined(units, work / "seed-bare.txt")
    print(f"seed: {len(units)} units, {words} words of plain text; {runs} runs each")

    imports_cmd = [sys.executable, "-c", "import localize.cli, localize.draft"]
    ours, start, imports, naive, bare, inproc = [], [], [], [], [], []
    checks = []
    for i in range(runs):
        ws = seed_workspace(work / f"seed-{i}")          # extract + update: not timed
        ours.append(timed([localize, "draft", "--lang", LANG], cwd=ws, out=ws / "draft.log"))
        done = summary(ws / "draft.log")
        inproc.append(done["in_process_s"])
        checks.append((done, verify(ws, done)))
        start.append(timed([localize, "--version"]))
        imports.append(timed(imports_cmd))
        for old in naive_dir.glob("*.out"):
            old.unlink()
        naive.append(timed(["bash", "-c", naive_script]))
        bare.append(timed([apertium, "-u", MODE, str(bare_in)], out=work / f"seed-bare-{i}.out"))

    got = len(list(naive_dir.glob("*.out")))
    bare_segments = segments(work / "seed-bare-0.out")
    if got != len(units) or bare_segments != len(units):
        print(f"  warning: naive wrote {got} outputs, bare returned {bare_segments} texts, for {len(units)} units")

    mo, ms, mi, mn, mb = (statistics.median(v) for v in (ours, start, imports, naive, bare))
    net = mo - ms
    r_naive = mn / mo
    r_bare = net / mb
    print(f"  ours     localize draft        {mo:6.2f} s   (in-process {statistics.median(inproc):.2f} s)   "
          f"runs {runs_of(ours)}")
    print(f"  start-up localize --version    {ms:6.2f} s   runs {runs_of(start)}")
    print(f"  imports  python -c 'import localize.cli, localize.draft'  {mi:6.2f} s   runs {runs_of(imports)}"
          "   (not set aside: for the breakdown)")
    print(f"  ours - start-up                {net:6.2f} s")
    print(f"  naive    apertium x {len(units):<4} units  {mn:6.2f} s   runs {runs_of(naive)}")
    print(f"  bare     apertium once         {mb:6.2f} s   runs {runs_of(bare)}")
    print(f"  naive / ours                 {r_naive:6.1f}x  "
          f"(target >= {NAIVE_TARGET:g}x: {verdict(r_naive >= NAIVE_TARGET)})")
    print(f"  naive / (ours - start-up)    {mn / net:6.1f}x  (for comparison; not the target's ratio)")
    print(f"  (ours - start-up) / bare     {r_bare:6.2f}x  "
          f"(target <= {BARE_TARGET:g}x: {verdict(r_bare <= BARE_TARGET)})")
    print(f"  overhead over bare           {net - mb:6.2f} s   ({100 * (net - mb) / mb:.0f} % of the bare run; "
          f"target <= {100 * (BARE_TARGET - 1):.0f} %)")
    print(f"  check    {describe(*checks[0])}")
    wrong = [i for i, (_, c) in enumerate(checks) if not c["ok"]]
    if wrong:
        print(f"  check    WRONG in runs {wrong}")
    return {"units": len(units), "words": words,
            "runs": {"ours": ours, "start_up": start, "imports": imports, "naive": naive, "bare": bare,
                     "in_process": inproc},
            "ours_s": mo, "start_up_s": ms, "imports_s": mi, "naive_s": mn, "bare_s": mb,
            "naive_ratio": r_naive, "naive_target": NAIVE_TARGET, "bare_ratio": r_bare, "bare_target": BARE_TARGET,
            "correct": not wrong, "check": checks[0][1]}


# -- the corpus -------------------------------------------------------------------------------

def corpus_run(shared: Path, work: Path, n: int, runs: int) -> dict:
    folder = make_corpus(shared, work, n)
    stats = json.loads((folder / "stats.json").read_text(encoding="utf-8"))
    if stats["articles"] != n:
        sys.exit(f"bench: {folder} holds {stats['articles']} articles, not {n} (use another --work)")
    base = corpus_workspace(work / "corpus-ws", folder / "src")
    rows = json.loads(run_localize(base, "status", "--lang", LANG, "--format", "json"))
    print(f"corpus: {stats['articles']} articles, {sum(r['units'] for r in rows)} units "
          f"({sum(r['untranslated'] for r in rows)} untranslated), {sum(r['words'] for r in rows)} words; "
          f"{runs} runs")

    localize, apertium = tool("localize"), tool("apertium")
    seconds, inproc, rates, checks = [], [], [], []
    for i in range(runs):
        ws = fresh_copy(base, work / f"corpus-{i}")          # made before the clock starts
        seconds.append(timed([localize, "draft", "--lang", LANG], cwd=ws, out=ws / "draft.log"))
        done = summary(ws / "draft.log")
        inproc.append(done["in_process_s"])
        rates.append(done["words"] / seconds[-1])
        checks.append((done, verify(ws, done)))
        shutil.rmtree(ws / "source")  # keep the work folder small; the catalogs stay for a look
    words = checks[0][0]["words"]

    # the ceiling: Apertium alone over the same text, once
    text = write_joined(plain_units(base), work / "corpus-bare.txt")
    floor = timed([apertium, "-u", MODE, str(text)], out=work / "corpus-bare.out")
    floor_words = len(text.read_text(encoding="utf-8").split())

    ms, mr = statistics.median(seconds), statistics.median(rates)
    print(f"  ours     localize draft        {ms:6.2f} s   (in-process {statistics.median(inproc):.2f} s)   "
          f"runs {runs_of(seconds)}")
    print(f"  words/s  {mr:9,.0f}             (target >= {WORDS_TARGET:,}: {verdict(mr >= WORDS_TARGET)})   "
          f"runs {', '.join(f'{r:,.0f}' for r in rates)}")
    print(f"  bare     apertium once         {floor:6.2f} s   = {floor_words / floor:,.0f} words/s "
          f"over {floor_words} words (1 run: what Apertium alone does here)")
    print(f"  check    {describe(*checks[0])}")
    wrong = [i for i, (_, c) in enumerate(checks) if not c["ok"]]
    if wrong:
        print(f"  check    WRONG in runs {wrong}")
    return {"articles": stats["articles"], "words": words, "runs": {"ours": seconds, "in_process": inproc},
            "ours_s": ms, "words_per_s": mr, "target": WORDS_TARGET, "bare_s": floor,
            "bare_words_per_s": floor_words / floor, "correct": not wrong, "check": checks[0][1]}


# -- main -------------------------------------------------------------------------------------

def main() -> int:
    # common.main's options, with this benchmark's defaults, and its own
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100, help="articles in the corpus")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool on the seed")
    ap.add_argument("--corpus-runs", type=int, help="timed runs on the corpus (default: --runs, at most 3)")
    ap.add_argument("--skip-corpus", action="store_true", help="the seed only")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    if MODE not in subprocess.run([tool("apertium"), "-l"], capture_output=True, text=True).stdout.split():
        sys.exit(f"bench: Apertium's {MODE} pair is not installed (run 'scripts/setup')")
    shared = Path(args.shared).resolve()
    if not args.skip_corpus and not (shared / "bench/make_corpus.py").exists():
        sys.exit(f"bench: no corpus generator in {shared}/bench (pass --shared)")
    work = Path(args.work or tempfile.mkdtemp(prefix="localize-bench-draft-"))
    work.mkdir(parents=True, exist_ok=True)
    for old in [*work.glob("seed*"), *work.glob("corpus-*")]:  # a reused --work: runs start fresh
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    try:
        results = {"seed": seed(work, args.runs)}
        if not args.skip_corpus:
            corpus_runs = args.corpus_runs or min(args.runs, 3)
            results["corpus"] = corpus_run(shared, work, args.n, corpus_runs)
        (work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        correct = all(part["correct"] for part in results.values())
        return 0 if correct else 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
