"""Articles in the browser: an editor uploads HTML or Markdown, a real huey consumer runs the job, and its
page says what changed per language."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import polib

from conftest import SEED, assert_msgfmt_ok, snapshot
from localize import tasks
from test_jobs import consumer
from test_web_support import (  # noqa: F401  (fixtures)
    OTHER, SLUG, app, client_as, csrf_token, po_path, web_template, ws)

TWIN = Path(__file__).parent / "data" / "markdown" / "emotional-numbness.md"
HABIT = "Suppression that once helped can harden into a habit."


def upload(client, data: bytes, filename: str, slug: str = ""):
    token = csrf_token(client, "/articles/")
    return client.post("/articles/", data={"csrf_token": token, "slug": slug,
                                           "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def job_page(ws: Path, client, answer) -> str:
    """The upload's job, run to its end by a real consumer: its page."""
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    job_id = re.fullmatch(r".*/jobs/([0-9a-f]{32})", answer.headers["Location"]).group(1)
    jobs = tasks.Jobs.of(ws)
    with consumer(ws):
        deadline = time.monotonic() + 60
        while jobs.get(job_id).state not in ("done", "failed"):
            assert time.monotonic() < deadline, "the article job did not end"
            time.sleep(0.02)
    page = client.get(f"/jobs/{job_id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def counts(page: str, lang: str) -> dict[str, int]:
    row = re.search(rf'<tr data-lang="{lang}">(.*?)</tr>', page, re.S).group(1)
    return {k: int(re.search(rf'class="{k}">(\d+)<', row).group(1)) for k in ("new", "changed", "removed")}


def test_an_editor_adds_an_html_and_a_markdown_article(ws, client_as):
    ed = client_as("ed")
    answer = upload(ed, SEED.read_bytes(), "fresh.html")
    assert not (ws / "source" / "fresh.html").exists()     # queued: the worker puts it in place
    page = job_page(ws, ed, answer)
    template = polib.pofile(str(ws / "locales" / "fresh.pot"))
    for lang in ("es", "fr", "ar"):
        assert counts(page, lang) == {"new": len(template), "changed": 0, "removed": 0}
        assert_msgfmt_ok(po_path(ws, lang, "fresh"))
    page = job_page(ws, ed, upload(ed, TWIN.read_bytes(), "twin.md"))
    assert (ws / "source" / "twin.md").is_file()
    assert [e.msgid for e in polib.pofile(str(ws / "locales" / "twin.pot"))] == [e.msgid for e in template]
    assert counts(page, "es")["new"] == len(template)
    listing = ed.get("/articles/").get_data(as_text=True)
    assert "twin.md" in listing and "fresh.html" in listing
    assert listing.count('href="/jobs/') >= 2                          # the recent uploads, each its job
    job_page(ws, ed, upload(ed, b"---\ntitle: Sleep and mood\n---\n\nSleep matters.\n", "sleep.md"))
    assert "Sleep and mood" in ed.get("/").get_data(as_text=True)   # the dashboard names it by its title
    assert not any((ws / "instance" / "uploads").iterdir())          # no upload left waiting


def test_replacing_an_article_with_one_paragraph_changed_shows_one_changed(ws, client_as):
    po = polib.pofile(str(po_path(ws, "es")))
    entry = po.find(next(e.msgid for e in po if e.msgid.startswith(HABIT)))
    entry.msgstr = "La supresión que antes ayudaba puede volverse un hábito."
    po.save()
    changed = SEED.read_bytes().replace(HABIT.encode(), b"Suppression that once helped can become a habit.")
    ed = client_as("ed")
    page = job_page(ws, ed, upload(ed, changed, "whatever.html", slug=SLUG))
    assert counts(page, "es") == {"new": 0, "changed": 1, "removed": 0}
    after = polib.pofile(str(po_path(ws, "es")))
    stale = next(e for e in after if e.msgid.startswith("Suppression that once helped can become"))
    assert stale.previous_msgid.startswith(HABIT) and "fuzzy" in stale.flags
    assert_msgfmt_ok(po_path(ws, "es"))


BAD = [
    (b"\xff\xfe not text at all \x81", "broken.md", "", 400),
    (b"plain text", "notes.txt", "", 400),
    (b"---\ntitle: [unclosed\n---\n\nText.\n", "bad-front.md", "", 400),
    (b"<p>" + b"<div>" * 300 + b"deep" + b"</div>" * 300, "deep.html", "", 400),
    (b"> " * 300 + b"deep", "deep.md", "", 400),
    (b"<p>fine</p>", "fine.html", "Not A Slug!", 400),
    (b"# Again\n\nText.\n", "x.md", OTHER, 400),          # numbness-again.html exists
    (b"<p>" + b"a" * (11 * 1024 * 1024), "huge.html", "", 413),
]


def test_bad_uploads_are_refused_and_change_nothing(ws, client_as):
    ed = client_as("ed")
    before = snapshot(ws / "source"), snapshot(ws / "locales")
    for data, filename, slug, status in BAD:
        answer = upload(ed, data, filename, slug)
        assert answer.status_code == status, (filename, answer.status_code)
        assert "Traceback" not in answer.get_data(as_text=True)
        assert (snapshot(ws / "source"), snapshot(ws / "locales")) == before, filename
    clash = upload(ed, b"# Again\n", "x.md", OTHER).get_data(as_text=True)
    assert f"{OTHER}.html" in clash and f"{OTHER}.md" in clash
    assert tasks.Jobs.of(ws).recent(kind="article") == []          # refused before any job


def test_an_upload_that_no_longer_fits_when_its_job_runs_fails_and_changes_nothing(ws, client_as):
    ed = client_as("ed")
    answer = upload(ed, b"# Sleep\n\nSleep matters.\n", "sleep.md")
    (ws / "source" / "sleep.html").write_text("<p>Sleep matters.</p>", encoding="utf-8")   # meanwhile, by hand
    before = snapshot(ws / "source"), snapshot(ws / "locales")
    page = job_page(ws, ed, answer)
    assert tasks.Jobs.of(ws).recent(kind="article")[0].state == "failed"
    error = re.search(r'class="flash flash-error" data-error>([^<]*)<', page).group(1)
    assert "source/sleep.html" in error and "source/sleep.md" in error
    assert (snapshot(ws / "source"), snapshot(ws / "locales")) == before
    assert not any((ws / "instance" / "uploads").iterdir())


def test_the_jobs_json_carries_what_changed_and_only_editors_see_it(ws, client_as):
    ed = client_as("ed")
    page = job_page(ws, ed, upload(ed, b"# Sleep\n\nSleep matters.\n\nSo does rest.\n", "sleep.md"))
    job = tasks.Jobs.of(ws).recent(kind="article")[0]
    data = ed.get(f"/jobs/{job.id}", headers={"Accept": "application/json"}).get_json()["job"]
    assert data["state"] == "done" and data["kind"] == "article" and data["names"] == ["sleep"]
    assert sorted(data["report"]["es"]["new"]) == ["Sleep", "Sleep matters.", "So does rest."]
    assert 'href="/review/es/sleep"' in page
    for name in ("tina", "rita"):
        assert client_as(name).get(f"/jobs/{job.id}").status_code == 403


def test_translators_and_reviewers_may_not_and_csrf_is_required(ws, client_as):
    for name in ("tina", "rita"):
        client = client_as(name)
        assert client.get("/articles/").status_code == 403
        assert client.post("/articles/", data={"file": (io.BytesIO(b"<p>x</p>"), "x.html")},
                           content_type="multipart/form-data").status_code in (400, 403)
    ed = client_as("ed")
    before = snapshot(ws / "source")
    answer = ed.post("/articles/", data={"file": (io.BytesIO(b"<p>x</p>"), "x.html")},
                     content_type="multipart/form-data")
    assert answer.status_code == 400
    assert snapshot(ws / "source") == before
