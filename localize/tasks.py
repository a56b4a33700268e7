"""Background jobs: the workspace's huey queue, its tasks (drafting a language, publishing an edition,
putting an uploaded article in place), and their progress in SQLite.

The queue is a ``SqliteHuey`` in ``<workspace>/instance/tasks.sqlite3`` (one
machine, no server), or a ``RedisHuey`` when ``LOCALIZE_QUEUE`` names a Redis
server (``redis://``, ``rediss://`` or ``unix://``; several machines sharing
one Redis). ``localize worker`` runs its consumer; the web app only enqueues.
A job waits in the queue's storage until a consumer takes it, so it outlives
a restart of the web processes.

A running job's worker beats every ``HEARTBEAT`` seconds; a job silent for
``LOST_AFTER`` seconds (its worker killed, its host gone) is marked failed,
with why, by whoever reads it next: never left running for ever.

Progress lives in a ``jobs`` table of the accounts database
(``<workspace>/instance/localize.sqlite3``, WAL mode), written by the worker
as each batch lands (a draft) or each step ends (an export: gate, editions,
index) and read by any web worker.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.api import Huey, TaskWrapper
from huey.consumer import Consumer
from huey.signals import SIGNAL_INTERRUPTED
from sqlalchemy import Column, Double, Index, Integer, MetaData, Table, Text, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from . import draft, history, sources
from .engines import REGISTRY, UnknownEngine
from .errors import ConflictError, LocalizeError, Unavailable, WorkspaceError
from .db import open_database
from .jobs import _known
from .workspace import Workspace, slug

QUEUE_NAME = "localize"
QUEUE_FILE = "tasks.sqlite3"
STATES = ("queued", "running", "done", "failed")
KINDS = ("draft", "export", "article", "check", "extract", "import")
EXPORT_STEPS = ("gate", "editions", "record")   # an export job's steps, in order; done counts those finished
ARTICLE_STEPS = ("check", "catalogs")           # an article job's steps
PUBLISHED, REFUSED = "published", "refused"   # an export job's outcomes
STALE_AFTER = 30 * 60                   # an active job silent this long no longer blocks a new one
PROGRESS_EVERY = 0.25                   # seconds between progress writes (the last one always lands)
MAX_ERROR = 300
POLL_MAX = 0.25                         # seconds an idle worker waits at most before looking at the queue again
HEARTBEAT = 2.0                         # seconds between a running job's signs of life
LOST_AFTER = 15.0                       # a running job silent this long: its worker is gone
AGAIN = {"draft": "start the draft again to go on", "export": "publish again",
         "article": "upload the article again", "check": "run the checks again",
         "extract": "refresh the catalogs again", "import": "upload the catalog again"}   # after an interrupted job
MAX_LISTED = 50                         # findings a check job keeps to show; the counts cover them all
REDIS_SCHEMES = ("redis", "rediss", "unix")

METADATA = MetaData()
JOBS = Table(
    "jobs", METADATA,
    Column("id", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("engine", Text),
    Column("names", Text, nullable=False, server_default=""),
    Column("user", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("done", Integer, nullable=False, server_default="0"),
    Column("total", Integer),
    Column("drafted", Integer, nullable=False, server_default="0"),
    Column("from_memory", Integer, nullable=False, server_default="0"),
    Column("skipped", Integer, nullable=False, server_default="0"),
    Column("notice", Text, nullable=False, server_default=""),
    Column("error", Text, nullable=False, server_default=""),
    Column("created", Double, nullable=False),
    Column("started", Double),
    Column("updated", Double, nullable=False),
    Column("finished", Double),
    Column("step", Text, nullable=False, server_default=""),
    Column("outcome", Text, nullable=False, server_default=""),
    Column("formats", Text, nullable=False, server_default=""),
    Column("report", Text, nullable=False, server_default=""),
    Column("worker", Text, nullable=False, server_default=""),
    Index("jobs_created", "created"),
)
# Columns added since the table was first made, added where a database made before migrations lacks them.
_ADDED = ("step", "outcome", "formats", "report", "worker")


def legacy(conn) -> None:
    """Bring the jobs table of a database made before migrations began up to the first revision."""
    have = {column["name"] for column in inspect(conn).get_columns("jobs")}
    for name in _ADDED:
        if name not in have:
            conn.execute(text(f"ALTER TABLE jobs ADD COLUMN {name} TEXT NOT NULL DEFAULT ''"))


class JobRunning(ConflictError):
    """A job like it (a draft of that language, an export of that edition, …) is already queued or running
    (HTTP 409); ``job`` is that one."""

    def __init__(self, job: "Job"):
        names = " ".join(job.names) or "every article"
        what = {"export": f"an export of {job.language}/{names}", "article": f"an upload of {names}",
                "check": f"a check of {job.language} ({names})", "extract": f"a refresh of {names}",
                "import": f"an import into {job.language}/{names}"}.get(job.kind, f"a draft of {job.language}")
        super().__init__(f"{what} is already {job.state} (job {job.id})")
        self.job = job


@dataclass(frozen=True)
class Job:
    """One background job as the UI shows it."""

    id: str
    kind: str
    language: str
    engine: str | None
    names: tuple[str, ...]
    user: str
    state: str
    done: int
    total: int | None
    drafted: int
    from_memory: int
    skipped: int
    notice: str
    error: str
    created: float
    started: float | None
    updated: float
    finished: float | None
    step: str = ""                  # an export: the step running (EXPORT_STEPS)
    outcome: str = ""               # an export: published or refused
    formats: tuple[str, ...] = ()   # an export: html, pdf
    report: dict | None = None      # an article: {language: {new, changed, removed: [msgid]}}; check, extract,
                                    # import: what they found (:func:`check_language`, :func:`refresh_catalogs`,
                                    # :func:`import_upload`)
    worker: str = ""                # the worker that took it: host:pid

    @property
    def slug(self) -> str | None:
        """The article an export job publishes, an article job puts in place, or an import job merges into."""
        return self.names[0] if self.kind in ("export", "article", "import") and self.names else None

    @property
    def percent(self) -> int:
        if self.state == "done" or self.total == 0:
            return 100 if self.state == "done" else 0
        return int(100 * self.done / self.total) if self.total else 0

    def as_dict(self) -> dict:
        return {**asdict(self), "names": list(self.names), "formats": list(self.formats), "percent": self.percent}


def jobs_path(root: Path) -> Path:
    """The jobs table's database: the workspace's accounts database (``LOCALIZE_DATABASE``, else instance/)."""
    return history.database(root)


def queue_path(root: Path) -> Path:
    return Path(root) / "instance" / QUEUE_FILE


class Jobs:
    """The jobs table: created by the web app, advanced by the worker; in the store's database (a SQLite
    file, or PostgreSQL: :mod:`localize.db`)."""

    def __init__(self, address: Path | str):
        from . import schema

        self.db = open_database(address)
        schema.ready(address)

    @classmethod
    def of(cls, root: Path) -> "Jobs":
        return cls(jobs_path(root))

    def _write(self):
        return self.db.write()

    def _rows(self, sql: str, params: dict) -> list:
        with self.db.read() as conn:
            return list(conn.execute(text(sql), params).mappings())

    def create(self, language: str, engine: str | None, names: list[str], user: str, *, kind: str = "draft",
               formats: tuple[str, ...] = ()) -> Job:
        """A new queued job; :class:`JobRunning` if one like it is still active: a draft of the language,
        or an export of the same article in the language."""
        if kind not in KINDS:
            raise ValueError(f"no job kind {kind!r}")
        now = time.time()
        job_id = uuid.uuid4().hex
        same = "kind = 'draft'" if kind == "draft" else "kind = :kind AND names = :names"
        with self._write() as db:
            row = db.execute(text(f"SELECT * FROM jobs WHERE language = :language AND {same} "
                                  "AND state IN ('queued', 'running') AND updated > :since "
                                  "ORDER BY created DESC LIMIT 1"),
                             {"language": language, "kind": kind, "names": " ".join(names),
                              "since": now - STALE_AFTER}).mappings().fetchone()
            if row is not None:
                raise JobRunning(_job(row))
            db.execute(text('INSERT INTO jobs (id, kind, language, engine, names, "user", state, created, updated, '
                            "formats) VALUES (:id, :kind, :language, :engine, :names, :user, 'queued', :now, :now, "
                            ":formats)"),
                       {"id": job_id, "kind": kind, "language": language, "engine": engine, "names": " ".join(names),
                        "user": user, "now": now, "formats": " ".join(formats)})
        return self.get(job_id)

    def get(self, job_id: str) -> Job | None:
        rows = self._rows("SELECT * FROM jobs WHERE id = :id", {"id": job_id})
        if rows and self._lost(rows):
            return self.get(job_id)
        return _job(rows[0]) if rows else None

    def recent(self, limit: int = 20, *, kind: str | None = None, language: str | None = None,
               slug: str | None = None) -> list[Job]:
        """The newest jobs first; only those of a kind, a language, an article if asked."""
        where, args = [], {"limit": limit}
        for column, value in (("kind", kind), ("language", language), ("names", slug)):
            if value is not None:
                where.append(f"{column} = :{column}")
                args[column] = value
        clause = f"WHERE {' AND '.join(where)} " if where else ""
        rows = self._rows(f"SELECT * FROM jobs {clause}ORDER BY created DESC LIMIT :limit", args)
        if self._lost(rows):
            return self.recent(limit, kind=kind, language=language, slug=slug)
        return [_job(row) for row in rows]

    def _lost(self, rows) -> bool:
        """Mark failed the running jobs among ``rows`` whose worker has been silent ``LOST_AFTER`` seconds;
        whether there was one."""
        now = time.time()
        lost = [row for row in rows if row["state"] == "running" and row["updated"] < now - LOST_AFTER]
        for row in lost:
            worker = f" ({row['worker']})" if row["worker"] else ""
            error = (f"interrupted: the worker{worker} stopped without a word for {int(now - row['updated'])} s; "
                     f"{AGAIN.get(row['kind'], 'start it again')}")
            with self._write() as db:
                db.execute(text("UPDATE jobs SET state = 'failed', error = :error, finished = :now "
                                "WHERE id = :id AND state = 'running' AND updated < :since"),
                           {"error": one_line(error), "now": now, "id": row["id"], "since": now - LOST_AFTER})
        return bool(lost)

    def start(self, job_id: str) -> bool:
        """Mark a queued job running, by this worker (host:pid); False if it is not queued (finished,
        failed, unknown)."""
        now = time.time()
        with self._write() as db:
            return db.execute(text("UPDATE jobs SET state = 'running', started = :now, updated = :now, "
                                   "worker = :worker WHERE id = :id AND state = 'queued'"),
                              {"now": now, "worker": f"{socket.gethostname()}:{os.getpid()}", "id": job_id}
                              ).rowcount == 1

    def beat(self, job_id: str) -> None:
        """A running job's worker is alive."""
        with self._write() as db:
            db.execute(text("UPDATE jobs SET updated = :now WHERE id = :id AND state = 'running'"),
                       {"now": time.time(), "id": job_id})

    def progress(self, job_id: str, done: int, total: int) -> None:
        with self._write() as db:
            db.execute(text("UPDATE jobs SET done = :done, total = :total, updated = :now "
                            "WHERE id = :id AND state = 'running'"),
                       {"done": done, "total": total, "now": time.time(), "id": job_id})

    def step(self, job_id: str, step: str, steps: tuple[str, ...] = EXPORT_STEPS) -> None:
        """An export or article job begins one of its ``steps``: done counts the steps before it."""
        with self._write() as db:
            db.execute(text("UPDATE jobs SET step = :step, done = :done, total = :total, updated = :now "
                            "WHERE id = :id AND state = 'running'"),
                       {"step": step, "done": steps.index(step), "total": len(steps), "now": time.time(),
                        "id": job_id})

    def changed(self, job_id: str, report: dict) -> None:
        """A job that reports is done: what it found (an article job: what changed in each catalog)."""
        now = time.time()
        with self._write() as db:
            db.execute(text("UPDATE jobs SET state = 'done', total = COALESCE(total, 1), done = COALESCE(total, 1), "
                            "step = '', report = :report, "
                            "updated = :now, finished = :now WHERE id = :id AND state = 'running'"),
                       {"report": json.dumps(report, ensure_ascii=False), "now": now, "id": job_id})

    def settle(self, job_id: str, outcome: str, message: str) -> None:
        """An export job ends: published (done, ``message`` its notice) or refused (failed, ``message`` why)."""
        now = time.time()
        state, column = ("done", "notice") if outcome == PUBLISHED else ("failed", "error")
        with self._write() as db:
            db.execute(text(f"UPDATE jobs SET state = :state, outcome = :outcome, {column} = :message, step = '', "
                            "updated = :now, finished = :now WHERE id = :id AND state = 'running'"),
                       {"state": state, "outcome": outcome, "message": one_line(message), "now": now, "id": job_id})
            if state == "done":
                db.execute(text("UPDATE jobs SET done = total WHERE id = :id"), {"id": job_id})

    def finish(self, job_id: str, report: draft.Report) -> None:
        now = time.time()
        with self._write() as db:
            db.execute(text("UPDATE jobs SET state = 'done', done = :units, total = :units, drafted = :drafted, "
                            "from_memory = :from_memory, skipped = :skipped, notice = :notice, updated = :now, "
                            "finished = :now WHERE id = :id AND state = 'running'"),
                       {"units": report.units, "drafted": report.drafted + report.copied,
                        "from_memory": report.from_memory, "skipped": sum(report.skipped.values()),
                        "notice": report.notice, "now": now, "id": job_id})

    def fail(self, job_id: str, error: str, report: draft.Report | None = None) -> None:
        now = time.time()
        counts = (report.drafted + report.copied, report.from_memory, sum(report.skipped.values())) \
            if report is not None else (0, 0, 0)
        with self._write() as db:
            db.execute(text("UPDATE jobs SET state = 'failed', error = :error, drafted = :drafted, "
                            "from_memory = :from_memory, skipped = :skipped, updated = :now, finished = :now "
                            "WHERE id = :id AND state IN ('queued', 'running')"),
                       {"error": one_line(error), "drafted": counts[0], "from_memory": counts[1],
                        "skipped": counts[2], "now": now, "id": job_id})


