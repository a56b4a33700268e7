"""Web security drill: what an attacker with a browser or a script would try against the review UI.

* Every route that takes POST, PUT, PATCH or DELETE (read from the app's url_map,
  so routes added later are covered) refuses a logged-in session without its CSRF
  token, with a forged one, with another session's and with the one from before
  login; nothing in the catalogs or the SQLite stores changes. API writes with a
  bearer token need no CSRF token; a cookie session alone never passes for one.
* The login limit holds across the 4 workers of a real gunicorn: wrong passwords
  sent in parallel over fresh connections lock the name and the address after
  the limit, the right password is refused too until the window has passed (the
  failures are aged in the real store, as the clock would), and a forged
  X-Forwarded-For does not unlock it. An unknown name and a wrong password give
  the same status, the same page and similar timing.
* ``next=`` after login, after a language change and on the login page itself
  never leaves the site, as a browser reads the Location header.
* Every page (every GET route, the reader's editions and PDF, the error pages
  400, 401, 403, 404, 405, 413, 429 and 500) carries a CSP without inline
  scripts, nosniff, frame-ancestors and a Referrer-Policy; every cookie is
  HttpOnly and SameSite; a 500 from a real fault (a catalog that cannot be read,
  a corrupt accounts database) shows no traceback and no setting. The app, under
  gunicorn or ``localize serve``, refuses to start without a secret key.

The app runs as in production (no ``TESTING``), over copies of a real workspace.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import polib
import pytest
import requests

from conftest import snapshot
from drill import scale
from servers import Gunicorn, free_port
from localize import tasks
from localize.accounts import LOGIN_LIMIT, LOGIN_WINDOW, Store
from localize.cli import main
from test_web_support import SECRET, SLUG, password, web_template  # noqa: F401  (fixture)
from web import ConfigurationError, create_app

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COOKIE = "localize_session"
WRITES = ("POST", "PUT", "PATCH", "DELETE")
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_REFUSAL = ("CSRF", "did not come from this site")
TIMEOUT = 30


# -- a published workspace and the app over it -----------------------------------------------

def po_path(root: Path, lang: str, slug: str = SLUG) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


@pytest.fixture(scope="module")
def site(web_template, tmp_path_factory) -> Path:  # noqa: F811
    """The web tests' workspace with its Spanish edition approved (in a PO editor's way) and published."""
    root = tmp_path_factory.mktemp("websec") / "ws"
    shutil.copytree(web_template, root)
    catalog = polib.pofile(str(po_path(root, "es")), wrapwidth=0)
    for entry in catalog:
        if not entry.obsolete:
            entry.msgstr = f"ES {entry.msgid}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    catalog.save(str(po_path(root, "es")))
    assert main(["--root", str(root), "export", "--lang", "es", "--slug", SLUG]) == 0
    assert (root / "out" / "editions" / "es" / f"{SLUG}.pdf").is_file()
    return root


@pytest.fixture
def ws(site: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(site, copy)
    return copy


def production_app(root: Path):
    """The app as gunicorn builds it: no TESTING, so faults become error pages, not exceptions."""
    return create_app({"SECRET_KEY": SECRET, "LOCALIZE_ROOT": str(root), "LOCALIZE_DATABASE": None})


def token_of(client, url: str = "/login") -> str:
    found = CSRF_FIELD.search(client.get(url).get_data(as_text=True))
    assert found, f"no CSRF token on {url}"
    return html.unescape(found.group(1))


def log_in(client, name: str, *, next: str = "", **environ):
    return client.post("/login", data={"csrf_token": token_of(client), "name": name, "password": password(name),
                                       "next": next}, environ_base=environ)


def logged_in(app, name: str):
    client = app.test_client()
    response = log_in(client, name)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def state(root: Path) -> dict:
    """What a request could change: every file of the workspace but the databases, and their rows."""
    files = {k: v for k, v in snapshot(root).items() if not k.startswith("instance/")}
    rows = {}
    for db in sorted((root / "instance").glob("*.sqlite3")):
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
            rows[db.name] = list(connection.iterdump())
    return {"files": files, "rows": rows}


def values(app, root: Path) -> dict[str, str]:
    """A real value for every route argument: an entry, a job, the article, a static file."""
    local = app.extensions["localize"]
    entry = next(i for i in local.review.items("es", SLUG) if i.msgid.startswith("The evidence"))
    jobs = tasks.Jobs.of(root).recent(1)
    return {"lang": "es", "slug": SLUG, "entry": entry.id, "name": SLUG, "filename": "style.css",
            "job_id": jobs[0].id if jobs else "0" * 32, "rest": "nowhere"}


FALLBACK = {"IntegerConverter": "1", "FloatConverter": "1.0", "UUIDConverter": "00000000-0000-0000-0000-000000000001"}


def url_of(rule, known: dict[str, str]) -> str:
    """The rule's path with its arguments filled in; an argument nobody knows yet gets a value its converter
    takes (a number, a word), so that routes added later are reached too."""
    def value(name: str) -> str:
        if name in known:
            return known[name]
        converter = rule._converters[name]
        items = getattr(converter, "items", None)
        return sorted(items)[0] if items else FALLBACK.get(type(converter).__name__, "word")

    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: quote(value(m.group(1)), safe=""), rule.rule)


# -- 1. CSRF on every state-changing route ---------------------------------------------------

def test_every_state_changing_route_refuses_a_session_without_its_csrf_token(ws):
    app = production_app(ws)
    editor = logged_in(app, "ed")
    assert editor.post("/jobs/draft", data={"csrf_token": token_of(editor, "/jobs/"), "lang": "es",
                                            "engine": "pseudo"}).status_code == 303   # a real job to aim at
    known = values(app, ws)
    entry = app.extensions["localize"].review.item("es", SLUG, known["entry"])

    before_login = app.test_client()
    stale = token_of(before_login)                       # the session's token before it logged in
    assert log_in(before_login, "ada").status_code == 302
    stranger = token_of(app.test_client())              # a valid token of somebody else's session
    own = token_of(before_login, "/")                   # the page's token: the session now holds its secret
    admin_cookie = before_login.get_cookie(COOKIE).value
    body = {"action": "save", "version": entry.version, "text": "written by a forged request",
            "lang": "es", "engine": "pseudo", "ui_language": "ar", "label": "forged", "name": "ada",
            "password": password("ada"), "next": "/"}
    variants = {
        "no token": ({}, {}),
        "a forged token": ({"csrf_token": "forged"}, {"X-CSRFToken": "forged"}),
        "another session's token": ({"csrf_token": stranger}, {"X-CSRFToken": stranger}),
        "the token from before login": ({"csrf_token": stale}, {"X-CSRFToken": stale}),
    }
    before = state(ws)
    rules = [r for r in app.url_map.iter_rules()]
    writes = [(r, m) for r in rules for m in WRITES if m in r.methods]
    assert {r.endpoint for r, _ in writes} >= {"auth.login", "auth.logout", "ui.choose", "review.act",
                                                "review.comment", "review.fresh_draft", "jobs.start_draft",
                                                "api.act", "api.comment", "api.new_token", "api.start_draft",
                                                "api.revoke_token", "admin.add_user", "admin.set_roles",
                                                "admin.set_access", "admin.reset_password", "admin.new_token",
                                                "admin.revoke_token"}
    outcomes: dict[int, int] = {}
    for rule in rules:
        url = url_of(rule, known)
        for method in WRITES:
            for label, (fields, headers) in variants.items():
                for as_json in (False, True):
                    client = app.test_client()
                    client.set_cookie(COOKIE, admin_cookie)
                    data = {**body, **fields}
                    response = (client.open(url, method=method, json=data, headers=headers) if as_json else
                                client.open(url, method=method, data=data, headers=headers))
                    code = response.status_code
                    outcomes[code] = outcomes.get(code, 0) + 1
                    what = f"{method} {url} with {label}{' (JSON)' if as_json else ''}: {code}"
                    if method in rule.methods:
                        assert code in (400, 403), what
                        text = response.get_data(as_text=True)
                        assert any(word in text for word in CSRF_REFUSAL), what + " " + text[:300]
                    else:
                        assert code in (400, 403, 404, 405), what
                    assert client.get("/").status_code == 200, what + ": the session was logged out"
    assert state(ws) == before, "a request without a valid CSRF token changed something"
    print(f"\nCSRF: {len(writes)} state-changing route methods of {len(rules)} routes; "
          f"{sum(outcomes.values())} forged requests: {dict(sorted(outcomes.items()))}; nothing changed")

    # The same requests with the session's token are taken: the refusals above came from the token alone.
    for rule, method in writes:
        client = app.test_client()
        client.set_cookie(COOKIE, admin_cookie)
        response = client.open(url_of(rule, known), method=method, data={**body, "csrf_token": own},
                               headers={"X-CSRFToken": own})
        text = response.get_data(as_text=True)
        assert not any(word in text for word in CSRF_REFUSAL), f"{method} {rule.rule}: {text[:300]}"
    assert state(ws) != before


def test_api_writes_take_a_bearer_token_without_csrf_but_never_a_cookie_alone(ws):
    app = production_app(ws)
    known = values(app, ws)
    client = logged_in(app, "rita")
    cookie = client.get_cookie(COOKIE).value
    url = f"/api/es/{SLUG}/entries/{known['entry']}/comments"
    before = state(ws)
    # the cookie alone: refused; a wrong bearer token does not fall back to the cookie
    alone = client.post(url, json={"text": "from the cookie alone"})
    assert alone.status_code == 400 and "CSRF" in alone.get_json()["error"]
    wrong = client.post(url, json={"text": "wrong token"}, headers={"Authorization": "Bearer not-a-token"})
    assert wrong.status_code == 401
    assert state(ws) == before
    # a token made by the logged-in session (with its CSRF token) works without cookies or CSRF
    made = client.post("/api/tokens", json={"label": "script"}, headers={"X-CSRFToken": token_of(client, "/")})
    assert made.status_code == 201
    script = app.test_client(use_cookies=False)
    answer = script.post(url, json={"text": "from a script"}, headers={"Authorization": f"Bearer {made.get_json()['token']}"})
    assert answer.status_code == 201 and answer.get_json()["comment"]["text"] == "from a script"
    # a token cannot make tokens, and a cookie sent along changes nothing about that
    again = app.test_client()
    again.set_cookie(COOKIE, cookie)
    refused = again.post("/api/tokens", json={}, headers={"Authorization": f"Bearer {made.get_json()['token']}"})
    assert refused.status_code == 403


# -- 1b. the account pages: the users right, and every role's own tokens only -----------------------

ACCOUNT_FIELDS = {"name": "mallory", "password": "taken-over-now", "role": "admin", "role-es": "reviewer",
                  "disabled": "1", "generate": "1", "label": "stolen", "expires": "never"}


def test_account_routes_refuse_every_role_but_admin_and_change_nothing(ws):
    """Every route of the admin pages (read from the url_map, so routes added later are covered), aimed at
    a real account, as each role with a valid CSRF token: 403 and nothing changed, but for the admin."""
    app = production_app(ws)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")
             and r.rule.startswith("/admin/")]
    assert {r.endpoint for r in rules} >= {"admin.users", "admin.add_user", "admin.user", "admin.set_roles",
                                           "admin.set_access", "admin.reset_password"}
    clients = {who: logged_in(app, who) for who in ("tina", "tomas", "rita", "lina", "ed", "sam")}
    before = state(ws)   # after the logins, which note their time
    tried = 0
    for who, client in clients.items():
        csrf = token_of(client, "/")
        for rule in rules:
            for method in sorted(rule.methods & {"GET", "POST"}):
                for target in ("ada", who):
                    answer = client.open(url_of(rule, {"name": target}), method=method,
                                         data={**ACCOUNT_FIELDS, "csrf_token": csrf} if method == "POST" else None)
                    tried += 1
                    assert answer.status_code == 403, (who, method, rule.rule, target, answer.status_code)
        assert client.get("/").status_code == 200, f"{who} was logged out"
    assert state(ws) == before, "a refused account request changed something"
    # the admin's own requests pass the same guard
    admin = logged_in(app, "ada")
    assert admin.get("/admin/users").status_code == 200
    answer = admin.post("/admin/users/tina/access", data={"disabled": "1", "csrf_token": token_of(admin, "/")})
    assert answer.status_code == 303 and state(ws) != before
    print(f"\naccount pages: {tried} requests by 6 accounts without the users right: all 403, nothing changed")


def test_tokens_of_one_account_are_out_of_reach_of_another(ws):
    app = production_app(ws)
    store = app.extensions["localize"].store
    secret, hers = store.add_token("tina", "hers")
    rita = logged_in(app, "rita")
    csrf = token_of(rita, "/")
    before = state(ws)
    assert rita.post(f"/account/tokens/{hers.id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert rita.delete(f"/api/tokens/{hers.id}", headers={"X-CSRFToken": csrf}).status_code == 404
    assert secret not in rita.get("/account/tokens").get_data(as_text=True)
    assert hers.id not in rita.get("/account/tokens").get_data(as_text=True)
    assert hers.id not in rita.get("/api/tokens").get_data(as_text=True)
    assert state(ws) == before
    # a token cannot list or revoke once it is revoked, and cannot make another
    script = app.test_client(use_cookies=False)
    assert script.post("/api/tokens", json={}, headers={"Authorization": f"Bearer {secret}"}).status_code == 403
    store.revoke_token("tina", hers.id)
    for method, url in (("GET", "/api/tokens"), ("DELETE", f"/api/tokens/{hers.id}"), ("GET", "/api/status")):
        assert script.open(url, method=method, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


# -- 2. the login limit across gunicorn workers -----------------------------------------------

@pytest.fixture(scope="module")
def served(web_template, tmp_path_factory):  # noqa: F811
    root = tmp_path_factory.mktemp("websec-gunicorn") / "ws"
    shutil.copytree(web_template, root)
    server = Gunicorn(root, env={"LOCALIZE_SECRET_KEY": SECRET})
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def web_login(url: str, name: str, secret: str, headers: dict | None = None) -> tuple[requests.Response, requests.Session]:
    """The login form over a fresh connection: the page, its token, the post (not followed)."""
    s = requests.Session()
    page = s.get(url + "/login", timeout=TIMEOUT)
    token = html.unescape(CSRF_FIELD.search(page.text).group(1))
    answer = s.post(url + "/login", data={"csrf_token": token, "name": name, "password": secret, "next": ""},
                    headers=headers or {}, allow_redirects=False, timeout=TIMEOUT)
    return answer, s


def test_login_limit_holds_across_four_gunicorn_workers(served):
    url = served.url
    tries = scale(16, 60)

    def wrong(i: int) -> int:
        return web_login(url, "rita", f"guess number {i}")[0].status_code

    with ThreadPoolExecutor(4) as pool:                 # four at a time: every worker busy hashing
        codes = list(pool.map(wrong, range(tries)))
    evaluated, blocked = codes.count(200), codes.count(429)
    print(f"\nlogin limit: {tries} wrong passwords in parallel: {evaluated} answered 'wrong', {blocked} 429; "
          f"served by {len(served.workers_of('POST', '/login'))} workers")
    assert evaluated + blocked == tries, codes
    assert evaluated == LOGIN_LIMIT, f"{evaluated} guesses were checked; the limit is {LOGIN_LIMIT}"
    assert len(served.workers_of("POST", "/login")) >= 2, "the attempts did not spread over workers"

    # The right password is refused now, on any worker, whatever X-Forwarded-For claims.
    for headers in ({}, {"X-Forwarded-For": "203.0.113.7"}, {"X-Real-IP": "198.51.100.2"}):
        answer, s = web_login(url, "rita", password("rita"), headers)
        assert answer.status_code == 429 and "Too many failed logins" in answer.text, headers
        assert s.get(url + "/", allow_redirects=False, timeout=TIMEOUT).status_code == 302
    # the address is blocked for other names too
    assert web_login(url, "rafa", password("rafa"))[0].status_code == 429

    # When the window has passed (the failures aged in the real store, as the clock would), the right password works.
    with sqlite3.connect(served.root / "instance" / "localize.sqlite3", timeout=30) as db:
        db.execute("UPDATE failed_logins SET at = at - ?", (LOGIN_WINDOW + 1,))
    answer, s = web_login(url, "rita", password("rita"))
    assert answer.status_code == 302, answer.text[:300]
    page = s.get(url + "/", timeout=TIMEOUT)
    assert page.status_code == 200 and "rita" in page.text


def _normalized(page: str, name: str) -> str:
    page = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1TOKEN", page)
    return page.replace(f'value="{name}"', 'value="NAME"')


def test_unknown_name_and_wrong_password_look_the_same(ws):
    app = production_app(ws)
    names = [n for n in Store(ws / "instance" / "localize.sqlite3").users()]
    rounds = scale(7, 21)
    timings: dict[str, list[float]] = {"wrong password": [], "unknown name": []}
    seen: dict[str, set] = {"wrong password": set(), "unknown name": set()}
    for i in range(rounds + 1):            # round 0 warms both paths up
        for kind in timings:
            name = names[i % len(names)].name if kind == "wrong password" else f"nobody{i}"
            client = app.test_client()
            token = token_of(client)
            began = time.perf_counter()
            response = client.post("/login", data={"csrf_token": token, "name": name, "password": "not the password"},
                                   environ_base={"REMOTE_ADDR": f"10.1.{i}.{len(kind)}"})
            took = time.perf_counter() - began
            if i:
                timings[kind].append(took)
            seen[kind].add((response.status_code, _normalized(response.get_data(as_text=True), name)))
    assert len(seen["wrong password"]) == 1 and seen["wrong password"] == seen["unknown name"]
    status, page = next(iter(seen["unknown name"]))
    assert status == 200 and "Wrong name or password." in page
    medians = {kind: statistics.median(t) for kind, t in timings.items()}
    ratio = medians["unknown name"] / medians["wrong password"]
    print(f"\nlogin timing over {rounds} rounds: wrong password {medians['wrong password'] * 1000:.0f} ms, "
          f"unknown name {medians['unknown name'] * 1000:.0f} ms (ratio {ratio:.2f})")
    assert 0.5 < ratio < 2, medians


# -- 3. next= stays on the site ----------------------------------------------------------------

HOSTILE_NEXT = [
    "//evil.example", "//evil.example/review", "https://evil.example", "http:evil.example", "https:/evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "%2F%2Fevil.example",
    "/\t/evil.example", "/\n/evil.example", " //evil.example", "\x00//evil.example", "///evil.example",
    "/\r\nLocation: https://evil.example", "/%0d%0aSet-Cookie:%20planted=1", "evil.example",
    "@evil.example", "/@evil.example", "http://localhost@evil.example/", "//localhost@evil.example",
    "\uff0f\uff0fevil.example", "/\u3000/evil.example", "/" + "a" * 3000,
]
BASE = "http://localhost/"


def lands_on(location: str) -> tuple[str, str]:
    """Where a browser goes for this Location: tabs and newlines dropped, backslashes read as slashes."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                       "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                                       "\x1c\x1d\x1e\x1f ").replace("\\", "/")
    parts = urlsplit(urljoin(BASE, cleaned))
    return parts.scheme, parts.netloc


