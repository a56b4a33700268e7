"""The review actions a translator and a reviewer take beside saving and approving: suggestions (made,
accepted, dismissed), overrides and ignore flags, bulk actions, and the limits every text and reason
is held to; each with the words the person is told."""

from __future__ import annotations

import threading

import pytest

from localize import review
from localize.accounts import PermissionDenied
from localize.errors import BadInput
from localize.records import Decided
from localize.said import Said
from localize.review import Conflict, NotFound, ReasonRequired, Review
from test_review import SLUG, accounts, find, store, ws  # noqa: F401  (fixtures)

WITH_YEAR = "James Gross's work on emotion regulation"


@pytest.fixture
def r(ws, store) -> Review:  # noqa: F811
    return Review(ws, store)


def first(r: Review, start: str = "Emotional numbness"):
    return find(r.items("es", SLUG), start)


# -- suggestions ---------------------------------------------------------------------------------

def test_a_suggestion_is_kept_apart_and_listed_with_its_author(r, store):  # noqa: F811
    item = first(r)
    made = r.suggest(store.user("tina"), "es", SLUG, item.id, "Entumecimiento\r\nemocional", origin="memory 92%")
    assert (made.user, made.text, made.entry, made.origin) == ("tina", "Entumecimiento\nemocional", item.id,
                                                              "memory 92%")
    assert [s.id for s in r.suggestions("es", SLUG)] == [made.id]
    assert [s.id for s in r.suggestions("es", SLUG, item.id)] == [made.id]
    assert r.suggestions("es", SLUG, "0123456789abcdef") == []
    assert first(r).msgstr == item.msgstr   # the entry is as it was


@pytest.mark.parametrize("text, says", [
    ("   ", "an empty suggestion"),
    ("a\x00b", "the translation holds control characters"),
    ("x" * (review.MAX_TEXT + 1), "a translation is at most 100,000 characters"),
    (42, "the translation must be text"),
])
def test_a_suggestion_that_is_not_a_translation_is_refused(r, store, text, says):  # noqa: F811
    with pytest.raises(BadInput) as refused:
        r.suggest(store.user("tina"), "es", SLUG, first(r).id, text)
    assert str(refused.value) == says


def test_a_suggestion_for_no_entry_or_language_is_not_found(r, store):  # noqa: F811
    with pytest.raises(NotFound) as missing:
        r.suggest(store.user("tina"), "es", SLUG, "0123456789abcdef", "Hola")
    assert str(missing.value) == f"no entry '0123456789abcdef' in the es catalog of {SLUG!r}"
    with pytest.raises(PermissionDenied):
        r.suggest(store.user("tina"), "fr", SLUG, first(r).id, "Bonjour")


def test_a_reviewer_accepts_a_suggestion_as_its_author_s_approved_work(r, store):  # noqa: F811
    item = first(r)
    made = r.suggest(store.user("tina"), "es", SLUG, item.id, "\nEntumecimiento emocional\n")
    accepted = r.accept(store.user("rita"), "es", SLUG, made.id, based_on=item.version)
    assert (accepted.state, accepted.msgstr) == ("approved", "Entumecimiento emocional")
    assert r.author("es", SLUG, item.id, "Entumecimiento emocional") == "tina"
    assert r.suggestions("es", SLUG) == []
    with pytest.raises(Decided, match="this suggestion was already accepted"):
        r.accept(store.user("rafa"), "es", SLUG, made.id, based_on=accepted.version)
    with pytest.raises(NotFound) as missing:
        r.accept(store.user("rafa"), "es", SLUG, made.id + 1000, based_on=accepted.version)
    assert str(missing.value) == f"no suggestion {made.id + 1000} for the es catalog of {SLUG!r}"


def test_accepting_a_suggestion_based_on_an_old_version_is_a_conflict(r, store):  # noqa: F811
    item = first(r)
    made = r.suggest(store.user("tina"), "es", SLUG, item.id, "Entumecimiento")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Otra cosa")
    with pytest.raises(Conflict) as conflict:
        r.accept(store.user("rita"), "es", SLUG, made.id, based_on=item.version)
    assert conflict.value.current.msgstr == "Otra cosa" and conflict.value.current.version == saved.version
    with pytest.raises(PermissionDenied):
        r.accept(store.user("tina"), "es", SLUG, made.id, based_on=saved.version)


def test_a_suggestion_is_dismissed_by_its_author_or_a_reviewer_and_the_history_says_so(r, store):  # noqa: F811
    item = first(r)
    mine = r.suggest(store.user("tina"), "es", SLUG, item.id, "Uno")
    other = r.suggest(store.user("rita"), "es", SLUG, item.id, "Dos")
    with pytest.raises(PermissionDenied):
        r.dismiss(store.user("tina"), "es", SLUG, other.id)
    closed = r.dismiss(store.user("tina"), "es", SLUG, mine.id)
    assert closed.id == mine.id and closed.status == "dismissed"
    assert r.dismiss(store.user("rafa"), "es", SLUG, other.id).status == "dismissed"
    assert r.suggestions("es", SLUG) == []
    rows = [c for c in store.history("es", SLUG, item.id) if c.action == "dismiss"]
    assert [(c.user, c.old_msgstr, c.new_msgstr) for c in rows] == [("tina", item.msgstr, item.msgstr),
                                                                    ("rafa", item.msgstr, item.msgstr)]
    with pytest.raises(NotFound):
        r.dismiss(store.user("rita"), "es", "another-article", mine.id)


# -- overrides and ignore flags ------------------------------------------------------------------

def translated(r, store, start, text):  # noqa: F811
    item = first(r, start)
    return r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text=text)


