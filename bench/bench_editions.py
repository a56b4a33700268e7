#!/usr/bin/env python3
"""Editions benchmark: our HTML and PDF export against po2html, Chromium and the weasyprint command.

On the shared corpus (../shared/bench/make_corpus.py), in the same run,
timing whole processes as a user would run them:

  html  localize export --lang es --format html     vs  po2html -t SRC -i PO_DIR   (all --n articles)
        then again into the same folder: with nothing changed, and with one article's catalog changed
  pdf   localize export --lang es --format pdf       vs  chromium --headless --print-to-pdf, once per article
        (--pdf articles, one warm renderer)          vs  weasyprint EDITION.html OUT.pdf, once per article

Both sides translate the same text: every catalog is filled by one
deterministic pseudo-translation (vowels accented outside tags, entities and
capitalized words, so that author names stay as the citations check wants
them) and approved, so our publish gate passes and every edition is
published. The source-language editions are made once before the clock
starts (publishing Spanish then links them to it, which is timed). Chromium
and the weasyprint command print our Spanish HTML editions, so the three PDF
makers lay out the same pages. Prints medians of --runs runs, seconds per
article for PDF, and the ratios against the targets (HTML >= 5x po2html;
PDF >= 2.5x each peer per article), judged on the wall clock; the CPU
seconds (user + system) are shown beside, as a check on a busy machine.

Usage: bench/bench_editions.py [--n 1000] [--pdf 10] [--runs 3] [--work DIR] [--shared DIR]
       BENCH_STEPS=pdf bench/bench_editions.py …   (html, pdf or html,pdf)
Needs: the bench extra (translate-toolkit, polib), WeasyPrint's libraries, /usr/bin/chromium.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import REPO, tool
from common import corpus as make_corpus

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
_MARKUP = re.compile(r"(<[^>]*>|&[#A-Za-z0-9]+;|\b[A-Z][\w'’-]*)")
_ACCENTS = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")


def pseudo(text: str) -> str:
    """Accent the vowels outside tags, entities and capitalized words (names stay as written)."""
    return "".join(p if _MARKUP.fullmatch(p) else p.translate(_ACCENTS) for p in _MARKUP.split(text))


def translate_folder(templates: Path, out: Path, *, suffix: str = ".pot") -> int:
    """Every template of a folder, pseudo-translated and approved, as OUT/<name>.po."""
    import polib

    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(templates.glob(f"*{suffix}")):
        cat = polib.pofile(str(path), wrapwidth=0)
        cat.metadata.update({"Language": "es", "Plural-Forms": "nplurals=2; plural=(n != 1);",
                             "Content-Type": "text/plain; charset=UTF-8"})
        cat.metadata_is_fuzzy = False
        for entry in cat:
            entry.msgstr = "es" if entry.msgid == "en" else pseudo(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            count += 1
        cat.save(str(out / (path.stem + ".po")))
    return count


# `localize`, with the export command added to the group if cli.py does not add it yet
_LOCALIZE = ("import sys; from localize.cli import cli, main; from localize.cli_export import export; "
             "cli.commands.setdefault('export', export); sys.exit(main())")


def command(*args: str) -> list[str]:
    return [sys.executable, "-c", _LOCALIZE, *args]


def localize(ws: Path, *args: str) -> None:
    result = subprocess.run(command(*args), cwd=ws, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"bench: localize {' '.join(args[:3])} failed: {result.stderr.decode()[-800:]}")


def workspace(folder: Path, source: Path, names: list[str] | None = None) -> Path:
    """A workspace with the articles (all, or the named ones) and their Spanish catalogs, approved."""
    folder.mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n', encoding="utf-8")
    (folder / "source").mkdir()
    for path in sorted(source.glob("*.html")):
        if names is None or path.stem in names:
            shutil.copy(path, folder / "source" / path.name)
    # the corpus's own stylesheet link (article.css) is left out of editions; the article is otherwise as written
    localize(folder, "extract")
    translate_folder(folder / "locales", folder / "locales" / "es" / "LC_MESSAGES")
    return folder


def timed(argv: list[str], *, cwd: Path | None = None) -> tuple[float, float]:
    """Seconds a whole process takes, wall clock and CPU (user + system, its children included),
    after letting the disk settle. On a shared machine the CPU seconds vary less than the wall clock."""
    subprocess.run(["sync"], check=True)
    time.sleep(1.0)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"bench: {' '.join(argv[:3])} failed ({result.returncode}): "
                 f"{result.stderr.decode('utf-8', 'replace').strip()[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def report(name: str, ours: list[tuple[float, float]], peers: dict[str, list[tuple[float, float]]],
           target: float, per: int = 1) -> dict:
    """Medians (wall clock, and CPU) per run or per article, and the wall-clock ratios against the target."""
    def medians(times):
        return statistics.median(t for t, _ in times) / per, statistics.median(c for _, c in times) / per

    mo, co = medians(ours)
    unit = " per article" if per > 1 else ""
    print(f"{name:5} localize export {mo:7.3f} s{unit} (CPU {co:.3f} s)   "
          f"(runs: {', '.join(f'{t:.2f}' for t, _ in ours)} s)")
    found = {"localize_s": mo, "localize_cpu_s": co, "peers": {}}
    for peer, times in peers.items():
        mp, cp = medians(times)
        ratio = mp / mo
        verdict = "PASS" if ratio >= target else "MISS"
        print(f"{'':5} {peer:15} {mp:7.3f} s{unit} (CPU {cp:.3f} s)   ratio {ratio:5.1f}x "
              f"(CPU {cp / co:.1f}x)  (target >= {target:g}x: {verdict})   "
              f"(runs: {', '.join(f'{t:.2f}' for t, _ in times)} s)")
        found["peers"][peer] = {"peer_s": mp, "peer_cpu_s": cp, "ratio": ratio, "cpu_ratio": cp / co,
                                "target": target, "pass": ratio >= target}
    return found


def run(shared: Path, work: Path, n: int, runs: int, pdfs: int) -> int:
    corpus = make_corpus(shared, work, n)
    source = corpus / "src"
    stats = json.loads((corpus / "stats.json").read_text(encoding="utf-8"))
    print(f"corpus: {stats['articles']} articles, {stats['segments_src']} segments, {stats['words_src']} words")
    results: dict = {}
    steps = os.environ.get("BENCH_STEPS", "html,pdf").split(",")
    if "html" in steps:
        results["html"] = html_step(work, source, n, runs)
    if "pdf" in steps:
        results["pdf"] = pdf_step(work, source, runs, pdfs)
    (work / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    passed = all(p["pass"] for step in results.values() for p in step["peers"].values())
    print("all targets met" if passed else "some targets missed")
    return 0


def html_step(work: Path, source: Path, n: int, runs: int) -> dict:
    """Our HTML export of every article against po2html."""
    ws = workspace(work / "html-ws", source)
    localize(ws, "export", "--lang", "en", "--format", "html", "--out", str(work / "base-editions"))
    html2po = work / "html2po"
    subprocess.run([tool("html2po"), "--progress=none", "--pot", str(source), str(html2po)], check=True,
                   stdout=subprocess.DEVNULL)
    peer_po = work / "html2po-po"
    translate_folder(html2po, peer_po)
    ours, peer = [], []
    for i in range(runs):
        out = work / f"editions-{i}"
        shutil.copytree(work / "base-editions", out)
        ours.append(timed(command("export", "--lang", "es", "--format", "html", "--out", str(out)),
                          cwd=ws))
        peer.append(timed([tool("po2html"), "--progress=none", "-t", str(source), "-i", str(peer_po),
                           "-o", str(work / f"po2html-{i}")]))
    from localize.editions.store import read_index

    published = read_index(work / "editions-0")["articles"]
    made = sum("es" in langs for langs in published.values())
    if made != n:
        sys.exit(f"bench: only {made} of {n} Spanish editions were published")
    print(f"html: {made} Spanish editions published per run")
    found = report("html", ours, {"po2html": peer}, 5)
    floor = []
    for i in range(runs):   # into a copy of the folder as the export found it
        shutil.copytree(work / "base-editions", work / f"floor-{i}")
        floor.append(timed([sys.executable, "-c", _FLOOR, str(work / "editions-0"), str(work / f"floor-{i}")]))
    found["files_alone_s"] = statistics.median(t for t, _ in floor)
    print(f"{'':5} writing our files alone {found['files_alone_s']:7.3f} s   (every file an export of the "
          f"{made} articles writes, replaced atomically, on every core: what no export can go below; "
          f"5x po2html would be {found['peers']['po2html']['peer_s'] / 5:.3f} s)")
    found["max_rss_mb"] = peak_rss(command("export", "--lang", "es", "--format", "html", "--out",
                                           str(work / "editions-rss")), ws, work / "base-editions")
    cores = len(os.sched_getaffinity(0))
    print(f"{'':5} peak memory {found['max_rss_mb']:7.0f} MB   (max RSS of the largest of its processes: the "
          f"command and {cores} workers, so at most {(cores + 1) * found['max_rss_mb']:.0f} MB together; "
          f"target <= 300 MB: {'PASS' if (cores + 1) * found['max_rss_mb'] <= 300 else 'MISS'})")
    found["again"] = incremental(ws, work / "editions-0", runs, found["localize_s"])
    return found


# Every file the export wrote (each Spanish edition, its manifest, the English edition relinked and its
# manifest, the article's index file), written again the way store.write does, shared out on every core.
_FLOOR = """
import os, sys
from concurrent.futures import ProcessPoolExecutor
done, out = sys.argv[1], sys.argv[2]
os.makedirs(os.path.join(out, "es"), exist_ok=True)
slugs = sorted(n[:-5] for n in os.listdir(os.path.join(done, "es")) if n.endswith(".html"))

