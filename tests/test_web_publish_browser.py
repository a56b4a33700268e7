"""Publishing in a real browser (Debian's Chromium through Playwright), with a real huey consumer: an editor
approves the last Spanish entries, publishes, watches the job finish and the dashboard change; a translator
is refused."""

from __future__ import annotations

import re

import playwright.sync_api as playwright

from browsers import browser, served  # noqa: F401  (browser: a fixture)
from localize.editions import record
from test_api import PASSWORD, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)
from test_jobs import consumer
from test_web_publish import approve_all

expect = playwright.expect
LAST = {"Why this happens": "Por qué ocurre esto", "The nuance": "El matiz"}


def login(browser, base: str, name: str):
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(base + "/")
    return page, errors


def test_an_editor_approves_the_last_entries_publishes_and_sees_the_dashboard_change(site, browser):
    approve_all(site.po("es"))
    for item in site.review.items("es", SLUG):   # ada rewrites two: they need a reviewer again
        if item.msgid in LAST:
            site.prepare("es", item.id, LAST[item.msgid])
    with served(site.app) as base, consumer(site.root):
        page, errors = login(browser, base, "eve")
        cell = page.locator(f"#edition-es-{SLUG}")
        expect(cell).to_contain_text("Not published")

        page.goto(f"{base}/publish/es/{SLUG}")
        expect(page.locator("#gate-verdict")).to_have_class("blocked")
        page.click("#gate-approved a")                              # the queue, filtered to what blocks
        page.wait_for_url(re.compile(rf"/review/es/{SLUG}\?state=review$"))
        expect(page.locator("#bulk-count")).to_have_text("2")
        page.click("#bulk-approve")
        page.click("#bulk-confirm-button")
        expect(page.locator("body")).to_contain_text("2 approved; 0 skipped")
        assert {i.msgid: i.state for i in site.review.items("es", SLUG) if i.msgid in LAST} == \
            {text: "approved" for text in LAST}

        page.goto(f"{base}/publish/es/{SLUG}")
        expect(page.locator("#gate-verdict")).to_have_class("passes")
        page.click("#publish-button")
        page.wait_for_url(re.compile(r"/jobs/[0-9a-f]{32}$"))
        expect(page.locator("#job-outcome")).to_contain_text("Published.", timeout=60_000)
        expect(page.locator("#edition-link")).to_have_attribute("href", f"/es/{SLUG}/")

        page.click("#edition-link")                                 # the reader's page, as readers get it
        expect(page.locator("h2", has_text="Por qué ocurre esto")).to_be_visible()
        page.goto(base + "/")
        expect(cell).to_contain_text("Published")
        expect(cell).to_contain_text("by eve")
        assert [a.user for a in record.Publications.of(site.root).history("es", SLUG)] == ["eve"]
        assert errors == []

        translator, _ = login(browser, base, "tom")
        expect(translator.locator(f"#edition-es-{SLUG}")).to_contain_text("Published")
        assert translator.locator(f"#edition-es-{SLUG} a.publish").count() == 0
        assert translator.goto(f"{base}/publish/es/{SLUG}").status == 403
        translator.goto(base + "/")
        token = translator.locator("input[name=csrf_token]").first.get_attribute("value")
        for path in (f"/publish/es/{SLUG}", f"/publish/es/{SLUG}/withdraw"):
            answer = translator.request.post(base + path, form={"csrf_token": token, "confirm": "yes"})
            assert answer.status == 403
        assert len(record.Publications.of(site.root).history("es", SLUG)) == 1
