"""The editor in Arabic, keyboard only, in a real browser: Debian's Chromium driven by Playwright, a real server.

An Arabic translator opens the queue (the article's title, `&` not `&amp;`, machine
drafts apart from people's work), opens a paragraph with an emphasis and a link,
and types Arabic before, between and after the two tags, which are placeholders
in the box put in with Ctrl+I and their number and deleted whole. Alt+Down with
unsaved text asks first (Stay keeps the text); Ctrl+S saves, says so in the
status region, and the history shows a word diff at once. Then Alt+Down with
new unsaved text, and "Save and go on". Checked as a user would: the page, then
the .po file (polib: the real tags, well formed, the Arabic around them) and GNU
msgfmt --check. A screenshot goes to test-artifacts/editor-ar.png.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from lxml import html as lxml_html

from browsers import CHROMIUM, browser, served  # noqa: F401  (browser: a fixture)
from conftest import SEED, assert_msgfmt_ok
from localize.accounts import Store
from localize.cli import main
from localize.review import Review, entry_id
from localize.workspace import Workspace

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("msgfmt") is None,
                                reason="needs Debian's Chromium and GNU gettext")

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
SLUG = "emotional-numbness"
TITLE = "Understanding Emotional Numbness — Causes and Recovery"
WAIT = 10_000
USERS = {"amal": ("translator", ["ar"]), "rami": ("reviewer", ["ar"])}
# The paragraph with two inline elements: <em>alexithymia</em>, then <a href="#ref-1">(2009)</a>.
PARAGRAPH = "Numbness also overlaps with <em>alexithymia</em>"
BEFORE_IT = "James Gross's work on emotion regulation"
AFTER_IT = "Beyond suppression and alexithymia"
# What the translator types around the tags, in order.
ARABIC = ["يتداخل الخدر أيضًا مع ", "الألكسيثيميا", " — صعوبة تحديد المشاعر وتسميتها. يصف رونالد ليفانت وزملاؤه ",
          "(2009)", " كيف تعزز التنشئة الاجتماعية شكلًا أخف من ذلك."]
EXPECTED = (f'{ARABIC[0]}<em>{ARABIC[1]}</em>{ARABIC[2]}<a href="#ref-1">{ARABIC[3]}</a>{ARABIC[4]}')
MORE = " وليس الأمر أن شيئًا لا يُحس."


def password(name: str) -> str:
    return f"{name} editor password"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A workspace (the seed article; Arabic, three units drafted by the pseudo engine, one saved by a person),
    two accounts, the real app on a real server on loopback."""
    root = tmp_path_factory.mktemp("editor") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["ar", "es"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    assert main(["--root", str(root), "draft", "--lang", "ar", "--engine", "pseudo", "--limit", "3"]) == 0
    store = Store(root / "instance" / "localize.sqlite3")
    for name, (role, langs) in USERS.items():
        store.add_user(name, role, langs, password(name))
    review = Review(Workspace.open(root), store)
    evidence = next(i for i in review.items("ar", SLUG) if i.msgid == "The evidence")
    review.act(store.user("rami"), "ar", SLUG, evidence.id, "save", based_on=evidence.version, text="الأدلة")

    from web import create_app   # CSRF on, not TESTING: the app as it is served
    app = create_app({"SECRET_KEY": "editor-test-secret-" + "x" * 40, "LOCALIZE_ROOT": str(root)})
    with served(app) as base:
        yield {"root": root, "base": base}



def po_path(root: Path) -> Path:
    return root / "locales" / "ar" / "LC_MESSAGES" / f"{SLUG}.po"


def po_entry(root: Path, start: str) -> polib.POEntry:
    return next(e for e in polib.pofile(str(po_path(root)), wrapwidth=0) if e.msgid.startswith(start))


def msgid(root: Path, start: str) -> str:
    return po_entry(root, start).msgid


def test_arabic_with_two_tags_by_keyboard_saved_with_its_real_markup(site, browser):
    root, base = site["root"], site["base"]
    context = browser.new_context(viewport={"width": 1400, "height": 1300}, locale="en-US")
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto(base + "/login")
        page.fill("#name", "amal")
        page.fill("#password", password("amal"))
        page.keyboard.press("Enter")
        page.wait_for_url(base + "/")
        expect(page.locator("table.dashboard tbody th")).to_contain_text(TITLE)   # the dashboard names articles

        # -- the queue: the title, text not entities, machine drafts apart from people's work ------
        page.goto(f"{base}/review/ar/{SLUG}")
        expect(page.locator("h1")).to_contain_text(TITLE)
        expect(page.locator(".breadcrumbs")).to_contain_text(TITLE)
        main_text = page.inner_text("main")
        assert "&amp;" not in main_text and "&lt;" not in main_text
        kicker = page.locator(f'#entry-{entry_id(None, "Men &amp; Women Emotions and Feelings")}')
        expect(kicker.locator(".source")).to_have_text("Men & Women Emotions and Feelings")
        expect(kicker.locator(".translation")).to_contain_text("&")                      # a pseudo draft of it
        expect(kicker.locator(".translation")).not_to_contain_text("&amp;")
        expect(kicker.locator(".badge.by.machine")).to_contain_text("machine draft")
        page.click("a.filter-machine")
        expect(page.locator("li.entry")).to_have_count(3)
        expect(page.locator("li.entry .badge.by.machine")).to_have_count(3)
        page.click("a.filter-human")
        expect(page.locator("li.entry")).to_have_count(1)
        expect(page.locator("li.entry .badge.by.person")).to_have_text("by rami")
        expect(page.locator("li.entry .badge.by.person bdi")).to_have_text("rami")      # a name isolated

        # -- the editor: focused, the units around it, the tags as chips -------------------------
        target = entry_id(None, msgid(root, PARAGRAPH))
        page.goto(f"{base}/review/ar/{SLUG}/{target}")
        box = page.locator("#text")
        expect(box).to_be_focused()
        assert box.get_attribute("dir") == "rtl" and box.get_attribute("lang") == "ar"
        expect(page.locator("#context-before .source")).to_contain_text(BEFORE_IT)
        expect(page.locator("#context-after .source")).to_contain_text(AFTER_IT)
        chips = page.locator("#source button.chip")
        expect(chips).to_have_count(4)
        assert [c.get_attribute("dir") for c in chips.all()] == ["ltr"] * 4
        expect(chips.nth(0)).to_have_text("1 em")
        expect(chips.nth(2)).to_have_text("2 a #ref-1")

        # -- typed with the keyboard: Arabic, a tag (Ctrl+I, then its number), Arabic … ---------
        keyboard = page.keyboard
        keyboard.type(ARABIC[0])
        for n, words in ((1, ARABIC[1]), (2, ARABIC[3])):
            keyboard.press("Control+i")
            keyboard.press(str(n))
            keyboard.type(words)
            keyboard.press("Control+i")
            keyboard.press(str(n))
            if n == 1:
                keyboard.type(ARABIC[2])
        keyboard.press("Backspace")                            # a placeholder goes whole, never half
        assert box.input_value().endswith("\u27e62\u27e7\u2069" + ARABIC[3])
        keyboard.press("Control+i")
        keyboard.press("2")                                    # put back
        keyboard.type(ARABIC[4])
        typed = box.input_value()
        assert re.fullmatch(r"\S+ .*\u2066\u27e61\u27e7\u2069" + ARABIC[1] + "\u2066\u27e6/1\u27e7\u2069.*"
                            + "\u2066\u27e62\u27e7\u2069" + re.escape(ARABIC[3]) + "\u2066\u27e6/2\u27e7\u2069.*", typed)

        # -- Alt+Down with unsaved text: asked first; Stay keeps it --------------------------------
        here = page.url
        keyboard.press("Alt+ArrowDown")
        dialog = page.locator("#unsaved-dialog")
        expect(dialog).to_be_visible()
        expect(dialog.locator('button[value="save"]')).to_be_focused()
        keyboard.press("Escape")                               # stay
        expect(dialog).to_be_hidden()
        assert page.url == here
        expect(box).to_have_value(typed)
        expect(box).to_be_focused()
        page.click("#next-entry")                              # the Next link asks too
        expect(dialog).to_be_visible()
        dialog.locator('button[value="stay"]').click()
        expect(dialog).to_be_hidden()
        assert page.url == here
        expect(box).to_have_value(typed)
        assert po_entry(root, PARAGRAPH).msgstr == ""           # nothing written by asking

        # -- Ctrl+S: saved, said, the history shows the words at once ----------------------------
        keyboard.press("Control+s")
        expect(page.locator('[role="status"]')).to_contain_text("Saved")
        expect(page.locator("#entry-state")).to_have_text("needs review")
        change = page.locator("#history ol.history > li")
        expect(change).to_have_count(1)
        expect(change.first).to_contain_text("amal")
        expect(change.first.locator("ins")).to_contain_text(ARABIC[1])
        expect(change.first.locator("ins .chip")).to_have_count(4)                  # the tags as chips
        expect(box).to_have_value(typed)
        page.screenshot(path=str(_artifact_dir() / "editor-ar.png"), full_page=False)
        assert (ARTIFACTS / "editor-ar.png").stat().st_size > 10_000

        entry = po_entry(root, PARAGRAPH)
        assert entry.msgstr == EXPECTED and "fuzzy" in entry.flags
        fragment = lxml_html.fragment_fromstring(entry.msgstr, create_parent="div")
        assert [(el.tag, el.text, dict(el.attrib)) for el in fragment] == [
            ("em", ARABIC[1], {}), ("a", ARABIC[3], {"href": "#ref-1"})]
        assert fragment.text == ARABIC[0] and fragment[0].tail == ARABIC[2] and fragment[1].tail == ARABIC[4]
        assert_msgfmt_ok(po_path(root))

        # -- more unsaved text, Alt+Down, "Save and go on": saved, then the next entry -------------
        keyboard.press("Control+End")
        keyboard.type(MORE)
        keyboard.press("Alt+ArrowDown")
        expect(dialog).to_be_visible()
        keyboard.press("Enter")                                # the focused choice: save and go on
        page.wait_for_url(re.compile(re.escape(f"{base}/review/ar/{SLUG}/{entry_id(None, msgid(root, AFTER_IT))}")))
        expect(page.locator('[role="status"]')).to_contain_text("Saved")
        assert po_entry(root, PARAGRAPH).msgstr == EXPECTED + MORE
        assert_msgfmt_ok(po_path(root))
        assert errors == []
    finally:
        context.close()


def _artifact_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
