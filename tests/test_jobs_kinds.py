"""The other kinds of job on the queue: checking a language, refreshing the catalogs from changed sources,
importing a catalog; started from the UI's forms and the JSON API, run by a real huey consumer, with who
may start and see each, and bad input refused before anything is queued."""

from __future__ import annotations

import re

import polib
import pytest

from localize import tasks
from localize.history import entry_id
from test_api import COPY, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)
from test_jobs import consumer, wait_for

HEADING = entry_id(None, "Why this happens")


def start(site, who: str, kind: str, body: dict | None = None, **kwargs):
    return site.call(who, "POST", f"/api/jobs/{kind}", body, **kwargs)


# -- check ------------------------------------------------------------------------------------------

def test_a_check_job_counts_what_the_checks_find_and_lists_the_errors_first(site):
    cat = polib.pofile(str(site.po("es")), wrapwidth=0)
    broken = next(e for e in cat if 'href="#ref-2"' in e.msgid)
    broken.msgstr = "Una traducción sin el enlace."   # the citation link left out: an error
    heading = next(e for e in cat if e.msgid == "Why this happens")
    heading.msgstr = "Por qué ocurre esto"
    cat.save(str(site.po("es")))
    answer = start(site, "rita", "check", {"lang": "es"})
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job_id = answer.get_json()["job"]["id"]
    with consumer(site.root):
        job = wait_for(site, job_id)
    assert job["state"] == "done", job["error"]
    report = job["report"]
    assert report["errors"] >= 1 and report["articles"][SLUG]["errors"] >= 1
    assert report["articles"][COPY] == {"errors": 0, "warnings": 0}
    first = report["listed"][0]
    assert first["blocking"] and first["article"] == SLUG and first["entry"] == entry_id(None, broken.msgid)

    page = site.login("rita").get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f"/review/es/{SLUG}/{first['entry']}" in page
    assert re.search(r'data-slug="emotional-numbness">.*?class="errors">[1-9]', page, re.S)


def test_checks_are_for_reviewers_of_the_language(site):
    assert start(site, "tom", "check", {"lang": "es"}).status_code == 403   # a translator
    assert start(site, "rita", "check", {"lang": "fr"}).status_code == 403  # a reviewer of es only
    answer = start(site, "rita", "check", {"lang": "es", "slugs": ["no-such-article"]})
    assert answer.status_code in (400, 404) and "no article" in answer.get_json()["error"]
    assert tasks.Jobs.of(site.root).recent() == []   # nothing queued


def test_a_check_started_from_the_jobs_page_goes_to_its_job(site):
    client = site.login("rita")
    page = client.get("/jobs/").get_data(as_text=True)
    assert 'action="/jobs/check"' in page and 'action="/jobs/extract"' not in page   # no refresh for a reviewer
    answer = client.post("/jobs/check", data={"csrf_token": client.csrf, "lang": "es"})
    assert answer.status_code == 303
    again = client.post("/jobs/check", data={"csrf_token": client.csrf, "lang": "es"})
    assert again.headers["Location"] == answer.headers["Location"]   # queued already: the same job
    assert client.post("/jobs/check", data={"csrf_token": client.csrf, "lang": "fr"}).status_code == 403


# -- extract ------------------------------------------------------------------------------------------

def test_refreshing_merges_sources_changed_on_disk_and_reports_it(site):
    for lang in ("es", "fr", "ar"):   # a translated heading: a changed source keeps it as a draft to review
        cat = polib.pofile(str(site.po(lang)), wrapwidth=0)
        next(e for e in cat if e.msgid == "Why this happens").msgstr = f"{lang}: why"
        cat.save(str(site.po(lang)))
    source = site.root / "source" / f"{SLUG}.html"
    text = source.read_text(encoding="utf-8")
    assert "<h2>Why this happens</h2>" in text
    source.write_text(text.replace("<h2>Why this happens</h2>", "<h2>Why this happens to people</h2>")
                          .replace("</h1>", "</h1>\n<p>A paragraph added by hand.</p>", 1), encoding="utf-8")
    client = site.login("eve")
    page = client.get("/jobs/").get_data(as_text=True)
    assert 'action="/jobs/extract"' in page
    answer = client.post("/jobs/extract", data={"csrf_token": client.csrf})
    assert answer.status_code == 303
    job_id = answer.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    with consumer(site.root):
        job = wait_for(site, job_id)
    assert job["state"] == "done", job["error"]
    assert set(job["report"]) == {SLUG}   # the copy did not change
    for lang in ("es", "fr", "ar"):
        found = job["report"][SLUG][lang]
        assert found["new"] == ["A paragraph added by hand."]
        assert found["changed"] == ["Why this happens to people"] and found["removed"] == []
    es = {e.msgid: e for e in polib.pofile(str(site.po("es")))}
    assert "A paragraph added by hand." in es and es["Why this happens to people"].previous_msgid == "Why this happens"
    shown = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert f'data-slug="{SLUG}" data-lang="es"' in shown