def _job(row) -> Job:
    return Job(row["id"], row["kind"], row["language"], row["engine"], tuple(row["names"].split()), row["user"],
               row["state"], row["done"], row["total"], row["drafted"], row["from_memory"], row["skipped"],
               row["notice"], row["error"], row["created"], row["started"], row["updated"], row["finished"],
               row["step"], row["outcome"], tuple(row["formats"].split()),
               json.loads(row["report"]) if row["report"] else None, row["worker"])


def one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_ERROR else line[:MAX_ERROR - 1] + "…"


# -- the task -----------------------------------------------------------------------------

def draft_language(root: str, lang: str, engine: str | None, names: list[str], job_id: str) -> None:
    """Draft one language of a workspace as a job: progress and outcome go to the jobs table."""
    jobs = Jobs.of(Path(root))
    if not jobs.start(job_id):
        return  # delivered twice, or failed meanwhile: nothing to do
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done >= total or now - last >= PROGRESS_EVERY:
            last = now
            jobs.progress(job_id, done, total)

    try:
        ws = Workspace.open(Path(root))
        job = jobs.get(job_id)
        report = draft.draft(ws, lang, engine=engine, names=list(names) or None, progress=progress,
                             user=job.user if job is not None else history.SYSTEM)
    except LocalizeError as exc:
        saved = getattr(exc, "report", None)
        kept = ""
        if saved is not None and saved.written:
            kept = f" ({saved.drafted + saved.from_memory} drafts saved before it; start the draft again to go on)"
        jobs.fail(job_id, f"{exc}{kept}", saved)
        return
    except BaseException as exc:  # a bug, or the worker stopping: recorded, then the consumer logs it
        jobs.fail(job_id, f"internal error: {type(exc).__name__}: {exc}" if isinstance(exc, Exception)
                  else "interrupted: the worker stopped; start the draft again to go on")
        raise
    jobs.finish(job_id, report)


