"""Uploading a catalog (review UI and API) and the stored suggestions it makes of conflicts.

An upload goes through the checks of ``localize import``: a malformed file gets a
4xx naming the problem and the line, and no stored catalog changes. Its
translations come in as needing review; one that would replace approved work,
or work done since the file was downloaded (or, for a file that was not, another
person's work), becomes a stored suggestion, which a reviewer accepts (an
approval, with its version check and four eyes) or dismisses. The history
records all of it and replays to the catalog; GNU msgfmt --check judges every
catalog written.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import re
import subprocess
import time
from pathlib import Path

import polib
import pytest
from markupsafe import escape

from conftest import assert_msgfmt_ok, snapshot
from history_replay import replay_problems, states
from localize.cli import main
from localize.jobs import MAX_UPLOAD, REVISION
from localize.review import entry_id
from test_web_support import (  # noqa: F401  (fixtures)
    ANY_PAGE, SLUG, app, client_as, csrf_token, entry_url, find, local, po_path, post_action, prepare,
    web_template, ws)

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile" / "catalogs"
WORDS = {"The evidence": "Las pruebas", "Why this happens": "Por qué pasa", "The nuance": "El matiz"}


def token(local, name: str) -> dict:
    return {"Authorization": f"Bearer {local.store.new_token(name, 'upload tests')}"}


def api_upload(client, headers: dict, data: bytes, *, lang: str = "es", name: str = f"{SLUG}.po", slug: str = SLUG):
    return client.post(f"/api/{lang}/{slug}/catalog", headers=headers,
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def form_upload(client, data: bytes, *, lang: str = "es", name: str = f"{SLUG}.po", csrf: str | None = "page"):
    form = {"file": (io.BytesIO(data), name)}
    if csrf == "page":
        csrf = csrf_token(client, f"/review/{lang}/{SLUG}")
    if csrf:
        form["csrf_token"] = csrf
    return client.post(f"/review/{lang}/{SLUG}/catalog", data=form, content_type="multipart/form-data")


def edited(text: str, changes: dict[str, str]) -> bytes:
    """A downloaded catalog as a PO editor leaves it: some translations changed (polib, an outside tool)."""
    cat = polib.pofile(text, wrapwidth=0)
    for msgid, msgstr in changes.items():
        cat.find(msgid).msgstr = msgstr
    return str(cat).encode("utf-8")


def block(path: Path, msgid: str) -> str:
    """The lines of one entry in a catalog file, as written."""
    for part in path.read_text(encoding="utf-8").split("\n\n"):
        if f'\nmsgid "{msgid}"' in "\n" + part:
            return part
    raise AssertionError(f"no entry {msgid!r} in {path}")


def entry(path: Path, msgid: str) -> polib.POEntry:
    return polib.pofile(str(path), wrapwidth=0).find(msgid)


def assert_replays(local, root: Path, start: dict, since: int, lang: str = "es") -> None:
    changes = [c for c in local.store.history(lang, SLUG, since=since)]
    problems = replay_problems(changes, start, states(po_path(root, lang)))
    assert not problems, "\n".join(problems[:10])


# -- the queue's form ---------------------------------------------------------------------------------

def test_the_queue_page_offers_a_download_and_an_upload_form_with_a_csrf_token(client_as):
    page = client_as("tina").get(f"/review/es/{SLUG}").get_data(as_text=True)
    form = re.search(r'<form id="upload-form"[^>]*>.*?</form>', page, re.S)
    assert form, "no upload form on the queue page"
    assert 'enctype="multipart/form-data"' in form.group(0) and 'type="file"' in form.group(0)
    assert 'name="csrf_token"' in form.group(0)
    assert f'href="/review/es/{SLUG}/catalog"' in page


def test_an_upload_without_the_csrf_token_is_refused_and_changes_nothing(client_as, ws):
    client = client_as("tina")
    before = snapshot(ws / "locales")
    good = edited(po_path(ws, "es").read_text(encoding="utf-8"), {"The evidence": "Las pruebas"})
    for csrf in (None, "not-the-token"):
        response = form_upload(client, good, csrf=csrf)
        assert response.status_code == 400, response.status_code
    assert snapshot(ws / "locales") == before


def test_downloaded_edited_and_uploaded_through_the_form(client_as, local, ws):
    client = client_as("tina")
    start, since = states(po_path(ws, "es")), local.store.last_change()
    download = client.get(f"/review/es/{SLUG}/catalog")
    assert download.status_code == 200 and download.mimetype == "text/x-gettext-translation"
    assert f'filename="{SLUG}.po"' in download.headers["Content-Disposition"]
    text = download.get_data(as_text=True)
    assert f'"{REVISION}: {since}\\n"' in text
    response = form_upload(client, edited(text, WORDS))
    assert response.status_code == 302 and response.headers["Location"] == f"/review/es/{SLUG}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Uploaded {SLUG}.po: 3 updated" in page
    for msgid, msgstr in WORDS.items():
        found = entry(po_path(ws, "es"), msgid)
        assert found.msgstr == msgstr and "fuzzy" in found.flags   # an upload is work to review
    assert REVISION not in po_path(ws, "es").read_text(encoding="utf-8")
    assert_msgfmt_ok(po_path(ws, "es"))
    rows = local.store.history("es", SLUG, since=since)
    assert sorted((c.action, c.user, c.new_msgstr, c.new_state) for c in rows) == sorted(
        ("upload", "tina", msgstr, "needs review") for msgstr in WORDS.values())
    assert_replays(local, ws, start, since)


def test_downloaded_as_xliff_translated_in_a_cat_tool_and_uploaded_through_the_form(app, client_as, local, ws):
    """The queue page's XLIFF link gives the catalog as XLIFF 2.0; translated as a CAT tool would (targets
    filled in, states set to translated) and uploaded through the same form (and the API), its translations
    are the uploader's saves, needing review; an XLIFF whose unit is not the article's changes nothing."""
    from lxml import etree

    client = client_as("tina")
    assert f'href="/review/es/{SLUG}/catalog.xlf"' in client.get(f"/review/es/{SLUG}").get_data(as_text=True)
    start, since = states(po_path(ws, "es")), local.store.last_change()
    download = client.get(f"/review/es/{SLUG}/catalog.xlf")
    assert download.status_code == 200 and download.mimetype == "application/xliff+xml"
    assert f'filename="{SLUG}.es.xlf"' in download.headers["Content-Disposition"]
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    root = etree.fromstring(download.data)
    for segment in root.iter(ns + "segment"):
        source = segment.findtext(ns + "source")
        if source in WORDS:
            target = segment.find(ns + "target")
            if target is None:
                target = etree.SubElement(segment, ns + "target")
            target.text = WORDS[source]
            segment.set("state", "translated")
            segment.attrib.pop("subState", None)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    response = form_upload(client, data, name=f"{SLUG}.es.xlf")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Uploaded {SLUG}.es.xlf: 3 updated" in page
    for msgid, msgstr in WORDS.items():
        found = entry(po_path(ws, "es"), msgid)
        assert found.msgstr == msgstr and "fuzzy" in found.flags
    assert_msgfmt_ok(po_path(ws, "es"))
    rows = local.store.history("es", SLUG, since=since)
    assert sorted((c.action, c.user, c.new_msgstr) for c in rows) == sorted(
        ("upload", "tina", msgstr) for msgstr in WORDS.values())
    assert_replays(local, ws, start, since)

    before = snapshot(ws / "locales")
    foreign = data.replace(b'<unit id="u', b'<unit id="ux', 1)
    response = api_upload(app.test_client(), token(local, "tina"), foreign, name="cat.xlf")
    assert response.status_code == 400 and "is no entry of the article" in response.get_json()["error"]
    response = form_upload(client, b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>', name="x.xlf")
    assert response.status_code == 400 and "DTD" in response.get_data(as_text=True)
    assert snapshot(ws / "locales") == before


def test_a_malformed_upload_gets_400_naming_the_problem_and_line_through_both_doors(app, client_as, local, ws):
    before = snapshot(ws / "locales")
    bad = b'msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "The nuance"\nmsgstr "El mat\n'
    response = form_upload(client_as("tina"), bad, name="mine.po")
    assert response.status_code == 400
    assert "mine.po:6: unterminated string" in response.get_data(as_text=True)
    response = api_upload(app.test_client(), token(local, "tina"), bad, name="mine.po")
    assert response.status_code == 400 and "mine.po:6: unterminated string" in response.get_json()["error"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert snapshot(ws / "locales") == before


# -- what an upload may overwrite ------------------------------------------------------------------

def test_an_upload_keeps_approved_work_and_work_done_since_the_download_as_suggestions(app, client_as, local, ws):
    approved = prepare(local, "The evidence", text="Las pruebas")                       # by sam
    local.review.act(local.store.user("rita"), "es", SLUG, approved.id, "approve", based_on=approved.version)
    prepare(local, "Why this happens", text="Por qué ocurre")                            # sam, before the copy
    prepare(local, "The mechanism", text="El mecanismo")
    client = app.test_client()
    tina = token(local, "tina")
    start, since = states(po_path(ws, "es")), local.store.last_change()
    copy = client.get(f"/api/es/{SLUG}/catalog", headers=tina).get_data(as_text=True)
    prepare(local, "The nuance", text="El matiz", user="rafa")                           # after the copy
    prepare(local, "The mechanism", text="El mecanismo causal", user="rafa")             # tina leaves it be
    approved_block = block(po_path(ws, "es"), "The evidence")

    upload = edited(copy, {"The evidence": "Las evidencias", "Why this happens": "Por qué sucede",
                           "The nuance": "La sutileza", "What the research actually shows": "Lo que muestra la investigación"})
    response = api_upload(client, tina, upload)
    assert response.status_code == 200, response.get_data(as_text=True)
    report = response.get_json()
    assert report["updated"] == 2 and report["conflicts"] == ["The evidence"] and report["changed"] == ["The nuance"]
    assert len(report["suggestions"]) == 2

    path = po_path(ws, "es")
    assert block(path, "The evidence") == approved_block                    # approved work: byte-identical
    assert entry(path, "The nuance").msgstr == "El matiz"                   # rafa's save after the copy stays
    assert entry(path, "The mechanism").msgstr == "El mecanismo causal"     # not edited in the copy: no conflict
    assert entry(path, "Why this happens").msgstr == "Por qué sucede"       # unchanged since the copy: replaced
    assert entry(path, "What the research actually shows").msgstr == "Lo que muestra la investigación"
    assert_msgfmt_ok(path)
    kept = {s.msgid: s for s in local.store.suggestions("es", SLUG)}
    assert {m: (s.text, s.user, s.origin, s.status) for m, s in kept.items()} == {
        "The evidence": ("Las evidencias", "tina", "upload", "open"),
        "The nuance": ("La sutileza", "tina", "upload", "open")}
    actions = sorted((c.action, c.msgid) for c in local.store.history("es", SLUG, since=since) if c.user == "tina")
    assert actions == [("suggest", "The evidence"), ("suggest", "The nuance"),
                       ("upload", "What the research actually shows"), ("upload", "Why this happens")]
    assert_replays(local, ws, start, since)

    again = api_upload(client, tina, upload)                                 # the same file again: nothing new
    assert again.get_json()["updated"] == 0 and len(local.store.suggestions("es", SLUG)) == 2


def test_a_file_that_was_not_downloaded_here_does_not_replace_another_persons_work(app, local, ws):
    prepare(local, "The evidence", text="Las pruebas")                      # sam's work
    prepare(local, "The nuance", text="El matiz", user="tina")              # tina's own
    assert main(["--root", str(ws), "draft", "--lang", "es", "--engine", "pseudo", "--slug", SLUG]) == 0
    start, since = states(po_path(ws, "es")), local.store.last_change()
    outside = edited(po_path(ws, "es").read_text(encoding="utf-8"),         # a copy from the disk: no revision
                     {"The evidence": "Las evidencias", "The nuance": "La sutileza",
                      "Why this happens": "Por qué pasa"})                  # over a machine draft
    response = api_upload(app.test_client(), token(local, "tina"), outside)
    report = response.get_json()
    assert response.status_code == 200 and report["changed"] == ["The evidence"] and report["updated"] == 2
    path = po_path(ws, "es")
    assert entry(path, "The evidence").msgstr == "Las pruebas"
    assert entry(path, "The nuance").msgstr == "La sutileza"
    found = entry(path, "Why this happens")
    assert found.msgstr == "Por qué pasa" and "draft:" not in (found.tcomment or "")   # the upload's, not a draft
    assert [s.msgid for s in local.store.suggestions("es", SLUG)] == ["The evidence"]
    assert_replays(local, ws, start, since)


def test_a_revision_this_server_never_handed_out_is_refused(app, local, ws):
    before = snapshot(ws / "locales")
    text = po_path(ws, "es").read_text(encoding="utf-8").replace(
        '"Content-Type:', f'"{REVISION}: {local.store.last_change() + 1000}\\n"\n"Content-Type:', 1)
    response = api_upload(app.test_client(), token(local, "tina"), edited(text, WORDS))
    assert response.status_code == 400 and REVISION in response.get_json()["error"]
    assert snapshot(ws / "locales") == before


def test_cli_import_keeps_its_conflicts_as_suggestions_where_there_is_a_store(local, ws, capsys):
    approved = prepare(local, "The evidence", text="Las pruebas")
    local.review.act(local.store.user("rita"), "es", SLUG, approved.id, "approve", based_on=approved.version)
    prepare(local, "The nuance", text="El matiz", user="tina")
    outside = ws.parent / f"{SLUG}.po"
    outside.write_bytes(edited(po_path(ws, "es").read_text(encoding="utf-8"),
                               {"The evidence": "Las evidencias", "The nuance": "La sutileza"}))
    start, since = states(po_path(ws, "es")), local.store.last_change()
    capsys.readouterr()
    assert main(["--root", str(ws), "import", "--lang", "es", str(outside)]) == 1
    err = capsys.readouterr().err
    assert "approved translation kept for 'The evidence'" in err
    assert "changed since this file was taken, kept for 'The nuance'" in err
    assert "2 of the file's translations kept as suggestions" in err
    assert {(s.msgid, s.text, s.origin) for s in local.store.suggestions("es", SLUG)} == {
        ("The evidence", "Las evidencias", "import"), ("The nuance", "La sutileza", "import")}
    assert entry(po_path(ws, "es"), "The evidence").msgstr == "Las pruebas"
    assert entry(po_path(ws, "es"), "The nuance").msgstr == "El matiz"
    assert_replays(local, ws, start, since)


# -- QA marks in an uploaded file ------------------------------------------------------------------

LEVANT_ES = ('El entumecimiento también se solapa con la <em>alexitimia</em>: la dificultad para identificar y '
             'poner palabras a los propios sentimientos. Ronald Lévant y sus colegas <a href="#ref-1">(2009)</a> '
             'describen cómo la socialización, en particular las normas masculinas tradicionales que desalientan la '
             'expresión emocional, puede fomentar una forma más leve de esto en algunos hombres, en quienes la '
             'conexión entre la sensación corporal y la emoción nombrada es débil. No es que no se sienta nada, '
             'sino que el sentimiento no llega con claridad a la conciencia.')


def marked(text: str) -> bytes:
    """A downloaded catalog with an override of the citations check and an ignored warning, as a PO editor writes them."""
    cat = polib.pofile(text, wrapwidth=0)
    levant = next(e for e in cat if e.msgid.startswith("Numbness also overlaps"))
    levant.msgstr, levant.tcomment = LEVANT_ES, "qa-override citations: the Spanish edition spells it Lévant"
    evidence = cat.find("The evidence")
    evidence.msgstr = "Las  pruebas"
    evidence.flags.append("ignore-double-space")
    return str(cat).encode("utf-8")


def test_an_uploaded_override_counts_only_from_a_reviewer_and_the_history_shows_it(app, local, ws):
    client = app.test_client()
    tina, rita = token(local, "tina"), token(local, "rita")
    start, since = states(po_path(ws, "es")), local.store.last_change()
    data = marked(client.get(f"/api/es/{SLUG}/catalog", headers=tina).get_data(as_text=True))

    by_translator = api_upload(client, tina, data).get_json()
    assert by_translator["updated"] == 2
    assert by_translator["overrides"] == ["[double-space] The evidence"]
    assert len(by_translator["overrides_refused"]) == 1
    assert by_translator["overrides_refused"][0].startswith("[citations] Numbness also overlaps")
    assert by_translator["overrides_refused"][0].endswith("only a reviewer overrides a check")
    path = po_path(ws, "es")
    levant = find(local, "Numbness also overlaps")
    assert levant.msgstr == LEVANT_ES and [p.check for p in levant.errors] == ["citations"] and levant.overrides == ()
    assert find(local, "The evidence").problems == () and "ignore-double-space" in entry(path, "The evidence").flags
    assert_msgfmt_ok(path)

    by_reviewer = api_upload(client, rita, data).get_json()
    assert by_reviewer["updated"] == 0 and by_reviewer["overrides_refused"] == []
    assert by_reviewer["overrides"] == [f"[citations] {levant.msgid[:59]}…"]
    levant = find(local, "Numbness also overlaps")
    assert levant.errors == [] and dict(levant.overrides) == {"citations": "the Spanish edition spells it Lévant"}
    rows = [(c.user, c.action, c.note) for c in local.store.history("es", SLUG, since=since)
            if c.action in ("override", "ignore")]
    assert rows == [("tina", "ignore", "double-space"),
                    ("rita", "override", "citations: the Spanish edition spells it Lévant")]
    assert_msgfmt_ok(path)
    assert_replays(local, ws, start, since)
    done = local.review.act(local.store.user("rafa"), "es", SLUG, levant.id, "approve", based_on=levant.version)
    assert done.state == "approved"
    # a new text through an upload: the override was for the old one
    again = edited(client.get(f"/api/es/{SLUG}/catalog", headers=rita).get_data(as_text=True), {})
    cat = polib.pofile(again.decode("utf-8"), wrapwidth=0)
    next(e for e in cat if e.msgid.startswith("Numbness also overlaps")).tcomment = ""
    cat.find("The evidence").msgstr, cat.find("The evidence").flags = "Las  pruebas, otra vez", ["fuzzy"]
    api_upload(client, tina, str(cat).encode("utf-8"))
    assert find(local, "The evidence").ignored == () and "ignore-double-space" not in entry(path, "The evidence").flags


# -- stored suggestions: shown, accepted, dismissed -------------------------------------------------

def suggested(local, msgid: str, text: str, user: str = "tina"):
    item = find(local, msgid)
    return local.review.suggest(local.store.user(user), "es", SLUG, item.id, text)


def test_the_editor_shows_suggestions_and_a_reviewer_accepts_one_as_an_approval(client_as, local, ws):
    made = suggested(local, "The evidence", "Las evidencias")
    item = find(local, "The evidence")
    start, since = states(po_path(ws, "es")), local.store.last_change()
    translator = client_as("tina").get(entry_url("es", item.id)).get_data(as_text=True)
    assert "Las evidencias" in translator and 'value="dismiss"' in translator   # the author may withdraw it
    assert 'value="accept"' not in translator
    reviewer = client_as("rita")
    page = reviewer.get(entry_url("es", item.id)).get_data(as_text=True)
    assert "Las evidencias" in page and 'value="accept"' in page

    url = f"/review/es/{SLUG}/suggestions/{made.id}"
    stale = reviewer.post(url, data={"csrf_token": csrf_token(reviewer, ANY_PAGE), "action": "accept",
                                     "version": "0" * 12})
    assert stale.status_code == 409 and entry(po_path(ws, "es"), "The evidence").msgstr == ""
    assert reviewer.post(url, data={"action": "accept", "version": item.version}).status_code == 400   # no CSRF
    done = reviewer.post(url, data={"csrf_token": csrf_token(reviewer, ANY_PAGE), "action": "accept",
                                    "version": item.version})
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    found = entry(po_path(ws, "es"), "The evidence")
    assert found.msgstr == "Las evidencias" and "fuzzy" not in found.flags
    assert_msgfmt_ok(po_path(ws, "es"))
    assert local.store.suggestion(made.id).status == "accepted"
    last = local.store.history("es", SLUG, item.id)[-1]
    assert (last.action, last.user, last.suggestion, last.new_state) == ("approve", "rita", made.id, "approved")
    assert local.review.author("es", SLUG, item.id, "Las evidencias") == "tina"
    again = reviewer.post(url, data={"csrf_token": csrf_token(reviewer, ANY_PAGE), "action": "accept",
                                     "version": find(local, "The evidence").version})
    assert again.status_code == 409
    assert_replays(local, ws, start, since)


def test_a_reviewer_does_not_accept_their_own_suggestion(client_as, local, ws):
    made = suggested(local, "The evidence", "Las evidencias", user="rita")
    item = find(local, "The evidence")
    client = client_as("rita")
    response = client.post(f"/review/es/{SLUG}/suggestions/{made.id}",
                           data={"csrf_token": csrf_token(client, ANY_PAGE), "action": "accept",
                                 "version": item.version})
    assert response.status_code == 403 and entry(po_path(ws, "es"), "The evidence").msgstr == ""
    assert local.store.suggestion(made.id).status == "open"


def test_suggestions_through_the_api(app, local, ws):
    client = app.test_client()
    tina, tomas, rafa = token(local, "tina"), token(local, "tomas"), token(local, "rafa")
    item = find(local, "Why this happens")
    start, since = states(po_path(ws, "es")), local.store.last_change()
    made = client.post(f"/api/es/{SLUG}/entries/{item.id}/suggestions", headers=tina, json={"text": "Por qué pasa"})
    assert made.status_code == 201
    ident = made.get_json()["suggestion"]["id"]
    assert client.post(f"/api/es/{SLUG}/entries/{item.id}/suggestions", headers=tomas,
                       json={"text": "x"}).status_code == 403                            # not his language
    shown = client.get(f"/api/es/{SLUG}/entries/{item.id}", headers=rafa).get_json()
    assert [s["text"] for s in shown["suggested"]] == ["Por qué pasa"] and shown["entry"]["msgstr"] == ""
    listed = client.get(f"/api/es/{SLUG}/suggestions", headers=rafa).get_json()["suggestions"]
    assert [(s["id"], s["user"]) for s in listed] == [(ident, "tina")]
    other = client.post(f"/api/es/{SLUG}/entries/{item.id}/suggestions", headers=tina, json={"text": "Por qué"})
    assert client.post(f"/api/es/{SLUG}/suggestions/{other.get_json()['suggestion']['id']}", headers=tina,
                       json={"action": "dismiss"}).status_code == 200                    # its author withdraws it
    accepted = client.post(f"/api/es/{SLUG}/suggestions/{ident}", headers=rafa,
                           json={"action": "accept", "version": item.version})
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["entry"]["state"] == "approved"
    assert entry(po_path(ws, "es"), "Why this happens").msgstr == "Por qué pasa"
    assert client.get(f"/api/es/{SLUG}/suggestions", headers=rafa).get_json()["suggestions"] == []
    actions = [(c.action, c.user) for c in local.store.history("es", SLUG, item.id, since=since)]
    assert actions == [("suggest", "tina"), ("suggest", "tina"), ("dismiss", "tina"), ("approve", "rafa")]
    assert_replays(local, ws, start, since)


def test_a_translator_dismisses_only_their_own_suggestion(app, local):
    made = suggested(local, "The evidence", "Las evidencias", user="sam")
    response = app.test_client().post(f"/api/es/{SLUG}/suggestions/{made.id}", headers=token(local, "tina"),
                                      json={"action": "dismiss"})
    assert response.status_code == 403 and local.store.suggestion(made.id).status == "open"


# -- limits, rights, a busy catalog --------------------------------------------------------------

def test_an_upload_over_the_size_limit_gets_413_with_a_clear_message(app, client_as, local, ws):
    before = snapshot(ws / "locales")
    huge = b'msgid ""\nmsgstr ""\n\n' + b"# " + b"x" * (MAX_UPLOAD + 10) + b"\n"
    response = api_upload(app.test_client(), token(local, "tina"), huge)
    assert response.status_code == 413 and "larger than" in response.get_json()["error"]
    page = form_upload(client_as("tina"), huge)
    assert page.status_code == 413 and f"larger than {MAX_UPLOAD // 2 ** 20} MB" in page.get_data(as_text=True)
    assert snapshot(ws / "locales") == before


@pytest.mark.parametrize("who, lang, slug, status", [
    ("tomas", "es", SLUG, 403),            # a French translator
    ("tina", "es", "no-such-article", 404),
    ("ed", "de", SLUG, 404),               # not a language of this workspace
    ("tina", "es", SLUG.upper(), 400),     # a slug no article can have
    ("tina", "e" * 300, SLUG, 400),
])
def test_an_upload_where_the_account_may_not_write_changes_nothing(app, local, ws, who, lang, slug, status):
    before = snapshot(ws / "locales")
    data = edited(po_path(ws, "es").read_text(encoding="utf-8"), WORDS)
    response = app.test_client().post(f"/api/{lang}/{slug}/catalog", headers=token(local, who),
                                      data={"file": (io.BytesIO(data), "x.po")}, content_type="multipart/form-data")
    assert response.status_code == status, response.get_data(as_text=True)
    assert snapshot(ws / "locales") == before


def test_an_upload_to_a_catalog_another_process_holds_gets_503_with_retry_after(app, local, ws):
    path = po_path(ws, "es")
    before = path.read_bytes()
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        began = time.monotonic()
        response = api_upload(app.test_client(), token(local, "tina"), edited(path.read_text(encoding="utf-8"), WORDS))
        waited = time.monotonic() - began
    finally:
        os.close(fd)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) >= 1
    assert waited < 10 and path.read_bytes() == before


# -- the hostile corpus ------------------------------------------------------------------------------

def compiled(data: bytes, mo: Path) -> dict:
    """(msgctxt, msgid) → msgstr of every translated singular entry, as GNU msgfmt reads the file."""
    text = data.removeprefix(b"\xef\xbb\xbf")   # msgfmt reads the rest in the charset the file declares
    done = subprocess.run(["msgfmt", "--use-fuzzy", "-o", str(mo), "-"], input=text, capture_output=True)
    assert done.returncode == 0, done.stderr
    return {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(mo)) if e.msgid and not e.msgid_plural}


def corpus(prefix: str) -> list[Path]:
    return sorted(HOSTILE.glob(f"{prefix}-*.po"))


def test_the_hostile_catalogs_are_refused_or_accepted_whole_through_the_upload(app, client_as, local, ws):
    """Every file of the corpus goes to the Spanish catalog, through the API and the queue's form."""
    bad, good = corpus("bad"), corpus("ok")
    assert bad and good, f"no hostile catalogs (bad-*.po, ok-*.po) in {HOSTILE}"
    client = app.test_client()
    headers = token(local, "ed")                       # an editor: every language
    browser = client_as("ed")
    outcomes = {}
    for path in bad:
        data = path.read_bytes()
        before = snapshot(ws / "locales")
        response = api_upload(client, headers, data, name=path.name)
        message = response.get_json().get("error", "")
        assert 400 <= response.status_code < 500, (path.name, response.status_code, message)
        assert "Traceback" not in response.get_data(as_text=True)
        if response.status_code == 400:
            assert re.search(rf"{re.escape(path.name)}:\d+: ", message), (path.name, message)
        page = form_upload(browser, data, name=path.name)
        assert page.status_code == response.status_code, (path.name, page.status_code)
        if page.status_code == 400:
            assert str(escape(message)) in page.get_data(as_text=True), path.name
        assert snapshot(ws / "locales") == before, path.name
        outcomes[path.name] = f"{response.status_code} {message[:100]}"
    for path in good:
        data = path.read_bytes()
        response = api_upload(client, headers, data, name=path.name)
        assert response.status_code == 200, (path.name, response.get_data(as_text=True)[:500])
        assert_msgfmt_ok(po_path(ws, "es"))
        sent, stored = compiled(data, ws / "sent.mo"), compiled(po_path(ws, "es").read_bytes(), ws / "stored.mo")
        ours = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ws / "locales" / f"{SLUG}.pot"), wrapwidth=0)}
        landed = {key: text for key, text in sent.items() if key in ours}
        assert landed and all(stored.get(key) == text for key, text in landed.items()), path.name
        declared = re.search(rb"charset=([\w-]+)", data).group(1).decode()
        utf8 = declared.lower() in ("utf-8", "utf8")
        assert response.get_json()["converted_from"] == (None if utf8 else declared), path.name
        outcomes[path.name] = f"200 {json.dumps({k: len(v) if isinstance(v, list) else v for k, v in response.get_json().items() if k not in ('language', 'article')})}"
    print("\nhostile uploads:\n" + "\n".join(f"  {name}: {how}" for name, how in outcomes.items()))
