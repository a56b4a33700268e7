"""The checks of machine output (`unknown-words`, `dropped`) on real Apertium drafts of the seed article.

The pass/fail tables of both checks are in test_checks.py, with every other check's.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from pathlib import Path

import pytest

from conftest import SEED
from localize import checks, languages, loss, po
from localize.checks import machine
from localize.engines import apertium

SLUG = "emotional-numbness"
DESCRIPTION = "Emotional numbness is usually a protective state"   # the meta description: alexithymia, flatten
BEYOND = "Beyond suppression and alexithymia"                      # a paragraph of three sentences
GENERALLY_NO = ("Generally no. The feelings are usually still there but cut off from awareness or expression by "
                "suppression, burnout, or a weak emotional vocabulary. Reading numbness as coldness tends to be "
                "inaccurate and can deepen it. The person often cares but cannot easily access or convey what "
                "they feel.")


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> Path:
    """A workspace with the seed article drafted by Apertium into es, ca, gl and eo (no glossary)."""
    assert {"eng-spa", "eng-cat", "en-gl", "en-eo"} <= apertium.modes(), "run scripts/setup: Apertium pairs missing"
    from localize.cli import main
    root = tmp_path_factory.mktemp("machine") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ca", "gl", "eo"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    for args in (["extract"], ["update"], *(["draft", "--lang", lang] for lang in ("es", "ca", "gl", "eo"))):
        assert main(["--root", str(root), *args]) == 0, args
    return root


def po_path(ws: Path, lang: str) -> Path:
    return ws / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"


def problems(run, ws: Path, lang: str, check: str) -> dict[str, str]:
    """{msgid: message} of one check's findings in one language, from `localize check --format json`."""
    result = run("check", "--lang", lang, "--format", "json", cwd=ws)
    assert result.code in (0, 1), result
    return {p["msgid"]: p["message"] for p in json.loads(result.out) if p["check"] == check}


def entry(cat: po.Catalog, start: str) -> po.Entry:
    return next(e for e in cat.entries if e.msgid.startswith(start))


def edited_copy(tmp_path: Path, ws: Path, lang: str, start: str, edit) -> Path:
    """A copy of the workspace where one draft was edited as a PO editor does it: comments and flags kept."""
    copy = tmp_path / "ws"
    shutil.copytree(ws, copy)
    path = po_path(copy, lang)
    cat = po.parse(path.read_text(encoding="utf-8"))
    found = entry(cat, start)
    found.msgstr = edit(found.msgstr)
    path.write_text(po.dumps(cat), encoding="utf-8")
    return copy


# -- unknown-words ------------------------------------------------------------------

def test_a_spanish_draft_warns_of_the_words_apertium_did_not_know(drafted, run):
    cat = po.parse(po_path(drafted, "es").read_text(encoding="utf-8"))
    description = entry(cat, DESCRIPTION)
    assert "unknown words:" in description.draft_origin and "alexithymia" in description.draft_origin
    assert "alexithymia" in description.msgstr          # Apertium leaves the word as it is, unmarked
    found = problems(run, drafted, "es", "unknown-words")
    assert '"flatten"' in found[description.msgid]
    # a word English's dictionary does not know reads as a term a translation keeps ("systemd"): a rare
    # English word such as this one is the cost of that rule
    assert '"alexithymia"' not in found[description.msgid]
    # an entry the engine knew every word of is not reported
    known = [e.msgid for e in cat.entries if e.draft_origin and "unknown words" not in e.draft_origin]
    assert known and not set(known) & set(found)


def test_the_warning_goes_once_a_person_edits_the_words_away(drafted, run, tmp_path: Path):
    partly = edited_copy(tmp_path / "partly", drafted, "es", DESCRIPTION,
                         lambda text: text.replace("alexithymia", "alexitimia"))
    message = next(m for msgid, m in problems(run, partly, "es", "unknown-words").items()
                   if msgid.startswith(DESCRIPTION))
    assert '"alexithymia"' not in message and '"flatten"' in message
    done = edited_copy(tmp_path / "done", drafted, "es", DESCRIPTION,
                       lambda text: text.replace("alexithymia", "alexitimia").replace("flatten", "aplanan"))
    cat = po.parse(po_path(done, "es").read_text(encoding="utf-8"))
    assert "unknown words: alexithymia" in entry(cat, DESCRIPTION).draft_origin   # the record is still there
    assert not [msgid for msgid in problems(run, done, "es", "unknown-words") if msgid.startswith(DESCRIPTION)]


