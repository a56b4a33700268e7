#!/usr/bin/env python3
"""Scale: every article drafted and published in four languages through the job queue, on the SQLite
and the Redis queue, with one and two workers; review saves on SQLite and PostgreSQL; what
10,000 articles in 30 languages would take.

The shared corpus (../shared/bench/make_corpus.py, --articles articles) as a workspace with
Spanish, Catalan, Galician and Esperanto, each drafted by Apertium (extract and update done once,
before any clock). Its own redis-server and PostgreSQL cluster, each on a Unix socket in a
temporary folder (tests/dataservers.py), stopped at the end, also after a failure.

Each configuration runs on a fresh copy of that workspace, its `localize worker` processes
started (and idle) before the clock:

  sqlite-1w    the default queue (instance/tasks.sqlite3), one worker
  redis-1w     LOCALIZE_QUEUE=unix://…/redis.sock?db=0, one worker
  redis-2w     the same, two worker processes
  redis-2w-pg  the same with the store on PostgreSQL (LOCALIZE_DATABASE), as several hosts run it;
               only when named in --configs

  drafts   one draft job per language (localize.tasks.start_draft, the UI's "draft a language";
           a second draft of a language is refused while one runs), from enqueuing to every job
           settled in the jobs table
  approve  not in the wall: every machine draft approved, and what the engine left written
           (pseudo-translated as bench_editions.py does), as a reviewer importing each catalog
           with --approved would: under its lock, one history row per entry (user bench-reviewer)
  exports  one export job per article and language, HTML (localize.tasks.start_export, the
           publish page's "Publish"), enqueued language by language; from enqueuing to settled

A failed job, an export not published or an edition missing from the index stops the bench
(exit 1). Wall = drafts + exports; medians of --runs runs (1 by default: the bench is long).
After each run: the store's size (SQLite file; PostgreSQL pg_database_size), locales/ and the
editions, and what an export costs that may grow with the site: reading its article's approvals
(for the edition's reviewers; through the store's index, so the same at any size) and reading and
writing the index of all editions (which grows).
The first SQLite store is also copied row by row into a PostgreSQL database the app migrated,
for its size there.

Then bench/bench_review.py as it is (--clients clients, --saves saves each, --runs runs), its store
in SQLite and in a fresh PostgreSQL database (LOCALIZE_DATABASE): save p50 and p95.

Prints the table (drafts, exports, wall, jobs, jobs/s; ratios redis-1w / sqlite-1w and
redis-2w / redis-1w), the saves with the ratio PostgreSQL / SQLite, and the extrapolation to
10,000 articles × 30 languages: worker-hours from one worker's seconds per article × language,
the export's growing parts scaled to that site, hours with 2, 8 and 16 workers (one draft job
per language at a time; the index written under one lock), and storage.

Usage: bench/bench_scale.py [--articles 200] [--runs 1] [--configs sqlite-1w,redis-1w,redis-2w]
                            [--clients 20] [--saves 25] [--skip-review] [--work DIR] [--shared DIR]
       (--articles 10: a smoke run of about a minute; 100: about 6 minutes on 2 cores)
Needs: Apertium with eng-spa, eng-cat, en-gl and eo-en (scripts/setup); redis-server and
PostgreSQL (scripts/setup test); the redis and postgresql extras.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from bench_editions import pseudo
from common import REPO, tool
from common import corpus as make_corpus

sys.path.insert(0, str(REPO))

from localize import catalog, history, po, tasks  # noqa: E402
from localize.draft import can_draft  # noqa: E402
from localize.workspace import Workspace  # noqa: E402
from tests.dataservers import Postgres, Redis  # noqa: E402

LANGS = ("es", "ca", "gl", "eo")         # Apertium pairs from English that scripts/setup installs
ENGINE = "apertium"
USER = "bench"                           # who enqueues the jobs
REVIEWER = "bench-reviewer"              # who approves the drafts
DEFAULT_CONFIGS = ("sqlite-1w", "redis-1w", "redis-2w")
CONFIGS = {                              # name: (label, queue, workers, store)
    "sqlite-1w": ("SQLite queue, 1 worker", "sqlite", 1, "sqlite"),
    "redis-1w": ("Redis queue, 1 worker", "redis", 1, "sqlite"),
    "redis-2w": ("Redis queue, 2 workers", "redis", 2, "sqlite"),
    "redis-2w-pg": ("Redis, 2 workers, PostgreSQL", "redis", 2, "postgresql"),
}
TARGET = (10_000, 30)                    # articles, languages: the extrapolation
POLL = 0.25
SETTLE_TIMEOUT = 3600


@dataclass
class Run:
    """One configuration's run: phase seconds, job counts, each export job's seconds, what it left on disk."""

    drafts: float
    approve: float
    exports: float
    jobs: int
    export_seconds: list[float]                       # in enqueue order (language by language)
    draft_seconds: dict[str, float]                   # language: the draft job's own seconds
    units: int                                        # entries drafted, all languages
    written: int                                      # entries the engine left, written by the bench's reviewer
    enqueue: float = 0.0                              # seconds to enqueue the export jobs
    root: Path | None = None
    sizes: dict[str, float] = field(default_factory=dict)
    growth: dict[str, float] = field(default_factory=dict)

    @property
    def wall(self) -> float:
        return self.drafts + self.exports


# -- the workspace -----------------------------------------------------------------------------

def localize(ws: Path, *args: str) -> None:
    result = subprocess.run([tool("localize"), *args], cwd=ws, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"bench: localize {' '.join(args[:3])} failed: {result.stderr.strip()[-800:]}")


def base_workspace(folder: Path, source: Path) -> Path:
    """The corpus as a workspace in four languages drafted by Apertium, extracted and updated."""
    folder.mkdir(parents=True)
    engines = "".join(f'{lang} = "{ENGINE}"\n' for lang in LANGS)
    (folder / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\n'
        f"languages = {json.dumps(list(LANGS))}\n\n"
        f"[tool.localize.engines]\n{engines}", encoding="utf-8")
    shutil.copy2(REPO / "glossary.toml", folder / "glossary.toml")   # the corpus is made from the seed
    shutil.copytree(source, folder / "source")
    (folder / "locales").mkdir()
    localize(folder, "extract")
    localize(folder, "update")
    ws = Workspace.open(folder)
    missing = [lang for lang in LANGS if not can_draft(ws, ENGINE, lang)]
    if missing:
        sys.exit(f"bench: Apertium cannot draft {', '.join(missing)} here (run 'scripts/setup')")
    # one article drafted in every language in a scratch copy: Apertium's pairs read from disk once,
    # so that the first configuration does not pay for it
    scratch = folder.parent / "warm-up"
    shutil.rmtree(scratch, ignore_errors=True)
    fresh_copy(folder, scratch)
    for lang in LANGS:
        localize(scratch, "draft", "--lang", lang, "--slug", ws.slugs()[0])
    shutil.rmtree(scratch)
    return folder


def fresh_copy(base: Path, folder: Path) -> Path:
    shutil.copytree(base, folder, ignore=shutil.ignore_patterns("*.lock", "instance"))
    return folder


# -- workers and jobs --------------------------------------------------------------------------

def start_workers(ws: Path, count: int, env: dict, logs: Path) -> list[subprocess.Popen]:
    """``count`` `localize worker` processes, each running one job at a time; back once each is consuming."""
    procs = []
    for k in range(count):
        log = logs / f"worker-{k}.log"
        with log.open("wb") as sink:
            procs.append(subprocess.Popen([tool("localize"), "--root", str(ws), "worker", "-w", "1"], env=env,
                                          stdout=sink, stderr=subprocess.STDOUT, start_new_session=True))
    deadline = time.monotonic() + 60
    for k, proc in enumerate(procs):
        log = logs / f"worker-{k}.log"
        while "consumer started" not in log.read_text(errors="replace").lower():
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_workers(procs)
                sys.exit(f"bench: worker {k} did not start: {log.read_text(errors='replace')[-1500:]}")
            time.sleep(0.05)
    return procs


def stop_workers(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def settle_disk() -> None:
    subprocess.run(["sync"], check=True)
    time.sleep(1.0)


def wait_settled(root: Path, ids: list[str], since: float, procs: list[subprocess.Popen],
                 logs: Path) -> list[tasks.Job]:
    """Wait until every job created since ``since`` is done or failed (one cheap count a poll: the
    finished times give the wall, not the poll); the jobs, in ``ids`` order. A failed one stops the bench."""
    jobs = tasks.Jobs.of(root)
    deadline = time.monotonic() + SETTLE_TIMEOUT
    while True:
        with jobs.db.read() as conn:
            counts = dict(conn.execute(text("SELECT state, count(*) FROM jobs WHERE created >= :since "
                                            "GROUP BY state"), {"since": since}).fetchall())
        if counts.get("failed") or counts.get("done", 0) == len(ids):
            break
        for k, proc in enumerate(procs):
            if proc.poll() is not None:
                sys.exit(f"bench: worker {k} exited ({proc.returncode}): "
                         f"{(logs / f'worker-{k}.log').read_text(errors='replace')[-1500:]}")
        if time.monotonic() > deadline:
            sys.exit(f"bench: jobs not settled after {SETTLE_TIMEOUT} s: {counts}")
        time.sleep(POLL)
    wanted = {job_id: n for n, job_id in enumerate(ids)}
    found = sorted((j for j in jobs.recent(len(ids) + 100) if j.id in wanted), key=lambda j: wanted[j.id])
    failed = [j for j in found if j.state == "failed"]
    if failed or len(found) != len(ids):
        shown = "\n".join(f"  {j.kind} {j.language} {' '.join(j.names)[:40]}: {j.error}" for j in failed[:5])
        sys.exit(f"bench: {len(failed)} of {len(ids)} jobs failed ({counts}), the first:\n{shown}")
    return found


def approve_all(ws: Workspace, names: list[str]) -> tuple[int, int]:
    """Approve every machine draft of every catalog, and write (pseudo-translated, as bench_editions.py
    does) what the engine left untranslated, as a reviewer would by importing each catalog back with
    --approved: under the catalog's lock, one history row per entry. How many approved, how many written."""
    store = history.store_of(ws.root)
    recorder = history.Recorder(store, REVIEWER, "approve") if store is not None else None
    approved = written = 0
    for lang in LANGS:
        for name in names:
            path = ws.catalog_path(lang, name)
            with catalog.locked(path):
                original = catalog.read_text(path)
                cat = po.parse(original, str(path))
                before = history.snapshot(cat)
                for entry in cat.entries:
                    if entry.obsolete or not entry.msgid or entry.msgid_plural is not None:
                        continue
                    if not entry.translated:
                        entry.msgstr = pseudo(entry.msgid)
                        written += 1
                    elif entry.fuzzy and entry.previous_msgid is None:
                        approved += 1
                    entry.set_flag("fuzzy", False)
                changed = po.dumps(cat)
                if changed != original:
                    with history.kept(recorder):   # the rows stand only if the catalog is written
                        if recorder is not None:
                            recorder.record(lang, name, before, cat, path=path, text=changed)
                        catalog.write_atomic(path, changed)
    return approved, written