def write(path, data):
    tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + f".{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)

def some(names):
    for slug in names:
        for lang, ext in (("es", "html"), ("es", "json"), ("en", "html"), ("en", "json"), ("index", "json")):
            with open(os.path.join(done, lang, f"{slug}.{ext}"), "rb") as handle:
                data = handle.read()
            write(os.path.join(out, lang, f"{slug}.{ext}"), data)

cores = len(os.sched_getaffinity(0))
with ProcessPoolExecutor(cores) as pool:
    list(pool.map(some, [slugs[i::cores] for i in range(cores)]))
"""


def peak_rss(argv: list[str], cwd: Path, base: Path) -> float:
    """The max RSS (MB) of a whole export into a copy of ``base``, as GNU time reports it (wait4: the largest
    of the process and the workers it waited for)."""
    out = Path(argv[argv.index("--out") + 1])
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(base, out)
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: export failed: {done.stderr[-500:]}")
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def incremental(ws: Path, out: Path, runs: int, cold: float) -> dict:
    """Publishing again into a folder that holds every edition: with nothing changed, and after one
    article's catalog changed (a new text each run); medians against the cold export."""
    import polib

    export = command("export", "--lang", "es", "--format", "html", "--out", str(out))
    same = [timed(export, cwd=ws) for _ in range(runs)]
    changed_catalog = sorted((ws / "locales" / "es" / "LC_MESSAGES").glob("*.po"))[0]
    one = []
    for i in range(runs):
        cat = polib.pofile(str(changed_catalog), wrapwidth=0)
        entry = next(e for e in cat if e.msgid and not e.obsolete and "<" not in e.msgid)
        entry.msgstr = f"{entry.msgstr.split(' ~', 1)[0]} ~{'abcdefghijklmnopqrstuvwxyz'[i % 26]}"   # no digit
        cat.save(str(changed_catalog))
        one.append(timed(export, cwd=ws))
    found = {}
    for name, times in (("nothing changed", same), ("one article changed", one)):
        median = statistics.median(t for t, _ in times)
        print(f"{'':5} again, {name:20} {median:7.3f} s   {100 * median / cold:5.1f} % of the cold export   "
              f"(runs: {', '.join(f'{t:.2f}' for t, _ in times)} s)")
        found[name] = {"localize_s": median, "share_of_cold": median / cold}
    return found


