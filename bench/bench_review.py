#!/usr/bin/env python3
"""Review UI under load: concurrent clients against gunicorn with 4 workers, on loopback.

A workspace of --articles copies of the seed article (source/emotional-numbness.html),
in Spanish and French; one translator account per client. Each run, with
--clients clients (threads) started together:

  save   --saves saves per client through the JSON API (POST /api/<lang>/<slug>/entries/<id>,
         a Bearer token), each to one of the client's own entries, from the version the
         last answer gave; two clients share each catalog (and its lock). Latency of each
         request as the client sees it, queueing in gunicorn's backlog included.
  alone  30 saves of one client with the others idle: the service time without queueing.
  queue  --pages GETs per client of the HTML queue page (/review/<lang>/<slug>) with a
         logged-in session; pages per second of the whole phase.

Prints medians of --runs runs: save p50 and p95 (ms), saves/s, queue pages/s, and
PASS/MISS against the target: p95 save < 100 ms.

Usage: bench/bench_review.py [--clients 20] [--workers 4] [--saves 25] [--pages 10]
                             [--articles 5] [--runs 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from common import REPO, tool

TARGET_P95_MS = 100.0
LANGS = ("es", "fr")
PASSWORD = "bench review password"
TIMEOUT = 60


def build(root: Path, articles: int, clients: int) -> list[str]:
    """The workspace and its accounts; the API token of each client."""
    sys.path.insert(0, str(REPO))
    from localize.accounts import Store
    from localize.cli import main

    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = [' + ", ".join(f'"{t}"' for t in LANGS) + ']\n',
        encoding="utf-8")
    for a in range(articles):
        shutil.copy(REPO / "source" / "emotional-numbness.html", root / "source" / f"article-{chr(97 + a)}.html")
    quiet = open(os.devnull, "w")
    saved = sys.stdout
    sys.stdout = quiet
    try:
        if main(["--root", str(root), "extract"]) != 0 or main(["--root", str(root), "update"]) != 0:
            sys.exit("bench: localize extract/update failed")
    finally:
        sys.stdout = saved
        quiet.close()
    store = Store(root / "instance" / "localize.sqlite3")
    tokens = []
    for i in range(clients):
        store.add_user(f"c{i:02d}", "translator", list(LANGS), PASSWORD)
        tokens.append(store.new_token(f"c{i:02d}", "bench"))
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LOCALIZE_ROOT": str(root), "LOCALIZE_SECRET_KEY": "bench-" + os.urandom(16).hex()}
    with log.open("wb") as sink:
        proc = subprocess.Popen([tool("gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                 "--no-control-socket", "web:create_app()"],
                                cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: gunicorn exited ({proc.returncode}): {log.read_text(errors='replace')[-1500:]}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return proc, url
        except requests.RequestException:
            pass
        time.sleep(0.1)
    stop_server(proc)
    sys.exit("bench: gunicorn did not answer /healthz within 30 s")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def login(url: str, name: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{url}/login", timeout=TIMEOUT).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    if token is None:
        sys.exit("bench: no CSRF token on the login page")
    answer = s.post(f"{url}/login", data={"name": name, "password": PASSWORD, "csrf_token": token.group(1)},
                    allow_redirects=False, timeout=TIMEOUT)
    if answer.status_code not in (302, 303):
        sys.exit(f"bench: login of {name} failed ({answer.status_code})")
    return s


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    ap.add_argument("--saves", type=int, default=25, help="saves per client per run")
    ap.add_argument("--pages", type=int, default=10, help="queue pages per client per run")
    ap.add_argument("--articles", type=int, default=5, help="articles (two catalogs each: es, fr)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-review-"))
    work.mkdir(parents=True, exist_ok=True)
    root = work / "ws"
    if root.exists():
        shutil.rmtree(root)
    proc = None
    try:
        tokens = build(root, args.articles, args.clients)
        proc, url = start_server(root, args.workers, work / "gunicorn.log")
        # Each client: a catalog shared with one other client, half its entries (its own).
        catalogs = [(lang, f"article-{chr(97 + a)}") for a in range(args.articles) for lang in LANGS]
        api = [requests.Session() for _ in tokens]
        for s, token in zip(api, tokens):
            s.headers["Authorization"] = f"Bearer {token}"
        mine: list[dict[str, tuple[str, str, str]]] = [{} for _ in tokens]   # id -> (lang, slug, version)
        for c, (lang, slug) in enumerate(catalogs):
            rows = api[0].get(f"{url}/api/{lang}/{slug}/entries", timeout=TIMEOUT).json()["entries"]
            sharers = [i for i in range(args.clients) if i % len(catalogs) == c]
            for k, e in enumerate(rows):
                if sharers:
                    mine[sharers[k % len(sharers)]][e["id"]] = (lang, slug, e["version"])
        if any(not m for m in mine):
            sys.exit("bench: more clients than entries")
        browsers = [login(url, f"c{i:02d}") for i in range(args.clients)]
        queue_of = [catalogs[i % len(catalogs)] for i in range(args.clients)]
        counter = itertools.count()   # next() is atomic: every text differs from the one before

        def save_phase(i: int, n: int, barrier: threading.Barrier | None) -> list[float]:
            ids = list(mine[i])
            if barrier:
                barrier.wait()
            times = []
            for k in range(n):
                ident = ids[k % len(ids)]
                lang, slug, version = mine[i][ident]
                text = f"Texto {i} {next(counter)} de prueba"
                began = time.perf_counter()
                answer = api[i].post(f"{url}/api/{lang}/{slug}/entries/{ident}",
                                     json={"action": "save", "version": version, "text": text}, timeout=TIMEOUT)
                times.append(time.perf_counter() - began)
                if answer.status_code != 200:
                    raise RuntimeError(f"save answered {answer.status_code}: {answer.text[:300]}")
                mine[i][ident] = (lang, slug, answer.json()["entry"]["version"])
            return times

        def queue_phase(i: int, n: int, barrier: threading.Barrier | None) -> int:
            lang, slug = queue_of[i]
            if barrier:
                barrier.wait()
            for _ in range(n):
                answer = browsers[i].get(f"{url}/review/{lang}/{slug}", timeout=TIMEOUT)
                if answer.status_code != 200 or "entries shown" not in answer.text:
                    raise RuntimeError(f"queue page answered {answer.status_code}")
            return n

        with ThreadPoolExecutor(args.clients) as pool:     # warm every worker's caches, untimed
            list(pool.map(lambda i: save_phase(i, 2, None), range(args.clients)))
            list(pool.map(lambda i: queue_phase(i, 1, None), range(args.clients)))

        rows = []
        print(f"bench-review: {args.clients} clients, gunicorn -w {args.workers}, {len(catalogs)} catalogs "
              f"of {len(mine[0]) * 2}ish entries, {os.cpu_count()} cores")
        for run in range(1, args.runs + 1):
            alone = save_phase(0, 30, None)                 # one client alone: the service time, no queueing
            barrier = threading.Barrier(args.clients, timeout=TIMEOUT)
            with ThreadPoolExecutor(args.clients) as pool:
                began = time.perf_counter()
                latencies = [t for ts in pool.map(lambda i: save_phase(i, args.saves, barrier), range(args.clients))
                             for t in ts]
                save_wall = time.perf_counter() - began
            barrier = threading.Barrier(args.clients, timeout=TIMEOUT)
            with ThreadPoolExecutor(args.clients) as pool:
                began = time.perf_counter()
                pages = sum(pool.map(lambda i: queue_phase(i, args.pages, barrier), range(args.clients)))
                queue_wall = time.perf_counter() - began
            row = {"alone": 1000 * percentile(alone, 50), "p50": 1000 * percentile(latencies, 50), "p95": 1000 * percentile(latencies, 95),
                   "saves/s": len(latencies) / save_wall, "pages/s": pages / queue_wall}
            rows.append(row)
            print(f"  run {run}: save p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  "
                  f"{row['saves/s']:6.1f} saves/s   queue {row['pages/s']:6.1f} pages/s   "
                  f"(1 client alone: save p50 {row['alone']:.1f} ms)")
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        verdict = "PASS" if med["p95"] < TARGET_P95_MS else "MISS"
        print(f"median of {args.runs}: save p50 {med['p50']:.1f} ms, p95 {med['p95']:.1f} ms "
              f"({med['saves/s']:.1f} saves/s); queue {med['pages/s']:.1f} pages/s; "
              f"one client alone: save p50 {med['alone']:.1f} ms")
        print(f"target p95 save < {TARGET_P95_MS:.0f} ms: {verdict}")
        return 0
    finally:
        if proc is not None:
            stop_server(proc)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
