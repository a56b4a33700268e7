"""The review pages on real catalogs: rights, actions, conflicts, the QA gate, four eyes, history, comments."""

from __future__ import annotations

import html
import re

import polib
import pytest

from conftest import assert_msgfmt_ok
from localize.cli import main
from test_web_support import (  # noqa: F401  (fixtures)
    ANY_PAGE, CITING, OTHER, SLUG, app, client_as, csrf_token, entry_url, find, items, local, po_path, post_action,
    prepare, reopen, web_template, ws)


def po_entry(ws, lang: str, start: str, slug: str = SLUG) -> polib.POEntry:
    return next(e for e in polib.pofile(str(po_path(ws, lang, slug)), wrapwidth=0) if e.msgid.startswith(start))


# -- who may do what, where ------------------------------------------------------------------------

ALLOWED = {   # account: {language: actions}
    "tina": {"es": {"save"}, "fr": set()},
    "rita": {"es": {"save", "approve", "reject", "revert"}, "fr": set()},
    "ed": {"es": {"save", "approve", "reject", "revert"}, "fr": {"save", "approve", "reject", "revert"}},
    "ada": {"es": {"save", "approve", "reject", "revert"}, "fr": {"save", "approve", "reject", "revert"}},
}
GOOD = {"es": "Las pruebas", "fr": "Les preuves"}


@pytest.mark.parametrize("action", ["save", "approve", "reject", "revert"])
@pytest.mark.parametrize("lang", ["es", "fr"])
@pytest.mark.parametrize("name", ["tina", "rita", "ed", "ada"])
def test_rights_by_role_language_and_action(client_as, local, ws, name, lang, action):
    saved = prepare(local, "The evidence", lang, text=GOOD[lang])           # by sam, so others may approve
    change = local.store.history(lang, SLUG, saved.id)[-1].id
    client = client_as(name)
    before = po_path(ws, lang).read_bytes()
    text = {"save": "Otra versión", "approve": GOOD[lang]}.get(action)
    if action == "reject":   # a rejection says why
        response = client.post(entry_url(lang, saved.id), data={
            "csrf_token": csrf_token(client, ANY_PAGE), "action": "reject", "version": saved.version,
            "reason": "Mal traducido"})
    else:
        response = post_action(client, lang, saved, action, text=text, change=change if action == "revert" else None)
    after = po_path(ws, lang).read_bytes()
    if action in ALLOWED[name][lang]:
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert after != before
        assert_msgfmt_ok(po_path(ws, lang))
        state = {"save": "needs review", "approve": "approved", "reject": "rejected", "revert": "untranslated"}
        assert find(local, "The evidence", lang).state == state[action]
    else:
        assert response.status_code == 403
        assert after == before


def test_a_translator_sees_no_approve_or_reject_button(client_as, local):
    item = prepare(local, "The evidence", text=GOOD["es"])
    page = client_as("tina").get(entry_url("es", item.id)).get_data(as_text=True)
    assert 'value="save"' in page and 'value="skip"' in page
    assert 'value="approve"' not in page and 'value="reject"' not in page and 'value="revert"' not in page
    reviewer = client_as("rita").get(entry_url("es", item.id)).get_data(as_text=True)
    assert 'value="approve"' in reviewer and 'value="reject"' in reviewer and 'value="revert"' in reviewer


# -- saving and approving --------------------------------------------------------------------------

def test_save_stays_on_the_entry_and_approve_goes_to_the_next(client_as, local, ws):
    tina, rita = client_as("tina"), client_as("rita")
    item = find(local, "The evidence")
    response = post_action(tina, "es", item, "save", text="Las pruebas")
    assert response.status_code == 302 and response.headers["Location"] == entry_url("es", item.id)
    page = tina.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved" in page and "needs review" in page
    saved = find(local, "The evidence")
    response = post_action(rita, "es", saved, "approve", text="Las pruebas")
    following = items(local)[saved.position + 1]
    assert response.status_code == 302 and response.headers["Location"] == entry_url("es", following.id)
    entry = po_entry(ws, "es", "The evidence")
    assert entry.msgstr == "Las pruebas" and "fuzzy" not in entry.flags
    assert_msgfmt_ok(po_path(ws, "es"))


