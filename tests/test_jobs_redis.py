"""Background jobs on Redis (``LOCALIZE_QUEUE``): a real redis-server started by the test, queued from the web
app, taken by ``localize worker`` processes standing in for separate hosts; a worker killed with SIGKILL and
Redis killed with SIGKILL mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import assert_msgfmt_ok
from dataservers import REDIS_SERVER, Redis
from localize import tasks
from localize.history import entry_id
from localize.engines import REGISTRY
from test_api import COPY, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)
from test_jobs import UNITS, WORKER_WITH_A_SLOW_ENGINE, drafts, wait_for

pytest.importorskip("redis", reason="the Redis client (scripts/setup test)")
pytestmark = pytest.mark.skipif(not Path(REDIS_SERVER).exists(), reason="needs redis-server (scripts/setup test)")


@pytest.fixture
def redis(tmp_path, monkeypatch):
    """A redis-server of the test's own; the web app in this process queues on it."""
    with Redis(tmp_path / "redis") as server:
        monkeypatch.delenv("LOCALIZE_REDIS_URL", raising=False)
        monkeypatch.setenv("LOCALIZE_QUEUE", server.url)
        monkeypatch.setitem(REGISTRY, "slow", "test_jobs:Slow")   # the workers' slow engine, known here too
        yield server


def worker(site, tmp_path: Path, *args: str, slow: bool = False) -> subprocess.Popen:
    """`localize worker` in a process of its own, as on another host that sees the workspace."""
    command = [sys.executable, "-m", "localize.cli"]
    if slow:
        script = tmp_path / "slow_worker.py"
        script.write_text(WORKER_WITH_A_SLOW_ENGINE, encoding="utf-8")
        command = [sys.executable, str(script)]
    return subprocess.Popen([*command, "--root", str(site.root), "worker", *args], env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[1]


def draft(site, lang: str, engine: str = "pseudo") -> str:
    answer = site.call("eve", "POST", "/api/jobs/draft", {"lang": lang, "engine": engine})
    assert answer.status_code == 202, answer.get_data(as_text=True)
    return answer.get_json()["job"]["id"]


def test_a_job_queued_on_redis_is_run_by_a_worker_started_later(site, redis, tmp_path):
    import redis as client

    job_id = draft(site, "es")
    assert tasks.queue(site.root).pending_count() == 1                 # in Redis, not in instance/
    assert not tasks.queue_path(site.root).exists()
    assert client.Redis.from_url(redis.url).ping()
    process = worker(site, tmp_path)
    try:
        done = wait_for(site, job_id, timeout=60)
    finally:
        err = stop(process)
    assert done["state"] == "done" and done["drafted"] == UNITS, (done, err)
    assert "Redis (LOCALIZE_QUEUE)" in err
    assert done["worker"].endswith(f":{process.pid}")                  # which worker took it: host:pid
    assert drafts(site.po("es"), "pseudo") == UNITS // 2
    assert_msgfmt_ok(site.po("es"))


def test_two_workers_on_two_hosts_share_the_jobs(site, redis, tmp_path):
    workers = [worker(site, tmp_path, "-w", "1", slow=True) for _ in range(2)]
    try:
        jobs = [draft(site, "es", "slow"), draft(site, "fr", "slow")]
        done = [wait_for(site, job_id, timeout=90) for job_id in jobs]
    finally:
        errors = [stop(process) for process in workers]
    assert [job["state"] for job in done] == ["done", "done"], (done, errors)
    assert {job["worker"].rsplit(":", 1)[1] for job in done} == {str(p.pid) for p in workers}   # one each
    for lang in ("es", "fr"):
        assert drafts(site.po(lang), "slow") + drafts(site.po(lang, COPY), "slow") == UNITS


def test_a_worker_killed_mid_job_leaves_the_job_failed_with_its_reason_and_the_drafts_saved(site, redis, tmp_path):
    job_id = draft(site, "es", "slow")
    process = worker(site, tmp_path, slow=True)
    try:
        deadline = time.monotonic() + 30
        while tasks.Jobs.of(site.root).get(job_id).done == 0:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)          # no goodbye: as a host that vanished
        process.communicate(timeout=10)
    assert tasks.Jobs.of(site.root).get(job_id).state == "running"   # nobody has told anyone yet
    failed = wait_for(site, job_id, timeout=tasks.LOST_AFTER + 15)
    assert failed["state"] == "failed", failed
    assert failed["error"].startswith(f"interrupted: the worker ({failed['worker']}) stopped without a word")
    assert failed["error"].endswith("start the draft again to go on")
    kept = drafts(site.po("es"), "slow") + drafts(site.po("es", COPY), "slow")
    assert 0 < kept < UNITS
    for slug in (SLUG, COPY):
        assert_msgfmt_ok(site.po("es", slug))
    again = draft(site, "es", "pseudo")              # not refused as "already running": it goes on
    process = worker(site, tmp_path)
    try:
        assert wait_for(site, again, timeout=60)["drafted"] == UNITS - kept
    finally:
        stop(process)


