"""Drafting from the UI through the huey queue: a real consumer, progress in SQLite, restarts, failures;
``localize worker`` and ``localize serve``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import polib
import pytest

from conftest import assert_msgfmt_ok
from localize import tasks
from localize.accounts import Store
from localize.engines import REGISTRY, Draft, Engine
from localize.cli import main
from test_api import COPY, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)
from web import create_app

UNITS = 92  # two copies of the seed article, 46 units each


@contextmanager
def consumer(root: Path):
    """huey's own consumer for the workspace's queue, in threads of this process."""
    running = tasks.consumer(root, initial_delay=0.02, max_delay=0.1)
    running._set_signal_handlers = lambda: None   # signal handlers belong to a real `localize worker`
    running.start()
    try:
        yield running
    finally:
        running.stop(graceful=True)


def wait_for(site, job_id: str, states=("done", "failed"), timeout: float = 20, seen: list | None = None) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answer = site.call("eve", "GET", f"/api/jobs/{job_id}")
        assert answer.status_code == 200
        job = answer.get_json()["job"]
        if seen is not None:
            seen.append((job["state"], job["done"], job["total"], drafts(site.po("es")) + drafts(site.po("es", COPY))))
        if job["state"] in states:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {job['state']} after {timeout} s")


def drafts(path: Path, origin: str = "") -> int:
    return sum(1 for e in polib.pofile(str(path), wrapwidth=0)
               if not e.obsolete and e.msgstr and "fuzzy" in e.flags and f"draft: {origin}" in e.tcomment)


def approved_by_people(path: Path) -> None:
    """Every entry translated and approved by a person: the drafts' flags and origin notes gone (polib)."""
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        entry.msgstr, entry.flags, entry.tcomment = "ES " + entry.msgid, [], ""
    cat.save(str(path))


def start_from_form(site, who: str = "eve", **form):
    client = site.login(who)
    return client.post("/jobs/draft", data={"csrf_token": client.csrf, **form})


class Slow(Engine):
    """A test engine that takes a while per batch, so progress can be watched."""

    name = "slow"
    batch_size = 10
    max_chars = None

    def supports(self, source, target):
        return True

    def translate(self, texts, source, target):
        time.sleep(0.08)
        return [Draft(f"«{text}»", "slow") for text in texts]


# -- the whole way: form, queue, consumer, progress, catalog ------------------------------------

def test_an_editor_drafts_a_language_from_the_ui_and_the_catalogs_fill(site):
    client = site.login("eve")
    page = client.get("/jobs/").get_data(as_text=True)
    assert 'action="/jobs/draft"' in page and 'value="pseudo"' in page
    answer = client.post("/jobs/draft", data={"lang": "es", "engine": "pseudo", "csrf_token": client.csrf})
    assert answer.status_code == 303
    job_id = answer.headers["Location"].rsplit("/", 1)[1]
    assert site.call("eve", "GET", f"/api/jobs/{job_id}").get_json()["job"]["state"] == "queued"
    with consumer(site.root):
        job = wait_for(site, job_id)
    assert job["state"] == "done", job
    assert (job["done"], job["total"], job["drafted"], job["percent"], job["error"]) == (UNITS, UNITS, UNITS, 100, "")
    for slug in (SLUG, COPY):
        assert drafts(site.po("es", slug), "pseudo") == UNITS // 2
        assert_msgfmt_ok(site.po("es", slug))
    assert drafts(site.po("fr"), "") == 0
    recorded = Store(site.root / "instance" / "localize.sqlite3").history("es")
    assert len(recorded) == UNITS and {(c.user, c.action) for c in recorded} == {("eve", "draft")}
    shown = client.get(f"/jobs/{job_id}")
    assert shown.status_code == 200 and f'data-job-url="/api/jobs/{job_id}"' in shown.get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}", headers={"Accept": "application/json"}).get_json()["job"]["state"] == "done"
    assert client.get("/jobs/progress.js").mimetype == "text/javascript"
    assert job_id in client.get("/jobs/").get_data(as_text=True)


