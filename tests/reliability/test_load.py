"""Every writer at once, through a real gunicorn with 4 workers: nothing is lost, the history replays.

At the same time, on one Spanish catalog:

* 20 translators save through the API (``scale(25, 100)`` saves each), several on the
  same entries, each sending the version it last saw, so that 409s happen;
* ``localize draft`` drafts the whole catalog with Apertium;
* 10 paragraphs of the article change, and ``localize extract`` + ``localize update`` run;
* a copy of the catalog downloaded before the run comes back as an upload, with
  translations changed: of approved entries, of entries nobody touched since, of
  entries translators saved meanwhile, of untranslated ones the draft may reach first.

Afterwards: every save answered 200 is in the file, or a later recorded change of its
entry replaced it; every other save was answered 409 and is nowhere; approved entries
whose source did not change are byte-identical; changed ones are fuzzy with their
previous msgid; what the stale upload would have overwritten became suggestions; the
history replays from the starting catalog to the final one exactly; msgfmt --check
accepts the catalog.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polib
import pytest
import requests

from conftest import assert_msgfmt_ok
from drill import scale
from history_replay import replay_problems, states
from localize import po
from localize.accounts import Store
from localize.cli import main
from localize.jobs import REVISION
from localize.review import entry_id
from servers import Gunicorn

pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="the drafting job runs Apertium")

CLIENTS = scale(20, 20)
SAVES = scale(25, 100)
SLUG = "drill"
PARAGRAPHS = 120
APPROVED, REVIEW = range(0, 30), range(30, 60)            # the rest starts untranslated
CHANGED = [0, 1, 2, 3, 4, 30, 31, 32, 33, 34]             # 10 paragraphs whose source changes
UPLOAD_APPROVED = range(10, 15)                            # the stale copy changes approved work …
UPLOAD_UNTOUCHED = range(40, 45)                           # … entries nobody else touches …
UPLOAD_UNTRANSLATED = range(110, 115)                      # … untranslated ones the draft may reach first
POOL = [*range(45, 60), *range(60, 105)]                   # what translators save: 3 entries each
LOCALIZE = Path(sys.executable).parent / "localize"
TIMEOUT = 60
WORDS = ("quiet river window harbour meadow lantern letter garden bridge mirror orchard morning evening "
         "winter summer teacher doctor farmer sailor painter writer student market village city forest "
         "mountain valley island station kitchen library museum school church castle tower road street "
         "house door table chair book paper music story picture language country family friend neighbour "
         "bright narrow gentle hollow steady distant tender plain vivid careful patient honest simple "
         "ancient modern early late warm cold green blue yellow heavy light slow quick").split()


def sentence(rng: random.Random) -> str:
    words = rng.sample(WORDS, 9)
    return f"The {words[0]} {words[1]} sees the {words[2]} {words[3]} and the {words[4]} {words[5]} " \
           f"near a {words[6]} {words[7]} {words[8]}."


def paragraphs() -> list[str]:
    rng = random.Random(20261202)
    found: list[str] = []
    while len(found) < PARAGRAPHS:
        text = sentence(rng)
        if text not in found:
            found.append(text)
    return found


def changed(text: str) -> str:
    return text.removesuffix(".") + " once again."


def page(texts: list[str]) -> str:
    body = "\n".join(f"<p>{t}</p>" for t in texts)
    return (f'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Drill</title></head>\n'
            f"<body>\n<h1>The reliability drill</h1>\n{body}\n</body>\n</html>\n")


def po_path(root: Path) -> Path:
    return root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def build(root: Path, texts: list[str]) -> None:
    """The article, its Spanish catalog in three states (written as localize writes it), the accounts."""
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n'
                                         '[tool.localize.engines]\nes = "apertium"\n', encoding="utf-8")
    (root / "source" / f"{SLUG}.html").write_text(page(texts), encoding="utf-8")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    path = po_path(root)
    cat = po.parse(path.read_text(encoding="utf-8"), str(path))
    index = cat.index()
    for n in [*APPROVED, *REVIEW]:
        entry = index[(None, texts[n])]
        entry.msgstr = f"Traducción de partida del párrafo {n} de la prueba."
        entry.set_flag("fuzzy", n in REVIEW)
    path.write_text(po.dumps(cat), encoding="utf-8")
    assert_msgfmt_ok(path)


def blocks(path: Path) -> dict[str, str]:
    """msgid → the lines of its live entry as written in the file."""
    found = {}
    for part in path.read_text(encoding="utf-8").split("\n\n"):
        entry = polib.pofile(part + "\n", wrapwidth=0)
        live = [e for e in entry if not e.obsolete]
        if live:
            found[live[0].msgid] = part.strip("\n")
    return found


class Saves:
    """What the translators did: every save attempt and its final answer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.done = 0
        self.landed: list[dict] = []       # answered 200
        self.refused: list[dict] = []      # answered 409
        self.failed: list[dict] = []       # anything else
        self.busy = 0                      # 503 answers, retried after Retry-After

    def add(self, kind: str, attempt: dict) -> None:
        with self.lock:
            getattr(self, kind).append(attempt)
            self.done += 1


