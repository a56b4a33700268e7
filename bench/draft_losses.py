#!/usr/bin/env python3
"""What drafting loses: numbers, whole units, possessives, with Apertium, now and at an earlier revision.

Three sets of pages, each a workspace drafted from scratch in a process of its own:

  seed     source/emotional-numbness.html, with this repository's glossary
  corpus   the shared corpus (../shared/bench/make_corpus.py), --n articles
  real     the published pages of tests/pages/real/*/en.html (where there are any)
  numbers  one page written here for the numbers an article cites: ages, durations,
           ranges, percentages, decimals, decades, ordinals, pages, in sentences
           of the seed's kind (synthetic: the other sets hold few numbers outside
           their citations)

into each language of --langs (es,ca by default) with Apertium. With
--before REV, the same runs with the code of that git revision (its localize/
package, taken with git archive) come first, side by side. Per run:

  numbers     number tokens that went to the engine
  dropped     of those, the ones the engine did not give back
  refused     units left untranslated, by the reason the draft report gives
  lost        numbers of a source unit missing from its saved draft (1,000.5 and
              1.000,5 are the same number)
  en-format   numbers of saved drafts still written the English way (1,000.5 or
              3.5 in a language that writes 3,5); decimals kept on purpose, as in
              "version 2.1", count here too
  's          saved drafts holding an English possessive ("James Gross's obra")
  flagged     saved drafts whose comment asks for the possessive of a name to be reviewed

Prints one table, and writes results.json in the work folder.

Usage: bench/draft_losses.py [--n 20] [--langs es,ca] [--before REV] [--work DIR] [--shared DIR]
Needs: Apertium and the pairs of --langs (scripts/setup).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f]\d+)*")
# a comma grouping thousands, or a point before decimals (not before three digits: 12.500 is grouped)
ENGLISH_FORMAT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.(?!\d{3}$)\d+")
POSSESSIVE = re.compile(r"[^\W\d_]['’]s\b")
TAG = re.compile(r"<[^>]*>")
TOKEN = re.compile(r"⟦\s*(\d+)\s*⟧")


NUMBERS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>What the numbers say about emotional numbness</title></head>
<body><article>
<h1>What the numbers say</h1>
<p>A 10-year-old study of 12,500 adults found that 25% of them felt numb at least once a month.</p>
<p>In a 12-week program, 3.5 hours of writing a week lowered scores by 2.5 points on a 20-item scale.</p>
<p>Participants aged 18–65 reported numbness 1.5 times as often after a 2-year period of burnout.</p>
<p>Between 1990 and 2009, the share rose from 7.5% to 12.25%, a 1.6-fold increase.</p>
<p>The 5th edition of the manual, published in the 1990s, lists 9 signs on p. 123.</p>
<p>About 1,000 people answered the 30-minute survey; 480 of them, or 48%, were men.</p>
<p>Scores ranged from 0.5 to 4.75, with a mean of 2.31 and a 95% interval of 2.1–2.6.</p>
<p>One in 5 people said a 6-month break helped; 3 out of 10 said it did not.</p>
<p>The 2-year follow-up of 1,250 patients showed that 60% still felt numb after 24 months.</p>
<p>A 50-year-old man who slept 4.5 hours a night for 3 years described a 10-point drop in mood.</p>
</article></body></html>
"""


# -- one run, in a process of its own (the code measured comes first on its path) ------------------

def child(code: str, ws: str, lang: str) -> None:
    sys.path.insert(0, code)
    import localize.draft as drafting
    from localize import po
    from localize.cli import main as cli
    from localize.engines import apertium
    from localize.workspace import Workspace

    os.chdir(ws)
    for step in (["extract"], ["update", "--lang", lang]):
        if cli(step) != 0:
            sys.exit(f"bench: localize {' '.join(step)} failed in {ws}")
    seen: dict[str, object] = {}
    answers: list[tuple[str, str | None]] = []
    protect, translate = drafting.protect, apertium.Apertium.translate

    def spy_protect(text, *args, **kwargs):
        found = protect(text, *args, **kwargs)
        seen[found.text] = found
        return found

    def spy_translate(self, texts, source, target):
        out = translate(self, texts, source, target)
        answers.extend((t, d.text if d else None) for t, d in zip(texts, out))
        return out

    drafting.protect, apertium.Apertium.translate = spy_protect, spy_translate
    started = time.perf_counter()
    report = drafting.draft(Workspace.open(Path(ws)), lang, engine="apertium")
    seconds = time.perf_counter() - started
    sent = dropped = 0
    for text, answer in answers:
        pieces = seen[text].pieces
        numbers = [i for i, piece in enumerate(pieces) if _is_number(piece)]
        back = {int(m.group(1)) for m in TOKEN.finditer(answer or "")}
        sent += len(numbers)
        dropped += sum(1 for i in numbers if i not in back)
    saved = _saved(Path(ws), lang, po)
    print(json.dumps({"units": report.units, "drafted": report.drafted, "copied": report.copied,
                      "refused": dict(report.skipped), "numbers": sent, "dropped": dropped,
                      "flagged": sum(getattr(report, "flagged", Counter()).values()), "seconds": seconds,
                      **saved}))


def _is_number(piece: str) -> bool:
    return (not piece.startswith("<") and re.search(r"\d", piece) is not None
            and "@" not in piece and "://" not in piece and not piece.startswith("www."))


