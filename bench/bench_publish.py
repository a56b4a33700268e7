#!/usr/bin/env python3
"""Publishing one article in one language from the UI, HTML and PDF, the job included.

A workspace with the seed article (source/emotional-numbness.html) approved in Spanish and
an editor account; gunicorn (--workers web workers) and `localize worker` (the job
consumer), as `localize serve` runs them, on loopback. Each run, after letting the disk
settle (so the worker is idle, as it is when a person clicks): POST the publish form of
/publish/es/<slug> with a logged-in session, then poll /api/jobs/<id> until the job is
done: the time from the click to the edition on the site. Every run is checked: the job
published HTML and PDF, the index lists the edition, a publication is recorded with the
SHA-256 of the manifest on disk, and the edition's manifest is new.

The peer, in the same run and interleaved: `localize export --lang es --slug <slug>`
(HTML and PDF) as a whole process, on the same workspace.

Prints the first publish (a cold worker) apart, the medians of --runs runs (at least 5),
the ratio, and PASS/MISS against the target: median < 1 s.

Usage: bench/bench_publish.py [--runs 7] [--workers 2] [--work DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench_review import free_port, login, stop_server
from common import REPO, timed, tool

TARGET = 1.0
SLUG = "emotional-numbness"
EDITOR = "ed"
PASSWORD = "bench review password"   # bench_review.login logs in with it
TIMEOUT = 60


def build(root: Path) -> None:
    """The workspace: the seed article, every Spanish entry approved (as a PO editor would), an editor."""
    sys.path.insert(0, str(REPO))
    import polib

    from localize.accounts import Store
    from localize.cli import main

    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n',
                                         encoding="utf-8")
    shutil.copy(REPO / "source" / f"{SLUG}.html", root / "source" / f"{SLUG}.html")
    quiet = open(os.devnull, "w")
    saved, sys.stdout = sys.stdout, quiet
    try:
        if main(["--root", str(root), "extract"]) != 0 or main(["--root", str(root), "update"]) != 0:
            sys.exit("bench: localize extract/update failed")
    finally:
        sys.stdout = saved
        quiet.close()
    path = root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if not entry.obsolete:
            entry.msgstr = "ES " + entry.msgid
    cat.save(str(path))
    Store(root / "instance" / "localize.sqlite3").add_user(EDITOR, "editor", [], PASSWORD)


def start(root: Path, workers: int, logs: Path) -> tuple[subprocess.Popen, subprocess.Popen, str]:
    """gunicorn and the job worker, as `localize serve` starts them; the base URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LOCALIZE_ROOT": str(root), "LOCALIZE_SECRET_KEY": "bench-" + os.urandom(16).hex()}
    with (logs / "gunicorn.log").open("wb") as sink:
        web = subprocess.Popen([tool("gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                                "--no-control-socket", "web:create_app()"],
                               cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    with (logs / "worker.log").open("wb") as sink:
        worker = subprocess.Popen([tool("localize"), "--root", str(root), "worker"], env=env, stdout=sink,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for proc, name in ((web, "gunicorn"), (worker, "worker")):
            if proc.poll() is not None:
                sys.exit(f"bench: {name} exited ({proc.returncode}): "
                         f"{(logs / f'{name}.log').read_text(errors='replace')[-1500:]}")
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return web, worker, url
        except requests.RequestException:
            pass
        time.sleep(0.1)
    stop_server(web)
    stop_server(worker)
    sys.exit("bench: gunicorn did not answer /healthz within 30 s")


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(f"{url}/publish/es/{SLUG}", timeout=TIMEOUT)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if page.status_code != 200 or found is None:
        sys.exit(f"bench: the publish page answered {page.status_code} without a form")
    if 'id="gate-verdict" class="passes"' not in page.text:
        sys.exit("bench: the publish gate does not pass on the bench's workspace")
    return found.group(1)


def settle() -> None:
    subprocess.run(["sync"], check=True)
    time.sleep(1.0)


def publish(session: requests.Session, url: str, token: str) -> tuple[float, str]:
    """Click Publish and wait for the job to be done: seconds, and the job's id."""
    start = time.perf_counter()
    answer = session.post(f"{url}/publish/es/{SLUG}", data={"csrf_token": token, "pdf": "1"},
                          allow_redirects=False, timeout=TIMEOUT)
    if answer.status_code != 303:
        sys.exit(f"bench: publishing answered {answer.status_code}: {answer.text[:300]}")
    job_id = answer.headers["Location"].rsplit("/", 1)[1]
    while True:
        job = session.get(f"{url}/api/jobs/{job_id}", timeout=TIMEOUT).json()["job"]
        if job["state"] in ("done", "failed"):
            elapsed = time.perf_counter() - start
            break
        if time.perf_counter() - start > TIMEOUT:
            sys.exit(f"bench: job {job_id} still {job['state']} after {TIMEOUT} s")
        time.sleep(0.01)
    if (job["state"], job["outcome"], job["formats"]) != ("done", "published", ["html", "pdf"]):
        sys.exit(f"bench: the job did not publish HTML and PDF: {job}")
    return elapsed, job_id


def check(root: Path, job_id: str, made_before: str | None) -> str:
    """The edition is listed, its PDF a PDF, its manifest new and recorded with its hash; the manifest's date."""
    from localize.editions import record
    from localize.editions.store import read_index

    folder = root / "out" / "editions"
    index = read_index(folder)
    manifest_path = folder / "es" / f"{SLUG}.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    acts = [a for a in record.Publications.of(root).history("es", SLUG) if a.job == job_id]
    ok = "es" in index["articles"].get(SLUG, {}) and (folder / "es" / f"{SLUG}.pdf").read_bytes()[:5] == b"%PDF-" \
        and len(acts) == 1 and acts[0].manifest_sha256 == hashlib.sha256(manifest_path.read_bytes()).hexdigest() \
        and set(manifest["files"]) == {"html", "pdf"}
    if not ok:
        sys.exit(f"bench: job {job_id}: the edition on disk is not the one the job recorded")
    if made_before is not None and manifest["created"] <= made_before:
        sys.exit(f"bench: job {job_id} left the edition of {made_before} in place")
    return manifest["created"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each side (at least 5)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--work", help="working folder (default: a new temporary folder, removed at the end)")
    args = ap.parse_args()
    if args.runs < 5:
        sys.exit("bench: --runs must be at least 5")
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-publish-"))
    work.mkdir(parents=True, exist_ok=True)
    root = work / "ws"
    if root.exists():
        shutil.rmtree(root)
    build(root)
    web, worker, url = start(root, args.workers, work)
    try:
        session = login(url, EDITOR)
        token = csrf(session, url)
        settle()
        first, job_id = publish(session, url, token)   # a cold worker; the English edition comes along
        made = check(root, job_id, None)
        ui, cli = [], []
        export = [tool("localize"), "--root", str(root), "export", "--lang", "es", "--slug", SLUG]
        for _ in range(args.runs):
            settle()
            seconds, job_id = publish(session, url, token)
            ui.append(seconds)
            made = check(root, job_id, made)
            cli.append(timed(export))
    finally:
        stop_server(web)
        stop_server(worker)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    median_ui, median_cli = statistics.median(ui), statistics.median(cli)
    print(f"publish es/{SLUG} from the UI (HTML + PDF, POST → job done, real worker), {args.runs} runs")
    print(f"  first publish (cold worker, English edition made too): {first:.3f} s")
    print(f"  UI median {median_ui:.3f} s (min {min(ui):.3f}, max {max(ui):.3f})")
    print(f"  peer: localize export --lang es --slug {SLUG} (whole process) median {median_cli:.3f} s "
          f"(min {min(cli):.3f}, max {max(cli):.3f})")
    print(f"  ratio CLI / UI: {median_cli / median_ui:.2f}×")
    verdict = "PASS" if median_ui < TARGET else "MISS"
    print(f"{verdict}: UI median {median_ui:.3f} s against the target < {TARGET:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