def pdf_step(work: Path, source: Path, runs: int, pdfs: int) -> dict:
    """Our PDF export of a few articles (one warm renderer) against Chromium and the weasyprint
    command, each run once per article."""
    names = sorted(p.stem for p in source.glob("*.html"))[:pdfs]
    pdf_ws = workspace(work / "pdf-ws", source, names)
    localize(pdf_ws, "export", "--lang", "en", "--format", "pdf", "--out", str(work / "pdf-base"))
    ours = []
    for i in range(runs):
        out = work / f"pdf-editions-{i}"
        shutil.copytree(work / "pdf-base", out)
        ours.append(timed(command("export", "--lang", "es", "--format", "pdf", "--out", str(out)),
                          cwd=pdf_ws))
    pages = [work / "pdf-editions-0" / "es" / f"{name}.html" for name in names]
    made = [p.with_suffix(".pdf") for p in pages if p.with_suffix(".pdf").is_file()]
    if len(made) != pdfs:
        sys.exit(f"bench: only {len(made)} of {pdfs} Spanish PDFs were made")
    chromium, weasy = [], []
    for i in range(runs):
        out = work / f"peer-pdf-{i}"
        out.mkdir()
        loop = " ".join(f'"{p}"' for p in pages)
        chromium.append(timed(["bash", "-c", (
            f'for f in {loop}; do "{CHROMIUM}" --headless --no-sandbox --disable-gpu '
            f'--disable-background-networking --no-pdf-header-footer '
            f'--print-to-pdf="{out}/$(basename "$f" .html).chromium.pdf" "file://$f" 2>/dev/null || exit 1; done')]))
        weasy.append(timed(["bash", "-c", (
            f'for f in {loop}; do "{tool("weasyprint")}" -q "$f" "{out}/$(basename "$f" .html).weasyprint.pdf" '
            f'|| exit 1; done')]))
    return report("pdf", ours, {"chromium": chromium, "weasyprint CLI": weasy}, 2.5, per=pdfs)


def main() -> int:
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="articles exported to HTML")
    ap.add_argument("--pdf", type=int, default=10, help="articles exported to PDF")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool and step")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    if args.pdf > args.n:
        sys.exit("bench: --pdf cannot exceed --n")
    if not Path(CHROMIUM).exists():
        sys.exit(f"bench: no Chromium at {CHROMIUM} (set CHROMIUM=…)")
    shared = Path(args.shared).resolve()
    if not (shared / "bench/make_corpus.py").exists():
        sys.exit(f"bench: no corpus generator in {shared}/bench (pass --shared)")
    work = Path(args.work or tempfile.mkdtemp(prefix="localize-bench-editions-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(shared, work, args.n, args.runs, args.pdf)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
