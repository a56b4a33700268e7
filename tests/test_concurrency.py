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
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "fr"]\n', encoding="utf-8")
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
    servers = [Gunicorn(root, workers=workers, env=env, log=root / f"gunicorn-{n}.log") for n in range(hosts)]
    try:
        for server in servers:
            server.wait()
        yield {"root": root, "store": store, "tokens": tokens, "urls": [server.url for server in servers]}
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
    for lang, slug in catalogs(root):
        path = po_path(root, lang, slug)
        assert_msgfmt_ok(path)
        for e in polib.pofile(str(path), wrapwidth=0):
            if e.obsolete or not e.msgid:
                continue
            msgstr, state = "", "untranslated"
            for change in by_entry.pop((lang, slug, entry_id(e.msgctxt, e.msgid)), []):
                assert (change.old_msgstr, change.old_state) == (msgstr, state), change
                msgstr, state = change.new_msgstr, change.new_state
            expected = "untranslated" if not e.msgstr else ("needs review" if "fuzzy" in e.flags else "approved")
            assert (e.msgstr, expected) == (msgstr, state), (lang, slug, e.msgid)
    assert not by_entry, f"history of entries no catalog has: {list(by_entry)[:3]}"
