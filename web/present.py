"""How entries are shown: inline markup as tag chips, a word diff, state names. Pure functions."""

from __future__ import annotations

import difflib
import html
import re
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from localize import markup
from localize.errors import BadInput

# The states of an entry, in the order queues and bars show them, with their names in the UI.
STATES = {
    "needs review": _l("needs review"),
    "machine draft": _l("machine draft"),
    "stale": _l("stale"),
    "untranslated": _l("untranslated"),
    "rejected": _l("rejected"),
    "approved": _l("approved"),
    "obsolete": _l("obsolete"),
}
# Queue filters: name → (label, the states it shows); "errors" is special (QA errors).
FILTERS = {
    "review": (_l("To review"), {"needs review", "machine draft"}),
    "machine": (_l("Machine drafts"), {"machine draft"}),
    "human": (_l("By people, to review"), {"needs review"}),
    "stale": (_l("Stale"), {"stale"}),
    "untranslated": (_l("Untranslated"), {"untranslated"}),
    "rejected": (_l("Rejected"), {"rejected"}),
    "approved": (_l("Approved"), {"approved"}),
    "errors": (_l("With errors"), set()),
}
# jobs.status columns, in the order of the progress bar, with the CSS class of each.
COLUMNS = (("approved", "approved", _l("approved")), ("needs review", "needs-review", _l("needs review")),
           ("machine drafts", "machine-draft", _l("machine drafts")), ("stale", "stale", _l("stale")),
           ("untranslated", "untranslated", _l("untranslated")))
ROLES = {"translator": _l("translator"), "reviewer": _l("reviewer"), "editor": _l("editor"), "admin": _l("admin")}
ACTIONS = {"save": _l("saved"), "approve": _l("approved"), "reject": _l("rejected"), "revert": _l("reverted"),
           "suggest": _l("suggested"), "dismiss": _l("dismissed a suggestion"), "upload": _l("uploaded"),
           "import": _l("imported"), "draft": _l("drafted"), "update": _l("updated from the article"),
           "review": _l("marked for review"), "override": _l("overrode a check"),
           "override-off": _l("took back an override"), "ignore": _l("ignored a warning"),
           "ignore-off": _l("took back an ignored warning")}
# An attribute worth showing on a chip, per tag: where a link goes is what a translator must keep.
_SHOWN_ATTRIBUTE = {"a": "href", "abbr": "title", "img": "alt", "data": "value", "time": "datetime"}


class Piece(NamedTuple):
    """A piece of a unit's text: ``text`` (plain), or a tag ``open``/``close``/``void`` with its chip label."""

    kind: str
    text: str
    raw: str = ""     # the tag as the translation must hold it
    title: str = ""   # every attribute, for a tooltip
    number: int = 0   # the tag's number in the translation box (its placeholder), 0 where it has none


def pieces(fragment: str) -> list[Piece]:
    """A unit's text as plain text and tag chips, in order."""
    found: list[Piece] = []
    pos = 0
    for tag in markup.tags(fragment):
        if tag.start > pos:
            found.append(Piece("text", html.unescape(fragment[pos:tag.start])))
        raw = fragment[tag.start:tag.end]
        if tag.closing:
            found.append(Piece("close", tag.name, raw))
        else:
            attrs = dict(tag.attrs)
            shown = attrs.get(_SHOWN_ATTRIBUTE.get(tag.name, ""), "")
            label = f"{tag.name} {shown}" if shown else tag.name
            kind = "void" if tag.self_closing or tag.name in markup.VOID_TAGS else "open"
            title = " ".join(f'{k}="{v}"' for k, v in tag.attrs)
            found.append(Piece(kind, label, raw, title))
        pos = tag.end
    if pos < len(fragment):
        found.append(Piece("text", html.unescape(fragment[pos:])))
    return found