def export_edition(root: str, lang: str, slug: str, formats: list[str], job_id: str) -> None:
    """Publish one article in one language as a job: the gate, the editions (HTML, PDF, the index), the record.

    Refused by the gate, nothing is written and the job fails naming what blocks; published, the act is
    recorded with the manifest's hash and the job is done.
    """
    from . import editions
    from .editions import record

    jobs = Jobs.of(Path(root))
    if not jobs.start(job_id):
        return
    try:
        ws = Workspace.open(Path(root))
        job = jobs.get(job_id)
        user = job.user if job is not None else history.SYSTEM
        jobs.step(job_id, "gate")
        verdict = record.verdict(ws, lang, slug)
        blocks = verdict.blocks
        if not blocks:
            jobs.step(job_id, "editions")
            report = editions.export(ws, [lang], [slug], formats=tuple(formats))
            mine = next(o for o in report.editions if (o.language, o.slug) == (lang, slug))
            blocks = mine.blocks if mine.status == editions.REFUSED else []
        if blocks:
            jobs.settle(job_id, REFUSED, f"{lang}/{slug} not published: {'; '.join(blocks)}")
            return
        jobs.step(job_id, "record")
        record.published(ws, report.editions, user, job_id)
    except LocalizeError as exc:
        jobs.fail(job_id, str(exc))
        return
    except BaseException as exc:
        jobs.fail(job_id, f"internal error: {type(exc).__name__}: {exc}" if isinstance(exc, Exception)
                  else "interrupted: the worker stopped; publish again")
        raise
    warnings = [f"{o.describe()}: {w}" for o in report.editions for w in o.warnings]
    jobs.settle(job_id, PUBLISHED, f"{len(warnings)} warnings, the first: {warnings[0]}" if warnings else "")


