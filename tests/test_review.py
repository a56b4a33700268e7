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
from localize.checks import CHECKS
from localize.review import Blocked, Conflict, ReasonRequired, Review, Suggested, entry_id
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
    assert rita.may("approve", "es") and not rita.may("approve", "fr") and not rita.may("draft")
    assert ed.may("approve", "fr") and ed.may("draft") and not ed.may("users")


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


def test_reject_needs_a_reason_keeps_the_text_in_the_history_and_leaves_the_entry_rejected(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="La evidencia")
    before = po(ws).read_bytes()
    for reason in (None, "", "   \n "):
        with pytest.raises(ReasonRequired, match="reason"):
            r.act(store.user("rita"), "es", SLUG, item.id, "reject", based_on=saved.version, note=reason)
    assert po(ws).read_bytes() == before and len(store.history("es", SLUG, item.id)) == 1

    rejected = r.act(store.user("rita"), "es", SLUG, item.id, "reject", based_on=saved.version,
                     note="«Evidencia» es un calco:\nusa «pruebas»")
    assert (rejected.state, rejected.msgstr) == ("rejected", "")
    assert {k: rejected.rejected[k] for k in ("by", "reason", "text")} == {
        "by": "rita", "reason": "«Evidencia» es un calco:\nusa «pruebas»", "text": "La evidencia"}
    last = store.history("es", SLUG, item.id)[-1]
    assert (last.action, last.user, last.old_msgstr, last.new_msgstr, last.new_state, last.note) == (
        "reject", "rita", "La evidencia", "", "rejected", "«Evidencia» es un calco:\nusa «pruebas»")
    assert rejected.rejected["change"] == last.id
    # the file: no translation (nothing rejected is published), the reason on one comment line
    assert_msgfmt_ok(po(ws))
    outside = polib.pofile(str(po(ws))).find("The evidence")
    assert outside.msgstr == "" and "fuzzy" not in outside.flags
    assert "rejected: «Evidencia» es un calco: usa «pruebas»" in outside.tcomment.splitlines()
    assert find(Review(ws, store).items("es", SLUG), "The evidence").state == "rejected"   # read back from the file
    assert "La evidencia" not in po(ws).read_text(encoding="utf-8")

    again = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=rejected.version, text="Las pruebas")
    assert (again.state, again.rejected) == ("needs review", None)
    assert "rejected:" not in (polib.pofile(str(po(ws))).find("The evidence").tcomment or "")


def test_nothing_to_reject_and_an_overlong_reason_are_refused(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    with pytest.raises(BadInput, match="nothing to reject"):
        r.act(store.user("rita"), "es", SLUG, item.id, "reject", based_on=item.version, note="no")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="La evidencia")
    for note, says in (("x" * 2001, "at most"), ("bell \x07", "control characters")):
        with pytest.raises(BadInput, match=says):
            r.act(store.user("rita"), "es", SLUG, item.id, "reject", based_on=saved.version, note=note)


def test_revert_restores_the_text_with_its_author_so_the_reverting_reviewer_may_approve(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    first = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    second = r.act(store.user("rafa"), "es", SLUG, item.id, "save", based_on=first.version, text="La evidencia")
    change = store.history("es", SLUG, item.id)[-1]          # rafa's save: "Las pruebas" → "La evidencia"
    reverted = r.act(store.user("rita"), "es", SLUG, item.id, "revert", based_on=second.version, change=change.id)
    assert (reverted.state, reverted.msgstr) == ("needs review", "Las pruebas")
    assert r.author("es", SLUG, item.id, "Las pruebas") == "tina"
    approved = r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=reverted.version)
    assert approved.state == "approved"
    assert [(c.user, c.action) for c in store.history("es", SLUG, item.id)] == [
        ("tina", "save"), ("rafa", "save"), ("rita", "revert"), ("rita", "approve")]
    assert_msgfmt_ok(po(ws))


