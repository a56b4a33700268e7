"""What a draft may not lose (words, sentences) and the English possessives a reviewer is told about."""

from __future__ import annotations

import pytest

from localize.loss import review_notes, sentences, vanished
from localize.protect import Terms, protect

TERMS = Terms(keep=("Gross", "Levant", "Hyde"))
SOURCE = ("Suppression has a cost. People who suppress report less positive emotion. "
          "It also dampens pleasant feelings.")


def test_a_full_translation_is_kept():
    p = protect(SOURCE, TERMS)
    assert vanished(p, "La supresión tiene un coste. Quienes la suprimen sienten menos emoción positiva. "
                       "También apaga los sentimientos agradables.") is None


@pytest.mark.parametrize("answer, reason", [
    ("", "no words"),
    ("   .  ", "no words"),
    ("La supresión tiene un coste.", "fewer than 50%"),
    ("La supresión tiene un coste. Quienes la suprimen sienten menos emoción positiva y también "
     "apaga los sentimientos agradables del todo", "a sentence of the source is missing"),
])
def test_a_draft_that_lost_words_or_a_sentence_is_refused_with_its_reason(answer, reason):
    assert reason in vanished(protect(SOURCE, TERMS), answer)


def test_short_units_are_not_held_to_the_ratio():
    p = protect("Myth vs. evidence", TERMS)
    assert vanished(p, "Mito") is None                 # 1 of 3 words, but a heading of three words
    assert vanished(p, "Mito frente a evidencia") is None


def test_names_and_numbers_count_on_neither_side():
    p = protect("Gross found that 12,500 people felt numb in 2009.", TERMS)
    assert vanished(p, "⟦0⟧ encontró que ⟦1⟧ personas se sentían entumecidas en ⟦2⟧.") is None


@pytest.mark.parametrize("text, count", [
    ("One. Two? Three!", 3),
    ("Myth vs. evidence, see p. 12 and Gross et al. for more.", 1),   # abbreviations are not ends
    ("J. J. Gross wrote it.", 1),                                     # nor initials
    ("Es un freno . El entumecimiento sigue .", 2),                   # Apertium's space before a stop
    ("It ends with a tag⟦1⟧. Then more.", 2),
    ("utilizaron a. Luego", 1),                                       # a one-letter word ends one
    ("Vol. 4, No. 7, p. 12. Dijo que no. Luego", 2),                  # "no." before a number or not
])
def test_sentences_are_counted_by_their_ends(text, count):
    assert sentences(text) == count


def test_an_english_possessive_left_on_a_name_is_noted_for_review():
    p = protect("James Gross's work on emotion regulation matters.", TERMS)
    assert review_notes(p, "James ⟦0⟧'s obra encima regulación emocional importa.", "es") == \
        ["review the possessive of Gross"]
    assert review_notes(p, "James ⟦0⟧ obra encima regulación emocional importa.", "es") == \
        ["review the possessive of Gross"]


@pytest.mark.parametrize("language, answer", [
    ("es", "La obra de James ⟦0⟧ sobre la regulación emocional importa."),
    ("ca", "La feina de James ⟦0⟧ en regulació emocional importa."),
    ("fr", "Le travail d'⟦0⟧ sur la régulation émotionnelle compte."),
    ("eo", "La laboro de James ⟦0⟧ pri emocia reguligo gravas."),
    ("en-GB", "James ⟦0⟧'s work on emotion regulation matters."),
])
def test_a_possessive_said_the_target_way_needs_no_note(language, answer):
    p = protect("James Gross's work on emotion regulation matters.", TERMS)
    assert review_notes(p, answer, language) == []


def test_coordinated_names_after_the_genitive_need_no_note():
    p = protect("In Levant and Gross's research, men differ.", TERMS)
    assert review_notes(p, "En la búsqueda de ⟦0⟧ y ⟦1⟧, los hombres difieren.", "es") == []


def test_a_language_whose_possessive_is_not_known_here_is_always_noted():
    p = protect("Gross's work matters.", TERMS)
    assert review_notes(p, "⟦0⟧s Arbeit ist wichtig.", "de") == ["review the possessive of Gross"]


# -- sentence ends that are not ---------------------------------------------------

@pytest.mark.parametrize("text, count", [
    ("Chapter 4. Installation", 0),                    # a heading's number
    ("4.3. After the First Boot", 0),
    ("Capítulo 10. Infraestructura de red", 0),
    ("It was 4. Then it ended.", 2),                   # a number that ends a sentence still does
])
def test_numbering_and_abbreviations_that_never_end_a_sentence(text, count):
    assert sentences(text) == count
