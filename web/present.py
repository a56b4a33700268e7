"""How entries are shown: inline markup as tag chips, a word diff, state names. Pure functions."""

from __future__ import annotations

import difflib
import html
import re
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from localize import markup

# The states of an entry, in the order queues and bars show them, with their names in the UI.
STATES = {
    "needs review": _l("needs review"),
    "machine draft": _l("machine draft"),
    "stale": _l("stale"),
    "untranslated": _l("untranslated"),
    "approved": _l("approved"),
    "obsolete": _l("obsolete"),
}
# Queue filters: name → (label, the states it shows); "errors" is special (QA errors).
FILTERS = {
    "review": (_l("To review"), {"needs review", "machine draft"}),
    "stale": (_l("Stale"), {"stale"}),
    "untranslated": (_l("Untranslated"), {"untranslated"}),
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
           "import": _l("imported"), "draft": _l("drafted"), "update": _l("updated from the article")}
# An attribute worth showing on a chip, per tag: where a link goes is what a translator must keep.
_SHOWN_ATTRIBUTE = {"a": "href", "abbr": "title", "img": "alt", "data": "value", "time": "datetime"}


class Piece(NamedTuple):
    """A piece of a unit's text: ``text`` (plain), or a tag ``open``/``close``/``void`` with its chip label."""

    kind: str
    text: str
    raw: str = ""     # the tag as the translation must hold it
    title: str = ""   # every attribute, for a tooltip


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


_WORDS = re.compile(r"\s+|[^\s]+")


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


def state_class(state: str) -> str:
    return state.replace(" ", "-")


def state_label(state: str) -> str:
    return str(STATES.get(state, state))


def role_label(role: str) -> str:
    return str(ROLES.get(role, role))


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
