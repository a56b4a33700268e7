"""axe-core on every kind of page, in English and in Arabic (right to left): no WCAG 2.1 A or AA violation.

axe-core is the npm package (tests/node_modules, pinned in tests/package-lock.json),
injected by Playwright into each page and each of its frames (the editor's preview)
in Debian's Chromium, after the page's own script has run. One workspace serves
every page: the seed article published in Arabic (and so in English), a copy of it
published in Spanish only (the not-published page), Spanish drafted by the pseudo
engine with some entries approved, one saved by a person, one rejected, a comment
and a suggestion, jobs done and failed, an uploaded article, a check
of Spanish and a refresh of the catalogs. The interface language is the
browser's (``Accept-Language``), as a reader's or a new account's is.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from browsers import CHROMIUM, browser, served  # noqa: F401  (browser: a fixture)
from conftest import SEED
from localize import tasks
from localize.accounts import Store
from localize.cli import main
from localize.review import Review
from localize.workspace import Workspace
from test_web_publish import approve_all

sync_api = pytest.importorskip("playwright.sync_api")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or not AXE.exists(),
                                reason="needs Debian's Chromium and axe-core (scripts/setup test)")

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SLUG = "emotional-numbness"        # published in Arabic, so in English too; Spanish drafted for review
OTHER = "numbness-in-spanish"      # the same article, published in Spanish only
CITING = "James Gross's work on emotion regulation"
WAIT = 15_000
ACCOUNTS = {"ada": ("admin", []), "tina": ("translator", ["es"]), "rita": ("reviewer", ["es"])}


def password(name: str) -> str:
    return f"{name} accessibility password"


def localize(*args) -> None:
    assert main([str(a) for a in args]) == 0, args


def _workspace(root: Path) -> dict:
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar", "fr"]\n'
        '[tool.localize.engines]\nes = "pseudo"\nfr = "pseudo"\n', encoding="utf-8")
    for name in (SLUG, OTHER):
        shutil.copy(SEED, root / "source" / f"{name}.html")
    (root / "glossary.toml").write_text(   # every kind of term, in Spanish and Arabic
        'keep = ["Men Women Psychology"]\n[translations.es]\n"alexithymia" = "alexitimia"\n"Acme" = "Acme"\n'
        '[translations.ar]\n"alexithymia" = "اللامفرداتية"\n[forbidden.es]\n"emotional numbness" = ["anestesia"]\n',
        encoding="utf-8")
    localize("--root", root, "extract")
    localize("--root", root, "update")
    catalog = root / "locales" / "{}" / "LC_MESSAGES" / "{}.po"
    approve_all(Path(str(catalog).format("ar", SLUG)), "ترجمة ")
    approve_all(Path(str(catalog).format("es", OTHER)), "ES ")
    localize("--root", root, "export", "--lang", "ar", "--slug", SLUG, "--format", "html")
    localize("--root", root, "export", "--lang", "es", "--slug", OTHER, "--format", "html")
    localize("--root", root, "draft", "--lang", "es", "--slug", SLUG)

    store = Store(root / "instance" / "localize.sqlite3")
    for name, (role, langs) in ACCOUNTS.items():
        store.add_user(name, role, langs, password(name))
    review = Review(Workspace.open(root), store)
    items = review.items("es", SLUG)
    for item in items[:4]:   # a person's translation, approved by another (pseudo drafts never are)
        saved = review.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version,
                           text="ES " + item.msgid)
        review.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version)
    rejected = items[5]
    review.act(store.user("rita"), "es", SLUG, rejected.id, "reject", based_on=rejected.version,
               note="Demasiado literal")
    citing = next(i for i in items if i.msgid.startswith(CITING))
    saved = review.act(store.user("tina"), "es", SLUG, citing.id, "save", based_on=citing.version,
                       text="El trabajo de James Gross sobre la regulación emocional")   # its citations dropped
    review.suggest(store.user("rita"), "es", SLUG, citing.id, "Los trabajos de James Gross")
    store.add_comment("rita", "es", SLUG, citing.id, "¿Y las citas?")

    jobs = tasks.Jobs.of(root)
    done = jobs.create("fr", "pseudo", [], "ada")
    tasks.draft_language(str(root), "fr", "pseudo", [], done.id)
    failed = jobs.create("ar", None, [], "ada")
    jobs.fail(failed.id, "no engine drafts Arabic on this server")
    uploaded = tasks.start_article(Workspace.open(root), "sleep", ".md", b"# Sleep\n\nSleep matters.\n", "sleep.md",
                                   "ada")
    tasks.update_article(str(root), "sleep", ".md", "sleep.md", uploaded.id)   # as the worker runs it
    ws = Workspace.open(root)
    checked = tasks.start_check(ws, "es", [], "ada")
    tasks.check_language(str(root), "es", [], checked.id)
    refreshed = tasks.start_extract(ws, [], "ada")
    tasks.refresh_catalogs(str(root), [], refreshed.id)
    return {"root": root, "entry": saved.id, "job": done.id, "upload": uploaded.id, "check": checked.id,
            "refresh": refreshed.id}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The workspace served by the real app (CSRF on, not TESTING) on loopback."""
    made = _workspace(tmp_path_factory.mktemp("accessibility") / "ws")
    from web import create_app
    app = create_app({"SECRET_KEY": "accessibility-test-secret-" + "x" * 40, "LOCALIZE_ROOT": str(made["root"])})
    with served(app) as base:
        yield {**made, "base": base}


