"""Crashes and faults on the catalog write path: kill -9 of a writer, a full disk, a stuck lock.

Real processes, real files, real SQLite; GNU msgfmt judges every catalog. A
killed writer must leave every catalog as it was or as it was to become, never
a mix; what it leaves behind is removed by the next writer and by the web app's
start, and never read. A full disk (ENOSPC injected at the OS level, see
diskfull.py) fails the save with one clear message and leaves the old file. A
catalog another process holds makes a save answer 503 with Retry-After within
seconds, and the same save lands once the lock is free. Sizes come from
drill.scale (LOCALIZE_RELIABILITY=full for the stress run).
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import polib
import pytest

from conftest import SEED, assert_msgfmt_ok, msgfmt_check
from diskfull import PLACES, environment, full_disk
from drill import scale
from history_replay import replay_problems, states
from localize import catalog, po
from localize.accounts import Store
from localize.cli import main
from localize.review import Review, entry_id, version
from localize.workspace import Workspace
from web import create_app

FORK = multiprocessing.get_context("fork")
SLUG = "emotional-numbness"
LANGS = ("es", "fr", "ar", "ca")
HEADING = "Why this happens"
HEADING_ID = entry_id(None, HEADING)
TEXTS = ("Por qué ocurre (A)", "Por qué ocurre (B)")
PASSWORD = "a drill password, long enough"
LOCALIZE = Path(sys.executable).with_name("localize")
TRIALS = scale(200, 1000)


# -- a workspace: the seed article in four languages, one translator ------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crash") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "fr", "ar", "ca"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    store = Store(root / "instance" / "localize.sqlite3")
    store.add_user("tina", "translator", ["es"], PASSWORD)
    (root / "token").write_text(store.new_token("tina", "drill"), encoding="utf-8")
    store.close()
    return root


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(template, root)
    return root


def po_path(root: Path, lang: str) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


def temporaries(root: Path) -> set[Path]:
    """Temporary files of catalog writers anywhere under the workspace's locales."""
    return set((root / "locales").rglob(".*.tmp"))


def catalogs(root: Path) -> dict[str, bytes]:
    return {lang: po_path(root, lang).read_bytes() for lang in LANGS}


# -- the writer the drill kills ---------------------------------------------------------------------

class Writer:
    """One cycle: a translator's save through the review (es), two catalogs rewritten in one
    batch as a draft job does (fr, ar), one changed in a transaction as an import does (ca).
    Each catalog flips between two versions, so that every moment of a write can be cut."""

    def __init__(self, root: Path, batch_versions: dict[Path, tuple[str, str]] | None = None):
        self.root = root
        self.store = Store(root / "instance" / "localize.sqlite3")
        self.review = Review(Workspace.open(root), self.store)
        self.user = self.store.user("tina")
        self.batch_versions = batch_versions or {
            po_path(root, lang): (drafted(po_path(root, lang), "A"), drafted(po_path(root, lang), "B"))
            for lang in ("fr", "ar")}

    def cycle(self) -> None:
        self.save_through_review()
        self.rewrite_in_a_batch()
        self.change_in_a_transaction()

    def save_through_review(self) -> None:
        entry = catalog.read(po_path(self.root, "es")).index()[(None, HEADING)]   # the page the translator loaded
        text = TEXTS[1] if entry.msgstr == TEXTS[0] else TEXTS[0]
        self.review.act(self.user, "es", SLUG, HEADING_ID, "save", based_on=version(entry), text=text)

    def rewrite_in_a_batch(self) -> None:
        with catalog.Batch() as batch:
            for path, (a, b) in self.batch_versions.items():
                batch.lock(path)
                batch.write(path, b if path.read_text(encoding="utf-8") == a else a)

    def change_in_a_transaction(self) -> None:
        with catalog.transaction(po_path(self.root, "ca")) as current:
            entry = current.index()[(None, HEADING)]
            entry.msgstr = "Per què passa (B)" if entry.msgstr == "Per què passa (A)" else "Per què passa (A)"
            entry.set_flag("fuzzy")


def drafted(path: Path, mark: str) -> str:
    """The catalog with every entry drafted as ``[mark] source``: a whole-file version for the batch."""
    cat = catalog.read(path)
    for entry in cat.entries:
        if not entry.obsolete and entry.msgid and entry.msgid_plural is None:
            entry.set_draft(f"[{mark}] {entry.msgid}", "drill")
    return po.dumps(cat)