def test_a_reverted_text_is_still_its_authors_for_the_four_eyes_rule(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    mine = r.act(store.user("rita"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    rejected = r.act(store.user("rafa"), "es", SLUG, item.id, "reject", based_on=mine.version, note="mejor no")
    change = store.history("es", SLUG, item.id)[-1]
    back = r.act(store.user("rafa"), "es", SLUG, item.id, "revert", based_on=rejected.version, change=change.id)
    assert (back.msgstr, back.state, back.rejected) == ("Las pruebas", "needs review", None)
    with pytest.raises(PermissionDenied, match="rita wrote this translation"):
        r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=back.version)
    assert r.act(store.user("rafa"), "es", SLUG, item.id, "approve", based_on=back.version).state == "approved"


def test_a_translators_edit_of_approved_text_becomes_a_suggestion(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    approved = r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version)
    before = po(ws).read_bytes()
    kept = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=approved.version, text="Las evidencias")
    assert isinstance(kept, Suggested)
    assert (kept.item.state, kept.item.msgstr) == ("approved", "Las pruebas")
    assert (kept.suggestion.user, kept.suggestion.text, kept.suggestion.status) == ("tina", "Las evidencias", "open")
    assert kept.suggestion.origin == ""       # a person's text, not a memory match or an engine's
    answer = kept.as_dict()      # what the API answers a translator (202): the entry as it stays, and the suggestion
    assert (answer["entry"]["msgstr"], answer["suggestion"]["text"]) == ("Las pruebas", "Las evidencias")
    assert po(ws).read_bytes() == before
    assert [s.text for s in r.suggestions("es", SLUG, item.id)] == ["Las evidencias"]
    same = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=approved.version, text="Las pruebas")
    assert same.state == "approved" and po(ws).read_bytes() == before        # the same text: nothing to do
    with pytest.raises(PermissionDenied, match="clear an approved translation"):
        r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=approved.version, text="")
    accepted = r.accept(store.user("rafa"), "es", SLUG, kept.suggestion.id, based_on=approved.version)
    assert (accepted.state, accepted.msgstr) == ("approved", "Las evidencias")
    done = store.history("es", SLUG, item.id)[-1]
    assert (done.action, done.user, done.suggestion) == ("approve", "rafa", kept.suggestion.id)
    # a reviewer's edit of approved text is theirs to make: it needs review again
    edited = r.act(store.user("rita"), "es", SLUG, item.id, "save", based_on=accepted.version, text="Pruebas")
    assert (edited.state, edited.msgstr) == ("needs review", "Pruebas")
    assert_msgfmt_ok(po(ws))


# -- overrides and ignored warnings -----------------------------------------------------------------

LEVANT = "Numbness also overlaps"
LEVANT_ES = ('El entumecimiento también se solapa con la <em>alexitimia</em>: la dificultad para identificar y '
             'poner palabras a los propios sentimientos. Ronald Lévant y sus colegas <a href="#ref-1">(2009)</a> '
             'describen cómo la socialización, en particular las normas masculinas tradicionales que desalientan la '
             'expresión emocional, puede fomentar una forma más leve de esto en algunos hombres, en quienes la '
             'conexión entre la sensación corporal y la emoción nombrada es débil. No es que no se sienta nada, '
             'sino que el sentimiento no llega con claridad a la conciencia.')