# Words, spaces, and each placeholder of the translation box as a word of its own.
_WORDS = re.compile("\\s+|\u2066?\u27e6[^\u27e7\\s]{0,5}\u27e7\u2069?|[^\\s\u2066\u27e6]+|\\S")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(``equal``|``delete``|``insert``, text) runs that turn ``old`` into ``new``, word by word."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
        if op in ("delete", "replace"):
            runs.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", "".join(b[j1:j2])))
    return runs


# -- the translation box: the source's tags as numbered placeholders ------------------------------
#
# In the box a tag of the source is a placeholder, ⟦1⟧ … ⟦/1⟧ for a pair and ⟦2/⟧ for a void tag, each
# held between LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE so that it reads the same in a
# right-to-left text. What is submitted may hold placeholders, real tags, or both.
LRI, PDI = "\u2066", "\u2069"
_TOKEN = re.compile("\u2066?\u27e6(/?)([0-9]{1,3})(/?)\u27e7\u2069?")
_BRACKET = re.compile("[\u27e6\u27e7]")
_LOOSE_AMP = re.compile(r"&(?![#A-Za-z0-9]+;)")
_AMP = re.compile(r"&amp;(?![#A-Za-z0-9]+;)")


class Chip(NamedTuple):
    """One tag of a source unit as the editor offers it."""

    number: int
    kind: str     # open, close or void
    raw: str      # the tag as the source writes it
    label: str    # what the chip says: the tag's name, and where a link goes
    title: str    # every attribute, for a tooltip

    @property
    def token(self) -> str:
        return placeholder(self)


def _label(tag: markup.Tag) -> tuple[str, str]:
    attrs = dict(tag.attrs)
    shown = attrs.get(_SHOWN_ATTRIBUTE.get(tag.name, ""), "")
    return (f"{tag.name} {shown}" if shown else tag.name), " ".join(f'{k}="{v}"' for k, v in tag.attrs)


def chips(source: str) -> list[Chip]:
    """The tags of a source unit, in order, numbered: a start tag and its end tag share a number."""
    found: list[Chip] = []
    opened: list[tuple[str, Chip]] = []
    number = 0
    for tag in markup.tags(source):
        raw = source[tag.start:tag.end]
        if tag.closing:
            at = next((i for i in range(len(opened) - 1, -1, -1) if opened[i][0] == tag.name), None)
            if at is None:
                number += 1
                found.append(Chip(number, "close", raw, tag.name, ""))
                continue
            start = opened[at][1]
            del opened[at:]
            found.append(Chip(start.number, "close", raw, start.label, start.title))
            continue
        number += 1
        label, title = _label(tag)
        kind = "void" if tag.self_closing or tag.name in markup.VOID_TAGS else "open"
        chip = Chip(number, kind, raw, label, title)
        found.append(chip)
        if kind == "open":
            opened.append((tag.name, chip))
    return found


def editable(fragment: str, source: str) -> str:
    """A unit's text as the translation box shows it: the source's tags as placeholders, ``&amp;`` as ``&``."""
    known = chips(source)
    starts = [c for c in known if c.kind != "close"]
    ends = {c.number: c for c in known if c.kind == "close"}
    used: set[int] = set()
    opened: list[tuple[str, int | None]] = []
    out, pos = [], 0
    for tag in markup.tags(fragment):
        out.append(_AMP.sub("&", fragment[pos:tag.start]))
        raw, pos = fragment[tag.start:tag.end], tag.end
        if tag.closing:
            at = next((i for i in range(len(opened) - 1, -1, -1) if opened[i][0] == tag.name), None)
            number = None
            if at is not None:
                number = opened[at][1]
                del opened[at:]
            end = ends.get(number)
            out.append(end.token if end is not None and end.raw == raw else raw)
            continue
        chip = next((c for c in starts if c.raw == raw and c.number not in used), None)
        if chip is None:
            out.append(raw)
        else:
            used.add(chip.number)
            out.append(chip.token)
        if not (tag.self_closing or tag.name in markup.VOID_TAGS):
            opened.append((tag.name, chip.number if chip is not None else None))
    out.append(_AMP.sub("&", fragment[pos:]))
    return "".join(out)