def write_forever(root: Path, batch_versions, ready) -> None:
    writer = Writer(root, batch_versions)
    writer.review.context("es", SLUG)   # built once per process, as a web worker does: the kills aim at writes
    ready.set()
    while True:
        writer.cycle()


def polib_entries(path: Path) -> dict[str, tuple[str, bool]]:
    """msgid → (msgstr, fuzzy), read by polib: a reader that is not ours."""
    return {e.msgid: (e.msgstr, e.fuzzy) for e in polib.pofile(str(path), wrapwidth=0) if not e.obsolete}


def two_versions(root: Path) -> tuple[dict[str, tuple[bytes, bytes]], dict, float]:
    """Run whole cycles (no kill) to learn each catalog's two versions; the batch's texts; the time of a cycle."""
    original = {lang: polib_entries(po_path(root, lang)) for lang in LANGS}
    writer = Writer(root)
    seen, took = [], []
    for _ in range(3):
        start = time.perf_counter()
        writer.cycle()
        took.append(time.perf_counter() - start)
        seen.append(catalogs(root))
    writer.store.close()
    assert seen[2] == seen[0], "a writer's cycle does not flip between two versions"
    versions = {lang: (seen[0][lang], seen[1][lang]) for lang in LANGS}
    for lang in LANGS:          # what each version holds, checked by polib and msgfmt, not by us
        for i, data in enumerate(versions[lang]):
            path = po_path(root, lang)
            path.write_bytes(data)
            assert_msgfmt_ok(path)
            now = polib_entries(path)
            assert now.keys() == original[lang].keys()
            changed = {msgid for msgid in now if now[msgid] != original[lang][msgid]}
            if lang == "es":
                assert changed == {HEADING} and now[HEADING] == (TEXTS[i], True)
            elif lang == "ca":
                assert changed == {HEADING} and now[HEADING] == (f"Per què passa ({'AB'[i]})", True)
            else:
                assert all(msgstr == f"[{'AB'[i]}] {msgid}" and fuzzy
                           for msgid, (msgstr, fuzzy) in now.items() if msgid)
    for lang in LANGS:
        po_path(root, lang).write_bytes(versions[lang][0])
    return versions, writer.batch_versions, sorted(took)[1]


# -- 1. kill -9 of a writer at random moments --------------------------------------------------------

def test_kill_9_of_a_writer_leaves_every_catalog_old_or_new_and_the_next_start_cleans_up(ws):
    start = states(po_path(ws, "es"))
    versions, batch_versions, cycle = two_versions(ws)
    window = max(2 * cycle, 0.01)   # a kill lands anywhere in two cycles of writes
    rng = random.Random(20260507)
    torn, refused, seen = [], [], {lang: set() for lang in LANGS}
    cut_short = 0                    # kills that left a temporary file: a write was cut in the middle
    left: set[Path] = set()          # every temporary file a kill left
    cleaned_by_writers = 0
    started, trials = time.monotonic(), 0

    for trial in range(TRIALS):
        trials += 1
        before = temporaries(ws)
        ready = FORK.Event()
        child = FORK.Process(target=write_forever, args=(ws, batch_versions, ready))
        child.start()
        assert ready.wait(30), "the writer did not start"
        time.sleep(rng.uniform(0, window))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL, f"trial {trial}: the writer stopped by itself ({child.exitcode})"

        for lang in LANGS:
            path = po_path(ws, lang)
            data = path.read_bytes()
            if data in versions[lang]:
                seen[lang].add(versions[lang].index(data))
            else:
                torn.append((trial, lang, len(data)))
            checked = msgfmt_check(path)
            if checked.returncode != 0:
                refused.append((trial, lang, checked.stderr))
        if torn or refused:
            break                    # the next writer could not even read them
        after = temporaries(ws)
        cut_short += bool(after - before)
        left |= after - before
        cleaned_by_writers += len(before - after)

    remaining = temporaries(ws)
    kept = catalogs(ws)
    create_app({"TESTING": True, "LOCALIZE_ROOT": str(ws)})       # the web app's start
    swept = len(remaining) - len(temporaries(ws))
    seconds = time.monotonic() - started
    print(f"\ncrash drill: {trials} kill -9 trials in {seconds:.1f} s (a cycle {cycle * 1000:.0f} ms); "
          f"torn files {len(torn)}; msgfmt refusals {len(refused)}; writes cut short {cut_short}; "
          f"temporary files left {len(left)}: {cleaned_by_writers} removed by the next writer, "
          f"{swept} by the web app's start")

    assert torn == [], f"catalogs neither old nor new: {torn[:10]}"
    assert refused == [], f"msgfmt --check refused catalogs: {refused[:3]}"
    assert all(seen[lang] == {0, 1} for lang in LANGS), f"some version was never seen: {seen}"
    assert cut_short > 0, "no kill landed in the middle of a write: the drill proved nothing"
    assert temporaries(ws) == set(), "the web app's start left temporary files"
    assert catalogs(ws) == kept, "cleaning up changed a catalog"
    assert cleaned_by_writers + swept == len(left)
    # a save killed between its history row and its catalog write is settled by the start: the history of
    # the translators' saves replays to the catalog exactly
    saves = Store(ws / "instance" / "localize.sqlite3").history("es", SLUG)
    assert len(saves) >= 3 and replay_problems(saves, start, states(po_path(ws, "es"))) == []


