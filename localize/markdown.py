"""A Markdown article as the HTML page an editor would write.

Front matter (YAML between ``---`` lines) gives the page's head: ``title``,
``description``, ``authors`` (or ``author``), ``published``, ``modified`` and
``language``. The body is CommonMark (with tables) through markdown-it-py; raw
HTML passes through. A heading may end in ``{#id .class}``. A heading with id
or class ``faq`` or ``references`` (or titled "References", "Sources",
"Bibliography", "Works cited") opens a ``<section>`` with that id up to the next
heading of its level, so the walk finds the FAQ and the reference list as in
an HTML page; the reference list's items get the ids ``ref-1``, ``ref-2``, …
Every block starts on the line of the Markdown file it came from, so units
name the ``.md`` file's lines.
"""

from __future__ import annotations

import datetime
import html
import re

import yaml
from markdown_it import MarkdownIt

from .errors import ArticleError

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)
_ATTRS = re.compile(r"\s*\{((?:\s*[#.][\w-]+)+)\s*\}\s*$")
_REFERENCES = re.compile(r"(?:research )?(?:references|sources|bibliography|works cited)", re.I)
KEYS = ("title", "description", "authors", "author", "published", "modified", "language")
MAX_NESTING = 100


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    return md


def front_matter(text: str, name: str) -> tuple[dict, int]:
    """The front matter's fields and how many lines it takes; ArticleError naming the file if it is bad."""
    found = _FRONT.match(text)
    if found is None:
        return {}, 0
    try:
        fields = yaml.safe_load(found.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise ArticleError(f"{name}:{line}: bad front matter: "
                           f"{getattr(exc, 'problem', None) or exc}") from None
    if not isinstance(fields, dict):
        raise ArticleError(f"{name}:2: bad front matter: a list of key: value lines is expected")
    unknown = [str(k) for k in fields if k not in KEYS]
    if unknown:
        raise ArticleError(f"{name}:2: bad front matter: unknown key {unknown[0]!r} "
                           f"(known: {', '.join(KEYS)})")
    for key in ("title", "description", "language"):
        if key in fields and not isinstance(fields[key], str):
            raise ArticleError(f"{name}:2: bad front matter: {key} must be text")
    authors = fields.pop("author", None)
    authors = fields.get("authors", authors)
    if authors is not None:
        authors = [authors] if isinstance(authors, str) else authors
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            raise ArticleError(f"{name}:2: bad front matter: authors must be a name or a list of names")
        fields["authors"] = authors
    for key in ("published", "modified"):
        value = fields.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                raise ArticleError(f"{name}:2: bad front matter: {key} must be a date (YYYY-MM-DD)") from None
        if not isinstance(value, datetime.date):
            raise ArticleError(f"{name}:2: bad front matter: {key} must be a date (YYYY-MM-DD)")
        fields[key] = value.isoformat()
    return fields, found.group(0).count("\n")


def to_html(data: bytes, name: str) -> bytes:
    """The Markdown article's HTML page, as bytes; ArticleError naming the file when it cannot be read."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ArticleError(f"{name}:{line}: byte 0x{data[exc.start]:02X} is not UTF-8 "
                           "(a Markdown article is UTF-8)") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    fields, skip = front_matter(text, name)
    body = "\n" * skip + [*text.split("\n", skip), ""][skip] if skip else text
    tokens = _parser().parse(body)
    for token in tokens:
        if token.level >= MAX_NESTING - 2:
            line = token.map[0] + 1 if token.map else 1
            raise ArticleError(f"{name}:{line}: cannot read the page whole: elements nested too deep")
    return _page(fields, tokens).encode("utf-8")


def _page(fields: dict, tokens) -> str:
    head = ['<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8">'
            % html.escape(fields.get("language") or "en")]
    title = fields.get("title") or _first_h1(tokens)
    if title:
        head.append(f"<title>{html.escape(title, quote=False)}</title>")
    if fields.get("description"):
        head.append(f'<meta name="description" content="{html.escape(fields["description"])}">')
    for author in fields.get("authors") or ():
        head.append(f'<meta name="author" content="{html.escape(author)}">')
    for key, prop in (("published", "article:published_time"), ("modified", "article:modified_time")):
        if fields.get(key):
            head.append(f'<meta property="{prop}" content="{fields[key]}">')
    head.append("</head><body><article>")
    out = ["".join(head)]
    if fields.get("title") and _first_h1(tokens) is None:
        out.append(f"<h1>{html.escape(fields['title'], quote=False)}</h1>")
    out.append(_body(tokens))
    out.append("</article></body></html>\n")
    return "".join(out)


def _first_h1(tokens) -> str | None:
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h1":
            return _ATTRS.sub("", tokens[i + 1].content).strip() or None
    return None


def _body(tokens) -> str:
    """The blocks, each on its source line; sections around the FAQ and the reference list."""
    md = _parser()
    out: list[str] = []
    line = 1
    open_sections: list[int] = []   # heading levels of open sections
    in_refs = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.map and token.nesting >= 0 and not token.hidden and token.map[0] + 1 > line:
            out.append("\n" * (token.map[0] + 1 - line))
            line = token.map[0] + 1
        if token.type == "heading_open":
            level = int(token.tag[1])
            while open_sections and open_sections[-1] >= level:
                open_sections.pop()
                out.append("</section>")
                in_refs = 0
            inline = tokens[i + 1]
            ident, classes = _heading_attrs(inline)
            text = inline.content.strip()
            role = None
            if "faq" in (ident, *classes):
                role = "faq"
            elif "references" in (ident, *classes) or _REFERENCES.fullmatch(text):
                role = "references"
            if role:
                out.append(f'<section id="{role}" class="{role}">')
                open_sections.append(level)
                in_refs = role == "references"
                if ident == role:
                    ident = None
            attrs = (f' id="{html.escape(ident)}"' if ident else "") + \
                    (f' class="{html.escape(" ".join(classes))}"' if classes else "")
            rendered = f"<{token.tag}{attrs}>" + md.renderer.render([inline], md.options, {}) + f"</{token.tag}>"
            out.append(rendered)
            line += rendered.count("\n")
            i += 3
            continue
        if in_refs and token.type == "list_item_open":
            in_refs += 1
            token.attrSet("id", f"ref-{in_refs - 1}")
        piece = md.renderer.render([token], md.options, {})
        if token.nesting != 0 or token.type in ("hr",):
            piece = piece.rstrip("\n")
        elif token.block and token.type != "inline" and piece.endswith("\n"):
            piece = piece[:-1]
        out.append(piece)
        line += piece.count("\n")
        i += 1
    out.extend("</section>" for _ in open_sections)
    return "".join(out)


def _heading_attrs(inline) -> tuple[str | None, list[str]]:
    """``{#id .class}`` at a heading's end, taken off its text."""
    found = _ATTRS.search(inline.content)
    if found is None:
        return None, []
    parts = found.group(1).split()
    inline.content = inline.content[:found.start()]
    if inline.children:
        last = inline.children[-1]
        if last.type == "text":
            last.content = _ATTRS.sub("", last.content)
    ident = next((p[1:] for p in parts if p.startswith("#")), None)
    return ident, [p[1:] for p in parts if p.startswith(".")]
