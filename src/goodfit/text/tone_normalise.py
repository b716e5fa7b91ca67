"""Disguised abusive words read as the words they disguise ("a$$hole", "A****loch").

Customers hide a swear word or an insult behind look-alike characters (leet: ``$`` for s,
``1`` for i, ``0`` for o, ``@`` for a), behind asterisks or hashes (``A****loch``,
``vaff******o``) or behind stretched letters (``fuuuuck``, ``idiooooot``). A word list and
an embedding both read such a word as noise. :func:`unmask` rewrites a disguised word
into the word it disguises, **only when that word is in** :data:`ABUSIVE_WORDS` (six
languages): a password like ``p@ssw0rd``, a version like ``v2.1``, an instance type like
``ec2`` or an error code like ``ERR0R`` is never touched, so ordinary text is unchanged.

Two modes:

- ``keep_length=True`` (the lexicon): only same-length rewrites (a look-alike or an
  asterisk stands for exactly one letter), so every offset, and so every span, is kept;
- ``keep_length=False`` (the tone model's input): also stretched letters and asterisk runs
  of another length (``vaff******o`` -> ``vaffanculo``).

One place for the idea: the lexicon (goodfit.text.tone) and the tone model
(goodfit.text.tone_model) both call this; docs/tone.md describes it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Abusive words worth unmasking, by language (swear words and insults said of people).
# Only these are ever produced, so a wrong guess can only turn a disguised abusive word
# into another abusive word.
_WORDS_BY_LANGUAGE = {
    "en": "fuck fucking fucked fucker fuckers fuckin fuckface motherfucker motherfuckers shit "
          "shitty bullshit shithead asshole assholes arsehole arseholes ass arse bastard "
          "bastards bitch bitches idiot idiots idiotic moron morons moronic stupid retard "
          "retards retarded cunt cunts dick dicks dickhead dickheads prick pricks wanker "
          "wankers twat twats useless incompetent loser losers scum scumbag scumbags douche "
          "douchebag jackass dumbass piss pissed whore slut clown clowns imbecile imbeciles "
          "cretin cretins fool fools muppet muppets tosser tossers bellend knobhead "
          "halfwit halfwits dimwit dimwits dipshit dipshits",
    "de": "arschloch arschlöcher arsch scheiße scheisse scheiss scheiß idiot idioten vollidiot "
          "vollidioten wichser hurensohn hurensöhne fotze depp deppen trottel penner spast "
          "spasti kacke blödmann dummkopf schwachkopf missgeburt volltrottel drecksack "
          "dreckskerl vollpfosten versager mistkerl idiotin schlampe "
          "behindert behinderte behinderter verblödet",
    "es": "gilipollas gilipolla cabrón cabron cabrones mierda puta puto putos joder coño "
          "pendejo pendejos idiota idiotas imbécil imbecil imbéciles estúpido estupido "
          "estúpidos inútil inutil inútiles inutiles subnormal subnormales capullo capullos "
          "mamón hijoputa carajo culero chingada pinche boludo pelotudo huevón gilipuertas "
          "tarado tarados mongolo zorra retrasado retrasados "
          "retrasada concha",
    "fr": "connard connards connasse merde putain enculé encule enculés enculé salope salaud "
          "salauds abruti abrutis crétin cretin crétins débile débiles imbécile imbéciles "
          "idiot idiots conne incompétent incompétents pute bâtard batard bâtards "
          "enfoiré enfoirés enfoire debile debiles",
    "nl": "klootzak klootzakken kut kanker kankerlijer kankerlijers lul eikel eikels sukkel "
          "sukkels idioot idioten debiel debielen mongool tering tyfus godverdomme "
          "prutser prutsers hufter hufters teringlijer achterlijk klojo mongolen kutwijf",
    "it": "vaffanculo cazzo cazzi coglione coglioni stronzo stronzi stronza merda minchia "
          "puttana troia idiota idioti imbecille imbecilli deficiente deficienti cretino "
          "cretini incompetente incompetenti scemo scemi fottiti fanculo bastardo bastardi "
          "cazzone cazzoni porco ritardato ritardati ritardata minchione minchioni",
}
ABUSIVE_WORDS: frozenset[str] = frozenset(
    w for words in _WORDS_BY_LANGUAGE.values() for w in words.split())
_BY_LENGTH: dict[int, tuple[str, ...]] = {}
for _w in sorted(ABUSIVE_WORDS):
    _BY_LENGTH.setdefault(len(_w), ())
    _BY_LENGTH[len(_w)] += (_w,)

# What each look-alike can stand for (a letter stands for itself).
_LOOK_ALIKE = {
    "0": "o", "1": "il", "3": "eé", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
    "$": "s", "€": "e", "!": "il", "|": "il", "+": "t", "®": "r",
}
_MASK = frozenset("*#")
_DISGUISE_CHARS = frozenset("*#@$€!|+®")  # with letters and digits: what a token is made of
# A disguise inside a word (a letter, look-alikes, a letter; or a letter then a mask; or
# "@"/"$" before two letters) and, for the model only, a letter written three times: cheap
# tests that skip most messages. Each starts with the rare character, not with a letter, so
# the regex engine rejects most positions at once (four times faster on support text).
_HINT_SAME = re.compile(r"[*#@$€!|+0-9](?<=[^\W\d_].)(?:[*#@$€!|+0-9]*[^\W\d_]|(?<=[*#]))"
                        r"|[@$](?=[^\W\d_]{2})")
# The model also reads a look-alike closing a word after three letters ("PUT4") and "®"
# for r ("ab®utis"); the lexicon's same-length hint is left as it was (its speed).
_HINT_ANY = re.compile(_HINT_SAME.pattern + r"|([^\W\d_])\1\1"
                       r"|[0-9@$€|+](?<=[^\W\d_]{3}.)(?![\w*#@$€!|+®])|®")


def _letter_class(ch: str) -> str:
    if ch in _MASK:
        return r"[^\W\d_]"
    alike = _LOOK_ALIKE.get(ch)
    return f"[{alike}]" if alike else re.escape(ch)


@lru_cache(maxsize=4096)
def _unmask_word(token: str, keep_length: bool) -> str | None:
    """The abusive word ``token`` disguises, or None (token lower-cased, no spaces)."""
    core = token.rstrip("!")  # "idiot!!!" is not a disguise; "idi0t!" keeps its "!" outside
    if len(core) < 3:
        return None
    letters = sum(c.isalpha() for c in core)
    disguised = sum(c in _MASK or c in _LOOK_ALIKE for c in core)
    # A look-alike may open the word ("1di00t", "@sshole") when two letters follow.
    if letters < 1 or not core[0].isalpha() and (core[0] not in _LOOK_ALIKE or letters < 2):
        return None
    if disguised and letters >= 2 or disguised and core[0].isalpha() and len(core) >= 4:
        first = core[0] if core[0].isalpha() else None
        words = [w for w in _BY_LENGTH.get(len(core), ()) if first is None or w[0] == first]
        if words:  # most tokens (e-mail addresses, versions) stop here
            pattern = re.compile("".join(_letter_class(c) for c in core))
            for word in words:
                if pattern.fullmatch(word):
                    return word + token[len(core):]
    if keep_length:
        return None
    # Other lengths: stretched letters ("fuuuck") and asterisk runs ("vaff******o").
    parts: list[str] = []
    stretched = False
    for m in re.finditer(r"([*#]+)|(.)\2*", core):
        if m.group(1):
            k = len(m.group(1))
            stretched = True
            parts.append(rf"[^\W\d_]{{{max(1, k - 2)},{k + 2}}}")
        else:
            run = m.group(0)
            ch = _letter_class(run[0])
            stretched = stretched or len(run) >= 3
            parts.append(f"{ch}{{1,2}}" if len(run) >= 3 else ch * len(run))
    if not stretched:
        return None  # nothing stretched, no asterisk run
    pattern = re.compile("".join(parts))
    for word in sorted(ABUSIVE_WORDS, key=lambda w: (len(w), w)):  # "idiooot": idiot
        if pattern.fullmatch(word):
            return word + token[len(core):]
    return None


def _in_token(ch: str) -> bool:
    return ch.isalnum() or ch in _DISGUISE_CHARS


def unmask(text: str, *, keep_length: bool) -> str:
    """``text`` with each disguised abusive word written out (see the module docstring).

    With ``keep_length`` the result has the same length as ``text`` (offsets stay valid).
    The rewritten word is lower-case, with the first letter's case kept.
    """
    hint = _HINT_SAME if keep_length else _HINT_ANY
    pieces: list[str] = []
    copied = 0  # text[:copied] is in pieces
    scanned = 0  # tokens before this offset are done
    n = len(text)
    for m in hint.finditer(text):  # each disguise, widened to the token around it
        a, b = m.start(), m.end()
        if a < scanned:
            continue
        while a > 0 and _in_token(text[a - 1]):
            a -= 1
        while b < n and _in_token(text[b]):
            b += 1
        scanned = b
        token = text[a:b]
        word = _unmask_word(token.lower(), keep_length)
        if word is not None and word != token.lower():
            if token[0].isupper():
                word = word[0].upper() + word[1:]
            pieces.append(text[copied:a])
            pieces.append(word)
            copied = b
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)