def test_a_reviewer_overrides_an_error_with_a_reason_and_it_lapses_when_the_text_changes(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), LEVANT)
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text=LEVANT_ES)
    assert [p.check for p in saved.errors] == ["citations"]      # the name written as the Spanish edition spells it
    with pytest.raises(Blocked):
        r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=saved.version)
    before = po(ws).read_bytes()
    with pytest.raises(PermissionDenied):                         # a translator does not override errors
        r.override(store.user("tina"), "es", SLUG, item.id, "citations", "así se escribe", based_on=saved.version)
    with pytest.raises(ReasonRequired):
        r.override(store.user("rita"), "es", SLUG, item.id, "citations", "  ", based_on=saved.version)
    for check, says in (("no-such-check", "no check"), ("numbers", "finds nothing"),
                        ("pseudo", "never"), ("unsafe", "never")):
        with pytest.raises(BadInput, match=says):
            r.override(store.user("rita"), "es", SLUG, item.id, check, "porque sí", based_on=saved.version)
    assert po(ws).read_bytes() == before

    done = r.override(store.user("rita"), "es", SLUG, item.id, "citations", "Lévant: the edition's spelling",
                      based_on=saved.version)
    assert done.errors == [] and [p.overridden for p in done.problems if p.check == "citations"] == [True]
    assert dict(done.overrides) == {"citations": "Lévant: the edition's spelling"}
    assert done.version != saved.version
    last = store.history("es", SLUG, item.id)[-1]
    assert (last.action, last.user, last.note, last.old_msgstr, last.new_msgstr) == (
        "override", "rita", "citations: Lévant: the edition's spelling", LEVANT_ES, LEVANT_ES)
    assert "qa-override citations: Lévant: the edition's spelling" in \
        polib.pofile(str(po(ws))).find(item.msgid).tcomment.splitlines()
    assert_msgfmt_ok(po(ws))
    with pytest.raises(Conflict):                                 # the override changed the entry's version
        r.act(store.user("rafa"), "es", SLUG, item.id, "approve", based_on=saved.version)

    changed = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=done.version,
                    text=LEVANT_ES.replace("débil", "floja"))
    assert changed.overrides == () and [p.check for p in changed.errors] == ["citations"]   # lapsed
    assert "qa-override" not in po(ws).read_text(encoding="utf-8")
    again = r.override(store.user("rita"), "es", SLUG, item.id, "citations", "the edition's spelling",
                       based_on=changed.version)
    assert r.act(store.user("rafa"), "es", SLUG, item.id, "approve", based_on=again.version).state == "approved"


def test_pseudo_and_unsafe_can_never_be_overridden_even_by_hand(ws, store):
    assert not CHECKS["pseudo"].ignorable and not CHECKS["unsafe"].ignorable
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version,
                  text='Pruebas <script>alert("x")</script>')
    assert "unsafe" in [p.check for p in saved.errors]
    text = po(ws).read_text(encoding="utf-8").replace(
        '#, fuzzy\nmsgid "The evidence"', '# qa-override unsafe: a reviewer said so\n#, fuzzy, ignore-unsafe\n'
        'msgid "The evidence"')
    po(ws).write_text(text, encoding="utf-8")
    item = find(r.items("es", SLUG), "The evidence")
    assert "unsafe" in [p.check for p in item.errors] and item.overrides == ()
    with pytest.raises(Blocked):
        r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=item.version)
    with pytest.raises(BadInput, match="never"):
        r.act(store.user("tina"), "es", SLUG, item.id, "ignore", based_on=item.version, check="unsafe")


def test_a_translator_switches_a_warning_off_and_on_but_not_an_error(ws, store):
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las  pruebas")
    assert [p.check for p in saved.problems] == ["double-space"]
    with pytest.raises(BadInput, match="reviewer overrides it"):
        r.ignore(store.user("tina"), "es", SLUG, item.id, "citations", based_on=saved.version)
    quiet = r.ignore(store.user("tina"), "es", SLUG, item.id, "double-space", based_on=saved.version,
                     reason="a deliberate pause")
    assert quiet.problems == () and quiet.ignored == ("double-space",) and quiet.state == "needs review"
    assert "ignore-double-space" in polib.pofile(str(po(ws))).find("The evidence").flags
    assert_msgfmt_ok(po(ws))
    loud = r.ignore(store.user("tina"), "es", SLUG, item.id, "double-space", based_on=quiet.version, off=True)
    assert [p.check for p in loud.problems] == ["double-space"] and loud.ignored == ()
    quiet = r.ignore(store.user("tina"), "es", SLUG, item.id, "double-space", based_on=loud.version)
    assert [(c.action, c.note) for c in store.history("es", SLUG, item.id)] == [
        ("save", None), ("ignore", "double-space: a deliberate pause"), ("ignore-off", "double-space"),
        ("ignore", "double-space")]
    changed = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=quiet.version,
                    text="Las  pruebas, dos")   # a new text: the flag was for the old one
    assert changed.ignored == () and [p.check for p in changed.problems] == ["double-space"]