def environ(setting: dict[str, str | None]) -> None:
    for key, value in setting.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def run_config(name: str, base: Path, work: Path, run: int, redis: Redis | None, pg: Postgres | None) -> Run:
    label, queue, workers, store = CONFIGS[name]
    shutil.rmtree(work / f"{name}-{run}", ignore_errors=True)
    root = fresh_copy(base, work / f"{name}-{run}")
    logs = root / "logs"
    logs.mkdir()
    setting = {"LOCALIZE_QUEUE": None, "LOCALIZE_REDIS_URL": None, "LOCALIZE_DATABASE": None}
    if queue == "redis":
        import redis as redis_client

        redis_client.Redis(unix_socket_path=str(redis.socket)).flushdb()   # one Redis database per workspace
        setting["LOCALIZE_QUEUE"] = redis.url
    database = None
    if store == "postgresql":
        database = f"scale_{run}"
        setting["LOCALIZE_DATABASE"] = pg.create_database(database)
    saved = {k: os.environ.get(k) for k in setting}
    environ(setting)                  # this process enqueues: the same queue and store as the workers
    env = dict(os.environ)
    procs: list[subprocess.Popen] = []
    try:
        ws = Workspace.open(root)
        tasks.Jobs.of(root)           # the store made (and migrated) before the clock, as a running site has it
        empty = store_size(root, pg, database)
        procs = start_workers(root, workers, env, logs)
        names = ws.slugs()

        settle_disk()
        began = time.time()
        ids = [tasks.start_draft(ws, lang, ENGINE, [], USER).id for lang in LANGS]
        drafted = wait_settled(root, ids, began, procs, logs)
        drafts = max(j.finished for j in drafted) - began
        units = sum(j.drafted + j.from_memory for j in drafted)
        if any(j.drafted + j.from_memory == 0 for j in drafted):
            sys.exit(f"bench: a draft job drafted nothing: {[(j.language, j.notice) for j in drafted]}")

        clock = time.perf_counter()
        approved, written = approve_all(ws, names)
        approve = time.perf_counter() - clock
        if approved < units:
            sys.exit(f"bench: {approved} drafts approved of {units} drafted")

        settle_disk()
        began = time.time()
        ids = [tasks.start_export(ws, lang, slug, ("html",), USER).id for lang in LANGS for slug in names]
        enqueue = time.time() - began
        exported = wait_settled(root, ids, began, procs, logs)
        exports = max(j.finished for j in exported) - began
        unpublished = [j for j in exported if j.outcome != tasks.PUBLISHED]
        if unpublished:
            sys.exit(f"bench: {len(unpublished)} exports not published, the first: {unpublished[0].notice}")
        from localize.editions.store import read_index

        index = read_index(root / "out" / "editions")["articles"]
        missing = [(lang, slug) for slug in names for lang in ("en", *LANGS) if lang not in index.get(slug, {})]
        if missing:
            sys.exit(f"bench: {len(missing)} editions missing from the index, the first: {missing[0]}")
        growing = growth(root, names)
    finally:
        stop_workers(procs)
        environ(saved)
    result = Run(drafts, approve, exports, len(drafted) + len(exported),
                 [j.finished - j.started for j in exported],
                 {j.language: j.finished - j.started for j in drafted}, units, written)
    result.enqueue, result.root, result.growth = enqueue, root, growing
    result.sizes = sizes(root, names, pg, database, empty)
    print(f"  {name} run {run}: drafts {drafts:6.1f} s ({units} units; approving {approve:.1f} s, not in the wall, "
          f"{written} units the engine skipped written by the reviewer)  exports {exports:6.1f} s (enqueued in "
          f"{enqueue:.1f} s)  wall {result.wall:6.1f} s  {result.jobs} jobs", flush=True)
    if growing["reviewers_named"] < len(exported):
        print(f"    only {growing['reviewers_named']} of {len(exported)} editions name their reviewers in the manifest "
              f"(\"reviewers\"), though every draft was approved with a history row", flush=True)
    return result


