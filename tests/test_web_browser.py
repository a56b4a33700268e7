"""The editor's script in a real browser (Chromium through Playwright): keys, fetch saves, the 409 panel, the preview.

Chromium is Debian's, installed by the test set-up (scripts/setup test); everything
here also works without script, which the other web tests check through the forms.
"""

from __future__ import annotations

import playwright.sync_api as playwright
import pytest

from browsers import browser, served  # noqa: F401  (browser: a fixture)
from test_web_support import SLUG, find, make_app, password, prepare, web_template, ws  # noqa: F401

expect = playwright.expect


@pytest.fixture
def server(ws):
    app = make_app(ws)
    with served(app) as base:
        yield base, app.extensions["localize"]



def login(browser, base: str, name: str):
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/login")
    page.fill("#name", name)
    page.fill("#password", password(name))
    page.click("button.primary")
    page.wait_for_url(base + "/")
    return page, errors


def test_keys_fetch_saves_the_conflict_panel_and_the_preview(server, browser):
    base, local = server
    page, errors = login(browser, base, "tina")
    page.goto(f"{base}/review/es/{SLUG}")
    page.frame_locator("#preview").locator("h2", has_text="What the research actually shows").click()
    heading = find(local, "What the research actually shows")
    page.wait_for_url(f"{base}/review/es/{SLUG}/{heading.id}")          # a click in the preview opens the entry

    page.fill("#text", "Lo que muestra la investigación")
    page.keyboard.press("Control+s")                                    # saved through fetch(), no reload
    expect(page.locator("#entry-state")).to_have_text("needs review")
    expect(page.locator("#status")).to_contain_text("Saved")
    assert find(local, "What the research actually shows").msgstr == "Lo que muestra la investigación"

    prepare(local, "What the research actually shows", text="Lo que dice la investigación", user="rita")
    page.fill("#text", "Lo que enseña la investigación")
    page.keyboard.press("Control+s")                                    # someone saved meanwhile: 409
    page.wait_for_selector("#conflict")
    assert "Lo que dice la investigación" in page.inner_text("#conflict")
    page.click("#conflict [data-choice=mine]")                          # keep mine: saved on theirs
    page.wait_for_selector("#conflict", state="detached")
    expect(page.locator("#status")).to_contain_text("Saved")
    assert find(local, "What the research actually shows").msgstr == "Lo que enseña la investigación"

    page.keyboard.press("Alt+ArrowDown")
    following = local.review.items("es", SLUG)[heading.position + 1]
    page.wait_for_url(f"{base}/review/es/{SLUG}/{following.id}")
    page.keyboard.press("Alt+ArrowUp")
    page.wait_for_url(f"{base}/review/es/{SLUG}/{heading.id}")

    reviewer, more_errors = login(browser, base, "rafa")
    reviewer.goto(f"{base}/review/es/{SLUG}/{heading.id}")
    reviewer.focus("#text")
    reviewer.keyboard.press("Control+Enter")                            # approve, then on to the next entry
    reviewer.wait_for_url(f"{base}/review/es/{SLUG}/{following.id}")
    assert find(local, "What the research actually shows").state == "approved"
    assert errors == [] and more_errors == []


def test_a_translator_takes_the_catalog_to_a_cat_tool_as_xliff_and_brings_it_back(server, browser, tmp_path):
    """In the browser: the queue page's XLIFF link downloads the catalog, a CAT tool fills in a target (a
    script, editing the XLIFF as one would), the upload form takes the file back, and the page says what
    came in; the translation is the translator's work, needing review."""
    from lxml import etree

    base, local = server
    page, errors = login(browser, base, "tina")
    page.goto(f"{base}/review/es/{SLUG}")
    with page.expect_download() as info:
        page.click("#download-xliff")
    download = info.value
    assert download.suggested_filename == f"{SLUG}.es.xlf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    tree = etree.parse(str(path))
    segment = next(s for s in tree.getroot().iter(ns + "segment") if s.findtext(ns + "source") == "The nuance")
    target = segment.find(ns + "target")
    if target is None:
        target = etree.SubElement(segment, ns + "target")
    target.text = "El matiz"
    segment.set("state", "translated")
    segment.attrib.pop("subState", None)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")

    page.set_input_files("#upload-file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url(f"{base}/review/es/{SLUG}")
    expect(page.locator("body")).to_contain_text(f"Uploaded {SLUG}.es.xlf: 1 updated")
    entry = find(local, "The nuance")
    assert entry.msgstr == "El matiz" and entry.state == "needs review"
    assert errors == []


def test_a_reviewer_keeps_the_glossary_in_the_browser(server, browser):
    """In the browser: a reviewer adds a required translation and a forbidden one for a term, sees both in the
    table, removes the forbidden one; a translator sees the terms but no form. glossary.toml holds the result."""
    from localize import glossary

    base, local = server
    page, errors = login(browser, base, "rita")
    page.click("nav >> text=Glossary")
    page.wait_for_url(f"{base}/glossary/es")
    for kind, translation in (("required", "agotamiento"), ("forbidden", "quemazón")):
        page.fill("#term", "burnout")
        page.select_option("#kind", kind)
        page.fill("#translation", translation)
        page.click("#term-form button[type=submit]")
        page.wait_for_url(f"{base}/glossary/es")
        expect(page.locator("table.glossary-terms")).to_contain_text(translation)
    page.locator("tr.term-forbidden", has_text="burnout").locator("button").click()
    page.wait_for_url(f"{base}/glossary/es")
    expect(page.locator("table.glossary-terms")).not_to_contain_text("quemazón")
    terms = glossary.for_workspace(local.workspace)
    assert terms.required("es")["burnout"] == "agotamiento" and terms.forbidden_for("es") == {}

    translator, more_errors = login(browser, base, "tina")
    translator.goto(f"{base}/glossary/es")
    expect(translator.locator("table.glossary-terms")).to_contain_text("agotamiento")
    assert translator.locator("#term-form").count() == 0
    assert errors == [] and more_errors == []