def test_an_ignore_flag_a_po_editor_put_on_an_error_can_be_taken_back(ws, store):
    """An error is not ignored through the review, but a flag put there by hand must not be stuck."""
    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas de 2004")
    cat = polib.pofile(str(po(ws)))
    cat.find("The evidence").flags.append("ignore-numbers")
    cat.save(str(po(ws)))
    hidden = find(r.items("es", SLUG), "The evidence")
    assert "numbers" not in [p.check for p in hidden.problems]
    shown = r.ignore(store.user("tina"), "es", SLUG, item.id, "numbers", based_on=hidden.version, off=True)
    assert [p.check for p in shown.problems] == ["numbers"] and saved.problems == shown.problems
    assert "ignore-numbers" not in polib.pofile(str(po(ws))).find("The evidence").flags
    assert_msgfmt_ok(po(ws))


def test_a_mark_whose_writer_died_before_the_catalog_write_is_taken_back(ws, store):
    """A pending override or ignore row is settled against the catalog: kept if the file holds the mark."""
    from localize.history import settle

    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las  pruebas")
    landed = r.ignore(store.user("tina"), "es", SLUG, item.id, "double-space", based_on=saved.version)
    row = {"user": "rita", "language": "es", "slug": SLUG, "entry": item.id, "msgctxt": None,
           "msgid": item.msgid, "old_msgstr": landed.msgstr, "new_msgstr": landed.msgstr,
           "old_state": landed.state, "new_state": landed.state}
    lost = store.record({**row, "action": "override", "note": "whitespace: never written"}, pending=True)
    held = store.record({**row, "action": "ignore", "note": "double-space"}, pending=True)
    assert settle(store, "es", SLUG, po(ws)) == 1
    assert store.change(lost) is None and store.change(held) is not None and store.pending() == []


# -- bulk actions -----------------------------------------------------------------------------------

def test_bulk_approve_takes_only_clean_entries_by_others_and_records_each(ws, store):
    r = Review(ws, store)
    texts = {"The evidence": "Las pruebas", "Why this happens": "Por qué ocurre esto",
             "The nuance": "El  matiz", LEVANT: LEVANT_ES, "The mechanism": "El mecanismo",
             "What the research actually shows": "Lo que muestra de verdad la investigación"}
    writers = {"The mechanism": "rita"}
    for start, text in texts.items():
        item = find(r.items("es", SLUG), start)
        r.act(store.user(writers.get(start, "tina")), "es", SLUG, item.id, "save", based_on=item.version, text=text)
    items = {start: find(r.items("es", SLUG), start) for start in texts}
    stale = find(r.items("es", SLUG), "What the research actually shows")
    r.act(store.user("tina"), "es", SLUG, stale.id, "save", based_on=stale.version, text="Lo que muestra la investigación")
    untranslated = find(r.items("es", SLUG), "In practice")
    since = store.last_change()
    pairs = [(i.id, i.version) for i in items.values()] + [(untranslated.id, untranslated.version),
                                                            ("0" * 16, "x")]
    report = r.bulk(store.user("rita"), "es", SLUG, "approve", pairs)
    assert sorted(report.done) == sorted([items["The evidence"].id, items["Why this happens"].id])
    why = dict(report.skipped)
    assert "double-space" in why[items["The nuance"].id]
    assert "citations" in why[items[LEVANT].id]
    assert "rita wrote this translation" in why[items["The mechanism"].id]
    assert "changed since" in why[stale.id]
    assert "no translation to approve" in why[untranslated.id] and why["0" * 16] == "no such entry"
    after = {i.id: i for i in r.items("es", SLUG)}
    assert [after[i].state for i in report.done] == ["approved", "approved"]
    assert all(after[i].state != "approved" for i, _ in report.skipped if i in after)
    rows = store.history("es", SLUG, since=since)
    assert sorted((c.entry, c.action, c.user, c.new_state) for c in rows) == sorted(
        (i, "approve", "rita", "approved") for i in report.done)
    assert_msgfmt_ok(po(ws))
    assert report.as_dict()["count"] == 2


