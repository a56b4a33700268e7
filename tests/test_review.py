"""Accounts, history and the review actions, on real catalogs and a real SQLite file."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest

from conftest import SEED, assert_msgfmt_ok, snapshot
from localize import review
from localize.accounts import AccountError, PermissionDenied, Store
from localize.errors import BadInput
from localize.review import Blocked, Conflict, Review, entry_id
from localize.workspace import Workspace

SLUG = "emotional-numbness"
CITING = 'James Gross\'s work on emotion regulation <a href="#ref-2">(1998)</a>'


@pytest.fixture
def ws(tmp_path: Path, run) -> Workspace:
    root = tmp_path / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "fr"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert run("extract", cwd=root).code == 0
    assert run("update", cwd=root).code == 0
    return Workspace.open(root)


@pytest.fixture(scope="module")
def accounts(tmp_path_factory) -> Path:
    """The accounts, made once: scrypt is slow on purpose."""
    path = tmp_path_factory.mktemp("accounts") / "localize.sqlite3"
    s = Store(path)
    s.add_user("tina", "translator", ["es"], "tina-password")
    s.add_user("rita", "reviewer", ["es"], "rita-password")
    s.add_user("rafa", "reviewer", ["es"], "rafa-password")
    s.add_user("ed", "editor", [], "ed-password")
    s.close()   # everything in the main file, for the copies
    return path


@pytest.fixture
def store(tmp_path: Path, accounts: Path) -> Store:
    (tmp_path / "instance").mkdir()
    shutil.copy(accounts, tmp_path / "instance" / "localize.sqlite3")
    return Store(tmp_path / "instance" / "localize.sqlite3")


def po(ws: Workspace, lang: str = "es") -> Path:
    return ws.catalog_path(lang, SLUG)


def find(items, start: str):
    return next(i for i in items if i.msgid.startswith(start))


# -- accounts --------------------------------------------------------------------------------

def test_passwords_are_hashed_and_checked(store, tmp_path):
    assert store.authenticate("tina", "tina-password").role == "translator"
    assert store.authenticate("tina", "wrong-password") is None
    assert store.authenticate("nobody", "tina-password") is None
    raw = (tmp_path / "instance" / "localize.sqlite3").read_bytes()
    assert b"tina-password" not in raw and b"scrypt" in raw


@pytest.mark.parametrize("args, says", [
    (("tina", "translator", ["es"], "another-pass"), "already a user"),
    (("x", "translator", ["es"], "short"), "at least 8"),
    (("x", "boss", ["es"], "long-enough"), "no role"),
    (("x", "translator", [], "long-enough"), "named languages"),
    (("x y", "translator", ["es"], "long-enough"), "bad user name"),
    (("x", "translator", ["x!"], "long-enough"), "x!"),
])
def test_bad_accounts_are_refused(store, args, says):
    with pytest.raises((AccountError, BadInput), match=says):
        store.add_user(*args)


def test_rights_follow_role_and_language(store):
    tina, rita, ed = store.user("tina"), store.user("rita"), store.user("ed")
    assert tina.may("save", "es") and not tina.may("save", "fr") and not tina.may("approve", "es")
    assert rita.may("approve", "es") and not rita.may("approve", "fr") and not rita.may("export")
    assert ed.may("approve", "fr") and ed.may("export") and not ed.may("users")


def test_tokens_are_stored_as_digests(store, tmp_path):
    token = store.new_token("rita", "script")
    assert store.token_user(token).name == "rita"
    assert store.token_user(token + "x") is None
    assert token.encode() not in (tmp_path / "instance" / "localize.sqlite3").read_bytes()


def test_the_login_limit_holds_across_processes(tmp_path, store):
    other = Store(tmp_path / "instance" / "localize.sqlite3")   # another worker, same file
    for _ in range(5):
        store.login_failed("name:tina", "ip:10.0.0.1")
    assert other.login_blocked("name:tina") and other.login_blocked("ip:10.0.0.1")
    assert not other.login_blocked("name:rita")
    other.login_succeeded("name:tina")
    assert not store.login_blocked("name:tina")


# -- review actions -------------------------------------------------------------------------------

def test_save_then_approve_by_another_reviewer(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    assert item.state == "untranslated"
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    assert (saved.state, saved.msgstr) == ("needs review", "Las pruebas")
    approved = r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version)
    assert approved.state == "approved"
    entry = polib.pofile(str(po(ws))).find("The evidence")
    assert entry.msgstr == "Las pruebas" and "fuzzy" not in entry.flags
    assert_msgfmt_ok(po(ws))
    changes = store.history("es", SLUG, item.id)
    assert [(c.user, c.action, c.old_msgstr, c.new_msgstr, c.new_state) for c in changes] == [
        ("tina", "save", "", "Las pruebas", "needs review"),
        ("rita", "approve", "Las pruebas", "Las pruebas", "approved")]


def test_a_reviewer_does_not_approve_their_own_translation(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("rita"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    before = po(ws).read_bytes()
    with pytest.raises(PermissionDenied, match="rita wrote this translation"):
        r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version)
    with pytest.raises(PermissionDenied):   # nor by editing it on the way
        r.act(store.user("rafa"), "es", SLUG, item.id, "approve", based_on=saved.version, text="Pruebas")
    assert po(ws).read_bytes() == before
    assert r.act(store.user("rafa"), "es", SLUG, item.id, "approve", based_on=saved.version).state == "approved"


def test_self_approval_when_the_workspace_allows_it(ws, store):
    r = Review(ws, store, self_approval=True)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("rita"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    assert r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version).state == "approved"


def test_a_machine_draft_is_approved_by_one_reviewer(ws, store, run):
    assert run("draft", "--lang", "es", "--engine", "pseudo", "--limit", "3", cwd=ws.root).code == 0
    r = Review(ws, store)
    drafted = [i for i in r.items("es", SLUG) if i.state == "machine draft"]
    assert len(drafted) == 3 and drafted[0].origin == "pseudo"
    saved = r.act(store.user("tina"), "es", SLUG, drafted[0].id, "save", based_on=drafted[0].version,
                  text="Entender el entumecimiento emocional: causas y recuperación")
    assert (saved.state, saved.origin) == ("needs review", None)   # a person's work now


def test_a_stale_version_is_a_conflict_and_changes_nothing(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    before = po(ws).read_bytes()
    with pytest.raises(Conflict) as conflict:
        r.act(store.user("rafa"), "es", SLUG, item.id, "save", based_on=item.version, text="La evidencia")
    assert conflict.value.current.msgstr == "Las pruebas"
    assert po(ws).read_bytes() == before
    assert len(store.history("es", SLUG, item.id)) == 1


def test_qa_errors_block_approval_until_fixed(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), CITING)
    bad = "El trabajo de James Gross sobre la regulación emocional (1998)"   # the citation link is gone
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text=bad)
    assert any(p.check == "citations" for p in saved.errors)
    with pytest.raises(Blocked) as blocked:
        r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version)
    assert {p.check for p in blocked.value.problems} >= {"citations"}
    assert find(r.items("es", SLUG), CITING).state == "needs review"


def test_reject_clears_and_revert_brings_back(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    first = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    second = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=first.version, text="La evidencia")
    rejected = r.act(store.user("rita"), "es", SLUG, item.id, "reject", based_on=second.version)
    assert (rejected.state, rejected.msgstr) == ("untranslated", "")
    change = store.history("es", SLUG, item.id)[1]           # the second save: "Las pruebas" → "La evidencia"
    reverted = r.act(store.user("rita"), "es", SLUG, item.id, "revert", based_on=rejected.version,
                     change=change.id)
    assert (reverted.state, reverted.msgstr) == ("needs review", "Las pruebas")
    assert_msgfmt_ok(po(ws))


@pytest.mark.parametrize("who, lang, action", [
    ("tina", "es", "approve"), ("tina", "es", "reject"), ("tina", "fr", "save"), ("rita", "fr", "save"),
])
def test_no_right_no_change(ws, store, who, lang, action):
    r = Review(ws, store)
    item = find(r.items(lang, SLUG), "The evidence")
    before = snapshot(ws.root / "locales")
    with pytest.raises(PermissionDenied):
        r.act(store.user(who), lang, SLUG, item.id, action, based_on=item.version, text="x")
    assert snapshot(ws.root / "locales") == before and store.history() == []


@pytest.mark.parametrize("text, says", [
    ("bell \x07", "control characters"),
    ("x" * 100_001, "at most"),
])
def test_hostile_text_is_refused(ws, store, text, says):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    with pytest.raises(BadInput, match=says):
        r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text=text)


def test_markup_in_a_translation_is_kept_as_text_and_the_catalog_stays_valid(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version,
                  text='Pruebas <script>alert("x")</script>\n')
    assert saved.msgstr == 'Pruebas <script>alert("x")</script>'   # edges follow the source's
    assert any(p.check == "unsafe" for p in saved.errors)
    assert_msgfmt_ok(po(ws))


@pytest.mark.parametrize("lang, slug, entry, error", [
    ("de", SLUG, "0" * 16, review.NotFound),
    ("es", "missing", "0" * 16, review.NotFound),
    ("es", "../etc", "0" * 16, BadInput),
    ("es", SLUG, "0" * 16, review.NotFound),
])
def test_unknown_places_are_not_found(ws, store, lang, slug, entry, error):
    with pytest.raises(error):
        Review(ws, store).act(store.user("ed"), lang, slug, entry, "save", based_on="x", text="y")


def test_the_history_replays_to_the_catalog(ws, store):
    r = Review(ws, store)
    users = [store.user("tina"), store.user("ed")]
    for n, item in enumerate(r.items("es", SLUG)[:12]):
        saved = r.act(users[n % 2], "es", SLUG, item.id, "save", based_on=item.version, text=f"Texto {chr(65 + n)}")
        if n % 3 == 0 and not saved.errors:
            r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version)
    replayed = {}
    for change in store.history("es"):
        replayed[change.entry] = (change.new_msgstr, change.new_state)
    now = {i.id: (i.msgstr, i.state) for i in r.items("es", SLUG)}
    assert replayed == {k: now[k] for k in replayed}
    assert entry_id(None, "The evidence") in now


# -- the command line ----------------------------------------------------------------------------

def test_user_commands(ws, run, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    added = run("user", "add", "maria", "--role", "reviewer", "--lang", "es", cwd=ws.root)
    assert added.code == 0 and "added maria: reviewer, es" in added.out
    listed = run("user", "list", cwd=ws.root)
    assert "maria\treviewer\tes" in listed.out
    store = Store(ws.root / "instance" / "localize.sqlite3")
    assert store.authenticate("maria", "a-good-password")
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert run("user", "passwd", "maria", cwd=ws.root).code == 0
    assert store.authenticate("maria", "another-password")
    bad = run("user", "add", "x", "--role", "translator", "--lang", "de", cwd=ws.root)
    assert bad.code == 2 and "de is not a language of this workspace" in bad.err
    assert run("user", "remove", "maria", cwd=ws.root).code == 0
    assert run("user", "remove", "maria", cwd=ws.root).code == 2


def test_a_stuck_writer_makes_a_save_busy_not_hang(ws, store, monkeypatch):
    import fcntl
    import os
    import time

    from localize.errors import Busy
    monkeypatch.setattr(review, "LOCK_WAIT", 0.5)
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    path = po(ws)
    before = path.read_bytes()
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)            # a writer that never lets go
    try:
        start = time.monotonic()
        with pytest.raises(Busy, match="being written") as busy:
            r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
        assert time.monotonic() - start < 3 and busy.value.retry_after >= 1
    finally:
        os.close(fd)
    assert path.read_bytes() == before and store.history() == []