def test_skip_goes_to_the_next_entry_of_the_filtered_queue(client_as, local):
    client = client_as("rita")
    entries = items(local)
    prepare(local, "Why this happens", text="Por qué pasa")
    token = csrf_token(client, ANY_PAGE)
    response = client.post(entry_url("es", entries[0].id) + "?state=review",
                           data={"csrf_token": token, "action": "skip", "version": entries[0].version})
    target = find(local, "Why this happens")
    assert response.status_code == 302
    assert response.headers["Location"] == entry_url("es", target.id) + "?state=review"


def test_actions_answer_json_with_the_entry_and_its_checks(client_as, local, ws):
    client = client_as("tina")
    item = find(local, CITING)
    dropped = "El trabajo de James Gross sobre la regulación emocional distingue estrategias."
    response = post_action(client, "es", item, "save", text=dropped, as_json=True)
    assert response.status_code == 200
    data = response.get_json()
    assert data["ok"] and data["item"]["state"] == "needs review" and data["item"]["msgstr"] == dropped
    assert data["errors"] >= 1
    assert "citations" in {p["check"] for p in data["item"]["problems"]}   # QA shown on every save
    assert data["next"] is None
    assert_msgfmt_ok(po_path(ws, "es"))


def test_qa_errors_block_approval_with_422(client_as, local, ws):
    dropped = "El trabajo de James Gross sobre la regulación emocional distingue estrategias."
    item = prepare(local, CITING, text=dropped)
    client = client_as("rita")
    before = po_path(ws, "es").read_bytes()
    response = post_action(client, "es", item, "approve", text=dropped)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "citations" in page and "QA errors block approval" in page
    assert po_path(ws, "es").read_bytes() == before
    response = post_action(client, "es", item, "approve", text=dropped, as_json=True)
    assert response.status_code == 422
    assert "citations" in {p["check"] for p in response.get_json()["problems"]}


def test_four_eyes_a_reviewer_does_not_approve_their_own_translation(client_as, local, ws):
    rita, rafa = client_as("rita"), client_as("rafa")
    item = find(local, "The evidence")
    assert post_action(rita, "es", item, "save", text="Las pruebas").status_code == 302
    saved = find(local, "The evidence")
    before = po_path(ws, "es").read_bytes()
    response = post_action(rita, "es", saved, "approve", text="Las pruebas")
    assert response.status_code == 403
    assert "another reviewer approves it" in response.get_data(as_text=True)   # shown in the editor
    assert 'id="text"' in response.get_data(as_text=True)
    assert po_path(ws, "es").read_bytes() == before
    assert post_action(rafa, "es", saved, "approve", text="Las pruebas").status_code == 302
    assert find(local, "The evidence").state == "approved"
    # a reviewer who edits while approving becomes the author: not approved, nothing written
    other = prepare(local, "Why this happens", text="Por qué pasa")
    before = po_path(ws, "es").read_bytes()
    assert post_action(rafa, "es", other, "approve", text="Por qué ocurre").status_code == 403
    assert po_path(ws, "es").read_bytes() == before


# -- conflicts -------------------------------------------------------------------------------------

def test_a_stale_version_is_409_with_both_versions(client_as, local, ws):
    client = client_as("tina")
    loaded = find(local, "The evidence")
    prepare(local, "The evidence", text="La evidencia", user="rita")     # someone else, meanwhile
    before = po_path(ws, "es").read_bytes()
    response = post_action(client, "es", loaded, "save", text="Las pruebas")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "La evidencia" in page and "Las pruebas" in page
    assert "Use theirs" in page and "Keep mine" in page
    assert po_path(ws, "es").read_bytes() == before
    current = find(local, "The evidence")
    assert f'name="version" value="{current.version}"' in page           # keep mine re-submits on theirs
    data = post_action(client, "es", loaded, "save", text="Las pruebas", as_json=True)
    assert data.status_code == 409
    body = data.get_json()
    assert body["current"]["msgstr"] == "La evidencia" and body["yours"] == "Las pruebas"
    assert body["current"]["version"] == current.version
    keep_mine = post_action(client, "es", current, "save", text="Las pruebas")
    assert keep_mine.status_code == 302
    assert po_entry(ws, "es", "The evidence").msgstr == "Las pruebas"
    assert_msgfmt_ok(po_path(ws, "es"))


