"""The store's tables on both engines, SQLite and a real PostgreSQL: the same answers, and the same guarantees
under concurrent writers (a check made at the start of a write still holds at its end)."""

from __future__ import annotations

import threading
import time

import pytest

from localize import tasks
from localize.db import open_database, shown
from test_api import site, template  # noqa: F401  (fixtures: a workspace with accounts)


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


# -- accounts and records --------------------------------------------------------------------------------

def change(entry: str = "e1", new: str = "Hola", **extra) -> dict:
    return {"user": "tina", "language": "es", "slug": "a-b", "entry": entry, "msgctxt": None, "msgid": "Hello",
            "action": "save", "old_msgstr": "", "new_msgstr": new, "old_state": "untranslated",
            "new_state": "needs review", **extra}


def test_accounts_roles_tokens_and_the_last_admin_on_both_engines(database):
    from localize.accounts import LastAdmin, Store

    store = Store(database)
    store.add_user("ada", "admin", [], "a-long-password")
    store.add_user("tina", "translator", ["es"], "another-password", roles={"ar": "reviewer"})
    assert store.authenticate("ada", "a-long-password").role == "admin"
    assert store.authenticate("ada", "wrong-password") is None and store.authenticate("nobody", "x" * 9) is None
    tina = store.user("tina")
    assert tina.roles == (("ar", "reviewer"), ("es", "translator")) and tina.may("approve", "ar")
    assert not tina.may("approve", "es")
    with pytest.raises(LastAdmin):
        store.set_disabled("ada", True)
    token, listed = store.add_token("tina", "laptop", expires=time.time() + 3600)
    assert store.token_user(token).name == "tina" and [t.id for t in store.tokens("tina")] == [listed.id]
    assert store.tokens("tina")[0].last_used is not None                   # its use noted
    store.revoke_token("tina", listed.id)
    assert store.token_user(token) is None
    store.set_roles("tina", "editor")
    assert store.user("tina").role == "editor" and [u.name for u in store.users()] == ["ada", "tina"]
    store.remove_user("tina")
    assert store.user("tina") is None and store.tokens("tina") == []          # its tokens went with it


def test_history_pending_changes_suggestions_and_comments_on_both_engines(database):
    from localize.accounts import Store
    from localize.records import Decided

    store = Store(database)
    first = store.record(change(), pending=True)
    assert store.history() == [] and [c.id for c in store.pending()] == [first]   # not shown until settled
    store.settle([first])
    assert [c.new_msgstr for c in store.history()] == ["Hola"] and store.pending() == []
    ids = store.record_many([change("e2", "Adiós"), change("e3", "Sí")], pending=True)
    store.forget(ids[0])
    store.settle(ids)
    assert [c.entry for c in store.history("es", "a-b")] == ["e1", "e3"] and store.last_change() == ids[1]
    assert store.changed_since("es", "a-b", first) == {"e3": ""}
    made, new = store.suggest({**change("e1"), "msgstr": "Hola", "state": "needs review"}, "¡Hola!")
    again, repeated = store.suggest({**change("e1"), "msgstr": "Hola", "state": "needs review"}, "¡Hola!")
    assert new and not repeated and again.id == made.id
    store.record(change("e1", "¡Hola!", suggestion=made.id, action="accept"), decides="accepted")
    assert store.suggestion(made.id).status == "accepted" and store.suggestions("es", "a-b") == []
    with pytest.raises(Decided):
        store.record(change("e1", "x", suggestion=made.id), decides="dismissed")
    said = store.add_comment("rita", "es", "a-b", "e1", "¿Y las citas?")
    assert store.comments("es", "a-b", "e1") == [said]


def test_the_approvals_of_some_articles_are_read_without_the_rest_of_the_history(database):
    from localize.accounts import Store

    store = Store(database)
    rows = [change(f"e{n}", "x", user=user, slug=slug, language=lang, action=action, at=at)
            for n, (user, slug, lang, action, at) in enumerate([
                ("rita", "a-b", "es", "approve", 10.0), ("rita", "a-b", "es", "approve", 30.0),
                ("ana", "a-b", "es", "approve", 20.0), ("tina", "a-b", "es", "save", 40.0),
                ("ana", "c-d", "es", "approve", 50.0), ("rita", "a-b", "fr", "approve", 60.0),
                ("ana", "e-f", "es", "approve", 70.0)])]
    ids = store.record_many(rows, pending=True)
    store.settle(ids[:-1])   # the last still being written: not an approval yet
    assert store.approvals("es", ["a-b", "c-d", "e-f", "g-h"]) == {"a-b": (["ana", "rita"], 30.0),
                                                                     "c-d": (["ana"], 50.0)}
    assert store.approvals("fr", ["a-b"]) == {"a-b": (["rita"], 60.0)} and store.approvals("es", []) == {}
    expected = {}   # the same as reading the whole history and keeping what is asked for
    for c in store.history("es"):
        if c.action == "approve" and c.slug in ("a-b", "c-d"):
            users, last = expected.get(c.slug, (set(), 0.0))
            expected[c.slug] = (users | {c.user}, max(last, c.at))
    assert {k: (sorted(u), t) for k, (u, t) in expected.items()} == store.approvals("es", ["a-b", "c-d"])


