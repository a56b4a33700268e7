"""Hostile input: translations, articles, identifiers, and what the PDF renderer may fetch.

Everything is real: workspaces in tmp_path, the ``localize`` command run
in-process, the Flask app over its own workspace, WeasyPrint, poppler's
pdftotext and pdfimages, and a local HTTP server on 127.0.0.1 that records
every request it gets. The outputs are read back the way a browser reads them
(tinyhtml5, html5lib's HTML5 parser) and compared with the source article.
The corpus is in tests/data/hostile/: translations/cases.toml (written
straight into approved entries of a catalog, past the UI) and articles/.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import json
import re
import shutil
import subprocess
import sys
import threading
import time
import tomllib
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import polib
import pytest
import tinyhtml5

from conftest import SEED, assert_msgfmt_ok, snapshot
from localize.cli import main
from test_web_support import web_template  # noqa: F401  (fixture: a workspace with accounts)

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
CASES = tomllib.loads((HOSTILE / "translations" / "cases.toml").read_text(encoding="utf-8"))["case"]
SLUG = "emotional-numbness"
PASSWD = "root:x:0:"                  # what /etc/passwd starts with, on every Linux
SENTINEL = "SENTINEL: a file outside the workspace"


# -- shared helpers -----------------------------------------------------------------------------

def localize(*args) -> int:
    return main([str(a) for a in args])


def po_path(root: Path, lang: str = "es", slug: str = SLUG) -> Path:
    return root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def edition(root: Path, ext: str = "html", lang: str = "es", *, preview: bool = False) -> Path:
    return root / "out" / "editions" / ("previews" if preview else "") / lang / f"{SLUG}.{ext}"


def approve_all(path: Path, change=None) -> None:
    """Translate ("ES " + source) and approve every entry, as a PO editor would (polib, an outside tool);
    ``change(entry)`` may then write something else into some of them."""
    cat = polib.pofile(str(path), wrapwidth=0)
    for entry in cat:
        if entry.obsolete:
            continue
        entry.msgstr = "ES " + entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        if change is not None:
            change(entry)
    cat.save(str(path))
    assert_msgfmt_ok(path)


def plain(text: str) -> str:
    return " ".join(text.split())


def browser(page: str):
    """A page as a browser's HTML5 parser builds it (no namespaces on the element names)."""
    return tinyhtml5.parse(page, namespace_html_elements=False)


def visible_text(root) -> str:
    """The text a reader sees: everything but script and style contents, spaces collapsed."""
    parts = []

    def walk(el):
        if el.tag not in ("script", "style"):
            parts.append(el.text or "")
            for child in el:
                walk(child)
        parts.append(el.tail or "")

    walk(root)
    return plain("".join(parts))


TRANSLATED_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")   # their values are translations


def elements(root) -> Counter:
    """(name, attributes) of every element under ``root``: ``lang`` and ``dir`` aside (the render sets them),
    translated attribute values (and a meta element's content) by name only."""
    def attributes(el):
        for key, value in sorted(el.attrib.items()):
            if key in ("lang", "dir"):
                continue
            if key in TRANSLATED_ATTRIBUTES or (el.tag == "meta" and key == "content"):
                value = "…"
            yield key, value

    return Counter((el.tag, tuple(attributes(el))) for el in root.iter() if isinstance(el.tag, str))


_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href", "background",
                   "srcset", "content")


def assert_nothing_executable(doc, where: str) -> None:
    """No script but JSON-LD, no event handler, no javascript:/vbscript:/data: URL, no frame or refresh."""
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in ("iframe", "frame", "object", "embed", "applet", "base", "svg", "math", "form"), \
            f"{where}: <{el.tag}>"
        if el.tag == "script":
            assert el.get("type") == "application/ld+json", f"{where}: a script that is not JSON-LD"
        if el.tag == "meta":
            assert (el.get("http-equiv") or "").lower() != "refresh", f"{where}: <meta http-equiv=refresh>"
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{where}: <{el.tag} {name}=…>"
            if name.lower() in _URL_ATTRIBUTES:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not squeezed.startswith(("javascript:", "vbscript:", "data:")), \
                    f"{where}: <{el.tag} {name}={value!r}>"


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return out


def squeeze(text: str) -> str:
    """Text without spaces and hyphens, so that line breaks and hyphenation in a PDF do not matter."""
    return re.sub(r"[\s\-\u00ad\u2010\u200b\u200d\ufeff\u2060]", "", text)


