"""Apertium, for real: protected numbers and names come back, possessives come out in the target's order."""

from __future__ import annotations

import re

import pytest

from localize.engines import apertium, possessive
from localize.engines.apertium import Apertium, decode, encode

PAIRS = {"es": "eng-spa", "ca": "eng-cat", "gl": "en-gl", "eo": "en-eo"}
TOKEN = re.compile(r"⟦\d+⟧")


@pytest.fixture(scope="module")
def installed() -> None:
    """scripts/setup installs Apertium and the four pairs, so none may be missing."""
    assert set(PAIRS.values()) <= apertium.modes(), "run scripts/setup: Apertium pairs missing"


def english_tagger() -> list:
    return apertium._tagging_modes("en", "eng-spa")


# Number contexts where Apertium's rules used to move a number away from its token's signs
# ("a ⟦1⟧-year-old study" came back "un ⟦estudio⟧de1año") or drop it.
NUMBERS = [
    "A ⟦0⟧-year-old study of ⟦1⟧ people.",
    "A ⟦0⟧-fold increase over a ⟦1⟧-week program.",
    "The ⟦0⟧–⟦1⟧ range of scores.",
    "In the ⟦0⟧, the ⟦1⟧ edition sold ⟦2⟧ copies.",
    "About ⟦0⟧ of adults (⟦1⟧ years old) reported it in ⟦2⟧.",
    "Score ⟦0⟧/⟦1⟧ at ⟦2⟧:⟦3⟧ pm, ⟦4⟧ ⟦5⟧ ⟦6⟧.",
    "Psychology of Men & Masculinity, ⟦0⟧(⟦1⟧), ⟦2⟧.",
    "It fell by half, to ⟦0⟧ million, a ⟦1⟧-item scale.",
]


@pytest.mark.parametrize("lang", PAIRS)
def test_every_number_token_comes_back_once(installed, lang):
    drafts = Apertium().translate(NUMBERS, "en", lang)
    for text, d in zip(NUMBERS, drafts):
        assert sorted(TOKEN.findall(d.text)) == sorted(TOKEN.findall(text)), (text, d.text)


def test_a_token_apart_from_words_goes_as_one_number_and_comes_back():
    text, bare = encode("In ⟦0⟧, ⟦1⟧⟦2⟧emotion⟦3⟧ rose by ⟦4⟧-fold.")
    assert text == "In 1000000, ⟦1⟧⟦2⟧emotion⟦3⟧ rose by 1000004 fold."
    assert bare == {0, 4}
    assert decode("En 1000000, ⟦1⟧⟦2⟧emoción⟦3⟧ subió 10000041000000.", bare) == \
        "En ⟦0⟧, ⟦1⟧⟦2⟧emoción⟦3⟧ subió ⟦4⟧⟦0⟧."
    assert decode("3 de 1234567 y 1000009", bare) == "3 de 1234567 y 1000009"   # not ours: left as it is


@pytest.mark.parametrize("text, expected", [
    ("James ⟦0⟧'s work on ⟦1⟧ distinguishes strategies.",
     "The work of James ⟦0⟧ on ⟦1⟧ distinguishes strategies."),
    ("Suppression has a cost: in ⟦0⟧ and John's research, people felt less.",
     "Suppression has a cost: in the research of ⟦0⟧ and John, people felt less."),
    ("Men differ, as ⟦0⟧'s work describes.", "Men differ, as the work of ⟦0⟧ describes."),
    ("Janet ⟦1⟧'s ⟦2⟧gender similarities hypothesis⟦3⟧ is a useful reminder.",
     "The ⟦2⟧gender similarities hypothesis⟦3⟧ of Janet ⟦1⟧ is a useful reminder."),
    ("Janet ⟦1⟧'s ⟦2⟧⟦3⟧⟦4⟧ ⟦5⟧ is a useful reminder.",
     "The ⟦2⟧⟦3⟧⟦4⟧ of Janet ⟦1⟧ ⟦5⟧ is a useful reminder."),
    ("⟦0⟧’s (⟦1⟧) early work shows it.", "The early work of ⟦0⟧ (⟦1⟧) shows it."),
    ("The program of Kabat-Zinn's clinic is free.", "The program of the clinic of Kabat-Zinn is free."),
    ("putting words to one's own feelings", "putting words to one's own feelings"),
    ("It's a brake, and the company's policy.", "It's a brake, and the company's policy."),
    ("visit ⟦0⟧ Debian's mailing list page⟦1⟧ and", "visit ⟦0⟧ the mailing list page⟦1⟧ of Debian and"),
])
def test_possessives_of_names_are_said_the_other_way_round(installed, text, expected):
    assert possessive.rewrite([text], english_tagger()) == [expected]


@pytest.mark.parametrize("lang", PAIRS)
def test_a_protected_name_in_the_possessive_comes_out_after_de(installed, lang):
    texts = ["James ⟦0⟧'s work on emotion regulation distinguishes strategies.",
             "In ⟦0⟧ and John's research, people felt less.",
             "Men differ, as ⟦0⟧'s work describes."]
    drafts = Apertium().translate(texts, "en", lang)
    expected = ["de James ⟦0⟧", "de ⟦0⟧", "de ⟦0⟧"]
    for text, d, of in zip(texts, drafts, expected):
        assert of in d.text, (text, d.text)
        assert "'s" not in d.text and "’s" not in d.text


def test_a_large_batch_shared_among_processes_comes_back_whole_and_in_order(installed, monkeypatch):
    """Cut into one part per core, each its own Apertium process: every text back in its place, as one
    process gives them."""
    lines = [f"The {n} cats sat on mat number {n}." if n % 3 else f"Numbness often follows burnout, case {n}."
             for n in range(2 * apertium.SHARE_FROM + 7)]
    alone = apertium._SEPARATOR.split(apertium._run("eng-spa", "\n\n".join(lines) + "\n").strip("\n"))
    monkeypatch.setattr(apertium.os, "cpu_count", lambda: 2)
    shared = apertium._translate("eng-spa", lines)
    assert shared == alone and len(shared) == len(lines)
    assert "406" in shared[-1] and "gatos" in shared[1] and "201" in shared[201]
