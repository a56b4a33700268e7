"""The review UI end to end in a real browser: Debian's Chromium driven by Playwright, a real server.

One scenario, as two people would live it: a translator logs in, opens the Spanish
queue and translates three entries with the keyboard only (Ctrl+S saves, Alt+Down
goes on) while the preview follows; a reviewer approves them with Ctrl+Enter; then
both edit the same entry at once, the second save meets a 409 with both versions
side by side, the reviewer merges, and the merge lands. Checked as a user would:
what the pages show, then the .po file (polib) and GNU msgfmt --check. A
screenshot of the editor goes to test-artifacts/editor.png.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest

from browsers import CHROMIUM, browser, served  # noqa: F401  (browser: a fixture)
from conftest import SEED, assert_msgfmt_ok
from localize.accounts import Store
from localize.cli import main
from localize.review import entry_id

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("msgfmt") is None,
                                reason="needs Debian's Chromium and GNU gettext")

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
SLUG = "emotional-numbness"
WAIT = 10_000        # ms: every wait of the browser
USERS = {"tina": ("translator", ["es"]), "rita": ("reviewer", ["es"])}
# Three entries in a row (a kicker, a heading, a paragraph), and their Spanish, which passes every QA check.
THREE = {
    "In practice": "En la práctica",
    "What this looks like in real life": "Cómo se ve esto en la vida real",
    "Someone going through a prolonged stressful period — caregiving, grief, an unrelenting job — may notice "
    "they no longer feel much of anything, good or bad. Events that once moved them pass flatly. This often "
    "reflects protective shutdown under overload rather than a permanent loss of feeling.":
    "Alguien que atraviesa un periodo estresante prolongado — cuidados, duelo, un trabajo implacable — puede "
    "notar que ya no siente casi nada, ni bueno ni malo. Los hechos que antes lo conmovían pasan sin relieve. "
    "Esto suele reflejar un apagado protector ante la sobrecarga más que una pérdida permanente del sentimiento.",
}
CONTESTED = "Myth vs. evidence"
THEIRS, MINE, MERGED = "Mito frente a evidencia", "Mito y pruebas", "Mito frente a pruebas"


def password(name: str) -> str:
    return f"{name} browser password"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A workspace (the seed article; es, fr), two accounts, the real app on a real server on loopback."""
    root = tmp_path_factory.mktemp("browser") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "fr"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    store = Store(root / "instance" / "localize.sqlite3")
    for name, (role, langs) in USERS.items():
        store.add_user(name, role, langs, password(name))

    from web import create_app   # CSRF on, not TESTING: the app as it is served
    app = create_app({"SECRET_KEY": "browser-test-secret-" + "x" * 40, "LOCALIZE_ROOT": str(root)})
    with served(app) as base:
        yield {"root": root, "store": store, "base": base}



def po_path(root: Path, lang: str = "es") -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


def po_entry(root: Path, msgid: str) -> polib.POEntry:
    found = polib.pofile(str(po_path(root)), wrapwidth=0).find(msgid)
    assert found is not None, msgid
    return found


class Person:
    """One browser context (its own cookies) and page, logged in through the form; script errors collected."""

    def __init__(self, browser, base: str, name: str):
        self.base, self.name = base, name
        self.context = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="en-US")
        self.context.set_default_timeout(WAIT)
        self.context.set_default_navigation_timeout(WAIT)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", self._console)
        self.page.goto(base + "/login")
        self.page.fill("#name", name)
        self.page.fill("#password", password(name))
        self.page.keyboard.press("Enter")
        self.page.wait_for_url(base + "/")
        expect(self.page.locator(".who")).to_contain_text(name)

    def _console(self, message) -> None:
        if message.type == "error" and "status of 409" not in message.text:   # the conflict's 409 is expected
            self.errors.append(message.text)

    def entry_url(self, msgid: str) -> re.Pattern:
        return re.compile(re.escape(f"{self.base}/review/es/{SLUG}/{entry_id(None, msgid)}") + r"(\?.*)?$")

    def replace_text(self, text: str) -> None:
        """Into the translation box, from the keyboard: select all, type."""
        self.page.focus("#text")
        self.page.keyboard.press("Control+a")
        self.page.keyboard.type(text)

    def preview_unit(self, msgid: str):
        return self.page.frame_locator("#preview").locator(f'[data-entry="{entry_id(None, msgid)}"]')

    def close(self) -> None:
        self.context.close()


