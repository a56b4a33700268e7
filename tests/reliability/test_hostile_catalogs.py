"""Hostile catalogs through the command: each refused whole, naming file and line, or accepted whole.

The corpus is tests/data/hostile/catalogs: ``bad-*.po`` must be refused,
``ok-*.po`` accepted (the upload tests go through the same files). Each file
says on its first two lines what it holds and where; every file puts its
entries on the same lines, so the expected lines below are read off the files.

A refused file gets exit status 2 and one line on stderr, ``FILE:LINE:
problem``, no traceback, and leaves every file of the workspace as it was:
imported with ``localize import``, and also put straight into the workspace
for ``localize status``, ``check`` and ``update`` to meet. An accepted file is
imported entry by entry; the catalog written passes GNU ``msgfmt --check`` and
is a fixed point of our reader and writer. Files too big to commit (5 MB
lines, a 5 MB plural expression) are made here, and timed: each is dealt with
in a few seconds at most.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import polib
import pytest

from conftest import SEED, assert_msgfmt_ok, msgfmt_check, snapshot
from localize import catalog, po
from localize.cli import main
from localize.errors import CatalogError

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile" / "catalogs"
SLUG = "emotional-numbness"
QUICK = 15.0  # seconds: a guard against a hang or a quadratic blow-up (minutes on 5 MB), not a benchmark

# file: (the line the refusal names, words of the message, whether GNU msgfmt --check refuses it too)
REFUSED = {
    "bad-unterminated-string.po": (21, "unterminated string", True),
    "bad-unterminated-continuation.po": (23, "unterminated string", True),
    "bad-escape.po": (21, "invalid escape sequence \\q", True),
    "bad-escape-not-utf8.po": (20, "do not make UTF-8", False),       # msgfmt writes the Latin-1 byte
    "bad-escape-nul.po": (21, "control character U+0000", False),     # msgfmt cuts the string there
    "bad-escape-context-separator.po": (20, "control character U+0004", True),
    "bad-duplicate-msgid.po": (24, "duplicate entry 'The evidence', first at line 13", True),
    "bad-duplicate-obsolete.po": (20, "duplicate entry 'The evidence', first at line 13", True),
    "bad-missing-msgstr.po": (20, "no msgstr", True),
    "bad-plural-index-beyond-nplurals.po": (20, "3 plural forms, the header says 2", True),
    "bad-plural-missing-form.po": (20, "1 plural forms, the header says 2", True),
    "bad-plural-count-mismatch.po": (20, "2 plural forms, the header says 3", True),
    "bad-plural-out-of-order.po": (22, "msgstr[1] out of order", True),
    "bad-plural-expression-deep.po": (10, "plural expression longer than 1000 characters", True),
    "bad-plural-expression-long.po": (10, "plural expression longer than 1000 characters", True),
    "bad-plural-expression-syntax.po": (10, "invalid plural expression", True),
    "bad-plural-expression-range.po": (10, "can produce values as large as 2", True),
    "bad-plural-expression-division.po": (10, "division by zero", True),
    "bad-plural-expression-code.po": (10, "invalid plural expression", True),
    "bad-nplurals-huge.po": (20, "2 plural forms, the header says 18446744073709551615", True),
    "bad-charset-lying-utf8.po": (18, "not valid UTF-8 (byte 0xf3)", True),
    # msgfmt reads it as Latin-1 and garbles every accented letter: we refuse it
    "bad-charset-lying-latin1.po": (8, "charset ISO-8859-1 declared, but the text is UTF-8", False),
    "bad-charset-utf16.po": (1, "not valid UTF-8 (byte 0xff)", True),
    "bad-utf8-overlong.po": (14, "not valid UTF-8 (byte 0xc0)", True),
    "bad-utf8-surrogate.po": (14, "not valid UTF-8 (byte 0xed)", True),
    "bad-nul-byte.po": (14, "control character U+0000", False),
    "bad-torn-mid-string.po": (21, "unterminated string", True),
    "bad-torn-after-msgid.po": (21, "no msgstr", True),
    "bad-torn-mid-character.po": (18, "not valid UTF-8 (byte 0xc3)", True),
    "bad-empty.po": (1, "the file is empty", True),
    "bad-no-header.po": (1, "no header entry", True),
    "bad-second-header.po": (20, "a second header entry", True),
    "bad-newline-mismatch.po": (20, "do not both end with a line break", True),
    "bad-cr-line-ends.po": (1, "carriage return (CR) without a line feed", True),
    "bad-not-po.po": (1, "cannot read '<!DOCTYPE html>'", True),
    "bad-unknown-keyword.po": (20, "cannot read 'msgtxt", True),
}
# valid gettext, but not Spanish: refused by ``import --lang es``, at the header field's line
NOT_SPANISH = {
    "bad-language.po": (6, "this catalog is for 'fr', not es"),
    "bad-plural-forms-for-language.po": (10, "Plural-Forms says 3 forms; es has 2"),
}
# file: what the Spanish catalog holds after importing it (msgid: (msgstr, fuzzy))
ACCEPTED = {
    "ok-bom.po": {"The evidence": ("La evidencia", False),
                  "What the research actually shows": ("Lo que muestra de verdad la investigación", False),
                  "The mechanism": ("El mecanismo", True)},
    "ok-escapes.po": {"The evidence": ("La evidéncia, ésa", False),
                      "What the research actually shows": ('Lo que muestra "de verdad"\tla investigación \\ hoy',
                                                           False)},
    "ok-obsolete-previous-plural.po": {"The evidence": ("La prueba", True),
                                       "What the research actually shows":
                                           ("Lo que muestra de verdad la investigación", False)},
    "ok-unicode-edges.po": {"The evidence": ("La\u2028evidencia\u0085\u00a0\u200f«msgid \"x\"»", False),
                            "What the research actually shows":
                                ('#~ msgstr "" — Lo que muestra de verdad la investigación', False)},
}
for _name in ("ok-crlf.po", "ok-bom-crlf.po", "ok-no-final-newline.po", "ok-charset-lowercase.po"):
    ACCEPTED[_name] = ACCEPTED["ok-bom.po"]
# valid for GNU msgfmt --check, so for us: read as msgfmt reads them
TWO = {"The evidence": ("La evidencia", False),
       "What the research actually shows": ("Lo que muestra de verdad la investigación", False)}
for _name in ("ok-charset-latin1.po", "ok-control-character-in-comment.po", "ok-header-line-without-colon.po",
              "ok-comments-after-last-entry.po"):
    ACCEPTED[_name] = TWO
ACCEPTED["ok-string-after-blank-line.po"] = {
    "The evidence": ("La evidencia", False),
    "What the research actually shows": ("Lo que muestra de verdad la investigaciónEl mecanismo", False)}
APPROVED_BEFORE = ("The nuance", "El matiz")   # approved in the workspace before any import


def test_the_corpus_is_the_one_described_here():
    """Every file of the folder has its expectation here, and the other way round."""
    names = {p.name for p in HOSTILE.glob("*.po")}
    assert names == set(REFUSED) | set(NOT_SPANISH) | set(ACCEPTED)
    assert all(n.startswith("bad-") for n in [*REFUSED, *NOT_SPANISH])
    assert all(n.startswith("ok-") for n in ACCEPTED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_gnu_msgfmt_agrees_where_it_is_said_to(name):
    """The outside referee: GNU msgfmt --check refuses the file too, or accepts what we refuse on purpose."""
    refuses = msgfmt_check(HOSTILE / name).returncode != 0
    assert refuses == REFUSED[name][2], name


# -- a workspace with work in it ------------------------------------------------------------

def cli(*args: str) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def prepared(tmp_path_factory) -> Path:
    """The seed article extracted and merged in Spanish and Arabic; one Spanish entry approved."""
    root = tmp_path_factory.mktemp("hostile") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert cli("--root", root, "extract") == 0
    assert cli("--root", root, "update") == 0
    path = es_catalog(root)
    theirs = polib.pofile(str(path), wrapwidth=0)   # the work, done with an outside tool
    theirs.find(APPROVED_BEFORE[0]).msgstr = APPROVED_BEFORE[1]
    theirs.save(str(path))
    assert_msgfmt_ok(path)
    return root


@pytest.fixture
def ws(prepared, tmp_path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(prepared, root)
    return root


def es_catalog(root: Path) -> Path:
    return root / "locales" / "es" / "LC_MESSAGES" / f"{SLUG}.po"


def assert_one_line_naming(result, path: Path, line: int | None, words: str) -> None:
    assert result.code == 2, result
    assert result.out == "" or "Traceback" not in result.out
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    where = re.escape(f"localize: error: {path}:") + (str(line) if line else r"\d+") + ": "
    assert re.match(where, lines[0]), (lines[0], line)
    assert words in lines[0], lines[0]


# -- refused ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(REFUSED))
def test_import_refuses_the_file_whole(run, ws, name):
    line, words, _ = REFUSED[name]
    before = snapshot(ws)
    started = time.monotonic()
    result = run("import", "--lang", "es", "--slug", SLUG, HOSTILE / name, cwd=ws)
    assert time.monotonic() - started < QUICK
    assert_one_line_naming(result, HOSTILE / name, line, words)
    assert snapshot(ws) == before


@pytest.mark.parametrize("name", sorted(NOT_SPANISH))
def test_import_refuses_a_catalog_of_another_language(run, ws, name):
    before = snapshot(ws)
    result = run("import", "--lang", "es", "--slug", SLUG, HOSTILE / name, cwd=ws)
    line, message = NOT_SPANISH[name]
    assert_one_line_naming(result, HOSTILE / name, line, message)
    assert snapshot(ws) == before


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_malformed_catalog_in_the_workspace_stops_every_command_that_reads_it(run, ws, name):
    """Put there by hand or by another tool: status, check and update name it and change nothing."""
    line, words, _ = REFUSED[name]
    target = es_catalog(ws)
    target.write_bytes((HOSTILE / name).read_bytes())
    before = snapshot(ws)
    for command in (["status"], ["check"], ["update"], ["check", "-j", "2"], ["update", "-j", "2"]):
        result = run(*command, cwd=ws)
        assert_one_line_naming(result, target, line, words)
        assert snapshot(ws) == before, command


# -- accepted ---------------------------------------------------------------------------------

def content(cat: po.Catalog):
    return (cat.header, cat.header_comments, cat.header_fuzzy,
            [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural, e.flags, e.comments, e.extracted,
              e.references, e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural, e.obsolete)
             for e in cat.entries])


def assert_fixed_point(path: Path) -> None:
    """Our reader and writer give back the very bytes of a catalog we wrote; msgfmt accepts it."""
    text = path.read_bytes().decode("utf-8")
    assert po.dumps(po.parse(text, str(path))) == text
    assert_msgfmt_ok(path)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_import_takes_the_file_entry_by_entry(run, ws, tmp_path, name):
    source = HOSTILE / name
    incoming = catalog.validate(source)
    # the file read, written by us and read again says the same, and is a file msgfmt accepts
    written = tmp_path / "written.po"
    written.write_text(po.dumps(incoming), encoding="utf-8")
    assert content(po.parse(written.read_text(encoding="utf-8"), str(written))) == content(incoming)
    assert_fixed_point(written)

    result = run("import", "--lang", "es", "--slug", SLUG, "--approved", source, cwd=ws)
    assert result.code == 0, result
    stored = catalog.read(es_catalog(ws))
    index = {e.msgid: e for e in stored.entries}
    for msgid, (msgstr, fuzzy) in ACCEPTED[name].items():
        assert (index[msgid].msgstr, index[msgid].fuzzy) == (msgstr, fuzzy), msgid
    assert index[APPROVED_BEFORE[0]].msgstr == APPROVED_BEFORE[1]
    assert_fixed_point(es_catalog(ws))
    theirs = polib.pofile(str(es_catalog(ws)))          # an outside reader sees the same
    for msgid, (msgstr, _) in ACCEPTED[name].items():
        assert theirs.find(msgid).msgstr == msgstr


# -- too big to commit: made here, and timed ----------------------------------------------------

FIVE_MB = 5 * 1024 * 1024
HEAD = (HOSTILE / "ok-bom.po").read_bytes()[3:].decode("utf-8").split("#. kicker\n")[0]  # notes and header


def one_line(text: str) -> str:
    return HEAD + '#. kicker\nmsgid "The evidence"\n' + text


BIG = {
    # name: (file text, the line a refusal names, or what "The evidence" holds after the import)
    "a 5 MB translation on one line": (
        one_line('msgstr "' + "entumecimiento " * (FIVE_MB // 15) + 'fin"\n'),
        "entumecimiento " * (FIVE_MB // 15) + "fin"),
    "a 5 MB line that never closes its quote": (
        one_line('msgstr "' + "a" * FIVE_MB + "\n\n" + 'msgid "The nuance"\nmsgstr "x"\n'), 14),
    "5 MB of escapes (UTF-8 bytes and quotes)": (
        one_line('msgstr "' + '\\303\\251\\"' * (FIVE_MB // 10) + '"\n'), 'é"' * (FIVE_MB // 10)),
    "a 5 MB comment line": (
        HEAD + "# " + "ñ" * (FIVE_MB // 2) + '\n#. kicker\nmsgid "The evidence"\nmsgstr "La evidencia"\n',
        "La evidencia"),
    "5 MB in 500,000 continuation lines, beside an obsolete entry": (
        one_line('msgstr ""\n' + '"abcdefgh"\n' * (FIVE_MB // 11) + '\n#~ msgid "Old"\n#~ msgstr "Viejo"\n'),
        "abcdefgh" * (FIVE_MB // 11)),
    "5 MB of text with no line break at all": ("x" * FIVE_MB, 1),
    "a 5 MB plural expression": (
        HEAD.replace("plural=(n != 1);", "plural=" + "(" * (FIVE_MB // 2) + "n" + ")" * (FIVE_MB // 2) + ";")
        + '#. kicker\nmsgid "The evidence"\nmsgstr "La evidencia"\n', 10),
    "nplurals with 5 million digits": (
        HEAD.replace("nplurals=2", "nplurals=" + "7" * FIVE_MB)
        + 'msgid "one source"\nmsgid_plural "%d sources"\nmsgstr[0] "una"\nmsgstr[1] "%d"\n', 12),
}


@pytest.mark.parametrize("name", list(BIG))
def test_huge_inputs_are_dealt_with_quickly(run, ws, tmp_path, name):
    text, outcome = BIG[name]
    source = tmp_path / f"{SLUG}.po"
    source.write_bytes(text.encode("utf-8"))
    assert source.stat().st_size >= FIVE_MB
    before = snapshot(ws)
    started = time.monotonic()
    result = run("import", "--lang", "es", "--slug", SLUG, source, cwd=ws)
    seconds = time.monotonic() - started
    print(f"\n{name}: exit {result.code} in {seconds:.2f} s")
    assert seconds < QUICK, f"{name} took {seconds:.1f} s"
    if isinstance(outcome, int):
        assert_one_line_naming(result, source, outcome, "")
        assert snapshot(ws) == before
    else:
        assert result.code == 0, result
        assert catalog.read(es_catalog(ws)).index()[(None, "The evidence")].msgstr == outcome
        assert_fixed_point(es_catalog(ws))


def test_the_reader_alone_is_quick_on_each_huge_input():
    """The parser alone, without msgfmt or the disk, is as quick on each as the whole refusal must be."""
    for name, (text, _) in BIG.items():
        started = time.monotonic()
        try:
            po.parse(text, "big.po")
        except CatalogError:
            pass
        seconds = time.monotonic() - started
        print(f"\nread {name}: {seconds:.2f} s")
        assert seconds < QUICK, f"{name}: {seconds:.1f} s"
