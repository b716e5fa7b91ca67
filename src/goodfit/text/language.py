"""Which language is this message in, and does the tone lexicon read it?

The lexicon reads English, German, French, Spanish, Dutch and Italian.

A cheap stopword count, not a language model: English function words against the
function words of the languages providers most often receive that share the Latin
alphabet (German, French, Spanish, Dutch, Portuguese, Italian), plus a check for other
scripts. Short or purely technical messages ("ERROR 500 on /checkout") have few function
words of any language; they are treated as supported because the lexicon reads them
fine. The rule errs towards saying "not supported" only when the evidence is clear.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

ENGLISH = _words("""
a about after again all also am an and any are as at be been before but by can can't could
did didn't do does doesn't don't for from get got had has hasn't have haven't he her here
him his how i i'm i've if in into is isn't it it's its just me my no not now of on one or
our out please she so some still than thanks that the their them then there they this to
too up us very was wasn't we we're were what when where which who why will with won't would
you you're your yours yet since been anyone someone nobody
""")

# Function words per language, minus anything that is also an English word.
_FOREIGN_BY_LANGUAGE = {
    "de": """der die das und ist nicht ich sie wir ein eine einen mit auf für von zu den dem des
        sich seit bitte können kann meine mein ihre ihr wird werden noch nur auch oder aber wenn
        dass es sind war seid euch euer nichts mir dich""",
    "fr": """le la les et est je vous nous des une un pour pas que qui dans sur avec mon ma mes ne
        il elle ce cette depuis plus êtes sont mais ou très votre vos leur aux du au à s'il
        c'est j'ai n'est""",
    "es": """el los las y es que por para con una mi desde pero esto está están nadie hola muy
        sus tengo llevo esperando ayer puedo pueden gracias sois vosotros ustedes nada""",
    "nl": """het een en niet ik je jullie wij zijn van op met voor dat deze werkt meer kunnen
        wordt ben nog ook maar wanneer keer zat mijn waarom dan vorige hallo groeten bedankt
        graag alstublieft jij wat hoe waar geen heb hebben stelletje""",
    "pt": "o os as e é não um uma com meu minha está podem obrigado também ontem gostaria",
    "it": """il di che è non per sono questo questa mese ci della del gli delle buongiorno
        grazie siete voi vi prego e al alla ai dei dal nel nella col sul con ma anche se mi
        ti te tu tuo tua vostro vostra cosa ecco tutti tutto tutta ancora""",
}
_BY_LANGUAGE = {lang: _words(words) - ENGLISH for lang, words in _FOREIGN_BY_LANGUAGE.items()}
FOREIGN = frozenset().union(*_BY_LANGUAGE.values())
# Languages the tone lexicon reads (English plus these).
SUPPORTED = frozenset({"en", "de", "fr", "es", "nl", "it"})


def language_of(text: str) -> str | None:
    """'en', a code from ``_FOREIGN_BY_LANGUAGE``, or None (another script or unclear).

    Short or technical messages without function words count as English: the lexicon
    reads them fine.
    """
    if text.isascii():
        if _mostly_english_fast(text):
            return "en"
    else:
        letters = non_latin = 0
        for ch in text:
            if ch.isalpha():
                letters += 1
                if ord(ch) > 0x24F:  # beyond Latin Extended-B: Cyrillic, CJK, Arabic, …
                    non_latin += 1
        if letters and non_latin / letters > 0.3:
            return None
    english = 0
    counts = dict.fromkeys(_BY_LANGUAGE, 0)
    for word in _WORD.findall(text.lower()):
        if word in ENGLISH:
            english += 1
        for lang, words in _BY_LANGUAGE.items():
            if word in words:
                counts[lang] += 1
    # a tie is no clear evidence of a language the lexicon cannot read: the supported one
    # wins ("Stai zitto e passami qualcuno che…": one Italian word, one Portuguese "e")
    best = max(counts, key=lambda lang: (counts[lang], lang in SUPPORTED, lang == "es"))
    foreign = sum(counts.values())
    if foreign >= 2 and foreign > english:
        return best  # the language with the most function words
    return "en"


def language_supported(text: str) -> bool:
    """False when ``text`` is in a language the tone lexicon does not read."""
    return language_of(text) in SUPPORTED


def _mostly_english_fast(text: str) -> bool:
    """Common case: a few English function words settle it without counting foreign ones."""
    low = text.lower()
    hits = 0
    for marker in (" the ", " and ", " is ", " to ", " you ", " my ", " it ", " i "):
        if marker in low:
            hits += 1
            if hits >= 2:
                return True
    return False
