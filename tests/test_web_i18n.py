"""The UI in the translator's language: negotiation, the account's choice, right-to-left Arabic, complete catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import REPO, assert_msgfmt_ok
from test_web_support import (  # noqa: F401  (fixtures)
    SLUG, app, client_as, csrf_token, entry_url, find, local, prepare, web_template, ws)

UI = REPO / "web" / "translations"


def choose(client, code: str, url: str = "/"):
    return client.post("/language", data={"csrf_token": csrf_token(client, url), "ui_language": code, "next": url})


@pytest.mark.parametrize("header, lang, says", [
    ("es-ES,es;q=0.9,en;q=0.5", "es", "Iniciar sesión"),
    ("es-MX", "es", "Contraseña"),
    ("ar", "ar", "تسجيل الدخول"),
    ("fr-FR,fr;q=0.9", "en", "Log in"),     # no French UI: English
    ("", "en", "Password"),
])
def test_the_login_page_follows_accept_language(app, header, lang, says):
    page = app.test_client().get("/login", headers={"Accept-Language": header} if header else {})
    text = page.get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in text
    assert says in text


def test_the_accounts_choice_wins_over_the_browser_and_is_kept(client_as, local):
    client = client_as("tina")
    response = choose(client, "es", f"/review/es/{SLUG}")
    assert response.status_code == 302 and response.headers["Location"] == f"/review/es/{SLUG}"
    assert local.store.user("tina").ui_language == "es"
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page and "Panel" in page and "Cerrar sesión" in page
    assert '<option value="es" lang="es" selected>' in page
    assert choose(client, "").status_code == 302                   # back to the browser's language
    assert local.store.user("tina").ui_language is None
    assert '<html lang="en"' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_an_unknown_ui_language_falls_back_to_the_browser(client_as, local):
    client = client_as("tina")
    assert choose(client, "xx-<script>").status_code == 302
    assert local.store.user("tina").ui_language is None


def test_a_visitor_can_choose_before_logging_in(app):
    client = app.test_client()
    assert choose(client, "es", "/login").status_code == 302
    assert "Iniciar sesión" in client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_arabic_is_laid_out_right_to_left(client_as, local):
    client = client_as("lina")
    choose(client, "ar")
    item = find(local, "The evidence", "ar")
    page = client.get(entry_url("ar", item.id)).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "الترجمة" in page and "حفظ" in page                    # translated UI strings
    css = (REPO / "web" / "static" / "style.css").read_text(encoding="utf-8")
    assert "margin-left" not in css and "padding-right" not in css and "text-align: left" not in css


def test_states_and_counts_are_translated_in_spanish_pages(client_as, local):
    prepare(local, "The evidence", text="Las pruebas")
    client = client_as("rita")
    choose(client, "es")
    queue = client.get(f"/review/es/{SLUG}").get_data(as_text=True)
    assert "por revisar" in queue and "sin traducir" in queue and "Por revisar" in queue
    editor = client.get(entry_url("es", find(local, "The evidence").id)).get_data(as_text=True)
    assert "Aprobar" in editor and "Guardar" in editor and "Historial" in editor


def test_a_flash_after_an_action_is_in_the_ui_language(client_as, local):
    from test_web_support import post_action
    client = client_as("tina")
    choose(client, "es")
    response = post_action(client, "es", find(local, "The evidence"), "save", text="Las pruebas")
    assert "Guardado: la traducción queda por revisar." in client.get(response.headers["Location"]).get_data(
        as_text=True)


# -- the catalogs of the UI ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The template as the code says today, extracted with the documented command."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(REPO / "babel.cfg"), "-o", str(out),
                                str(REPO / "web"), str(REPO / "localize")])
    return out


def _key(value):
    return value if isinstance(value, str) else tuple(value)


def _done(message) -> bool:
    return bool(message.string) and (isinstance(message.string, str) or all(message.string))


def _ids(path: Path) -> set:
    with path.open("rb") as f:
        return {_key(m.id) for m in read_po(f) if m.id}


def test_the_template_matches_the_code(extracted):
    assert _ids(extracted) == _ids(UI / "messages.pot"), "run pybabel extract (see babel.cfg)"


def test_spanish_is_complete(extracted):
    with (UI / "es" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="es")
    translated = {}
    for m in catalog:
        if not m.id:
            continue
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert "fuzzy" not in m.flags, m.id
        assert all(strings), f"not translated into Spanish: {m.id!r}"
        translated[_key(m.id)] = strings
    missing = _ids(extracted) - set(translated)
    assert not missing, f"in the code, not in es/messages.po: {sorted(map(str, missing))}"


@pytest.mark.parametrize("lang", ["es", "ar"])
def test_compiled_catalogs_match_their_sources(lang):
    folder = UI / lang / "LC_MESSAGES"
    assert_msgfmt_ok(folder / "messages.po")
    with (folder / "messages.po").open("rb") as f:
        source = {(m.context, _key(m.id)): _key(m.string) for m in read_po(f) if m.id and _done(m)}
    with (folder / "messages.mo").open("rb") as f:
        compiled = {(m.context, _key(m.id)): _key(m.string) for m in read_mo(f) if m.id}
    assert {k: compiled.get(k) for k in source} == source, f"run pybabel compile -d web/translations ({lang})"
    for key in compiled.keys() - source.keys():   # an untranslated plural is compiled as its English forms
        assert set(_key(compiled[key])) <= set(_key(key[1])), key


def test_arabic_is_partly_translated_with_its_six_plural_forms():
    with (UI / "ar" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="ar")
    assert catalog.num_plurals == 6
    done = [m for m in catalog if m.id and _done(m)]
    assert len(done) >= 60
