"""Real published pages and their human translations: pair the units, and judge our page against theirs.

The corpus (``tests/pages/real/<slug>/en.html`` and one file per human edition,
named by its language) comes from manuals built from one DocBook source in
every language, so an edition has the English page's block structure. The
aligner walks both pages with the walk that splits articles, gives each unit
its place (its kind and its element's ancestry), and pairs the two sequences
of places in order, as sentence aligners do: where a translation dropped or
added a block, the units around it still pair, and the rest stay unpaired.

What a pair yields is a catalog entry: the English unit's text as msgid, the
translator's unit text (their inline markup, hrefs, titles and ids included)
as msgstr. Everything else here measures a rendered page against the human
one: tags shown as text, text per unit, links and anchors.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from lxml import etree

from localize import article, jobs, languages, markup, po
from localize.markup import local_name, without_tags
from localize.workspace import Workspace

CORPUS = Path(__file__).resolve().parent / "pages" / "real"
SOURCE = "en"


class Page(NamedTuple):
    """One article of the corpus: its English page and the languages of its human editions."""

    slug: str
    folder: Path
    languages: tuple[str, ...]   # file names of the editions, BCP 47: "ar-MA", "zh-CN"

    @property
    def source(self) -> Path:
        return self.folder / f"{SOURCE}.html"

    def edition(self, language: str) -> Path:
        return self.folder / f"{language}.html"


def corpus() -> list[Page]:
    pages = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        editions = sorted(p.stem for p in folder.glob("*.html") if p.stem != SOURCE)
        pages.append(Page(folder.name, folder, tuple(editions)))
    return pages


def editions() -> list[tuple[Page, str]]:
    return [(page, language) for page in corpus() for language in page.languages]


# -- units and their places -------------------------------------------------------

class Located(NamedTuple):
    """A unit's text, and where it sits: what pairs it with its counterpart in another edition."""

    text: str
    kind: str
    place: tuple


def _ancestry(element) -> tuple:
    # Ids are left out: generated pages renumber them per language (idm2806 in English, idm2811 in Japanese).
    out = []
    while element is not None:
        if isinstance(element.tag, str):
            out.append((local_name(element.tag), element.get("class")))
        element = element.getparent()
    return tuple(reversed(out))


def located_units(tree: etree._ElementTree) -> list[Located]:
    found: list[Located] = []

    def visit(unit) -> None:
        if isinstance(unit, article.AttributeUnit):
            place = (unit.kind, unit.attribute, _ancestry(unit.element))
        else:
            place = (unit.kind, _ancestry(unit.parent))
        found.append(Located(unit.text, unit.kind, place))

    article.walk(tree, visit)
    return found


# A unit left unpaired costs this much; a pair of units in the same place costs at most 1.25, so
# two units in the same place always pair rather than both stay alone.
_GAP = 1.0
_SHARED = re.compile(r"[^\W_][\w.+/:-]*[^\W_]|\d")


def pair(left: list[Located], right: list[Located]) -> list[tuple[int, int]]:
    """Indexes (left, right) of the units that correspond, in order.

    Only units in the same place can pair. Among those, the cheapest order-keeping
    alignment wins: a pair costs more the further its length ratio is from the
    page's, the fewer words (names, commands, numbers) the two share, and when
    their inline elements differ; an unpaired unit costs a fixed gap. Where a
    translation dropped or added a block, that block stays unpaired and its
    neighbours still find their counterparts.
    """
    a, b = [_features(u) for u in left], [_features(u) for u in right]
    ratio = math.log((sum(f.length for f in b) + 1) / (sum(f.length for f in a) + 1))
    n, m = len(a), len(b)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    step = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            options = []   # (cost, preference on a tie: pairing first, step)
            if i and j and a[i - 1].place == b[j - 1].place:
                options.append((cost[i - 1][j - 1] + _pair_cost(a[i - 1], b[j - 1], ratio), 0, "pair"))
            if i:
                options.append((cost[i - 1][j] + _GAP, 1, "left"))
            if j:
                options.append((cost[i][j - 1] + _GAP, 1, "right"))
            cost[i][j], _, step[i][j] = min(options)
    pairs = []
    i, j = n, m
    while i or j:
        how = step[i][j]
        if how == "pair":
            pairs.append((i - 1, j - 1))
        i, j = (i - 1 if how != "right" else i), (j - 1 if how != "left" else j)
    return pairs[::-1]


