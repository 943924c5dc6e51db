"""Arabic text helpers shared by every extraction stage: folding, tokens, sentences.

Matching works on a *folded* form of each token (hamza forms, alif maqsura,
ta marbuta unified; tatweel and harakat gone), while labels keep the surface
form users read:

>>> fold("إسحق")
'اسحق'
>>> [t.fold for t in tokenize("للاتصالات، وبمصر")]
['للاتصالات', '،', 'وبمصر']
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

HARAKAT = re.compile("[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_LETTERS = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "ی": "ي", "ک": "ك", "ھ": "ه", "ۀ": "ه",
})
# A token is a run of letters/digits; anything else that is not a space is a
# one-character punctuation token (quotes, commas, brackets, dashes…).
# a word runs on through its diacritics ("وقّع", "لقاءً": Python's \w does not take the marks)
_TOKEN = re.compile(r"\w[\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]*|[^\w\s]")
SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")

# Clitic prefixes that attach to a following word: conjunctions و/ف,
# prepositions ب/ل/ك, and their combinations. "لل" is ل + ال with the alif elided.
# shortest first: of two readings with one stem, the simpler prefix is kept ("والسيد" is و + السيد)
_PREFIXES = ("و", "ف", "ب", "ل", "ك", "لل", "وب", "ول", "وك", "فب", "فل", "وال", "بال", "فال", "كال",
             "ولل", "فلل", "وبال")


TANWEEN_FATH = "\u064B"       # "عرضاً", "ترحيباً": an indefinite accusative noun, never a name


def strip_marks(text: str, *, keep_tanween: bool = False) -> str:
    """Remove harakat and tatweel; keep letters as written (and the tanween of an accusative
    noun where asked: cleaning keeps it, so a name cannot run on into "عرضاً")."""
    text = unicodedata.normalize("NFC", text)
    if keep_tanween:
        return HARAKAT.sub(lambda m: m.group() if m.group() == TANWEEN_FATH else "", text)
    return HARAKAT.sub("", text)


def fold(text: str) -> str:
    """Matching form: NFKC, no harakat/tatweel, unified letters, lower-case Latin."""
    s = HARAKAT.sub("", unicodedata.normalize("NFKC", text))
    return s.translate(_LETTERS).lower()


@lru_cache(maxsize=50_000)
def readings(folded: str) -> tuple[tuple[str, str], ...]:
    """Possible (prefix, stem) readings of a folded token, the bare token first.

    >>> readings("للصين")
    (('', 'للصين'), ('ل', 'لصين'), ('لل', 'الصين'))
    """
    out = [("", folded)]
    for p in _PREFIXES:
        if folded.startswith(p) and len(folded) - len(p) >= 2:
            rest = folded[len(p):]
            if p.endswith("لل"):
                out.append((p, "ال" + rest))
            elif p.endswith("ال"):
                out.append((p, "ال" + rest))
            else:
                out.append((p, rest))
    seen, uniq = set(), []
    for r in out:
        if r[1] not in seen:
            seen.add(r[1])
            uniq.append(r)
    return tuple(uniq)


def bare(stem: str) -> str:
    """A folded stem without the definite article: 'الاتصالات' -> 'اتصالات'."""
    return stem[2:] if stem.startswith("ال") and len(stem) > 3 else stem


@dataclass(frozen=True, slots=True)
class Token:
    text: str      # surface form
    fold: str      # folded form
    start: int     # offsets in the sentence string
    end: int
    is_word: bool  # a word, not punctuation
    stems: frozenset = frozenset()   # the stems of its readings (clitics off), for quick lookups


@lru_cache(maxsize=50_000)
def _stems(folded: str) -> frozenset:
    return frozenset(stem for _, stem in readings(folded))


@lru_cache(maxsize=50_000)
def _word(w: str) -> tuple[str, bool, frozenset]:
    f = fold(w)
    word = w[0].isalnum()
    return f, word, (_stems(f) if word else frozenset())


def tokenize(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        w = m.group()
        f, word, stems = _word(w)
        out.append(Token(w, f, m.start(), m.end(), word, stems))
    return out


_ABBREV = re.compile(r"(?<!\w)(\w)\.\s")


def sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences; 'د. عمرو' (a one-letter abbreviation) is not an end."""
    protected = _ABBREV.sub(lambda m: m.group(1) + ".\u2060", paragraph)
    parts = SENTENCE_END.split(protected)
    return [p.replace(".\u2060", ". ").strip() for p in parts if p and p.strip()]