# -- leftovers are never read and never replace a catalog ------------------------------------------------

def plant_leftovers(root: Path, langs=LANGS) -> dict[Path, bytes]:
    """Beside each catalog: a complete, valid catalog that is not it, and a torn one."""
    planted = {}
    for lang in langs:
        path = po_path(root, lang)
        cat = catalog.read(path)
        for entry in cat.entries:
            if entry.msgid:
                entry.msgstr = "SHADOW"
        whole = po.dumps(cat).encode("utf-8")
        planted[path.with_name(f".{path.name}.sh4d0w.tmp")] = whole
        planted[path.with_name(f".{path.name}.t0rn00.tmp")] = whole[: len(whole) // 2]
    for tmp, data in planted.items():
        tmp.write_bytes(data)
    return planted


def start_web_app(root: Path) -> None:
    create_app({"TESTING": True, "LOCALIZE_ROOT": str(root)})


def run_update(root: Path) -> None:
    assert main(["--root", str(root), "update", "-j", "1"]) == 0


def run_draft(root: Path) -> None:
    """A draft job of every language it may draft; each catalog it writes is taken through a batch."""
    for lang in LANGS:
        assert main(["--root", str(root), "draft", "--lang", lang, "--engine", "pseudo"]) == 0


def save_everywhere(root: Path) -> None:
    """The next writer of each catalog: an entry saved in a transaction (as an import saves it)."""
    for lang in LANGS:
        with catalog.transaction(po_path(root, lang)) as current:
            current.index()[(None, HEADING)].msgstr = "ok"


@pytest.mark.parametrize("next_start", [start_web_app, run_update, run_draft, save_everywhere],
                         ids=["web app start", "localize update", "localize draft", "next writer"])
def test_leftover_temporary_files_are_never_read_and_the_next_start_removes_them(ws, next_start):
    before = catalogs(ws)
    plant_leftovers(ws)

    review = Review(Workspace.open(ws), Store(ws / "instance" / "localize.sqlite3"))
    assert all(item.msgstr != "SHADOW" for lang in LANGS for item in review.items(lang, SLUG))
    assert main(["--root", str(ws), "render", "--lang", "es", "--include-drafts"]) == 0
    assert "SHADOW" not in (ws / "out" / "render" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert catalogs(ws) == before

    next_start(ws)

    assert temporaries(ws) == set(), f"{next_start.__name__} left {sorted(p.name for p in temporaries(ws))}"
    for lang in LANGS:
        path = po_path(ws, lang)
        assert_msgfmt_ok(path)
        assert "SHADOW" not in path.read_text(encoding="utf-8")
        if next_start in (start_web_app, run_update):
            assert path.read_bytes() == before[lang], f"{next_start.__name__} changed the {lang} catalog"


def test_the_next_writer_of_a_catalog_removes_only_that_catalogs_leftovers(ws):
    planted = plant_leftovers(ws)
    with catalog.Batch() as batch:
        batch.lock(po_path(ws, "fr"))
    assert temporaries(ws) == {tmp for tmp in planted if "/fr/" not in str(tmp)}
    with catalog.locked(po_path(ws, "es")):
        pass
    assert temporaries(ws) == {tmp for tmp in planted if "/fr/" not in str(tmp) and "/es/" not in str(tmp)}


# -- 2. a full disk --------------------------------------------------------------------------------------

def change_heading(root: Path, lang: str, text: str) -> None:
    with catalog.transaction(po_path(root, lang)) as current:
        current.index()[(None, HEADING)].msgstr = text


def batch_of_three(root: Path, text: str) -> None:
    with catalog.Batch() as batch:
        for lang in ("es", "fr", "ar"):
            path = po_path(root, lang)
            batch.lock(path)
            cat = catalog.read(path)
            cat.index()[(None, HEADING)].msgstr = text
            batch.write(path, po.dumps(cat))


def review_save(root: Path, text: str) -> None:
    review = Review(Workspace.open(root), Store(root / "instance" / "localize.sqlite3"))
    item = review.item("es", SLUG, HEADING_ID)
    review.act(review.store.user("tina"), "es", SLUG, HEADING_ID, "save", based_on=item.version, text=text)


LIBRARY_WRITERS = {"transaction": lambda root, text: change_heading(root, "es", text),
                   "batch": batch_of_three, "review save": review_save}


@pytest.mark.parametrize("at", PLACES)
@pytest.mark.parametrize("writer", LIBRARY_WRITERS)
def test_a_full_disk_fails_a_library_write_and_leaves_the_old_files(ws, writer, at):
    before = catalogs(ws)
    history = Store(ws / "instance" / "localize.sqlite3").history()

    with full_disk(ws / "locales", at):
        with pytest.raises(catalog.WriteError) as failed:
            LIBRARY_WRITERS[writer](ws, "Por qué ocurre")

    assert failed.value.errno == errno.ENOSPC and failed.value.no_space
    message = str(failed.value)
    assert "No space left on device" in message and "LC_MESSAGES" in message and SLUG in message
    assert catalogs(ws) == before
    assert temporaries(ws) == set()
    assert Store(ws / "instance" / "localize.sqlite3").history() == history, "a save that failed is in the history"
    LIBRARY_WRITERS[writer](ws, "Por qué ocurre")          # the disk has room again: locks were let go
    assert catalog.read(po_path(ws, "es")).index()[(None, HEADING)].msgstr == "Por qué ocurre"
    assert_msgfmt_ok(po_path(ws, "es"))


def localize(root: Path, *args: str, at: str | None = None) -> subprocess.CompletedProcess:
    """The installed command, in a process of its own, its disk full below locales/ when ``at`` is given."""
    env = environment(root / "locales", at) if at else dict(os.environ)
    env.pop("LOCALIZE_DEBUG", None)
    return subprocess.run([str(LOCALIZE), "--root", str(root), *args], capture_output=True, text=True,
                          env=env, timeout=120)


def edited_copy(root: Path, tmp_path: Path) -> Path:
    """A copy of the Spanish catalog edited elsewhere, for 'localize import'."""
    cat = catalog.read(po_path(root, "es"))
    cat.index()[(None, HEADING)].msgstr = "Por qué ocurre"
    copy = tmp_path / f"{SLUG}.po"
    copy.write_text(po.dumps(cat), encoding="utf-8")
    return copy


def changed_article(root: Path) -> None:
    page = root / "source" / f"{SLUG}.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Why this happens", "Why it happens"),
                    encoding="utf-8")
    assert localize(root, "extract").returncode == 0