def update_article(root: str, name: str, kind: str, shown: str, job_id: str) -> None:
    """Put an uploaded article in place as a job: its source, template and every language's catalog;
    the job keeps what changed per language. The upload waits in ``instance/uploads`` until then."""
    jobs = Jobs.of(Path(root))
    upload = upload_path(Path(root), job_id, kind)
    try:
        if not jobs.start(job_id):
            return
        ws = Workspace.open(Path(root))
        jobs.step(job_id, "check", ARTICLE_STEPS)
        data = upload.read_bytes()
        sources.check(ws, name, kind, data, shown)   # again: the workspace may have changed while it waited
        jobs.step(job_id, "catalogs", ARTICLE_STEPS)
        report = sources.replace(ws, name, kind, data, shown)
    except LocalizeError as exc:
        jobs.fail(job_id, str(exc))
        return
    except OSError as exc:
        jobs.fail(job_id, f"the upload could not be read: {exc.strerror or exc}")
        return
    except BaseException as exc:
        jobs.fail(job_id, f"internal error: {type(exc).__name__}: {exc}" if isinstance(exc, Exception)
                  else "interrupted: the worker stopped; upload the article again")
        raise
    finally:
        upload.unlink(missing_ok=True)
    jobs.changed(job_id, report)


def _run(root: str, job_id: str, kind: str, work: Callable[[Workspace, Job], dict]) -> None:
    """Run a job that ends with a report: ``work`` does it; the report, or why it failed, goes to the job."""
    jobs = Jobs.of(Path(root))
    if not jobs.start(job_id):
        return   # delivered twice, or failed meanwhile: nothing to do
    try:
        ws = Workspace.open(Path(root))
        report = work(ws, jobs.get(job_id))
    except LocalizeError as exc:
        jobs.fail(job_id, str(exc))
        return
    except OSError as exc:
        jobs.fail(job_id, f"{exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}".rstrip(": "))
        return
    except BaseException as exc:
        jobs.fail(job_id, f"internal error: {type(exc).__name__}: {exc}" if isinstance(exc, Exception)
                  else f"interrupted: the worker stopped; {AGAIN[kind]}")
        raise
    jobs.changed(job_id, report)