def test_next_accepts_only_paths_of_this_site(ws):
    app = production_app(ws)
    cookie = logged_in(app, "rita").get_cookie(COOKIE).value
    tried = 0
    for target in HOSTILE_NEXT:
        checks = {}
        checks["login form"] = log_in(app.test_client(), "rita", next=target)
        already = app.test_client()
        already.set_cookie(COOKIE, cookie)
        checks["login page, logged in"] = already.get("/login", query_string={"next": target})
        anonymous = app.test_client()
        checks["language form"] = anonymous.post("/language", data={"csrf_token": token_of(anonymous),
                                                                    "ui_language": "es", "next": target})
        for where, response in checks.items():
            tried += 1
            assert response.status_code == 302, (where, target, response.status_code)
            location = response.headers["Location"]
            assert "\r" not in location and "\n" not in location
            assert lands_on(location) == ("http", "localhost"), (where, target, location)
            if target.lstrip().startswith(("//", "http", "javascript", "\\", "data")):
                assert location == "/", (where, target, location)
    # a path of the site is kept
    wanted = f"/review/es/{SLUG}?state=review"
    assert log_in(app.test_client(), "rita", next=wanted).headers["Location"] == wanted
    print(f"\nnext=: {len(HOSTILE_NEXT)} hostile targets x 3 entry points = {tried} redirects, all on the site")