COMMANDS = {   # name: (preparation, arguments)
    "import": (lambda root, tmp: ["import", "--lang", "es", str(edited_copy(root, tmp))]),
    "update": (lambda root, tmp: changed_article(root) or ["update", "-j", "1"]),
    "draft": (lambda root, tmp: ["draft", "--lang", "es", "--engine", "pseudo"]),
}


@pytest.mark.parametrize("at", ["create", "write"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_fails_the_command_with_one_line_and_leaves_the_old_files(ws, tmp_path, command, at):
    args = COMMANDS[command](ws, tmp_path)
    before = catalogs(ws)

    failed = localize(ws, *args, at=at)

    assert failed.returncode == 1, failed
    lines = failed.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in failed.stderr, failed.stderr
    assert lines[0].startswith("localize: error: ") and "No space left on device" in lines[0]
    assert "/LC_MESSAGES/" in lines[0] and "left as it was" in lines[0], lines[0]
    assert catalogs(ws) == before
    assert temporaries(ws) == set()
    done = localize(ws, *args)                          # room again: the same command does the work
    assert done.returncode == 0, done
    assert catalogs(ws) != before


@pytest.fixture
def web(ws):
    """The app over the workspace, a logged-in translator (form login, with CSRF) and an API token."""
    app = create_app({"TESTING": True, "SECRET_KEY": "a drill secret that is long enough",
                      "LOCALIZE_ROOT": str(ws), "WTF_CSRF_ENABLED": True})
    client = app.test_client()
    login = client.post("/login", data={"csrf_token": csrf(client, "/login"), "name": "tina", "password": PASSWORD})
    assert login.status_code == 302
    return app, client, (ws / "token").read_text(encoding="utf-8")


def csrf(client, url: str = "/no-such-page") -> str:
    import html
    import re
    page = client.get(url).get_data(as_text=True)
    return html.unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1))