def check_language(root: str, lang: str, names: list[str], job_id: str) -> None:
    """Run the QA checks of one language as a job: the counts per article and check, and the first
    ``MAX_LISTED`` findings, errors first."""
    def work(ws: Workspace, job: Job) -> dict:
        from . import checks, qa

        problems = qa.check(ws, [lang], list(names), jobs=1)
        articles: dict[str, dict[str, int]] = {}
        for name in list(names) or ws.slugs():
            articles[name] = {"errors": 0, "warnings": 0}
        by_check: dict[str, int] = {}
        for p in problems:
            counts = articles.setdefault(p.article, {"errors": 0, "warnings": 0})
            counts["errors" if p.severity == checks.ERROR and not p.overridden else "warnings"] += 1
            by_check[p.check] = by_check.get(p.check, 0) + 1
        blocking = checks.blocking(problems)
        listed = sorted(problems, key=lambda p: (p not in blocking, p.severity != checks.ERROR))[:MAX_LISTED]
        return {"errors": len(blocking), "warnings": len(problems) - len(blocking), "articles": articles,
                "checks": dict(sorted(by_check.items(), key=lambda kv: -kv[1])),
                "listed": [{**p.as_dict(), "entry": history.entry_id(p.msgctxt, p.msgid),
                            "blocking": p in blocking} for p in listed]}

    _run(root, job_id, "check", work)


