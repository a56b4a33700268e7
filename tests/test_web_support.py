"""Fixtures and helpers shared by the web tests (test_web*.py); no tests here.

A workspace (the seed article twice, catalogs for es, fr, ar; Spanish drafted by
the pseudo engine on request) and its accounts are made once per session, since
extraction and scrypt are slow, then copied for every test. Every test gets its
own app over its own copy, with CSRF on. A login goes through the real form the
first time for each account; its session cookie is then reused by later clients
(same secret key), which Flask's signed sessions allow.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from conftest import SEED
from localize.accounts import Store
from localize.cli import main
from localize.review import Review
from localize.workspace import Workspace
from web import create_app

SLUG = "emotional-numbness"
OTHER = "numbness-again"        # the same article under another name: the memory finds matches there
SECRET = "a test secret that is long enough to sign sessions"
COOKIE = "localize_session"
ACCOUNTS = {   # name: (role, languages)
    "tina": ("translator", ["es"]),
    "tomas": ("translator", ["fr"]),
    "rita": ("reviewer", ["es"]),
    "rafa": ("reviewer", ["es"]),
    "lina": ("reviewer", ["ar"]),
    "ed": ("editor", []),
    "ada": ("admin", []),
    "sam": ("editor", []),   # prepares entries in tests, so that others may approve them
}
CITING = "James Gross's work on emotion regulation"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def password(name: str) -> str:
    return f"{name}-password"


_TEMPLATE: list[Path] = []   # made once: each test module imports the fixture, pytest would make it per module


@pytest.fixture(scope="session")
def web_template(tmp_path_factory) -> Path:
    # made again in a later test session of the same process (whose temporary folders are new)
    if not _TEMPLATE or not _TEMPLATE[0].exists():
        _TEMPLATE[:] = [_make_template(tmp_path_factory.mktemp("web") / "ws")]
        _SESSIONS.clear()   # logins of the accounts of the template before
    return _TEMPLATE[0]


def _make_template(root: Path) -> Path:
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "fr", "ar"]\n'
        '[tool.localize.engines]\nes = "pseudo"\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    shutil.copy(SEED, root / "source" / f"{OTHER}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    store = Store(root / "instance" / "localize.sqlite3")
    for name, (role, langs) in ACCOUNTS.items():
        store.add_user(name, role, langs, password(name))
    return root


@pytest.fixture
def ws(web_template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(web_template, root)
    return root


def make_app(root: Path, **config):
    return create_app({"TESTING": True, "SECRET_KEY": SECRET, "LOCALIZE_ROOT": str(root),
                       "WTF_CSRF_ENABLED": True, **config})


@pytest.fixture
def app(ws: Path):
    return make_app(ws)


@pytest.fixture
def local(app):
    """What the blueprints share: workspace, store, review."""
    return app.extensions["localize"]


# Every page carries the session's CSRF token; a 404 page is the cheapest to ask for.
ANY_PAGE = "/no-such-page"


def csrf_token(client, url: str = "/login") -> str:
    page = client.get(url)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {url} ({page.status_code})"
    return html.unescape(found.group(1))


def form_login(client, name: str, secret: str | None = None, *, next: str = "", **environ):
    """Log in through the login form, with its CSRF token; the response (not followed)."""
    token = csrf_token(client)
    return client.post("/login", data={"csrf_token": token, "name": name,
                                       "password": password(name) if secret is None else secret, "next": next},
                       environ_base=environ)


_SESSIONS: dict[str, str] = {}


@pytest.fixture
def client_as(app):
    """client_as("rita"): a test client logged in as that account."""
    def make(name: str):
        client = app.test_client()
        if name in _SESSIONS:
            client.set_cookie(COOKIE, _SESSIONS[name])
        else:
            response = form_login(client, name)
            assert response.status_code == 302, response.get_data(as_text=True)
            _SESSIONS[name] = client.get_cookie(COOKIE).value
        return client
    return make


def po_path(root: Path, lang: str, slug: str = SLUG) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def items(local, lang: str = "es", slug: str = SLUG):
    return local.review.items(lang, slug)


def find(local, start: str, lang: str = "es", slug: str = SLUG):
    return next(i for i in items(local, lang, slug) if i.msgid.startswith(start))


def prepare(local, start: str, lang: str = "es", *, text: str, user: str = "sam", slug: str = SLUG):
    """An entry saved by ``user`` through the library (it needs review); the item after."""
    item = find(local, start, lang, slug)
    return local.review.act(local.store.user(user), lang, slug, item.id, "save", based_on=item.version, text=text)


def entry_url(lang: str, entry: str, slug: str = SLUG) -> str:
    return f"/review/{lang}/{slug}/{entry}"


def post_action(client, lang: str, item, action: str, *, text: str | None = None, change: int | None = None,
                version: str | None = None, as_json: bool = False, token: str | None = None, slug: str = SLUG):
    url = entry_url(lang, item.id, slug)
    data = {"action": action, "version": item.version if version is None else version}
    if token is None:
        token = csrf_token(client, ANY_PAGE)
    if token:
        data["csrf_token"] = token
    if text is not None:
        data["text"] = text
    if change is not None:
        data["change"] = str(change)
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post(url, data=data, headers=headers)


def reopen(root: Path) -> Review:
    """A fresh Review over the workspace copy (another process's view of the files)."""
    ws = Workspace.open(root)
    return Review(ws, Store(root / "instance" / "localize.sqlite3"))