@pytest.mark.parametrize("lang", ["es", "ca", "gl", "eo"])
def test_every_pair_reports_its_unknown_words_and_only_as_warnings(drafted, run, lang):
    cat = po.parse(po_path(drafted, lang).read_text(encoding="utf-8"))
    # what the test expects, read from the catalog by hand: an entry whose draft lists "emotional"
    # and whose text still has it
    expected = {e.msgid for e in cat.entries if e.draft_origin and "emotional" in machine.unknown_words(e)
                and re.search(r"\bemotional\b", e.msgstr.lower())}
    found = problems(run, drafted, lang, "unknown-words")
    assert found, f"Apertium {lang} knew every word"
    assert all('"emotional"' in found[msgid] for msgid in expected)
    result = json.loads(run("check", "--lang", lang, "--format", "json", cwd=drafted).out)
    assert {p["severity"] for p in result if p["check"] == "unknown-words"} == {"warning"}


# -- dropped ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["es", "ca", "gl", "eo"])
def test_whole_apertium_drafts_are_not_reported_as_dropped(drafted, run, lang):
    found = problems(run, drafted, lang, "dropped")
    # but one: eng-spa and eng-cat read the answer "Generally no." as "No. 7" ("Generalmente núm. Las…")
    expected = {GENERALLY_NO: "3 sentences for the source's 4"} if lang in ("es", "ca") else {}
    assert {msgid: m for msgid, m in found.items()} == expected


def test_a_draft_cut_short_by_a_sentence_is_reported(drafted, run, tmp_path: Path):
    def cut(text: str) -> str:          # the draft's first two sentences of three
        parts = re.split(r"(?<=\.) ", text)
        assert len(parts) == 3, text
        return " ".join(parts[:2])

    copy = edited_copy(tmp_path, drafted, "es", BEYOND, cut)
    found = problems(run, copy, "es", "dropped")
    assert [m for msgid, m in found.items() if msgid.startswith(BEYOND)] == ["2 sentences for the source's 3"]
    assert set(found) - {GENERALLY_NO} == {next(msgid for msgid in found if msgid.startswith(BEYOND))}


def test_a_draft_that_keeps_a_third_of_the_words_is_reported(drafted, run, tmp_path: Path):
    copy = edited_copy(tmp_path, drafted, "es", DESCRIPTION, lambda text: "El entumecimiento emocional protege.")
    found = [m for msgid, m in problems(run, copy, "es", "dropped").items() if msgid.startswith(DESCRIPTION)]
    assert found == ["4 words for the source's 30: under 50% of them"]


# -- the record the check reads -------------------------------------------------------

@pytest.mark.parametrize("comments, words", [
    (["draft: apertium eng-spa; unknown words: numb"], ["numb"]),
    (["translator: checked", "draft: apertium eng-cat; unknown words: reappraisal, suppressors"],
     ["reappraisal", "suppressors"]),
    (["draft: apertium en-gl; unknown words: flatten; review the possessive of Gross"], ["flatten"]),
    (["draft: apertium en-eo; review the possessive of Gross"], []),
    (["draft: memory 92%"], []),
    (["unknown words: numb"], []),                  # not a draft's record
    ([], []),
])
def test_unknown_words_are_read_from_the_draft_comment(comments, words):
    assert machine.unknown_words(po.Entry("x", "y", comments=comments)) == words


def test_a_person_saving_the_entry_ends_the_warning():
    """The review actions drop the draft comment when a person saves: the record goes with it."""
    from localize import review
    saved = po.Entry("I feel numb.", "Me siento numb.", flags=["fuzzy"],
                     comments=["draft: apertium eng-spa; unknown words: numb"])
    ctx = checks.Context(languages.parse("es"))
    assert [p.check for p in checks.run([saved], ctx)] == ["unknown-words"]
    review._human(saved, "Me siento numb.", fuzzy=False)
    assert [p.check for p in checks.run([saved], ctx)] == []