def test_translate_review_resolve_a_conflict_and_preview_in_a_browser(site, browser):
    root, base = site["root"], site["base"]
    people: list[Person] = []
    try:
        # -- the translator: dashboard → Spanish queue → three entries, keyboard only ----------------
        tina = Person(browser, base, "tina")
        people.append(tina)
        page = tina.page
        page.click(f'a.queue-link[href="/review/es/{SLUG}"]')
        page.wait_for_url(f"{base}/review/es/{SLUG}")
        expect(page.locator("h1")).to_contain_text("Understanding Emotional Numbness — Causes and Recovery")
        sources = list(THREE)
        page.click(f'#entry-{entry_id(None, sources[0])} a.open')
        page.wait_for_url(tina.entry_url(sources[0]))
        for n, (source, spanish) in enumerate(THREE.items()):
            expect(page.locator("#source")).to_have_text(source)
            expect(page.locator("#entry-state")).to_have_text("untranslated")
            tina.replace_text(spanish)
            page.keyboard.press("Control+s")                          # saved through fetch(): no reload
            expect(page.locator("#entry-state")).to_have_text("needs review")
            expect(page.locator("#status")).to_contain_text("Saved")
            expect(page.locator("#text")).to_have_value(spanish)
            expect(tina.preview_unit(source)).to_have_text(spanish)  # the preview reloads with the draft
            assert po_entry(root, source).msgstr == spanish and "fuzzy" in po_entry(root, source).flags
            if n < len(THREE) - 1:
                page.keyboard.press("Alt+ArrowDown")
                page.wait_for_url(tina.entry_url(sources[n + 1]))
        page.keyboard.press("Alt+ArrowUp")                            # and back
        page.wait_for_url(tina.entry_url(sources[1]))
        expect(page.locator("#text")).to_have_value(THREE[sources[1]])
        expect(page.locator("#approve")).to_have_count(0)            # a translator does not approve

        # -- the reviewer: the "to review" queue, Ctrl+Enter on each ---------------------------------
        rita = Person(browser, base, "rita")
        people.append(rita)
        review = rita.page
        review.click(f'a[href="/review/es/{SLUG}?state=review"]')
        review.wait_for_url(re.compile(re.escape(f"{base}/review/es/{SLUG}?state=review")))
        expect(review.locator("li.entry")).to_have_count(3)
        review.locator("li.entry a.open").first.click()
        review.wait_for_url(rita.entry_url(sources[0]))
        for n, (source, spanish) in enumerate(THREE.items()):
            expect(review.locator("#source")).to_have_text(source)
            expect(review.locator("#entry-state")).to_have_text("needs review")
            expect(review.locator("#text")).to_have_value(spanish)
            review.focus("#text")
            review.keyboard.press("Control+Enter")
            if n < len(THREE) - 1:                                    # approved: on to the next to review
                review.wait_for_url(rita.entry_url(sources[n + 1]))
            else:                                                     # the last one: the badge says so
                expect(review.locator("#entry-state")).to_have_text("approved")
                expect(review.locator("#status")).to_contain_text("Approved")
        for source, spanish in THREE.items():
            entry = po_entry(root, source)
            assert entry.msgstr == spanish and "fuzzy" not in entry.flags
        review.goto(f"{base}/review/es/{SLUG}?state=approved")
        rows = review.locator("li.entry")
        expect(rows).to_have_count(3)
        for source, spanish in THREE.items():
            row = review.locator(f"#entry-{entry_id(None, source)}")
            expect(row.locator(".badge").first).to_have_text("approved")
            expect(row.locator(".badge.by")).to_have_text("by tina")                # who wrote it
            expect(row.locator(".translation")).to_have_text(spanish)

        # -- a conflict: both open the same entry; tina saves first; rita's save meets a 409 ---------
        contested = tina.entry_url(CONTESTED)
        page.goto(f"{base}/review/es/{SLUG}/{entry_id(None, CONTESTED)}")
        review.goto(f"{base}/review/es/{SLUG}/{entry_id(None, CONTESTED)}")
        page.wait_for_url(contested)
        tina.replace_text(THEIRS)
        page.keyboard.press("Control+s")
        expect(page.locator("#entry-state")).to_have_text("needs review")
        rita.replace_text(MINE)
        review.keyboard.press("Control+s")
        panel = review.locator("#conflict")
        expect(panel).to_be_visible()
        expect(panel.locator('[data-slot="theirs"]')).to_have_text(THEIRS)
        expect(panel.locator('[data-slot="yours"]')).to_have_text(MINE)
        expect(panel.locator('[data-slot="state"]')).to_have_text("needs review")
        expect(review.locator("#entry-state")).to_have_text("needs review")   # the entry as it is now
        assert po_entry(root, CONTESTED).msgstr == THEIRS                       # nothing of rita's written
        review.locator('#conflict [data-choice="merge"]').focus()
        review.keyboard.press("Enter")                                          # edit a merge of both
        expect(panel).to_have_count(0)
        expect(review.locator("#text")).to_be_focused()
        rita.replace_text(MERGED)
        review.keyboard.press("Control+s")                                      # on the version now current
        expect(review.locator("#status")).to_contain_text("Saved")
        expect(review.locator("#entry-state")).to_have_text("needs review")
        expect(rita.preview_unit(CONTESTED)).to_have_text(MERGED)
        entry = po_entry(root, CONTESTED)
        assert entry.msgstr == MERGED and "fuzzy" in entry.flags
        changes = site["store"].history("es", SLUG, entry_id(None, CONTESTED))
        assert [(c.user, c.old_msgstr, c.new_msgstr) for c in changes] == [("tina", "", THEIRS),
                                                                           ("rita", THEIRS, MERGED)]
        newest = review.locator("ol.history > li").first                       # refreshed without a reload:
        expect(newest).to_contain_text("rita")                                  # a word diff of the merge
        expect(newest.locator("del")).to_have_text("evidencia")
        expect(newest.locator("ins")).to_have_text("pruebas")
        review.reload()                                                         # the history shows both
        expect(review.locator("ol.history > li")).to_have_count(2)
        expect(review.locator("ol.history > li").last.locator("ins")).to_have_text(THEIRS)
        expect(review.locator("ol.history > li").first.locator("ins")).to_have_text("pruebas")
        expect(review.locator("#text")).to_have_value(MERGED)
        expect(rita.preview_unit(CONTESTED)).to_have_text(MERGED)

        expect(rita.preview_unit(CONTESTED)).to_be_in_viewport()               # scrolled to the current entry
        review.screenshot(path=str(_artifact_dir() / "editor.png"))
        assert (ARTIFACTS / "editor.png").stat().st_size > 10_000

        # -- the file, as gettext sees it --------------------------------------------------------------
        assert_msgfmt_ok(po_path(root, "es"))
        assert_msgfmt_ok(po_path(root, "fr"))
        assert all(not e.msgstr for e in polib.pofile(str(po_path(root, "fr"))))   # French untouched
        assert tina.errors == [] and rita.errors == []
    finally:
        for person in people:
            person.close()


def _artifact_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
