"""A reader in Debian's Chromium on the real app: the fallback note, the list of languages, and the
choice the switcher remembers."""

from __future__ import annotations

import shutil

import polib
import pytest

from browsers import browser, served  # noqa: F401  (browser: a fixture)
from conftest import SEED
from localize.cli import main

sync_api = pytest.importorskip("playwright.sync_api")

SLUG = "emotional-numbness"
WAIT = 10_000   # ms: every wait of the browser


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The seed article published in English and Spanish only (Arabic is a language of the workspace,
    not published), the real app on a real server on loopback."""
    root = tmp_path_factory.mktemp("reader") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    path = root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if not entry.obsolete:
            entry.msgstr = f"ES {entry.msgid}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    cat.save(str(path))
    assert main(["--root", str(root), "export", "--lang", "es", "--format", "html"]) == 0

    from web import create_app   # CSRF on, not TESTING: the app as it is served
    app = create_app({"SECRET_KEY": "reader-test-secret-" + "x" * 40, "LOCALIZE_ROOT": str(root)})
    with served(app) as base:
        yield base


def test_an_arabic_reader_gets_the_note_and_the_list_and_the_choice_is_remembered(browser, site):  # noqa: F811
    context = browser.new_context(locale="ar", extra_http_headers={"Accept-Language": "ar"})
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.goto(f"{site}/read/{SLUG}/")
        assert page.url == f"{site}/read/en/{SLUG}/?from=ar"
        note = page.get_by_role("note")
        assert note.inner_text() == "هذه المقالة غير متوفرة باللغة العربية؛ تُعرض باللغة الإنجليزية."
        assert note.get_attribute("lang") == "ar" and note.evaluate("e => getComputedStyle(e).direction") == "rtl"
        languages = page.locator("nav.edition-languages a")
        assert languages.all_inner_texts() == ["English", "Español"]
        page.locator("nav.edition-languages a[hreflang='es']").click()
        page.wait_for_url(f"{site}/read/es/{SLUG}/")
        assert page.locator("html").get_attribute("lang") == "es"
        [cookie] = [c for c in context.cookies() if c["name"] == "lang"]
        assert cookie["value"] == "es" and cookie["path"] == "/" and cookie["sameSite"] == "Lax"
        # next time, the article's address opens in the language chosen, with no note
        page.goto(f"{site}/read/{SLUG}/")
        assert page.url == f"{site}/read/es/{SLUG}/"
        assert page.get_by_role("note").count() == 0
    finally:
        context.close()


def test_the_not_published_page_lists_the_languages_and_a_pick_is_remembered(browser, site):  # noqa: F811
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT)
        response = page.goto(f"{site}/read/ar/{SLUG}/")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "هذه المقالة غير منشورة بهذه اللغة."
        page.locator("a[hreflang='es']").click()
        page.wait_for_url(f"{site}/read/es/{SLUG}/")
        page.goto(f"{site}/read/{SLUG}/")
        assert page.url == f"{site}/read/es/{SLUG}/"   # the pick wins over Accept-Language: en-US
    finally:
        context.close()