# -- spelling -------------------------------------------------------------------------

@pytest.fixture
def fresh_dictionaries(monkeypatch):
    """The spelling check's dictionaries looked up anew, and nothing said yet."""
    from localize.checks import spelling
    monkeypatch.setattr(spelling, "_dictionaries", {})
    monkeypatch.setenv("LOCALIZE_JOBS", "1")
    return spelling


def test_a_misspelling_in_a_real_spanish_draft_is_reported(drafted, run, tmp_path: Path):
    cat = po.parse(po_path(drafted, "es").read_text(encoding="utf-8"))
    assert "estado protector" in entry(cat, DESCRIPTION).msgstr
    copy = edited_copy(tmp_path, drafted, "es", DESCRIPTION, lambda text: text.replace("protector", "protectorr"))
    found = [m for msgid, m in problems(run, copy, "es", "spelling").items() if msgid.startswith(DESCRIPTION)]
    assert len(found) == 1 and '"protectorr"' in found[0]
    assert '"alexithymia"' not in found[0]            # a word of the source: unknown-words' business


@pytest.mark.parametrize("lang", ["es", "ca", "gl"])
def test_real_drafts_are_checked_with_the_language_dictionary(drafted, run, lang, fresh_dictionaries, caplog):
    found = problems(run, drafted, lang, "spelling")
    assert all(m.startswith("not in the dictionary: ") for m in found.values())
    assert fresh_dictionaries.dictionary(lang) is not None
    assert not [r for r in caplog.records if "spelling" in r.getMessage()]


def test_esperanto_has_no_dictionary_and_says_so_once(drafted, run, fresh_dictionaries, caplog):
    caplog.set_level(logging.WARNING, logger="localize.checks")
    assert problems(run, drafted, "eo", "spelling") == {}
    problems(run, drafted, "eo", "spelling")
    said = [r.getMessage() for r in caplog.records if "spelling" in r.getMessage()]
    assert said == ["spelling: no Hunspell dictionary for eo; eo drafts are not checked for spelling"]


def test_without_enchant_nothing_is_guessed(fresh_dictionaries, monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="localize.checks")
    monkeypatch.setattr(fresh_dictionaries, "_enchant", lambda: None)
    draft = po.Entry("I feel numb.", "Me siento entumecimeinto.", comments=["draft: apertium eng-spa"])
    ctx = checks.Context(languages.parse("es"))
    assert checks.run([draft, draft], ctx) == []
    said = [r.getMessage() for r in caplog.records if "spelling" in r.getMessage()]
    assert said == ["spelling: enchant is not installed; es drafts are not checked for spelling"]


def test_a_regional_variant_uses_its_own_dictionary(fresh_dictionaries):
    assert fresh_dictionaries.dictionary("es-MX").tag == "es_MX"
    assert fresh_dictionaries.dictionary("es").tag.startswith("es_")
    assert fresh_dictionaries.dictionary("gl").tag == "gl_ES"


# -- words a translation keeps as they are -----------------------------------------------

def _unknown(source: str, target: str, words: str, lang: str = "es", article: list[str] | None = None):
    entry = po.Entry(source, target, flags=["fuzzy"], comments=[f"draft: apertium eng-spa; unknown words: {words}"])
    ctx = checks.Context(languages.parse(lang))
    if article is not None:
        ctx = machine.with_article(ctx, article)
    return [p.message for p in checks.run([entry], ctx) if p.check == "unknown-words"]


