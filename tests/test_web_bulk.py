"""Overrides and bulk approval in a real browser: Debian's Chromium driven by Playwright, a real server.

An Arabic reviewer opens a paragraph whose translator wrote the authors' names
in Arabic script (غروس وجون for Gross and John): the citations check finds
them missing, and approval is blocked. The reviewer overrides the finding in the
editor with a written reason, sees it set aside with that reason and in the
history, and approves the entry. Then, on the queue filtered to machine drafts
(three from the translation memory, one pseudo-translation), the reviewer leaves
one draft out, asks to approve the machine drafts with no warnings, confirms the
count on the confirmation page, and reads what was approved and what was skipped
and why. Checked as a user would: the pages, then the .po file with polib and
GNU msgfmt --check. A screenshot goes to test-artifacts/bulk-ar.png.
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
from localize.review import Review, entry_id
from localize.workspace import Workspace

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("msgfmt") is None,
                                reason="needs Debian's Chromium and GNU gettext")

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
SLUG = "emotional-numbness"
OTHER = "numbness-again"      # the same article under another name: its approved work is the translation memory
WAIT = 10_000
USERS = {"amal": ("translator", ["ar"]), "rami": ("reviewer", ["ar"]), "rana": ("reviewer", ["ar"])}
# Approved in the other article, drafted from the memory here.
MEMORY = {"The evidence": "الأدلة", "Why this happens": "لماذا يحدث هذا",
          "Men &amp; Women": "عواطف الرجال والنساء ومشاعرهم"}
HABIT = "Suppression that once helped"   # "… Gross and John's research suggests …"
ARABIC = ("يمكن للكبت الذي ساعد يومًا أن يتحول إلى عادة. فكبت المشاعر لتجاوز أزمة أو عمل مرهق أو بيئة غير آمنة غالبًا "
          "ما يكون تكيفيًا في حينه. لكن أبحاث غروس وجون تشير إلى أنه عندما يصبح الكبت هو الأصل، فإنه يخمد المشاعر "
          "عمومًا — لا المؤلمة منها فقط — وقد يستمر التبلد المعتاد بعد زوال الضغط الأصلي.")
REASON = "The Arabic edition writes the authors' names in Arabic script: غروس وجون"


def password(name: str) -> str:
    return f"{name} bulk password"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A workspace (the seed article twice; Arabic drafted from the memory, one unit by the pseudo engine, the
    paragraph citing Gross and John saved by a translator), three accounts, the real app on loopback."""
    root = tmp_path_factory.mktemp("bulk") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["ar", "es"]\n', encoding="utf-8")
    for slug in (SLUG, OTHER):
        shutil.copy(SEED, root / "source" / f"{slug}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    store = Store(root / "instance" / "localize.sqlite3")
    for name, (role, langs) in USERS.items():
        store.add_user(name, role, langs, password(name))
    review = Review(Workspace.open(root), store)
    for start, text in MEMORY.items():
        item = next(i for i in review.items("ar", OTHER) if i.msgid.startswith(start))
        saved = review.act(store.user("amal"), "ar", OTHER, item.id, "save", based_on=item.version, text=text)
        review.act(store.user("rana"), "ar", OTHER, item.id, "approve", based_on=saved.version)
    assert main(["--root", str(root), "draft", "--lang", "ar", "--engine", "memory", "--slug", SLUG]) == 0
    assert main(["--root", str(root), "draft", "--lang", "ar", "--engine", "pseudo", "--slug", SLUG,
                 "--limit", "1"]) == 0
    habit = next(i for i in review.items("ar", SLUG) if i.msgid.startswith(HABIT))
    review.act(store.user("amal"), "ar", SLUG, habit.id, "save", based_on=habit.version, text=ARABIC)

    from web import create_app   # CSRF on, not TESTING: the app as it is served
    app = create_app({"SECRET_KEY": "bulk-test-secret-" + "x" * 40, "LOCALIZE_ROOT": str(root)})
    with served(app) as base:
        yield {"root": root, "base": base}



def po_path(root: Path) -> Path:
    return root / "locales" / "ar" / "LC_MESSAGES" / f"{SLUG}.po"


def po_entry(root: Path, start: str) -> polib.POEntry:
    return next(e for e in polib.pofile(str(po_path(root)), wrapwidth=0) if e.msgid.startswith(start))


def test_a_reviewer_overrides_a_citation_approves_and_bulk_approves_clean_machine_drafts(site, browser):
    root, base = site["root"], site["base"]
    context = browser.new_context(viewport={"width": 1400, "height": 1300}, locale="en-US")
    context.set_default_timeout(WAIT)
    context.set_default_navigation_timeout(WAIT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # the blocked approval answers 422, which Chromium logs; any other console error counts
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "status of 422" not in m.text
            else None)
    status = page.locator('[role="status"]').first
    try:
        page.goto(base + "/login")
        page.fill("#name", "rami")
        page.fill("#password", password("rami"))
        page.keyboard.press("Enter")
        page.wait_for_url(base + "/")

        # -- the editor: the names in Arabic script block approval ----------------------------------
        habit = po_entry(root, HABIT)
        page.goto(f"{base}/review/ar/{SLUG}/{entry_id(None, habit.msgid)}")
        box = page.locator("#text")
        expect(box).to_have_value(ARABIC)
        finding = page.locator('#qa li[data-check="citations"]')
        expect(finding).to_have_count(2)                                  # Gross, and John
        expect(finding.first).to_contain_text('author name "Gross" missing or altered')
        expect(page.locator("#qa")).not_to_contain_text("Ignore for this entry")   # an error is overridden, not ignored
        page.click("#approve")
        expect(status).to_contain_text("QA errors block approval")
        expect(page.locator("#entry-state")).to_have_text("needs review")
        expect(page.locator("#mark-review")).to_be_hidden()                # offered on approved work only

        # -- overridden with a reason, in place -----------------------------------------------------
        finding.first.locator("summary").click()
        why = finding.first.locator("textarea[name=note]")
        expect(why).to_be_visible()
        finding.first.locator("form.override-form button[type=submit]").click()   # no reason: the browser asks
        expect(why).to_be_focused()
        assert "qa-override" not in po_entry(root, HABIT).tcomment
        why.fill(REASON)
        finding.first.locator("form.override-form button[type=submit]").click()
        expect(status).to_contain_text("Citations: overridden for this translation")
        expect(finding.first.locator(".override-reason")).to_contain_text(REASON)
        expect(finding.first.locator("button.take-back")).to_be_visible()
        expect(page.locator("#qa")).not_to_contain_text("Override…")
        latest = page.locator("#history ol.history > li").first
        expect(latest).to_contain_text("rami")
        expect(latest).to_contain_text("overrode a check")
        expect(latest.locator(".note")).to_contain_text(REASON)
        expect(box).to_have_value(ARABIC)                                 # the text as it was
        page.locator("#qa-heading").scroll_into_view_if_needed()
        page.screenshot(path=str(_artifact_dir() / "override-ar.png"), full_page=False)
        entry = po_entry(root, HABIT)
        assert f"qa-override citations: {REASON}" in entry.tcomment.splitlines() and "fuzzy" in entry.flags
        assert_msgfmt_ok(po_path(root))

        # -- approved: the override lets it through; on to the next entry ----------------------------
        here = page.url
        page.click("#approve")
        page.wait_for_url(lambda url: url != here)
        expect(status).to_contain_text("Approved")
        entry = po_entry(root, HABIT)
        assert entry.msgstr == ARABIC and "fuzzy" not in entry.flags
        assert f"qa-override citations: {REASON}" in entry.tcomment.splitlines()
        assert_msgfmt_ok(po_path(root))
        page.goto(here)
        expect(page.locator("#entry-state")).to_have_text("approved")
        expect(page.locator("#mark-review")).to_be_visible()              # now it may be marked for review

        # -- the queue filtered to machine drafts; one left out; the count follows -------------------
        page.goto(f"{base}/review/ar/{SLUG}")
        page.click("a.filter-machine")
        rows = page.locator("li.entry")
        expect(rows).to_have_count(4)
        count = page.locator("#bulk-count")
        expect(count).to_have_text("4")
        left_out = entry_id(None, po_entry(root, "Why this happens").msgid)
        page.locator(f"#pick-{left_out}").uncheck()
        expect(count).to_have_text("3")
        page.click("#bulk-approve")
        expect(page.locator("#bulk-confirm h2")).to_have_text("Approve 3 entries?")
        expect(page.locator("#bulk-confirm-button")).to_have_text("Approve 3 entries")
        assert "fuzzy" in po_entry(root, "The evidence").flags           # asking changes nothing
        page.click("#bulk-confirm-button")

        # -- what was done, what was skipped and why ------------------------------------------------
        expect(page.locator("#bulk-result")).to_have_text("2 approved; 1 skipped")
        skipped = page.locator("#bulk-skipped li")
        expect(skipped).to_have_count(1)
        expect(skipped.first.locator(".why")).to_contain_text("[pseudo] a pseudo-translation")
        pseudo = next(e for e in polib.pofile(str(po_path(root)), wrapwidth=0)
                      if any(c.startswith("draft: pseudo") for c in e.tcomment.splitlines()))
        assert skipped.first.get_attribute("data-entry") == entry_id(None, pseudo.msgid)
        expect(page.locator("#bulk-done li")).to_have_count(2)
        expect(page.locator("#bulk-done .badge")).to_have_text(["approved", "approved"])   # as they are now
        page.screenshot(path=str(_artifact_dir() / "bulk-ar.png"), full_page=False)
        assert (ARTIFACTS / "bulk-ar.png").stat().st_size > 10_000

        for start, text in MEMORY.items():
            entry = po_entry(root, start)
            assert entry.msgstr == text
            assert ("fuzzy" in entry.flags) == (start == "Why this happens"), start   # the one left out waits
        assert "fuzzy" in po_entry(root, pseudo.msgid).flags
        assert "fuzzy" not in po_entry(root, HABIT).flags
        assert_msgfmt_ok(po_path(root))

        skipped.first.locator("a").first.click()                          # each skipped entry links to its editor
        page.wait_for_url(re.compile(re.escape(f"{base}/review/ar/{SLUG}/{entry_id(None, pseudo.msgid)}")))
        expect(page.locator('#qa li[data-check="pseudo"]')).to_be_visible()
        expect(page.locator('#qa li[data-check="pseudo"] form')).to_have_count(0)   # never set aside
        assert errors == []
    finally:
        context.close()


def _artifact_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
