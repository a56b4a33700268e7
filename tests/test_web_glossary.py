"""The glossary in the browser's forms: who sees and who changes a language's terms, what a bad change gets,
and that glossary.toml, the file of record, keeps its comments (Flask's test client, CSRF on)."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from conftest import snapshot
from localize import glossary
from test_web_support import (  # noqa: F401  (fixtures)
    app, client_as, csrf_token, local, web_template, ws)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def terms(ws) -> Path:
    shutil.copy(REPO / "glossary.toml", ws / "glossary.toml")
    return ws / "glossary.toml"


def post(client, url: str, **form):
    form["csrf_token"] = csrf_token(client, "/glossary/es")
    return client.post(url, data=form)


def test_everyone_in_a_language_sees_its_terms_and_only_its_reviewers_get_the_forms(client_as, terms):
    page = client_as("tina").get("/glossary/es").get_data(as_text=True)   # a translator
    assert "entumecimiento emocional" in page and "Men Women Psychology" in page
    assert 'id="term-form"' not in page and "Remove" not in page
    reviewer = client_as("rita").get("/glossary/es").get_data(as_text=True)
    assert 'id="term-form"' in reviewer and re.search(r"<button[^>]*>Remove", reviewer)
    assert client_as("tomas").get("/glossary/es").status_code == 403   # French only
    assert client_as("tina").get("/glossary/xx-not-here").status_code == 404
    assert client_as("tina").get("/glossary/").headers["Location"].endswith("/glossary/es")
    tbx = client_as("tina").get("/glossary/es/glossary.tbx")
    assert tbx.status_code == 200 and b"entumecimiento emocional" in tbx.data and b"alexitimia" in tbx.data
    assert b"alexit\xc3\xadmia" not in tbx.data   # Catalan is not in the Spanish file


def test_a_reviewer_adds_changes_and_removes_terms_and_the_file_keeps_its_comments(client_as, terms):
    comments = [line for line in terms.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    rita = client_as("rita")
    response = post(rita, "/glossary/es", kind="forbidden", term="emotional numbness", translation="anestesia emocional")
    assert response.status_code == 303
    assert "Saved the term emotional numbness." in rita.get("/glossary/es").get_data(as_text=True)
    assert post(rita, "/glossary/es", kind="required", term="alexithymia", translation="alexitimia (TAS-20)").status_code == 303
    assert post(rita, "/glossary/es", kind="keep", term="Acme Pro").status_code == 303
    found = glossary.load(terms)
    assert found.forbidden_for("es") == {"emotional numbness": ("anestesia emocional",)}
    assert found.required("es")["alexithymia"] == "alexitimia (TAS-20)" and found.required("es")["Acme Pro"] == "Acme Pro"
    assert [line for line in terms.read_text(encoding="utf-8").splitlines() if line.startswith("#")] == comments
    response = post(rita, "/glossary/es/remove", kind="forbidden", term="emotional numbness",
                    translation="anestesia emocional")
    assert response.status_code == 303 and glossary.load(terms).forbidden_for("es") == {}
    assert "forbidden" not in tomllib.loads(terms.read_text(encoding="utf-8"))


@pytest.mark.parametrize("form, said", [
    ({"kind": "forbidden", "term": "alexithymia", "translation": "alexitimia"}, "both required and forbidden"),
    ({"kind": "required", "term": "burnout", "translation": "  "}, "Give the translation."),
    ({"kind": "sometimes", "term": "burnout", "translation": "x"}, "Choose what kind of term it is."),
    ({"kind": "required", "term": "x" * 300, "translation": "y"}, "longer than 200"),
    ({"kind": "required", "term": "", "translation": "y"}, "cannot be empty"),
])
def test_a_bad_change_gets_400_naming_it_and_the_file_stays(client_as, terms, form, said):
    before = terms.read_bytes()
    response = post(client_as("rita"), "/glossary/es", **form)
    assert response.status_code == 400 and said in response.get_data(as_text=True)
    assert terms.read_bytes() == before


def test_who_may_not_change_terms_gets_403_and_nothing_changes(app, client_as, terms, ws):
    before = snapshot(ws / "locales"), terms.read_bytes()
    assert post(client_as("tina"), "/glossary/es", kind="required", term="a", translation="b").status_code == 403
    assert post(client_as("lina"), "/glossary/es", kind="required", term="a", translation="b").status_code == 403
    client = app.test_client()   # no session: the login page, nothing else
    assert client.post("/glossary/es", data={"kind": "required", "term": "a"}).status_code in (302, 303, 400)
    response = client_as("rita").post("/glossary/es", data={"kind": "required", "term": "a", "translation": "b"})
    assert response.status_code == 400   # no CSRF token
    assert (snapshot(ws / "locales"), terms.read_bytes()) == before


def test_a_term_with_markup_or_quotes_is_text_everywhere(client_as, terms):
    rita = client_as("rita")
    hostile = '<script>alert("x")</script> "quoted"'
    assert post(rita, "/glossary/es", kind="keep", term=hostile).status_code == 303
    page = rita.get("/glossary/es").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert glossary.load(terms).required("es")[hostile] == hostile