@pytest.mark.parametrize("source, target, words", [
    # a name: a capital in the middle of a sentence
    ("The switch to Debian will be gradual.", "El cambio a Debian será gradual.", "Debian"),
    # acronyms, inner capitals
    ("System boot, SSH, Telnet, PCMCIA", "Arranque, SSH, Telnet, PCMCIA", "SSH, PCMCIA"),
    ("Scripts for SysV init", "Scripts para SysV", "SysV"),
    # code
    ('Run <code class="command">poweroff</code> now.', 'Ejecute <code class="command">poweroff</code> ya.',
     "poweroff"),
    ('The file <span class="filename">hotplug</span> is read.', 'Se lee el fichero <span class="filename">hotplug</span>.',
     "hotplug"),
    # a quoted name kept word for word
    ("the task “Debian desktop environment” is chosen", "la tarea “Debian desktop environment” está elegida",
     "Debian, desktop"),
])
def test_names_acronyms_and_code_a_translation_keeps_are_not_reported(source, target, words):
    assert _unknown(source, target, words) == []


@pytest.mark.parametrize("source, target, words, left", [
    # capitalized only as the first word of a sentence: an English word
    ("Reconnection is usually gradual.", "Reconnection es normalmente gradual.", "Reconnection", '"Reconnection"'),
    ("Prev", "Prev", "Prev", '"Prev"'),
    # a title-case heading says nothing of names
    ("When Irritability Takes Over", "Cuando Irritability Toma", "Irritability", '"Irritability"'),
    # capitals of a shouted phrase are not an acronym
    ("BACK TO BASICS Device permissions", "ATRÁS A BASICS Permisos", "BASICS", '"BASICS"'),
    # a quoted phrase the draft translated in part
    ("an option to “log out” is available", "una opción a “log fuera” está disponible", "log", '"log"'),
    # lower case elsewhere in the article: a common word, capital or not
    ("Overview of the network", "Overview de la red", "Overview", '"Overview"'),
])
def test_english_words_left_are_still_reported(source, target, words, left):
    found = _unknown(source, target, words)
    assert len(found) == 1 and left in found[0]


def test_the_article_knows_names_a_unit_does_not_show():
    heading = ("Falcot Corp, SMB, Strong Growth", "Falcot Corp, SMB, Crecimiento fuerte", "Falcot, Corp, SMB")
    assert '"Falcot", "Corp"' in _unknown(*heading)[0]      # a title-case unit alone: no name in it
    article = ["Falcot Corp, SMB, Strong Growth", "The servers of Falcot Corp are old."]
    assert _unknown(*heading, article=article) == []
    # a word the article also writes in lower case is no name there
    assert _unknown("Numbness", "Numbness", "Numbness", article=["Numbness", "It is numbness."])



def test_a_language_without_a_region_is_spelled_with_its_home_dictionary(fresh_dictionaries):
    """Spanish is Spain's dictionary, not the first of the regions' alphabetically (es_AR); a language
    with regional dictionaries only takes one of them; a region asked for is the one used."""
    tags = {tag: fresh_dictionaries.dictionary(tag).tag for tag in ("es", "es-MX", "gl", "fr", "ca")}
    assert tags == {"es": "es_ES", "es-MX": "es_MX", "gl": "gl_ES", "fr": "fr", "ca": "ca"}


def test_a_dictionary_enchant_cannot_load_is_said_and_not_used(fresh_dictionaries, monkeypatch, caplog):
    import enchant

    def broken(name):
        raise enchant.errors.Error(f"cannot load {name}")

    caplog.set_level(logging.WARNING, logger="localize.checks")
    monkeypatch.setattr(enchant, "Dict", broken)
    draft = po.Entry("I feel numb.", "Me siento entumecimeinto.", comments=["draft: apertium eng-spa"])
    assert checks.run([draft], checks.Context(languages.parse("es"))) == []
    said = [r.getMessage() for r in caplog.records if "spelling" in r.getMessage()]
    assert said == ["spelling: no Hunspell dictionary for es; es drafts are not checked for spelling"]

# -- spelling: what the dictionary is asked ------------------------------------------------

def _spelling(target: str, lang: str, source: str = "x", article: list[str] | None = None, authors=()):
    entry = po.Entry(source, target, flags=["fuzzy"], comments=["draft: apertium eng-cat"])
    ctx = checks.Context(languages.parse(lang), authors=authors)
    if article is not None:
        ctx = machine.with_article(ctx, article)
    return [p.message for p in checks.run([entry], ctx) if p.check == "spelling"]


