"""The web app: its factory, logging in and out, the login limit, redirects, CSRF, every route's guard."""

from __future__ import annotations

import pytest

from localize.accounts import Store
from web import ConfigurationError, create_app
from test_web_support import (  # noqa: F401  (fixtures)
    ANY_PAGE, COOKIE, SLUG, app, client_as, csrf_token, find, form_login, local, make_app, po_path, post_action,
    web_template, ws)


# -- the factory -----------------------------------------------------------------------------

def test_health_answers_without_login(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok", "workspace": "ok"}}


def test_secret_key_comes_from_the_environment(monkeypatch, ws):
    monkeypatch.setenv("LOCALIZE_SECRET_KEY", "from-env")
    monkeypatch.setenv("LOCALIZE_ROOT", str(ws))
    assert create_app().config["SECRET_KEY"] == "from-env"


def test_no_secret_key_no_start(monkeypatch, ws):
    monkeypatch.delenv("LOCALIZE_SECRET_KEY", raising=False)
    monkeypatch.setenv("LOCALIZE_ROOT", str(ws))
    with pytest.raises(ConfigurationError, match="LOCALIZE_SECRET_KEY"):
        create_app()
    assert create_app({"TESTING": True}).config["SECRET_KEY"]  # tests get a random one


def test_workspace_store_and_review_are_shared_with_the_blueprints(app, ws):
    shared = app.extensions["localize"]
    assert shared.workspace.root == ws.resolve()
    assert shared.store.path == ws / "instance" / "localize.sqlite3"
    assert shared.review.store is shared.store
    assert app.extensions["csrf"] is not None
    assert {"api", "jobs", "auth", "review", "ui"} <= set(app.blueprints)


def test_workspace_is_found_from_the_current_folder(monkeypatch, ws, tmp_path):
    monkeypatch.delenv("LOCALIZE_ROOT", raising=False)
    monkeypatch.chdir(ws / "source")
    app = create_app({"TESTING": True, "LOCALIZE_DATABASE": str(tmp_path / "other.sqlite3")})
    assert app.extensions["localize"].workspace.root == ws.resolve()
    assert app.extensions["localize"].store.path == tmp_path / "other.sqlite3"


@pytest.mark.parametrize("setting, secure", [(None, False), ("0", False), ("1", True), ("true", True)])
def test_session_cookie_is_httponly_lax_and_secure_when_asked(monkeypatch, ws, setting, secure):
    if setting is None:
        monkeypatch.delenv("LOCALIZE_SECURE_COOKIES", raising=False)
    else:
        monkeypatch.setenv("LOCALIZE_SECURE_COOKIES", setting)
    app = make_app(ws)
    client = app.test_client()
    response = form_login(client, "rita")
    assert response.status_code == 302
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) == secure


# -- logging in and out ----------------------------------------------------------------------

def test_login_then_pages_then_logout(app):
    client = app.test_client()
    assert client.get("/").status_code == 302
    response = form_login(client, "rita")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200 and "rita" in page.get_data(as_text=True)
    token = csrf_token(client, ANY_PAGE)
    assert client.get("/logout").status_code == 405   # logging out is a POST
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("name, secret", [("rita", "wrong-password"), ("nobody", "rita-password"), ("rita", "")])
def test_a_wrong_login_says_so_and_logs_nobody_in(app, name, secret):
    client = app.test_client()
    response = form_login(client, name, secret)
    assert response.status_code in (200, 400)
    assert 'role="alert"' in response.get_data(as_text=True) or "field-error" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(app):
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"name": "rita", "password": "rita-password"})
    assert response.status_code == 400
    assert "Reload the page" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_five_failures_block_the_name_and_address_across_app_instances(ws):
    first, second = make_app(ws), make_app(ws)   # two workers over one database
    a, b = first.test_client(), second.test_client()
    for _ in range(5):
        assert form_login(a, "rita", "not-her-password").status_code == 200
    blocked = form_login(b, "rita")              # the right password, the other worker: still blocked
    assert blocked.status_code == 429
    assert "Too many failed logins" in blocked.get_data(as_text=True)
    assert b.get("/").status_code == 302
    # the same address, another name: blocked too; another address and name: fine
    assert form_login(b, "rafa").status_code == 429
    assert form_login(second.test_client(), "rafa", REMOTE_ADDR="10.9.8.7").status_code == 302
    assert form_login(second.test_client(), "rita", REMOTE_ADDR="10.9.8.7").status_code == 429


