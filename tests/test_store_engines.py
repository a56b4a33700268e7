"""The store's tables on both engines, SQLite and a real PostgreSQL: the same answers, and the same guarantees
under concurrent writers (a check made at the start of a write still holds at its end)."""

from __future__ import annotations

import threading
import time

import pytest

from localize import tasks
from localize.db import open_database, shown


def test_a_job_goes_from_queued_to_done_and_reads_back_the_same(database):
    jobs = tasks.Jobs(database)
    made = jobs.create("es", "pseudo", [], "eve")
    assert (made.kind, made.state, made.user, made.engine, made.names) == ("draft", "queued", "eve", "pseudo", ())
    assert jobs.start(made.id) and not jobs.start(made.id)          # taken once
    jobs.progress(made.id, 5, 46)
    assert (jobs.get(made.id).done, jobs.get(made.id).total) == (5, 46)
    export = jobs.create("es", None, ["a-b"], "eve", kind="export", formats=("html", "pdf"))
    jobs.start(export.id)
    jobs.step(export.id, "editions")
    jobs.settle(export.id, tasks.PUBLISHED, "2 warnings")
    done = jobs.get(export.id)
    assert (done.state, done.outcome, done.notice, done.done, done.total, done.formats) == \
        ("done", "published", "2 warnings", 3, 3, ("html", "pdf"))
    article = jobs.create("en", None, ["sleep"], "eve", kind="article")
    jobs.start(article.id)
    jobs.step(article.id, "catalogs", tasks.ARTICLE_STEPS)
    jobs.changed(article.id, {"es": {"new": ["Señales"], "changed": [], "removed": []}})
    assert jobs.get(article.id).report == {"es": {"new": ["Señales"], "changed": [], "removed": []}}
    assert [j.id for j in jobs.recent()] == [article.id, export.id, made.id]      # newest first
    assert [j.id for j in jobs.recent(kind="export", language="es", slug="a-b")] == [export.id]
    assert jobs.get("no-such-job") is None
    assert isinstance(jobs.get(made.id).created, float) and jobs.get(made.id).created > time.time() - 60


def test_times_keep_their_precision(database):
    jobs = tasks.Jobs(database)
    made = jobs.create("es", None, [], "eve")
    assert abs(jobs.get(made.id).created - made.created) < 1e-6 and made.created % 1 != 0


def test_a_silent_running_job_is_marked_failed_by_whoever_reads_it(database, monkeypatch):
    jobs = tasks.Jobs(database)
    made = jobs.create("fr", "slow", [], "eve")
    jobs.start(made.id)
    monkeypatch.setattr(tasks, "LOST_AFTER", 0.0)
    time.sleep(0.01)
    lost = jobs.get(made.id)
    assert lost.state == "failed" and "stopped without a word" in lost.error and lost.error.endswith("to go on")


def test_twenty_editors_starting_the_same_draft_at_once_make_one_job(database):
    jobs = tasks.Jobs(database)
    start = threading.Barrier(20)
    made, refused, failed = [], [], []

    def editor(n: int) -> None:
        start.wait()
        try:
            made.append(tasks.Jobs(database).create("es", None, [], f"editor{n}"))
        except tasks.JobRunning as exc:
            refused.append(exc.job.id)
        except Exception as exc:   # noqa: BLE001  (anything else is the failure this test looks for)
            failed.append(repr(exc))

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == [] and len(made) == 1 and len(refused) == 19
    assert set(refused) == {made[0].id}
    assert [j.id for j in jobs.recent(kind="draft")] == [made[0].id]


def test_twenty_workers_taking_the_same_job_let_one_run_it(database):
    jobs = tasks.Jobs(database)
    made = jobs.create("es", None, [], "eve")
    start = threading.Barrier(20)
    took = []

    def worker() -> None:
        start.wait()
        took.append(tasks.Jobs(database).start(made.id))

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(took) == [False] * 19 + [True]


def test_a_url_is_shown_without_its_password():
    assert shown("postgresql://ada:hunter2@db.example/articles") == "postgresql+psycopg://ada:***@db.example/articles"


def test_an_unreachable_postgresql_is_said_without_its_password(tmp_path):
    from localize.db import DatabaseError

    nowhere = f"postgresql://ada:hunter2@/articles?host={tmp_path}&connect_timeout=2"
    with pytest.raises(DatabaseError) as caught:
        tasks.Jobs(nowhere)
    assert "hunter2" not in str(caught.value) and "ada:***@" in str(caught.value)
    assert open_database(nowhere) is open_database(nowhere)


def test_the_publishing_record_keeps_every_act_and_tells_each_editions_last(database):
    from localize.editions import record

    book = record.Publications(database)
    first = book.add("eve", record.PUBLISH, "es", "a-b", "1" * 64, ("html", "pdf"), "job1", at=1000.25)
    book.add("eve", record.PUBLISH, "fr", "a-b", "2" * 64, ("html",))
    last = book.add("ed (command line)", record.WITHDRAW, "es", "a-b")
    assert first.id < last.id and first.formats == ("html", "pdf")
    assert [(p.action, p.language) for p in book.history()] == [("withdraw", "es"), ("publish", "fr"),
                                                                 ("publish", "es")]
    assert book.history("es", "a-b", limit=1) == [last]
    assert book.history("es", "a-b")[1] == first and first.at == 1000.25
    latest = book.latest()
    assert latest[("es", "a-b")].action == "withdraw" and latest[("fr", "a-b")].manifest_sha256 == "2" * 64
    assert set(latest) == {("es", "a-b"), ("fr", "a-b")}
