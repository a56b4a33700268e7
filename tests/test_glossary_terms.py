"""The glossary as a file of record changed by tools: terms added, changed and removed with the file's comments
kept, forbidden translations checked, and TBX out and in.

Outside referees: the TBX core structure DTD (TBXcoreStructV02.dtd, ISO 30042 as OpenXLIFF ships it, in
tests/schemas/tbx) validates what we write; Translate Toolkit's TBX reader reads it, and what its csv2tbx
writes we read.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import SEED, snapshot
from localize import glossary

REPO = Path(__file__).resolve().parent.parent
SLUG = "emotional-numbness"


@pytest.fixture
def ws(tmp_path: Path, run) -> Path:
    root = tmp_path / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ca"]\n',
                                         encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    shutil.copy(REPO / "glossary.toml", root / "glossary.toml")
    assert run("extract", cwd=root).code == 0
    assert run("update", cwd=root).code == 0
    return root


def test_terms_are_added_changed_and_removed_keeping_the_files_comments(ws):
    path = ws / "glossary.toml"
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    glossary.set_term(path, "es", "forbidden", "emotional numbness", "anestesia emocional")
    glossary.set_term(path, "es", "forbidden", "emotional numbness", "insensibilidad  emocional")   # spaces folded
    glossary.set_term(path, "es", "keep", "Acme Pro")
    glossary.set_term(path, "es", "required", "alexithymia", "alexitimia (TAS-20)")
    found = glossary.set_term(path, "de", "required", "alexithymia", "Alexithymie")
    assert ("forbidden", "emotional numbness", "insensibilidad emocional") in found.terms("es")
    assert ("keep", "Acme Pro", "Acme Pro") in found.terms("es")
    assert found.required("es")["alexithymia"] == "alexitimia (TAS-20)"
    assert found.required("de-AT") == {"alexithymia": "Alexithymie"}   # a regional variant: its language's
    text = path.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("#")] == comments   # the file's own words stay
    assert glossary.from_table(tomllib.loads(text)) == found                           # and it reads back the same

    found = glossary.remove_term(path, "es", "forbidden", "emotional numbness", "anestesia emocional")
    assert found.forbidden_for("es") == {"emotional numbness": ("insensibilidad emocional",)}
    found = glossary.remove_term(path, "es", "forbidden", "emotional numbness", "insensibilidad emocional")
    assert found.forbidden_for("es") == {} and "forbidden" not in tomllib.loads(path.read_text(encoding="utf-8"))
    found = glossary.remove_term(path, "de", "required", "alexithymia")
    assert "de" not in found.translations


@pytest.mark.parametrize("change, said", [
    (lambda p: glossary.set_term(p, "es", "forbidden", "alexithymia", "alexitimia"), "both required and forbidden"),
    (lambda p: glossary.set_term(p, "es", "required", "  ", "x"), "cannot be empty"),
    (lambda p: glossary.set_term(p, "es", "required", "x" * 201, "x"), "longer than 200"),
    (lambda p: glossary.set_term(p, "not a tag!", "required", "a", "b"), "not a"),
    (lambda p: glossary.set_term(p, "es", "banned", "a", "b"), "no kind of term"),
    (lambda p: glossary.remove_term(p, "es", "required", "no such term"), "no required term"),
])
def test_a_refused_change_names_the_problem_and_leaves_the_file_as_it_was(ws, change, said):
    from localize.errors import LocalizeError

    path = ws / "glossary.toml"
    before = path.read_bytes()
    with pytest.raises(LocalizeError) as refused:
        change(path)
    assert said in str(refused.value)
    assert path.read_bytes() == before


def test_a_forbidden_translation_is_a_glossary_warning(ws, run):
    glossary.set_term(ws / "glossary.toml", "es", "forbidden", "emotional numbness", "anestesia emocional")
    po_file = ws / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"
    cat = polib.pofile(str(po_file), wrapwidth=0)
    unit = next(e for e in cat if "emotional numbness" in e.msgid.lower() and "<" not in e.msgid)
    unit.msgstr = "La anestesia emocional, o entumecimiento emocional, " + unit.msgid
    unit.flags = []
    cat.save(str(po_file))
    result = run("check", "--lang", "es", "--format", "json", cwd=ws)
    import json

    found = [p for p in json.loads(result.out) if p["check"] == "glossary"]
    assert any('"emotional numbness" must not be "anestesia emocional"' in p["message"] for p in found)
    assert all(p["severity"] == "warning" for p in found)


def test_tbx_export_is_valid_tbx_that_translate_toolkit_reads(ws, run, tmp_path):
    from translate.storage import tbx as tt_tbx

    glossary.set_term(ws / "glossary.toml", "es", "forbidden", "emotional numbness", "anestesia emocional")
    out = tmp_path / "terms.tbx"
    assert run("glossary", "export", "-o", out, cwd=ws).code == 0
    dtd = etree.DTD(str(REPO / "tests" / "schemas" / "tbx" / "TBXcoreStructV02.dtd"))
    document = etree.parse(str(out))
    assert dtd.validate(document), dtd.error_log.filter_from_errors()
    store = tt_tbx.tbxfile.parsefile(str(out))
    sources = [str(u.source) for u in store.units]
    terms = glossary.load(ws / "glossary.toml")
    assert sorted(sources) == sorted([*terms.keep, *{t for lang in terms.translations.values() for t in lang}])
    entry = document.xpath("//termEntry[langSet/tig/term='emotional numbness']")[0]
    spanish = {tig.findtext("term"): tig.findtext("termNote") for tig in entry.xpath("langSet[@xml:lang='es']/tig")}
    assert spanish == {"entumecimiento emocional": "preferredTerm-admn-sts",
                       "anestesia emocional": "deprecatedTerm-admn-sts"}


def test_tbx_round_trip_into_an_empty_glossary_gives_the_same_glossary(ws, run, tmp_path):
    glossary.set_term(ws / "glossary.toml", "es", "forbidden", "emotional numbness", "anestesia emocional")
    glossary.set_term(ws / "glossary.toml", "ca", "keep", "Acme Pro")
    out = tmp_path / "terms.tbx"
    assert run("glossary", "export", "-o", out, cwd=ws).code == 0
    other = tmp_path / "other"
    other.mkdir()
    (other / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\n', encoding="utf-8")
    result = run("glossary", "import", out, cwd=other)
    assert result.code == 0, result.err
    assert glossary.load(other / "glossary.toml") == glossary.load(ws / "glossary.toml")


def test_a_termbase_from_translate_toolkits_csv2tbx_comes_in_as_required_translations(ws, run, tmp_path):
    """csv2tbx writes terms without a status, and the target language as "xx" (it has no option for it): named
    as a user would name it, its terms come in as required translations; with another --lang, nothing does."""
    table = tmp_path / "terms.csv"
    table.write_text('"source","target"\n"burnout","agotamiento"\n"rumination","rumiación"\n', encoding="utf-8")
    made = tmp_path / "terms.tbx"
    done = subprocess.run([str(Path(sys.executable).parent / "csv2tbx"), "--progress=none", str(table), str(made)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    made.write_text(made.read_text(encoding="utf-8").replace('xml:lang="xx"', 'xml:lang="es"'), encoding="utf-8")
    before = (ws / "glossary.toml").read_bytes()
    result = run("glossary", "import", made, "--lang", "ca", cwd=ws)
    assert result.code != 0 and "no term with a en term and its translation in ca" in result.err
    assert (ws / "glossary.toml").read_bytes() == before
    result = run("glossary", "import", made, "--lang", "es", cwd=ws)
    assert result.code == 0 and "2 terms" in result.out
    found = glossary.load(ws / "glossary.toml")
    assert found.required("es")["burnout"] == "agotamiento" and found.required("es")["rumination"] == "rumiación"
    assert found.required("es")["alexithymia"] == "alexitimia"   # what the file had stays


HOSTILE = {
    "entities": ('<?xml version="1.0"?><!DOCTYPE martif [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                 '<martif type="TBX-Basic"><text><body><termEntry><langSet xml:lang="en"><tig><term>&b;</term></tig>'
                 '</langSet></termEntry></body></text></martif>', "DTD or entity"),
    "not XML": ("<martif><text>", "not well-formed"),
    "another vocabulary": ('<?xml version="1.0"?><tmx version="1.4"/>', "not a TBX document"),
    "nothing usable": ('<martif type="TBX-Basic"><text><body><termEntry><langSet xml:lang="de"><tig><term>Haus</term>'
                       '</tig></langSet></termEntry></body></text></martif>', "no term with a en term"),
    "both required and forbidden": (
        '<martif type="TBX-Basic"><text><body><termEntry><langSet xml:lang="en"><tig><term>alexithymia</term></tig>'
        '</langSet><langSet xml:lang="es"><tig><term>alexitimia</term><termNote type="administrativeStatus">'
        'deprecatedTerm-admn-sts</termNote></tig></langSet></termEntry></body></text></martif>',
        "both required and forbidden"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_or_useless_termbase_is_refused_and_the_glossary_stays(ws, run, tmp_path, case):
    text, said = HOSTILE[case]
    path = tmp_path / "bad.tbx"
    path.write_text(text, encoding="utf-8")
    before = snapshot(ws)
    result = run("glossary", "import", path, cwd=ws)
    assert result.code != 0 and said in result.err and "Traceback" not in result.err
    assert snapshot(ws) == before
