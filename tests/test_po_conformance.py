"""The PO reader and writer against the test inputs of GNU gettext, polib and Babel.

The inputs are in tests/data/po-conformance (its README says where each came
from). For each of them:

* the reader accepts it exactly when GNU ``msgfmt --check`` does; the few
  inputs where it differs on purpose are listed in DELIBERATE, with why, and
  format strings (``c-format``…) are msgfmt's own to judge, so an input that
  msgfmt refuses only for them is accepted by the reader and refused by
  ``catalog.validate``, which runs msgfmt after it;
* where both accept it, polib reads the same entries: msgids, contexts,
  translations, plural forms, flags, obsolete marks;
* what the writer makes of it is the same catalog for GNU ``msgcat`` (or
  ``msgconv --to-code=UTF-8`` when the reader converted it from another
  charset): msgcat of the original and msgcat of the rewrite are equal.

The referees are the installed GNU tools and polib; nothing expected is
computed by ``localize.po``.
"""

from __future__ import annotations

import difflib
import functools
import re
import subprocess
from pathlib import Path

import polib
import pytest

from localize import catalog, po
from localize.errors import CatalogError

DATA = Path(__file__).resolve().parent / "data" / "po-conformance"
INPUTS = sorted(p for p in DATA.rglob("*") if p.suffix in (".po", ".pot"))
SOURCES = ("gettext", "polib", "babel")


def name_of(path: Path) -> str:
    return path.relative_to(DATA).as_posix()


# Where the reader parts from msgfmt on purpose: the file, whether the reader accepts it, and why.
DELIBERATE = {
    "polib/test_ufeff.po": (
        True, "a UTF-8 byte-order mark, which Windows editors write: GNU gettext 0.21 calls it a "
              "syntax error, the reader drops it"),
    "babel/test_pofile_read--test_applies_specified_encoding_during_read.po": (
        False, "the header says iso-8859-1 but the text is UTF-8: msgfmt reads it as Latin-1, which "
               "garbles every accented letter; the reader names the header instead"),
}
# Inputs polib cannot read at all (it raises): nothing to compare with.
POLIB_CANNOT_READ = {
    # "charset=ISO-8859-1" on a header line of its own: gettext finds it anywhere in the
    # header, polib only in a Content-Type field, and reads the Latin-1 text as UTF-8
    "gettext/msgfilter-1--mfi-test1.ok.po": "codec can't decode",
    "gettext/msgfilter-5--mfi-test5.ok.po": "codec can't decode",
    "gettext/msgmerge-plural-1--mm-pl-1.po": "Syntax error",        # "msgstr[0]" after an empty msgid_plural
    "gettext/msgmerge-plural-1--mm-pl-1.pot": "Syntax error",
    "gettext/msgmerge-plural-2--mm-pl-2.po": "Syntax error",
    "gettext/msgmerge-plural-3--mm-pl-3.pot": "Syntax error",
}
# Where msgcat of the original and of the rewrite differ because of GNU gettext itself, and in
# which lines only: a known difference, not a pass.
GNU_QUIRKS = {
    # gettext before 0.22 keeps only the last "#," line of an entry; the reader keeps all of them,
    # as polib and later gettext do
    "polib/test_utf8.po": "#,",
    # msgconv 0.21 converts no file names in "#:" lines (these hold U+2068/U+2069 in GB18030)
    "gettext/msgcat-22--mcat-test22.ok.po": "#:",
}


def run(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, timeout=60)


@functools.lru_cache(maxsize=None)
def msgfmt_accepts(path: Path, check: str = "--check") -> bool:
    return run("msgfmt", *check.split(), "-o", "/dev/null", path).returncode == 0


def read(path: Path) -> po.Catalog:
    """The reader's reading of a file: bytes to text in its charset, then the PO syntax."""
    return po.parse(po.decode(path.read_bytes(), str(path)), str(path))


def verdict(path: Path) -> bool:
    try:
        read(path)
    except CatalogError as exc:
        assert exc.path == str(path) and exc.line, exc   # a refusal names the file and the line
        return False
    return True


def refused_for_format_strings_alone(path: Path) -> bool:
    return not msgfmt_accepts(path) and msgfmt_accepts(path, "--check-header --check-domain")


# what msgfmt reads (leaving format strings aside), and so polib and msgcat are asked about
READ_BY_BOTH = [p for p in INPUTS if name_of(p) not in DELIBERATE
                and (msgfmt_accepts(p) or refused_for_format_strings_alone(p))]


def test_the_suite_has_each_source_and_both_outcomes():
    counts = {source: len([p for p in INPUTS if name_of(p).startswith(source + "/")]) for source in SOURCES}
    assert counts["gettext"] >= 300 and counts["polib"] >= 20 and counts["babel"] >= 50, counts
    refused = [p for p in INPUTS if not msgfmt_accepts(p)]
    assert len(refused) >= 100 and len(READ_BY_BOTH) >= 300
    assert set(DELIBERATE) | set(POLIB_CANNOT_READ) | set(GNU_QUIRKS) <= {name_of(p) for p in INPUTS}