def pdf_objects(path: Path) -> bytes:
    import zlib

    data = path.read_bytes()
    found = [data]
    for m in re.finditer(rb"(?<!end)stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            found.append(zlib.decompress(m.group(1)))
    return b"".join(found)


def assert_pdf_inert(path: Path) -> None:
    """No JavaScript, launch, form action or attachment in a PDF, and no link out (the seed has none)."""
    objects = pdf_objects(path)
    for key in (b"/JavaScript", b"/JS", b"/Launch", b"/SubmitForm", b"/ImportData", b"/EmbeddedFile"):
        assert key not in objects, f"{path.name}: {key.decode()}"
    uris = re.findall(rb"/URI\s*\(([^)]*)\)", objects)
    assert uris == [], f"{path.name}: links {uris}"


class Recorder:
    """A local HTTP server that answers 404 to everything and remembers what it was asked for."""

    def __init__(self):
        self.requests: list[str] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                recorder.requests.append(f"{self.command} {self.path}")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_HEAD = _record  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def recorder():
    server = Recorder()
    yield server
    server.close()


class FileAccess:
    """Every file this process opens, lists, creates, renames or removes (Python's audit events),
    while recording. An audit hook cannot be removed: one is added for the module and switched on and off."""

    EVENTS = frozenset(("open", "os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.remove", "os.rmdir",
                        "os.symlink", "os.link", "os.chmod", "os.truncate", "os.utime", "shutil.copyfile",
                        "shutil.rmtree", "sqlite3.connect"))

    def __init__(self):
        self.paths: list[str] | None = None
        sys.addaudithook(self._hook)

    def _hook(self, event, args):
        if self.paths is None or event not in self.EVENTS or not args:
            return
        for arg in args[:1] if event == "open" else args[:2]:   # open's second argument is its mode
            if isinstance(arg, (str, bytes, os.PathLike)):
                self.paths.append(os.fsdecode(arg))

    @contextlib.contextmanager
    def recording(self):
        self.paths = []
        try:
            yield self.paths
        finally:
            self.paths = None


_ACCESS: list[FileAccess] = []


@pytest.fixture(scope="module")
def access() -> FileAccess:
    if not _ACCESS:
        _ACCESS.append(FileAccess())
    return _ACCESS[0]


# -- the seed article, approved in Spanish and published -------------------------------------------

@pytest.fixture(scope="module")
def approved(tmp_path_factory) -> Path:
    """The seed article, every Spanish entry approved, the Spanish and English editions published."""
    root = tmp_path_factory.mktemp("hostile") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    assert localize("--root", root, "extract") == 0
    assert localize("--root", root, "update") == 0
    approve_all(po_path(root))
    assert localize("--root", root, "export", "--lang", "es", "--format", "html,pdf") == 0
    return root


@pytest.fixture
def ws(approved, tmp_path) -> Path:
    copy = tmp_path / "ws"
    shutil.copytree(approved, copy)
    return copy


# -- 1. hostile translations -----------------------------------------------------------------------

def _hostile_text(case: dict, msgid: str) -> str:
    if "replace" in case:
        text = "ES " + msgid
        for old, new in case["replace"]:
            assert old in text, f"{case['name']}: {old!r} is not in the unit"
            text = text.replace(old, new)
        return text
    return case["text"].replace("{source}", msgid)


def write_cases(path: Path, cases: list[dict]) -> dict[str, str]:
    """Approve every entry, the cases' units with their hostile translations; {case name: translation}."""
    written: dict[str, str] = {}

    def change(entry):
        for case in cases:
            if entry.msgid.startswith(case["unit"]):
                entry.msgstr = _hostile_text(case, entry.msgid)
                for flag in case.get("flags", []):
                    entry.flags.append(flag)
                written[case["name"]] = entry.msgstr

    approve_all(path, change)
    assert set(written) == {c["name"] for c in cases}, "a case names a unit the article does not have"
    return written


SOURCE_PAGE = SEED.read_text(encoding="utf-8")


def assert_rendered_inert(page: str, cases: list[dict], where: str, *, edition_page: bool) -> None:
    """The page shows each case's hostile text as text and holds no markup the source does not have."""
    doc, source = browser(page), browser(SOURCE_PAGE)
    assert_nothing_executable(doc, where)
    if edition_page:   # the article as the source has it; the edition's own bar and footer come around it
        added = elements(doc.find(".//article")) - elements(source.find(".//article"))
    else:
        added = elements(doc) - elements(source)
    assert not added, f"{where}: markup the source does not have: {sorted(added)}"
    text = visible_text(doc.find("body"))
    for case in cases:
        for shown in case["shows"]:
            assert plain(shown) in text, f"{where}: {case['name']}: {shown!r} is not shown as text"
        for hidden in case.get("never", []):
            assert plain(hidden) not in text, f"{where}: {case['name']}: {hidden!r} reaches the reader"
        if case.get("falls_back"):   # the unit in English, and saying so
            holder = next(el for el in doc.find("body").iter() if isinstance(el.tag, str)
                          and (el.text or "").lstrip().startswith(case["shows"][0]))
            assert holder.get("lang") == "en", f"{where}: {case['name']}: the English unit is not marked"
    if any("7*7" in c.get("text", "") for c in cases):
        assert "{{ 7*7 }}" in text and "49" not in text, f"{where}: template syntax was evaluated"


def assert_pdf_shows(path: Path, cases: list[dict]) -> None:
    text = squeeze(pdf_text(path))
    for case in cases:
        if not case.get("in_pdf", True):
            continue
        for shown in case["shows"]:
            assert squeeze(shown) in text, f"{path.name}: {case['name']}: {shown!r} is not in the PDF's text"
        for hidden in case.get("never", []):
            assert squeeze(hidden) not in text, f"{path.name}: {case['name']}: {hidden!r} is in the PDF's text"
    assert_pdf_inert(path)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_hostile_translation_is_refused_by_the_gate_or_published_as_text(case, ws, run):
    before = {ext: edition(ws, ext).read_bytes() for ext in ("html", "pdf", "json")}
    write_cases(po_path(ws), [case])
    result = run("export", "--lang", "es", "--format", "html,pdf", cwd=ws)
    assert "Traceback" not in result.err and "internal error" not in result.err, result
    if case["gate"]:
        # refused: the gate names the QA errors, and the published edition stays as it was
        assert result.code == 1, result
        assert result.err.startswith(f"localize: error: es/{SLUG} not published:"), result
        named = re.search(r"QA errors \(([^;)]*)", result.err)
        assert named, result
        assert set(case["gate"]) <= set(named.group(1).split(", ")), result
        assert {ext: edition(ws, ext).read_bytes() for ext in before} == before
    else:
        # published: the hostile text is shown, never obeyed, in the HTML and in the PDF
        assert result.code == 0, result
        assert edition(ws).read_bytes() != before["html"]
        assert_rendered_inert(edition(ws).read_text(encoding="utf-8"), [case], case["name"], edition_page=True)
        assert_pdf_shows(edition(ws, "pdf"), [case])


def test_hostile_translations_past_the_gate_are_text_in_render_and_previews(ws, run):
    """Without the gate (``localize render``, and previews that show drafts), every hostile translation
    at once is still inert text: in the rendered page, the preview's HTML and its PDF."""
    written = write_cases(po_path(ws), CASES)
    assert run("render", "--lang", "es", cwd=ws).code == 0
    rendered = (ws / "out" / "render" / "es" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert_rendered_inert(rendered, CASES, "localize render", edition_page=False)

    result = run("export", "--lang", "es", "--allow-drafts", "--format", "html,pdf", cwd=ws)
    assert result.code == 0, result
    page = edition(ws, preview=True).read_text(encoding="utf-8")
    assert_rendered_inert(page, CASES, "preview", edition_page=True)
    doc = browser(page)
    # the title's translation could not stand: page title and heading are the English ones
    title = "Understanding Emotional Numbness — Causes and Recovery"
    assert written["title breakout"] != title
    assert doc.findtext("head/title") == title and plain(doc.find(".//h1").text) == title
    description = doc.find(".//meta[@name='description']").get("content")
    assert description == written["attribute breakout in meta description"]
    for script in doc.iter("script"):
        assert "</" not in script.text and "<!--" not in script.text
    assert_pdf_shows(edition(ws, "pdf", preview=True), CASES)


def test_a_noncharacter_in_a_faq_answer_reaches_the_json_ld_as_a_replacement_character(ws, run):
    write_cases(po_path(ws), [{"name": "noncharacter in the FAQ", "unit": "Generally no. The feelings",
                               "text": "ES \uFFFE {source}"}])
    result = run("export", "--lang", "es", "--format", "html", cwd=ws)
    assert "internal error" not in result.err, result
    assert result.code == 0, result
    page = edition(ws, "html").read_text(encoding="utf-8")
    assert "\uFFFE" not in page
    faq = [json.loads(s) for s in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]
    answers = [q["acceptedAnswer"]["text"] for d in faq if d["@type"] == "FAQPage" for q in d["mainEntity"]]
    assert any(a.startswith("ES \uFFFD Generally no.") for a in answers), answers


# -- 2. hostile articles -----------------------------------------------------------------------------

REFUSED_ARTICLES = {
    # name: what the one-line error must say, besides the file's name and line
    "billion-laughs": "declares entities",
    "external-entity-file": "declares entities",
    "external-entity-http": "declares entities",
    "control-characters": "control character U+001B",
    "utf16-no-bom": "UTF-16 page without a byte-order mark",
    "latin1-says-utf8": "not UTF-8",
    "nested-divs": "nested too deep",
    "fifty-megabytes": "too big for an article",
}
SPLIT_ARTICLES = {
    # name: every unit of the page, in order: split whole
    "utf16-bom-lying-meta": ["Página en UTF-16", "Señales de alarma",
                             "El entumecimiento emocional — una pausa, no una ausencia."],
    "utf16be-bom-lying-meta": ["Página en UTF-16", "Señales de alarma",
                               "El entumecimiento emocional — una pausa, no una ausencia."],
    "remote-references": ["Remote references", "Nothing here is fetched", "An include:", "and", ".",
                          'A picture <img src="http://127.0.0.1:PORT/picture.png" alt="A remote picture"> '
                          "and a frame.", "A remote picture", "The end."],
}


def hostile_article(name: str, folder: Path, port: int) -> Path:
    """Write one hostile article into ``folder``: from the corpus, or made here (the big ones)."""
    path = folder / f"{name}.html"
    if name == "nested-divs":
        path.write_text("<!DOCTYPE html><html><body>" + "<div>" * 10_000 + "<p>Deep down.</p>"
                        + "</div>" * 10_000 + "</body></html>", encoding="utf-8")
    elif name == "fifty-megabytes":
        paragraph = b"<p>A paragraph of an article that goes on and on, much longer than any article.</p>\n"
        with path.open("wb") as out:
            out.write(b"<!DOCTYPE html><html><body>\n")
            out.write(paragraph * (50 * 1024 * 1024 // len(paragraph) + 1))
            out.write(b"</body></html>\n")
        assert path.stat().st_size > 50 * 1024 * 1024
    else:
        data = (HOSTILE / "articles" / f"{name}.html").read_bytes()
        path.write_bytes(data.replace(b"PORT", str(port).encode()))
    return path


def _units(pot: Path) -> list[str]:
    return [e.msgid for e in polib.pofile(str(pot)) if not e.obsolete]


@pytest.mark.parametrize("name", sorted(REFUSED_ARTICLES))
def test_a_hostile_article_is_refused_whole_and_quickly(name, ws, run, recorder, tmp_path):
    recorder.requests.clear()
    page = hostile_article(name, ws / "source", recorder.port)
    before = snapshot(ws / "locales")
    started = time.monotonic()
    result = run("extract", cwd=ws)
    seconds = time.monotonic() - started
    assert result.code == 2, result
    assert seconds < 5, f"{name}: {seconds:.1f} s to refuse"
    line = result.err.strip()
    assert "\n" not in line and "Traceback" not in line, result
    assert re.match(rf"localize: error: {re.escape(str(page))}(:\d+)?: ", line), line
    assert REFUSED_ARTICLES[name] in line, line
    assert snapshot(ws / "locales") == before, "a catalog was written"

    single = tmp_path / f"{name}.pot"
    result = run("extract", page, "-o", single, cwd=tmp_path)
    assert result.code == 2 and REFUSED_ARTICLES[name] in result.err, result
    assert not single.exists()
    assert recorder.requests == []
    _assert_no_passwd(ws)


@pytest.mark.parametrize("name", sorted(SPLIT_ARTICLES))
def test_a_hostile_article_that_is_read_is_split_whole_and_fetches_nothing(name, ws, run, recorder):
    recorder.requests.clear()
    hostile_article(name, ws / "source", recorder.port)
    result = run("extract", cwd=ws)
    assert result.code == 0, result
    pot = ws / "locales" / f"{name}.pot"
    assert_msgfmt_ok(pot)
    expected = [u.replace("PORT", str(recorder.port)) for u in SPLIT_ARTICLES[name]]
    assert _units(pot) == list(dict.fromkeys(expected))
    assert run("update", cwd=ws).code == 0
    assert_msgfmt_ok(po_path(ws, "es", name))
    assert run("render", "--lang", "es", "--slug", name, "--include-drafts", cwd=ws).code == 0
    # the rendered page is UTF-8 and says so: a browser, sniffing its bytes, reads the article's text
    shown = visible_text(tinyhtml5.parse((ws / "out" / "render" / "es" / f"{name}.html").read_bytes(),
                                         namespace_html_elements=False))
    assert expected[0] in shown and expected[1] in shown and expected[-1] in shown   # title, h1, last
    assert recorder.requests == []
    _assert_no_passwd(ws)


def _assert_no_passwd(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".pot", ".po", ".html", ".json"):
            assert PASSWD not in path.read_text(encoding="utf-8", errors="replace"), f"{path}: /etc/passwd"


# -- 3. hostile identifiers --------------------------------------------------------------------------

HOSTILE_LANGS = ["../../etc/passwd", "../../../../../../etc/passwd", "..%2F..%2Fetc", "%2e%2e", "%2e%2e%2f",
                 "es/../../..", "es%2F..", "..", "es\x00", "es\x00/../../x", "e" * 300, "es\n", "еs", "ｅｓ",
                 "es\u2215..\u2215x", "es.po", "es/LC_MESSAGES", "\\..\\..\\x"]
HOSTILE_SLUGS = ["../../etc/passwd", "../../../../../../etc/passwd", "..%2F..%2Fetc", "%2e%2e", "%2e%2e%2f",
                 "..", "a/b", "a\\b", "a\x00b", "a" * 300, "Emotional-Numbness", "EMOTIONAL-NUMBNESS",
                 "emotional-numbness.html", "emotional-numbness.po", "еmotional-numbness", "emotional\u2010numbness",
                 "emotional-numbness\n", ".emotional-numbness", "/etc/passwd"]
TWIN_LANGS = ["Es", "ES", "eS"]      # the same language, in another case: the one catalog, no twin on disk


def place_sentinels(root: Path, names: list[str], outside: Path) -> dict[Path, tuple[bytes, int]]:
    """A sentinel file wherever a traversal from one of the workspace's folders would land outside the
    workspace but inside ``outside``; {path: (bytes, mtime)}."""
    bases = [root / "source", root / "locales", root / "locales" / "es" / "LC_MESSAGES",
             root / "out" / "render" / "es", root / "out" / "editions" / "es"]
    made = {}
    for name in names:
        if "\x00" in name:
            continue
        for base in bases:
            for ext in ("", ".html", ".po", ".pot", ".pdf", ".json"):
                target = Path(os.path.normpath(base / (name + ext)))
                if target.is_relative_to(root) or not target.is_relative_to(outside) or target == outside:
                    continue
                with contextlib.suppress(OSError):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if not target.exists():
                        target.write_text(SENTINEL, encoding="utf-8")
                        made[target] = (target.read_bytes(), target.stat().st_mtime_ns)
    return made


@pytest.fixture
def deep(approved, tmp_path) -> tuple[Path, Path]:
    """(workspace, outside): a copy of the approved workspace four folders below ``outside``."""
    outside = tmp_path / "outside"
    root = outside / "a" / "b" / "c" / "ws"
    shutil.copytree(approved, root)
    return root, outside


def _outside_snapshot(outside: Path, root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(outside).items() if not (outside / k).is_relative_to(root)}


def assert_never_reached(paths: list[str], root: Path, outside: Path, hostile: str, where: str,
                         allowed: tuple[Path, ...] = ()) -> None:
    """No file outside the workspace (under ``outside``) was touched, nor any whose path holds a hostile
    part of the identifier (``..``, ``passwd``, an encoded, look-alike, over-long or mixed-case name)."""
    suspicious = {part for part in re.split(r"[/\\]", hostile)
                  if part == ".." or "passwd" in part or len(part) > 100
                  or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", part)}
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if path in allowed:
            continue
        if path.is_relative_to(outside):
            assert path.is_relative_to(root), f"{where}: {path} is outside the workspace"
        for part in path.parts:
            assert part not in suspicious, f"{where}: {hostile!r} reached {path}"


def _cli_calls(lang: str | None = None, slug: str | None = None, po_file: Path | None = None) -> list[list]:
    if lang is not None:
        return [["update", "--lang", lang], ["status", "--lang", lang], ["render", "--lang", lang],
                ["export", "--lang", lang, "--format", "html"], ["check", "--lang", lang],
                ["draft", "--lang", lang, "--engine", "memory"], ["import", "--lang", lang, po_file]]
    return [["extract", slug], ["render", "--lang", "es", "--slug", slug],
            ["export", "--lang", "es", "--format", "html", "--slug", slug], ["check", "--lang", "es", "--slug", slug],
            ["draft", "--lang", "es", "--engine", "memory", "--slug", slug],
            ["import", "--lang", "es", "--slug", slug, po_file]]


@pytest.mark.parametrize("kind", ["lang", "slug"])
def test_hostile_identifiers_on_the_command_line_never_reach_the_filesystem(kind, deep, run, access):
    root, outside = deep
    names = HOSTILE_LANGS if kind == "lang" else HOSTILE_SLUGS
    sentinels = place_sentinels(root, names, outside)
    assert sentinels, "no traversal lands inside the test's folder: the sentinels prove nothing"
    po_file = outside / "upload.po"
    shutil.copy(po_path(root), po_file)
    before, around = snapshot(root), _outside_snapshot(outside, root)
    tried = 0
    for name in names:
        for call in _cli_calls(**{kind: name, "po_file": po_file}):
            with access.recording() as paths:
                result = run("--root", root, *call, cwd=outside)
            tried += 1
            where = f"localize {' '.join(map(str, call))!r}"
            assert result.code == 2, f"{where}: {result}"
            assert result.err.startswith("localize: error: ") and result.err.count("\n") == 1, where
            assert SENTINEL not in result.out + result.err
            assert_never_reached(paths, root, outside, name, where, allowed=(po_file,))
            for path in sentinels:
                assert str(path) not in paths, f"{where}: read {path}"
    assert snapshot(root) == before and _outside_snapshot(outside, root) == around
    for path, (data, mtime) in sentinels.items():
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert tried == len(names) * len(_cli_calls(**{kind: "x", "po_file": po_file}))
    print(f"\nhostile {kind}s on the command line: {len(names)} names, {tried} commands, all exit 2; "
          f"{len(sentinels)} sentinels untouched")


HOSTILE_FILE_NAMES = ["..%2F..%2Fetc.po", "%2e%2e.po", "Emotional-Numbness.po", "emotional-numbness.PO.po",
                      "еmotional-numbness.po", "emotional-numbness .po", "-.po", ".po", "a" * 250 + ".po"]


def test_hostile_import_file_names_never_name_a_catalog(deep, run, access):
    root, outside = deep
    before, around = snapshot(root), _outside_snapshot(outside, root)
    upload = outside / "uploads"
    upload.mkdir()
    for name in HOSTILE_FILE_NAMES:
        path = upload / name
        shutil.copy(po_path(root), path)
        with access.recording() as paths:
            result = run("--root", root, "import", "--lang", "es", path, cwd=outside)
        assert result.code == 2 and "pass --slug" in result.err, (name, result)
        assert_never_reached(paths, root, outside, name, name, allowed=(path,))
        path.unlink()
    assert snapshot(root) == before and _outside_snapshot(outside, root) == around


def test_mixed_case_language_twins_are_one_language(deep, run):
    root, _ = deep
    for twin in TWIN_LANGS:
        assert run("--root", root, "update", "--lang", twin).code == 0
        assert run("--root", root, "render", "--lang", twin).code == 0
    assert sorted(p.name for p in (root / "locales").iterdir() if p.is_dir()) == ["ar", "es"]
    assert sorted(p.name for p in (root / "out" / "render").iterdir()) == ["es"]


def test_links_leading_out_of_the_workspace_are_refused(deep, run, access):
    """A well-formed name whose file or folder is a symbolic link out of the workspace: refused too."""
    root, outside = deep
    secret_page = outside / "secret.html"
    secret_page.write_text(f"<html><body><p>{SENTINEL}</p></body></html>", encoding="utf-8")
    secret_folder = outside / "catalogs"
    secret_folder.mkdir()
    (root / "source" / "linked.html").symlink_to(secret_page)
    shutil.move(root / "locales" / "ar", secret_folder / "ar")
    (root / "locales" / "ar").symlink_to(secret_folder / "ar")
    before, around = snapshot(secret_folder), secret_page.read_bytes()
    for call, problem in ((["extract", "linked"], "outside the workspace"),
                          (["update", "--lang", "ar"], "outside the workspace"),
                          (["render", "--lang", "ar"], "outside the workspace")):
        with access.recording() as paths:
            result = run("--root", root, *call, cwd=outside)
        assert result.code == 2 and problem in result.err, (call, result)
        assert str(secret_page) not in paths and SENTINEL not in result.out + result.err
        assert not [p for p in paths if Path(p).is_relative_to(secret_folder)], call
    assert snapshot(secret_folder) == before and secret_page.read_bytes() == around
    assert not (root / "locales" / "linked.pot").exists()


def test_hostile_identifiers_in_the_library_are_refused():
    from localize import languages
    from localize.errors import BadInput
    from localize.workspace import Workspace, slug

    for name in HOSTILE_LANGS:
        with pytest.raises(BadInput, match="language code"):
            languages.validate(name)
    for name in HOSTILE_SLUGS:
        with pytest.raises(BadInput, match="bad article name"):
            slug(name)
    ws = Workspace.open(SEED.parent.parent)
    for name in HOSTILE_LANGS:
        with pytest.raises(BadInput):
            ws.catalog_path(name, SLUG)
    for name in HOSTILE_SLUGS:
        for make in (ws.source_path, ws.template_path, lambda n: ws.catalog_path("es", n)):
            with pytest.raises(BadInput):
                make(name)


# -- the web: review, API and reader URLs ------------------------------------------------------------

@pytest.fixture
def web(deep, web_template):
    """An app over a deep copy of the web tests' workspace (accounts made), the seed published in Spanish."""
    from test_web_support import form_login, make_app

    root, outside = deep
    shutil.rmtree(root)
    shutil.copytree(web_template, root)
    approve_all(po_path(root))
    assert localize("--root", root, "export", "--lang", "es", "--format", "html", "--slug", SLUG) == 0
    app = make_app(root)
    client = app.test_client()
    assert form_login(client, "ada").status_code == 302
    return app, client, root, outside


def _segment(value: str) -> list[str]:
    """How a hostile value travels in a URL path: as it is (unless a request line cannot hold it: control
    characters), percent-encoded (slashes too), and encoded twice."""
    raw = [] if re.search(r"[\x00-\x20\x7f]", value) else [value]
    return list(dict.fromkeys([*raw, quote(value, safe=""), quote(quote(value, safe=""), safe="")]))


def _files(root: Path) -> dict[str, bytes]:
    """The workspace's files but the accounts database, where the app keeps logins and rate limits."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith("instance/")}


def _send(client, method: str, url: str, body: dict | None, token: str):
    if method == "GET":
        return client.get(url)
    if "/api/" in url:
        return client.post(url, json=body, headers={"X-CSRFToken": token})
    return client.post(url, data=body)


def test_hostile_identifiers_in_urls_are_4xx_and_never_reach_the_filesystem(web, access):
    from test_web_support import csrf_token

    app, client, root, outside = web
    entry = next(i for i in app.extensions["localize"].review.items("es", SLUG)).id
    sentinels = place_sentinels(root, HOSTILE_LANGS + HOSTILE_SLUGS, outside)
    before, around = _files(root), _outside_snapshot(outside, root)
    token = csrf_token(client, "/no-such-page")
    tried = Counter()
    for kind, names in (("lang", HOSTILE_LANGS), ("slug", HOSTILE_SLUGS)):
        for name in names:
            for value in _segment(name):
                lang, slug = (value, SLUG) if kind == "lang" else ("es", value)
                requests = [
                    ("GET", f"/review/{lang}/{slug}", None), ("GET", f"/review/{lang}/{slug}/{entry}", None),
                    ("GET", f"/review/{lang}/{slug}/preview", None),
                    ("POST", f"/review/{lang}/{slug}/{entry}", {"csrf_token": token, "action": "save",
                                                                  "version": "x", "text": "ES"}),
                    ("GET", f"/api/{lang}/{slug}/entries", None), ("GET", f"/api/{lang}/{slug}/entries/{entry}", None),
                    ("POST", f"/api/{lang}/{slug}/entries/{entry}", {"action": "save", "version": "x", "text": "ES"}),
                    ("GET", f"/read/{lang}/{slug}/", None), ("GET", f"/read/{lang}/{slug}/{slug}.pdf", None),
                    ("GET", f"/read/{value}/", None),
                    ("POST", "/api/jobs/draft", {"lang": lang, "engine": "memory", "slugs": [slug]}),
                ]
                for method, url, body in requests:
                    where = f"{method} {url!r}"
                    with access.recording() as paths:
                        response = _send(client, method, url, body, token)
                        assert response.status_code != 308, f"{where}: redirected, not refused"
                    tried[response.status_code] += 1
                    assert 400 <= response.status_code < 500, f"{where}: {response.status_code}"
                    assert SENTINEL not in response.get_data(as_text=True), where
                    assert_never_reached(paths, root, outside, name, where)
                    for path in sentinels:
                        assert str(path) not in paths, f"{where}: read {path}"
    assert _files(root) == before and _outside_snapshot(outside, root) == around
    for path, (data, mtime) in sentinels.items():
        assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert sum(tried.values()) >= 300 and set(tried) <= {400, 403, 404, 405}, tried
    print(f"\nhostile identifiers in URLs: {dict(tried)}; {len(sentinels)} sentinels untouched")


def test_mixed_case_twins_in_urls_are_the_one_catalog_or_not_found(web):
    app, client, root, _ = web
    for twin in TWIN_LANGS:
        assert client.get(f"/review/{twin}/{SLUG}").status_code in (200, 404)
        assert client.get(f"/api/{twin}/{SLUG}/entries").status_code in (200, 404)
        assert client.get(f"/read/{twin}/{SLUG}/").status_code in (200, 404)
        for slug in ("Emotional-Numbness", "EMOTIONAL-NUMBNESS"):
            assert client.get(f"/review/es/{slug}").status_code == 404
            assert client.get(f"/read/es/{slug}/").status_code == 404
    assert sorted(p.name for p in (root / "locales").iterdir() if p.is_dir()) == ["ar", "es", "fr"]


# -- 4. the PDF renderer fetches nothing outside the edition's assets ---------------------------------

# a 1×1 PNG: embedded, it would show in pdfimages
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da"
                    "6364f8cf500f00038601805a347d6b0000000049454e44ae426082")


def test_pdf_export_fetches_nothing_outside_the_editions_assets(ws, run, recorder, access):
    """An article whose markup and styles reach for a local server, /etc/passwd and files beside the
    workspace, and a translation that tries the same: no export fetches any of them."""
    recorder.requests.clear()
    secret = ws.parent / "secret.png"
    secret.write_bytes(PNG)
    url = f"http://127.0.0.1:{recorder.port}"
    nested = (f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="{url}/nested.png" '
              'width="10" height="10"/><image href="file:///etc/passwd" width="1" height="1"/></svg>')
    page = SOURCE_PAGE.replace(
        "</head>",
        f'<link rel="stylesheet" href="{url}/link.css"><link rel="icon" href="{url}/icon.png">'
        f'<base href="{url}/base/">'
        f'<style>@import url("{url}/import.css"); @font-face {{ font-family: Remote; src: url("{url}/font.woff2"); }}'
        f' body {{ font-family: Remote, serif; background: url("file:///etc/passwd"); }}'
        f' h2 {{ background-image: url("../../secret.png"); }} h1 {{ background: url("{secret.as_uri()}"); }}'
        f"</style></head>").replace(
        '<p class="kicker">The evidence</p>',
        f'<p class="kicker">The evidence <img src="{url}/picture.png" alt="A chart"></p>'
        f'<p>A local <img src="file:///etc/passwd" alt="A local file"> and <img src="../../secret.png" alt="A secret">'
        f' and <img src="{secret.as_uri()}" alt="Beside"> <img srcset="{url}/srcset.png 2x" alt="Set"> '
        f'<span style="background: url({url}/inline.png)">inline</span>'
        f' <object data="{url}/object.svg"></object> <embed src="{url}/embed.svg"></p>'
        f'<svg width="10" height="10"><image href="{url}/svg-image.png" width="10" height="10"/></svg>'
        f'<iframe src="{url}/frame.html"></iframe><video poster="{url}/poster.png"></video>'
        f'<p>Attached <a rel="attachment" href="{url}/attachment.bin">here</a> and '
        f'<a rel="attachment" href="{secret.as_uri()}">there</a>, drawn '
        f'<img alt="nested" src="data:image/svg+xml,{quote(nested)}">.</p>'
        f'<link rel="attachment" href="file:///etc/passwd">')
    assert page.count(url) == 14
    (ws / "source" / f"{SLUG}.html").write_text(page, encoding="utf-8")
    assert run("extract", cwd=ws).code == 0 and run("update", cwd=ws).code == 0

    def change(entry):
        if entry.msgid.startswith("Beyond suppression"):
            entry.msgstr = (f'ES <img src="{url}/translation.png"> <img src="{secret.as_uri()}"> '
                            f'<span style="background:url(file:///etc/passwd)">x</span> {entry.msgid}')

    approve_all(po_path(ws), change)
    with access.recording() as paths:
        refused = run("export", "--lang", "es", "--format", "html,pdf", cwd=ws)
        preview = run("export", "--lang", "es", "--format", "html,pdf", "--allow-drafts", cwd=ws)
        approve_all(po_path(ws))
        published = run("export", "--lang", "es", "--format", "html,pdf", cwd=ws)
    assert refused.code == 1 and "not published" in refused.err and "(markup" in refused.err, refused
    assert preview.code == 0 and published.code == 0, (preview, published)
    assert recorder.requests == []
    opened = {os.path.abspath(p) for p in paths}
    assert "/etc/passwd" not in opened and str(secret) not in opened
    assert not [p for p in opened if p.startswith(str(ws.parent)) and not p.startswith(str(ws))]
    for pdf in (edition(ws, "pdf"), edition(ws, "pdf", "en"), edition(ws, "pdf", preview=True)):
        images = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                                text=True).stdout.splitlines()[2:]
        assert images == [], f"{pdf}: images were embedded: {images}"
        assert PASSWD not in pdf_text(pdf)
        assert_pdf_inert(pdf)
    # the translation's tags never reach the page: the unit is shown in English
    preview_text = pdf_text(edition(ws, "pdf", preview=True))
    assert "translation.png" not in preview_text and "Beyond suppression" in preview_text