def test_spelling_reads_tags_as_spaces_and_catalan_l_l_as_one_word():
    assert _spelling("<strong>Següent</strong>Capítol 10. Infraestructura de xarxa", "ca") == []
    assert _spelling("1,4. Què és l'Instal·lador de Debian?", "ca", "What is the Debian Installer?") == []


def test_spelling_reads_arabic_with_its_vowel_signs():
    assert _spelling("تتفق الحزم المثبّتة مع لائحة الحزم المنتقاة أثناء التثبيت", "ar") == []
    assert _spelling("الحزم المثبّتةة", "ar") != []


def test_spelling_allows_the_words_of_the_whole_article():
    target = "Segons Pennebaker, escriure ajuda."
    assert _spelling(target, "ca", "Writing helps.") == ['not in the dictionary: "Pennebaker"']
    assert _spelling(target, "ca", "Writing helps.", article=["Writing helps.", "As Pennebaker found"]) == []


def test_acronyms_and_words_cut_short_are_not_spelled():
    assert _spelling("Vegeu el B.A.-BA de la base de dades dels grou...", "ca") == []


def test_a_sentence_read_as_a_number_abbreviation_is_reported_dropped():
    """Apertium reads "Generally no. Research points…" as "No. 7": the sentence goes, "núm." stays."""
    entry = po.Entry("It is protective. Generally no. Research points toward easing the load.",
                     "Es protector. Generalmente puntos de Búsqueda del núm. hacia aliviar la carga.",
                     flags=["fuzzy"], comments=["draft: apertium eng-spa"])
    found = [p.message for p in checks.run([entry], checks.Context(languages.parse("es"))) if p.check == "dropped"]
    assert found == ["2 sentences for the source's 3"]
    entry.msgstr = "Es protector. Generalmente no. Véase la pág. 4 y el núm. 7 de la revista."
    assert [p for p in checks.run([entry], checks.Context(languages.parse("es"))) if p.check == "dropped"] == []


# -- round-trip -----------------------------------------------------------------------------

def test_every_draft_with_a_reverse_pair_records_its_round_trip_and_it_fits_the_finished_text(drafted):
    """The fingerprint Apertium wrote at draft time matches the draft `localize draft` saved (tags, names
    and numbers put back, Spanish question marks added), in every language with a reverse pair; a source
    too short to judge is not sent back at all."""
    from localize import loss
    from localize.checks.base import plain_text
    for lang in ("es", "ca", "gl", "eo"):
        cat = po.parse(po_path(drafted, lang).read_text(encoding="utf-8"))
        drafts = [e for e in cat.entries if e.msgid and e.draft_origin]
        assert drafts, lang
        for e in drafts:
            found = machine.round_trip(e)
            if loss.words(plain_text(e.msgid, " ")) < machine.ROUND_TRIP_WORDS:
                assert found is None, (lang, e.msgid)
                continue
            assert found is not None, (lang, e.draft_origin)
            score, mark = found
            assert 0 <= score <= 1
            assert loss.fingerprint(plain_text(e.msgstr, " "), plain_text(e.msgid, " ")) == mark, (lang, e.msgid)


def test_apertium_word_salad_is_reported_and_a_faithful_draft_is_not():
    ctx = checks.Context(languages.parse("ca"), "en")
    salad, faithful = apertium.Apertium().translate(
        ["Can low self-esteem go away on its own?", "Small steps that help with low self-esteem"], "en", "ca")
    for d, expected in ((salad, ["round-trip"]), (faithful, [])):
        e = po.Entry(("Can low self-esteem go away on its own?" if d is salad
                      else "Small steps that help with low self-esteem"), d.text, flags=["fuzzy"],
                     comments=[po.DRAFT_COMMENT + d.origin])
        assert [p.check for p in checks.run([e], ctx) if p.check == "round-trip"] == expected, d
        if expected:
            found = next(p for p in checks.run([e], ctx) if p.check == "round-trip")
            assert found.severity == "warning"
            assert "translated back into English" in found.message