@pytest.mark.parametrize("path", INPUTS, ids=name_of)
def test_reader_accepts_what_msgfmt_check_accepts(path):
    ours = verdict(path)
    if name_of(path) in DELIBERATE:
        assert ours == DELIBERATE[name_of(path)][0]
        return
    gnu = msgfmt_accepts(path)
    if not gnu and not ours:
        return
    if refused_for_format_strings_alone(path):
        # refused for its format strings alone: the reader leaves them to msgfmt, and the
        # validator, which runs msgfmt after the reader, refuses the file as msgfmt does
        assert ours, "the reader refused what msgfmt refuses only for its format strings"
        with pytest.raises(CatalogError):
            catalog.validate(path)
        return
    assert ours == gnu, f"msgfmt --check {'accepts' if gnu else 'refuses'} it"


# -- what polib reads ------------------------------------------------------------------

def polib_flags(flags: list[str]) -> list[str]:
    """polib splits "#," lines at commas only; gettext at blanks too ("#, fuzzy c-format")."""
    return [part for flag in flags for part in re.split(r"[ \t]+", flag) if part]


def as_polib_reads(text: str | None) -> str | None:
    """polib leaves the escape \\a as it is written (it decodes \\b, \\f, \\v, \\n, \\t, \\r)."""
    return None if text is None else text.replace("\a", "\\a")


def polib_view(entry: po.Entry) -> tuple:
    forms = entry.msgstr_plural
    return (as_polib_reads(entry.msgctxt), as_polib_reads(entry.msgid), entry.obsolete,
            as_polib_reads(entry.msgid_plural) or "",
            {n: as_polib_reads(v) for n, v in forms.items()} if forms is not None else
            as_polib_reads(entry.msgstr),
            entry.flags)


def polib_entry_view(entry: polib.POEntry) -> tuple:
    return (entry.msgctxt, entry.msgid, bool(entry.obsolete), entry.msgid_plural,
            dict(entry.msgstr_plural) if entry.msgid_plural else entry.msgstr,
            polib_flags(entry.flags))


@pytest.mark.parametrize("path", READ_BY_BOTH, ids=name_of)
def test_reader_reads_what_polib_reads(path):
    if name_of(path) in POLIB_CANNOT_READ:
        with pytest.raises(Exception, match=POLIB_CANNOT_READ[name_of(path)]):
            polib.pofile(str(path), wrapwidth=0)
        return
    theirs = polib.pofile(str(path), wrapwidth=0)
    ours = read(path)
    # polib puts obsolete entries last; the order of the others is the file's
    assert sorted(map(polib_view, ours.entries), key=repr) == \
        sorted(map(polib_entry_view, theirs), key=repr)
    assert [polib_view(e) for e in ours.entries if not e.obsolete] == \
        [polib_entry_view(e) for e in theirs if not e.obsolete]


# -- the rewrite under msgcat ---------------------------------------------------------------

def gnu_reading(path: Path, converted: bool) -> subprocess.CompletedProcess:
    """msgcat's writing of a file: what GNU gettext reads of it."""
    if converted:
        return run("msgconv", "--to-code=UTF-8", path)
    return run("msgcat", path)


def with_charset(data: bytes, charset: bytes | None) -> bytes:
    """The file with its header's charset named UTF-8: msgcat will not write a catalog whose
    charset is a placeholder or one it does not know (CHARSET, mac_roman), however valid."""
    return data if charset is None else data.replace(b"charset=" + charset, b"charset=UTF-8", 1)


@pytest.mark.parametrize("path", READ_BY_BOTH, ids=name_of)
def test_rewrite_is_the_same_catalog_for_msgcat(path, tmp_path):
    ours = read(path)
    written = po.dumps(ours)
    assert po.dumps(po.parse(written, "rewrite.po")) == written   # a fixed point too
    original, rewrite = tmp_path / "original.po", tmp_path / "rewrite.po"
    original.write_bytes(path.read_bytes())
    rewrite.write_bytes(written.encode("utf-8"))
    converted = ours.converted_from is not None
    theirs, mine = gnu_reading(original, converted), gnu_reading(rewrite, converted)
    unportable = re.search(rb'charset "([^"]+)" is not a portable encoding name', theirs.stderr)
    if theirs.returncode and unportable and not converted:
        for file, data in ((original, path.read_bytes()), (rewrite, written.encode("utf-8"))):
            file.write_bytes(with_charset(data, unportable.group(1)))
        theirs, mine = gnu_reading(original, False), gnu_reading(rewrite, False)
    if theirs.returncode:
        # msgcat will not write the original (no charset at all, and text that is not ASCII):
        # it must say the same of the rewrite
        def said(result, file):   # msgcat's messages, without the file's name and the indents it sets
            return re.sub(rb"\s+", b" ", result.stderr.replace(bytes(file), b""))
        assert mine.returncode and said(mine, rewrite) == said(theirs, original), mine.stderr
        return
    assert mine.returncode == 0, mine.stderr
    if name_of(path) in GNU_QUIRKS:
        marker = GNU_QUIRKS[name_of(path)]
        lines = [out.decode("utf-8", "replace").split("\n") for out in (theirs.stdout, mine.stdout)]
        changed = [line for line in difflib.ndiff(*lines) if line[:1] in "+-"]
        assert all(line[2:].startswith(marker) for line in changed), changed
        return
    assert mine.stdout == theirs.stdout