WAYS = ("form", "fetch", "api")


def entries(ws: Path) -> dict:
    """The Spanish entry each way of saving works on, as it is now."""
    items = Review(Workspace.open(ws), Store(ws / "instance" / "localize.sqlite3")).items("es", SLUG)
    return dict(zip(WAYS, [i for i in items if i.msgid == HEADING] + [i for i in items if i.kind == "p"][:2]))


def save_as(client, token: str, how: str, item, text: str):
    """A save of ``item`` as the editor sends it (a form post, or fetch asking for JSON) or through the API."""
    if how == "api":
        return client.post(f"/api/es/{SLUG}/entries/{item.id}", headers={"Authorization": f"Bearer {token}"},
                           json={"action": "save", "version": item.version, "text": text})
    headers = {"Accept": "application/json"} if how == "fetch" else {}
    return client.post(f"/review/es/{SLUG}/{item.id}", headers=headers,
                       data={"csrf_token": csrf(client), "action": "save", "version": item.version, "text": text})


@pytest.mark.parametrize("at", PLACES)
def test_a_full_disk_fails_a_web_save_with_a_clear_answer_and_leaves_the_old_file(ws, web, at):
    app, client, token = web
    path = po_path(ws, "es")
    before = path.read_bytes()
    items = entries(ws)

    with full_disk(ws / "locales", at):
        answers = {how: save_as(client, token, how, items[how], f"Texto ({how})") for how in WAYS}

    for how, answer in answers.items():
        assert answer.status_code == 507, (how, answer.status_code, answer.get_data(as_text=True)[:300])
        assert "Traceback" not in answer.get_data(as_text=True), how
    for how in WAYS:                  # the reviewer is told the problem, not the server's folders
        assert str(ws) not in answers[how].get_data(as_text=True), how
    page = answers["form"].get_data(as_text=True)
    assert "Out of storage" in page and "the server&#39;s disk is full" in page and "not saved" in page
    fetched = answers["fetch"].get_json()
    assert fetched["status"] == 507 and "disk is full" in fetched["message"]
    assert "disk is full" in answers["api"].get_json()["error"]
    assert path.read_bytes() == before
    assert temporaries(ws) == set()
    assert app.extensions["localize"].store.history() == []

    for how in WAYS:                                  # room again: the same saves land
        saved = save_as(client, token, how, items[how], f"Texto ({how})")
        assert saved.status_code in (200, 302), (how, saved.status_code)
    assert {how: item.msgstr for how, item in entries(ws).items()} == {how: f"Texto ({how})" for how in WAYS}
    assert_msgfmt_ok(path)


