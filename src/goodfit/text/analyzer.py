"""Words for search: lower case, no stop words, a light English stemmer.

Small and dependency-free on purpose: it runs per ticket at tens of thousands of tickets
per second, and the same function reads both the knowledge base and the tickets, so
"passwords", "password" and "resetting"/"reset" meet.
"""

from __future__ import annotations

import re
from functools import lru_cache

# scikit-learn's English stop words (the Glasgow list), written out so reading tickets
# never imports scikit-learn (1.5 s); a test checks the two lists stay equal.
ENGLISH_STOP_WORDS = frozenset({
    'a', 'about', 'above', 'across', 'after', 'afterwards', 'again', 'against', 'all',
    'almost', 'alone', 'along', 'already', 'also', 'although', 'always', 'am', 'among',
    'amongst', 'amoungst', 'amount', 'an', 'and', 'another', 'any', 'anyhow', 'anyone',
    'anything', 'anyway', 'anywhere', 'are', 'around', 'as', 'at', 'back', 'be', 'became',
    'because', 'become', 'becomes', 'becoming', 'been', 'before', 'beforehand', 'behind',
    'being', 'below', 'beside', 'besides', 'between', 'beyond', 'bill', 'both', 'bottom',
    'but', 'by', 'call', 'can', 'cannot', 'cant', 'co', 'con', 'could', 'couldnt', 'cry',
    'de', 'describe', 'detail', 'do', 'done', 'down', 'due', 'during', 'each', 'eg',
    'eight', 'either', 'eleven', 'else', 'elsewhere', 'empty', 'enough', 'etc', 'even',
    'ever', 'every', 'everyone', 'everything', 'everywhere', 'except', 'few', 'fifteen',
    'fifty', 'fill', 'find', 'fire', 'first', 'five', 'for', 'former', 'formerly', 'forty',
    'found', 'four', 'from', 'front', 'full', 'further', 'get', 'give', 'go', 'had', 'has',
    'hasnt', 'have', 'he', 'hence', 'her', 'here', 'hereafter', 'hereby', 'herein',
    'hereupon', 'hers', 'herself', 'him', 'himself', 'his', 'how', 'however', 'hundred',
    'i', 'ie', 'if', 'in', 'inc', 'indeed', 'interest', 'into', 'is', 'it', 'its',
    'itself', 'keep', 'last', 'latter', 'latterly', 'least', 'less', 'ltd', 'made', 'many',
    'may', 'me', 'meanwhile', 'might', 'mill', 'mine', 'more', 'moreover', 'most',
    'mostly', 'move', 'much', 'must', 'my', 'myself', 'name', 'namely', 'neither', 'never',
    'nevertheless', 'next', 'nine', 'no', 'nobody', 'none', 'noone', 'nor', 'not',
    'nothing', 'now', 'nowhere', 'of', 'off', 'often', 'on', 'once', 'one', 'only', 'onto',
    'or', 'other', 'others', 'otherwise', 'our', 'ours', 'ourselves', 'out', 'over', 'own',
    'part', 'per', 'perhaps', 'please', 'put', 'rather', 're', 'same', 'see', 'seem',
    'seemed', 'seeming', 'seems', 'serious', 'several', 'she', 'should', 'show', 'side',
    'since', 'sincere', 'six', 'sixty', 'so', 'some', 'somehow', 'someone', 'something',
    'sometime', 'sometimes', 'somewhere', 'still', 'such', 'system', 'take', 'ten', 'than',
    'that', 'the', 'their', 'them', 'themselves', 'then', 'thence', 'there', 'thereafter',
    'thereby', 'therefore', 'therein', 'thereupon', 'these', 'they', 'thick', 'thin',
    'third', 'this', 'those', 'though', 'three', 'through', 'throughout', 'thru', 'thus',
    'to', 'together', 'too', 'top', 'toward', 'towards', 'twelve', 'twenty', 'two', 'un',
    'under', 'until', 'up', 'upon', 'us', 'very', 'via', 'was', 'we', 'well', 'were',
    'what', 'whatever', 'when', 'whence', 'whenever', 'where', 'whereafter', 'whereas',
    'whereby', 'wherein', 'whereupon', 'wherever', 'whether', 'which', 'while', 'whither',
    'who', 'whoever', 'whole', 'whom', 'whose', 'why', 'will', 'with', 'within', 'without',
    'would', 'yet', 'you', 'your', 'yours', 'yourself', 'yourselves',
})
TOKEN = re.compile(r"[a-z0-9][a-z0-9_]*(?:[.'-][a-z0-9_]+)*")
# Words that say nothing about what a ticket is about, beyond scikit-learn's stop words.
_HELPDESK_NOISE = frozenset({
    "hi", "hello", "hey", "thanks", "thank", "please", "regards", "dear", "team", "support",
    "help", "need", "want", "like", "know", "just", "does", "did", "doing", "got", "get",
    "getting", "use", "using", "tell", "make", "way", "ok", "okay", "can", "could", "would",
    "i'm", "it's", "don't", "can't", "won't", "doesn't", "isn't", "i've", "we're", "you",
    "question", "asap", "urgent", "today", "now", "yesterday", "still",
})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | _HELPDESK_NOISE


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Strip common English suffixes; conservative so short words keep their meaning.

    Not Porter, but the same idea in a dozen lines: plurals, -ing, -ed, -ly, then a final
    silent e, so "update", "updates", "updated" and "updating" all become "updat".
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    base = word
    if word.endswith("ies") and len(word) > 4:
        base = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "zes", "ches", "shes")):
        base = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        base = word[:-1]
    elif word.endswith("ing") and len(word) >= 6:
        base = word[:-3]
    elif (word.endswith("ed") and len(word) >= 5) or (word.endswith("ly") and len(word) >= 6):
        base = word[:-2]
    if base is not word and len(base) > 3 and base[-1] == base[-2] and base[-1] not in "lsz":
        base = base[:-1]  # "running" -> "runn" -> "run"
    if len(base) >= 4 and base.endswith("e"):
        base = base[:-1]
    return base


def terms(text: str) -> list[str]:
    """The search terms of a text, in order (duplicates kept: term frequency matters)."""
    return [stem(w) for w in TOKEN.findall(text.lower()) if w not in STOP_WORDS]
