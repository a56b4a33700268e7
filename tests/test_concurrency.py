"""Concurrent saves through real gunicorn servers: one with 4 worker processes over the SQLite store, and two
with 2 each ("two hosts") over one PostgreSQL store, with the jobs on one Redis.

20 API clients x 50 saves to distinct entries all land; 20 clients saving the same
entry from the same version give exactly one 200 and nineteen 409; the history
replays to the catalogs exactly; every catalog passes msgfmt --check.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polib
import pytest
import requests

from conftest import assert_msgfmt_ok
from localize.accounts import Store
from localize.cli import main
from localize.review import entry_id
from servers import Gunicorn

pytestmark = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is needed")

CLIENTS, SAVES = 20, 50
ARTICLES, LANGS, PARAGRAPHS = 5, ("es", "fr"), 100          # 10 catalogs x 100 entries = 1,000 entries
DRAFTED = "ca"                                               # drafted by a worker killed mid-job
ADJECTIVES = ("quiet", "bright", "narrow", "gentle", "hollow", "steady", "distant", "tender", "plain", "vivid")
NOUNS = ("river", "window", "harbour", "meadow", "lantern", "letter", "garden", "bridge", "mirror", "orchard")
TOPICS = ("alpha", "beta", "gamma", "delta", "epsilon")
PASSWORD = "concurrent saves only"
TIMEOUT = 30                                                 # seconds for any one request


def paragraph(article: int, n: int) -> str:
    """A unique sentence without digits (QA checks on numbers stay quiet)."""
    return (f"The {ADJECTIVES[n // 10]} {NOUNS[n % 10]} about topic {TOPICS[article]} "
            f"waits for a careful reader.")


def build_workspace(root: Path) -> None:
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "fr", "ca"]\n', encoding="utf-8")
    for a in range(ARTICLES):
        body = "\n".join(f"<p>{paragraph(a, n)}</p>" for n in range(PARAGRAPHS))
        (root / "source" / f"load-{TOPICS[a]}.html").write_text(
            f'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Load {TOPICS[a]}</title>'
            f"</head>\n<body>\n<h1>Load {TOPICS[a]}</h1>\n{body}\n</body>\n</html>\n", encoding="utf-8")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0


@pytest.fixture(scope="module", params=["sqlite, one host", "postgresql and redis, two hosts"])
def served(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("concurrency") / "ws"
    build_workspace(root)
    env, hosts, workers, redis = {}, 1, 4, None
    if request.param.startswith("postgresql"):
        from dataservers import REDIS_SERVER, Redis

        if not Path(REDIS_SERVER).exists():
            pytest.skip("needs redis-server (scripts/setup test)")
        pytest.importorskip("redis")
        redis = Redis(tmp_path_factory.mktemp("redis")).start()
        database = request.getfixturevalue("postgres").create_database(f"load{time.time_ns()}")
        env, hosts, workers = {"LOCALIZE_DATABASE": database, "LOCALIZE_QUEUE": redis.url}, 2, 2
    store = Store(env.get("LOCALIZE_DATABASE") or root / "instance" / "localize.sqlite3")
    tokens = []
    for i in range(CLIENTS):
        store.add_user(f"t{i:02d}", "translator", list(LANGS), PASSWORD)
        tokens.append(store.new_token(f"t{i:02d}", "load"))
    store.add_user("ed", "editor", [], PASSWORD)
    editor = store.new_token("ed", "load")
    servers = [Gunicorn(root, workers=workers, env=env, log=root / f"gunicorn-{n}.log") for n in range(hosts)]
    try:
        for server in servers:
            server.wait()
        yield {"root": root, "store": store, "tokens": tokens, "editor": editor, "env": env,
               "urls": [server.url for server in servers]}
    finally:
        for server in servers:
            server.stop()
        if redis is not None:
            redis.stop()


def catalogs(root: Path) -> list[tuple[str, str]]:
    return [(lang, f"load-{TOPICS[a]}") for a in range(ARTICLES) for lang in LANGS]


def po_path(root: Path, lang: str, slug: str) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def session(token: str) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    return s


def test_1000_saves_from_20_clients_all_land(served):
    root, urls = served["root"], served["urls"]
    url = urls[0]
    # Two clients per catalog, interleaved entries: distinct entries, shared catalog locks.
    pairs = catalogs(root)
    work: list[list[tuple[str, str, str, str]]] = [[] for _ in range(CLIENTS)]   # (lang, slug, id, version)
    listing = session(served["tokens"][0])
    for c, (lang, slug) in enumerate(pairs):
        answer = listing.get(f"{url}/api/{lang}/{slug}/entries", timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text[:500]
        rows = [e for e in answer.json()["entries"] if e["msgid"].startswith("The ")]
        assert len(rows) == PARAGRAPHS and all(e["state"] == "untranslated" for e in rows)
        for k, e in enumerate(rows):
            work[2 * c + k % 2].append((lang, slug, e["id"], e["version"]))
    assert all(len(w) == SAVES for w in work)

    start = threading.Barrier(CLIENTS, timeout=TIMEOUT)

    def client(i: int) -> list[tuple[int, str]]:
        s = session(served["tokens"][i])
        url = urls[i % len(urls)]            # the clients spread over the hosts
        start.wait()
        failures = []
        for n, (lang, slug, ident, version) in enumerate(work[i]):
            text = f"Traduction {i}-{n} : {lang} {ident}"
            answer = s.post(f"{url}/api/{lang}/{slug}/entries/{ident}",
                            json={"action": "save", "version": version, "text": text}, timeout=TIMEOUT)
            if answer.status_code != 200:
                failures.append((answer.status_code, answer.text[:300]))
            elif answer.json()["entry"]["msgstr"] != text or answer.json()["entry"]["state"] != "needs review":
                failures.append((200, answer.text[:300]))
        return failures

    began = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))
    elapsed = time.monotonic() - began
    failures = [f for r in results for f in r]
    assert not failures, f"{len(failures)} saves failed, e.g. {failures[:3]}"
    print(f"\n1,000 saves from {CLIENTS} clients in {elapsed:.1f} s")

    # Every save is in the catalog, as polib reads it, and in the history, once.
    for lang, slug in pairs:
        path = po_path(root, lang, slug)
        assert_msgfmt_ok(path)
        found = {entry_id(e.msgctxt, e.msgid): e for e in polib.pofile(str(path), wrapwidth=0)}
        for i in range(CLIENTS):
            for n, (l2, s2, ident, _v) in enumerate(work[i]):
                if (l2, s2) == (lang, slug):
                    assert found[ident].msgstr == f"Traduction {i}-{n} : {lang} {ident}"
                    assert "fuzzy" in found[ident].flags
    saves = [c for c in served["store"].history() if c.action == "save"]
    assert len({(c.language, c.slug, c.entry) for c in saves}) >= CLIENTS * SAVES
    assert_history_replays(served)


def test_20_clients_saving_one_entry_from_one_version_one_wins(served):
    root, urls = served["root"], served["urls"]
    url = urls[0]
    lang, slug = "es", f"load-{TOPICS[0]}"
    heading = entry_id(None, f"Load {TOPICS[0]}")
    first = session(served["tokens"][0]).get(f"{url}/api/{lang}/{slug}/entries/{heading}", timeout=TIMEOUT)
    assert first.status_code == 200, first.text[:500]
    version = first.json()["entry"]["version"]
    start = threading.Barrier(CLIENTS, timeout=TIMEOUT)

    def client(i: int) -> tuple[int, dict]:
        s = session(served["tokens"][i])
        url = urls[i % len(urls)]
        s.get(f"{url}/healthz", timeout=TIMEOUT)         # connection open before the race
        start.wait()
        answer = s.post(f"{url}/api/{lang}/{slug}/entries/{heading}",
                        json={"action": "save", "version": version, "text": f"Carga {TOPICS[0]} del cliente {i}"},
                        timeout=TIMEOUT)
        return answer.status_code, answer.json()

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(client, range(CLIENTS)))
    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * (CLIENTS - 1), codes
    winner = next(body["entry"] for code, body in results if code == 200)
    for code, body in results:
        if code == 409:   # every loser is shown the winner's text, to merge with
            assert body["current"]["msgstr"] == winner["msgstr"] and body["current"]["version"] == winner["version"]
    entry = next(e for e in polib.pofile(str(po_path(root, lang, slug)), wrapwidth=0)
                 if e.msgid == f"Load {TOPICS[0]}")
    assert entry.msgstr == winner["msgstr"] and "fuzzy" in entry.flags
    assert len(served["store"].history(lang, slug, heading)) == 1
    assert_history_replays(served)


def assert_history_replays(served) -> None:
    """From all-untranslated, each change starts where the one before ended, and the last ends as the file is."""
    root = served["root"]
    by_entry = defaultdict(list)
    for change in served["store"].history():
        by_entry[change.language, change.slug, change.entry].append(change)
    for lang, slug in catalogs(root) + [(DRAFTED, f"load-{topic}") for topic in TOPICS]:
        path = po_path(root, lang, slug)
        assert_msgfmt_ok(path)
        for e in polib.pofile(str(path), wrapwidth=0):
            if e.obsolete or not e.msgid:
                continue
            msgstr, state = "", "untranslated"
            for change in by_entry.pop((lang, slug, entry_id(e.msgctxt, e.msgid)), []):
                assert (change.old_msgstr, change.old_state) == (msgstr, state), change
                msgstr, state = change.new_msgstr, change.new_state
            expected = "untranslated" if not e.msgstr else "approved" if "fuzzy" not in e.flags \
                else "machine draft" if "draft: " in e.tcomment else "needs review"
            assert (e.msgstr, expected) == (msgstr, state), (lang, slug, e.msgid)
    assert not by_entry, f"history of entries no catalog has: {list(by_entry)[:3]}"


def test_a_worker_killed_mid_draft_while_clients_save_loses_nothing(served, tmp_path, monkeypatch):
    """Two `localize worker` processes (two hosts) take a slow draft; the one running it is killed with
    SIGKILL while 20 clients save. Every save lands; the job is failed naming the worker, by any host's
    API; started again, the other worker finishes it from where the drafts saved before the kill end."""
    import os
    import signal
    import subprocess
    import sys

    from localize import tasks
    from localize.engines import REGISTRY
    from localize.workspace import Workspace
    from test_jobs import WORKER_WITH_A_SLOW_ENGINE, Slow   # noqa: F401  (the slow engine, known here too)

    root, urls = served["root"], served["urls"]
    for name, value in served["env"].items():
        monkeypatch.setenv(name, value)
    monkeypatch.setitem(REGISTRY, "slow", "test_jobs:Slow")
    script = tmp_path / "slow_worker.py"
    script.write_text(WORKER_WITH_A_SLOW_ENGINE, encoding="utf-8")
    env = {**os.environ, **served["env"]}
    workers = [subprocess.Popen([sys.executable, str(script), "--root", str(root), "worker", "-w", "1"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
               for _ in range(2)]
    editor = session(served["editor"])

    def job(job_id: str, host: int) -> dict:
        answer = editor.get(f"{urls[host % len(urls)]}/api/jobs/{job_id}", timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text[:300]
        return answer.json()["job"]

    def wait(job_id: str, until, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = job(job_id, 1)
            if until(found):
                return found
            time.sleep(0.1)
        raise AssertionError(f"job {job_id}: still {found['state']} after {timeout} s")

    lang, slug = "es", f"load-{TOPICS[1]}"
    rows = [e for e in session(served["tokens"][0]).get(f"{urls[0]}/api/{lang}/{slug}/entries",
                                                           timeout=TIMEOUT).json()["entries"]
            if e["msgid"].startswith("The ")][:CLIENTS]

    def client(i: int) -> int:   # one save each, while the draft runs and its worker dies
        e = rows[i]
        answer = session(served["tokens"][i]).post(
            f"{urls[i % len(urls)]}/api/{lang}/{slug}/entries/{e['id']}",
            json={"action": "save", "version": e["version"], "text": f"Durante el corte {i}"}, timeout=TIMEOUT)
        return answer.status_code

    try:
        first = tasks.start_draft(Workspace.open(root), DRAFTED, "slow", [], "ed")
        running = wait(first.id, lambda j: j["state"] == "running" and j["done"] > 0, 60)
        victim = next(w for w in workers if running["worker"].endswith(f":{w.pid}"))
        with ThreadPoolExecutor(CLIENTS) as pool:
            saving = pool.map(client, range(CLIENTS))
            os.killpg(victim.pid, signal.SIGKILL)
            codes = list(saving)
        victim.communicate(timeout=10)
        assert codes == [200] * CLIENTS, codes
        failed = wait(first.id, lambda j: j["state"] == "failed", tasks.LOST_AFTER + 30)
        assert failed["error"].startswith(f"interrupted: the worker ({running['worker']}) stopped without a word")
        kept = sum(1 for t in TOPICS for e in polib.pofile(str(po_path(root, DRAFTED, f"load-{t}")))
                   if e.msgstr and not e.obsolete)
        assert 0 < kept < ARTICLES * (PARAGRAPHS + 1)
        again = tasks.start_draft(Workspace.open(root), DRAFTED, "slow", [], "ed")
        done = wait(again.id, lambda j: j["state"] in ("done", "failed"), 120)
        assert done["state"] == "done", done
        survivor = next(w for w in workers if w is not victim)
        assert done["worker"].endswith(f":{survivor.pid}")
        assert done["drafted"] == ARTICLES * (PARAGRAPHS + 1) - kept   # nothing drafted twice, nothing left
    finally:
        for process in workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
                try:
                    process.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.communicate()
    found = {entry_id(e.msgctxt, e.msgid): e for e in polib.pofile(str(po_path(root, lang, slug)))}
    assert [found[rows[i]["id"]].msgstr for i in range(CLIENTS)] == [f"Durante el corte {i}" for i in range(CLIENTS)]
    assert_history_replays(served)