def growth(root: Path, names: list[str]) -> dict:
    """What an export job costs that may grow with the site: reading its article's approvals from the store
    (for the edition's reviewers: through an index, so by the article's rows, not the language's), and
    writing its article's file of the index of editions and bumping its generation (under the folder's
    lock: the one step of an export that waits for every other one). Both measured at the size the run
    left and ten times it.
    Measured on the workspace the run left, with the run's store."""
    from localize.editions import store as editions_store

    found = {"history_rows": 0.0, "history_seconds": 0.0}
    store = history.store_of(root)
    if store is not None:
        reads = []
        for lang in LANGS:   # what an export job reads: the approvals of its article, by the store's index
            found["history_rows"] += len(store.history(lang)) / len(LANGS)
            for name in names[:20]:
                clock = time.perf_counter()
                store.approvals(lang, [name])
                reads.append(time.perf_counter() - clock)
        found["history_seconds"] = statistics.median(reads)
    folder = root / "out" / "editions"
    index = editions_store.read_index(folder)
    editions = sum(len(langs) for langs in index["articles"].values())
    # what an export writes of the index (its article's file and the generation), with the index as it is and
    # ten times as big, in a scratch folder: the cost per edition listed
    slugs = list(index["articles"])

    def rewrite(copies: int) -> float:
        scratch = Path(tempfile.mkdtemp(prefix="index-", dir=root))
        try:
            for k in range(copies):
                for slug in slugs:
                    editions_store.set_article(scratch, f"{slug}-{k}" if k else slug, index["articles"][slug],
                                               index.get("source_language"))
            times = []
            for _ in range(9):
                clock = time.perf_counter()
                with editions_store.locked(scratch, slugs[0]):
                    langs = editions_store.article(scratch, slugs[0])
                    editions_store.set_article(scratch, slugs[0], langs)
                times.append(time.perf_counter() - clock)
            return statistics.median(times)
        finally:
            shutil.rmtree(scratch)

    found["index_seconds"] = rewrite(1)
    found["index_per_edition"] = max(0.0, (rewrite(10) - found["index_seconds"]) / (9 * editions))
    found["index_editions"] = editions
    found["index_bytes"] = sum(f.stat().st_size for f in (folder / editions_store.SHARDS).iterdir())
    found["reviewers_named"] = sum(
        bool(json.loads((folder / lang / f"{slug}.json").read_text(encoding="utf-8")).get("reviewers"))
        for lang in LANGS for slug in names)
    return found


