"""QA checks: a pass/fail table per check, flags and overrides, the glossary, and `localize check`."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from conftest import REPO, SEED
from localize import article, checks, glossary, languages, po
from localize.checks import CHECKS, ERROR, WARNING, Context, Problem
from localize.errors import WorkspaceError
from localize.po import Entry

SLUG = "emotional-numbness"
AUTHORS = ("Levant", "Gross", "John", "Pennebaker", "Hyde")
CITATIONS = frozenset({"#ref-1", "#ref-2", "#ref-3", "#ref-4", "#ref-5"})
KEEP = ("Men Women Psychology",)
REQUIRED = {
    "es": {"emotional numbness": "entumecimiento emocional"},
    "fr": {"emotional numbness": "engourdissement émotionnel"},
    "ar": {"emotional numbness": "الخدر العاطفي"},
    "he": {"emotional numbness": "קהות רגשית"},
    "zh": {"emotional numbness": "情感麻木"},
    "ja": {"emotional numbness": "感情の麻痺"},
}


def context(lang: str) -> Context:
    return Context(languages.parse(lang), "en", authors=AUTHORS, keep=KEEP,
                   required=REQUIRED.get(lang, {}), citations=CITATIONS)


# A literal Catalan draft, and the fingerprint of its words (none of them is in the source): the first six
# hex digits of the SHA-1 of the words in lower case, joined by spaces.
SHAME = "Does shame get worse with stress at work?"
SHAME_CA = "Fa la vergonya empitjora amb tensió a la feina?"
SHAME_CA_WORDS = hashlib.sha1("fa la vergonya empitjora amb tensió a la feina".encode("utf-8")).hexdigest()[:6]


class Case(NamedTuple):
    """One table row: the translation of ``source`` into ``lang``; ``says`` is part of the expected message (a
    tuple: of each expected message, one problem each, in order).

    For ``inconsistent`` the target is a tuple: the translations of the same
    source in several catalogs of the language.
    """

    lang: str
    source: str
    target: str | tuple[str, ...]
    says: str | tuple[str, ...] = ""
    flags: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()     # translator comments: "source-change: numbers"
    previous: str | None = None        # the source the translation was made for (#| msgid)


def problems_for(case: Case) -> list[Problem]:
    """Every problem the registered checks find in one case, as `localize check` would run them."""
    ctx = context(case.lang)
    if isinstance(case.target, tuple):
        catalogs = {f"article-{i}": [Entry(case.source, t, flags=list(case.flags))]
                    for i, t in enumerate(case.target)}
        found = checks.run_across(catalogs, ctx.language.tag)
        for name, entries in catalogs.items():
            found += checks.run(entries, ctx, article=name)
        return found
    entry = Entry(case.source, case.target, flags=list(case.flags), comments=list(case.comments),
                  previous_msgid=case.previous)
    return checks.run([entry], ctx, article=SLUG)


ABSENCE = "Numbness is more often a defense than a true absence."
APERTIUM_ES = "draft: apertium eng-spa"
CITING = 'In Gross and John\'s research <a href="#ref-3">(2003)</a>, suppressors felt less.'

PASSES: dict[str, list[Case]] = {
    "markup": [
        Case("es", CITING, 'En la investigación de Gross y John <a href="#ref-3">(2003)</a>, '
                           'los supresores sentían menos.'),
        Case("fr", "<em>expressive suppression</em> and <strong>reappraisal</strong>",
             "la <strong>réévaluation</strong> et la <em>suppression expressive</em>"),   # reordered
        Case("ar", 'Read <a href="/about/research-methodology">our methodology</a>.',
             'اقرأ <a href="/about/research-methodology">منهجيتنا</a>.'),
        Case("he", '<a href="#ref-1" class="cite">(2009)</a> shows it.',
             '<a class="cite" href="#ref-1">(2009)</a> מראה זאת.'),                        # attribute order
        Case("ja", "First line<br>second line", "一行目<br>二行目"),
        Case("zh", "The &lt;em&gt; tag is text here.", "这里的 &lt;em&gt; 标签是文字。"),
        # what translators of real pages change, legitimately
        Case("fr", '<a class="xref" href="ch03s04.html" title="3.4. Meeting Minimum Hardware Requirements">'
                   'Section 3.4</a>',
             '<a class="xref" href="ch03s04.html" title="3.4. Matériel minimum">Section 3.4</a>'),
        Case("es", 'See <a href="install.html">the installation</a>.',
             'Vea <a href="install.es.html">la instalación</a>.'),
        Case("ja", 'Under SysV<a href="#idm2806" class="para"><sup>[15]</sup></a>.',
             'SysV では<a href="#idm2811" class="para"><sup>[15]</sup></a>。'),
        Case("ar", 'The file <code class="filename">/etc/adduser.conf</code> holds it.',
             'يحتوي الملف <code dir="ltr" class="filename">/etc/adduser.conf</code> عليه.'),
        Case("ja", 'The <code class="command">adduser</code> command; its file.',
             '<code class="command">adduser</code> コマンド。<code class="command">adduser</code> の設定。'),
    ],
    "pseudo": [
        Case("es", "A plain sentence.", "Una frase sencilla."),
        Case("fr", "[Note] See the list!!", "[Remarque] Voir la liste !!"),
        Case("ar", "Wow!!", "!!رائع"),
    ],
    "unsafe": [
        Case("es", "A plain sentence.", "Una frase sencilla."),
        Case("ar", 'See <a href="https://example.org/">the site</a>.',
             'انظر <a href="https://example.org/">الموقع</a>.'),
        Case("he", "The &lt;script&gt; element runs code.", "הרכיב &lt;script&gt; מריץ קוד."),  # text, not a tag
        Case("ja", "JavaScript: a language.", "JavaScript：プログラミング言語。"),
        Case("zh", '<img src="data:image/png;base64,AAAA" alt="">Figure 1',
             '<img src="data:image/png;base64,AAAA" alt="">图 1'),                         # as in the source
    ],
    "numbers": [
        Case("es", "In 2003, 1,000 people took part.", "En 2003 participaron 1.000 personas."),
        Case("fr", "3.5 percent of 10,000 readers", "3,5\u202f% de 10\u202f000 lecteurs"),
        Case("ar", "In 2003, 3.5 percent", "في عام ٢٠٠٣، ٣٫٥ في المئة"),
        Case("he", "pages 190–203", "עמודים 190–203"),
        Case("zh", "published in 2005", "发表于２００５年"),
        Case("ja", '<a href="#ref-5">(2005)</a>', '<a href="#ref-5">（2005年）</a>'),
        Case("fa", "In 2003", "در سال ۲۰۰۳"),
    ],
    "citations": [
        Case("es", CITING, 'En la investigación de Gross y John <a href="#ref-3">(2003)</a>, '
                           'los supresores sentían menos.'),
        Case("ar", 'Levant and colleagues <a href="#ref-1">(2009)</a> describe it.',
             'يصف Levant وزملاؤه <a href="#ref-1">(٢٠٠٩)</a> ذلك.'),
        Case("ja", 'Janet Hyde\'s hypothesis <a href="#ref-5">(2005)</a>',
             'Janet Hydeの仮説<a href="#ref-5">（2005年）</a>'),
        Case("fr", "No reference here.", "Aucune référence ici."),
        Case("he", "Pennebaker's research on writing", "המחקר של Pennebaker על כתיבה"),
    ],
    "urls": [
        Case("es", "Write to help@example.org or see https://example.org/help.",
             "Escriba a help@example.org o consulte https://example.org/help."),
        Case("fr", "See www.example.org!", "Voir www.example.org\u202f!"),
        Case("zh", "Visit https://example.org/a.", "请访问 https://example.org/a。"),
        Case("ar", "Mail help@example.org.", "راسلنا على help@example.org."),
    ],
    "empty": [
        Case("es", "The nuance", "El matiz"),
        Case("ja", "The nuance", " ", flags=("fuzzy",)),      # a draft with nothing in it yet
        Case("ar", "The nuance", "الفارق الدقيق"),
    ],
    "untranslated": [
        Case("es", "The nuance", "The nuance"),                                   # short
        Case("fr", "Men Women Psychology", "Men Women Psychology"),               # protected
        Case("ja", "Review of General Psychology", "Review of General Psychology"),  # a name
        Case("he", "https://example.org/help", "https://example.org/help"),
        Case("ar", "What the research actually shows", "ما تظهره الأبحاث فعلًا"),
    ],
    "mt-residue": [
        Case("es", "Understanding emotional numbness", "Comprender el entumecimiento emocional"),
        Case("es", "Follow #MentalHealth on the site.", "Siga #MentalHealth en el sitio."),
        Case("fr", "Write to help@example.org.", "Écrivez à help@example.org."),
        Case("ja", "Understanding emotional numbness", "感情の麻痺を理解する"),
    ],
    "untranslated-words": [
        Case("es", "Numbness is a protective state.", "El entumecimiento es un estado protector."),
        Case("fr", "It often follows burnout at work.", "Il suit souvent un burnout au travail."),  # one loanword
        Case("zh", "Ronald Levant and colleagues describe it.", "Ronald Levant 及其同事对此进行了描述。"),
        Case("ar", "Emotional numbness is common.", "الخدر العاطفي شائع."),
    ],
    "unknown-words": [
        Case("es", "I feel numb today.", "Me siento entumecido hoy.",                  # a person edited it away
             comments=("draft: apertium eng-spa; unknown words: numb",)),
        Case("es", "It often follows burnout.", "Suele seguir al burnout."),          # nothing recorded: human work
        Case("ca", "It often follows burnout.", "Sovint segueix el burnout.", comments=("draft: apertium eng-cat",)),
        Case("fr", "I feel numb.", "Je ressens une numbness.",                         # another word, not "numb"
             comments=("draft: apertium eng-fra; unknown words: numb",)),
        Case("eo", "The flatness can persist.", "La plateco povas daŭri.",
             comments=("draft: apertium en-eo; unknown words: flatness; review the possessive of Gross",)),
        Case("ja", "I feel numb.", "麻痺を感じる。", comments=("draft: memory 92%",)),
        Case("ar", "I feel numb.", "أشعر بالخدر.", comments=("draft: apertium x; unknown words: numb",)),
    ],
    "round-trip": [
        Case("ca", SHAME, SHAME_CA, comments=(f"draft: apertium eng-cat; round trip: 0.92 {SHAME_CA_WORDS}",)),
        Case("ca", SHAME, "La vergonya empitjora amb l'estrès a la feina?",          # a person reworded the draft
             comments=(f"draft: apertium eng-cat; round trip: 0.41 {SHAME_CA_WORDS}",)),
        Case("ca", "Does shame hurt?", "Fa la vergonya mal?",                           # too short to judge
             comments=("draft: apertium eng-cat; round trip: 0.20 000000",)),
        Case("es", SHAME, "¿Empeora la vergüenza con el estrés en el trabajo?"),       # nothing recorded: human work
    ],
    "dropped": [
        Case("es", ABSENCE, "El entumecimiento es más a menudo una defensa que una verdadera ausencia."),
        Case("he", ABSENCE, "קהות היא לרוב הגנה ולא היעדר אמיתי."),                    # condensed, above half
        Case("ar", "Why does it happen? Nobody knows.", "لماذا يحدث؟ لا أحد يعرف."),
        Case("zh", "Numbness is common. It passes.", "麻木很常见。它会过去。"),
        Case("ja", "It works. Really?", "うまくいく。本当に？"),
        Case("el", "Why does this happen? Nobody knows.", "Γιατί συμβαίνει αυτό; Κανείς δεν ξέρει."),
        Case("es", "What the research actually shows", "Lo que muestra la investigación"),  # no stop either side
        Case("es", "Numbness is common. It passes.", "El entumecimiento es común. Pasa"),   # a stop missing, not a sentence
        Case("fr", "The nuance", "Nuance"),                                                 # too short to judge words
        Case("es", 'In Gross and John\'s research <a href="#ref-3">(2003)</a>, suppressors felt less. See p. 12.',
             'En la investigación de Gross y John <a href="#ref-3">(2003)</a>, los supresores sentían menos. '
             'Véase la p. 12.'),
    ],
    "spelling": [
        Case("es", ABSENCE, "El entumecimiento es más a menudo una defensa que una verdadera ausencia.",
             comments=(APERTIUM_ES,)),
        Case("es", "Numbness overlaps with alexithymia.", "El entumecimiento se solapa con alexithymia.",
             comments=(APERTIUM_ES,)),                                           # a word of the source
        Case("es", "Levant wrote it for Men Women Psychology.", "Levant lo escribió para Men Women Psychology.",
             comments=(APERTIUM_ES,)),                                           # a name, a term to keep
        Case("es", "I feel numb.", "Me siento entumecimeinto.", comments=("draft: memory 92%",)),  # human work
        Case("es", "I feel numb.", "Me siento entumecimeinto."),                # saved by a person: not a draft
        Case("eo", "I feel numb.", "Mi sentas min sensentaaa.", comments=("draft: apertium en-eo",)),  # no dictionary
        Case("ja", "I feel numb.", "麻痺を感じる。", comments=("draft: google",)),  # no dictionary
        Case("fr", "Numbness is common.", "L'engourdissement est courant.", comments=("draft: deepl",)),
        Case("ar", "Emotional numbness is common.", "الخدر العاطفي شائع.", comments=("draft: google",)),
        Case("gl", "Numbness is common.", "O adormecemento é común.", comments=("draft: apertium en-gl",)),
    ],
    "glossary": [
        Case("es", "Emotional numbness is common.", "El entumecimiento emocional es común."),
        Case("fr", "What causes emotional numbness?", "Qu'est-ce qui cause l'engourdissement émotionnel\u202f?"),
        Case("ja", "Understanding emotional numbness", "感情の麻痺を理解する"),
        Case("es", "Last reviewed by the Men Women Psychology editorial team.",
             "Revisado por el equipo editorial de Men Women Psychology."),
        Case("he", "Emotional numbness is common.", "קהות רגשית נפוצה."),
        Case("zh", "The nuance", "细微差别"),                                     # no term in the source
    ],
    "inconsistent": [
        Case("es", "The nuance", ("El matiz", "El matiz")),
        Case("fr", "The nuance", ("La nuance", "La  nuance ")),                  # spacing aside
        Case("ja", "The nuance", ("ニュアンス",)),
        Case("he", "The nuance", ("הניואנס", "משהו אחר"), flags=("ignore-inconsistent",)),
    ],
    "punctuation": [
        Case("es", "Why does this happen?", "¿Por qué ocurre esto?"),
        Case("es", "Stop!", "¡Basta!"),
        Case("fr", "Why does this happen?", "Pourquoi cela arrive-t-il\u202f?"),
        Case("fr", "Note: it passes", "Remarque\u00a0: cela passe"),
        Case("ar", "Why does this happen?", "لماذا يحدث هذا؟"),
        Case("ar", 'He said "no."', "قال «لا»."),
        Case("he", "Why does this happen?", "למה זה קורה?"),
        Case("zh", "It works.", "它有效。"),
        Case("ja", "Really?", "本当に？"),
    ],
    "brackets": [
        Case("es", "Gross (1998) wrote it.", "Gross (1998) lo escribió."),
        Case("fr", 'a "protective" state', "un état «\u202fprotecteur\u202f»"),
        Case("ja", "the “gender similarities” idea", "「性差の類似性」という考え"),
        Case("zh", "(see below)", "（见下文）"),
        Case("he", "1) first", "1) ראשון"),                                      # unbalanced in the source too
    ],
    "whitespace": [
        Case("es", "The nuance", "El matiz"),
        Case("fr", "Total: ", "Total\u00a0: "),
        Case("he", "\nThe nuance", "\nהניואנס"),
    ],
    "double-space": [
        Case("es", "Numbness is common.", "El entumecimiento es común."),
        Case("fr", "Why?", "Pourquoi\u202f?"),
        Case("zh", "Numbness is common.", "麻木很常见。"),
        Case("ar", "a  b", "أ  ب"),                                              # as in the source
    ],
    "length": [
        Case("es", ABSENCE,
             "El entumecimiento es más a menudo una defensa que una verdadera ausencia."),
        Case("zh", ABSENCE, "麻木往往是一种防御，而不是真正的缺失。"),
        Case("ja", ABSENCE, "麻痺は、本当の欠如というより防御であることが多い。"),
        Case("ar", ABSENCE, "غالبًا ما يكون الخدر دفاعًا لا غيابًا حقيقيًا."),
        Case("fr", "The nuance", "La nuance subtile dont on parle ici"),           # too short to judge
    ],
    "bidi": [
        Case("ar", "Read Levant (2009).", "اقرأ \u200fLevant (2009)."),            # RLM in an RTL language
        Case("he", "Gross wrote it.", "\u2067Gross\u2069 כתב את זה."),             # isolates
        Case("fa", "I want", "می\u200cخواهم"),                                    # ZWNJ belongs to Persian
        Case("es", "A\u200bB", "A\u200bB"),                                      # as in the source
        Case("ja", "It works.", "うまくいく。"),
    ],
    "source-change": [
        Case("es", "About 12 percent of adults feel it.", "Alrededor del 12 % de los adultos lo siente."),   # nothing recorded
        Case("fr", "What the research shows", "Ce que montre la recherche", comments=("source-change: case",)),
        Case("es", "It follows a long period of strain.", "Sigue a un largo periodo de estrés.", flags=("fuzzy",),
             comments=("source-change: wording",), previous="It follows a long period of stress."),
        Case("ar", "About 12 percent of adults feel it.", "نحو ١٢ في المئة من البالغين يشعرون به.", flags=("fuzzy",),
             comments=("qa-override numbers: checked", "note"), previous="About 10 percent of adults feel it."),
    ],
}

FAILS: dict[str, list[Case]] = {
    "markup": [
        Case("es", CITING, "En la investigación de Gross y John (2003), los supresores sentían menos.",
             'missing <a href="#ref-3">'),
        Case("fr", 'Read <a href="/about/research-methodology">our methodology</a>.',
             'Lisez <a href="https://evil.example/methodology">notre méthode</a>.', "href points elsewhere"),
        Case("es", 'Run <code>ls -l</code> now.', 'Ejecute <code>ls -largo</code> ahora.',
             'code changed: "ls -l" -> "ls -largo"'),
        Case("ca", 'See <a href="#ref-1" class="cite">(2009)</a>.', 'Vegeu <a href="#ref-1" class="x">(2009)</a>.',
             'class changed: "cite" -> "x"'),
        Case("eo", 'See <a href="/x" onclick="">it</a>.', 'Vidu <a href="/x">ĝin</a>.', 'onclick="" is missing'),
        Case("zh", "Numbness is common.", "麻木<b>很</b>常见。", "<b> is not in the source"),
        Case("he", '<a href="#x"><em>word</em></a>', '<em><a href="#x">מילה</a></em>', "nesting changed"),
        Case("ja", "<em><strong>word</strong></em>", "<em><strong>言葉</em></strong>", "badly nested"),
        Case("ar", "<em>word</em> here", "<em>كلمة هنا", "missing </em>"),
        # every problem, each its own
        Case("es", '<em>Numbness</em> and <a href="#ref-1">(2009)</a> and <strong>this</strong>',
             "El entumecimiento y (2009) y <strong>esto</strong>", ("missing <em>", 'missing <a href="#ref-1">')),
        Case("es", "<em>word</em> here", "palabra</em> aquí</b>", ("missing <em>", "extra </em>", "extra </b>")),
        Case("fr", "Run <code>ls -l</code> or <code>ls -a</code>.", "Lancez <code>ls -long</code> ou <code>ls</code>.",
             ('code changed: "ls -l" -> "ls -long"', 'code changed: "ls -a" -> "ls"')),
        Case("he", '<a href="#x"><em>word</em></a>', '<em><a href="#x">מילה</a></em>',
             ("nesting changed: <em> is at the top, in the source inside <a>",
              "nesting changed: <a> is inside <em>, in the source at the top")),
    ],
    "pseudo": [
        Case("es", "A plain sentence.", "[!! À ƥĺààîñ šéééñţéñçé. !!]", "pseudo-translation"),
        Case("ja", "See <em>it</em>.", "[!! Šéé <em>îţ</em>.· !!]", "never to publish"),
    ],
    "unsafe": [
        Case("es", "A plain sentence.", "Una frase <script>alert(1)</script>sencilla.", "<script> element"),
        Case("fr", '<a href="#ref-1">(2009)</a>', '<a href="javascript:alert(1)">(2009)</a>', "javascript: URL"),
        Case("ar", "A figure.", 'شكل <img src=x onerror=alert(1)>.', "event handler onerror="),
        Case("zh", '<a href="#ref-1">(2009)</a>', '<a href="&#106;ava&#x09;script:alert(1)">(2009)</a>',
             "javascript: URL"),
        Case("ja", "See it.", '<a href="data:text/html;base64,PHNjcmlwdD4=">見る</a>', "data: URL"),
        Case("he", "Plain.", "<style>body{display:none}</style>פשוט.", "<style> element"),
        Case("es", "Plain.", "Sencillo <svg/onload=alert(1)>.", "event handler onload="),
        Case("es", "Plain.", '<a href="javascript:x()" onclick="y()">Sencillo</a><script>z()</script>',
             ("unsafe content: <script> element", "unsafe content: event handler onclick=",
              "unsafe content: javascript: URL in href=")),
    ],
    "numbers": [
        Case("es", CITING, 'En la investigación de Gross y John <a href="#ref-3">(2004)</a>, menos.',
             ("numbers differ: 2004 where the source has 2003",)),
        Case("fr", "between 18 and 65 years", "entre 18 et ans", ("numbers differ: missing 65",)),
        Case("ar", "In 2003", "في عام ٢٠٠٤", "2004 where the source has 2003"),
        Case("zh", "1,000 people", "100 人", "100 where the source has 1000"),
        Case("ja", "once a week", "週に2回", ("numbers differ: added 2",)),
        Case("he", "3.5 percent", "35 אחוז", "35 where the source has 3.5"),
        Case("es", "Between 18 and 65, in 2003.", "Entre 19 y 66.",      # each difference, in the order of the text
             ("19 where the source has 18", "66 where the source has 65", "missing 2003")),
    ],
    "citations": [
        Case("es", CITING, "En la investigación de Gross y John (2003), los supresores sentían menos.",
             "citation link to #ref-3 missing"),
        Case("fr", CITING, 'Dans la recherche de Gross et John <a href="#ref-3">(2004)</a>, moins.',
             "citation #ref-3 reads 2004, the source 2003"),
        Case("he", "Pennebaker's research on writing", "המחקר של פנבייקר על כתיבה",
             'author name "Pennebaker" missing or altered'),
        Case("zh", "Gross wrote it.", "格罗斯写了它。", 'author name "Gross" missing or altered'),
        Case("ar", 'Gross <a href="#ref-2">(1998)</a>', 'Gross <a href="#ref-4">(1998)</a>',
             "citation link to #ref-2 missing"),
        Case("ja", "Gross wrote it.", 'Gross <a href="#ref-1">(2009)</a>が書いた。',
             "citation link to #ref-1 is not in the source"),
        Case("es", 'Gross <a href="#ref-2">(1998)</a> and John <a href="#ref-3">(2003)</a>',
             'Grosso (1998) y Jon <a href="#ref-3">(2004)</a>',
             ("citation link to #ref-2 missing", "citation #ref-3 reads 2004, the source 2003",
              'author name "Gross" missing or altered', 'author name "John" missing or altered')),
        Case("fr", 'Gross <a href="#ref-2">(1998)</a>', 'Gross <a href="#ref-4">(1998)</a>',
             ("citation link to #ref-2 missing", "citation link to #ref-4 is not in the source")),
    ],
    "urls": [
        Case("es", "See https://example.org/help.", "Vea https://example.org/ayuda.",
             ("https://example.org/ayuda where the source has https://example.org/help",)),
        Case("ar", "Mail help@example.org.", "راسلنا على hlep@example.org.",
             "hlep@example.org where the source has help@example.org"),
        Case("ja", "See https://example.org/help.", "ヘルプを参照してください。",
             ("URLs or e-mail addresses differ: missing https://example.org/help",)),
        Case("fr", "Mail help@example.org.", "Écrivez à help@example.org ou à https://example.org/aide.",
             ("added https://example.org/aide",)),
    ],
    "empty": [
        Case("es", "The nuance", " ", "blank"),
        Case("ja", "The nuance", "\u3000", "blank"),
        Case("fr", "The nuance", "\n", "blank"),
    ],
    "untranslated": [
        Case("es", "What the research actually shows", "What the research actually shows", "identical"),
        Case("zh", "Numbness is a human experience.", "Numbness is a human experience.", "identical"),
        Case("ar", "<em>Expressive writing</em> can help.", "<em>Expressive writing</em> can help.", "identical"),
    ],
    "mt-residue": [
        Case("es", "Understanding emotional numbness", "Comprender el *numbness emocional", "*numbness"),
        Case("ca", "It numbs the feeling.", "Això #entumir el sentiment.", "#entumir"),
        Case("es", "They withdraw.", "Ellos @withdraw.", "@withdraw"),
        Case("es", "They withdraw and numb.", "Ellos @withdraw y *numb.",
             ("machine-translation mark left in: @withdraw", "machine-translation mark left in: *numb")),
    ],
    "untranslated-words": [
        Case("es", "Numbness is a protective state rather than an absence.",
             "El entumecimiento es a protective state más que una ausencia.",
             '"a protective state"'),
        Case("zh", "Numbness is often a protective state.", "麻木通常是 a protective state。",
             '"a protective state"'),
        Case("es", "Numbness is a protective state rather than an absence of feeling.",   # overlapping: one stretch
             "El entumecimiento es a protective state más que an absence of feeling.",
             ('source words left untranslated: "a protective state"', '"an absence of feeling"')),
    ],
    "unknown-words": [
        Case("es", "I feel numb today.", "Me siento numb hoy.", '"numb"',
             comments=("draft: apertium eng-spa; unknown words: numb",)),
        Case("ca", "Reappraisal helps suppressors.", "La reavaluació ajuda Suppressors.",
             'still in the translation: "suppressors"',                                # reappraisal was edited away
             comments=("draft: apertium eng-cat; unknown words: reappraisal, suppressors",)),
        Case("gl", "Suppression can flatten it.", "A supresión pode flatten iso.", '"flatten"',
             flags=("fuzzy",), comments=("draft: apertium en-gl; unknown words: flatten; review the possessive of Gross",)),
        Case("eo", "Numbness overlaps with <em>grief</em>.", "Sensentemo koincidas kun <em>grief</em>.",
             '"grief"', comments=("draft: apertium en-eo; unknown words: Numbness, grief",)),
        Case("fr", "Numbness is common.", "Le numbness est courant.", '"Numbness"',   # as recorded, any case
             comments=("draft: apertium eng-fra; unknown words: Numbness, numbness",)),
        Case("he", "I feel numb.", "אני מרגיש numb.", '"numb"', comments=("draft: apertium x; unknown words: numb",)),
        Case("zh", "I feel numb.", "我感到numb。", '"numb"', comments=("draft: apertium x; unknown words: numb",)),
        Case("ja", "I feel numb.", "numbを感じる。", '"numb"', comments=("draft: apertium x; unknown words: numb",)),
        Case("ar", "I feel numb.", "أشعر numb.", '"numb"', comments=("draft: apertium x; unknown words: numb",)),
    ],
    "round-trip": [
        Case("ca", SHAME, SHAME_CA, "shares 41% of its words with the source (under 80%)",
             comments=(f"draft: apertium eng-cat; round trip: 0.41 {SHAME_CA_WORDS}",)),
    ],
    "dropped": [
        Case("es", ABSENCE, "Es una defensa.", "3 words for the source's 10: under 50% of them"),
        Case("he", ABSENCE, "הגנה.", "1 word for the source's 10"),
        Case("fr", "Numbness is common. It often passes. Rest helps.",
             "L'engourdissement est courant. Il passe souvent.", "2 sentences for the source's 3"),
        Case("ar", "Why does it happen? Nobody knows. It passes.", "لماذا يحدث؟ لا أحد يعرف.",
             "2 sentences for the source's 3"),
        Case("zh", "Numbness is common. It passes. Rest helps.", "麻木很常见。它会过去。",
             "2 sentences for the source's 3"),
        Case("ja", "It works. Really? Yes.", "うまくいく。本当に？", "2 sentences for the source's 3"),
        Case("es", "Numbness is common. It passes.", "Es común, pasa", "1 sentence for the source's 2"),
    ],
    "spelling": [
        Case("es", "I feel numb.", "Me siento entumecimeinto.", 'not in the dictionary: "entumecimeinto"',
             comments=(APERTIUM_ES,)),
        Case("es", "Norms that discourage it.", "Normas que desalenta lo.", '"desalenta"',
             flags=("fuzzy",), comments=(APERTIUM_ES,)),                          # a real Apertium slip
        Case("fr", "Numbness is common.", "L'engourdisement est courant.", '"L\'engourdisement"',
             comments=("draft: deepl",)),
        Case("ca", "Numbness is common.", "L'adormiment és freqent.", '"freqent"',
             comments=("draft: apertium eng-cat",)),
        Case("gl", "Numbness is common.", "O entumecementoo é común.", '"entumecementoo"',
             comments=("draft: apertium en-gl",)),
        Case("ar", "Emotional numbness is common.", "الخدرر العاطفي شائعع.", '"الخدرر", "شائعع"',
             comments=("draft: google",)),
    ],
    "glossary": [
        Case("es", "Emotional numbness is common.", "La insensibilidad emocional es común.",
             '"emotional numbness" should be "entumecimiento emocional"'),
        Case("fr", "Last reviewed by the Men Women Psychology editorial team.",
             "Revu par l'équipe de Psychologie Hommes Femmes.", '"Men Women Psychology" must stay as it is'),
        Case("es", "Men Women Psychology on emotional numbness.", "Psicología sobre la insensibilidad emocional.",
             ('"emotional numbness" should be "entumecimiento emocional"', '"Men Women Psychology" must stay')),
        Case("ar", "Emotional numbness is common.", "التبلد العاطفي شائع.",
             '"emotional numbness" should be "الخدر العاطفي"'),
    ],
    "inconsistent": [
        Case("es", "The nuance", ("El matiz", "La sutileza"), "translated differently in article-"),
        Case("zh", "The nuance", ("细微差别", "细节"), "translated differently in article-"),
    ],
    "punctuation": [
        Case("es", "Why does this happen?", "Por qué ocurre esto?", 'without its opening "¿"'),
        Case("fr", "Why does this happen?", "Pourquoi cela arrive-t-il?", "no-break space before \"?\""),
        Case("ar", "Why does this happen?", "لماذا يحدث هذا?", 'Arabic writes "؟"'),
        Case("zh", "It works.", "它有效.", 'Chinese writes "。"'),
        Case("ja", "It works.", "うまくいく", 'ends without punctuation, the source with "."'),
        Case("he", "Really?", "באמת.", 'ends with ".", the source with "?"'),
        Case("es", "Why? Stop!", "Por qué? Basta!", ('"?" without its opening "¿"', '"!" without its opening "¡"')),
        Case("fr", "Why? Really!", "Pourquoi? Vraiment!",
             ('no-break space before "?": "Pourquoi?"', 'no-break space before "!": "oi? Vraiment!"')),
        Case("es", "The nuance", "El matiz?", ('ends with "?", the source has no end punctuation',
                                               '"?" without its opening "¿"')),
    ],
    "brackets": [
        Case("es", "Gross (1998) wrote it.", "Gross (1998 lo escribió.", '"(" opened 1 more time'),
        Case("fr", 'a "protective" state', "un état «\u202fprotecteur", "odd number of double quotes"),
        Case("ja", "the “gender similarities” idea", "「性差の類似性という考え", '"「" opened'),
        Case("he", "(see below)", "ראו להלן)", 'a closing "(" without its opening one'),
        Case("es", "Gross (1998) said “no”.", 'Gross (1998 dijo "no.',
             ('unbalanced brackets: "(" opened 1 more time than closed',
              "unbalanced quotes: an odd number of double quotes")),
        Case("fr", "(a) and [b]", "((a) et [[b]", ('"(" opened 1 more time', '"[" opened 1 more time')),
        Case("zh", "(a)", "（（（a）", ('"(" opened 2 more times than closed',)),
    ],
    "whitespace": [
        Case("es", "The nuance", " El matiz", "leading whitespace differs"),
        Case("ja", "It works.", "うまくいく。 ", "trailing whitespace differs"),
        Case("es", "The nuance", " El matiz ", ("leading whitespace differs: ' ', the source ''",
                                                "trailing whitespace differs: ' ', the source ''")),
    ],
    "double-space": [
        Case("es", "Numbness is common.", "El entumecimiento  es común.", "double space"),
        Case("fr", "Why?", "Pourquoi \u00a0?", "double space"),
        Case("ar", "Numbness is common.", "الخدر  شائع.", "double space"),
        Case("es", "Numbness is a common state.", "El  entumecimiento es un estado  común.",
             ('double space: "El  entumecimiento"', 'double space: "to es un estado  común."')),
    ],
    "length": [
        Case("es", "Numbness is usually gradual.",
             "El entumecimiento suele ser gradual, lento, progresivo, paulatino y casi siempre "
             "imperceptible para quien lo vive día a día.", "much longer than usual"),
        Case("zh", ABSENCE, "麻木往往是一种防御，而不是真正的缺失。" * 3, "much longer than usual"),
        Case("fr", ABSENCE, "Défense.",
             ("8 characters: much shorter than usual (64 expected)",)),
        Case("es", "Numbness is usually gradual.", "x", ("1 character: much shorter than usual (34 expected)",)),
    ],
    "bidi": [
        Case("es", "Numbness is common.", "El entumecimiento\u200b es común.", "U+200B ZERO WIDTH SPACE"),
        Case("he", "Published in 2003.", "פורסם ב-\u202e3002\u202c.", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        Case("ja", "It works.", "うまく\u200bいく。", "U+200B"),
        Case("es", "Gross wrote it.", "\u200eGross lo escribió.", "U+200E LEFT-TO-RIGHT MARK"),  # not RTL
        Case("es", "Numbness is common.", "El\u200b entumecimiento\u202e es común.",
             ("invisible character the source does not have: U+200B ZERO WIDTH SPACE",
              "invisible character the source does not have: U+202E RIGHT-TO-LEFT OVERRIDE")),
    ],
    "source-change": [
        Case("es", "About 12 percent of adults feel it.", "Alrededor del 10 % de los adultos lo siente.",
             "numbers changed", flags=("fuzzy",), comments=("source-change: numbers",),
             previous="About 10 percent of adults feel it."),
        Case("fr", 'Gross mapped it <a href="#ref-2">(1999)</a>.', 'Gross l\'a décrit <a href="#ref-2">(1998)</a>.',
             ("the source's numbers changed since this was translated: check the translation, then save or approve it",
              "the source's citations changed"), flags=("fuzzy",), comments=("source-change: numbers, citations",),
             previous='Gross mapped it <a href="#ref-2">(1998)</a>.'),
        Case("he", "Gross described the same pattern.", "Levant תיאר את אותו דפוס.", "names changed",
             flags=("fuzzy",), comments=("source-change: wording",),   # update was not told the names
             previous="Levant described the same pattern."),
        Case("ja", 'Read <a href="/about/methods-2">our methods</a>.', '<a href="/about/methods">方法</a>を読む。',
             "link targets changed", comments=("source-change: links",)),
    ],
}


def _params(table: dict[str, list[Case]]) -> list:
    return [pytest.param(check_id, case, id=f"{check_id}-{case.lang}-{i}")
            for check_id, cases in table.items() for i, case in enumerate(cases)]


@pytest.mark.parametrize("check_id, case", _params(PASSES))
def test_passes(check_id: str, case: Case):
    assert [p.message for p in problems_for(case) if p.check == check_id] == []


@pytest.mark.parametrize("check_id, case", _params(FAILS))
def test_fails(check_id: str, case: Case):
    found = [p for p in problems_for(case) if p.check == check_id]
    assert found, f"{check_id} found nothing"
    if isinstance(case.says, tuple):
        assert len(found) == len(case.says), [p.message for p in found]
        assert all(says in p.message for says, p in zip(case.says, found)), [p.message for p in found]
    else:
        assert any(case.says in p.message for p in found), [p.message for p in found]
    assert all(p.severity == CHECKS[check_id].severity for p in found)
    assert {p.msgid for p in found} == {case.source}


def test_every_registered_check_has_cases_of_both_kinds():
    assert set(PASSES) == set(CHECKS) == set(FAILS)
    assert all(PASSES[c] and FAILS[c] for c in CHECKS)


def test_tables_cover_the_languages():
    wanted = {"es", "fr", "ar", "he", "zh", "ja"}
    for table in (PASSES, FAILS):
        assert wanted <= {case.lang for cases in table.values() for case in cases}


def test_severities():
    errors = {c.id for c in CHECKS.values() if c.severity == ERROR}
    assert errors == {"markup", "pseudo", "unsafe", "numbers", "citations", "urls", "empty", "mt-residue", "bidi",
                      "source-change"}
    assert all(c.severity in (ERROR, WARNING) for c in CHECKS.values())


def test_a_clean_translation_has_no_problem_at_all():
    case = Case("es", CITING, "En la investigación de Gross y John <a href=\"#ref-3\">(2003)</a>, "
                              "los supresores sentían menos.")
    assert problems_for(case) == []


# -- flags and overrides ----------------------------------------------------------

CHANGED_YEAR = 'En la investigación de Gross y John <a href="#ref-3">(2004)</a>, los supresores sentían menos.'


def test_ignore_flag_switches_one_check_off_for_that_entry():
    flagged = Entry(CITING, CHANGED_YEAR, flags=["ignore-numbers"])
    plain = Entry(CITING + " Again.", CHANGED_YEAR + " Otra vez.")
    found = checks.run([flagged, plain], context("es"))
    assert {(p.msgid, p.check) for p in found} == {
        (CITING, "citations"), (CITING + " Again.", "citations"), (CITING + " Again.", "numbers")}


def test_override_is_reported_but_does_not_block():
    entry = Entry(CITING, CHANGED_YEAR, comments=[
        "qa-override numbers: the Spanish edition cites the 2004 reprint",
        "qa-override citations:   ",          # no reason: not an override
    ])
    found = {p.check: p for p in checks.run([entry], context("es"))}
    assert found["numbers"].overridden and found["numbers"].severity == ERROR
    assert not found["citations"].overridden
    assert checks.blocking(found.values()) == [found["citations"]]
    assert checks.overrides(entry) == {"numbers": "the Spanish edition cites the 2004 reprint"}


def test_add_override_keeps_the_reason_on_the_entry_through_a_save():
    entry = Entry(CITING, CHANGED_YEAR, comments=["translator: checked with the author"])
    checks.add_override(entry, "numbers", "the 2004 reprint")
    checks.add_override(entry, "citations", "the 2004 reprint")
    checks.add_override(entry, "numbers", "  the Spanish edition cites the 2004 reprint ")  # replaces
    cat = po.parse(po.dumps(po.Catalog(header={"Language": "es"}, entries=[entry])))
    again = cat.entries[0]
    assert again.comments[0] == "translator: checked with the author"
    assert checks.overrides(again) == {"citations": "the 2004 reprint",
                                       "numbers": "the Spanish edition cites the 2004 reprint"}
    assert checks.blocking(checks.run([again], context("es"))) == []
    with pytest.raises(ValueError, match="reason"):
        checks.add_override(entry, "numbers", "   ")
    with pytest.raises(ValueError, match="no check"):
        checks.add_override(entry, "nonsense", "why not")


def test_unsafe_can_be_neither_ignored_nor_overridden():
    entry = Entry("Plain.", "<script>alert(document.cookie)</script>Sencillo.", flags=["ignore-unsafe", "ignore-markup"],
                  comments=["qa-override unsafe: the editor wants it"])
    found = checks.run([entry], context("es"))
    assert [(p.check, p.overridden) for p in found] == [("unsafe", False)]
    assert checks.blocking(found)
    with pytest.raises(ValueError, match="cannot be overridden"):
        checks.add_override(entry, "unsafe", "the editor wants it")


def test_which_entries_are_checked():
    ctx = context("es")
    entries = [
        Entry("In 2003.", ""),                                          # untranslated: nothing to check
        Entry("In 2004.", "En 2005.", flags=["fuzzy"]),                 # a draft is checked
        Entry("In 2006.", "En 2007.", flags=["fuzzy"], previous_msgid="In 2005."),  # so is a stale one
        Entry("In 2008.", "En 2009.", obsolete=True),                   # obsolete: gone from the article
    ]
    assert [(p.msgid, p.check) for p in checks.run(entries, ctx)] == [("In 2004.", "numbers"),
                                                                      ("In 2006.", "numbers")]


def test_plural_forms_are_checked_against_their_source():
    entry = Entry("%d year", msgid_plural="%d years", msgstr_plural={0: "%d año", 1: ""})
    assert [(p.check, p.message) for p in checks.run([entry], context("es"))] == [
        ("empty", "a plural form is empty")]


def test_a_problem_per_message_each_once_per_entry():
    # both plural forms lose the same number: one problem; two missing tags: two problems, each named
    entry = Entry("In 2003 %d year", msgid_plural="In 2003 %d years", msgstr_plural={0: "%d año", 1: "%d años"})
    assert [p.message for p in checks.run([entry], context("es"))] == ["numbers differ: missing 2003"]
    tags = Entry('<em>Numbness</em> is <strong>common</strong>.', "El entumecimiento es común.")
    assert [(p.check, p.message) for p in checks.run([tags], context("es"))] == [
        ("markup", "missing <em>"), ("markup", "missing <strong>")]


def test_run_can_keep_one_severity():
    entry = Entry(CITING, CHANGED_YEAR.replace("(2004)", "(2004") + " Otra vez")
    every = {(p.check, p.severity) for p in checks.run([entry], context("es"))}
    assert {"numbers", "brackets"} <= {c for c, _ in every}
    errors = checks.run([entry], context("es"), severity=ERROR)
    assert errors and {p.check for p in errors} == {c for c, s in every if s == ERROR}


# -- messages in English that keep their template --------------------------------

def test_a_message_is_its_english_text_and_keeps_its_template():
    message = checks.said('"%(term)s" must stay as it is', term="Men Women Psychology")
    assert message == '"Men Women Psychology" must stay as it is' and isinstance(message, str)
    assert message.template == '"%(term)s" must stay as it is'
    assert message.params == {"term": "Men Women Psychology"} and message.plural is None
    assert json.dumps({"message": message}) == json.dumps({"message": str(message)})
    plain = checks.said("the translation is blank")            # no parameters: the template as it is
    assert plain == plain.template == "the translation is blank" and plain.params == {}


def test_a_counting_message_takes_its_form_from_the_count():
    one = checks.said_n("%(num)d character", "%(num)d characters", 1)
    many = checks.said_n("%(num)d character: %(expected)d expected", "%(num)d characters: %(expected)d expected",
                         21, expected=34)
    assert (one, many) == ("1 character", "21 characters: 34 expected")
    assert (many.template, many.plural) == ("%(num)d character: %(expected)d expected",
                                            "%(num)d characters: %(expected)d expected")
    assert many.params == {"num": 21, "expected": 34}


def test_lists_and_languages_are_shown_in_english():
    message = checks.said("%(language)s: %(words)s", language=languages.parse("ar"), words=("numb", "flat"))
    assert message == "Arabic: numb, flat"


def test_a_message_survives_a_trip_to_another_process():
    import pickle
    entry = Entry("In 2003 the book.", "En 2004 el libro.")
    problem = checks.run([entry], context("es"))[0]
    again = pickle.loads(pickle.dumps(problem))
    assert again == problem
    assert again.message.template == "numbers differ: %(number)s where the source has %(source_number)s"
    assert again.message.params == {"number": "2004", "source_number": "2003"}


def test_every_kind_of_source_change_a_person_must_look_at_is_said():
    from localize import changes
    for kind in changes.MUST_LOOK:
        entry = Entry("About 12 percent.", "Alrededor del 12 %.", comments=[f"source-change: {kind}"])
        found = [p.message for p in checks.run([entry], context("es")) if p.check == "source-change"]
        assert len(found) == 1 and found[0].startswith("the source's ") and found[0].params == {}, kind


# -- the article's reference list and the glossary --------------------------------

def test_reference_list_of_the_seed_article():
    refs = article.references(article.parse(SEED.read_bytes()))
    assert {"Levant", "Gross", "John", "Pennebaker", "Hyde"} <= set(refs.authors)
    assert "R. F." not in " ".join(refs.authors) and "Psychology" not in refs.authors
    assert refs.citations == ("#ref-1", "#ref-2", "#ref-3", "#ref-4", "#ref-5")


def test_the_repository_glossary_loads():
    terms = glossary.load(REPO / "glossary.toml")
    assert "Men Women Psychology" in terms.keep
    assert terms.required("es")["emotional numbness"] == "entumecimiento emocional"
    assert {"es", "ca", "fr"} <= set(terms.translations)
    assert terms.required("es-MX") == terms.required("es")   # a variant falls back to its language
    assert terms.required("ja") == {}


def test_a_missing_glossary_is_empty(tmp_path: Path):
    assert glossary.load(tmp_path / "glossary.toml") == glossary.Glossary()


@pytest.mark.parametrize("text, says", [
    ("keep = [", "not valid TOML"),
    ('keep = "Men Women Psychology"', "'keep' must be a list"),
    ('keep = [""]', "'keep' must be a list of non-empty strings"),
    ('[translations.es]\n"numbness" = 3', "must be non-empty strings"),
    ('[translations.xx-notalanguage]\n"a" = "b"', "[translations.xx-notalanguage]"),
    ('translations = ["es"]', "'translations' must be tables"),
    ('terms = []', "unknown key 'terms'"),
])
def test_a_bad_glossary_is_refused_naming_the_file(tmp_path: Path, text: str, says: str):
    path = tmp_path / "glossary.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(WorkspaceError) as caught:
        glossary.load(path)
    assert str(path) in str(caught.value) and says in str(caught.value)


# -- localize check ---------------------------------------------------------------

FIELDS = {"article", "language", "msgctxt", "msgid", "check", "severity", "message", "overridden"}
SUPPRESSION = next(e.msgid for e in po.parse((REPO / "locales" / f"{SLUG}.pot").read_text(encoding="utf-8")).entries
                   if e.msgid.startswith("James Gross's work"))
GOOD = ('El trabajo de James Gross sobre la regulación emocional <a href="#ref-2">(1998)</a> distingue '
        "estrategias que trabajan con la emoción, como la reevaluación, de la <em>supresión expresiva</em> "
        "— empujar los sentimientos hacia abajo sin cambiar la experiencia subyacente. La supresión tiene "
        "un coste: en la investigación de Gross y John <a href=\"#ref-3\">(2003)</a>, quienes suprimían "
        "habitualmente mostraban menos emoción positiva, más dificultades en sus relaciones y una sensación "
        "de falta de autenticidad. Usada de forma crónica, la supresión puede aplanar la vida emocional "
        "hasta algo cercano al entumecimiento.")


def po_path(ws: Path, lang: str, slug: str = SLUG) -> Path:
    return ws / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"


def translate(path: Path, translations: dict[str, str], *, comments: dict[str, list[str]] | None = None) -> None:
    """Approve translations of some entries, the way a PO editor saves them."""
    cat = po.parse(path.read_text(encoding="utf-8"))
    for entry in cat.entries:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
            entry.set_flag("fuzzy", False)
            entry.comments = list((comments or {}).get(entry.msgid, []))
    path.write_text(po.dumps(cat), encoding="utf-8")


@pytest.fixture
def translated(run, workspace: Path) -> Path:
    assert run("extract", cwd=workspace).code == 0
    assert run("update", cwd=workspace).code == 0
    translate(po_path(workspace, "es"), {SUPPRESSION: GOOD, "The nuance": "El matiz"})
    translate(po_path(workspace, "ar"), {"The nuance": "الفارق الدقيق"})
    return workspace


def test_check_passes_a_good_translation(run, translated: Path):
    result = run("check", "--format", "json", cwd=translated)
    assert result.code == 0, result
    assert json.loads(result.out) == []
    text = run("check", cwd=translated)
    assert text.code == 0 and "0 errors (0 overridden), 0 warnings" in text.out


def test_check_reports_an_error_and_exits_1(run, translated: Path):
    translate(po_path(translated, "es"), {SUPPRESSION: GOOD.replace("(2003)", "(2004)")})
    result = run("check", "--format", "json", cwd=translated)
    assert result.code == 1, result
    found = json.loads(result.out)
    assert all(set(p) == FIELDS for p in found)
    assert {(p["article"], p["language"], p["msgctxt"], p["msgid"], p["check"], p["severity"], p["overridden"])
            for p in found} == {
        (SLUG, "es", None, SUPPRESSION, "numbers", "error", False),
        (SLUG, "es", None, SUPPRESSION, "citations", "error", False)}
    assert "2004" in next(p["message"] for p in found if p["check"] == "numbers")

    text = run("check", "--lang", "es", cwd=translated)
    assert text.code == 1
    assert "[numbers] numbers differ: 2004 where the source has 2003" in text.out
    assert "2 errors (0 overridden), 0 warnings" in text.out
    assert run("check", "--lang", "ar", cwd=translated).code == 0   # the error is Spanish only


def test_overridden_errors_are_listed_but_do_not_fail(run, translated: Path):
    reason = "the Spanish edition cites the 2004 reprint"
    translate(po_path(translated, "es"), {SUPPRESSION: GOOD.replace("(2003)", "(2004)")},
              comments={SUPPRESSION: [f"qa-override numbers: {reason}", f"qa-override citations: {reason}"]})
    result = run("check", "--format", "json", cwd=translated)
    assert result.code == 0, result
    found = json.loads(result.out)
    assert {(p["check"], p["overridden"]) for p in found} == {("numbers", True), ("citations", True)}
    assert f"qa-override numbers: {reason}" in po_path(translated, "es").read_text(encoding="utf-8")


def test_warnings_alone_do_not_fail(run, translated: Path):
    translate(po_path(translated, "es"), {"Why this happens": "Por qué ocurre esto?"})
    result = run("check", "--format", "json", cwd=translated)
    assert result.code == 0
    assert [(p["check"], p["severity"], p["message"]) for p in json.loads(result.out)] == [
        ("punctuation", "warning", 'ends with "?", the source has no end punctuation'),
        ("punctuation", "warning", '"?" without its opening "¿"')]


def test_arabic_digits_in_a_citation_pass(run, translated: Path):
    arabic = ('يميّز عمل James Gross حول تنظيم العواطف <a href="#ref-2">(١٩٩٨)</a> بين الاستراتيجيات، '
              'ومن <em>الكبت التعبيري</em> أيضًا. وفي بحث Gross وJohn <a href="#ref-3">(٢٠٠٣)</a> أبلغ '
              'الكابتون عن مشاعر أقل.')
    translate(po_path(translated, "ar"), {SUPPRESSION: arabic})
    found = json.loads(run("check", "--lang", "ar", "--format", "json", cwd=translated).out)
    assert [p["check"] for p in found if p["severity"] == "error"] == []


def test_inconsistent_translations_across_articles(run, workspace: Path):
    shutil.copy(SEED, workspace / "source" / "second.html")
    assert run("extract", cwd=workspace).code == 0
    assert run("update", "--lang", "es", cwd=workspace).code == 0
    translate(po_path(workspace, "es"), {"The nuance": "El matiz"})
    translate(po_path(workspace, "es", "second"), {"The nuance": "La sutileza"})
    result = run("check", "--lang", "es", "--format", "json", cwd=workspace)
    assert result.code == 0   # a warning
    found = [(p["article"], p["check"], p["message"]) for p in json.loads(result.out)]
    assert found == [(SLUG, "inconsistent", 'translated differently in second: "La sutileza"'),
                     ("second", "inconsistent", f'translated differently in {SLUG}: "El matiz"')]
    only = json.loads(run("check", "--lang", "es", "--slug", "second", "--format", "json", cwd=workspace).out)
    assert only == []   # one article has nothing to disagree with


def test_workspace_glossary_is_used(run, translated: Path):
    config = translated / "pyproject.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'glossary = "terms.toml"\n', encoding="utf-8")
    (translated / "terms.toml").write_text('[translations.es]\n"nuance" = "matiz sutil"\n', encoding="utf-8")
    found = json.loads(run("check", "--lang", "es", "--format", "json", cwd=translated).out)
    assert [(p["msgid"], p["check"]) for p in found] == [("The nuance", "glossary")]
    (translated / "terms.toml").write_text("keep = [", encoding="utf-8")
    broken = run("check", cwd=translated)
    assert broken.code == 2 and "terms.toml" in broken.err and "not valid TOML" in broken.err


@pytest.mark.parametrize("args, says", [
    (("--lang", "xx-notalanguage"), "language code"),
    (("--slug", "no-such-article"), "no article"),
    (("--po", "missing.po"), "one --lang"),
    (("--po", "missing.po", "--lang", "es"), "no such catalog"),
])
def test_bad_input_exits_2(run, translated: Path, args, says):
    result = run("check", *args, cwd=translated)
    assert result.code == 2 and says in result.err and result.err.count("\n") == 1, result


def test_nothing_to_check_yet(run, workspace: Path):
    result = run("check", cwd=workspace)
    assert result.code == 2 and "localize update" in result.err


def test_single_file_mode(run, translated: Path, tmp_path: Path):
    outside = tmp_path / "es.po"
    shutil.copy(po_path(translated, "es"), outside)
    translate(outside, {SUPPRESSION: GOOD.replace("Gross y John", "Gross y Jon")})
    result = run("check", "--po", outside, "--lang", "es", SEED, "--format", "json", cwd=tmp_path)
    assert result.code == 1, result
    found = json.loads(result.out)
    assert [(p["article"], p["check"], p["message"]) for p in found] == [
        ("es", "citations", 'author name "John" missing or altered')]
    # without the article there is no reference list to protect
    assert run("check", "--po", outside, "--lang", "es", cwd=tmp_path).code == 0
    terms = tmp_path / "terms.toml"
    terms.write_text('[translations.es]\n"nuance" = "matiz sutil"\n', encoding="utf-8")
    result = run("check", "--po", outside, "--lang", "es", "--glossary", terms, "--format", "json", cwd=tmp_path)
    assert [p["check"] for p in json.loads(result.out)] == ["glossary"]


def test_only_approved_translations_are_compared_across_catalogs():
    catalogs = {"one": [Entry("The nuance", "El matiz")],
                "two": [Entry("The nuance", "La sutileza", flags=["fuzzy"])],   # a draft under review
                "three": [Entry("The nuance", "El matiz")]}
    assert checks.run_across(catalogs, "es") == []


# -- a big catalog is read and checked in pieces ------------------------------------

def big_catalog(path: Path, *, duplicate: bool = False, broken: bool = False) -> None:
    """A Spanish catalog of 600 entries with a few errors, written by our writer."""
    entries = []
    for i in range(600):
        source = f"Paragraph {i} cites <a href=\"#ref-{i % 5 + 1}\">({1990 + i % 30})</a> as shown."
        target = f"El párrafo {i} cita <a href=\"#ref-{i % 5 + 1}\">({1990 + i % 30})</a> como se ve."
        if i % 97 == 0:
            target = target.replace(f"({1990 + i % 30})", "(2099)")
        entries.append(Entry(source, target, references=[f"source/a.html:{i}"]))
    if duplicate:
        entries.append(Entry(entries[0].msgid, "otra vez"))
    header = {"Language": "es", "Content-Type": "text/plain; charset=UTF-8",
              "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    text = po.dumps(po.Catalog(header=header, entries=entries))
    if broken:
        text = text[: len(text) * 3 // 4] + 'msgstr "dangling\n' + text[len(text) * 3 // 4:]
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def in_pieces(monkeypatch):
    from localize import qa
    monkeypatch.setattr(qa, "PIECES_FROM", 0)
    return qa


def test_pieces_find_what_a_whole_reading_finds(in_pieces, tmp_path: Path):
    path = tmp_path / "es.po"
    big_catalog(path)
    whole = in_pieces.check_file(path, "es", jobs=1)
    assert len([p for p in whole if p.check == "numbers"]) == 7
    assert in_pieces.check_file(path, "es", jobs=3) == whole


@pytest.mark.parametrize("kind, says", [("duplicate", "duplicate entry"), ("broken", "")])
def test_pieces_report_a_bad_catalog_like_a_whole_reading(in_pieces, tmp_path: Path, kind, says):
    from localize.errors import CatalogError
    path = tmp_path / "es.po"
    big_catalog(path, **{kind: True})
    with pytest.raises(CatalogError) as whole:
        in_pieces.check_file(path, "es", jobs=1)
    with pytest.raises(CatalogError) as pieces:
        in_pieces.check_file(path, "es", jobs=3)
    assert str(pieces.value) == str(whole.value)
    assert str(path) in str(whole.value) and says in str(whole.value)