# -- 4. headers on every page, error pages that leak nothing, no start without a key ------------

def check_headers(response, what: str) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = [w.lower() for w in words[1:]]
    scripts = directives.get("script-src-elem") or directives.get("script-src") or directives.get("default-src")
    assert scripts is not None, f"{what}: no script policy in {policy!r}"
    assert "'unsafe-inline'" not in scripts and "*" not in scripts and "data:" not in scripts, f"{what}: {policy}"
    assert "'unsafe-inline'" not in directives.get("script-src", []), f"{what}: {policy}"
    assert directives.get("frame-ancestors") in (["'none'"], ["'self'"]), f"{what}: {policy}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", what
    assert response.headers.get("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin",
                                                       "strict-origin-when-cross-origin"), what
    for cookie in response.headers.getlist("Set-Cookie"):
        flags = [f.strip().lower() for f in cookie.split(";")[1:]]
        assert "httponly" in flags, f"{what}: {cookie}"
        assert any(f in ("samesite=lax", "samesite=strict") for f in flags), f"{what}: {cookie}"


def test_security_headers_on_every_page_and_error_page(ws):
    app = production_app(ws)
    admin = app.test_client()
    answer = log_in(admin, "ada")
    assert answer.status_code == 302 and any(c.startswith(COOKIE + "=") for c in answer.headers.getlist("Set-Cookie"))
    check_headers(answer, "the login answer and its session cookie")
    assert admin.post("/jobs/draft", data={"csrf_token": token_of(admin, "/jobs/"), "lang": "es",
                                           "engine": "pseudo"}).status_code == 303
    known = values(app, ws)
    before = state(ws)
    answers: dict[str, int] = {}
    pages = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = url_of(rule, known)
        for who, client in (("anonymous", app.test_client()), ("admin", admin)):
            response = client.get(url)
            pages += 1
            check_headers(response, f"GET {url} as {who}")
            assert response.status_code < 500, (url, who, response.status_code)
            if who == "admin":
                answers[rule.endpoint] = response.status_code
    # every real page answered (not a redirect to login or a 404)
    for endpoint in ("review.dashboard", "review.queue", "review.editor", "review.preview", "jobs.index",
                     "jobs.show", "jobs.script", "reader.index", "reader.edition", "reader.edition_pdf",
                     "api.status", "api.entries", "api.entry", "api.job", "static", "health",
                     "admin.users", "admin.tokens", "admin.copy_script", "api.list_tokens"):
        assert answers[endpoint] == 200, (endpoint, answers[endpoint])
    assert answers["reader.article"] == 302
    assert state(ws) == before, "a GET changed something"

    # error pages
    errors = {}
    errors[404] = admin.get("/no-such-page")
    errors[405] = admin.get("/logout")
    errors[400] = app.test_client().post("/login", data={"name": "ada", "password": "x"})
    errors[401] = app.test_client().get("/api/status")
    tina = logged_in(app, "tina")
    errors[403] = tina.get(f"/review/fr/{SLUG}")
    big = app.test_client()
    errors[413] = big.post("/login", data={"csrf_token": token_of(big), "name": "ada", "password": "x" * 3_000_000})
    for _ in range(LOGIN_LIMIT):
        guesser = app.test_client()
        assert guesser.post("/login", data={"csrf_token": token_of(guesser), "name": "nobody", "password": "x"},
                            environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    limited = app.test_client()
    errors[429] = log_in(limited, "ada", REMOTE_ADDR="10.9.9.9")
    for code, response in errors.items():
        assert response.status_code == code, (code, response.status_code, response.get_data(as_text=True)[:300])
        check_headers(response, f"the {code} page")
    print(f"\nheaders: {pages} GET answers over {len(answers)} GET routes (anonymous and admin), "
          f"error pages {sorted(errors)}: all with CSP, nosniff, frame-ancestors, Referrer-Policy")


def leaks(text: str, root: Path) -> list[str]:
    """What a page must never show: a traceback, the secret key, the server's paths, the exception."""
    found = [word for word in ("Traceback", 'File "', SECRET, str(root), "LOCALIZE_", "sqlite3", "DatabaseError",
                               "RuntimeError", "Symlink loop", "file is not a database", "site-packages")
             if word in text]
    return found


def test_a_500_page_shows_no_traceback_or_settings(ws, caplog):
    # A real fault: the Spanish catalog became a symlink to itself (a broken deploy), unreadable.
    app = production_app(ws)
    admin = logged_in(app, "ada")
    catalog = po_path(ws, "es")
    catalog.unlink()
    catalog.symlink_to(catalog.name)
    for url, accept in ((f"/review/es/{SLUG}", "text/html"), (f"/review/es/{SLUG}", "application/json"),
                        (f"/api/es/{SLUG}/entries", "application/json")):
        response = admin.get(url, headers={"Accept": accept})
        text = response.get_data(as_text=True)
        assert response.status_code == 500, (url, response.status_code, text[:300])
        assert not leaks(text, ws), (url, leaks(text, ws))
        check_headers(response, f"500 of {url}")
        if accept == "text/html":
            assert "Something went wrong" in text
    assert any(r.exc_info for r in caplog.records), "the fault was not logged"

    # Another: the accounts database is corrupt under a running app (a disk fault).
    cookie = admin.get_cookie(COOKIE).value
    fresh = production_app(ws)
    database = ws / "instance" / "localize.sqlite3"
    for leftover in database.parent.glob("localize.sqlite3-*"):
        leftover.unlink()
    with database.open("r+b") as f:
        f.write(b"\x00garbage" * 512)
    for url, accept in (("/", "text/html"), ("/login", "text/html"), (f"/api/es/{SLUG}/entries", "application/json")):
        client = fresh.test_client()
        client.set_cookie(COOKIE, cookie)
        response = client.get(url, headers={"Accept": accept})
        text = response.get_data(as_text=True)
        assert response.status_code == 500, (url, response.status_code, text[:300])
        assert not leaks(text, ws), (url, leaks(text, ws))
        check_headers(response, f"500 of {url} over a corrupt database")


def test_a_bad_catalog_is_named_relative_to_the_workspace(ws):
    app = production_app(ws)
    admin = logged_in(app, "ada")
    catalog = po_path(ws, "es")
    catalog.write_bytes(catalog.read_bytes()[: catalog.stat().st_size // 2])     # torn
    response = admin.get(f"/review/es/{SLUG}")
    text = html.unescape(response.get_data(as_text=True))
    assert 400 <= response.status_code < 500
    assert re.search(rf"locales/es/LC_MESSAGES/{SLUG}\.po:\d+", text), text[:2000]
    assert not leaks(text, ws), leaks(text, ws)


@pytest.mark.parametrize("key", [None, "", "   "])
def test_no_start_without_a_secret_key(ws, monkeypatch, key):
    monkeypatch.setenv("LOCALIZE_ROOT", str(ws))
    if key is None:
        monkeypatch.delenv("LOCALIZE_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("LOCALIZE_SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="LOCALIZE_SECRET_KEY"):
        create_app()
    env = {k: v for k, v in os.environ.items() if k != "LOCALIZE_SECRET_KEY"}
    if key is not None:
        env["LOCALIZE_SECRET_KEY"] = key
    # localize serve: one line, exit 2, nothing served
    port = free_port()
    served = subprocess.run([str(BIN / "localize"), "--root", str(ws), "serve", "--port", str(port)],
                            env=env, capture_output=True, text=True, timeout=60)
    assert served.returncode == 2, served
    assert served.stdout == "" and len(served.stderr.strip().splitlines()) == 1, served
    assert "LOCALIZE_SECRET_KEY" in served.stderr and "Traceback" not in served.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_gunicorn_refuses_to_start_without_a_secret_key(ws):
    server = Gunicorn(ws, env={"LOCALIZE_SECRET_KEY": None}, workers=1)
    try:
        code = server.proc.wait(timeout=60)
        output = server.output()
    finally:
        server.stop()
    assert code != 0
    assert "LOCALIZE_SECRET_KEY is not set" in output
