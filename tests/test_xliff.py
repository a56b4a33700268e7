"""XLIFF out and in: what CAT tools read, validated by the OASIS schemas, read by Translate Toolkit, and
brought back through every check of an import.

The schemas in tests/schemas/xliff are the OASIS XLIFF 2.0 core and XLIFF 1.2 strict schemas, with the
W3C xml.xsd they import (copies as OpenXLIFF ships them; 1.2's import of xml.xsd points at the local
copy instead of the W3C's address, so that validating never reaches the network).
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import assert_msgfmt_ok, snapshot

SCHEMAS = Path(__file__).parent / "schemas" / "xliff"
SLUG = "cat-tools"
ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Working with CAT tools</title></head>
<body><article>
<h1>Working with CAT tools</h1>
<p>Read <a href="#notes"><em>the notes</em></a> first, then the <strong>summary</strong>.</p>
<p>One line<br>and the next, from <span translate="no">Acme <b>Pro</b></span> &amp; friends.</p>
<p id="notes">A plain paragraph with 3 numbers: 1, 2 and 3.</p>
<p>Untouched by anyone.</p>
</article></body></html>
"""


@pytest.fixture
def ws(tmp_path: Path, run) -> Path:
    """A workspace with one article whose Spanish catalog holds every state: approved, a person's work to
    review, a machine draft, stale work, untranslated."""
    root = tmp_path / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n',
                                         encoding="utf-8")
    (root / "source" / f"{SLUG}.html").write_text(ARTICLE, encoding="utf-8")
    assert run("extract", cwd=root).code == 0
    assert run("update", cwd=root).code == 0
    cat = polib.pofile(str(catalog_path(root)), wrapwidth=0)
    done = {
        "Working with CAT tools": ("Trabajar con herramientas TAO", []),
        'Read <a href="#notes"><em>the notes</em></a> first, then the <strong>summary</strong>.':
            ('Lea primero <a href="#notes"><em>las notas</em></a> y luego el <strong>resumen</strong>.', ["fuzzy"]),
        'One line<br>and the next, from <span translate="no">Acme <b>Pro</b></span> &amp; friends.':
            ('Una línea<br>y la siguiente, de <span translate="no">Acme <b>Pro</b></span> &amp; amigos.', ["fuzzy"]),
        "A plain paragraph with 3 numbers: 1, 2 and 3.": ("Un párrafo con 3 números: 1, 2 y 3.", ["fuzzy"]),
    }
    for entry in cat:
        if entry.msgid in done:
            entry.msgstr, entry.flags = done[entry.msgid][0], list(done[entry.msgid][1])
    cat.find('One line<br>and the next, from <span translate="no">Acme <b>Pro</b></span> &amp; friends.') \
        .tcomment = "draft: apertium eng-spa"
    stale = cat.find("A plain paragraph with 3 numbers: 1, 2 and 3.")
    stale.previous_msgid = "A plain paragraph with numbers: 1, 2 and 3."
    cat.save(str(catalog_path(root)))
    return root


def catalog_path(root: Path) -> Path:
    return root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def entries(path: Path) -> list[tuple]:
    """Every entry of a catalog as a PO editor sees it (polib, an outside reader)."""
    return [(e.msgctxt, e.msgid, e.msgstr, sorted(e.flags), e.tcomment, e.comment, e.previous_msgid, e.obsolete)
            for e in polib.pofile(str(path))]


def exported(run, ws: Path, version: str = "2.0") -> Path:
    out = ws / f"xliff-{version}"
    result = run("export", "--lang", "es", "--format", "xliff", "--xliff", version, "--out", out, cwd=ws)
    assert result.code == 0, result.err
    return out / f"{SLUG}.es.xlf"


