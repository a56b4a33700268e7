"""What every benchmark here shares: finding the tools, timing whole processes, the work folder."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    """A command, from the virtual environment first."""
    found = VENV_BIN / name
    if found.exists():
        return str(found)
    path = shutil.which(name)
    if path is None:
        sys.exit(f"bench: {name} not found (run 'scripts/setup bench')")
    return path


def timed(argv: list[str], *, cwd: Path | None = None, out: Path | None = None,
          ok: tuple[int, ...] = (0,), settle: float = 1.0) -> float:
    """Seconds a whole process takes, after letting the disk settle (``settle`` seconds); its output to ``out``."""
    subprocess.run(["sync"], check=True)
    time.sleep(settle)
    with (out.open("wb") if out else open("/dev/null", "wb")) as sink:
        start = time.perf_counter()
        result = subprocess.run(argv, cwd=cwd, stdout=sink, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        sys.exit(f"bench: {' '.join(argv[:3])} failed ({result.returncode}): "
                 f"{result.stderr.decode('utf-8', 'replace').strip()[-500:]}")
    return elapsed


def main(doc: str, prefix: str, run: Callable[[Path, Path, int, int], int]) -> int:
    """Parse the common options and call ``run(shared, work, n, runs)`` in a work folder."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="articles in the corpus")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per tool and step")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    shared = Path(args.shared).resolve()
    if not (shared / "bench/make_corpus.py").exists():
        sys.exit(f"bench: no corpus generator in {shared}/bench (pass --shared)")
    work = Path(args.work or tempfile.mkdtemp(prefix=prefix))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(shared, work, args.n, args.runs)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def corpus(shared: Path, work: Path, n: int) -> Path:
    """The shared corpus of n articles in work/corpus, made once."""
    folder = work / "corpus"
    if not (folder / "stats.json").exists():
        subprocess.run([sys.executable, str(shared / "bench/make_corpus.py"), "--n", str(n),
                        "--out", str(folder)], check=True, stdout=subprocess.DEVNULL)
    return folder