@pytest.fixture(scope="module")
def sessions(site, browser):
    """One browser context per interface language, logged in as the admin (every control shown)."""
    made = {}
    for lang in ("en", "ar"):
        context = browser.new_context(viewport={"width": 1300, "height": 900}, locale=lang)
        context.set_default_timeout(WAIT)
        page = context.new_page()
        page.goto(site["base"] + "/login")
        page.fill("#name", "ada")
        page.fill("#password", password("ada"))
        page.click("button.primary")
        page.wait_for_url(site["base"] + "/")
        page.close()
        made[lang] = context
    yield made
    for context in made.values():
        context.close()


def _bulk_confirmation(page, site):
    """The bulk confirmation page, reached as a reviewer does: the queue's button (nothing changes before confirming)."""
    page.goto(f"{site['base']}/review/es/{SLUG}?state=approved")
    page.click("#bulk-review")
    page.wait_for_selector("#bulk-confirm")


# page name: (address, or a function that opens it; logged in?); each address a template on site's values
PAGES = {
    "edition": ({"en": "/en/{slug}/", "ar": "/ar/{slug}/"}, False),
    "read listing": ("/read/", False),
    "not published": ({"en": "/fr/{slug}/", "ar": "/ar/{other}/"}, False),
    "login": ("/login", False),
    "dashboard": ("/", True),
    "queue": ("/review/es/{slug}", True),
    "editor": ("/review/es/{slug}/{entry}", True),
    "bulk confirmation": (_bulk_confirmation, True),
    "publish (blocked)": ("/publish/es/{slug}", True),
    "publish (published)": ("/publish/ar/{slug}", True),
    "articles": ("/articles/", True),
    "glossary": ("/glossary/es", True),
    "glossary (Arabic terms)": ("/glossary/ar", True),
    "jobs": ("/jobs/", True),
    "job": ("/jobs/{job}", True),
    "article job": ("/jobs/{upload}", True),
    "check job": ("/jobs/{check}", True),
    "refresh job": ("/jobs/{refresh}", True),
    "users": ("/admin/users", True),
    "user": ("/admin/users/tina", True),
    "api tokens": ("/account/tokens", True),
    "error 404": ("/review/es/no-such-article", True),
}


def _axe(frame) -> list[dict]:
    frame.evaluate(AXE.read_text(encoding="utf-8"))
    return frame.evaluate("opts => axe.run(document, opts)",
                          {"runOnly": {"type": "tag", "values": TAGS}, "iframes": False,
                           "resultTypes": ["violations"]})["violations"]


def _without_csp(route) -> None:
    response = route.fetch()
    route.fulfill(response=response, headers={k: v for k, v in response.headers.items()
                                              if k.lower() != "content-security-policy"})


def _run_axe(page) -> list[dict]:
    """axe-core run in the page and in each of its frames (the preview too): the violations, each with its frame.

    A frame's document is sandboxed without scripts (the preview's CSP), where axe's timers never fire: it is
    opened on its own, its CSP header dropped, so axe runs on the same document.
    """
    found = [{**v, "frame": ""} for v in _axe(page.main_frame)]
    for frame in page.frames[1:]:
        if frame.url in ("", "about:blank"):
            continue
        alone = page.context.new_page()
        try:
            alone.route(frame.url, _without_csp)
            alone.goto(frame.url)
            found += [{**v, "frame": frame.url} for v in _axe(alone.main_frame)]
        finally:
            alone.close()
    return found


def _said(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        where = f" (in frame {v['frame']})" if v["frame"] else ""
        lines.append(f"- {v['id']} [{v['impact']}]{where}: {v['help']}")
        for node in v["nodes"][:8]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {json.dumps(node['target'])}  {summary[:300]}")
        if len(v["nodes"]) > 8:
            lines.append(f"    … and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_wcag_violation(name, lang, site, sessions, browser):
    where, logged_in = PAGES[name]
    if logged_in:
        page = sessions[lang].new_page()
    else:
        context = browser.new_context(viewport={"width": 1300, "height": 900}, locale=lang)
        context.set_default_timeout(WAIT)
        page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        if callable(where):
            where(page, site)
        else:
            address = where[lang] if isinstance(where, dict) else where
            page.goto(site["base"] + address.format(slug=SLUG, other=OTHER, entry=site["entry"], job=site["job"],
                                                         upload=site["upload"], check=site["check"],
                                                         refresh=site["refresh"]))
        page.wait_for_load_state("load")
        if logged_in:
            assert page.locator("html").get_attribute("lang") == lang   # the interface in the language asked for
            assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        violations = _run_axe(page)
        assert not violations, f"{name} ({lang}, {page.url}): {len(violations)} WCAG 2.1 A/AA violations\n" \
                               + _said(violations)
        assert errors == []
    finally:
        page.close()
        if not logged_in:
            page.context.close()