def test_a_person_who_rewrites_the_draft_ends_the_round_trip_warning():
    source = "Can low self-esteem go away on its own?"
    d = apertium.Apertium().translate([source], "en", "es")[0]
    ctx = checks.Context(languages.parse("es"), "en")
    e = po.Entry(source, d.text, flags=["fuzzy"], comments=[po.DRAFT_COMMENT + d.origin])
    assert "round-trip" in [p.check for p in checks.run([e], ctx)]
    e.msgstr = "¿Puede la baja autoestima desaparecer por sí sola?"   # comment and flag kept, as a PO editor does
    assert "round-trip" not in [p.check for p in checks.run([e], ctx)]


def test_a_short_source_is_not_judged_by_its_round_trip():
    """"Documentation Site" would come back "Place of documentation": four words or fewer say too little, so
    they are not sent back; the check leaves a short source alone even when a score is recorded."""
    d = apertium.Apertium().translate(["Documentation Site"], "en", "es")[0]
    assert machine.round_trip(po.Entry("Documentation Site", d.text, comments=[po.DRAFT_COMMENT + d.origin])) is None
    recorded = f"{d.origin}; round trip: 0.20 {loss.fingerprint(d.text, 'Documentation Site')}"
    e = po.Entry("Documentation Site", d.text, flags=["fuzzy"], comments=[po.DRAFT_COMMENT + recorded])
    assert machine.round_trip(e)[0] == 0.2
    assert "round-trip" not in [p.check for p in checks.run([e], checks.Context(languages.parse("es"), "en"))]


@pytest.mark.parametrize("origin, found", [
    ("apertium eng-spa; round trip: 0.62 3fa9c1; unknown words: numb", (0.62, "3fa9c1")),
    ("apertium eng-spa; unknown words: numb", None),
    ("apertium eng-spa; round trip: high", None),
])
def test_the_round_trip_is_read_from_the_draft_comment(origin, found):
    assert machine.round_trip(po.Entry("x", "y", comments=[po.DRAFT_COMMENT + origin])) == found


def test_a_pair_without_a_reverse_mode_records_no_round_trip():
    assert apertium.reverse_mode("eng-spa") == "spa-eng" and apertium.reverse_mode("en-gl") == "gl-en"
    assert apertium.reverse_mode("eng-cat_valencia") == "cat-eng"
    assert apertium.reverse_mode("xx-yy") is None


# -- English words and terms ------------------------------------------------------------------

@pytest.mark.parametrize("source, target, left", [
    ("Restart the systemd service now.", "Reinicie el servicio systemd ahora.", []),      # not English: a term
    ("It supports hotplug and APM devices.", "Soporta dispositivos hotplug y APM.", []),
    ("I feel numb all the time.", "Me siento numb todo el tiempo.", ["numb"]),            # English left in
    ("Prev", "Prev", ["Prev"]),                                                           # English, written as a word
])
def test_unknown_words_english_does_not_know_are_terms(source, target, left):
    from localize.checks import spelling
    assert spelling.dictionary("en-US") is not None, "run scripts/setup: hunspell-en-us missing"
    words = re.findall(r"\w+", source)
    unknown = [w for w in words if w.lower() in {"systemd", "hotplug", "apm", "numb", "prev"}]
    e = po.Entry(source, target, flags=["fuzzy"],
                 comments=["draft: apertium eng-spa; unknown words: " + ", ".join(unknown)])
    found = [p.message for p in checks.run([e], checks.Context(languages.parse("es"), "en")) if p.check == "unknown-words"]
    assert found == (["words the engine did not know are still in the translation: " +
                      ", ".join(f'"{w}"' for w in left)] if left else [])