# -- sizes ---------------------------------------------------------------------------------------

def folder_size(folder: Path, pattern: str = "**/*") -> int:
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file())


def store_size(root: Path, pg: Postgres | None, database: str | None) -> int:
    """Bytes of the store: the SQLite file (its journal checkpointed), or the PostgreSQL database."""
    if database is not None:
        import psycopg

        with psycopg.connect(host=str(pg.folder), user=pg.USER, dbname=database, autocommit=True) as db:
            return db.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    path = root / "instance" / "localize.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in path.parent.glob("localize.sqlite3*"))


def rows(root: Path, pg: Postgres | None, database: str | None) -> dict[str, int]:
    tables = ("history", "jobs", "publications")
    if database is not None:
        import psycopg

        with psycopg.connect(host=str(pg.folder), user=pg.USER, dbname=database, autocommit=True) as db:
            return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    with closing(sqlite3.connect(root / "instance" / "localize.sqlite3")) as db:
        return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def sizes(root: Path, names: list[str], pg: Postgres | None, database: str | None, empty: int) -> dict:
    pairs = len(names) * len(LANGS)
    store = store_size(root, pg, database)
    counted = rows(root, pg, database)
    locales = folder_size(root / "locales", "*/LC_MESSAGES/*.po")
    templates = folder_size(root / "locales", "*.pot")
    editions = folder_size(root / "out" / "editions")
    return {"store": store, "store_growth": store - empty, "store_per_pair": (store - empty) / pairs,
            "history_rows": counted["history"], "jobs_rows": counted["jobs"],
            "publications_rows": counted["publications"],
            "po_per_pair": locales / pairs, "pot_per_article": templates / len(names),
            "editions_per_edition": editions / (len(names) * (len(LANGS) + 1)),
            "queue_file": (root / "instance" / tasks.QUEUE_FILE).stat().st_size
            if (root / "instance" / tasks.QUEUE_FILE).exists() else 0}