def test_a_full_history_database_fails_a_web_save_with_507_and_leaves_the_catalog(ws, web):
    """SQLite's own limit on the database's pages makes its next insert fail with SQLITE_FULL, as a full disk
    does: the save is refused the same way, before the catalog is touched."""
    app, client, token = web
    path = po_path(ws, "es")
    before = path.read_bytes()
    items = entries(ws)
    store = app.extensions["localize"].store
    history = store.history()
    from sqlalchemy import event

    pages = sqlite3.connect(store.path).execute("PRAGMA page_count").fetchone()[0]

    def full(dbapi, record):          # every connection the requests open: no page past these
        dbapi.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(store.db.engine, "connect", full)
    store.db.engine.dispose()         # the connections kept open go: the next ones are made with the limit
    try:
        # a long translation: its history row needs pages the database may no longer take
        answers = {how: save_as(client, token, how, items[how], f"Texto ({how}) " + "largo " * 2000)
                   for how in ("form", "fetch")}
    finally:
        event.remove(store.db.engine, "connect", full)
        store.db.engine.dispose()
    for how, answer in answers.items():
        assert answer.status_code == 507, (how, answer.status_code, answer.get_data(as_text=True)[:300])
        assert "Traceback" not in answer.get_data(as_text=True) and str(ws) not in answer.get_data(as_text=True)
    assert "disk is full" in answers["fetch"].get_json()["message"]
    assert path.read_bytes() == before and store.history() == history
    saved = save_as(client, token, "form", items["form"], "Texto (form)")      # room again: it lands
    assert saved.status_code in (200, 302) and entries(ws)["form"].msgstr == "Texto (form)"


# -- 3. a lock held by a stuck process --------------------------------------------------------------------

STUCK = """
import sys, time
from pathlib import Path
from localize import catalog
with catalog.locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def stuck_writer(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the catalog's lock (the writers' own primitive) and sleeping."""
    proc = subprocess.Popen([sys.executable, "-c", STUCK, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_lock_held_by_a_stuck_process_is_503_with_retry_after_then_the_save_lands(ws, web):
    app, client, token = web
    path = po_path(ws, "es")
    before = path.read_bytes()
    items = entries(ws)
    stuck = stuck_writer(path, 600)
    answers, took = {}, {}

    def save(how: str) -> None:
        own = app.test_client()
        if how != "api":
            own.set_cookie("localize_session", client.get_cookie("localize_session").value)
        start = time.monotonic()
        answers[how] = save_as(own, token, how, items[how], f"Texto ({how})")
        took[how] = time.monotonic() - start

    try:
        threads = [threading.Thread(target=save, args=(how,)) for how in WAYS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert path.read_bytes() == before, "a save went through a lock another process holds"
    finally:
        stuck.kill()
        stuck.wait()

    for how in WAYS:
        answer = answers[how]
        assert answer.status_code == 503, (how, answer.status_code, answer.get_data(as_text=True)[:300])
        assert 1 <= int(answer.headers["Retry-After"]) <= 30, how
        assert took[how] < 10, f"{how}: the answer took {took[how]:.1f} s"
        assert "being written by another process" in answer.get_data(as_text=True), how
    assert app.extensions["localize"].store.history() == [], "a refused save is in the history"
    assert path.read_bytes() == before

    for how in WAYS:                  # the lock is free: the same saves, from the same versions, land
        again = save_as(client, token, how, items[how], f"Texto ({how})")
        assert again.status_code in (200, 302), (how, again.status_code)
    now = entries(ws)
    assert {how: (now[how].msgstr, now[how].state) for how in WAYS} == \
        {how: (f"Texto ({how})", "needs review") for how in WAYS}
    assert len(app.extensions["localize"].store.history()) == 3
    assert_msgfmt_ok(path)
    print(f"\nstuck lock: 503 after {', '.join(f'{how} {took[how]:.1f} s' for how in WAYS)}")


def test_a_lock_held_for_a_moment_makes_the_save_wait_not_fail(ws, web):
    app, client, token = web
    path = po_path(ws, "es")
    item = entries(ws)["fetch"]
    stuck = stuck_writer(path, 1.0)
    try:
        start = time.monotonic()
        answer = save_as(client, token, "fetch", item, "Texto")
        waited = time.monotonic() - start
    finally:
        stuck.wait()
    assert answer.status_code == 200 and answer.get_json()["ok"] is True
    assert 0.5 < waited < 5, f"the save waited {waited:.1f} s"
    assert entries(ws)["fetch"].msgstr == "Texto"
    assert [c.new_msgstr for c in app.extensions["localize"].store.history()] == ["Texto"]