def validate(path: Path, version: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / {"2.0": "xliff_core_2.0.xsd",
                                                         "1.2": "xliff-core-1.2-strict.xsd"}[version])))
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_export_is_valid_xliff_with_states_notes_and_protected_markup(run, ws, version):
    path = exported(run, ws, version)
    validate(path, version)
    root = etree.parse(str(path)).getroot()
    if version == "2.0":
        ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
        assert (root.get("srcLang"), root.get("trgLang")) == ("en", "es")
        states = [(s.get("state"), s.get("subState"), s.find("x:target", ns) is not None)
                  for s in root.iterfind(".//x:segment", ns)]
        assert ("final", None, True) in states                         # approved
        assert ("translated", None, True) in states                    # a person's work to review
        assert ("initial", "localize:machine", True) in states         # a machine draft
        assert ("initial", "localize:stale", True) in states           # its source changed
        assert ("initial", None, False) in states                      # untranslated: no target
        link = root.xpath(".//x:unit[x:segment/x:source/x:pc]", namespaces=ns)[0]
        data = {d.get("id"): d.text for d in link.iterfind("x:originalData/x:data", ns)}
        pc = link.find("x:segment/x:source/x:pc", ns)
        assert data[pc.get("dataRefStart")] == '<a href="#notes">' and data[pc.get("dataRefEnd")] == "</a>"
        assert data[pc.find("x:pc", ns).get("dataRefStart")] == "<em>"   # nested, as nested
        protected = [{d.get("id"): d.text for d in unit.iterfind("x:originalData/x:data", ns)}[ph.get("dataRef")]
                     for unit in root.iterfind(".//x:unit", ns) for ph in unit.iterfind("x:segment/x:source/x:ph", ns)]
        assert protected == ["<br>", '<span translate="no">Acme <b>Pro</b></span>']   # whole, not translatable
        notes = {n.get("category") for n in root.iterfind(".//x:note", ns)}
        assert {"kind", "location"} <= notes
        sources = [etree.tostring(s, method="text", encoding="unicode") for s in root.iterfind(".//x:source", ns)]
        assert "One line and the next, from  & friends." not in sources and \
            any(s.startswith("One line") and "& friends." in s for s in sources)   # text as text, not entities
    else:
        ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
        file_el = root.find("x:file", ns)
        assert (file_el.get("source-language"), file_el.get("target-language")) == ("en", "es")
        assert root.find(".//x:trans-unit[@approved='yes']", ns) is not None
        g = root.find(".//x:source/x:g", ns)
        assert g.get("ctype") == "link" and g.find("x:g", ns).get("ctype") == "italic"
        assert [x.get("ctype") for x in root.iterfind(".//x:source/x:x", ns)] == ["lb", "x-html-span"]


@pytest.mark.parametrize("version", ["2.0", "1.2"])
def test_an_untouched_export_comes_back_changing_nothing(run, ws, version):
    path = exported(run, ws, version)
    before = entries(catalog_path(ws))
    result = run("import", path, cwd=ws)
    assert result.code == 0, result.err
    assert "0 updated" in result.out and "0 not in the article" in result.out
    assert entries(catalog_path(ws)) == before