# -- history, revert, comments ---------------------------------------------------------------------

def test_history_lists_changes_and_a_change_can_be_reverted(client_as, local, ws):
    client = client_as("rita")
    item = find(local, "The evidence")
    post_action(client, "es", item, "save", text="Las pruebas")
    post_action(client, "es", find(local, "The evidence"), "save", text="La evidencia")
    page = client.get(entry_url("es", item.id)).get_data(as_text=True)
    history = page[page.index('id="history-heading"'):page.index('id="comments-heading"')]
    assert history.count("<li>") == 2 and "<bdi>rita</bdi>" in history
    # newest first, each change a word diff: the words that went and the words that came
    newest, oldest = history.split("<li>")[1:]
    assert "<del>Las</del><ins>La</ins>" in newest and "<del>pruebas</del><ins>evidencia</ins>" in newest
    assert "<ins>Las pruebas</ins>" in oldest and "<del>" not in oldest
    last = local.store.history("es", SLUG, item.id)[-1]
    assert f'name="change" value="{last.id}"' in history
    response = post_action(client, "es", find(local, "The evidence"), "revert", change=last.id)
    assert response.status_code == 302
    assert po_entry(ws, "es", "The evidence").msgstr == "Las pruebas"
    assert [c.action for c in local.store.history("es", SLUG, item.id)] == ["save", "save", "revert"]
    assert_msgfmt_ok(po_path(ws, "es"))
    # a change of another entry is not this entry's
    other = find(local, "Why this happens")
    assert post_action(client, "es", other, "revert", change=last.id).status_code == 404