def _saved(ws: Path, lang: str, po) -> dict:
    """What the saved drafts of a language lost or kept from English."""
    lost = english = possessive = drafts = 0
    decimal = "." if lang.split("-")[0] in ("en", "ar", "hi", "ja", "ko", "zh", "he") else ","
    for path in sorted((ws / "locales" / lang / "LC_MESSAGES").glob("*.po")):
        for entry in po.parse(path.read_text(encoding="utf-8"), str(path)).entries:
            origin = entry.draft_origin or ""
            if entry.obsolete or not entry.msgstr or not origin.startswith("apertium"):
                continue
            drafts += 1
            source, target = TAG.sub(" ", entry.msgid), TAG.sub(" ", entry.msgstr)
            lost += sum((_numbers(source) - _numbers(target)).values())
            if decimal == ",":
                english += sum(1 for n in NUMBER.findall(target) if ENGLISH_FORMAT.fullmatch(n))
            possessive += bool(POSSESSIVE.search(target))
    return {"saved": drafts, "lost": lost, "english_format": english, "possessive": possessive}


def _numbers(text: str) -> Counter:
    """Each number of a text by its digits alone: 1,000.5 and 1.000,5 and 1 000,5 are one number."""
    return Counter(re.sub(r"\D", "", n) for n in NUMBER.findall(text))


# -- the sets and the runs -------------------------------------------------------------------------

def workspace(folder: Path, pages: dict[str, Path], langs: list[str], glossary: bool) -> Path:
    (folder / "source").mkdir(parents=True)
    (folder / "locales").mkdir()
    for slug, page in pages.items():
        shutil.copy2(page, folder / "source" / f"{slug}.html")
    engines = "".join(f'{lang} = "apertium"\n' for lang in langs)
    (folder / "pyproject.toml").write_text(
        f'[tool.localize]\nsource-language = "en"\nlanguages = {json.dumps(langs)}\n\n'
        f"[tool.localize.engines]\n{engines}", encoding="utf-8")
    if glossary:
        shutil.copy2(REPO / "glossary.toml", folder / "glossary.toml")
    return folder


def sets(work: Path, shared: Path, n: int) -> dict[str, tuple[dict[str, Path], bool]]:
    found = {"seed": ({"emotional-numbness": REPO / "source" / "emotional-numbness.html"}, True)}
    corpus = work / "corpus"
    if not (corpus / "stats.json").exists():
        subprocess.run([sys.executable, str(shared / "bench/make_corpus.py"), "--n", str(n), "--out", str(corpus)],
                       check=True, stdout=subprocess.DEVNULL)
    found["corpus"] = ({p.stem: p for p in sorted((corpus / "src").glob("*.html"))}, True)
    real = {p.parent.name: p for p in sorted((REPO / "tests/pages/real").glob("*/en.html"))}
    if real:
        found["real"] = (real, False)
    page = work / "numbers.html"
    page.write_text(NUMBERS_PAGE, encoding="utf-8")
    found["numbers"] = ({"numbers": page}, False)
    return found


def code_of(revision: str, work: Path) -> Path:
    """The localize/ package of a revision, in a folder of its own."""
    folder = work / f"code-{revision.replace('/', '_')}"
    if not folder.exists():
        folder.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "localize"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def measure(code: Path, folder: Path, lang: str) -> dict:
    run = subprocess.run([sys.executable, __file__, "--child", str(code), str(folder), lang],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"bench: drafting {folder.name} {lang} failed:\n{run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def show(name: str, lang: str, version: str, r: dict) -> None:
    refused = sum(r["refused"].values())
    print(f"  {name:<8}{lang:<5}{version:<8}{r['units']:>6}{r['numbers']:>9}{r['dropped']:>9}{refused:>9}"
          f"{r['lost']:>6}{r['english_format']:>11}{r['possessive']:>5}{r['flagged']:>9}{r['seconds']:>8.1f}")
    for reason, count in sorted(r["refused"].items(), key=lambda kv: -kv[1]):
        print(f"  {'':<21}refused {count}: {reason}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20, help="articles of the corpus")
    ap.add_argument("--langs", default="es,ca", help="languages to draft, comma-separated")
    ap.add_argument("--before", help="a git revision whose code is measured too, first")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    shared = Path(args.shared).resolve()
    if not (shared / "bench/make_corpus.py").exists():
        sys.exit(f"bench: no corpus generator in {shared}/bench (pass --shared)")
    work = Path(args.work or tempfile.mkdtemp(prefix="localize-draft-losses-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        versions = [(args.before, code_of(args.before, work))] if args.before else []
        versions.append(("now", REPO))
        results = []
        heads = ("units", "numbers", "dropped", "refused", "lost", "en-format", "'s", "flagged", "s")
        widths = (6, 9, 9, 9, 6, 11, 5, 9, 8)
        print(f"  {'set':<8}{'lang':<5}{'code':<8}" + "".join(f"{h:>{w}}" for h, w in zip(heads, widths)))
        for name, (pages, glossary) in sets(work, shared, args.n).items():
            for lang in langs:
                for version, code in versions:
                    folder = work / f"{name}-{lang}-{version[:12]}"
                    shutil.rmtree(folder, ignore_errors=True)
                    r = measure(code, workspace(folder, pages, langs, glossary), lang)
                    show(name, lang, version[:7], r)
                    results.append({"set": name, "pages": len(pages), "lang": lang, "code": version, **r})
        (work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
        return 0
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if "--child" in sys.argv:
        at = sys.argv.index("--child")
        child(*sys.argv[at + 1:at + 4])
    else:
        sys.exit(main())
