#!/usr/bin/env python3
"""A big outside memory: importing a 100,000-unit TMX and searching it, against Translate Toolkit's reader.

From the shared corpus (../shared/bench/make_corpus.py, --n articles, 3,850 by default: about
100,000 distinct units), every unit with its pseudo-translation (../shared/bench/pseudo_translate.py)
written as one TMX 1.4b file by our own writer (localize.tmx.dumps). Then, timing whole processes:

  ours  localize memory import BIG.tmx      (read, check, keep as memory/big.json)
  peer  Translate Toolkit's TMX reader over the same file (tmxfile.parsefile), reading it only

and the editor's suggestions (the three best) from that memory alone, for --queries units of the
corpus's changed edition, p50 and p95 (target: import in seconds, p95 <= 50 ms).

Usage: bench/bench_tmx.py [--n 3850] [--queries 300] [--runs 3] [--work DIR] [--shared DIR]
Needs: the bench extra (translate-toolkit).
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

from bench_memory import corpus_units, percentile
from common import REPO, timed, tool
from common import main as bench_main

sys.path.insert(0, str(REPO))
from localize import memory, tmx  # noqa: E402
from localize.workspace import Workspace  # noqa: E402

QUERIES = 300


def run(shared: Path, work: Path, n: int, runs: int) -> int:
    sys.path.insert(0, str(shared / "bench"))
    from pseudo_translate import pseudo

    old, new = corpus_units(shared, work, n)
    localize = tool("localize")
    big = work / "big.tmx"
    big.write_bytes(tmx.dumps({"es": [(text, pseudo(text), "") for text in old]}, "en"))
    print(f"memory: {len(old):,} units of {n:,} articles, {big.stat().st_size / 1e6:.1f} MB of TMX")
    ws = work / "ws"
    shutil.rmtree(ws, ignore_errors=True)
    (ws / "source").mkdir(parents=True)
    (ws / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n',
                                       encoding="utf-8")
    ours = [timed([localize, "memory", "import", str(big)], cwd=ws) for _ in range(runs)]
    reader = ("import sys; from translate.storage import tmx; "
              "print(len(tmx.tmxfile.parsefile(sys.argv[1]).units))")
    peer = [timed([sys.executable, "-c", reader, str(big)]) for _ in range(runs)]
    kept = json.loads((ws / "memory" / "big.json").read_text(encoding="utf-8"))
    if len(kept["units"]["es"]) != len(old):
        sys.exit(f"bench: {len(kept['units']['es'])} units kept of {len(old)}")
    mo, mp = statistics.median(ours), statistics.median(peer)
    print(f"import   localize memory import {mo:6.2f} s   Translate Toolkit's reader {mp:6.2f} s   "
          f"ratio {mp / mo:4.1f}x   (runs: {', '.join(f'{t:.2f}' for t in ours)}; "
          f"{', '.join(f'{t:.2f}' for t in peer)})")
    mem = memory.Memory(Workspace.open(ws))
    queries = random.Random(1).sample(new, min(QUERIES, len(new)))
    clock = time.perf_counter()
    mem.lookup(queries[0], "es", limit=3)   # the memory read and indexed once
    first = time.perf_counter() - clock
    times, found = [], 0
    for text in queries:
        clock = time.perf_counter()
        found += bool(mem.lookup(text, "es", limit=3))
        times.append(time.perf_counter() - clock)
    p50, p95 = statistics.median(times) * 1000, percentile(times, 0.95) * 1000
    print(f"search   first lookup (read and index) {first:.2f} s; then p50 {p50:.2f} ms, p95 {p95:.2f} ms "
          f"({found} of {len(queries)} with a match; target p95 <= 50 ms: {'meets' if p95 <= 50 else 'MISSES'})")
    (work / "tmx.json").write_text(json.dumps({"units": len(old), "import_s": mo, "tt_read_s": mp,
                                               "first_lookup_s": first, "p50_ms": p50, "p95_ms": p95}),
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    if "--queries" in sys.argv:
        at = sys.argv.index("--queries")
        QUERIES = int(sys.argv[at + 1])
        del sys.argv[at:at + 2]
    if "--n" not in sys.argv:
        sys.argv += ["--n", "3850"]
    sys.exit(bench_main(__doc__, "bench-tmx-", run))