def refresh_catalogs(root: str, names: list[str], job_id: str) -> None:
    """Extract the templates of the articles again and merge every language's catalogs (after their sources
    changed on disk: a sync, an edit by hand); what changed, per article and language."""
    def work(ws: Workspace, job: Job) -> dict:
        return sources.refresh(ws, list(names))

    _run(root, job_id, "extract", work)


def import_upload(root: str, lang: str, name: str, filename: str, job_id: str) -> None:
    """Merge an uploaded catalog as a job, with the uploader's rights as they are when it runs."""
    upload = upload_path(Path(root), job_id, ".po")

    def work(ws: Workspace, job: Job) -> dict:
        from .jobs import upload_catalog

        store = history.store_of(ws.root)
        user = store.user(job.user) if store is not None and job is not None else None
        if user is None or not user.may("save", lang):
            raise LocalizeError(f"{job.user if job else 'the uploader'} may no longer save in {lang}: "
                                "the catalog was not imported")
        report = upload_catalog(ws, user, lang, name, upload.read_bytes(), filename)
        return report.as_dict()

    try:
        _run(root, job_id, "import", work)
    finally:
        upload.unlink(missing_ok=True)


def upload_path(root: Path, job_id: str, kind: str) -> Path:
    """Where an article job's upload waits for the worker."""
    return Path(root) / "instance" / "uploads" / f"{job_id}{kind}"


def _beating(task):
    """The task, with a thread that says every ``HEARTBEAT`` seconds that its job's worker is alive."""

    @functools.wraps(task)
    def beating(root: str, *args):
        jobs, job_id = Jobs.of(Path(root)), args[-1]
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(HEARTBEAT):
                try:
                    jobs.beat(job_id)
                except (LocalizeError, SQLAlchemyError):   # busy for a moment: the next beat says it
                    pass

        thread = threading.Thread(target=beat, name=f"heartbeat {job_id}", daemon=True)
        thread.start()
        try:
            return task(root, *args)
        finally:
            stop.set()
            thread.join(HEARTBEAT + 1)

    return beating


# -- the queue ----------------------------------------------------------------------------