class _Features(NamedTuple):
    place: tuple
    length: int
    shared: frozenset    # words that survive translation: names, commands, paths, numbers
    inline: tuple        # the inline elements, by name


def _features(unit: Located) -> _Features:
    text = plain(unit.text)
    return _Features(unit.place, len(text), frozenset(_SHARED.findall(text)),
                     tuple(sorted(t.name for t in markup.tags(unit.text) if not t.closing)))


def _pair_cost(x: _Features, y: _Features, ratio: float) -> float:
    length = min(1.0, abs(math.log((y.length + 8) / (x.length + 8)) - ratio))
    union = x.shared | y.shared
    words = 1 - len(x.shared & y.shared) / len(union) if union else 0.5
    return 0.25 * length + 0.5 * words + (0.5 if x.inline != y.inline else 0.0)


# -- one edition aligned ----------------------------------------------------------

@dataclass
class Alignment:
    """The English page's units, a human edition's, and what pairing them gives a catalog."""

    source: list[Located]
    human: list[Located]
    pairs: list[tuple[int, int]]
    translations: dict[str, str] = field(default_factory=dict)
    # msgids the human page translates in more than one way: a catalog keyed by msgid holds one of them
    ambiguous: set[str] = field(default_factory=set)

    @property
    def rate(self) -> float:
        return len(self.pairs) / len(self.source) if self.source else 1.0

    def judged(self) -> list[tuple[int, int]]:
        """The pairs whose text the rendered page must reproduce: one human translation per msgid."""
        return [(i, j) for i, j in self.pairs if self.source[i].text not in self.ambiguous]


def align(source_html: bytes, human_html: bytes) -> Alignment:
    source = located_units(article.parse(source_html))
    human = located_units(article.parse(human_html))
    pairs = pair(source, human)
    seen: dict[str, Counter] = {}
    for i, j in pairs:
        seen.setdefault(source[i].text, Counter())[human[j].text] += 1
    translations = {msgid: counts.most_common(1)[0][0] for msgid, counts in seen.items()}
    ambiguous = {msgid for msgid, counts in seen.items() if len(counts) > 1}
    return Alignment(source, human, pairs, translations, ambiguous)


# -- judging a rendered page ------------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r\f]+")
# Something a reader would take for a tag: "<a href=…>", "</code>", "<br/>"
_TAGLIKE = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")
_UNSEEN = frozenset(("script", "style"))


def plain(unit_text: str) -> str:
    """What a reader sees of a unit: its text without tags, entities decoded, whitespace collapsed."""
    return _SPACE.sub(" ", html.unescape(without_tags(unit_text))).strip(" ")


def visible_text(tree: etree._ElementTree) -> list[str]:
    """Every text node a browser shows (scripts, styles and comments aside)."""
    out = []
    for el in tree.getroot().iter():
        if isinstance(el.tag, str) and local_name(el.tag) not in _UNSEEN and el.text:
            out.append(el.text)
        if el.tail and el is not tree.getroot():
            out.append(el.tail)
    return out


def escaped_tags(rendered: etree._ElementTree, *originals: etree._ElementTree) -> list[str]:
    """Tag-like text in the rendered page that none of the original pages shows as text."""
    def taglike(tree) -> Counter:
        return Counter(m.group() for text in visible_text(tree) for m in _TAGLIKE.finditer(text))

    allowed: Counter = Counter()
    for tree in originals:
        allowed |= taglike(tree)
    return sorted((taglike(rendered) - allowed).elements())


def _anchors(tree: etree._ElementTree) -> set[str]:
    names = set()
    for el in tree.getroot().iter():
        if isinstance(el.tag, str):
            names.update(v for v in (el.get("id"), el.get("name") if local_name(el.tag) == "a" else None) if v)
    return names