def test_saves_drafts_reextraction_and_a_stale_upload_at_once(tmp_path):
    root = tmp_path / "ws"
    texts = paragraphs()
    build(root, texts)
    store = Store(root / "instance" / "localize.sqlite3")
    tokens = []
    for i in range(CLIENTS):
        store.add_user(f"t{i:02d}", "translator", ["es"], "load drill password")
        tokens.append(store.new_token(f"t{i:02d}"))
    store.add_user("uploader", "translator", ["es"], "load drill password")
    upload_token = store.new_token("uploader")
    path = po_path(root)
    start_states, start_blocks = states(path), blocks(path)
    since = store.last_change()

    server = Gunicorn(root, workers=4)
    try:
        server.wait()
        url = server.url
        auth = {"Authorization": f"Bearer {upload_token}"}
        copy = requests.get(f"{url}/api/es/{SLUG}/catalog", headers=auth, timeout=TIMEOUT)
        assert copy.status_code == 200, copy.text[:500]
        listing = requests.get(f"{url}/api/es/{SLUG}/entries", headers=auth, timeout=TIMEOUT).json()["entries"]
        versions = {e["msgid"]: (e["id"], e["version"]) for e in listing}
        pool = [versions[texts[n]] for n in POOL]
        saves = Saves()
        total = CLIENTS * SAVES
        start = threading.Barrier(CLIENTS + 1, timeout=TIMEOUT)

        def client(i: int) -> None:
            s = requests.Session()
            s.headers["Authorization"] = f"Bearer {tokens[i]}"
            seen = dict(pool)                                   # entry id → the version this client last saw
            start.wait()
            own = [ident for ident, _v in pool[3 * i:3 * i + 3]]
            partners = [ident for ident, _v in pool[3 * (i ^ 1):3 * (i ^ 1) + 3]]
            for n in range(SAVES):
                ident = (partners if n % 4 == 3 else own)[n % 3]     # now and then, a colleague's entry
                text = f"Versión c{i:02d}-n{n:03d} del traductor"
                attempt = {"client": f"t{i:02d}", "entry": ident, "text": text, "sent": time.monotonic()}
                while True:
                    answer = s.post(f"{url}/api/es/{SLUG}/entries/{ident}", timeout=TIMEOUT,
                                    json={"action": "save", "version": seen[ident], "text": text})
                    if answer.status_code != 503:
                        break
                    with saves.lock:
                        saves.busy += 1
                    time.sleep(min(float(answer.headers.get("Retry-After", "1")), 2.0))
                attempt["answered"] = time.monotonic()
                if answer.status_code == 200:
                    seen[ident] = answer.json()["entry"]["version"]
                    saves.add("landed", attempt)
                elif answer.status_code == 409:
                    seen[ident] = answer.json()["current"]["version"]   # the editor shows theirs: go on from it
                    saves.add("refused", attempt)
                else:
                    attempt["answer"] = (answer.status_code, answer.text[:300])
                    saves.add("failed", attempt)

        others: dict[str, dict] = {}

        def when(fraction: float) -> None:
            while saves.done < total * fraction:
                time.sleep(0.02)

        def draft() -> None:
            when(0.0)
            began = time.monotonic()
            done = subprocess.run([str(LOCALIZE), "--root", str(root), "draft", "--lang", "es", "--engine", "apertium"],
                                  capture_output=True, text=True, timeout=600)
            others["draft"] = {"began": began, "ended": time.monotonic(), "code": done.returncode,
                               "output": done.stdout + done.stderr}

        def reextract() -> None:
            when(0.25)
            began = time.monotonic()
            edited = [changed(t) if n in CHANGED else t for n, t in enumerate(texts)]
            (root / "source" / f"{SLUG}.html").write_text(page(edited), encoding="utf-8")
            outputs, codes = [], []
            for command in (["extract"], ["update", "--lang", "es"]):
                done = subprocess.run([str(LOCALIZE), "--root", str(root), *command], capture_output=True,
                                      text=True, timeout=600)
                codes.append(done.returncode)
                outputs.append(done.stdout + done.stderr)
            others["reextract"] = {"began": began, "ended": time.monotonic(), "codes": codes, "output": outputs}

        def upload() -> None:
            when(0.5)
            with saves.lock:
                saved = list(dict.fromkeys(a["entry"] for a in saves.landed))[:10]
            by_id = {ident: msgid for msgid, (ident, _v) in versions.items()}
            changes = {texts[n]: f"Copia antigua: aprobada {n}" for n in UPLOAD_APPROVED}
            changes.update({texts[n]: f"Copia antigua: intacta {n}" for n in UPLOAD_UNTOUCHED})
            changes.update({texts[n]: f"Copia antigua: sin traducir {n}" for n in UPLOAD_UNTRANSLATED})
            changes.update({by_id[ident]: f"Copia antigua: guardada {k}" for k, ident in enumerate(saved)})
            cat = polib.pofile(copy.text, wrapwidth=0)
            for msgid, msgstr in changes.items():
                cat.find(msgid).msgstr = msgstr
            began = time.monotonic()
            answer = requests.post(f"{url}/api/es/{SLUG}/catalog", headers=auth, timeout=TIMEOUT,
                                   files={"file": (f"{SLUG}.po", str(cat).encode("utf-8"))})
            others["upload"] = {"began": began, "ended": time.monotonic(), "status": answer.status_code,
                                "report": answer.json(), "changes": changes, "saved": saved}

        began = time.monotonic()
        with ThreadPoolExecutor(CLIENTS + 3) as pool_:
            jobs = [pool_.submit(job) for job in (draft, reextract, upload)]
            runs = [pool_.submit(client, i) for i in range(CLIENTS)]
            start.wait()
            for run in runs:
                run.result()
            saves_ended = time.monotonic()
            for job in jobs:
                job.result()
        elapsed = time.monotonic() - began
        assert "Traceback" not in server.output(), server.output()[-3000:]
    finally:
        server.stop()

    final = path.read_text(encoding="utf-8")
    assert_msgfmt_ok(path)
    assert not list(path.parent.glob(f".{path.name}.*.tmp")), "temporary files left behind"
    changes = store.history("es", SLUG, since=since)

    # -- the other writers ran, during the saves
    assert others["draft"]["code"] == 0, others["draft"]["output"][-2000:]
    assert others["reextract"]["codes"] == [0, 0], others["reextract"]["output"]
    assert others["upload"]["status"] == 200, others["upload"]["report"]
    for name in ("draft", "reextract", "upload"):
        assert others[name]["began"] < saves_ended, f"{name} started after the saves were over"

    # -- every save: landed and still there (or replaced by a later recorded change), or 409 and nowhere
    assert not saves.failed, f"{len(saves.failed)} saves neither landed nor 409: {saves.failed[:3]}"
    rows_by_text = Counter((c.user, c.entry, c.new_msgstr) for c in changes if c.action == "save")
    last_row, following = {}, {}          # entry → its newest change; change → the next change of its entry
    for c in changes:
        if (c.old_msgstr, c.old_state) == (c.new_msgstr, c.new_state):
            continue                      # a suggestion made or dismissed: the entry as it was
        if c.entry in last_row:
            following[last_row[c.entry]] = c
        last_row[c.entry] = c.id
    now = {e.msgid: e for e in polib.pofile(str(path), wrapwidth=0) if not e.obsolete}
    now_by_id = {entry_id(e.msgctxt, e.msgid): e for e in now.values()}
    lost, in_file, replaced = [], 0, 0
    for attempt in saves.landed:
        key = (attempt["client"], attempt["entry"], attempt["text"])
        if rows_by_text[key] != 1:
            lost.append((attempt, f"{rows_by_text[key]} history rows"))
            continue
        row = next(c for c in changes if (c.user, c.entry, c.new_msgstr) == key and c.action == "save")
        current = now_by_id.get(attempt["entry"])
        if current is not None and current.msgstr == attempt["text"] and last_row[attempt["entry"]] == row.id:
            in_file += 1
        elif last_row[attempt["entry"]] > row.id and following[row.id].action == "save":
            replaced += 1                     # by a later save, which had seen this one (its version)
        else:
            lost.append((attempt, f"not in the file; then {following.get(row.id)}"))
    written = {c.new_msgstr for c in changes}
    for attempt in saves.refused:
        assert attempt["text"] not in written and attempt["text"] not in final, attempt
    attempted = len(saves.landed) + len(saves.refused)
    print(f"\nload drill: {CLIENTS} translators, {attempted} saves attempted in {elapsed:.1f} s: "
          f"{len(saves.landed)} landed ({in_file} still in the file, {replaced} replaced by a later save), "
          f"{len(saves.refused)} answered 409, {len(lost)} lost; {saves.busy} answers 503 retried")
    assert attempted == total
    assert not lost, f"{len(lost)} saves answered 200 are lost: {lost[:3]}"
    assert saves.refused and saves.landed

    # -- approved entries whose source did not change: byte-identical; changed ones: stale, previous msgid kept
    final_blocks = blocks(path)
    for n in APPROVED:
        if n not in CHANGED:
            assert final_blocks[texts[n]] == start_blocks[texts[n]], f"approved entry {n} changed"
    for n in CHANGED:
        entry = now[changed(texts[n])]
        assert "fuzzy" in entry.flags and entry.previous_msgid == texts[n], (n, str(entry))
        assert entry.msgstr == f"Traducción de partida del párrafo {n} de la prueba."
        assert texts[n] not in now

    # -- the stale upload: conflicts became suggestions, never overwrites of newer work
    report, upload_changes = others["upload"]["report"], others["upload"]["changes"]
    suggestions = {s.msgid: s for s in store.suggestions("es", SLUG)}
    for n in UPLOAD_APPROVED:
        assert texts[n] in report["conflicts"]
        assert suggestions[texts[n]].text == upload_changes[texts[n]] and suggestions[texts[n]].user == "uploader"
    for ident in others["upload"]["saved"]:
        msgid = now_by_id[ident].msgid
        assert msgid in report["changed"], msgid
        assert suggestions[msgid].text == upload_changes[msgid]
    for n in UPLOAD_UNTOUCHED:
        assert now[texts[n]].msgstr == upload_changes[texts[n]] and "fuzzy" in now[texts[n]].flags
    uploads = [c for c in changes if c.action == "upload"]
    assert uploads and report["updated"] == len(uploads)
    stamp = revision_of(copy.text)
    for row in uploads:
        newer = [c for c in changes if c.entry == row.entry and stamp < c.id < row.id
                 and (c.old_msgstr, c.old_state) != (c.new_msgstr, c.new_state)]
        assert not newer, f"the stale upload overwrote {row.msgid!r}, changed since the copy by {newer[0].action}"

    # -- the draft covered the whole catalog; every writer is in the history, which replays exactly
    assert not [e for e in now.values() if not e.msgstr], "untranslated entries after the draft"
    actions = Counter(c.action for c in changes)
    assert actions["draft"] and actions["update"] and actions["upload"] and actions["suggest"]
    problems = replay_problems(changes, start_states, states(path))
    assert not problems, "\n".join(problems[:10])
    print(f"  draft {actions['draft']} entries, re-extraction {actions['update']} changes, upload "
          f"{report['updated']} updated / {len(report['conflicts'])} approved kept / {len(report['changed'])} "
          f"changed-since kept as {len(report['suggestions'])} suggestions; {len(changes)} history rows replayed")


def revision_of(text: str) -> int:
    """The X-Localize-Revision a downloaded catalog carries."""
    line = next(line for line in text.splitlines() if line.startswith(f'"{REVISION}: '))
    return int(line.removeprefix(f'"{REVISION}: ').removesuffix('\\n"'))