@functools.cache
def _queue(root: str, redis_url: str | None) -> tuple[Huey, TaskWrapper]:
    if redis_url:
        try:
            import redis
        except ImportError:
            raise Unavailable("LOCALIZE_QUEUE names a Redis server but the Redis client is missing: "
                              "pip install redis") from None
        pool = redis.ConnectionPool.from_url(redis_url, socket_connect_timeout=5)   # gone away: said in seconds
        huey = RedisHuey(QUEUE_NAME, connection_pool=pool, results=False)
    else:
        path = queue_path(Path(root))
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(QUEUE_NAME, filename=str(path), results=False)
    functions = {"draft": draft_language, "export": export_edition, "article": update_article,
                 "check": check_language, "extract": refresh_catalogs, "import": import_upload}
    tasks = {kind: huey.task(name=function.__name__)(_beating(function)) for kind, function in functions.items()}
    kinds = {function.__name__: kind for kind, function in functions.items()}

    @huey.signal(SIGNAL_INTERRUPTED)
    def interrupted(signal, task, *args, **kwargs):  # the consumer stopped while the job ran
        if task.args and task.name in kinds:   # every task: (root, …, job_id)
            Jobs.of(Path(task.args[0])).fail(task.args[-1],
                                             f"interrupted: the worker stopped; {AGAIN[kinds[task.name]]}")

    return huey, tasks


def _current(root: Path) -> tuple[Huey, dict[str, TaskWrapper]]:
    return _queue(str(Path(root).resolve()), queue_url())


def queue_url() -> str | None:
    """The Redis server ``LOCALIZE_QUEUE`` names (``LOCALIZE_REDIS_URL``, its older name, too); None: SQLite."""
    for name in ("LOCALIZE_QUEUE", "LOCALIZE_REDIS_URL"):
        url = os.environ.get(name, "").strip()
        if url:
            if url.split("://", 1)[0].lower() not in REDIS_SCHEMES or "://" not in url:
                raise Unavailable(f"{name} is not a Redis URL (it may hold a password: not shown): "
                                    "redis://host:6379/0, rediss://… (TLS) or unix:///path/to/redis.sock?db=0")
            return url
    return None


def queue(root: Path) -> Huey:
    """The huey queue of a workspace: Redis when LOCALIZE_QUEUE names one, else SQLite in instance/."""
    return _current(root)[0]


def start_draft(ws: Workspace, lang: str, engine: str | None, names: list[str], user: str) -> Job:
    """Queue a draft of one language; the job as recorded (queued)."""
    tag = ws.language(lang)
    if engine is not None and engine not in REGISTRY:
        raise UnknownEngine(f"no engine {engine!r}; engines: {', '.join(REGISTRY)}")
    if engine is not None:
        from .draft import can_draft

        if not can_draft(ws, engine, tag):   # refused before it is queued, whichever door it came through
            able = ", ".join(name for name in REGISTRY if can_draft(ws, name, tag))
            raise UnknownEngine(f"the engine {engine} cannot draft {tag} on this server; engines that can: {able}")
    names = [slug(n) for n in names]
    jobs = Jobs.of(ws.root)
    job = jobs.create(tag, engine, names, user)
    _enqueue(ws, jobs, job, "draft", (str(ws.root), tag, engine, names, job.id))
    return job


def start_export(ws: Workspace, lang: str, name: str, formats: tuple[str, ...], user: str) -> Job:
    """Queue the publishing of one article in one language; the job as recorded (queued).
    :class:`JobRunning` if an export of that edition is still queued or running."""
    from .editions import formats_of

    tag = ws.language(lang)
    name = slug(name)
    if not ws.source_path(name).is_file():
        raise WorkspaceError(f"no article {name} in {ws.settings.source_dir}")
    formats = formats_of(formats)
    jobs = Jobs.of(ws.root)
    job = jobs.create(tag, None, [name], user, kind="export", formats=formats)
    _enqueue(ws, jobs, job, "export", (str(ws.root), tag, name, list(formats), job.id))
    return job


def start_article(ws: Workspace, name: str, kind: str, data: bytes, shown: str, user: str) -> Job:
    """Queue putting an uploaded article in place; the job as recorded (queued). The upload is checked
    first (:class:`BadInput`, nothing written); :class:`JobRunning` if an upload of that article is still
    queued or running."""
    name = slug(name)
    if kind not in (".html", ".md"):
        raise ValueError(f"no article kind {kind!r}")
    sources.check(ws, name, kind, data, shown)
    jobs = Jobs.of(ws.root)
    job = jobs.create(ws.settings.source_language, None, [name], user, kind="article")
    _enqueue_upload(ws, jobs, job, kind, data, (str(ws.root), name, kind, shown, job.id))
    return job


