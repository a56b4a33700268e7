"""Helpers shared by test_po.py and test_catalog.py: the outside referees.

GNU ``msgfmt --check`` judges whether a file is valid gettext, and polib reads
files independently of ``localize.po``; neither shares code with the library.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import polib

from localize.po import Catalog, Entry

MSGFMT = shutil.which("msgfmt") or "/usr/bin/msgfmt"

# A complete header, so that ``msgfmt --check`` has nothing to say about it.
HEADER = {
    "Project-Id-Version": "article 1",
    "Report-Msgid-Bugs-To": "editor@example.org",
    "POT-Creation-Date": "2024-05-01 12:00+0000",
    "PO-Revision-Date": "2024-05-02 12:00+0000",
    "Last-Translator": "Ana <ana@example.org>",
    "Language-Team": "Spanish <es@example.org>",
    "Language": "es",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def msgfmt(path: Path) -> subprocess.CompletedProcess:
    """GNU msgfmt --check on a file; the caller looks at returncode and stderr."""
    return subprocess.run([MSGFMT, "--check", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)


def assert_msgfmt_accepts(path: Path) -> None:
    result = msgfmt(path)
    assert result.returncode == 0, f"msgfmt --check rejected {path}:\n{result.stderr}"


def polib_read(path: Path) -> polib.POFile:
    """polib's reading of a file (from disk, so its line splitting is io's, not str.splitlines)."""
    return polib.pofile(str(path), encoding="utf-8")


def references(pentry: polib.POEntry) -> list[str]:
    """polib's (file, line) occurrences back in ``file:line`` form."""
    return [f"{name}:{line}" if line else name for name, line in pentry.occurrences]


def entry_slots(entry: Entry) -> dict:
    """Every field of an Entry, for field-by-field comparison."""
    return {f.name: getattr(entry, f.name) for f in dataclasses.fields(Entry)}


def assert_same_catalog(got: Catalog, expected: Catalog) -> None:
    """Header, header comments and every Entry field (line included) are equal."""
    assert got.header == expected.header
    assert got.header_comments == expected.header_comments
    assert got.header_fuzzy == expected.header_fuzzy
    assert len(got.entries) == len(expected.entries)
    for a, b in zip(got.entries, expected.entries):
        assert entry_slots(a) == entry_slots(b)


def temporaries(folder: Path) -> list[str]:
    """Names of the temporary files writers leave behind (``.NAME.XXXX.tmp``)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))