def _hrefs(tree: etree._ElementTree) -> list[str]:
    return [el.get("href") for el in tree.getroot().iter()
            if isinstance(el.tag, str) and local_name(el.tag) in ("a", "area", "link")
            and el.get("href") is not None]


def dangling_fragments(tree: etree._ElementTree) -> list[str]:
    """In-page links (``#frag``) whose target is not in the page; a bare ``#`` is the top."""
    anchors = _anchors(tree)
    return [href for href in _hrefs(tree)
            if href.startswith("#") and len(href) > 1 and unquote(href[1:]) not in anchors]


def relative_links(tree: etree._ElementTree) -> Counter:
    """Links to other pages of the same manual, as written (in-page ``#frag`` links are judged by
    whether they resolve, not by their generated names)."""
    return Counter(href.strip() for href in _hrefs(tree) if _is_relative(href))


def _is_relative(href: str) -> bool:
    parts = urlsplit(href.strip())
    return not parts.scheme and not parts.netloc and bool(parts.path)


# Attributes a translator may change on an inline element of the source (DESIGN.md, "Inline markup"):
# the text of human-readable attributes, an href to the localized counterpart or to a renamed anchor,
# the renamed anchor itself, and lang/dir.
FREE_ATTRIBUTES = frozenset(("title", "alt", "aria-label", "href", "id", "name", "lang", "dir"))


def _elements(text: str, free: frozenset = frozenset()) -> Counter:
    return Counter((t.name, frozenset((k, v) for k, v in t.attrs if k not in free))
                   for t in markup.tags(text) if not t.closing)


def markup_change(msgid: str, msgstr: str) -> str:
    """How a human translation's inline markup differs from its source unit's.

    ``same``: the very tags; ``attributes``: the same elements, only the
    attributes a translator may change changed; ``dropped``: some of the
    source's elements left out, nothing else; ``repeated``: an element of the
    source used more times than there; ``added``: an element the source unit
    does not have (or one whose other attributes changed), which an edition
    does not take.
    """
    if _elements(msgid) == _elements(msgstr):
        return "same"
    mine, theirs = _elements(msgid, FREE_ATTRIBUTES), _elements(msgstr, FREE_ATTRIBUTES)
    if mine == theirs:
        return "attributes"
    extra = theirs - mine
    if not extra:
        return "dropped"
    return "repeated" if set(extra) <= set(mine) else "added"


class Compared(NamedTuple):
    """One paired unit: the English text, the human one, ours, and what ours should read like."""

    msgid: str
    msgstr: str
    rendered: str
    change: str

    @property
    def expected(self) -> str:
        # a translation that adds markup is refused whole: the edition shows the source unit
        return self.msgid if self.change == "added" else self.msgstr

    @property
    def equal(self) -> bool:
        return plain(self.rendered) == plain(self.expected)


def compare_units(alignment: Alignment, rendered: etree._ElementTree) -> list[Compared]:
    """Every judged pair with the rendered page's unit in the same place.

    The rendered page's units are paired with the English page's by place, as
    the human page's are; a unit with no place in the rendered page reads as
    empty.
    """
    ours = located_units(rendered)
    where = dict(pair(alignment.source, ours))
    out = []
    for i, j in alignment.judged():
        msgid, msgstr = alignment.source[i].text, alignment.human[j].text
        k = where.get(i)
        out.append(Compared(msgid, msgstr, ours[k].text if k is not None else "", markup_change(msgid, msgstr)))
    return out


def _unit_links(text: str) -> Counter:
    return Counter(v.strip() for t in markup.tags(text) for k, v in t.attrs
                   if k == "href" and _is_relative(v))


def expected_links(human: etree._ElementTree, compared: list[Compared]) -> Counter:
    """The human page's links to other pages, but the source's in the units an edition refuses."""
    links = relative_links(human)
    for unit in compared:
        if unit.change == "added":
            links = links - _unit_links(unit.msgstr) + _unit_links(unit.msgid)
    return links