def test_an_override_needs_a_reason_and_a_finding_and_can_be_taken_back(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional en 1999")
    assert "numbers" in [p.check for p in saved.errors]
    rita = store.user("rita")
    with pytest.raises(ReasonRequired) as needs:
        r.override(rita, "es", SLUG, saved.id, "numbers", "  ", based_on=saved.version)
    assert str(needs.value) == "override needs a written reason"
    with pytest.raises(BadInput) as nothing:
        r.override(rita, "es", SLUG, saved.id, "urls", "why", based_on=saved.version)
    assert str(nothing.value) == "[urls] finds nothing in this translation: there is nothing to override"
    done = r.override(rita, "es", SLUG, saved.id, "numbers", " the year is the study's ", based_on=saved.version)
    assert done.overrides == (("numbers", "the year is the study's"),) and done.errors == []
    back = r.override(rita, "es", SLUG, saved.id, "numbers", "", based_on=done.version, off=True)
    assert back.overrides == () and [p.check for p in back.errors] == ["numbers"]
    with pytest.raises(PermissionDenied):
        r.override(store.user("tina"), "es", SLUG, saved.id, "numbers", "mine", based_on=back.version)


@pytest.mark.parametrize("check, says", [
    ("", "override needs the id of a check"),
    ("nosuch", "no check 'nosuch'"),
    ("x" * 50, "no check '" + "x" * 40 + "'"),
    ("unsafe", "[unsafe] can never be overridden or ignored"),
])
def test_what_cannot_be_overridden_is_refused_before_anything_is_read(r, store, check, says):  # noqa: F811
    with pytest.raises(BadInput) as refused:
        r.override(store.user("rita"), "es", SLUG, first(r).id, check, "why", based_on="x")
    assert str(refused.value) == says


def test_a_warning_is_ignored_by_a_translator_but_an_error_is_not(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional  doble")
    tina = store.user("tina")
    assert "double-space" in [p.check for p in saved.warnings]
    ignored = r.ignore(tina, "es", SLUG, saved.id, "double-space", based_on=saved.version)
    assert ignored.ignored == ("double-space",) and "double-space" not in [p.check for p in ignored.warnings]
    again = r.ignore(tina, "es", SLUG, saved.id, "double-space", based_on=ignored.version, off=True)
    assert again.ignored == () and "double-space" in [p.check for p in again.warnings]
    with pytest.raises(BadInput) as refused:
        r.ignore(tina, "es", SLUG, saved.id, "numbers", based_on=again.version)
    assert str(refused.value) == "[numbers] finds errors: a reviewer overrides it with a reason, it is not ignored"


def test_nothing_to_mark_on_an_untranslated_entry(r, store):  # noqa: F811
    item = first(r)
    with pytest.raises(BadInput) as refused:
        r.ignore(store.user("tina"), "es", SLUG, item.id, "double-space", based_on=item.version)
    assert str(refused.value) == "the entry has no translation to check"


def test_a_new_text_lets_the_old_text_s_marks_lapse(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional  doble")
    tina = store.user("tina")
    ignored = r.ignore(tina, "es", SLUG, saved.id, "double-space", based_on=saved.version)
    changed = r.act(tina, "es", SLUG, saved.id, "save", based_on=ignored.version, text="Otro  texto")
    assert changed.ignored == () and changed.version != ignored.version


# -- bulk ----------------------------------------------------------------------------------------

def test_bulk_approval_approves_the_clean_and_says_why_it_skipped_the_rest(r, store):  # noqa: F811
    a = translated(r, store, "The evidence", "La evidencia")
    b = translated(r, store, "What the research", "Lo que muestra la investigación de 1999")
    c = translated(r, store, "Why this happens", "Por qué  pasa")
    untouched = first(r, "Understanding")
    report = r.bulk(store.user("rita"), "es", SLUG, "approve",
                    [(a.id, a.version), (b.id, b.version), (c.id, c.version), (a.id, "ignored: named twice"),
                     (untouched.id, "0" * 12), ("0123456789abcdef", "x")])
    assert report.as_dict() == {"action": "approve", "count": 1, "done": [a.id], "skipped": [
        {"id": b.id, "reason": "QA errors block approval: [numbers] numbers differ: added 1999"},
        {"id": c.id, "reason": "QA findings: double-space"},
        {"id": untouched.id, "reason": "changed since it was loaded (now: untranslated)"},
        {"id": "0123456789abcdef", "reason": "no such entry"}]}
    assert first(r, "The evidence").state == "approved"
    again = r.bulk(store.user("rafa"), "es", SLUG, "approve", [(a.id, first(r, "The evidence").version)])
    assert [str(why) for _, why in again.skipped] == ["already approved"]


def test_bulk_reject_needs_a_reason_and_bulk_review_takes_approval_back(r, store):  # noqa: F811
    a = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    rita = store.user("rita")
    with pytest.raises(ReasonRequired) as unexplained:
        r.bulk(rita, "es", SLUG, "reject", [(a.id, a.version)])
    assert str(unexplained.value) == "reject needs a written reason"
    approved = r.act(rita, "es", SLUG, a.id, "approve", based_on=a.version)
    report = r.bulk(rita, "es", SLUG, "review", [(a.id, approved.version)])
    assert report.done == [a.id] and first(r).state == "needs review"
    rejected = r.bulk(rita, "es", SLUG, "reject", [(a.id, first(r).version)], reason=" wrong register ")
    assert rejected.done == [a.id]
    assert [c.note for c in store.history("es", SLUG, a.id) if c.action == "reject"] == ["wrong register"]


@pytest.mark.parametrize("action, entries, reason, says", [
    ("delete", [("a", "b")], None, "no bulk action 'delete'; bulk actions: approve, reject, review"),
    ("approve", [], None, "no entries were named"),
    ("approve", [("a",)], None, "a bulk action names each entry by its id and version"),
    ("approve", [("a", 1)], None, "a bulk action names each entry by its id and version"),
    ("approve", [(str(n), "v") for n in range(review.MAX_BULK + 1)], None,
     "a bulk action takes at most 5,000 entries"),
    ("reject", [("a", "b")], "x" * (review.MAX_REASON + 1), "a reason is at most 2,000 characters"),
    ("reject", [("a", "b")], "bad\x07reason", "the reason holds control characters"),
    ("reject", [("a", "b")], 7, "the reason must be text"),
])
def test_a_bulk_action_that_cannot_be_done_is_refused_whole(r, store, action, entries, reason, says):  # noqa: F811
    with pytest.raises(BadInput) as refused:
        r.bulk(store.user("rita"), "es", SLUG, action, entries, reason=reason)
    assert str(refused.value) == says


def test_a_translator_may_not_bulk_approve(r, store):  # noqa: F811
    with pytest.raises(PermissionDenied):
        r.bulk(store.user("tina"), "es", SLUG, "approve", [("a", "b")])


# -- what a reviewer is shown ---------------------------------------------------------------------

def test_an_item_as_the_api_shows_it(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional en 1999")
    shown = saved.as_dict()
    assert set(shown) == {"id", "position", "msgctxt", "msgid", "msgstr", "state", "version", "kind", "origin",
                          "previous_msgid", "notes", "source_change", "problems", "overrides", "ignored",
                          "rejected"}
    assert (shown["msgstr"], shown["state"], shown["kind"], shown["origin"]) == \
        ("Entumecimiento emocional en 1999", "needs review", "meta description", None)
    numbers = next(p for p in shown["problems"] if p["check"] == "numbers")
    assert numbers == {"check": "numbers", "severity": "error", "overridden": False, "ignorable": True,
                       "message": numbers["message"]} and "1999" in str(numbers["message"])
    assert review.version(po_entry(saved)) == saved.version


def po_entry(item):
    from localize.po import Entry
    return Entry(item.msgid, item.msgstr, flags=["fuzzy"])


# -- rights per language, a held lock, the words of conflicts ------------------------------------

@pytest.fixture
def fred(store):  # noqa: F811
    """A reviewer of French only."""
    return store.add_user("fred", "reviewer", ["fr"], "fred-password")


def test_a_reviewer_of_another_language_may_not_accept_dismiss_or_bulk(r, store, fred):  # noqa: F811
    item = first(r)
    made = r.suggest(store.user("tina"), "es", SLUG, item.id, "Entumecimiento")
    with pytest.raises(PermissionDenied) as refused:
        r.accept(fred, "es", SLUG, made.id, based_on=item.version)
    assert str(refused.value) == "fred (reviewer) may not approve in es"
    with pytest.raises(PermissionDenied):
        r.dismiss(fred, "es", SLUG, made.id)
    with pytest.raises(PermissionDenied):
        r.bulk(fred, "es", SLUG, "review", [(item.id, item.version)])
    assert [s.id for s in r.suggestions("es", SLUG)] == [made.id] and first(r).msgstr == item.msgstr


def test_a_reviewer_bulk_approving_skips_the_translations_they_wrote(r, store):  # noqa: F811
    item = first(r, "The evidence")
    rita = store.user("rita")
    own = r.act(rita, "es", SLUG, item.id, "save", based_on=item.version, text="La evidencia")
    report = r.bulk(rita, "es", SLUG, "approve", [(own.id, own.version)])
    assert [(ident, str(why)) for ident, why in report.skipped] == [
        (own.id, "rita wrote this translation: another reviewer approves it (or set [tool.localize] "
                 "self-approval = true)")]
    assert first(r, "The evidence").state == "needs review"
    assert isinstance(report.skipped[0][1], Said)          # said in each reviewer's language by the UI


def test_a_bulk_reject_marks_each_entry_rejected_with_its_reason(r, store):  # noqa: F811
    a = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    r.bulk(store.user("rita"), "es", SLUG, "reject", [(a.id, a.version)], reason="wrong register")
    rejected = first(r).rejected
    assert (rejected["by"], rejected["reason"], rejected["text"]) == ("rita", "wrong register",
                                                                      "Entumecimiento emocional")


def test_a_blank_draft_is_not_approved(r, store):  # noqa: F811
    blank = translated(r, store, "Emotional numbness", " ")
    with pytest.raises(review.Blocked) as blocked:
        r.act(store.user("rita"), "es", SLUG, blank.id, "approve", based_on=blank.version)
    assert str(blocked.value) == "QA errors block approval: [empty] the translation is blank"


def test_a_suggestion_without_an_origin_has_none_and_a_missing_entry_is_named(r, store):  # noqa: F811
    made = r.suggest(store.user("tina"), "es", SLUG, first(r).id, "Hola")
    assert made.origin == "" and made.as_dict()["origin"] == ""
    with pytest.raises(NotFound) as missing:
        r.item("es", SLUG, "0123456789abcdef")
    assert str(missing.value) == f"no entry '0123456789abcdef' in the es catalog of {SLUG!r}"


def test_a_conflict_says_the_entry_s_state_now(r, store):  # noqa: F811
    item = first(r)
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Otra cosa")
    with pytest.raises(Conflict) as conflict:
        r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Y otra")
    assert str(conflict.value) == "the entry changed since you loaded it (now: needs review)"
    assert conflict.value.current.version == saved.version


@pytest.mark.parametrize("action", ["suggest", "dismiss", "bulk"])
def test_a_catalog_another_process_holds_too_long_is_busy(r, store, monkeypatch, action):  # noqa: F811
    from localize import catalog
    from localize.errors import Busy

    item = first(r)
    made = r.suggest(store.user("tina"), "es", SLUG, item.id, "Uno")
    monkeypatch.setattr(review, "LOCK_WAIT", 0.2)
    do = {"suggest": lambda: r.suggest(store.user("tina"), "es", SLUG, item.id, "Dos"),
          "dismiss": lambda: r.dismiss(store.user("tina"), "es", SLUG, made.id),
          "bulk": lambda: r.bulk(store.user("rita"), "es", SLUG, "review", [(item.id, item.version)])}[action]
    path = r.path("es", SLUG)
    holding, done = threading.Event(), threading.Event()

    def hold():
        with catalog.locked(path):
            holding.set()
            done.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    try:
        with pytest.raises(Busy) as busy:
            do()
    finally:
        done.set()
        holder.join()
    assert str(busy.value).startswith(f"{path.name} is being written by another process")


def with_context(r: Review) -> None:
    """The Spanish catalog gains a unit with a context (a menu's "Rest", beside the article's units)."""
    path = r.path("es", SLUG)
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgctxt "menu"\nmsgid "Rest"\nmsgstr "Descanso"\n',
                    encoding="utf-8")


def test_a_translator_here_who_reviews_elsewhere_may_not_dismiss_another_s_suggestion(r, store):  # noqa: F811
    item = first(r)
    made = r.suggest(store.user("rita"), "es", SLUG, item.id, "Uno")
    both = store.add_user("tomas", "translator", ["es"], "tomas-password", roles={"fr": "reviewer"})
    with pytest.raises(PermissionDenied):
        r.dismiss(both, "es", SLUG, made.id)
    with pytest.raises(PermissionDenied):
        r.bulk(both, "es", SLUG, "review", [(item.id, item.version)])
    assert [s.id for s in r.suggestions("es", SLUG)] == [made.id]


def test_the_history_of_a_dismissal_keeps_the_entry_s_context_and_translation(r, store):  # noqa: F811
    with_context(r)
    menu = next(i for i in r.items("es", SLUG) if i.msgctxt == "menu")
    made = r.suggest(store.user("tina"), "es", SLUG, menu.id, "Reposo")
    r.dismiss(store.user("rita"), "es", SLUG, made.id)
    rows = [c for c in store.history("es", SLUG, menu.id) if c.action == "dismiss"]
    assert [(c.msgctxt, c.msgid, c.old_msgstr, c.new_msgstr, c.old_state) for c in rows] == \
        [("menu", "Rest", "Descanso", "Descanso", "approved")]


def test_a_suggestion_for_a_unit_gone_from_the_catalog_is_dismissed_as_untranslated(r, store):  # noqa: F811
    with_context(r)
    menu = next(i for i in r.items("es", SLUG) if i.msgctxt == "menu")
    made = r.suggest(store.user("tina"), "es", SLUG, menu.id, "Reposo")
    path = r.path("es", SLUG)
    path.write_text(path.read_text(encoding="utf-8").replace('\nmsgctxt "menu"\nmsgid "Rest"\nmsgstr "Descanso"\n', ""),
                    encoding="utf-8")
    r.dismiss(store.user("rita"), "es", SLUG, made.id)
    rows = [c for c in store.history("es", SLUG, menu.id) if c.action == "dismiss"]
    assert [(c.old_msgstr, c.new_msgstr, c.old_state) for c in rows] == [("", "", "untranslated")]


def test_a_bulk_action_on_a_unit_with_a_context_records_it(r, store):  # noqa: F811
    with_context(r)
    menu = next(i for i in r.items("es", SLUG) if i.msgctxt == "menu")
    report = r.bulk(store.user("rita"), "es", SLUG, "review", [(menu.id, menu.version)])
    assert report.done == [menu.id]
    rows = [c for c in store.history("es", SLUG, menu.id) if c.action == "review"]
    assert [(c.msgctxt, c.msgid, c.new_state) for c in rows] == [("menu", "Rest", "needs review")]
    item = next(i for i in r.items("es", SLUG) if i.msgctxt == "menu")
    assert item.state == "needs review"


def test_a_bulk_action_on_a_broken_catalog_names_it_and_changes_nothing(r, store):  # noqa: F811
    from localize.errors import CatalogError

    item = first(r)
    path = r.path("es", SLUG)
    broken = path.read_text(encoding="utf-8") + 'msgstr "twice"\n'
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogError) as refused:
        r.bulk(store.user("rita"), "es", SLUG, "review", [(item.id, item.version)])
    assert str(refused.value).startswith(f"{path}:")
    assert path.read_text(encoding="utf-8") == broken


def test_a_save_needs_a_text_and_an_approval_a_translation(r, store):  # noqa: F811
    item = first(r)
    with pytest.raises(BadInput) as textless:
        r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version)
    assert str(textless.value) == "save needs the translation text"
    with pytest.raises(BadInput) as empty:
        r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=item.version)
    assert str(empty.value) == "there is no translation to approve"