def copy_to_postgres(root: Path, pg: Postgres, name: str) -> tuple[int, int]:
    """A run's SQLite store, table by table, into a fresh PostgreSQL database the app migrated: the
    database's size empty and with the rows."""
    from sqlalchemy import MetaData, create_engine

    from localize import schema

    url = pg.create_database(name)
    schema.ready(url)
    empty = store_size(root, pg, name)
    source = create_engine(f"sqlite:///{root / 'instance' / 'localize.sqlite3'}")
    target = create_engine(url)
    have, want = MetaData(), MetaData()
    have.reflect(source)
    want.reflect(target)
    try:
        with source.connect() as read, target.begin() as write:
            for table in want.sorted_tables:
                if table.name == "alembic_version" or table.name not in have.tables:
                    continue
                rows = [dict(r) for r in read.execute(have.tables[table.name].select()).mappings()]
                for k in range(0, len(rows), 5000):
                    write.execute(table.insert(), rows[k:k + 5000])
    finally:
        source.dispose()
        target.dispose()
    return empty, store_size(root, pg, name)


# -- review saves ------------------------------------------------------------------------------

# bench_review.py as it is, but its accounts go to the store the server uses (LOCALIZE_DATABASE, else the
# workspace's file: what bench_review writes to), so that it runs on PostgreSQL too.
_REVIEW = """
import sys
sys.path.insert(0, {bench!r})
import bench_review
from localize import accounts, history

_build = bench_review.build

def build(root, articles, clients):
    real = accounts.Store
    accounts.Store = lambda path: real(history.database(root))
    try:
        return _build(root, articles, clients)
    finally:
        accounts.Store = real

bench_review.build = build
sys.exit(bench_review.main())
"""
_SAVES = re.compile(r"median of \d+: save p50 ([\d.]+) ms, p95 ([\d.]+) ms \(([\d.]+) saves/s\)")