def test_a_successful_login_clears_the_names_failures_not_the_address(ws):
    app = make_app(ws)
    form_login(app.test_client(), "rita", "not-her-password")
    store = Store(ws / "instance" / "localize.sqlite3")
    assert store.login_blocked("name:rita", limit=1) and store.login_blocked("ip:127.0.0.1", limit=1)
    assert form_login(app.test_client(), "rita").status_code == 302
    assert not store.login_blocked("name:rita", limit=1)
    assert store.login_blocked("ip:127.0.0.1", limit=1)   # one good account does not clear an address


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:evil.example", "\\\\evil.example", "/\\evil.example",
    "/\\/evil.example", "javascript:alert(1)", " //evil.example", "/\t/evil.example", "evil.example",
    "///evil.example", "%2F%2Fevil.example",
])
def test_next_never_leaves_the_site(app, target):
    response = form_login(app.test_client(), "rita", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_goes_back_to_the_page_asked_for(app):
    client = app.test_client()
    wanted = f"/review/es/{SLUG}?state=review"
    response = client.get(wanted)
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/review/es/emotional-numbness?state=review"' in login_page
    response = form_login(client, "rita", next=wanted)
    assert response.headers["Location"] == wanted


# -- every route: login first, then rights ----------------------------------------------------

def _routes(local) -> list[tuple[str, str]]:
    entry = find(local, "The evidence").id
    return [
        ("GET", "/"),
        ("GET", f"/review/es/{SLUG}"),
        ("GET", f"/review/es/{SLUG}?state=review&q=numb"),
        ("GET", f"/review/es/{SLUG}/{entry}"),
        ("GET", f"/review/es/{SLUG}/preview"),
        ("POST", f"/review/es/{SLUG}/{entry}"),
        ("POST", f"/review/es/{SLUG}/{entry}/draft"),
        ("POST", f"/review/es/{SLUG}/{entry}/comments"),
    ]


def test_every_page_but_login_and_health_needs_a_login(app, local):
    client = app.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    app.config["WTF_CSRF_ENABLED"] = False   # what is checked here is the login, not the token
    for method, url in _routes(local):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)
    json = client.get(_routes(local)[3][1], headers={"Accept": "application/json"})
    assert json.status_code == 401 and json.get_json()["error"]


@pytest.mark.parametrize("name", ["tina", "rita", "ed", "ada"])
def test_every_page_answers_an_account_of_the_language(client_as, local, name):
    client = client_as(name)
    for method, url in _routes(local):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 200, (name, url)
            assert response.headers["Content-Security-Policy"]


def test_pages_of_another_language_are_forbidden(client_as, local):
    client = client_as("tina")   # a Spanish translator
    entry = find(local, "The evidence", "fr").id
    for url in (f"/review/fr/{SLUG}", f"/review/fr/{SLUG}/{entry}", f"/review/fr/{SLUG}/preview"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Not allowed" in response.get_data(as_text=True)
    dashboard = client.get("/").get_data(as_text=True)
    assert f"/review/es/{SLUG}" in dashboard and f"/review/fr/{SLUG}" not in dashboard


@pytest.mark.parametrize("url", [
    f"/review/de/{SLUG}", f"/review/xx!/{SLUG}", "/review/es/no-such-article", "/review/es/..%2F..%2Fetc",
    f"/review/es/{SLUG}/0123456789abcdef", f"/review/es/{SLUG}/%3Cscript%3E", "/nowhere", "/review/es/UPPER",
])
def test_bad_addresses_are_404_pages_never_500(client_as, url):
    response = client_as("ed").get(url)
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


def test_errors_are_json_for_clients_that_ask(client_as):
    response = client_as("ed").get(f"/review/es/{SLUG}/0123456789abcdef", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


@pytest.mark.parametrize("form", [
    {"action": "dance"}, {"action": "revert", "change": "x"}, {"action": "revert", "change": "99999"},
    {"action": "revert", "change": "²"}, {"action": "revert", "change": "9" * 40},
    {"action": "save", "text": "x" * 100_001}, {"action": "save", "text": "x" * 3_000_000},
    {"action": "save"}, {"action": "approve"}, {"action": "save", "text": "a\x01b"},
])
def test_bad_form_input_is_a_4xx_page(client_as, local, ws, form):
    client = client_as("ed")
    item = find(local, "The evidence")
    before = po_path(ws, "es").read_bytes()
    response = client.post(f"/review/es/{SLUG}/{item.id}",
                           data={"csrf_token": csrf_token(client, ANY_PAGE), "version": item.version, **form})
    assert 400 <= response.status_code < 500
    assert po_path(ws, "es").read_bytes() == before


def test_a_post_without_the_csrf_token_changes_nothing(client_as, local, ws):
    client = client_as("rita")
    item = find(local, "The evidence")
    before = po_path(ws, "es").read_bytes()
    for token in ("", "forged-token"):
        response = post_action(client, "es", item, "save", text="Las pruebas", token=token)
        assert response.status_code == 400
        assert po_path(ws, "es").read_bytes() == before
    assert post_action(client, "es", item, "save", text="Las pruebas").status_code == 302
    assert po_path(ws, "es").read_bytes() != before


def test_pages_hold_no_outside_resources_and_a_skip_link(client_as, local):
    page = client_as("rita").get(f"/review/es/{SLUG}/{find(local, 'The evidence').id}").get_data(as_text=True)
    assert 'href="#main"' in page and 'id="main"' in page
    assert 'aria-live="polite"' in page
    assert "http://" not in page and "https://" not in page


def test_behind_a_proxy_the_forwarded_address_is_counted(ws, monkeypatch):
    monkeypatch.setenv("LOCALIZE_PROXIES", "1")
    client = make_app(ws).test_client()
    token = csrf_token(client)
    client.post("/login", data={"csrf_token": token, "name": "rita", "password": "wrong-password"},
                headers={"X-Forwarded-For": "203.0.113.9"})
    store = Store(ws / "instance" / "localize.sqlite3")
    assert store.login_blocked("ip:203.0.113.9", limit=1) and not store.login_blocked("ip:127.0.0.1", limit=1)
    monkeypatch.setenv("LOCALIZE_PROXIES", "many")
    with pytest.raises(ConfigurationError, match="LOCALIZE_PROXIES"):
        make_app(ws)