def test_clearing_a_stale_draft_leaves_an_untranslated_unit_without_old_texts(r, store):  # noqa: F811
    from localize import catalog, po

    path = r.path("es", SLUG)
    cat = catalog.read(path)
    entry = next(e for e in cat.entries if e.msgid.startswith("Emotional numbness"))
    entry.msgstr, entry.previous_msgid = "Viejo", "An older source"
    entry.set_flag("fuzzy")
    catalog.save(path, cat)
    stale = first(r)
    assert stale.state == "stale"
    cleared = r.act(store.user("tina"), "es", SLUG, stale.id, "save", based_on=stale.version, text="")
    assert cleared.state == "untranslated"
    written = next(e for e in catalog.read(path).entries if e.msgid == entry.msgid)
    assert (written.msgstr, written.flags, written.previous_msgid, written.previous_msgctxt) == ("", [], None, None)
    assert po.dumps(catalog.read(path)).count("#|") == 0


def test_taking_one_override_back_leaves_the_others(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional  en 1999")
    rita = store.user("rita")
    one = r.override(rita, "es", SLUG, saved.id, "numbers", "the study's year", based_on=saved.version)
    two = r.override(rita, "es", SLUG, saved.id, "double-space", "as the print edition", based_on=one.version)
    back = r.override(rita, "es", SLUG, saved.id, "numbers", "", based_on=two.version, off=True)
    assert back.overrides == (("double-space", "as the print edition"),)


def test_an_entry_says_which_of_its_findings_may_be_ignored(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", 'Entumecimiento  <b onclick="x()">emocional</b>')
    shown = {p["check"]: p["ignorable"] for p in saved.as_dict()["problems"]}
    assert shown["unsafe"] is False and shown["double-space"] is True


def test_a_bulk_action_takes_as_many_entries_as_it_allows(r, store):  # noqa: F811
    report = r.bulk(store.user("rita"), "es", SLUG, "approve", [(f"{n:016x}", "v") for n in range(review.MAX_BULK)])
    assert report.done == [] and len(report.skipped) == review.MAX_BULK


def test_four_eyes_in_bulk_reads_the_authors_of_this_language(r, store):  # noqa: F811
    """Another language's newer text of the same entry does not make a reviewer's own text someone else's."""
    mine = r.act(store.user("rita"), "es", SLUG, first(r).id, "save", based_on=first(r).version,
                 text="Entumecimiento emocional")
    fran = store.add_user("fran", "translator", ["fr"], "fran-password")
    there = next(i for i in r.items("fr", SLUG) if i.id == mine.id)
    r.act(fran, "fr", SLUG, there.id, "save", based_on=there.version, text="Engourdissement émotionnel")
    report = r.bulk(store.user("rita"), "es", SLUG, "approve", [(mine.id, mine.version)])
    assert report.done == [] and [str(why) for _, why in report.skipped] == [
        "rita wrote this translation: another reviewer approves it (or set [tool.localize] self-approval = true)"]


def test_a_bulk_rejection_says_why_in_the_catalog_too(r, store, ws):  # noqa: F811
    from localize import history, po

    a = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    r.bulk(store.user("rita"), "es", SLUG, "reject", [(a.id, a.version)], reason="calco del inglés")
    cat = po.parse(ws.catalog_path("es", SLUG).read_text(encoding="utf-8"))
    entry = next(e for e in cat.entries if e.msgid.startswith("Emotional numbness"))
    assert history.rejection(entry) == "calco del inglés"



def with_obsolete(r: Review):
    """The Spanish catalog gains an obsolete entry (a paragraph the article dropped): the entry, as read."""
    from localize import po

    path = r.path("es", SLUG)
    with path.open("a", encoding="utf-8") as out:
        out.write('\n#~ msgid "A paragraph the article dropped"\n#~ msgstr "Un párrafo que el artículo quitó"\n')
    return next(e for e in po.parse(path.read_text(encoding="utf-8")).entries if e.obsolete)


def test_an_obsolete_entry_is_no_entry_of_a_bulk_action(r, store):  # noqa: F811
    gone = with_obsolete(r)
    ident = review.entry_id(gone.msgctxt, gone.msgid)
    path = r.path("es", SLUG)
    before = path.read_bytes()
    report = r.bulk(store.user("rita"), "es", SLUG, "reject", [(ident, review.version(gone))], reason="no")
    assert report.done == [] and [(i, str(why)) for i, why in report.skipped] == [(ident, "no such entry")]
    assert path.read_bytes() == before


def test_a_rejected_machine_draft_loses_its_origin_and_keeps_its_notes(r, store):  # noqa: F811
    from localize import catalog

    path = r.path("es", SLUG)
    cat = catalog.read(path)
    entry = next(e for e in cat.entries if e.msgid.startswith("Emotional numbness"))
    entry.msgstr = "Entumecimiento emocional"
    entry.set_flag("fuzzy", True)
    entry.comments = ["draft: apertium eng-spa", "ask the author about the term"]
    catalog.save(path, cat)
    drafted = first(r)
    assert drafted.origin == "apertium eng-spa"
    rejected = r.act(store.user("rita"), "es", SLUG, drafted.id, "reject", based_on=drafted.version, note="calco")
    assert (rejected.state, rejected.origin, rejected.notes) == ("rejected", None, ("ask the author about the term",))


@pytest.mark.parametrize("action, start, says", [
    ("reject", "Emotional numbness", "there is nothing to reject"),
    ("review", "Emotional numbness", "only an approved translation is marked for review"),
])
def test_an_action_the_entrys_state_does_not_allow_says_why(r, store, action, start, says):  # noqa: F811
    item = first(r, start)
    with pytest.raises(BadInput) as refused:
        r.act(store.user("rita"), "es", SLUG, item.id, action, based_on=item.version, note="why")
    assert str(refused.value) == says


def test_a_revert_of_a_change_that_is_not_the_entrys_is_not_found(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    with pytest.raises(NotFound) as missing:
        r.act(store.user("rita"), "es", SLUG, saved.id, "revert", based_on=saved.version, change=987654)
    assert str(missing.value) == "no change 987654 of this entry"


def test_every_error_that_blocks_an_approval_is_named(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", 'Entumecimiento <b onclick="x()">emocional</b> en 1999')
    with pytest.raises(review.Blocked) as blocked:
        r.act(store.user("rita"), "es", SLUG, saved.id, "approve", based_on=saved.version)
    assert str(blocked.value) == ("QA errors block approval: [markup] <b> is not in the source; "
                                  "[unsafe] unsafe content: event handler onclick=; "
                                  "[numbers] numbers differ: added 1999")


def test_an_entry_that_is_not_in_the_catalog_is_not_found_by_name(r, store):  # noqa: F811
    with pytest.raises(NotFound) as missing:
        r.act(store.user("tina"), "es", SLUG, "0123456789abcdef", "save", based_on="x", text="Hola")
    assert str(missing.value) == f"no entry '0123456789abcdef' in the es catalog of '{SLUG}'"


def test_an_obsolete_entry_cannot_be_edited(r, store):  # noqa: F811
    gone = with_obsolete(r)
    with pytest.raises(NotFound):
        r.act(store.user("tina"), "es", SLUG, review.entry_id(gone.msgctxt, gone.msgid), "save",
              based_on=review.version(gone), text="Otro")
    assert gone.msgid not in [i.msgid for i in r.items("es", SLUG)]     # nor shown in the queue


def test_an_entry_with_a_context_is_edited_as_itself(r, store):  # noqa: F811
    with_context(r)
    menu = next(i for i in r.items("es", SLUG) if i.msgctxt == "menu")
    saved = r.act(store.user("rita"), "es", SLUG, menu.id, "save", based_on=menu.version, text="Reposo")
    assert (saved.msgctxt, saved.msgid, saved.msgstr, saved.state) == ("menu", "Rest", "Reposo", "needs review")
    rejected = r.act(store.user("rafa"), "es", SLUG, menu.id, "reject", based_on=saved.version, note="es Descanso")
    assert (rejected.rejected["by"], rejected.rejected["reason"]) == ("rafa", "es Descanso")


def test_an_action_on_a_broken_catalog_names_the_file(r, store):  # noqa: F811
    from localize.errors import CatalogError

    item = first(r)
    path = r.path("es", SLUG)
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "x"\n', encoding="utf-8")
    with pytest.raises(CatalogError) as broken:
        r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Hola")
    assert str(broken.value).startswith(str(path) + ":")


def test_saving_the_same_text_over_a_source_change_records_that_someone_looked(r, store):  # noqa: F811
    from localize import catalog

    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    path = r.path("es", SLUG)
    cat = catalog.read(path)
    entry = next(e for e in cat.entries if e.msgid.startswith("Emotional numbness"))
    entry.comments.append("source-change: wording")
    catalog.save(path, cat)
    changed = first(r)
    assert changed.change == ("wording",)
    looked = r.act(store.user("tina"), "es", SLUG, saved.id, "save", based_on=changed.version,
                   text="Entumecimiento emocional")
    assert looked.change == () and store.history("es", SLUG, saved.id)[-1].action == "save"
    assert len(store.history("es", SLUG, saved.id)) == 2


def rejected_in_spanish_then_french(r, store):  # noqa: F811
    """The first unit rejected by rita in Spanish, then by fred in French: (the Spanish item as saved, as rejected)."""
    a = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    rejected = r.act(store.user("rita"), "es", SLUG, a.id, "reject", based_on=a.version, note="calco del inglés")
    fran = store.add_user("fran", "translator", ["fr"], "fran-password")
    fred = store.add_user("fred", "reviewer", ["fr"], "fred-password")
    there = next(i for i in r.items("fr", SLUG) if i.id == a.id)
    there = r.act(fran, "fr", SLUG, a.id, "save", based_on=there.version, text="Engourdissement")
    r.act(fred, "fr", SLUG, a.id, "reject", based_on=there.version, note="trop court")
    return a, rejected


def test_a_rejection_shown_is_this_languages_and_a_conflict_shows_it_too(r, store):  # noqa: F811
    a, rejected = rejected_in_spanish_then_french(r, store)
    assert (first(r).rejected["by"], first(r).rejected["reason"]) == ("rita", "calco del inglés")
    with pytest.raises(Conflict) as stale:
        r.act(store.user("tina"), "es", SLUG, a.id, "save", based_on=a.version, text="Otro")
    assert stale.value.current.rejected["reason"] == "calco del inglés"
    assert rejected.version == stale.value.current.version


def test_four_eyes_reads_the_authors_of_this_article(r, store, ws, run):  # noqa: F811
    """Another article's newer text of the same unit does not make a reviewer's own text someone else's."""
    import shutil

    shutil.copy(ws.root / "source" / f"{SLUG}.html", ws.root / "source" / "second.html")
    assert run("extract", cwd=ws.root).code == 0 and run("update", cwd=ws.root).code == 0
    mine = r.act(store.user("rita"), "es", SLUG, first(r).id, "save", based_on=first(r).version,
                 text="Entumecimiento emocional")
    there = next(i for i in r.items("es", "second") if i.id == mine.id)
    r.act(store.user("tina"), "es", "second", there.id, "save", based_on=there.version, text="Insensibilidad")
    with pytest.raises(PermissionDenied, match="rita wrote this translation"):
        r.act(store.user("rita"), "es", SLUG, mine.id, "approve", based_on=mine.version)
    r.act(store.user("rafa"), "es", SLUG, mine.id, "reject", based_on=first(r).version, note="aquí no")
    there = next(i for i in r.items("es", "second") if i.id == mine.id)
    r.act(store.user("rafa"), "es", "second", mine.id, "reject", based_on=there.version, note="allí tampoco")
    assert (first(r).rejected["by"], first(r).rejected["reason"]) == ("rafa", "aquí no")   # not the other article's
    mine = r.act(store.user("rita"), "es", SLUG, mine.id, "save", based_on=first(r).version,
                 text="Entumecimiento emocional")
    report = r.bulk(store.user("rita"), "es", SLUG, "approve", [(mine.id, mine.version)])
    assert report.done == [] and [(i, str(why)[:27]) for i, why in report.skipped] == [
        (mine.id, "rita wrote this translation")]
    assert first(r).state == "needs review"


def test_the_words_of_an_unknown_action_and_of_a_check_given_to_an_action_without_one(r, store):  # noqa: F811
    item = first(r)
    with pytest.raises(BadInput) as unknown:
        r.act(store.user("rita"), "es", SLUG, item.id, "publish", based_on=item.version)
    assert str(unknown.value) == f"no action 'publish'; actions: {', '.join(review.ACTIONS)}"
    with pytest.raises(BadInput) as checkless:
        r.act(store.user("rita"), "es", SLUG, item.id, "approve", based_on=item.version, check="numbers")
    assert str(checkless.value) == "approve takes no check"


def test_a_translator_here_who_reviews_elsewhere_suggests_over_approved_text(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    approved = r.act(store.user("rita"), "es", SLUG, saved.id, "approve", based_on=saved.version)
    tomas = store.add_user("tomas", "translator", ["es"], "tomas-password", roles={"fr": "reviewer"})
    kept = r.act(tomas, "es", SLUG, saved.id, "save", based_on=approved.version, text="Insensibilidad emocional")
    assert isinstance(kept, review.Suggested) and kept.item.msgstr == "Entumecimiento emocional"


def test_a_save_that_changes_nothing_records_nothing_and_a_repeated_approval_is_recorded(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    again = r.act(store.user("tina"), "es", SLUG, saved.id, "save", based_on=saved.version,
                  text="Entumecimiento emocional")
    assert again.version == saved.version and len(store.history("es", SLUG, saved.id)) == 1
    approved = r.act(store.user("rita"), "es", SLUG, saved.id, "approve", based_on=saved.version)
    twice = r.act(store.user("rafa"), "es", SLUG, saved.id, "approve", based_on=approved.version)
    assert twice.state == "approved"
    assert [(c.action, c.user) for c in store.history("es", SLUG, saved.id)][1:] == [("approve", "rita"),
                                                                                    ("approve", "rafa")]


def test_line_breaks_of_any_system_are_kept_as_gettext_writes_them(r, store):  # noqa: F811
    item = first(r)
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Uno\rdos\r\ntres")
    assert saved.msgstr == "Uno\ndos\ntres"
    rejected = r.act(store.user("rita"), "es", SLUG, item.id, "reject", based_on=saved.version, note="uno\r\ndos")
    assert store.history("es", SLUG, item.id)[-1].note == "uno\ndos" and rejected.state == "rejected"


def test_a_text_and_a_reason_of_the_most_characters_allowed_are_taken(r, store):  # noqa: F811
    item = first(r)
    longest = "a" * review.MAX_TEXT
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text=longest)
    assert len(saved.msgstr) == review.MAX_TEXT
    r.act(store.user("rita"), "es", SLUG, item.id, "reject", based_on=saved.version, note="b" * review.MAX_REASON)
    assert store.history("es", SLUG, item.id)[-1].note == "b" * review.MAX_REASON


def test_a_translation_takes_the_line_breaks_its_source_has_at_its_ends(r, store):  # noqa: F811
    path = r.path("es", SLUG)
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "\\nXenon\\n"\nmsgstr ""\n', encoding="utf-8")
    item = next(i for i in r.items("es", SLUG) if i.msgid == "\nXenon\n")
    saved = r.act(store.user("tina"), "es", SLUG, item.id, "save", based_on=item.version, text="Xenón")
    assert saved.msgstr == "\nXenón\n"
    from conftest import assert_msgfmt_ok

    assert_msgfmt_ok(path)


def test_a_flag_changed_outside_changes_the_version(r, store):  # noqa: F811
    from localize import po

    entry = po.Entry("Numbness", "Entumecimiento")
    before = review.version(entry)
    entry.set_flag("fuzzy", True)
    assert review.version(entry) != before


def test_a_translator_may_not_clear_approved_text_and_is_told_who_may(r, store):  # noqa: F811
    saved = translated(r, store, "Emotional numbness", "Entumecimiento emocional")
    approved = r.act(store.user("rita"), "es", SLUG, saved.id, "approve", based_on=saved.version)
    with pytest.raises(PermissionDenied) as refused:
        r.act(store.user("tina"), "es", SLUG, saved.id, "save", based_on=approved.version, text="  ")
    assert str(refused.value) == "tina may not clear an approved translation: a reviewer rejects it"


def test_a_change_of_an_entry_with_a_context_is_recorded_with_it(r, store):  # noqa: F811
    with_context(r)
    menu = next(i for i in r.items("es", SLUG) if i.msgctxt == "menu")
    r.act(store.user("rita"), "es", SLUG, menu.id, "save", based_on=menu.version, text="Reposo")
    assert [(c.msgctxt, c.msgid) for c in store.history("es", SLUG, menu.id)] == [("menu", "Rest")]


def test_an_unchanged_rejected_entry_shows_this_languages_rejection(r, store):  # noqa: F811
    a, rejected = rejected_in_spanish_then_french(r, store)
    same = r.act(store.user("tina"), "es", SLUG, a.id, "save", based_on=rejected.version, text="")
    assert same.rejected["reason"] == "calco del inglés"


@pytest.mark.parametrize("setting, allowed", [("true", True), ("false", False)])
def test_self_approval_is_read_from_the_workspace(ws, store, setting, allowed):  # noqa: F811
    from localize.workspace import Workspace

    config = ws.root / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + f"self-approval = {setting}\n", encoding="utf-8")
    assert Review(Workspace.open(ws.root), store).self_approval is allowed


def test_a_self_approval_setting_that_is_not_true_or_false_is_refused_by_name(ws, store):  # noqa: F811
    from localize.workspace import Workspace

    config = ws.root / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'self-approval = "yes"\n', encoding="utf-8")
    with pytest.raises(BadInput) as refused:
        Review(Workspace.open(ws.root), store)
    assert str(refused.value) == f"{config}: [tool.localize] self-approval must be true or false"


def test_a_language_or_catalog_the_workspace_lacks_is_not_found_by_name(r, store):  # noqa: F811
    with pytest.raises(NotFound) as language:
        r.items("de", SLUG)
    assert str(language.value) == "de is not a language of this workspace"
    with pytest.raises(NotFound) as article:
        r.items("es", "no-such-article")
    assert str(article.value) == "no es catalog for 'no-such-article'"


def test_a_rejection_made_outside_the_review_shows_its_reason_alone(r, store):  # noqa: F811
    path = r.path("es", SLUG)
    path.write_text(path.read_text(encoding="utf-8") + '\n# rejected: made in a PO editor\nmsgid "Elsewhere"\nmsgstr ""\n',
                    encoding="utf-8")
    item = next(i for i in r.items("es", SLUG) if i.msgid == "Elsewhere")
    assert item.rejected == {"by": None, "at": None, "reason": "made in a PO editor", "text": None, "change": None}


def test_a_glossary_written_while_the_review_runs_is_read_at_the_next_look(r, store, ws):  # noqa: F811
    from localize import glossary

    assert r.context("es", SLUG).keep == ()
    glossary.path_for(ws).write_text('keep = ["Men Women Psychology"]\n', encoding="utf-8")
    assert r.context("es", SLUG).keep == ("Men Women Psychology",)


def test_a_change_recorded_as_wording_is_named_for_the_authors_and_references_of_the_article(r, store):  # noqa: F811
    """``update`` records a change's kind as it knew the article; the queue names it anew for the article's
    reference list: an author's name changed, or a link to an anchor the reference list does not have."""
    from localize import catalog

    path = r.path("es", SLUG)
    cat = catalog.read(path)
    citing = next(e for e in cat.entries if e.msgid.startswith(WITH_YEAR))
    citing.previous_msgid = citing.msgid.replace("Gross", "Smith")
    title = next(e for e in cat.entries if e.msgid.startswith("Emotional numbness"))
    title.previous_msgid = title.msgid + ' <a href="#ref-99">more</a>'
    for entry in (citing, title):
        entry.comments.append("source-change: wording")
    catalog.save(path, cat)
    items = r.items("es", SLUG)
    assert find(items, WITH_YEAR).change == ("names",)       # Gross is an author of the reference list
    assert find(items, "Emotional numbness").change == ("links",)   # no reference has the id ref-99


def test_an_entry_a_po_editor_wrote_without_a_comment_has_no_kind(r, store):  # noqa: F811
    from localize import catalog

    path = r.path("es", SLUG)
    cat = catalog.read(path)
    next(e for e in cat.entries if e.msgid.startswith("Emotional numbness")).extracted = []
    catalog.save(path, cat)
    assert first(r).kind == "" and first(r).as_dict()["kind"] == ""
    assert find(r.items("es", SLUG), WITH_YEAR).kind != ""


def test_the_queue_knows_the_words_of_the_whole_article_and_opens_without_its_source(r, store, ws):  # noqa: F811
    """A machine draft may keep an English term the article uses elsewhere ("reappraisal", in the unit
    on emotion regulation); a word the article never uses is a spelling warning. A catalog whose source
    page, then template, were taken away still opens, without the reference list, then the article's words."""
    from localize import catalog

    path = r.path("es", SLUG)
    cat = catalog.read(path)
    for start, text in (("The mechanism", "El mecanismo de la reappraisal"), ("The evidence", "Las zorblax")):
        entry = next(e for e in cat.entries if e.msgid.startswith(start))
        entry.msgstr, entry.comments = text, ["draft: apertium en-es"]
        entry.set_flag("fuzzy", True)
    catalog.save(path, cat)
    items = r.items("es", SLUG)
    assert [p.check for p in find(items, "The mechanism").problems] == []
    assert [(p.check, p.message) for p in find(items, "The evidence").problems] == [
        ("spelling", 'not in the dictionary: "zorblax"')]
    (ws.root / "source" / f"{SLUG}.html").unlink()
    assert first(r).msgid.startswith("Emotional numbness") and r.context("es", SLUG).citations == frozenset()
    ws.template_path(SLUG).unlink()
    assert first(r).msgid.startswith("Emotional numbness") and r.context("es", SLUG).article is None


def test_the_queue_accepts_a_link_to_the_page_the_links_table_names(ws, store):  # noqa: F811
    """[tool.localize.links] names the Spanish counterpart of a page the article links to: a translation
    that links there is no markup change; in French, with no counterpart named, it is."""
    from localize.workspace import Workspace

    with (ws.root / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write('\n[tool.localize.links."https://guide.example/"]\nes = "https://guia.example/es/"\n')
    unit = 'msgid "Read <a href=\\"https://guide.example/\\">the guide</a>."\n'
    for lang, text in (("es", 'Lea <a href=\\"https://guia.example/es/\\">la guía</a>.'),
                       ("fr", 'Lisez <a href=\\"https://guia.example/es/\\">le guide</a>.')):
        path = ws.catalog_path(lang, SLUG)
        path.write_text(path.read_text(encoding="utf-8") + f'\n{unit}msgstr "{text}"\n', encoding="utf-8")
    r = Review(Workspace.open(ws.root), store)
    es, fr = (find(r.items(lang, SLUG), "Read <a") for lang in ("es", "fr"))
    assert es.problems == () and [p.check for p in fr.problems] == ["markup"]