@pytest.mark.parametrize("target, lang, words", [
    ("<b>buenas</b>noches a todos", "es", []),       # a tag between two words parts them
    ("<b>Hola</b> mundoo", "es", ["mundoo"]),
    ("Vea <b>zorblatx</b>hoy.", "es", ["zorblatx"]),  # a tag touching a word is no part of it
    ("Visite www.zorblatx.org hoy.", "es", []),      # addresses are not words
    ("Escriba a info@zorblatx.org hoy.", "es", []),
    ("Vea https://zorblatx.org/ayuda hoy.", "es", []),
    ("Vea zorblatx hoy.", "es", ["zorblatx"]),
    ("la base de dades dels grou…", "ca", []),        # cut short on purpose
    ("dels grou... i zorblatx", "ca", ["zorblatx"]),  # and the words after it are still read
    ("Dijo qe no.", "es", ["qe"]),                    # two letters are a word; one is not
    ("Pulse la tecla z dos veces.", "es", []),
    ("الحزم وsynaptic", "ar", ["synaptic"]),          # a word of two scripts is two words
])
def test_the_words_the_dictionary_is_asked_about(target, lang, words):
    assert _spelling(target, lang) == [f'not in the dictionary: "{w}"' for w in words]


def test_a_word_of_parts_joined_by_an_apostrophe_is_known_by_its_parts():
    assert _spelling("Vea zorblatx’casa hoy.", "es", "See zorblatx now.") == []
    assert _spelling("Vea zorblatx’casa hoy.", "es", "See it now.") == ['not in the dictionary: "zorblatx’casa"']
    assert _spelling("Vea zorblatx’casa y qwerx hoy.", "es", "See zorblatx now.") == ['not in the dictionary: "qwerx"']


def test_the_glossarys_required_translations_are_spelled_right():
    entry = po.Entry("Numbness fades.", "El entumecimientox pasa.", flags=["fuzzy"], comments=["draft: apertium eng-spa"])
    required = checks.Context(languages.parse("es"), required={"numbness": "entumecimientox"})
    assert [p for p in checks.run([entry], required) if p.check == "spelling"] == []
    assert [p.message for p in checks.run([entry], checks.Context(languages.parse("es"))) if p.check == "spelling"] \
        == ['not in the dictionary: "entumecimientox"']


def test_ten_words_are_named_and_more_are_counted():
    ten = " ".join(f"zqx{c}" for c in "abcdefghij")
    named = ", ".join(f'"zqx{c}"' for c in "abcdefghij")
    assert _spelling(ten, "es") == [f"not in the dictionary: {named}"]
    assert _spelling(ten + " zqxk", "es") == [f"not in the dictionary: {named} and 1 more"]
    assert _spelling(ten + " zqxk zqxl", "es") == [f"not in the dictionary: {named} and 2 more"]


def test_an_edition_in_another_variety_of_the_source_language_is_not_called_untranslated():
    """Its words are the source's words: neither untranslated nor misspelt."""
    us = checks.Context(languages.parse("en-US"), source_language="en-GB")
    same = "I think they rarely notice the colour of the sky."
    assert checks.run([po.Entry(same, same, flags=["fuzzy"], comments=["draft: apertium eng-spa"])], us) == []
    edited = po.Entry(same, "I think they rarely notice the colour of the zorblatx sky.", flags=["fuzzy"],
                      comments=["draft: apertium eng-spa"])
    assert checks.run([edited], us) == []


def test_a_source_in_another_language_has_no_english_terms():
    """A Spanish source's word left in a Catalan draft is Spanish left in, not a term English lacks."""
    e = po.Entry("El tiempo es desapacible.", "El temps és desapacible.", flags=["fuzzy"],
                 comments=["draft: apertium spa-cat; unknown words: desapacible"])
    found = [p.message for p in checks.run([e], checks.Context(languages.parse("ca"), "es"))
             if p.check == "unknown-words"]
    assert found == ['words the engine did not know are still in the translation: "desapacible"']


@pytest.mark.parametrize("target", [
    "Vea zorblatx-https://example.org hoy.",
    "Escriba zorblatx’ana@example.org hoy.",
    "Vea zorblatx-Gross hoy.",
])
def test_a_word_joined_to_an_address_or_a_protected_name_is_still_spelled(target):
    """The address or the author's name is left out, and the word beside it is read alone."""
    assert _spelling(target, "es", "See Gross.", authors=("Gross",)) == ['not in the dictionary: "zorblatx"']