def test_comments_are_listed_and_added(client_as, local):
    client = client_as("tina")
    item = find(local, "The evidence")
    url = entry_url("es", item.id) + "/comments"
    response = client.post(url, data={"csrf_token": csrf_token(client, ANY_PAGE), "text": "¿«pruebas» o «evidencia»?"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#comments")
    page = client.get(entry_url("es", item.id)).get_data(as_text=True)
    assert "¿«pruebas» o «evidencia»?" in page
    json = client.post(url, data={"csrf_token": csrf_token(client, ANY_PAGE), "text": "Otra"},
                       headers={"Accept": "application/json"})
    assert json.status_code == 201 and json.get_json()["comment"]["user"] == "tina"
    assert [c.text for c in local.store.comments("es", SLUG, item.id)] == ["¿«pruebas» o «evidencia»?", "Otra"]
    assert client.post(url, data={"csrf_token": csrf_token(client, ANY_PAGE), "text": "  "}).status_code == 400
    fr = find(local, "The evidence", "fr")
    assert client.post(entry_url("fr", fr.id) + "/comments",
                       data={"csrf_token": csrf_token(client, ANY_PAGE), "text": "x"}).status_code == 403


# -- what the editor shows -------------------------------------------------------------------------

def test_source_markup_is_shown_as_numbered_tag_chips_and_placeholders_in_the_box(client_as, local):
    item = find(local, CITING)
    page = client_as("tina").get(entry_url("es", item.id)).get_data(as_text=True)
    source = page[page.index('id="source"'):page.index("</p>", page.index('id="source"'))]
    assert re.search(r'class="chip chip-open"[^>]*><span class="n">1</span>a #ref-2</button>', source)
    assert re.search(r'class="chip chip-open"[^>]*><span class="n">2</span>em</button>', source)
    assert re.search(r'class="chip chip-close"[^>]*><span class="n">2</span>/em</button>', source)
    assert re.search(r'class="chip chip-open"[^>]*><span class="n">3</span>a #ref-3</button>', source)
    assert "<a href" not in source and "<em>" not in source   # chips, not raw markup
    assert 'data-insert="\u2066⟦1⟧\u2069"' in source and 'data-insert="\u2066⟦/2⟧\u2069"' in source
    assert 'title="href=&#34;#ref-2&#34;"' in source
    box = page[page.index('<textarea id="text"'):page.index("</textarea>")]
    assert "⟦" not in box   # untranslated: nothing in the box yet
    saved = prepare(local, CITING, text=item.msgid.replace("James Gross's work", "El trabajo de James Gross"))
    box = client_as("tina").get(entry_url("es", saved.id)).get_data(as_text=True)
    box = box[box.index('<textarea id="text"'):box.index("</textarea>")]
    assert "<a href" not in box and "&lt;a href" not in box and "&lt;em&gt;" not in box
    assert "\u2066⟦1⟧\u2069(1998)\u2066⟦/1⟧\u2069" in box and "\u2066⟦2⟧\u2069expressive suppression\u2066⟦/2⟧\u2069" in box


def test_the_translation_box_follows_the_target_language(client_as, local):
    item = find(local, "The evidence", "ar")
    page = client_as("lina").get(entry_url("ar", item.id)).get_data(as_text=True)
    assert re.search(r'<textarea id="text" name="text" lang="ar" dir="rtl"', page)
    assert '<label for="text">' in page


def test_memory_matches_show_score_and_where(client_as, local):
    approved = prepare(local, "The evidence", text="Las pruebas", slug=OTHER)
    local.review.act(local.store.user("rita"), "es", OTHER, approved.id, "approve", based_on=approved.version)
    page = client_as("tina").get(entry_url("es", find(local, "The evidence").id)).get_data(as_text=True)
    suggestions = page[page.index('id="suggestion-list"'):page.index('id="history-heading"')]
    assert "100%" in suggestions and OTHER in suggestions and "Las pruebas" in suggestions


def test_a_fresh_engine_draft_is_suggested_with_its_origin_and_not_saved(client_as, local, ws):
    client = client_as("tina")
    item = find(local, "The evidence")
    before = po_path(ws, "es").read_bytes()
    url = entry_url("es", item.id) + "/draft"
    data = client.post(url, data={"csrf_token": csrf_token(client, ANY_PAGE)}, headers={"Accept": "application/json"})
    assert data.status_code == 200
    assert data.get_json()["origin"] == "pseudo" and data.get_json()["text"].startswith("[!!")
    page = client.post(url, data={"csrf_token": csrf_token(client, ANY_PAGE), "text": "mi borrador"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "pseudo" in text and "[!!" in text and "mi borrador" in text   # the unsaved text is kept
    assert po_path(ws, "es").read_bytes() == before
    fr = find(local, "The evidence", "fr")             # no engine for French: said, not a 500
    editor = client_as("ed")
    answer = editor.post(entry_url("fr", fr.id) + "/draft", data={"csrf_token": csrf_token(editor, ANY_PAGE)},
                         headers={"Accept": "application/json"})
    assert answer.status_code in (422, 502) and answer.get_json()["message"]


def test_a_stale_entry_shows_the_previous_source_and_a_word_diff(client_as, local, ws):
    prepare(local, "Why this happens", text="Por qué pasa")
    page = ws / "source" / f"{SLUG}.html"
    page.write_text(page.read_text(encoding="utf-8").replace("Why this happens", "Why this really happens"),
                    encoding="utf-8")
    assert main(["--root", str(ws), "extract"]) == 0 and main(["--root", str(ws), "update"]) == 0
    item = find(local, "Why this really happens")
    assert item.state == "stale"
    response = client_as("rita").get(entry_url("es", item.id))
    text = response.get_data(as_text=True)
    assert "<ins>really </ins>" in text or "<ins>really</ins>" in text
    assert "Previous source" in text and "Why this happens" in text


def test_hostile_translations_are_shown_as_text_everywhere(client_as, local, ws):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    item = prepare(local, "The evidence", text=hostile, user="tina")
    assert_msgfmt_ok(po_path(ws, "es"))
    client = client_as("rita")
    for url in (f"/review/es/{SLUG}", entry_url("es", item.id), f"/review/es/{SLUG}/preview"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url
        if not url.endswith("/preview"):   # reviewers see what was written, as text
            assert "&lt;script&gt;alert(1)" in page, url
    # the preview shows what readers would get: the unit in English, marked so, never the tags as text
    preview = client.get(f"/review/es/{SLUG}/preview").get_data(as_text=True)
    assert "alert(1)" not in preview
    assert re.search(r'<p class="kicker"[^>]*lang="en"[^>]*>The evidence</p>', preview)
    editor = client.get(entry_url("es", item.id)).get_data(as_text=True)
    assert "unsafe" in editor   # and the QA check says why


# -- the queue -------------------------------------------------------------------------------------

def test_the_queue_lists_entries_in_order_with_counts_and_filters(client_as, local):
    prepare(local, "The evidence", text="Las pruebas")
    dropped = "El trabajo de James Gross sobre la regulación emocional distingue estrategias."
    prepare(local, CITING, text=dropped)
    client = client_as("rita")
    all_items = items(local)
    page = client.get(f"/review/es/{SLUG}").get_data(as_text=True)
    positions = [page.index(f'data-entry="{i.id}"') for i in all_items]
    assert positions == sorted(positions)
    assert re.search(r'state=review[^"]*"[^>]*>To review <span class="count">2</span>', page)
    review = client.get(f"/review/es/{SLUG}?state=review").get_data(as_text=True)
    assert review.count('class="entry ') == 2
    errors = client.get(f"/review/es/{SLUG}?state=errors").get_data(as_text=True)
    assert errors.count('class="entry ') == 1 and find(local, CITING).id in errors
    untranslated = client.get(f"/review/es/{SLUG}?state=untranslated").get_data(as_text=True)
    assert untranslated.count('class="entry ') == len(all_items) - 2
    found = client.get(f"/review/es/{SLUG}?q=PRUEBAS").get_data(as_text=True)   # in the translation
    assert found.count('class="entry ') == 1
    found = client.get(f"/review/es/{SLUG}?q=alexithymia").get_data(as_text=True)   # in the source
    assert found.count('class="entry ') == sum("alexithymia" in i.msgid for i in all_items) > 0
    odd = client.get(f"/review/es/{SLUG}?state=nonsense&q=" + "x" * 5000)
    assert odd.status_code == 200


def test_the_dashboard_shows_progress_and_qa_errors_per_language(client_as, local):
    prepare(local, CITING, text="El trabajo de James Gross distingue estrategias.")
    page = client_as("ed").get("/").get_data(as_text=True)
    for lang in ("es", "fr", "ar"):
        assert f'href="/review/{lang}/{SLUG}"' in page
        assert f'href="/review/{lang}/{OTHER}"' in page
    errors = len(find(local, CITING).errors)
    assert errors > 1
    assert f'href="/review/es/{SLUG}?state=errors">{errors} QA errors' in page
    assert f'href="/review/es/{SLUG}?state=review">1 to review' in page
    assert "<svg" in page and 'aria-label="approved: 0, needs review: 1' in page
    prepare(local, "The evidence", text="Las pruebas")            # the figures follow the catalogs
    again = client_as("ed").get("/").get_data(as_text=True)
    assert f'href="/review/es/{SLUG}?state=review">2 to review' in again


def test_one_torn_catalog_is_shown_on_the_dashboard_and_the_others_still_count(client_as, local, ws):
    torn = po_path(ws, "fr")
    text = torn.read_text(encoding="utf-8")
    torn.write_text(text[: text.index("msgstr", len(text) // 2)] + 'msgstr "unterminated\n', encoding="utf-8")
    response = client_as("ed").get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This catalog cannot be read: locales/fr/LC_MESSAGES/" in page
    assert str(ws) not in page                                   # the server's folders are not shown
    assert f'href="/review/es/{SLUG}"' in page and f'href="/review/ar/{SLUG}"' in page
    assert torn.read_text(encoding="utf-8").endswith('msgstr "unterminated\n')   # nothing rewrote it


# -- the preview -----------------------------------------------------------------------------------

def test_the_preview_tags_every_unit_with_its_entry_under_a_strict_policy(client_as, local):
    prepare(local, "The evidence", text="Las pruebas")
    response = client_as("rita").get(f"/review/es/{SLUG}/preview?current={find(local, 'The evidence').id}")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:" in policy
    assert "script-src" not in policy
    page = response.get_data(as_text=True)
    tagged = set(re.findall(r'data-entry(?:-[a-z]+)?="([0-9a-f]{16})"', page))
    assert {i.id for i in items(local)} <= tagged
    assert '<html lang="es"' in page
    assert re.search(r'data-entry="[0-9a-f]{16}" data-state="needs review">Las pruebas<', page)  # drafts shown
    assert f'[data-entry="{find(local, "The evidence").id}"]' in page                            # highlighted
    ar = client_as("ed").get(f"/review/ar/{SLUG}/preview").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl"' in ar


def test_the_preview_frame_is_sandboxed_without_scripts(client_as, local):
    page = client_as("rita").get(entry_url("es", find(local, "The evidence").id)).get_data(as_text=True)
    frame = re.search(r"<iframe[^>]*>", page).group()
    assert 'sandbox="allow-same-origin"' in frame and "allow-scripts" not in frame
    assert f'/review/es/{SLUG}/preview' in frame


def test_the_preview_never_carries_a_hostile_current_value(client_as):
    response = client_as("rita").get(f'/review/es/{SLUG}/preview?current="}}body{{display:none')
    assert response.status_code == 200
    assert "display:none" not in response.get_data(as_text=True)


def test_a_reopened_review_sees_what_the_web_wrote(client_as, local, ws):
    item = find(local, "The evidence")
    post_action(client_as("tina"), "es", item, "save", text="Las pruebas")
    assert reopen(ws).item("es", SLUG, item.id).msgstr == "Las pruebas"
    assert html.unescape(po_entry(ws, "es", "The evidence").msgstr) == "Las pruebas"


# -- the translation box: placeholders for the source's tags, either form accepted -----------------

PLACEHOLDERS = "\u2066⟦1⟧\u2069(1998)\u2066⟦/1⟧\u2069 y \u2066⟦2⟧\u2069supresión\u2066⟦/2⟧\u2069 \u2066⟦3⟧\u2069(2003)\u2066⟦/3⟧\u2069"
REAL_TAGS = '<a href="#ref-2">(1998)</a> y <em>supresión</em> <a href="#ref-3">(2003)</a>'


@pytest.mark.parametrize("sent", [PLACEHOLDERS, REAL_TAGS, PLACEHOLDERS.replace("\u2066", "").replace("\u2069", ""),
                                  "\u2066⟦1⟧\u2069(1998)</a> y <em>supresión\u2066⟦/2⟧\u2069 "
                                  '<a href="#ref-3">(2003)\u2066⟦/3⟧\u2069'])
def test_a_save_without_script_takes_placeholders_or_real_tags(client_as, local, ws, sent):
    item = find(local, CITING)
    text = "Gross " + sent + " & más"
    response = post_action(client_as("tina"), "es", item, "save", text=text)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert po_entry(ws, "es", CITING).msgstr == "Gross " + REAL_TAGS + " &amp; más"
    assert_msgfmt_ok(po_path(ws, "es"))
    page = client_as("tina").get(entry_url("es", item.id)).get_data(as_text=True)
    box = page[page.index('<textarea id="text"'):page.index("</textarea>")]
    assert "Gross " + PLACEHOLDERS + " &amp; más" in box           # shown again as placeholders, & as &


@pytest.mark.parametrize("sent, said", [("Gross \u2066⟦1⟧\u2069(1998)\u2066⟦/1", "broken"),
                                        ("Gross ⟦7⟧x⟦/7⟧", "no tag ⟦7⟧"),
                                        ("Gross ⟦/4⟧", "no tag ⟦/4⟧")])
def test_a_broken_or_unknown_placeholder_is_refused_and_the_text_kept(client_as, local, ws, sent, said):
    item = find(local, CITING)
    before = po_path(ws, "es").read_bytes()
    response = post_action(client_as("tina"), "es", item, "save", text=sent)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert said in html.unescape(page) and 'id="refusal"' in page
    box = html.unescape(page[page.index('<textarea id="text"'):page.index("</textarea>")])
    assert sent in box                                               # the translator's text, as typed
    assert po_path(ws, "es").read_bytes() == before
    data = post_action(client_as("tina"), "es", item, "save", text=sent, as_json=True)
    assert data.status_code == 400 and said in data.get_json()["message"]


def test_an_untouched_box_approves_the_text_exactly_as_stored(client_as, local, ws):
    # a bare & (as a PO editor may write it) is shown as &; approving the box as shown changes nothing
    saved = prepare(local, "Men &amp; Women", text="Hombres & Mujeres")
    page = client_as("rita").get(entry_url("es", saved.id)).get_data(as_text=True)
    box = html.unescape(page[page.index('<textarea id="text"'):page.index("</textarea>")].split(">", 1)[1]).strip("\n")
    assert box == "Hombres & Mujeres"
    assert post_action(client_as("rita"), "es", saved, "approve", text=box).status_code == 302
    entry = po_entry(ws, "es", "Men &amp; Women")
    assert entry.msgstr == "Hombres & Mujeres" and "fuzzy" not in entry.flags


# -- unsaved text, without script ------------------------------------------------------------------

def test_skip_with_unsaved_text_asks_and_discard_goes_on(client_as, local, ws):
    client = client_as("tina")
    entries = items(local)
    before = po_path(ws, "es").read_bytes()
    token = csrf_token(client, ANY_PAGE)
    url = entry_url("es", entries[0].id)
    asked = client.post(url, data={"csrf_token": token, "action": "skip", "version": entries[0].version,
                                   "text": "Comprender el embotamiento"})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert 'id="unsaved"' in page and "Your translation is not saved" in page
    assert 'value="discard"' in page and "Comprender el embotamiento</textarea>" in page
    unchanged = client.post(url, data={"csrf_token": token, "action": "skip", "version": entries[0].version,
                                       "text": ""})                            # nothing typed: on it goes
    assert unchanged.status_code == 302 and unchanged.headers["Location"] == entry_url("es", entries[1].id)
    discard = client.post(url, data={"csrf_token": token, "action": "discard", "version": entries[0].version,
                                     "text": "Comprender el embotamiento"})
    assert discard.status_code == 302 and discard.headers["Location"] == entry_url("es", entries[1].id)
    assert po_path(ws, "es").read_bytes() == before


# -- what an action done through fetch() answers ---------------------------------------------------

def test_a_json_save_answers_the_box_text_and_the_history_as_a_word_diff(client_as, local):
    item = find(local, CITING)
    client = client_as("tina")
    first = post_action(client, "es", item, "save", text="Gross " + REAL_TAGS, as_json=True).get_json()
    assert first["text"] == "Gross " + PLACEHOLDERS
    data = post_action(client, "es", find(local, CITING), "save", text="Gross " + PLACEHOLDERS + " hoy",
                       as_json=True).get_json()
    assert data["ok"] and data["text"] == "Gross " + PLACEHOLDERS + " hoy"
    history = data["history"]
    assert history.count("<li>") == 2 and "<bdi>tina</bdi>" in history
    assert "<ins> hoy</ins>" in history.split("<li>")[1]
    assert 'class="chip chip-open" dir="ltr"' in history and "&lt;a href" not in history


def test_a_conflict_says_who_changed_the_entry_and_when(client_as, local):
    loaded = find(local, "The evidence")
    prepare(local, "The evidence", text="La evidencia", user="rita")
    client = client_as("tina")
    page = post_action(client, "es", loaded, "save", text="Las pruebas").get_data(as_text=True)
    changed = page[page.index('id="changed-by"'):page.index("</p>", page.index('id="changed-by"'))]
    change = local.store.history("es", SLUG, loaded.id)[-1]
    assert "Changed by <bdi>rita</bdi>" in changed
    from web.review import when
    with client.application.test_request_context():
        assert when(change.at) in changed
    data = post_action(client, "es", loaded, "save", text="Las pruebas", as_json=True).get_json()
    assert data["changed"]["user"] == "rita" and data["changed"]["at"] == change.at
    assert data["current_text"] == "La evidencia"


# -- around the entry, and the queue ---------------------------------------------------------------

def test_the_editor_shows_the_units_before_and_after_in_the_article(client_as, local):
    prepare(local, "The evidence", text="Las pruebas")
    entries = items(local)
    heading = find(local, "What the research actually shows")
    page = client_as("tina").get(entry_url("es", heading.id) + "?state=untranslated").get_data(as_text=True)
    before = page[page.index('id="context-before"'):page.index("</section>", page.index('id="context-before"'))]
    after = page[page.index('id="context-after"'):page.index("</section>", page.index('id="context-after"'))]
    previous, following = entries[heading.position - 1], entries[heading.position + 1]
    assert previous.msgid == "The evidence" and "Las pruebas" in before     # by position, not by the filter
    assert f'/review/es/{SLUG}/{previous.id}?state=untranslated' in before
    assert "James Gross" in after and f"/review/es/{SLUG}/{following.id}" in after
    assert 'class="chip chip-open" dir="ltr"' in after


def test_the_queue_shows_the_title_text_not_entities_and_machine_drafts_apart(client_as, local, ws):
    assert main(["--root", str(ws), "draft", "--lang", "es", "--limit", "3"]) == 0   # pseudo, as configured
    prepare(local, "The evidence", text="Las pruebas", user="tina")
    client = client_as("rita")
    page = client.get(f"/review/es/{SLUG}").get_data(as_text=True)
    assert "<h1><bdi lang=\"en\" id=\"article-title\">Understanding Emotional Numbness — Causes and Recovery</bdi>" in page
    assert "&amp;amp;" not in page and "Men &amp; Women Emotions" in page   # & shown as &: escaped once, as HTML does
    kicker = page[page.index(f'id="entry-{find(local, "Men &amp; Women").id}"'):]
    kicker = kicker[:kicker.index("</li>")]
    assert "machine draft" in kicker and "pseudo" in kicker
    machine = client.get(f"/review/es/{SLUG}?state=machine").get_data(as_text=True)
    assert machine.count('class="entry ') == 3 and machine.count('class="badge by machine"') == 3
    human = client.get(f"/review/es/{SLUG}?state=human").get_data(as_text=True)
    assert human.count('class="entry ') == 1 and "by <bdi>tina</bdi>" in human
    assert re.search(r'state=review[^"]*"[^>]*>To review <span class="count">4</span>', page)
    dashboard = client.get("/").get_data(as_text=True)
    assert "Understanding Emotional Numbness — Causes and Recovery" in dashboard
    assert f'href="/review/es/{SLUG}?state=machine">3 machine drafts' in dashboard


def test_a_rejection_needs_a_reason_and_the_editor_shows_it(client_as, local, ws):
    item = prepare(local, "The evidence", text="Las pruebas")
    client = client_as("rita")
    before = po_path(ws, "es").read_bytes()
    data = {"csrf_token": csrf_token(client, ANY_PAGE), "action": "reject", "version": item.version}
    refused = client.post(entry_url("es", item.id), data=data)
    assert refused.status_code == 400 and "reason" in refused.get_data(as_text=True)
    assert po_path(ws, "es").read_bytes() == before
    page = client.get(entry_url("es", item.id)).get_data(as_text=True)
    assert 'id="reason" name="reason"' in page and 'value="reject"' in page
    done = client.post(entry_url("es", item.id), data={**data, "reason": "«pruebas» no es el término del glosario"})
    assert done.status_code == 302
    assert find(local, "The evidence").state == "rejected"
    page = client_as("tina").get(entry_url("es", item.id)).get_data(as_text=True)
    rejection = page[page.index('id="rejection"'):page.index("</p>", page.index('id="rejection"'))]
    assert "Rejected by <bdi>rita</bdi>" in rejection and "«pruebas» no es el término del glosario" in rejection
    assert_msgfmt_ok(po_path(ws, "es"))