def stored(text: str, source: str) -> str:
    """What the translation box sent, as the catalog holds it: placeholders back to the source's tags,
    a lone ``&`` written ``&amp;``; real tags pass as they are. BadInput for a placeholder the source
    has not, or a broken one."""
    known = {(c.number, c.kind == "close"): c for c in chips(source)}
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    marks = sorted([(m.start(), m.end(), m) for m in _TOKEN.finditer(text)]
                   + [(t.start, t.end, None) for t in markup.tags(text)], key=lambda m: m[0])
    out, pos = [], 0
    for start, end, token in marks:
        if start < pos:
            continue
        out.append(_text_part(text[pos:start]))
        pos = end
        if token is None:
            out.append(text[start:end])
            continue
        closing, number, void = token.group(1) == "/", int(token.group(2)), token.group(3) == "/"
        chip = known.get((number, closing))
        if chip is None or closing and void:
            raise BadInput(f"the source has no tag {token.group().strip(LRI + PDI)}: "
                           "use the tags shown with the source")
        out.append(chip.raw)
    out.append(_text_part(text[pos:]))
    return "".join(out)


def _text_part(text: str) -> str:
    broken = _BRACKET.search(text)
    if broken:
        around = text[max(0, broken.start() - 10):broken.end() + 10].replace(LRI, "").replace(PDI, "")
        raise BadInput(f"a tag placeholder is broken near {around!r}: delete it whole, or insert the tag again")
    return _LOOSE_AMP.sub("&amp;", text.replace(LRI + PDI, ""))


def shown(text: str, source: str) -> list[Piece]:
    """Text in the translation box's form as pieces to show: placeholders as chips, any other tag as the text
    it is (a tag the source has not is shown as written, never obeyed)."""
    known = {(c.number, c.kind == "close"): c for c in chips(source)}
    found: list[Piece] = []
    pos = 0
    for token in _TOKEN.finditer(text):
        found.extend(_written(text[pos:token.start()]))
        chip = known.get((int(token.group(2)), token.group(1) == "/"))
        if chip is None:
            found.append(Piece("text", token.group().strip(LRI + PDI)))
        else:
            label = chip.label.split(" ")[0] if chip.kind == "close" else chip.label
            found.append(Piece(chip.kind, label, chip.raw, chip.title, chip.number))
        pos = token.end()
    found.extend(_written(text[pos:]))
    return found


def _written(text: str) -> list[Piece]:
    found, pos = [], 0
    for tag in markup.tags(text):
        if tag.start > pos:
            found.append(Piece("text", html.unescape(text[pos:tag.start])))
        found.append(Piece("text", text[tag.start:tag.end]))
        pos = tag.end
    if pos < len(text):
        found.append(Piece("text", html.unescape(text[pos:])))
    return found


def translation(fragment: str, source: str) -> list[Piece]:
    """A translation as pieces to show: the source's tags as numbered chips, text as text."""
    return shown(editable(fragment, source), source)


def placeholder(piece: Piece) -> str:
    """The placeholder of a numbered tag piece, as the translation box holds it."""
    mark = {"open": f"{piece.number}", "close": f"/{piece.number}", "void": f"{piece.number}/"}[piece.kind]
    return f"{LRI}\u27e6{mark}\u27e7{PDI}"


def numbered(source: str) -> list[Piece]:
    """A source unit as pieces, each tag with the number of its placeholder."""
    return shown(editable(source, source), source)


def history_diff(old: str, new: str, source: str) -> list[tuple[str, list[Piece]]]:
    """A word diff of two translations of a unit, each run as pieces (text and chips)."""
    return [(op, shown(run, source)) for op, run in word_diff(editable(old, source), editable(new, source))]


def state_class(state: str) -> str:
    return state.replace(" ", "-")


def state_label(state: str) -> str:
    return str(STATES.get(state, state))


def role_label(role: str) -> str:
    return str(ROLES.get(role, role))


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