def test_translate_toolkit_reads_our_xliff_as_we_wrote_it(run, ws, tmp_path):
    """Translate Toolkit's XLIFF readers (1.2 and 2.0) and its xliff2po converter as referees: the same units,
    the same translations (tags as its placeholders), the states."""
    import subprocess
    import sys

    from translate.storage import xliff as tt_xliff
    from translate.storage import xliff2 as tt_xliff2

    ours = {e.msgid: e for e in polib.pofile(str(catalog_path(ws))) if e.msgid}
    path12, path20 = exported(run, ws, "1.2"), exported(run, ws, "2.0")
    store12 = tt_xliff.xlifffile.parsefile(str(path12))
    store20 = tt_xliff2.Xliff2File.parsefile(str(path20))
    assert len(store12.units) == len(store20.units) == len(ours)
    def ident(unit) -> str:   # Translate Toolkit prefixes a 1.2 unit's id with its file's
        return unit.getid().rsplit("\x04", 1)[-1]

    for unit in store12.units:   # a unit without codes reads as our entry does
        entry = ours_by_id(ours)[ident(unit)]
        if "<" not in entry.msgid:
            assert (str(unit.source), str(unit.target or "")) == (entry.msgid.replace("&amp;", "&"), entry.msgstr)
    assert {ident(u) for u in store12.units} == {ident(u) for u in store20.units} == set(ours_by_id(ours))
    approved = [u for u in store12.units if u.isapproved()]
    assert [str(u.source) for u in approved] == ["Working with CAT tools"]
    out = tmp_path / "tt.po"
    done = subprocess.run([str(Path(sys.executable).parent / "xliff2po"), "--progress=none", str(path12), str(out)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    converted = polib.pofile(str(out))
    assert converted.find("Working with CAT tools").msgstr == "Trabajar con herramientas TAO"
    assert len([e for e in converted if e.msgid]) == len(ours)


def ours_by_id(ours: dict) -> dict:
    from localize.history import entry_id

    return {"u" + entry_id(e.msgctxt, e.msgid): e for e in ours.values()}


def test_a_cat_tool_edit_comes_back_with_its_states_and_reordered_codes(run, ws):
    """A script edits the file as a CAT tool would: a reviewer confirms a machine draft (state final), a
    translator rewrites another unit with its inline codes in another order, the rest untouched. Imported
    --approved, both are approved, the rewritten one with the source's tags in its new order, and the
    untouched units are as they were."""
    path = exported(run, ws, "2.0")
    ns = "{urn:oasis:names:tc:xliff:document:2.0}"
    tree = etree.parse(str(path))
    segments = list(tree.getroot().iter(ns + "segment"))
    draft = next(s for s in segments if s.get("subState") == "localize:machine")
    draft.set("state", "final")
    del draft.attrib["subState"]
    reordered = next(s for s in segments if s.find(f"{ns}source/{ns}pc") is not None)
    reordered.set("state", "final")
    target = reordered.find(ns + "target")
    strong, em_link = target.find(ns + "pc[@id='3']"), target.find(ns + "pc[@id='1']")
    target.remove(strong)   # the summary first, then the notes: the codes' order changes
    target.text = "Primero el "
    target.insert(0, strong)
    strong.tail = " y luego "
    em_link.tail = "."
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    before = {e.msgid: (e.msgstr, e.flags) for e in polib.pofile(str(catalog_path(ws)))}

    result = run("import", path, "--approved", cwd=ws)
    assert result.code == 0, result.err
    assert "2 updated, 2 as approved" in result.out
    after = {e.msgid: (e.msgstr, e.flags) for e in polib.pofile(str(catalog_path(ws)))}
    read = 'Read <a href="#notes"><em>the notes</em></a> first, then the <strong>summary</strong>.'
    assert after[read] == ('Primero el <strong>resumen</strong> y luego <a href="#notes"><em>las notas</em></a>.', [])
    line = 'One line<br>and the next, from <span translate="no">Acme <b>Pro</b></span> &amp; friends.'
    assert after[line] == (before[line][0], [])   # confirmed as it was: approved
    for untouched in ("Working with CAT tools", "Untouched by anyone.", "A plain paragraph with 3 numbers: 1, 2 and 3."):
        assert after[untouched] == before[untouched]
    assert_msgfmt_ok(catalog_path(ws))


def test_reordered_codes_in_an_approved_unit_are_kept_as_a_suggestion(run, ws):
    path = exported(run, ws, "2.0")
    text = path.read_text(encoding="utf-8").replace("Trabajar con herramientas TAO", "Usar herramientas TAO")
    path.write_text(text, encoding="utf-8")
    result = run("import", path, cwd=ws)
    assert result.code == 1 and "1 conflicts" in result.out
    assert polib.pofile(str(catalog_path(ws))).find("Working with CAT tools").msgstr == "Trabajar con herramientas TAO"


HOSTILE = {
    "billion laughs": ('<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
                       '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
                       '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
                       'trgLang="es"><file id="f"><unit id="u"><segment><source>&c;</source></segment></unit>'
                       '</file></xliff>', "DTD"),
    "external entity": ('<?xml version="1.0"?><!DOCTYPE xliff SYSTEM "http://127.0.0.1:9/xliff.dtd">'
                        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0"/>', "DTD"),
    "not XML": ("<xliff version='2.0'><file>", "not well-formed"),
    "another vocabulary": ('<?xml version="1.0"?><tmx version="1.4"><body/></tmx>', "not an XLIFF"),
    "two files": ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="es">'
                  '<file id="a"/><file id="b"/></xliff>', "2 <file> elements"),
    "another language": ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" '
                         'trgLang="fr"><file id="a"/></xliff>', "not es"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_or_foreign_files_are_refused_and_nothing_changes(run, ws, case):
    text, said = HOSTILE[case]
    path = ws / f"{SLUG}.es.xlf"
    path.write_text(text, encoding="utf-8")
    before = snapshot(ws / "locales")
    result = run("import", path, "--lang", "es", cwd=ws)
    assert result.code != 0 and said in result.err and "Traceback" not in result.err
    assert snapshot(ws / "locales") == before


def test_a_huge_file_is_refused_before_it_is_read(run, ws):
    path = ws / f"{SLUG}.es.xlf"
    with path.open("wb") as handle:   # 60 MB, sparse: nothing of it is on the disk
        handle.write(b'<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0">')
        handle.truncate(60 * 1024 * 1024)
    before = snapshot(ws / "locales")
    result = run("import", path, cwd=ws)
    assert result.code == 2 and "larger than 50 MB" in result.err
    assert snapshot(ws / "locales") == before


def _edit_2(path: Path, change) -> None:
    tree = etree.parse(str(path))
    change(tree.getroot(), "{urn:oasis:names:tc:xliff:document:2.0}")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def _retranslate_first(root, ns):   # a good translation the file also holds: refused with the rest
    seg = next(s for s in root.iter(ns + "segment") if s.find(ns + "target") is None)
    etree.SubElement(seg, ns + "target").text = "Nadie lo tocó."


def _own_code(root, ns):   # a target whose link's start tag is a script of its own
    target = next(t for t in root.iter(ns + "target") if t.find(ns + "pc") is not None)
    data = target.getparent().getparent().find(ns + "originalData")
    etree.SubElement(data, ns + "data", id="d99").text = "<script>"
    target.find(ns + "pc").set("dataRefStart", "d99")


REFUSED = {
    "a unit of another article": (lambda root, ns: root.find(ns + "file").append(
        etree.fromstring(f'<unit xmlns="{ns[1:-1]}" id="u0000000000000000"><segment><source>Other</source>'
                         '<target>Otro</target></segment></unit>')), "no entry of the article"),
    "a source changed": (lambda root, ns: setattr(next(root.iter(ns + "source")), "text", "Changed"),
                         "its source is not the article's"),
    "a code of its own": (lambda root, ns: _own_code(root, ns), "would be refused"),
    "a code dropped from the data": (lambda root, ns: next(root.iter(ns + "originalData")).clear(),
                                     "originalData"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_file_that_does_not_match_the_article_is_refused_whole(run, ws, case):
    change, said = REFUSED[case]
    path = exported(run, ws, "2.0")

    def both(root, ns):
        _retranslate_first(root, ns)
        change(root, ns)
    _edit_2(path, both)
    before = snapshot(ws / "locales")
    result = run("import", path, cwd=ws)
    assert result.code != 0 and said in result.err, result
    assert snapshot(ws / "locales") == before   # the good unit did not come in either


def test_export_names_a_missing_catalog_and_refuses_other_options(run, ws):
    result = run("export", "--lang", "fr", "--format", "xliff", cwd=ws)
    assert result.code != 0 and "fr" in result.err
    result = run("export", "--lang", "es", "--format", "xliff", "--site", ws / "site", cwd=ws)
    assert result.code == 2 and "--format xliff writes catalogs" in result.err