def coverage(human: etree._ElementTree, rendered: etree._ElementTree) -> float:
    """The share of the human page's unit text (in characters) found as a whole unit in ours."""
    ours = Counter(plain(u.text) for u in located_units(rendered))
    total = found = 0
    for unit in located_units(human):
        text = plain(unit.text)
        total += len(text)
        if ours[text]:
            ours[text] -= 1
            found += len(text)
    return found / total if total else 1.0


# -- a workspace per article --------------------------------------------------------

def workspace(root: Path, page: Page) -> Workspace:
    """A workspace holding the article and one catalog per language of its human editions."""
    (root / "source").mkdir(parents=True)
    codes = ", ".join(f'"{code}"' for code in page.languages)
    (root / "pyproject.toml").write_text(
        f'[tool.localize]\nsource-language = "{SOURCE}"\nlanguages = [{codes}]\n', encoding="utf-8")
    (root / "source" / f"{page.slug}.html").write_bytes(page.source.read_bytes())
    ws = Workspace.open(root)
    jobs.extract(ws, [page.slug], jobs=1)
    jobs.update(ws, [], jobs=1)
    return ws


def human_catalog(ws: Workspace, page: Page, language: str, alignment: Alignment, dest: Path) -> Path:
    """The workspace's catalog of a language with the human translations in it, approved, as a file to import."""
    tag = languages.validate(language)
    cat = po.parse(ws.catalog_path(tag, page.slug).read_text(encoding="utf-8"))
    for entry in cat.entries:
        msgstr = alignment.translations.get(entry.msgid)
        if msgstr is not None:
            entry.msgstr = msgstr
            entry.set_flag("fuzzy", False)
    dest.write_text(po.dumps(cat), encoding="utf-8")
    return dest


def render(ws: Workspace, page: Page, language: str) -> str:
    tag = languages.validate(language)
    jobs.render(ws, tag, [page.slug], None, include_drafts=False, jobs=1)
    return (ws.output_dir / "render" / tag / f"{page.slug}.html").read_text(encoding="utf-8")


def parse(text: str | bytes) -> etree._ElementTree:
    return article.parse(text)


# -- one edition through import and render ------------------------------------------

@dataclass
class Judged:
    """A human edition brought in through a catalog and rendered by us, measured against the human page."""

    page: Page
    language: str
    alignment: Alignment
    catalog: Path
    report: jobs.ImportReport
    html: str
    escaped: list[str]
    compared: list[Compared]
    dangling: list[str]
    links_missing: Counter   # links to other pages the human page has and ours lacks (refused units aside)
    links_extra: Counter     # and the other way round
    coverage: float


def judge(ws: Workspace, page: Page, language: str, folder: Path) -> Judged:
    source_html, human_html = page.source.read_bytes(), page.edition(language).read_bytes()
    alignment = align(source_html, human_html)
    po_file = human_catalog(ws, page, language, alignment, folder / f"{page.slug}.{language}.po")
    report = jobs.import_catalog(ws, language, po_file, page.slug, approved=True)
    html_text = render(ws, page, language)
    ours, human, source = parse(html_text), parse(human_html), parse(source_html)
    compared = compare_units(alignment, ours)
    mine, theirs = relative_links(ours), expected_links(human, compared)
    return Judged(page, language, alignment, po_file, report, html_text,
                  escaped=escaped_tags(ours, human, source),
                  compared=compared,
                  dangling=dangling_fragments(ours),
                  links_missing=theirs - mine, links_extra=mine - theirs,
                  coverage=coverage(human, ours))


class Identity(NamedTuple):
    dom_equal: bool
    xml_declaration: bool | None   # kept, for a page that has one; None for a page without


def identity(ws: Workspace, page: Page) -> tuple[Identity, str]:
    """The English page rendered in English, compared with the page itself."""
    from domcompare import tokens

    source = page.source.read_bytes()
    html_text = render(ws, page, SOURCE)
    declared = source.lstrip().startswith(b"<?xml")
    kept = html_text.lstrip().startswith("<?xml") if declared else None
    return Identity(tokens(html_text) == tokens(source), kept), html_text
