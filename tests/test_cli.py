"""The `localize` command, end to end on real workspaces."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from conftest import SEED, assert_msgfmt_ok, msgfmt_check, snapshot

SLUG = "emotional-numbness"


def po_path(ws: Path, lang: str) -> Path:
    return ws / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


def prepared(run, ws: Path) -> Path:
    assert run("extract", cwd=ws).code == 0
    assert run("update", cwd=ws).code == 0
    return ws


def approve_all(path: Path, translate=lambda s: f"ES {s}") -> None:
    """Translate and approve every entry the way a PO editor would (polib, an outside tool)."""
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        entry.msgstr = translate(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    cat.save(str(path))


# -- the main job ---------------------------------------------------------------------

def test_extract_update_status_render(run, workspace: Path):
    result = run("extract", cwd=workspace)
    assert result.code == 0, result
    pot = workspace / "locales" / f"{SLUG}.pot"
    assert_msgfmt_ok(pot)
    assert "#: source/emotional-numbness.html:" in pot.read_text(encoding="utf-8")

    assert run("update", cwd=workspace).code == 0
    for lang, nplurals in (("es", 2), ("ar", 6)):
        path = po_path(workspace, lang)
        checked = msgfmt_check(path)
        assert checked.returncode == 0 and checked.stderr == "", checked.stderr
        header = polib.pofile(str(path)).metadata
        assert header["Language"] == lang
        assert header["Plural-Forms"].startswith(f"nplurals={nplurals};")

    status = run("status", "--format", "json", cwd=workspace)
    rows = json.loads(status.out)
    assert {r["language"] for r in rows} == {"es", "ar"}
    units = len(polib.pofile(str(pot)))
    assert all(r["units"] == units and r["untranslated"] == units and r["approved"] == 0 for r in rows)

    table = run("status", cwd=workspace).out.splitlines()
    assert table[0].split()[:4] == ["article", "language", "units", "words"]

    result = run("render", "--lang", "es", cwd=workspace)
    assert result.code == 0, result
    page = (workspace / "out" / "render" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert '<html lang="es" dir="ltr">' in page


def test_rerunning_changes_nothing(run, workspace: Path):
    prepared(run, workspace)
    before = snapshot(workspace / "locales")
    prepared(run, workspace)
    assert snapshot(workspace / "locales") == before


def test_status_counts_states(run, workspace: Path):
    prepared(run, workspace)
    path = po_path(workspace, "es")
    cat = polib.pofile(str(path), wrapwidth=0)
    entries = [e for e in cat if not e.obsolete]
    entries[0].msgstr = "aprobado"
    entries[1].msgstr = "borrador"
    entries[1].flags.append("fuzzy")
    cat.save(str(path))
    row = next(r for r in json.loads(run("status", "--lang", "es", "--format", "json", cwd=workspace).out))
    assert (row["approved"], row["needs review"], row["stale"]) == (1, 1, 0)
    assert row["untranslated"] == len(entries) - 2


def test_approved_translations_render_and_survive_an_edit(run, workspace: Path):
    prepared(run, workspace)
    approve_all(po_path(workspace, "es"))
    source = workspace / "source" / f"{SLUG}.html"
    html = source.read_text(encoding="utf-8")
    source.write_text(html.replace("What the research actually shows", "What the research really shows"),
                      encoding="utf-8")
    prepared(run, workspace)
    cat = polib.pofile(str(po_path(workspace, "es")))
    changed = cat.find("What the research really shows")
    assert changed.fuzzy and changed.previous_msgid == "What the research actually shows"
    assert changed.msgstr == "ES What the research actually shows"
    assert cat.find("The nuance").msgstr == "ES The nuance" and not cat.find("The nuance").fuzzy
    assert_msgfmt_ok(po_path(workspace, "es"))

    assert run("render", "--lang", "es", cwd=workspace).code == 0
    page = (workspace / "out" / "render" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert "ES The nuance" in page
    assert "What the research really shows" in page  # the stale draft is not published
    assert run("render", "--lang", "es", "--include-drafts", "--out", workspace / "drafts",
               cwd=workspace).code == 0
    assert "ES What the research actually shows" in (workspace / "drafts" / "es" / f"{SLUG}.html").read_text()


def test_a_page_whose_name_is_not_an_article_name_is_skipped_with_a_warning(run, workspace: Path):
    twin = workspace / "source" / "Emotional Numbness.html"
    twin.write_bytes(SEED.read_bytes())
    result = run("extract", cwd=workspace)
    assert result.code == 0, result
    assert "source/Emotional Numbness.html skipped" in result.err
    assert sorted(p.name for p in (workspace / "locales").glob("*.pot")) == [f"{SLUG}.pot"]


def test_init_makes_a_usable_workspace(run, tmp_path: Path):
    root = tmp_path / "site"
    assert run("init", root, cwd=tmp_path).code == 0
    shutil.copy(SEED, root / "source" / "article.html")
    assert run("extract", cwd=root).code == 0
    assert run("update", cwd=root).code == 0
    assert (root / "locales" / "fr" / "LC_MESSAGES" / "article.po").exists()
    assert run("init", root, cwd=tmp_path).code == 2  # never twice


def test_root_option_and_search_upward(run, workspace: Path):
    sub = workspace / "source"
    assert run("extract", cwd=sub).code == 0
    assert run("--root", workspace, "status", cwd=Path("/")).code == 0


# -- single files, like html2po / po2html / msgmerge --------------------------------------

def test_single_file_modes(run, tmp_path: Path):
    page = tmp_path / "page.html"
    shutil.copy(SEED, page)
    pot = tmp_path / "page.pot"
    assert run("extract", page, "-o", pot, cwd=tmp_path).code == 0
    assert_msgfmt_ok(pot)
    cat = polib.pofile(str(pot))
    cat.metadata["Language"] = "es"
    for e in cat:
        e.msgstr = e.msgid.replace("Numbness", "Entumecimiento")
    es = tmp_path / "es.po"
    cat.save(str(es))
    out = tmp_path / "page.es.html"
    assert run("render", "--lang", "es", "--po", es, page, "-o", out, cwd=tmp_path).code == 0
    assert "Understanding Emotional Entumecimiento" in out.read_text(encoding="utf-8")
    # the source language as target: the identity check
    same = tmp_path / "same.html"
    assert run("render", "--lang", "en", page, "-o", same, cwd=tmp_path).code == 0

    merged = tmp_path / "merged.po"
    assert run("update", "--po", es, pot, "-o", merged, cwd=tmp_path).code == 0
    assert_msgfmt_ok(merged)
    assert polib.pofile(str(merged)).find("The nuance").msgstr == "The nuance"


# -- import ---------------------------------------------------------------------------------

def test_import_merges_and_never_overwrites_approved_work(run, workspace: Path, tmp_path: Path):
    prepared(run, workspace)
    mine = po_path(workspace, "es")
    cat = polib.pofile(str(mine), wrapwidth=0)
    cat.find("The nuance").msgstr = "El matiz"
    cat.save(str(mine))

    outside = tmp_path / f"{SLUG}.po"
    theirs = polib.pofile(str(mine))
    theirs.find("The nuance").msgstr = "La sutileza"        # conflicts with approved work
    theirs.find("Why this happens").msgstr = "Por qué pasa"  # new work
    theirs.append(polib.POEntry(msgid="Not in the article", msgstr="No está"))
    theirs.save(str(outside))

    result = run("import", "--lang", "es", outside, cwd=workspace)
    assert result.code == 1  # a conflict is reported, not silently resolved
    assert "1 updated" in result.out and "1 conflicts" in result.out
    assert "The nuance" in result.err
    after = polib.pofile(str(mine))
    assert after.find("The nuance").msgstr == "El matiz"
    assert after.find("Why this happens").msgstr == "Por qué pasa"
    assert after.find("Not in the article") is None
    assert_msgfmt_ok(mine)


def test_import_brings_translations_in_as_needs_review_unless_approved_is_given(run, workspace: Path, tmp_path: Path):
    prepared(run, workspace)
    mine = po_path(workspace, "es")
    outside = tmp_path / f"{SLUG}.po"
    theirs = polib.pofile(str(mine), wrapwidth=0)
    theirs.find("The nuance").msgstr = "El matiz"                      # approved in the file (no fuzzy)
    theirs.find("Why this happens").msgstr = "Por qué pasa"
    theirs.find("The evidence").msgstr = "Las pruebas"
    theirs.find("The evidence").flags.append("fuzzy")                 # a draft in the file
    theirs.save(str(outside))

    result = run("import", "--lang", "es", outside, cwd=workspace)
    assert result.code == 0, result
    assert "3 updated, as needs review" in result.out
    after = polib.pofile(str(mine))
    assert all("fuzzy" in after.find(m).flags for m in ("The nuance", "Why this happens", "The evidence"))
    assert run("status", "--format", "json", cwd=workspace).out.count('"needs review": 3') == 1
    assert_msgfmt_ok(mine)

    result = run("import", "--lang", "es", "--approved", outside, cwd=workspace)
    assert result.code == 0, result
    assert "2 updated, 2 as approved, 0 as needs review (--approved)" in result.out
    after = polib.pofile(str(mine))
    assert "fuzzy" not in after.find("The nuance").flags and "fuzzy" not in after.find("Why this happens").flags
    assert "fuzzy" in after.find("The evidence").flags
    assert_msgfmt_ok(mine)


def test_import_keeps_the_files_overrides_and_warning_flags_but_never_for_unsafe(run, workspace: Path,
                                                                                   tmp_path: Path):
    prepared(run, workspace)
    mine = po_path(workspace, "es")
    outside = tmp_path / f"{SLUG}.po"
    theirs = polib.pofile(str(mine), wrapwidth=0)
    evidence = theirs.find("The evidence")
    evidence.msgstr, evidence.tcomment = "Las  pruebas", "qa-override unsafe: trust me\nqa-override numbers:"
    evidence.flags += ["ignore-double-space", "ignore-citations", "ignore-nonsense"]
    theirs.save(str(outside))
    result = run("import", "--lang", "es", outside, cwd=workspace)
    assert result.code == 0, result
    assert "kept the file's QA mark [double-space] The evidence" in result.out
    for says in ("[unsafe] The evidence: it can never be overridden", "[numbers] The evidence: an override needs a reason",
                 "[citations] The evidence: an error is not ignored", "[nonsense] The evidence: no such check"):
        assert says in result.err, result.err
    stored = polib.pofile(str(mine)).find("The evidence")
    assert stored.flags == ["fuzzy", "ignore-double-space"] and "qa-override" not in (stored.tcomment or "")
    assert_msgfmt_ok(mine)


BROKEN = {
    "torn": 'msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "The nuance"\nmsgstr "El mat',
    "no msgstr": 'msgid ""\nmsgstr ""\n"Language: es\\n"\n\nmsgid "The nuance"\n',
    "duplicate": 'msgid "The nuance"\nmsgstr "a"\n\nmsgid "The nuance"\nmsgstr "b"\n',
    "nul": 'msgid "The nuance"\nmsgstr "a\x00b"\n',
    "bad escape": 'msgid "The nuance"\nmsgstr "a\\qb"\n',
    "plural count": 'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
                    'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\n',
    "wrong language": 'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "The nuance"\nmsgstr "Le"\n',
}


@pytest.mark.parametrize("name", BROKEN)
def test_import_refuses_a_bad_catalog_whole(run, workspace: Path, tmp_path: Path, name: str):
    prepared(run, workspace)
    before = snapshot(workspace)
    bad = tmp_path / f"{SLUG}.po"
    bad.write_bytes(BROKEN[name].encode("utf-8"))
    result = run("import", "--lang", "es", bad, cwd=workspace)
    assert result.code == 2, result
    assert str(bad) in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert snapshot(workspace) == before


def test_import_refuses_invalid_utf8_naming_the_line(run, workspace: Path, tmp_path: Path):
    prepared(run, workspace)
    bad = tmp_path / f"{SLUG}.po"
    bad.write_bytes(b'msgid ""\nmsgstr ""\n\nmsgid "The nuance"\nmsgstr "caf\xe9"\n')
    result = run("import", "--lang", "es", bad, cwd=workspace)
    assert result.code == 2 and f"{bad}:5:" in result.err and "UTF-8" in result.err


def test_import_accepts_a_bom(run, workspace: Path, tmp_path: Path):
    prepared(run, workspace)
    good = tmp_path / f"{SLUG}.po"
    good.write_bytes(b"\xef\xbb\xbf" + 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                     'msgid "The nuance"\nmsgstr "El matiz"\n'.encode())
    assert run("import", "--lang", "es", good, cwd=workspace).code == 0
    assert polib.pofile(str(po_path(workspace, "es"))).find("The nuance").msgstr == "El matiz"


# -- bad input: a clear line, exit 2, nothing changed ---------------------------------------------

@pytest.mark.parametrize("args", [
    ["update", "--lang", "../../etc"],
    ["update", "--lang", "es%2F.."],
    ["update", "--lang", "x" * 300],
    ["update", "--lang", "xx"],
    ["render", "--lang", "es/../../x"],
    ["status", "--lang", "es\n"],
    ["extract", "../secret"],
    ["extract", "A B"],
    ["render", "--lang", "es", "--slug", "../../etc/passwd"],
    ["import", "--lang", "es", "--slug", "../x", "missing.po"],
    ["update", "--po", "only-one.po"],
    ["frobnicate"],
])
def test_bad_input_is_refused_before_anything_is_touched(run, workspace: Path, args):
    prepared(run, workspace)
    before = snapshot(workspace)
    result = run(*args, cwd=workspace)
    assert result.code == 2, result
    assert "Traceback" not in result.err and result.err.strip()
    assert len(result.err.strip().splitlines()) <= 3
    assert snapshot(workspace) == before


def test_a_page_that_cannot_be_read_whole_is_refused(run, workspace: Path):
    (workspace / "source" / "deep.html").write_text("<div>" * 300 + "text" + "</div>" * 300)
    result = run("extract", "deep", cwd=workspace)
    assert result.code == 2 and "deep.html" in result.err and "depth" in result.err
    assert not (workspace / "locales" / "deep.pot").exists()


def test_outside_a_workspace(run, tmp_path: Path):
    result = run("status", cwd=tmp_path)
    assert result.code == 2 and "no workspace" in result.err


def test_a_damaged_catalog_in_the_workspace_stops_update_and_is_left_alone(run, workspace: Path):
    prepared(run, workspace)
    path = po_path(workspace, "es")
    damaged = path.read_bytes()[:-40]
    path.write_bytes(damaged)
    result = run("update", cwd=workspace)
    assert result.code == 2 and str(path) in result.err
    assert path.read_bytes() == damaged


def test_console_script_reports_errors_in_one_line(workspace: Path):
    exe = Path(sys.executable).parent / "localize"
    result = subprocess.run([str(exe), "update", "--lang", "../../etc"], cwd=workspace,
                            capture_output=True, text=True, env={**os.environ})
    assert result.returncode == 2
    assert result.stderr.startswith("localize: error:") and len(result.stderr.splitlines()) == 1


def test_many_articles_on_several_processes_give_the_same_files(run, tmp_path: Path):
    """Jobs over many articles use worker processes; the files are the same as with one."""
    import re

    results = []
    for jobs in ("1", "2"):
        root = tmp_path / f"ws{jobs}"
        (root / "source").mkdir(parents=True)
        (root / "pyproject.toml").write_text('[tool.localize]\nlanguages = ["es", "fr"]\n')
        html = SEED.read_text(encoding="utf-8")
        for i in range(20):
            (root / "source" / f"a{i:02}.html").write_text(html.replace("The nuance", f"The nuance {i}"))
        for args in (["extract"], ["update"], ["render", "--lang", "es"]):
            assert run(*args, "--jobs", jobs, cwd=root).code == 0
        dated = re.compile(rb'"(POT-Creation-Date|PO-Revision-Date): [^"]*"')
        results.append({name: dated.sub(b"", data) for name, data in snapshot(root).items()})
    assert results[0] == results[1]
    assert len([n for n in results[0] if n.endswith(".po")]) == 40
    assert b"The nuance 7" in results[1]["out/render/es/a07.html"]


def test_every_catalog_in_the_repository_passes_msgfmt():
    locales = SEED.parent.parent / "locales"
    catalogs = sorted(locales.rglob("*.po")) + sorted(locales.glob("*.pot"))
    assert catalogs, "the repository's workspace has catalogs"
    for path in catalogs:
        assert_msgfmt_ok(path)


def test_links_leading_outside_the_workspace_are_refused(run, workspace: Path, tmp_path: Path):
    secret = tmp_path / "secret.html"
    secret.write_text("<p>not for the catalogs</p>")
    (workspace / "source" / "evil.html").symlink_to(secret)
    result = run("extract", "evil", cwd=workspace)
    assert result.code == 2 and "outside the workspace" in result.err
    assert not (workspace / "locales" / "evil.pot").exists()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (workspace / "locales").symlink_to(elsewhere)
    result = run("extract", "emotional-numbness", cwd=workspace)
    assert result.code == 2 and "outside the workspace" in result.err
    assert not any(elsewhere.iterdir())


def test_import_reads_a_catalog_in_its_declared_charset_and_says_so(run, workspace: Path):
    hostile = Path(__file__).parent / "data" / "hostile" / "catalogs" / "ok-charset-latin1.po"
    assert run("extract", cwd=workspace).code == 0 and run("update", cwd=workspace).code == 0
    result = run("import", "--lang", "es", "--slug", "emotional-numbness", hostile, cwd=workspace)
    assert result.code == 0, result
    assert "read as ISO-8859-1, as its header declares; stored as UTF-8" in result.out
    stored = workspace / "locales" / "es" / "LC_MESSAGES" / "emotional-numbness.po"
    text = stored.read_bytes().decode("utf-8")
    assert "Lo que muestra de verdad la investigación" in text and "charset=UTF-8" in text
    assert_msgfmt_ok(stored)


# -- issue 14, item 8: small fixes ------------------------------------------------------------------

def test_user_add_names_the_port_serve_will_use(run, workspace: Path, monkeypatch):
    import io
    monkeypatch.setenv("LOCALIZE_PORT", "8123")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    added = run("user", "add", "ada", "--role", "admin", cwd=workspace)
    assert added.code == 0, added
    assert "http://127.0.0.1:8123/login after 'localize serve --port 8123'" in added.out
    assert "5000" not in added.out
    monkeypatch.delenv("LOCALIZE_PORT")
    monkeypatch.setattr("sys.stdin", io.StringIO("a-good-password\n"))
    added = run("user", "add", "bob", "--role", "admin", cwd=workspace)
    assert "http://127.0.0.1:5000/login after 'localize serve'" in added.out


def test_update_on_single_files_says_what_the_merge_did(run, tmp_path: Path):
    old = tmp_path / "old.po"
    old.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: es\\n"\n\n'
                   'msgid "Hello"\nmsgstr "Hola"\n\n'
                   'msgid "The cat sat on the mat."\nmsgstr "El gato se sentó en la alfombra."\n\n'
                   'msgid "Gone away"\nmsgstr "Se fue"\n\n'
                   'msgid "Never translated"\nmsgstr ""\n\n'
                   '#, fuzzy\nmsgid "Draft me"\nmsgstr "Borrador"\n', encoding="utf-8")
    pot = tmp_path / "new.pot"
    pot.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                   'msgid "Hello"\nmsgstr ""\n\nmsgid "The cat sat on the red mat."\nmsgstr ""\n\n'
                   'msgid "Draft me"\nmsgstr ""\n\nmsgid "HELLO  there"\nmsgstr ""\n\n'
                   'msgid "Brand new"\nmsgstr ""\n', encoding="utf-8")
    out = tmp_path / "out.po"
    result = run("update", "--po", old, pot, "-o", out, cwd=tmp_path)
    assert result.code == 0, result
    assert result.out.startswith(f"wrote {out}: read 5 old + 5 template entries: "
                                 "2 kept, 1 stale, 2 new, 1 obsolete; now "), result.out
    assert_msgfmt_ok(out)
    merged = polib.pofile(str(out))
    assert [e.msgid for e in merged.obsolete_entries()] == ["Gone away"]
    assert merged.find("The cat sat on the red mat.").previous_msgid == "The cat sat on the mat."


def test_update_refuses_a_language_the_workspace_does_not_list_as_export_does(run, workspace: Path):
    prepared(run, workspace)
    before = snapshot(workspace)
    said = {command: run(command, "--lang", "fr", cwd=workspace)
            for command in ("update", "export", "draft", "status", "check")}
    for command, result in said.items():
        assert result.code == 2, (command, result)
        assert result.err == "localize: error: fr is not a language of this workspace (ar, en, es)\n", command
    assert snapshot(workspace) == before and not (workspace / "locales" / "fr").exists()
    assert run("update", "--lang", "es", "--lang", "fr", cwd=workspace).code == 2
    assert snapshot(workspace) == before
    assert run("update", "--lang", "ES", cwd=workspace).code == 0   # a listed one, in any case, still merges


def test_serve_listens_on_localize_port(monkeypatch):
    """What user add and scripts/run announce is where serve listens: LOCALIZE_PORT, else 5000."""
    from web.serve import serve

    monkeypatch.setenv("LOCALIZE_PORT", "8123")
    assert serve.make_context("serve", []).params["port"] == 8123
    assert serve.make_context("serve", ["--port", "9000"]).params["port"] == 9000
    monkeypatch.delenv("LOCALIZE_PORT")
    assert serve.make_context("serve", []).params["port"] == 5000