def review(work: Path, database: str | None, clients: int, saves: int, runs: int, label: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("LOCALIZE_DATABASE", "LOCALIZE_QUEUE")}
    if database:
        env["LOCALIZE_DATABASE"] = database
    folder = work / f"review-{label}"
    argv = [sys.executable, "-c", _REVIEW.format(bench=str(Path(__file__).resolve().parent)),
            "--clients", str(clients), "--saves", str(saves), "--pages", "1", "--runs", str(runs),
            "--work", str(folder)]
    result = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True)
    found = _SAVES.search(result.stdout)
    if result.returncode != 0 or found is None:
        sys.exit(f"bench: bench_review.py on {label} failed ({result.returncode}): "
                 f"{(result.stderr or result.stdout).strip()[-1500:]}")
    print(f"  review on {label}: save p50 {float(found.group(1)):.1f} ms, p95 {float(found.group(2)):.1f} ms, "
          f"{float(found.group(3)):.1f} saves/s", flush=True)
    return {"p50": float(found.group(1)), "p95": float(found.group(2)), "saves/s": float(found.group(3))}


# -- the report ----------------------------------------------------------------------------------

def med(runs: list[Run], key) -> float:
    return statistics.median(key(r) for r in runs)


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def report(results: dict[str, list[Run]], saves: dict[str, dict], copied: tuple[str, int, int] | None,
           articles: int, cores: int) -> None:
    pairs = articles * len(LANGS)
    print()
    print(f"drafting and publishing {articles} articles × {len(LANGS)} languages ({', '.join(LANGS)}) "
          f"through the job queue, {cores} cores; medians of {len(next(iter(results.values())))} run(s)")
    print(f"{'configuration':31} {'drafts s':>9} {'exports s':>10} {'wall s':>8} {'jobs':>6} {'jobs/s':>7}"
          f" {'approve s':>10}")
    for name, runs in results.items():
        wall = med(runs, lambda r: r.wall)
        jobs = runs[0].jobs
        print(f"{CONFIGS[name][0]:31} {med(runs, lambda r: r.drafts):9.1f} {med(runs, lambda r: r.exports):10.1f} "
              f"{wall:8.1f} {jobs:6d} {jobs / wall:7.2f} {med(runs, lambda r: r.approve):10.1f}")
    walls = {name: med(runs, lambda r: r.wall) for name, runs in results.items()}

    def phase_ratio(a: str, b: str, phase: str) -> float:
        return med(results[a], lambda r: getattr(r, phase)) / med(results[b], lambda r: getattr(r, phase))

    def ratio(a: str, b: str, what: str) -> None:
        if a in results and b in results:
            parts = [f"wall {walls[a] / walls[b]:.2f}×"]
            for phase in ("drafts", "exports"):
                parts.append(f"{phase} {phase_ratio(a, b, phase):.2f}×")
            print(f"  {what}: {', '.join(parts)}")

    if len(results) > 1:
        print("ratios (time; below 1 is faster):")
    ratio("redis-1w", "sqlite-1w", "Redis-1w / SQLite-1w")
    ratio("redis-2w", "redis-1w", "Redis-2w / Redis-1w")
    ratio("redis-2w-pg", "redis-2w", "Redis-2w on PostgreSQL / Redis-2w on SQLite")

    for name, runs in results.items():
        seconds = runs[0].export_seconds
        tenth = max(1, len(seconds) // 10)
        per_lang = [statistics.mean(seconds[k * articles:(k + 1) * articles]) for k in range(len(LANGS))]
        print(f"  {name}: export job seconds, first tenth {statistics.mean(seconds[:tenth]):.3f}, "
              f"last tenth {statistics.mean(seconds[-tenth:]):.3f}; by language in publishing order "
              + ", ".join(f"{lang} {s:.3f}" for lang, s in zip(LANGS, per_lang))
              + "; draft jobs " + ", ".join(f"{lang} {s:.1f}" for lang, s in runs[0].draft_seconds.items()))

    if saves:
        print()
        print(f"review saves, bench_review.py: {saves[next(iter(saves))]['clients']} clients, gunicorn -w 4")
        print(f"{'store':12} {'p50 ms':>8} {'p95 ms':>8} {'saves/s':>8}")
        for label, s in saves.items():
            print(f"{label:12} {s['p50']:8.1f} {s['p95']:8.1f} {s['saves/s']:8.1f}")
        if len(saves) == 2:
            a, b = saves["PostgreSQL"], saves["SQLite"]
            print(f"  PostgreSQL / SQLite: p50 {a['p50'] / b['p50']:.2f}×, p95 {a['p95'] / b['p95']:.2f}×, "
                  f"saves/s {a['saves/s'] / b['saves/s']:.2f}×")

    # -- extrapolation
    n_art, n_lang = TARGET
    target_pairs = n_art * n_lang
    one = "redis-1w" if "redis-1w" in results else next(iter(results))
    runs = results[one]
    d = med(runs, lambda r: r.drafts) / pairs      # one worker's seconds per article × language
    e = med(runs, lambda r: r.exports) / pairs
    g = runs[0].growth
    # An export job reads its article's approvals (as many rows per article however big the site) and writes
    # its article's file of the index (measured with the index as it is and ten times as big).
    per_edition = g["index_per_edition"]
    index_base = max(0.0, g["index_seconds"] - per_edition * g["index_editions"])
    index_here = index_base + per_edition * g["index_editions"] / 2
    fixed = max(0.0, e - index_here)
    editions_target = n_art * (n_lang + 1)
    index_target = index_base + per_edition * editions_target / 2
    e_target = fixed + index_target
    print()
    print(f"extrapolation to {n_art:,} articles × {n_lang} languages ({target_pairs:,} article × language pairs), "
          f"from {CONFIGS[one][0].lower()} (a worker here has {cores} cores; Apertium runs one process per core):")
    print(f"  drafting: {d:.3f} s per pair → {target_pairs * d / 3600:,.1f} worker-hours")
    print(f"  publishing: {e:.3f} s per pair here, of which the article's approvals {g['history_seconds'] * 1000:.1f} ms "
          f"(of {g['history_rows']:,.0f} history rows in the language: read through the index, the same at any "
          f"size) and writing its article's index among {g['index_editions']:,} editions "
          f"({human(g['index_bytes'])}) {index_here * 1000:.1f} ms, under the folder's lock:")
    print(f"    at {n_art:,} articles, with on average {editions_target // 2:,} editions listed, "
          f"{index_target * 1000:.1f} ms a job one at a time → {e_target:.3f} s per pair")
    flat = target_pairs * (d + e) / 3600
    worker_hours = target_pairs * (d + e_target) / 3600
    serial = target_pairs * index_target / 3600
    print(f"  {worker_hours:,.1f} worker-hours ({target_pairs * d / 3600:,.1f} drafting, "
          f"{target_pairs * e_target / 3600:,.1f} publishing; {flat:,.1f} at the per-pair rates measured here); "
          f"the index's one-at-a-time step alone takes {serial:,.1f} h whatever the workers")
    draft_job = n_art * d / 3600          # one language's draft job: one job, one worker
    for w in (2, 8, 16):
        rounds = math.ceil(n_lang / w)    # a language is drafted by one job at a time
        publishing = max(target_pairs * e_target / 3600 / w, serial)
        print(f"  {w:2d} workers: {worker_hours / w:7.1f} h if everything spread evenly; "
              f"{rounds * draft_job + publishing:7.1f} h with one draft job per language ({rounds} round(s) of "
              f"{draft_job:.1f} h) then publishing ({publishing:.1f} h)")
    if "redis-2w" in results and "redis-1w" in results:
        speedup = walls["redis-1w"] / walls["redis-2w"]
        print(f"  measured here: 2 workers on {cores} cores do the work {speedup:.2f}× as fast as 1 "
              f"(drafts {phase_ratio('redis-1w', 'redis-2w', 'drafts'):.2f}×, "
              f"exports {phase_ratio('redis-1w', 'redis-2w', 'exports'):.2f}×); "
              f"the hours above assume each worker has cores of its own")

    print(f"storage per article × language after drafting, approving and publishing once, and for {target_pairs:,}:")
    shown = set()
    for name, runs in results.items():
        kind = "PostgreSQL" if CONFIGS[name][3] == "postgresql" else "SQLite"
        if kind in shown:
            continue
        shown.add(kind)
        s = runs[0].sizes
        what = "file" if kind == "SQLite" else "pg_database_size"
        print(f"  store, {kind} ({name}; {what} less the empty store's): {human(s['store_per_pair'])} per pair, "
              f"{s['store_growth'] / s['history_rows']:.0f} bytes per history row "
              f"({s['history_rows'] / pairs:.0f} rows "
              f"per pair; {s['jobs_rows']:,} jobs, {s['publications_rows']:,} publications) "
              f"→ {human(s['store_per_pair'] * target_pairs)}")
    if copied is not None:
        name, empty, full = copied
        rows_ = results[name][0].sizes["history_rows"]
        per = (full - empty) / pairs
        print(f"  store, PostgreSQL ({name}'s store copied row by row into a database the app migrated; "
              f"pg_database_size less its {human(empty)} empty): {human(per)} per pair, "
              f"{(full - empty) / rows_:.0f} bytes per history row → {human(per * target_pairs)}")
    s = next(iter(results.values()))[0].sizes
    print(f"  locales/: {human(s['po_per_pair'])} per catalog → {human(s['po_per_pair'] * target_pairs)}, "
          f"templates {human(s['pot_per_article'])} per article → {human(s['pot_per_article'] * n_art)}")
    print(f"  out/editions (HTML): {human(s['editions_per_edition'])} per edition → "
          f"{human(s['editions_per_edition'] * n_art * (n_lang + 1))} with the source editions")


# -- main ----------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=200, help="articles in the corpus")
    ap.add_argument("--runs", type=int, default=1, help="timed runs per configuration")
    ap.add_argument("--configs", default=",".join(DEFAULT_CONFIGS), help=f"of {', '.join(CONFIGS)}")
    ap.add_argument("--clients", type=int, default=20, help="review clients")
    ap.add_argument("--saves", type=int, default=25, help="saves per review client")
    ap.add_argument("--skip-review", action="store_true", help="leave out the review saves")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    ap.add_argument("--shared", default=str(REPO.parent / "shared"), help="the shared folder with bench/")
    args = ap.parse_args()
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown or not configs:
        sys.exit(f"bench: no configuration {', '.join(unknown) or '(none)'}; configurations: {', '.join(CONFIGS)}")
    shared = Path(args.shared).resolve()
    if not (shared / "bench/make_corpus.py").exists():
        sys.exit(f"bench: no corpus generator in {shared}/bench (pass --shared)")
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    redis = pg = None
    began = time.perf_counter()
    try:
        corpus = make_corpus(shared, work, args.articles)
        stats = json.loads((corpus / "stats.json").read_text(encoding="utf-8"))
        print(f"corpus: {stats['articles']} articles, {stats['segments_src']} segments, "
              f"{stats['words_src']} words; languages {', '.join(LANGS)} by {ENGINE}", flush=True)
        base = work / "base"
        if base.exists():
            shutil.rmtree(base)
        base_workspace(base, corpus / "src")
        if any(CONFIGS[c][1] == "redis" for c in configs):
            redis = Redis(Path(tempfile.mkdtemp(prefix="bench-scale-redis-"))).start()
        pg = Postgres().start()   # the review saves, the store's size on PostgreSQL
        results: dict[str, list[Run]] = {}
        for run in range(1, args.runs + 1):       # configurations interleaved: a busy moment hits each alike
            for name in configs:
                results.setdefault(name, []).append(run_config(name, base, work, run, redis, pg))
        copied = None
        if pg is not None:
            first = next((runs[0] for name, runs in results.items() if CONFIGS[name][3] == "sqlite"), None)
            if first is not None:
                empty, full = copy_to_postgres(first.root, pg, "copied")
                copied = (next(n for n, r in results.items() if r[0] is first), empty, full)
        saves: dict[str, dict] = {}
        if not args.skip_review:
            saves["SQLite"] = review(work, None, args.clients, args.saves, args.runs, "SQLite")
            saves["PostgreSQL"] = review(work, pg.create_database("review"), args.clients, args.saves, args.runs,
                                         "PostgreSQL")
            for s in saves.values():
                s["clients"] = args.clients
        report(results, saves, copied, args.articles, os.cpu_count() or 1)
        print(f"(bench took {time.perf_counter() - began:.0f} s)")
        return 0
    finally:
        if redis is not None:
            redis.stop()
            shutil.rmtree(redis.folder, ignore_errors=True)
        if pg is not None:
            pg.stop()
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
