"""Apertium, offline, from Debian's packages (``apertium`` and its language pairs).

A whole batch goes through one ``apertium`` process, one blank line between
texts (a single newline is not a boundary for Apertium: words move across
it). Unknown words come back marked ``*word``; the marks are dropped and the
words remembered on the draft.

Apertium reads ``⟦3⟧`` as a number between two signs, and its rules move the
number without the signs: "a ⟦1⟧-year-old study" came back "un ⟦estudio⟧de1año",
and the token was lost. So a token that stands apart from the words around it
goes to Apertium as one plain number (``1000003``), which its rules move whole,
and comes back as the token. The hyphens of a compound after it become spaces:
Apertium translates "a 10 year old study" as "un estudio de 10 años", but glues
"a 10-year-old study" into "un estudiode10años".
A token glued to a word (an inline tag: ``⟦5⟧gender``) keeps its signs, which
keep the word apart from the number. English possessives of names are said
the way Apertium translates them well first (:mod:`.possessive`).

When the reverse mode is installed (``spa-eng`` for ``eng-spa``), the drafts go
back through it in one more batch, and each draft's origin records how far the
translation back agrees with the source, with the fingerprint of the draft's
words (``apertium eng-spa; round trip: 0.62 3fa9c1``, see :func:`localize.loss.agreement`):
Apertium's word salad comes back far from the source more often than its good
drafts do. The check ``round-trip`` reads it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from .. import loss, markup
from ..protect import TOKEN
from . import Draft, Engine, EngineError, possessive

# BCP 47 language → ISO 639-3, for the languages Apertium's modes name either way.
ISO639_3 = {
    "an": "arg", "ar": "ara", "ast": "ast", "be": "bel", "bg": "bul", "br": "bre", "ca": "cat",
    "cy": "cym", "da": "dan", "de": "deu", "el": "ell", "en": "eng", "eo": "epo", "es": "spa",
    "eu": "eus", "fr": "fra", "ga": "gle", "gl": "glg", "hi": "hin", "id": "ind", "is": "isl",
    "it": "ita", "kk": "kaz", "mk": "mkd", "ms": "msa", "mt": "mlt", "nb": "nob", "nn": "nno",
    "oc": "oci", "pl": "pol", "pt": "por", "ro": "ron", "ru": "rus", "sc": "srd", "sh": "hbs",
    "sl": "slv", "sv": "swe", "tr": "tur", "uk": "ukr", "ur": "urd",
}
_MARK = re.compile(r"[*#@]")
_UNKNOWN = re.compile(r"\*([^\W\d_][\w'’-]*)")
_SEPARATOR = re.compile(r"\n[ \t]*\n")
TIMEOUT = 300  # seconds for one batch; ~1,000 units take about a second
SHARE_FROM = 200   # texts from which a batch is shared among as many Apertium processes as there are cores
BARE = 1_000_000  # a token goes to Apertium as this number plus its index: seven digits, one word
_BARE_RUN = re.compile(r"\d+")
_HYPHENED = re.compile(r"(?<=\d)(?:-[^\W\d_]+)+")   # 12-week, 10-year-old
ROUND_TRIP = "round trip:"   # in a draft's origin: "round trip: 0.62 3fa9c1"


def _folder() -> Path:
    return Path(os.environ.get("APERTIUM_DATADIR") or "/usr/share/apertium") / "modes"


@cache
def modes() -> frozenset[str]:
    """The translation modes installed (what ``apertium -l`` lists); empty without Apertium."""
    if shutil.which("apertium") is None:
        return frozenset()
    # what `apertium -l` lists, without its 40 ms: the .mode files of its data folder
    folder = _folder()
    found = frozenset(p.name[:-5] for p in folder.glob("*.mode")) if folder.is_dir() else frozenset()
    if found:
        return found
    try:
        listed = subprocess.run(["apertium", "-l"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in listed.stdout.splitlines() if line.strip())


def _names(tag: str) -> list[str]:
    base = tag.split("-")[0]
    return list(dict.fromkeys(n for n in (base, ISO639_3.get(base)) if n))


def mode_for(source: str, target: str) -> str | None:
    """The installed mode for a pair of BCP 47 tags: en→es is ``eng-spa``, ca-valencia ``eng-cat_valencia``."""
    installed = modes()
    variants = [sub for sub in target.split("-")[1:]]
    for src in _names(source):
        for tgt in _names(target):
            for variant in variants:
                for form in (variant, variant.lower(), variant.upper()):
                    if f"{src}-{tgt}_{form}" in installed:
                        return f"{src}-{tgt}_{form}"
            if f"{src}-{tgt}" in installed:
                return f"{src}-{tgt}"
    return None


def reverse_mode(mode: str) -> str | None:
    """The installed mode that translates a mode's output back: ``spa-eng`` for ``eng-spa``, ``gl-en`` for
    ``en-gl``, ``cat-eng`` for ``eng-cat_valencia``; None without one."""
    source, _, target = mode.partition("-")
    target = target.split("_")[0]
    installed = modes()
    for back in _names(target) + [n for n, code in ISO639_3.items() if code == target]:
        for to in _names(source) + [n for n, code in ISO639_3.items() if code == source]:
            if f"{back}-{to}" in installed:
                return f"{back}-{to}"
    return None


def _run(mode: str, stdin: str) -> str:
    """Apertium's answer for a batch in one mode; EngineError when it fails."""
    try:
        run = subprocess.run(["apertium", mode], input=stdin, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise EngineError(f"apertium: {mode} gave no answer within {TIMEOUT} s") from None
    except OSError as exc:
        raise EngineError(f"apertium: cannot start: {exc.strerror}") from None
    if run.returncode != 0:
        detail = " ".join(run.stderr.split())[:200] or f"exit status {run.returncode}"
        raise EngineError(f"apertium: {mode} failed: {detail}")
    return run.stdout


def _translate(mode: str, lines: Sequence[str]) -> list[str]:
    """Apertium's answer for each one-line text, in order. Apertium works on one core: a large batch
    is cut into as many parts as there are cores, each its own process, all at once."""
    parts = max(1, min(os.cpu_count() or 1, len(lines) // SHARE_FROM))
    size = -(-len(lines) // parts)
    chunks = [lines[start:start + size] for start in range(0, len(lines), size)]

    def one(chunk: Sequence[str]) -> list[str]:
        answer = _SEPARATOR.split(_run(mode, "\n\n".join(chunk) + "\n").strip("\n"))
        if len(answer) != len(chunk):
            raise EngineError(f"apertium: {mode} returned {len(answer)} texts for {len(chunk)}")
        return answer

    if len(chunks) == 1:
        return one(chunks[0])
    with ThreadPoolExecutor(len(chunks)) as pool:
        return [text for answer in pool.map(one, chunks) for text in answer]


def round_trip(sources: Sequence[str], drafts: Sequence[str], mode: str) -> list[float] | None:
    """How far each draft, translated back by ``mode``, agrees with its source (:func:`loss.agreement`);
    None when the batch cannot go back."""
    try:
        back = _translate(mode, [_one_line(text) for text in drafts])
    except EngineError:
        return None
    return [loss.agreement(source, _MARK.sub("", text)) for source, text in zip(sources, back)]


def _tagging_modes(source: str, mode: str) -> list[Path]:
    """The mode files that can tag the source language: the pair's own first."""
    others = sorted(m for m in modes() if m != mode and m.split("-")[0] in _names(source))
    return [_folder() / f"{m}.mode" for m in (mode, *others)]


class Apertium(Engine):
    name = "apertium"
    online = False
    batch_size = 1000
    max_chars = None

    def __init__(self, round_trip: bool = True):
        self.round_trip = round_trip   # translate each draft back, to score it for the round-trip check

    def supports(self, source: str, target: str) -> bool:
        return mode_for(source, target) is not None

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Draft | None]:
        if not modes():
            raise EngineError("apertium: not installed (Debian packages apertium and its language pairs; "
                              "scripts/setup installs them)")
        mode = mode_for(source, target)
        if mode is None:
            raise self.unsupported(source, target)
        sent = [i for i, text in enumerate(texts) if text.strip()]
        if not sent:
            return [None] * len(texts)
        ready = [_one_line(texts[i]) for i in sent]
        if source.split("-")[0] == "en":
            ready = possessive.rewrite(ready, _tagging_modes(source, mode))
        encoded = [encode(text) for text in ready]
        segments = _translate(mode, [text for text, _ in encoded])
        back = reverse_mode(mode) if self.round_trip else None
        judged = [k for k, i in enumerate(sent) if loss.words(texts[i]) >= loss.ROUND_TRIP_WORDS] if back else []
        scores = round_trip([texts[sent[k]] for k in judged], [_MARK.sub("", segments[k]) for k in judged],
                            back) if judged else None
        score_of = dict(zip(judged, scores)) if scores is not None else {}
        found: list[Draft | None] = [None] * len(texts)
        for k, (i, segment, (_, bare)) in enumerate(zip(sent, segments, encoded)):
            unknown = tuple(dict.fromkeys(_UNKNOWN.findall(segment)))
            text = decode(_one_line(_MARK.sub("", segment)), bare)
            origin = f"apertium {mode}"
            if k in score_of:
                origin += f"; {ROUND_TRIP} {score_of[k]:.2f} {loss.fingerprint(text, texts[i])}"
            found[i] = Draft(text, origin, unknown)
        return found


def encode(text: str) -> tuple[str, frozenset[int]]:
    """The text as Apertium gets it, and the tokens that went as plain numbers.

    Every digit of a protected text is inside a token, so a number Apertium
    hands back is one of ours.
    """
    bare: set[int] = set()

    def plain(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if before.isalnum() or after.isalnum() or before == "⟧" or after == "⟦":
            return m.group()
        bare.add(int(m.group(1)))
        return str(BARE + int(m.group(1)))

    if not TOKEN.search(text):
        return text, frozenset()
    out = TOKEN.sub(plain, text)
    if bare:
        out = _HYPHENED.sub(lambda m: m.group().replace("-", " "), out)
    return out, frozenset(bare)


def decode(text: str, bare: frozenset[int]) -> str:
    """Apertium's text with the plain numbers that were tokens turned back into tokens.

    Apertium may glue two numbers (1000001 1000002 → 10000011000002): each
    seven digits are one token.
    """
    if not bare:
        return text
    width = len(str(BARE))

    def token(m: re.Match) -> str:
        run = m.group()
        if len(run) % width:
            return run
        chunks = [int(run[i:i + width]) - BARE for i in range(0, len(run), width)]
        if not all(k in bare for k in chunks):
            return run
        return "".join(f"⟦{k}⟧" for k in chunks)

    return _BARE_RUN.sub(token, text)


def _one_line(text: str) -> str:
    """HTML whitespace (not no-break spaces) collapsed: a text must not hold a blank line."""
    return markup.normalize_space(text).strip(" ")