def test_refreshing_is_for_editors_and_names_known_articles(site):
    assert start(site, "rita", "extract", {}).status_code == 403
    assert start(site, "eve", "extract", {"slugs": ["nope"]}).status_code in (400, 404)
    assert start(site, "eve", "extract", {"slugs": "all"}).status_code == 400
    answer = start(site, "eve", "extract", {"slugs": [COPY]})
    assert answer.status_code == 202
    job = answer.get_json()["job"]
    assert site.call("rita", "GET", f"/api/jobs/{job['id']}").status_code == 403   # about every language


def test_a_refresh_whose_source_broke_meanwhile_fails_naming_it_and_changes_nothing(site):
    answer = start(site, "eve", "extract", {})
    assert answer.status_code == 202
    (site.root / "source" / f"{SLUG}.html").write_bytes(b"\xff\xfe not an article")
    before = {p: p.read_bytes() for p in (site.root / "locales").rglob("*.po*")}
    with consumer(site.root):
        job = wait_for(site, answer.get_json()["job"]["id"])
    assert job["state"] == "failed" and SLUG in job["error"]
    assert {p: p.read_bytes() for p in (site.root / "locales").rglob("*.po*")} == before


# -- import ---------------------------------------------------------------------------------------------

def _translated_copy(site, tmp_path, text: str):
    cat = polib.pofile(str(site.po("es")), wrapwidth=0)
    next(e for e in cat if e.msgid == "Why this happens").msgstr = text
    out = tmp_path / "mine.po"
    cat.save(str(out))
    return out


def test_a_catalog_imported_as_a_job_lands_as_the_uploaders_saves(site, tmp_path):
    upload = _translated_copy(site, tmp_path, "Por qué ocurre esto")
    with upload.open("rb") as sent:
        answer = start(site, "tom", "import", data={"lang": "es", "slug": SLUG, "file": (sent, "mine.po")},
                       content_type="multipart/form-data")
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job_id = answer.get_json()["job"]["id"]
    assert list((site.root / "instance" / "uploads").glob(f"{job_id}.po"))   # waits for the worker
    with consumer(site.root):
        job = wait_for(site, job_id)
    assert job["state"] == "done", job["error"]
    assert job["report"]["updated"] == 1
    entry = site.entry("es", HEADING)
    assert entry.msgstr == "Por qué ocurre esto" and entry.state == "needs review"
    assert [c.user for c in site.store.history("es", SLUG, HEADING)] == ["tom"]
    assert not list((site.root / "instance" / "uploads").glob(f"{job_id}.*"))   # the upload is gone
    page = site.login("tom").get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "1 updated" in page


def test_an_import_is_refused_before_it_is_queued_when_it_is_no_catalog_or_not_allowed(site, tmp_path):
    bad = tmp_path / "bad.po"
    bad.write_text('msgid "a"\nmsgstr "unterminated\n', encoding="utf-8")
    with bad.open("rb") as sent:
        answer = start(site, "tom", "import", data={"lang": "es", "slug": SLUG, "file": (sent, "bad.po")},
                       content_type="multipart/form-data")
    assert answer.status_code == 400 and "bad.po" in answer.get_json()["error"]
    good = _translated_copy(site, tmp_path, "Hola")
    with good.open("rb") as sent:
        answer = start(site, "tom", "import", data={"lang": "fr", "slug": SLUG, "file": (sent, "mine.po")},
                       content_type="multipart/form-data")
    assert answer.status_code == 403
    assert start(site, "tom", "import", data={"lang": "es"}, content_type="multipart/form-data").status_code == 400
    assert tasks.Jobs.of(site.root).recent() == []
    assert not (site.root / "instance" / "uploads").exists() or not list((site.root / "instance" / "uploads").iterdir())


def test_an_import_whose_uploader_lost_the_right_meanwhile_fails_and_writes_nothing(site, tmp_path):
    upload = _translated_copy(site, tmp_path, "Por qué ocurre esto")
    with upload.open("rb") as sent:
        answer = start(site, "tom", "import", data={"lang": "es", "slug": SLUG, "file": (sent, "mine.po")},
                       content_type="multipart/form-data")
    job_id = answer.get_json()["job"]["id"]
    site.store.set_disabled("tom", True)
    before = site.po("es").read_bytes()
    with consumer(site.root):
        job = wait_for(site, job_id)
    assert job["state"] == "failed" and "tom may no longer save in es" in job["error"]
    assert site.po("es").read_bytes() == before


@pytest.mark.parametrize("kind, args", [("check", ("es", [])), ("extract", ([],))])
def test_a_job_delivered_twice_runs_once(site, kind, args):
    job = (tasks.start_check(site.app.extensions["localize"].workspace, *args, "rita") if kind == "check"
           else tasks.start_extract(site.app.extensions["localize"].workspace, *args, "eve"))
    function = tasks.check_language if kind == "check" else tasks.refresh_catalogs
    function(str(site.root), *args, job.id)
    first = tasks.Jobs.of(site.root).get(job.id)
    function(str(site.root), *args, job.id)   # the queue delivered it again
    again = tasks.Jobs.of(site.root).get(job.id)
    assert first.state == "done" and again.finished == first.finished and again.report == first.report