def test_bulk_reject_and_mark_for_review(ws, store):
    r = Review(ws, store)
    ids = []
    for start, text in (("The evidence", "La evidencia"), ("Why this happens", "Por qué pasa")):
        item = find(r.items("es", SLUG), start)
        saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text=text)
        ids.append((saved.id, saved.version))
    before = po(ws).read_bytes()
    with pytest.raises(ReasonRequired):
        r.bulk(store.user("rita"), "es", SLUG, "reject", ids)
    with pytest.raises(PermissionDenied):
        r.bulk(store.user("tina"), "es", SLUG, "reject", ids, reason="no")
    with pytest.raises(BadInput, match="no bulk action"):
        r.bulk(store.user("rita"), "es", SLUG, "save", ids)
    assert po(ws).read_bytes() == before
    first = r.bulk(store.user("rita"), "es", SLUG, "approve", ids[:1])
    approved = find(r.items("es", SLUG), "The evidence")
    assert first.done == [approved.id] and approved.state == "approved"
    marked = r.bulk(store.user("rafa"), "es", SLUG, "review", [(approved.id, approved.version), ids[1]])
    assert marked.done == [approved.id] and "only an approved translation" in dict(marked.skipped)[ids[1][0]]
    now = {i.id: i for i in r.items("es", SLUG)}
    assert now[approved.id].state == "needs review"
    rejected = r.bulk(store.user("rafa"), "es", SLUG, "reject", [(i, now[i].version) for i, _ in ids],
                      reason="calcos del inglés")
    assert sorted(rejected.done) == sorted(i for i, _ in ids)
    now = {i.id: i for i in r.items("es", SLUG)}
    assert {now[i].state for i, _ in ids} == {"rejected"}
    assert now[ids[0][0]].rejected["text"] == "La evidencia" and now[ids[0][0]].rejected["reason"] == "calcos del inglés"
    assert [(c.action, c.note) for c in store.history("es", SLUG, ids[1][0])][-1] == ("reject", "calcos del inglés")
    assert_msgfmt_ok(po(ws))


def test_a_bulk_action_whose_catalog_write_fails_leaves_file_and_history_as_they_were(ws, store):
    from localize.catalog import WriteError
    from reliability.diskfull import full_disk

    r = Review(ws, store)
    item = find(r.items("es", SLUG), "The evidence")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Las pruebas")
    before, rows = po(ws).read_bytes(), store.history()
    with full_disk(po(ws).parent), pytest.raises(WriteError):
        r.bulk(store.user("rita"), "es", SLUG, "approve", [(saved.id, saved.version)])
    assert po(ws).read_bytes() == before and store.history() == rows and store.pending() == []
    assert r.bulk(store.user("rita"), "es", SLUG, "approve", [(saved.id, saved.version)]).done == [saved.id]


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


def test_user_roles_per_language_and_disabled_accounts_from_the_command_line(ws, run, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    added = run("user", "add", "nadia", "--role", "reviewer", "--lang", "es", "--role-for", "fr=translator",
                cwd=ws.root)
    assert added.code == 0 and "es (reviewer), fr (translator)" in added.out
    store = Store(ws.root / "instance" / "localize.sqlite3")
    nadia = store.user("nadia")
    assert nadia.may("approve", "es") and nadia.may("save", "fr") and not nadia.may("approve", "fr")
    assert "nadia\treviewer\tes fr\tes:reviewer fr:translator" in run("user", "list", cwd=ws.root).out
    for value, says in (("fr", "LANG=ROLE"), ("fr=editor", "no role 'editor' in a language"),
                        ("de=translator", "de is not a language of this workspace")):
        monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
        bad = run("user", "add", "omar", "--role", "translator", "--role-for", value, cwd=ws.root)
        assert bad.code == 2 and says in bad.err, bad
    assert store.user("omar") is None
    assert run("user", "disable", "nadia", cwd=ws.root).code == 0
    assert store.authenticate("nadia", "a-good-password") is None
    assert run("user", "list", cwd=ws.root).out.rstrip().endswith("\tdisabled")
    assert run("user", "enable", "nadia", cwd=ws.root).code == 0
    assert store.authenticate("nadia", "a-good-password")
    assert run("user", "disable", "nobody", cwd=ws.root).code == 2


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