def test_login_attempts_are_counted_across_workers_on_both_engines(database):
    from localize.accounts import Store

    store = Store(database)
    at = [store.login_attempt("name:ada", "ip:1", limit=3) for _ in range(4)]
    assert None not in at[:3] and at[3] is None
    store.login_passed(at[2], "name:ada", "ip:1")
    assert not store.login_blocked("name:ada", limit=3)
    store.login_succeeded("name:ada", "ip:1")
    assert store.login_attempt("name:ada", limit=3) is not None


# -- the whole way on PostgreSQL -----------------------------------------------------------------------

def test_the_web_app_and_a_worker_run_on_postgresql_and_leave_nothing_in_sqlite(site, postgres, monkeypatch):
    """LOCALIZE_DATABASE=postgresql://…: accounts, saves and their history, a draft job run by a real consumer
    and a publication all land in PostgreSQL; the workspace's instance folder holds no database."""
    import uuid

    from sqlalchemy import create_engine, text

    from localize.accounts import Store
    from test_api import HEADING, PASSWORD, SLUG, url
    from test_jobs import approved_by_people, consumer, wait_for
    from web import create_app

    (site.root / "instance" / "localize.sqlite3").unlink()
    address = postgres.create_database(f"t{uuid.uuid4().hex}")
    monkeypatch.setenv("LOCALIZE_DATABASE", address)
    store = Store(address)
    store.add_user("eve", "editor", [], PASSWORD)
    site.tokens = {"eve": store.new_token("eve")}
    site.app = create_app({"TESTING": True, "SECRET_KEY": "test", "LOCALIZE_ROOT": str(site.root)})
    version = site.call("eve", "GET", url("es", HEADING)).get_json()["entry"]["version"]
    saved = site.call("eve", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "Por qué"})
    assert saved.status_code == 200, saved.get_json()
    stale = site.call("eve", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "Otro"})
    assert stale.status_code == 409                                  # the version check holds on PostgreSQL
    job = site.call("eve", "POST", "/api/jobs/draft", {"lang": "fr", "engine": "pseudo"}).get_json()["job"]
    with consumer(site.root):
        assert wait_for(site, job["id"])["state"] == "done"
    approved_by_people(site.po("es"))
    client = site.login("eve")
    published = client.post(f"/publish/es/{SLUG}",
                            data={"csrf_token": client.csrf, "pdf": "0"})
    assert published.status_code == 303
    with consumer(site.root):
        assert wait_for(site, published.headers["Location"].rsplit("/", 1)[1], timeout=60)["state"] == "done"
    engine = create_engine(address.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as db:
            assert db.execute(text("SELECT new_msgstr FROM history WHERE action = 'save'")).scalars().all() \
                == ["Por qué"]
            assert db.execute(text("SELECT count(*) FROM history WHERE action = 'draft'")).scalar_one() == 92
            assert db.execute(text("SELECT count(*) FROM jobs WHERE state = 'done'")).scalar_one() == 2
            assert set(db.execute(text("SELECT language FROM publications"))) == {("es",), ("en",)}
    finally:
        engine.dispose()
    assert not list((site.root / "instance").glob("localize.sqlite3*"))


# -- catalog locks across hosts ----------------------------------------------------------------------------

def test_a_catalog_being_written_is_locked_for_every_host_of_a_postgresql_store(postgres, tmp_path):
    """flock holds on one host; with a PostgreSQL store, a catalog's lock is also a PostgreSQL advisory lock,
    which a writer on another host (here: another session of the same server) cannot take meanwhile."""
    import uuid

    import psycopg

    from localize import catalog
    from localize.accounts import Store
    from localize.db import CatalogLocks

    name = f"t{uuid.uuid4().hex}"
    Store(postgres.create_database(name))
    path, second = tmp_path / "es.po", tmp_path / "fr.po"
    key = CatalogLocks.key(path)
    with psycopg.connect(host=str(postgres.folder), user=postgres.USER, dbname=name, autocommit=True) as other:
        def free() -> bool:
            got = other.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]
            if got:
                other.execute("SELECT pg_advisory_unlock(%s)", (key,))
            return got

        with catalog.locked(path):
            assert not free()
        assert free()
        with catalog.Batch() as batch:
            batch.lock(path)
            batch.lock(second)
            assert not free()
            batch.write(path, "")
        assert free()

        other.execute("SELECT pg_advisory_lock(%s)", (key,))   # another host writes es.po
        got: list[str] = []

        def writer() -> None:
            with catalog.Batch() as batch:
                batch.lock(second)
                batch.lock(path)          # waits, without holding fr.po meanwhile
                got.append("locked")

        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.5)
        assert got == [] and thread.is_alive()
        second_key = CatalogLocks.key(second)
        assert other.execute("SELECT pg_try_advisory_lock(%s)", (second_key,)).fetchone()[0]   # fr.po let go
        other.execute("SELECT pg_advisory_unlock(%s)", (second_key,))
        other.execute("SELECT pg_advisory_unlock(%s)", (key,))
        thread.join(10)
        assert got == ["locked"]
        assert free()