def start_check(ws: Workspace, lang: str, names: list[str], user: str) -> Job:
    """Queue the QA checks of one language (of the named articles, default all); the job as recorded."""
    tag = ws.language(lang)
    names = [*map(_known(ws), names)]
    jobs = Jobs.of(ws.root)
    job = jobs.create(tag, None, names, user, kind="check")
    _enqueue(ws, jobs, job, "check", (str(ws.root), tag, names, job.id))
    return job


def start_extract(ws: Workspace, names: list[str], user: str) -> Job:
    """Queue extracting the articles' templates again and merging every catalog; the job as recorded."""
    names = [*map(_known(ws), names)]
    if not (names or ws.slugs()):
        raise WorkspaceError(f"no articles in {ws.settings.source_dir}")
    jobs = Jobs.of(ws.root)
    job = jobs.create(ws.settings.source_language, None, names, user, kind="extract")
    _enqueue(ws, jobs, job, "extract", (str(ws.root), names, job.id))
    return job


def start_import(ws: Workspace, lang: str, name: str, data: bytes, filename: str | None, user: str) -> Job:
    """Queue merging an uploaded catalog into an article's catalog, as ``user``'s saves; the job as recorded.
    The file is read and checked first (:class:`~localize.errors.CatalogError`, nothing queued)."""
    from .jobs import read_upload, upload_name

    tag = ws.language(lang)
    name = slug(name)
    if not ws.catalog_path(tag, name).is_file():
        raise WorkspaceError(f"no {tag} catalog of {name}: run 'localize update'")
    shown = upload_name(filename)
    read_upload(data, shown)   # a file that is not a catalog is refused at once
    jobs = Jobs.of(ws.root)
    job = jobs.create(tag, None, [name], user, kind="import")
    suffix = ".xlf" if shown.lower().endswith((".xlf", ".xliff")) else ".po"
    _enqueue_upload(ws, jobs, job, suffix, data, (str(ws.root), tag, name, shown, job.id))
    return job


def _enqueue_upload(ws: Workspace, jobs: Jobs, job: Job, suffix: str, data: bytes, args: tuple) -> None:
    """Keep an upload in ``instance/uploads`` for the worker, then queue its job (the upload goes if that fails)."""
    upload = upload_path(ws.root, job.id, suffix)
    try:
        sources.put(upload, data)
    except OSError as exc:
        jobs.fail(job.id, f"the upload could not be kept: {exc.strerror or exc}")
        raise LocalizeError(f"the upload could not be kept: {exc.strerror or exc}") from None
    try:
        _enqueue(ws, jobs, job, job.kind, args)
    except BaseException:
        upload.unlink(missing_ok=True)
        raise


def _enqueue(ws: Workspace, jobs: Jobs, job: Job, kind: str, args: tuple) -> None:
    try:
        _, tasks = _current(ws.root)
        tasks[kind](*args)
    except Exception as exc:
        jobs.fail(job.id, f"could not queue the job: {exc}")
        raise Unavailable(f"could not queue the job: {one_line(str(exc))}") from None


def consumer(root: Path, *, workers: int = 1, **options) -> Consumer:
    """A huey consumer for the workspace's queue (threads; drafting is I/O and subprocess bound).

    An idle worker looks at the queue at most ``POLL_MAX`` seconds apart (SQLite has no blocking
    read): a job queued from the UI starts within that, one cheap query a poll.
    """
    options = {"worker_type": "thread", "periodic": False, "initial_delay": 0.05, "max_delay": POLL_MAX, **options}
    history.store_of(Path(root))   # opened once: a PostgreSQL store shares its catalog locks with every host
    return queue(root).create_consumer(workers=workers, **options)


def describe(root: Path) -> str:
    """Where the queue lives, for the worker's first line."""
    if queue_url():
        return "Redis (LOCALIZE_QUEUE)"
    return str(queue_path(Path(root)))