def test_redis_killed_mid_job_loses_no_job(site, redis, tmp_path):
    first = draft(site, "es", "slow")
    process = worker(site, tmp_path, "-w", "1", slow=True)
    try:
        deadline = time.monotonic() + 30
        while tasks.Jobs.of(site.root).get(first).done == 0:
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        second = draft(site, "fr", "pseudo")         # waits in Redis: the one worker is busy
        redis.kill()                                  # kill -9 while the first job runs
        time.sleep(0.5)
        redis.start()                                 # its append-only file brings the queued job back
        done = [wait_for(site, job_id, timeout=90) for job_id in (first, second)]
    finally:
        err = stop(process)
    assert [job["state"] for job in done] == ["done", "done"], (done, err)
    assert done[0]["drafted"] == UNITS and done[1]["drafted"] == UNITS
    assert drafts(site.po("fr"), "pseudo") == UNITS // 2


def test_a_queue_that_is_not_redis_is_refused_naming_the_variable_not_its_secret(site, monkeypatch):
    monkeypatch.setenv("LOCALIZE_QUEUE", "postgres://user:hunter2@db/jobs")
    answer = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"})
    assert answer.status_code == 503                   # the server's set-up, not the request, is wrong
    said = answer.get_data(as_text=True)
    assert "LOCALIZE_QUEUE is not a Redis URL" in said and "hunter2" not in said
    assert "Traceback" not in said


def test_redis_down_when_a_job_is_queued_is_said_and_the_job_marked_failed(site, redis):
    redis.stop()
    answer = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"})
    assert answer.status_code == 503 and "could not queue the job" in answer.get_json()["error"]
    [job] = tasks.Jobs.of(site.root).recent(kind="draft")
    assert job.state == "failed" and job.error.startswith("could not queue the job")
    redis.start()
    again = draft(site, "es")                           # the failed one does not block a new one
    assert tasks.Jobs.of(site.root).get(again).state == "queued"



def test_every_kind_of_job_runs_on_redis_through_a_worker_on_another_host(site, redis, tmp_path):
    import polib

    cat = polib.pofile(str(site.po("es")), wrapwidth=0)
    next(e for e in cat if e.msgid == "Why this happens").msgstr = "Por qué ocurre esto"
    upload = tmp_path / "mine.po"
    cat.save(str(upload))
    started = {"check": site.call("rita", "POST", "/api/jobs/check", {"lang": "es"}),
               "extract": site.call("eve", "POST", "/api/jobs/extract", {"slugs": [COPY]})}
    with upload.open("rb") as sent:
        started["import"] = site.call("tom", "POST", "/api/jobs/import", content_type="multipart/form-data",
                                      data={"lang": "es", "slug": SLUG, "file": (sent, "mine.po")})
    started["draft"] = site.call("eve", "POST", "/api/jobs/draft", {"lang": "fr", "engine": "pseudo"})
    assert all(answer.status_code == 202 for answer in started.values())
    assert tasks.queue(site.root).pending_count() == 4 and not tasks.queue_path(site.root).exists()
    process = worker(site, tmp_path)
    try:
        done = {kind: wait_for(site, answer.get_json()["job"]["id"], timeout=60) for kind, answer in started.items()}
    finally:
        err = stop(process)
    assert {kind: job["state"] for kind, job in done.items()} == dict.fromkeys(done, "done"), (done, err)
    assert all(job["worker"].endswith(f":{process.pid}") for job in done.values())
    assert done["check"]["report"]["articles"].keys() == {SLUG, COPY}
    assert done["extract"]["report"] == {}            # nothing changed in the sources
    assert done["import"]["report"]["updated"] == 1 and done["draft"]["drafted"] == UNITS
    assert site.entry("es", entry_id(None, "Why this happens")).msgstr == "Por qué ocurre esto"