def test_progress_is_written_as_batches_land(site, monkeypatch):
    monkeypatch.setitem(REGISTRY, "slow", "test_jobs:Slow")
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "slow"}).get_json()["job"]
    seen: list = []
    with consumer(site.root):
        done = wait_for(site, job["id"], seen=seen)
    assert done["state"] == "done" and done["drafted"] == UNITS
    running = [(d, t, saved) for state, d, t, saved in seen if state == "running" and t and 0 < d < t]
    assert running, seen
    assert any(0 < saved < UNITS for _, _, saved in running)   # drafts on disk before the job ended
    assert all(saved >= d - Slow.batch_size for d, _, saved in running)


def test_a_job_outlives_the_web_app_that_queued_it(site):
    """Queued by one app object, run by a `localize worker` started after that app is gone."""
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"}).get_json()["job"]
    del site.app
    tasks._queue.cache_clear()  # nothing of the first process's queue object survives either
    site.app = create_app({"TESTING": True, "SECRET_KEY": "test", "LOCALIZE_ROOT": str(site.root)})
    assert site.call("eve", "GET", f"/api/jobs/{job['id']}").get_json()["job"]["state"] == "queued"
    worker = subprocess.Popen([sys.executable, "-m", "localize.cli", "--root", str(site.root), "worker"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        done = wait_for(site, job["id"], timeout=30)
    finally:
        worker.send_signal(signal.SIGINT)   # graceful: waits for a running job
        out, err = worker.communicate(timeout=20)
    assert done["state"] == "done" and done["drafted"] == UNITS, (done, err)
    assert worker.returncode == 0, err
    assert "localize worker" in err and str(tasks.queue_path(site.root)) in err
    assert drafts(site.po("es"), "pseudo") == UNITS // 2


WORKER_WITH_A_SLOW_ENGINE = """
import sys, time
from localize.engines import REGISTRY, Draft, Engine

class Slow(Engine):
    name, batch_size, max_chars = "slow", 5, None
    def supports(self, source, target):
        return True
    def translate(self, texts, source, target):
        time.sleep(0.2)
        return [Draft(text, "slow") for text in texts]

REGISTRY["slow"] = "__main__:Slow"
from localize.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_job_running_when_the_worker_is_stopped_is_marked_interrupted(site, monkeypatch, tmp_path):
    monkeypatch.setitem(REGISTRY, "slow", "test_jobs:Slow")
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "slow"}).get_json()["job"]
    script = tmp_path / "slow_worker.py"
    script.write_text(WORKER_WITH_A_SLOW_ENGINE, encoding="utf-8")
    worker = subprocess.Popen([sys.executable, str(script), "--root", str(site.root), "worker"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while tasks.Jobs.of(site.root).get(job["id"]).done == 0:
            assert time.monotonic() < deadline and worker.poll() is None, worker.communicate()
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGTERM)   # huey: stop now, not after the job
        worker.communicate(timeout=20)
    stopped = site.call("eve", "GET", f"/api/jobs/{job['id']}").get_json()["job"]
    assert stopped["state"] == "failed" and stopped["error"].startswith("interrupted: the worker stopped")
    assert 0 < stopped["done"] < stopped["total"]
    kept = drafts(site.po("es"), "slow") + drafts(site.po("es", COPY), "slow")
    assert 0 < kept < UNITS                   # the batches saved before it stay; a new job goes on
    assert_msgfmt_ok(site.po("es"))
    again = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"}).get_json()["job"]
    with consumer(site.root):
        assert wait_for(site, again["id"])["done"] == UNITS - kept


def test_an_engine_that_cannot_draft_the_language_is_refused_before_it_is_queued(site):
    """The API's door as the form's: Apertium has no English-Arabic pair here."""
    before = site.po("ar").read_bytes()
    response = site.call("eve", "POST", "/api/jobs/draft", {"lang": "ar", "engine": "apertium"})
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert "the engine apertium cannot draft ar on this server" in error and "pseudo" in error
    assert not [j for j in tasks.Jobs.of(site.root).recent() if j.language == "ar"]
    assert site.po("ar").read_bytes() == before


def test_a_job_that_cannot_run_fails_with_one_line(site, mt_env):
    """An online engine whose provider does not answer (a closed port): the job fails, saying why."""
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "libretranslate"}).get_json()["job"]
    before = site.po("es").read_bytes()
    with consumer(site.root):
        failed = wait_for(site, job["id"])
    assert failed["state"] == "failed"
    assert "\n" not in failed["error"] and "libretranslate" in failed["error"].lower(), failed["error"]
    assert site.po("es").read_bytes() == before
    page = site.login("eve").get(f"/jobs/{job['id']}").get_data(as_text=True)
    assert failed["error"].split(":")[0] in page


def test_a_bug_in_a_job_is_recorded_as_one_line_not_lost(site, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom\nwith a second line")

    monkeypatch.setattr(tasks.draft, "draft", broken)
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"}).get_json()["job"]
    with consumer(site.root):
        failed = wait_for(site, job["id"])
    assert failed["state"] == "failed"
    assert failed["error"] == "internal error: RuntimeError: boom with a second line"


# -- who may start jobs ---------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["tom", "rita"])
def test_translators_and_reviewers_cannot_start_jobs(site, who):
    answer = start_from_form(site, who, lang="es", engine="pseudo")
    assert answer.status_code == 403
    assert site.call(who, "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"}).status_code == 403
    assert tasks.Jobs.of(site.root).recent() == []
    assert 'action="/jobs/draft"' not in site.login(who).get("/jobs/").get_data(as_text=True)


def test_the_form_needs_its_csrf_token_and_a_known_engine(site):
    client = site.login("eve")
    assert client.post("/jobs/draft", data={"lang": "es", "engine": "pseudo"}).status_code == 400
    assert client.post("/jobs/draft", data={"lang": "es", "engine": "babelfish",
                                            "csrf_token": client.csrf}).status_code == 400
    assert client.post("/jobs/draft", data={"lang": "", "csrf_token": client.csrf}).status_code == 400
    assert tasks.Jobs.of(site.root).recent() == []
    assert client.get("/jobs/0123").status_code == 404


def _offered(page: str) -> dict[str, set[str]]:
    """engine -> the languages the form offers it for."""
    import re
    return {m[1]: set(m[2].split()) for m in re.finditer(r'<option value="([a-z]+)" data-langs="([^"]*)"', page)}


def test_the_form_offers_each_language_only_the_engines_that_can_draft_it(site):
    from localize.engines import apertium
    offered = _offered(site.login("eve").get("/jobs/").get_data(as_text=True))
    assert offered["pseudo"] == {"es", "fr", "ar"} and offered["memory"] == {"es", "fr", "ar"}
    # no Apertium pair for French or Arabic here: never offered for them
    assert "fr" not in offered.get("apertium", set()) and "ar" not in offered.get("apertium", set())
    if apertium.mode_for("en", "es"):
        assert offered["apertium"] == {"es"}
    assert site.login("eve").get("/jobs/form.js").mimetype == "text/javascript"


def test_the_server_refuses_an_engine_that_cannot_draft_the_language(site):
    answer = start_from_form(site, lang="fr", engine="apertium")
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "apertium cannot draft" in text and "(fr)" in text and "pseudo" in text
    assert tasks.Jobs.of(site.root).recent() == []
    client = site.login("eve")
    spanish = client.post("/jobs/draft", data={"lang": "ar", "engine": "apertium", "csrf_token": client.csrf},
                          headers={"Accept-Language": "es"})
    assert spanish.status_code == 400 and "no puede hacer borradores" in spanish.get_data(as_text=True)
    assert tasks.Jobs.of(site.root).recent() == []
    assert start_from_form(site, lang="fr", engine="pseudo").status_code == 303


def test_a_second_draft_of_a_language_goes_to_the_job_already_queued(site):
    first = start_from_form(site, lang="es", engine="pseudo")
    second = start_from_form(site, lang="es", engine="pseudo")
    assert second.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    assert len(tasks.Jobs.of(site.root).recent()) == 1


def test_a_job_in_a_language_the_user_cannot_view_is_403(site):
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "fr", "engine": "pseudo"}).get_json()["job"]
    assert site.call("tom", "GET", f"/api/jobs/{job['id']}").status_code == 403
    assert site.login("tom").get(f"/jobs/{job['id']}").status_code == 403


def test_a_draft_and_an_export_of_the_same_language_are_separate_jobs(site):
    draft_job = start_from_form(site, lang="es", engine="pseudo")
    client = site.login("eve")
    export_job = client.post(f"/publish/es/{SLUG}", data={"csrf_token": client.csrf})
    assert export_job.status_code == 303 and export_job.headers["Location"] != draft_job.headers["Location"]
    kinds = sorted((job.kind, job.names) for job in tasks.Jobs.of(site.root).recent())
    assert kinds == [("draft", ()), ("export", (SLUG,))]


def test_localize_worker_runs_an_export_queued_from_the_ui(site):
    """The publish button queues; a `localize worker` started afterwards publishes."""
    cat = polib.pofile(str(site.po("es")), wrapwidth=0)
    for entry in cat:
        entry.msgstr = "ES " + entry.msgid
    cat.save(str(site.po("es")))
    client = site.login("eve")
    answer = client.post(f"/publish/es/{SLUG}", data={"csrf_token": client.csrf, "pdf": "0"})
    job_id = answer.headers["Location"].rsplit("/", 1)[1]
    assert tasks.Jobs.of(site.root).get(job_id).state == "queued"
    worker = subprocess.Popen([sys.executable, "-m", "localize.cli", "--root", str(site.root), "worker"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        done = wait_for(site, job_id, timeout=60)
    finally:
        worker.send_signal(signal.SIGINT)
        out, err = worker.communicate(timeout=20)
    assert (done["state"], done["kind"], done["outcome"], done["formats"]) == ("done", "export", "published",
                                                                               ["html"]), (done, err)
    assert (done["done"], done["total"], done["percent"]) == (3, 3, 100)
    page = site.app.test_client().get(f"/es/{SLUG}/")
    assert page.status_code == 200 and "ES Why this happens" in page.get_data(as_text=True)


OLD_JOBS = """
CREATE TABLE jobs (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, language TEXT NOT NULL, engine TEXT,
    names TEXT NOT NULL DEFAULT '', user TEXT NOT NULL, state TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0, total INTEGER, drafted INTEGER NOT NULL DEFAULT 0,
    from_memory INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,
    notice TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL, started REAL, updated REAL NOT NULL, finished REAL
);
CREATE INDEX jobs_created ON jobs (created);
"""   # the table as the first release made it: none of the columns added since


def test_a_jobs_table_made_before_exports_gains_their_columns_and_keeps_its_rows(tmp_path):

    path = tmp_path / "instance" / "localize.sqlite3"
    path.parent.mkdir()
    db = sqlite3.connect(path)
    db.executescript(OLD_JOBS)
    db.execute("INSERT INTO jobs (id, kind, language, engine, names, user, state, created, updated) "
               "VALUES ('a1', 'draft', 'es', 'pseudo', '', 'eve', 'done', 1.0, 2.0)")
    db.commit()
    assert "outcome" not in {row[1] for row in db.execute("PRAGMA table_info(jobs)")}
    db.close()
    jobs = tasks.Jobs(path)
    kept = jobs.get("a1")
    assert (kept.kind, kept.language, kept.engine, kept.state, kept.outcome, kept.formats) == \
        ("draft", "es", "pseudo", "done", "", ())
    made = jobs.create("es", None, [SLUG], "eve", kind="export", formats=("html", "pdf"))
    assert (made.kind, made.slug, made.formats, made.state) == ("export", SLUG, ("html", "pdf"), "queued")


# -- the queue's storage ------------------------------------------------------------------------

def test_the_queue_is_sqlite_in_instance_unless_redis_is_named(site, monkeypatch):
    monkeypatch.delenv("LOCALIZE_REDIS_URL", raising=False)
    monkeypatch.delenv("LOCALIZE_QUEUE", raising=False)
    from huey import RedisHuey, SqliteHuey

    queue = tasks.queue(site.root)
    assert isinstance(queue, SqliteHuey) and Path(queue.storage.filename) == site.root / "instance" / "tasks.sqlite3"
    monkeypatch.setenv("LOCALIZE_QUEUE", "redis://127.0.0.1:1/3")
    try:
        import redis  # noqa: F401
    except ImportError:
        with pytest.raises(tasks.LocalizeError, match="pip install redis"):
            tasks.queue(site.root)
    else:
        assert isinstance(tasks.queue(site.root), RedisHuey)   # connects only when used


# -- localize serve -------------------------------------------------------------------------------

def test_serve_refuses_to_start_without_a_secret_key(site, run, monkeypatch):
    monkeypatch.delenv("LOCALIZE_SECRET_KEY", raising=False)
    result = run("--root", site.root, "serve")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "LOCALIZE_SECRET_KEY is not set" in result.err
    assert "export LOCALIZE_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')" in result.err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.add(int(status.parent.name))
    return found


def test_serve_runs_the_ui_and_a_worker_and_stops_both(site):
    port = _free_port()
    env = {**os.environ, "LOCALIZE_SECRET_KEY": "x" * 64}
    server = subprocess.Popen([sys.executable, "-m", "localize.cli", "--root", str(site.root), "serve",
                               "--port", str(port), "--workers", "1"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.communicate()
                time.sleep(0.1)
        request = urllib.request.Request(base + "/api/jobs/draft", method="POST",
                                         data=b'{"lang": "es", "engine": "pseudo"}',
                                         headers={"Authorization": f"Bearer {site.tokens['eve']}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 202
        job = tasks.Jobs.of(site.root).recent()[0]
        deadline = time.monotonic() + 20
        while tasks.Jobs.of(site.root).get(job.id).state != "done":
            assert time.monotonic() < deadline, "the worker of localize serve did not run the job"
            time.sleep(0.1)
        children = _children(server.pid)
        assert len(children) >= 2   # a gunicorn worker and the job worker
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert f"at http://localhost:{port}/" in out
    deadline = time.monotonic() + 5
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in children), "a child of localize serve lived on"
    assert drafts(site.po("es"), "pseudo") == UNITS // 2


def test_jobs_and_the_publishing_record_live_in_the_database_localize_database_names(site, tmp_path, monkeypatch):
    """Accounts, history, jobs and publications in one database, wherever LOCALIZE_DATABASE puts it."""
    elsewhere = tmp_path / "db" / "accounts.sqlite3"
    elsewhere.parent.mkdir()
    shutil.copy(site.root / "instance" / "localize.sqlite3", elsewhere)
    (site.root / "instance" / "localize.sqlite3").unlink()
    monkeypatch.setenv("LOCALIZE_DATABASE", str(elsewhere))
    site.app = create_app({"TESTING": True, "SECRET_KEY": "test", "LOCALIZE_ROOT": str(site.root)})
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"}).get_json()["job"]
    with consumer(site.root):
        assert wait_for(site, job["id"])["state"] == "done"
    approved_by_people(site.po("es"))
    assert main(["--root", str(site.root), "export", "--lang", "es", "--slug", SLUG, "--format", "html"]) == 0
    db = sqlite3.connect(elsewhere)
    try:
        assert db.execute("SELECT state FROM jobs WHERE id = ?", (job["id"],)).fetchone() == ("done",)
        assert db.execute("SELECT count(*) FROM history WHERE action = 'draft'").fetchone()[0] == UNITS
        assert set(db.execute("SELECT language, slug FROM publications WHERE action = 'publish'")) \
            == {("es", SLUG), ("en", SLUG)}          # the source edition goes out with its first translation
    finally:
        db.close()
    assert not (site.root / "instance" / "localize.sqlite3").exists()
