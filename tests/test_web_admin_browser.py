"""Accounts and API tokens in a real browser (Debian's Chromium through Playwright), over a real server.

An admin adds a translator for Spanish through the Users page; the translator logs
in, makes an API token (shown once, copied with the button), uses it against the
API, finds it listed without its secret, and revokes it; the token is refused after.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from browsers import CHROMIUM, browser, served  # noqa: F401  (browser: a fixture)
from test_web_support import SLUG, make_app, password, web_template, ws  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's Chromium")
WAIT = 10_000


@pytest.fixture
def server(ws):
    app = make_app(ws)
    with served(app) as base:
        yield base, app.extensions["localize"]



def login(browser, base: str, name: str, secret: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    page.set_default_timeout(WAIT)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(base + "/login")
    page.fill("#name", name)
    page.fill("#password", secret)
    page.click("button.primary")
    page.wait_for_url(base + "/")
    return page, errors


def test_an_admin_adds_a_translator_who_makes_and_revokes_a_token(server, browser):
    base, local = server
    admin, admin_errors = login(browser, base, "ada", password("ada"))
    admin.get_by_role("link", name="Users").click()
    admin.wait_for_url(base + "/admin/users")
    admin.get_by_label("Name", exact=True).fill("nadia")
    admin.get_by_label("Password", exact=True).fill("nadia-password")
    admin.get_by_label("Roles per language", exact=True).check()
    admin.get_by_label("Spanish (es)").select_option("translator")
    admin.get_by_role("button", name="Add the account").click()
    admin.wait_for_url(base + "/admin/users/nadia")
    expect(admin.locator("#status")).to_contain_text("Account nadia added.")
    expect(admin.get_by_label("Spanish (es)")).to_have_value("translator")
    nadia = local.store.user("nadia")
    assert nadia.roles == (("es", "translator"),) and not nadia.may("approve", "es")

    page, errors = login(browser, base, "nadia", "nadia-password")
    expect(page.get_by_role("link", name="Users")).to_have_count(0)       # not an admin
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url(base + "/account/tokens")
    expect(page.locator("main")).to_contain_text("You have no API tokens.")
    page.get_by_label("Label").fill("my laptop")
    page.get_by_label("Expires", exact=True).select_option("30")
    page.get_by_role("button", name="Make the token").click()
    field = page.locator("#new-token")
    expect(field).to_be_visible()
    token = field.input_value()
    assert token.startswith("lz_")
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#new-token-copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == token

    answer = requests.get(base + "/api/status", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200 and answer.json()["user"]["name"] == "nadia"

    page.goto(base + "/account/tokens")                                    # shown once: not again
    assert token not in page.content()
    row = page.locator("tr", has_text="my laptop")
    expect(row).to_contain_text("active")
    row.get_by_role("button", name="Revoke").click()
    page.wait_for_url(base + "/account/tokens")
    expect(page.locator("#status")).to_contain_text("revoked")
    expect(page.locator("tr", has_text="my laptop")).to_contain_text("revoked")
    answer = requests.get(base + "/api/status", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 401
    assert [t.state() for t in local.store.tokens("nadia")] == ["revoked"]

    # the same page in the Arabic UI: right to left, every control still labelled
    page.select_option("#ui-language", "ar")
    page.locator("form.ui-language button").click()
    page.wait_for_url(base + "/account/tokens")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#token-label")).to_be_visible()
    assert admin_errors == [] and errors == []