def test_names_the_engine_did_not_know_are_kept_and_english_left_in_is_named():
    """Pennebaker is a name of the article; Freud is one too, though the article also writes "freud.org",
    and English's dictionary knows it only with its capital: both are kept. "numbness" is English left in."""
    source = "Freud and Pennebaker wrote about numbness."
    e = po.Entry(source, "Freud y Pennebaker escribieron sobre numbness.", flags=["fuzzy"],
                 comments=["draft: apertium eng-spa; unknown words: Pennebaker, Freud, numbness"])
    ctx = machine.with_article(checks.Context(languages.parse("es"), "en"), [source, "As Freud put it, see freud.org."])
    assert [p.message for p in checks.run([e], ctx) if p.check == "unknown-words"] == [
        'words the engine did not know are still in the translation: "numbness"']


def _round_trip(source: str, target: str, score: float) -> list[str]:
    """The round-trip findings of a draft whose score is recorded as the engine records it."""
    origin = f"apertium eng-spa; round trip: {score:.2f} {loss.fingerprint(target, source)}"
    e = po.Entry(source, target, flags=["fuzzy"], comments=[po.DRAFT_COMMENT + origin])
    return [p.check for p in checks.run([e], checks.Context(languages.parse("es"), "en")) if p.check == "round-trip"]


@pytest.mark.parametrize("source, target, score, found", [
    ("Numbness is not the same as calm.", "El entumecimiento no es lo mismo que la calma.", 0.79, ["round-trip"]),
    ("Numbness is not the same as calm.", "El entumecimiento no es lo mismo que la calma.", 0.80, []),
    ("Numbness fades with time here.", "El entumecimiento pasa con el tiempo aquí.", 0.2, ["round-trip"]),  # 5 words
    ("Numbness fades with time.", "El entumecimiento pasa con el tiempo.", 0.2, []),        # 4: too few to judge
    ("Numbness is <b>not</b>calm at all.", "El entumecimiento <b>no</b>es calma.", 0.2, ["round-trip"]),  # tags
    ("One<br>two<br>three<br>four<br>five", "Uno<br>dos<br>tres<br>cuatro<br>cinco", 0.2, ["round-trip"]),
])
def test_the_round_trip_warns_under_its_least_score_for_five_words_or_more(source, target, score, found):
    assert _round_trip(source, target, score) == found


def _dropped(source: str, target: str, lang: str = "es", source_language: str = "en") -> list[str]:
    entry = po.Entry(source, target, flags=["fuzzy"], comments=["draft: apertium eng-spa"])
    ctx = checks.Context(languages.parse(lang), source_language)
    return [p.message for p in checks.run([entry], ctx) if p.check == "dropped"]


@pytest.mark.parametrize("source, target, lang, source_language, messages", [
    ("Numbness fades over time.", "Pasa.", "es", "en", ["1 word for the source's 4: under 50% of them"]),
    ("Numbness fades over time.", "Se pasa.", "es", "en", []),                   # half is enough
    ("It fades. It returns.", "Se desvanece y vuelve.", "es", "en", ["1 sentence for the source's 2"]),
    ("Τι είναι; Είναι κάτι.", "Qué es, es algo.", "es", "el-GR", ["1 sentence for the source's 2"]),  # Greek ";" ends one
])
def test_a_draft_with_fewer_words_or_sentences_says_how_many(source, target, lang, source_language, messages):
    assert _dropped(source, target, lang, source_language) == messages



def test_an_english_source_of_any_region_has_english_terms():
    """A British source's "systemd", unknown to the engine and to English, is a term the draft keeps."""
    e = po.Entry("Restart the systemd service now.", "Reinicie el servicio systemd ahora.", flags=["fuzzy"],
                 comments=["draft: apertium eng-spa; unknown words: systemd"])
    found = [p.check for p in checks.run([e], checks.Context(languages.parse("es"), "en-GB"))]
    assert "unknown-words" not in found


def test_entities_are_read_as_the_characters_they_stand_for():
    assert _spelling("Vea el caf&eacute; y lea &amp; escriba.", "es") == []
