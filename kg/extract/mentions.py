"""Mentions in one sentence: countries, places, topics, persons, organisations.

Pure functions over a tokenised sentence and the lexicons. Each finder
returns spans (token indices) with what the span says; the article-level
stage (:mod:`kg.extract`) decides what they mean for the story.

>>> s = analyse("استقبل الدكتور عمرو طلعت وزير الاتصالات نظيره الفلسطيني اسحق سدر بالقرية الذكية.")
>>> [(p.label, p.country) for p in find_persons(s)]
[('عمرو طلعت', None), ('اسحق سدر', 'PS')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import lexicon
from .lexicon import CountryMention, Gazetteer, phrases, words
from .matching import Match, find_all, match_at
from .text import TANWEEN_FATH, Token, bare, fold, readings, tokenize

QUOTES_OPEN = {'"': '"', "“": "”", "«": "»", "'": "'", "(": ")", "”": "“", "‘": "’"}
LOCATIVE_PREFIXES = ("ب", "وب", "فب", "بال", "وبال", "فبال")
_DIGITS = re.compile(r"^\d+$")


# ---------------------------------------------------------------- lexicons
# Every word list is a class of a table in kg/data (declared in kg/data/classes.tsv), asked for
# by name: words("words.tsv", "time") is a set of folded words, phrases("people.tsv", "title") a
# gazetteer.

@lru_cache(maxsize=1)
def topic_gazetteer() -> Gazetteer:
    return lexicon.value_table("topics.tsv")


@lru_cache(maxsize=1)
def reserved_stems() -> frozenset[str]:
    """Folded words that belong to a lexicon and so cannot be part of a name: the classes
    declared reserved in classes.tsv, and every one-word country name, demonym and capital.
    A word of a longer name is no state alone: "هونغ" (هونغ كونغ), "يانغ" (بيونغ يانغ) and
    "مان" (جزيرة مان) are also Chinese, Korean and Vietnamese names ("نغوين مان هونغ")."""
    stems: set[str] = set(lexicon.reserved())
    for k in lexicon.country_gazetteer().entries:
        if len(k) == 1:
            stems.update(k)
    return frozenset(stems)


# ---------------------------------------------------------------- sentence

@dataclass
class Sentence:
    index: int
    text: str
    tokens: list[Token]
    countries: list[tuple[Match, CountryMention]] = field(default_factory=list)
    _found: dict = field(default_factory=dict, repr=False)

    def match_at(self, i: int, gaz: Gazetteer) -> Match | None:
        """match_at(self.tokens, i, gaz), remembered per sentence."""
        if i >= len(self.tokens) or gaz.first.isdisjoint(self.tokens[i].stems):
            return None
        key = (id(gaz), i)
        if key not in self._found:
            self._found[key] = match_at(self.tokens, i, gaz)
        return self._found[key]

    def find(self, gaz: Gazetteer) -> list[Match]:
        """find_all(self.tokens, gaz), computed once per sentence and gazetteer."""
        key = id(gaz)
        if key not in self._found:
            self._found[key] = find_all(self.tokens, gaz)
        return self._found[key]

    def span_text(self, start: int, end: int) -> str:
        return self.text[self.tokens[start].start:self.tokens[end - 1].end]


def analyse(text: str, index: int = 0) -> Sentence:
    """Tokenise a sentence and find its country mentions."""
    s = Sentence(index, text, tokenize(text))
    office = words("words.tsv", "country_office")
    for m in find_all(s.tokens, lexicon.country_gazetteer()):
        mention = m.values[0]
        if mention.ambiguous and not _marked_state(s, m, mention):
            continue
        if mention.kind == "capital" and s.tokens[m.start].fold in words("words.tsv", "not_place"):
            continue                    # "وبنوك البريد": banks, not Nuuk
        if len(m.values) > 1 and s.countries and s.countries[-1][0].end == m.start and m.prefix.startswith("و"):
            # a name read two ways takes the kind of the one it is coordinated with: "إيران وعمان"
            # are two states (Oman), "طهران وعمان" two capitals (Amman)
            mention = next((v for v in m.values if v.kind == s.countries[-1][1].kind), mention)
        if mention.kind == "demonym" and m.start > 0 and m.end < len(s.tokens) \
                and s.tokens[m.end].fold.startswith("ل") \
                and any(stem in office for _, stem in readings(s.tokens[m.start - 1].fold)):
            continue                    # "المدير القطري للوكالة": its country director
        s.countries.append((m, mention))
    return s


def _marked_state(s: Sentence, m: Match, mention: CountryMention) -> bool:
    """Whether a word that is a state's name only sometimes (``countries.tsv`` column
    ``ambiguous``: مالي is also "financial", تونسي a family name) names the state here. Rules,
    first that holds:

    1. a name or capital with a clitic or the article: "ومالي", "بعمان";
    2. after a delegation noun (``words.tsv`` class ``delegation``): "وفد مالي", "الوفد المالي";
    3. a demonym after a title, unless the form is also an ordinary adjective: "وزير تونسي"
       (not "المدير المالي", the CFO);
    4. in a list with a state named plainly: "مالي، موريتانيا", "موريتانيا ومالي".

    >>> [c.iso2 for _, c in analyse("وصل وفد مالي إلى نواكشوط").countries]
    ['ML', 'MR']
    >>> [c.iso2 for _, c in analyse("قال المدير المالي للشركة").countries]
    []
    """
    toks = s.tokens
    if mention.kind != "demonym" and (m.prefix or toks[m.start].fold.startswith("ال")):
        return True
    prev = m.start - 1
    if prev >= 0 and toks[prev].is_word:
        if any(stem in words("words.tsv", "delegation") for _, stem in readings(toks[prev].fold)):
            return True
        if mention.kind == "demonym" and not mention.also_word and any(
                (t := s.match_at(j, phrases("people.tsv", "title"))) and t.end == m.start
                for j in range(max(0, prev - 2), prev + 1)):
            return True
    plain = lambda c: not c.ambiguous                     # noqa: E731
    if s.countries and plain(s.countries[-1][1]):
        last = s.countries[-1][0]
        if (last.end == m.start and m.prefix.startswith("و")) or \
                (last.end == m.start - 1 and toks[last.end].text in "،,"):
            return True
    nxt = m.end + (1 if m.end < len(toks) and toks[m.end].text in "،," else 0)
    after = match_at(toks, nxt, lexicon.country_gazetteer()) if nxt < len(toks) else None
    return bool(after and plain(after.values[0]) and (nxt > m.end or after.prefix.startswith("و")))


def is_locative(s: Sentence, m: Match) -> bool:
    """'في موسكو', 'بمدينة رام الله', 'العاصمة الأذربيجانية باكو', a dateline 'أنقرة (الأناضول) -'.

    >>> s = analyse("نيقوسيا 29 نيسان (بترا) - وقع الأردن")
    >>> is_locative(s, s.countries[0][0])
    True
    """
    if m.prefix in LOCATIVE_PREFIXES:
        return True
    toks = s.tokens
    if m.start == 0 and m.end < len(toks) and (toks[m.end].text in "(-–—" or toks[m.end].text[:1].isdigit()):
        return True                              # a dateline: "أنقرة (الأناضول) -", "نيقوسيا 29 نيسان (بترا) -"
    prev = _prev_word(s, m.start)
    city = words("words.tsv", "city_word")
    while prev is not None and (country_at(s, prev) or any(stem in city for _, stem in readings(toks[prev].fold))):
        if any(stem in city for _, stem in readings(toks[prev].fold)):
            return True
        prev = _prev_word(s, prev)
    return prev is not None and toks[prev].fold in words("words.tsv", "locative")


def in_dateline(s: Sentence, m: Match) -> bool:
    """A state in a dateline of several places says where the story is filed from, whatever
    its kind: "القدس-ابيدجان -ساحل العاج -معا- على هامش المؤتمر".

    >>> s = analyse("القدس-ابيدجان -ساحل العاج -معا- على هامش المؤتمر")
    >>> [c.iso2 for m, c in s.countries if in_dateline(s, m)]      # Abidjan, Côte d'Ivoire
    ['CI', 'CI']
    """
    toks = s.tokens
    return 0 < m.start <= 6 and m.end < len(toks) and toks[m.end].text in "-–—" \
        and toks[m.start - 1].text in "-–—" and all(t.is_word or t.text in "-–—" for t in toks[:m.start])


def locates_place(s: Sentence, m: Match, c: CountryMention) -> bool:
    """A state named after a city of its own where something happens says where the city is,
    and is no party: "في مدينة نيويورك بالولايات المتحدة", "في بوخاريست، رومانيا".

    >>> s = analyse("تم توقيعها في مدينة نيويورك بالولايات المتحدة الأمريكية")
    >>> [locates_place(s, m, c) for m, c in s.countries]
    [True]
    """
    if c.kind == "demonym":
        # "في العاصمة الأردنية عمّان": the capital's state says where, it is no party
        prev = _prev_word(s, m.start)
        if prev is None or m.prefix:
            return False
        if any(stem in words("words.tsv", "city_word") for _, stem in readings(s.tokens[prev].fold)):
            return True
        # "في مدينة برشلونة الإسبانية": the demonym after a city of its state where something is held
        return any(p.end == prev + 1 and p.values[0][1] == c.iso2 and is_locative(s, p)
                   for p in s.find(lexicon.place_gazetteer()))
    end = m.start
    if not m.prefix.endswith(("ب", "بال")):
        if end == 0 or s.tokens[end - 1].text != "،" or m.prefix:
            return False
        end -= 1
    return any(p.end == end and p.values[0][1] == c.iso2 and is_locative(s, p)
               for p in s.find(lexicon.place_gazetteer()))


def _prev_word(s: Sentence, i: int) -> int | None:
    j = i - 1
    while j >= 0 and not s.tokens[j].is_word:
        if s.tokens[j].text not in "/":
            return None
        j -= 1
    return j if j >= 0 else None


def country_at(s: Sentence, i: int) -> tuple[Match, CountryMention] | None:
    """The first country mention starting at token i (an index per sentence, rebuilt when
    mentions are added: a long sentence asks this for most of its tokens)."""
    index = s._found.get("country_at")
    if index is None or index[0] != len(s.countries):
        starts: dict[int, tuple[Match, CountryMention]] = {}
        for m, c in s.countries:
            starts.setdefault(m.start, (m, c))
        index = s._found["country_at"] = (len(s.countries), starts)
    return index[1].get(i)


def states_named(s: Sentence, exclude: set[int] = frozenset()) -> list[str]:
    """ISO2 codes of the states this sentence names as actors, in order.

    Capitals count only where they stand for their state (not 'في موسكو').
    """
    out = []
    for m, c in s.countries:
        if m.start in exclude:
            continue
        if c.kind == "capital" and is_locative(s, m) or locates_place(s, m, c) or in_dateline(s, m):
            continue
        if c.iso2 not in out:
            out.append(c.iso2)
    return out


# ---------------------------------------------------------------- topics, places

def find_topics(s: Sentence, exclude: set[int] = frozenset()) -> list[str]:
    """Topic codes cued in a sentence, outside ``exclude`` (names of bodies, roles)."""
    out = []
    for m in s.find(topic_gazetteer()):
        if m.start in exclude:
            continue
        for code, _ in m.values:
            if code not in out:
                out.append(code)
    return out


@dataclass
class PlaceMention:
    label: str
    country: str | None
    start: int


@lru_cache(maxsize=1)
def _palaces() -> dict[str, str]:
    return {fold(w): w for w in lexicon.written("words.tsv", "palace")}


def find_places(s: Sentence) -> list[PlaceMention]:
    """Cities and venues named where something happens ('بالقرية الذكية', 'في موسكو')."""
    out = []
    built = set()                       # "لإنشاء محطة إنزال في قضاء الفاو": where it is to be built
    for b in s.find(phrases("cues.tsv", "built")):
        k = b.end
        while k < len(s.tokens) and k - b.end < 10 and s.tokens[k].text not in "،.؛;":
            built.add(k)
            k += 1
    for m in s.find(lexicon.place_gazetteer()):
        if not is_locative(s, m) or s.tokens[m.start].fold in words("words.tsv", "not_place") \
                or m.start in built:
            continue
        name, iso2, _kind = m.values[0]
        label = _strip_prefix(s.tokens[m.start].text, m.prefix) + \
            s.text[s.tokens[m.start].end:s.tokens[m.end - 1].end]
        out.append(PlaceMention(label, iso2 or None, m.start))
    toks = s.tokens
    palace = _palaces()
    for k in range(len(toks) - 1):      # a palace as the venue: "في قصر الشاطئ", "بقصر الاتحادية"
        prefix, word = next(((p, palace[stem]) for p, stem in readings(toks[k].fold) if stem in palace),
                            (None, ""))
        if prefix is None or not (prefix.endswith("ب") or prefix == "" and k
                                  and toks[k - 1].fold in words("words.tsv", "prep_in")):
            continue
        nxt = toks[k + 1]
        if is_definite(nxt) and nxt.fold not in words("words.tsv", "time") and not _is_prepositional(nxt):
            out.append(PlaceMention(word + " " + nxt.text, None, k))
    return out


# ---------------------------------------------------------------- persons

@dataclass
class PersonMention:
    label: str
    start: int
    end: int
    role: str = ""
    country: str | None = None     # stated by the role or a counterpart demonym
    marked: bool = False           # the state is a demonym closing the role ("الوزير الفلسطيني")
    role_span: tuple[int, int] = (0, 0)
    role_orgs: list[int] = field(default_factory=list)   # token starts of orgs in the role
    single: bool = False           # a one-word (surname) mention, to be linked to a full name


def is_definite(tok: Token) -> bool:
    """A definite noun, alone or after و/ل ('الاتصالات', 'وتكنولوجيا' is not, 'للتكنولوجيا' is).

    Relative pronouns (الذي، التي) look definite but end a name.
    """
    if tok.fold in words("words.tsv", "relative") or tok.text.startswith(("أل", "إل")):
        return False                      # (a hamza marks no article: ألكسندر, إلهام)
    return any(stem.startswith("ال") and len(stem) > 3 for p, stem in readings(tok.fold)
               if p in ("", "و", "لل", "ولل", "وال"))


def _is_prepositional(tok: Token) -> bool:
    """'بالقرية', 'وبمقر الوزارة': a prepositional phrase, which ends a role or a name."""
    return any(stem.startswith("ال") and len(stem) > 3 for p, stem in readings(tok.fold)
               if p in ("ب", "وب", "بال", "وبال", "ك", "كال"))


_VERB_DUAL_PLURAL = re.compile(r"^[وف]?[يت]\w{3,}(?:ان|ون)$")
#: a clitic before a hamza-alef ("لإصدار", "بأن", "وبإطلاق"): a preposition and its noun
_CLITIC_HAMZA = re.compile(r"^[وف]?[بلك][أإآ]")


def _name_like(tok: Token, position: int, nxt: Token | None = None) -> bool:
    return _name_like_word(tok.text, tok.fold, tok.is_word, position > 0,
                           nxt is not None and nxt.fold in words("words.tsv", "son_of"))


@lru_cache(maxsize=50_000)
def _name_like_word(text: str, f: str, is_word: bool, inside: bool, before_son: bool) -> bool:
    """_name_like of a word: its surface and folded forms, whether it is not a name's first
    word, whether "بن" follows (remembered: names and words repeat across a corpus)."""
    if not is_word or _DIGITS.match(f) or len(f) < 2 or TANWEEN_FATH in text:
        return False
    if f in words("words.tsv", "function"):
        # على folds to علي (Ali): only inside a name, written with ي ("محمد بن علي"), or
        # first before بن ("علي بن عامر الشيذاني")
        return text in words("words.tsv", "given_name") and (inside or before_son)
    if f in words("words.tsv", "given_name"):
        return True
    if f.startswith("لل") or _CLITIC_HAMZA.match(text):
        return False
    verbs = words("words.tsv", "news_verb")
    if f in verbs or (f[:1] in "وف" and f[1:] in verbs):
        return False                # "رئيس الهيئة الإيرانية يعرض حصيلة مشاركته"
    if not inside and any(p in ("ب", "وب", "بال", "وبال") and stem.startswith("ال")
                          for p, stem in readings(f)[1:]):
        return False                # a prepositional phrase starts no name: "… بالمستوى المتقدم"
    # a lexicon word behind a clitic ("والاتصالات") is no name; "ك" aside: كاول is a name
    if f in reserved_stems() or any(stem in reserved_stems() for p, stem in readings(f)[1:]
                                    if len(stem) > 2 and not p.startswith("ك")):
        return False
    if f in words("words.tsv", "compound_tail"):
        return inside                # "محيي الدين يحيى حكمي", "نصر الله"
    if f.startswith("ال") and not text.startswith(("أل", "إل")):
        # family names like المصري are demonyms (reserved); السعدني, الحسيني may close a name
        # (ألبرتو, إلهام: a hamza marks no article)
        return inside and f.endswith("ي") and len(f) >= 5
    # an imperfect verb in the dual or plural (ويبحثان، يتطلعون) is no name
    if _VERB_DUAL_PLURAL.match(f) and len(f) >= 6:
        return False
    # a possessive suffix (اعجابه، لتطويرها) marks a common noun, not a name
    if text.endswith(("ه", "ها", "هم", "هما")) and len(f) >= 5 \
            and f not in words("words.tsv", "given_name"):
        return False
    return True


def _boundary(s: Sentence, j: int) -> bool:
    """Where a name must end: punctuation, the end, a particle, a title or a speech verb."""
    toks = s.tokens
    if j >= len(toks) or not toks[j].is_word:
        return True
    return toks[j].fold in words("words.tsv", "function") or any(
        s.match_at(j, g) for g in (phrases("people.tsv", "title"), phrases("people.tsv", "counterpart"),
                                   phrases("people.tsv", "trigger"), phrases("people.tsv", "honorific")))


def _family_word(s: Sentence, j: int) -> bool:
    """A definite word that may be (part of) a family name: "السواحة", not a lexicon word."""
    t = s.tokens[j]
    return (t.is_word and t.fold.startswith("ال") and len(t.fold) >= 5 and t.fold not in reserved_stems()
            and not country_at(s, j))


def _name_run(s: Sentence, i: int, max_len: int = 4) -> int:
    """End index of the name that starts at token i (i itself if none)."""
    toks = s.tokens
    j = i
    while j < len(toks) and j - i < max_len:
        t = toks[j]
        if j > i and t.fold in words("words.tsv", "name_link") and j + 1 < len(toks) and toks[j + 1].is_word:
            max_len += 2                      # "محمد بن علي بن محمد المناعي", "محمد بن راشد آل مكتوم",
            j += 1                            # "محمد الأمين ولد أحمد باب"
            continue
        if t.fold in words("words.tsv", "name_join") and j + 1 < len(toks) and toks[j + 1].fold.startswith("ال"):
            j += 2
            max_len += 1
            continue
        if j > i and t.text == "-" and j + 1 < len(toks) and toks[j - 1].end == t.start \
                and toks[j + 1].start == t.end and toks[j + 1].is_word and not country_at(s, j + 1):
            j += 2                            # a hyphenated name: "لي جونغ-هو", "دورين بوغدان-مارتن"
            continue
        if not _name_like(t, j - i, toks[j + 1] if j + 1 < len(toks) else None):
            # "إياد الخطيب وزير …", "أمل الفلاح السغروشني،": a family name with ال closes a name
            if j > i:
                k = j
                while k < len(toks) and k - j < 2 and _family_word(s, k):
                    k += 1
                if k > j and (_boundary(s, k) or any(st in reserved_stems() for st in toks[k].stems)):
                    j = k                     # "… أحمد الهناندة مذكرة تفاهم": a lexicon word ends it too
            break
        j += 1
    # "عمرو طلعت أهمية اللقاء": a third word followed by a definite noun is the next phrase
    if j - i >= 3 and j < len(toks) and toks[j].is_word and is_definite(toks[j]) \
            and toks[j - 1].fold not in words("words.tsv", "given_name") \
            and toks[j].fold not in words("words.tsv", "time") and toks[i].fold not in words("words.tsv", "name_join") \
            and toks[j - 2].fold not in words("words.tsv", "name_join") \
            and toks[j - 2].fold not in words("words.tsv", "name_link"):
        j -= 1                                # (not before "اليوم", nor in "عبد القادر أورال أوغلو", "ماجد عبد
        #                                       التواب", "نزار بن ناجي التقى")
    return j


def _family_demonym(s: Sentence, start: int, end: int) -> int:
    """A demonym closing a name before its role is a family name: "الدكتور محمد حمد
    الكويتي رئيس الأمن السيبراني لحكومة دولة الإمارات" (not a Kuwaiti)."""
    c = country_at(s, end) if end - start >= 2 else None
    if not c or c[1].kind != "demonym" or c[0].prefix or not s.tokens[end].fold.startswith("ال"):
        return end
    after = c[0].end + (1 if c[0].end < len(s.tokens) and s.tokens[c[0].end].text == "،" else 0)
    return c[0].end if s.match_at(after, phrases("people.tsv", "title")) else end


def _skip_acronym(s: Sentence, i: int) -> int:
    """Past a bracketed acronym of the body a role names: "(CNSA)"."""
    toks = s.tokens
    if i + 2 < len(toks) and toks[i].text == "(" and toks[i + 2].text == ")" \
            and toks[i + 1].text.isascii():
        return i + 3
    return i


def _skip_honorifics(s: Sentence, i: int) -> int:
    toks = s.tokens
    hon = phrases("people.tsv", "honorific")
    while i < len(toks):
        if not toks[i].is_word and toks[i].text in "/.":
            i += 1
            continue
        m = s.match_at(i, hon)
        if m and m.prefix in ("", "و", "ل", "لل", "ب", "ال"):
            i = m.end
            continue
        break
    return i


def _role_phrase(s: Sentence, i: int) -> tuple[int, str | None, list[int]]:
    """Parse a role phrase starting at a title word: its end, its state, orgs inside it.

    "سفير الجمهورية الإسلامية الإيرانية لدى روسيا" -> state IR (the sender, before لدى).
    (Parsed once per sentence and position: persons and marks both ask.)
    """
    key = ("role", i)
    if key not in s._found:
        end, country, orgs = _parse_role(s, i)
        s._found[key] = (end, country, tuple(orgs))
    end, country, orgs = s._found[key]
    return end, country, list(orgs)


def _parse_role(s: Sentence, i: int) -> tuple[int, str | None, list[int]]:
    toks = s.tokens
    titles = phrases("people.tsv", "title")
    forms = {**phrases("orgs.tsv", "form").entries, **phrases("orgs.tsv", "company").entries}
    m = s.match_at(i, titles)
    if not m:
        return i, None, []
    j, country, orgs, after_lada, later, of_brand = m.end, None, [], False, None, None
    while j < len(toks):
        t = toks[j]
        if not t.is_word:
            if t.text in QUOTES_OPEN:
                close = QUOTES_OPEN[t.text]
                k = j + 1
                while k < len(toks) and toks[k].text != close and k - j < 6:
                    k += 1
                if k < len(toks) and toks[k].text == close:
                    j = k + 1
                    continue
            break
        long_title = s.match_at(j, titles)
        if long_title and long_title.end - long_title.start >= 2:
            j = long_title.end                  # "نائبة الأمين العام …": a title, though "الأمين" is a name
            continue
        if t.fold in words("words.tsv", "given_name") or s.match_at(j, phrases("people.tsv", "honorific")):
            break
        brand = s.match_at(j, lexicon.company_gazetteer()) if j == m.end else None
        if brand and brand.prefix in ("", "ل"):
            j, of_brand = brand.end, brand.values[0]   # "رئيس هواوي، غوو بينغ": Huawei's state, unless
            continue                                   # the role names one ("مدير مايكروسوفت مصر")
        c = country_at(s, j)
        if c:
            cm, cmention = c
            if after_lada:
                later = later or cmention.iso2
            elif country is None:
                country = cmention.iso2
            j = cm.end
            # a role ends at its state ("وزير الاتصالات السوري"), unless "لدى" or an
            # adjective follows ("سفير إيران لدى روسيا", "الصندوق الأردني للريادة",
            # "الإيطالي المكلف بالابتكار")
            if not (j < len(toks) and (toks[j].fold in words("words.tsv", "prep_at") or is_definite(toks[j])
                                       or cmention.kind == "demonym" and _is_prepositional(toks[j])
                                       or toks[j].fold in words("words.tsv", "prep_in") and country_at(s, j + 1))):
                break                           # ("سفير المملكة المتحدة في لبنان" goes on)
            continue
        if s.match_at(j, phrases("people.tsv", "counterpart")) or s.match_at(j, phrases("people.tsv", "trigger")):
            break
        if t.fold in words("words.tsv", "prep_at"):
            after_lada = True
            j += 1
            continue
        if t.fold in words("words.tsv", "prep_in") and (country_at(s, j + 1) or country_at(s, j + 2)
                               or j + 1 < len(toks) and is_definite(toks[j + 1])):
            j += 1
            continue
        tm = s.match_at(j, titles)
        if tm:
            j = tm.end
            continue
        if any((stem,) in forms for _, stem in readings(t.fold)):
            orgs.append(j)
            j = _eponym(s, j + 1)               # "رئيس جامعة الأمير محمد بن فهد عيسى الأنصاري"
            brand = s.match_at(j, lexicon.company_gazetteer())
            j = brand.end if brand else j             # "… لشركة تورك تيليكوم أوميت أونال"
            continue
        if is_definite(t) or (_is_prepositional(t) and j > m.end and is_definite(toks[j - 1])):
            j += 1
            continue
        # an idafa chain: up to two indefinite nouns, then a definite noun, a state or a quote;
        # not after a bare definite title, which takes no idafa ("الوزيرة هيام الياسري")
        if j == m.end and m.end - m.start == 1 and toks[m.start].fold.startswith(("ال", "وال")):
            break
        k = j
        while k < len(toks) and k - j < 2 and toks[k].is_word and not is_definite(toks[k]) \
                and not country_at(s, k) and not _is_prepositional(toks[k]) \
                and toks[k].fold not in words("words.tsv", "function") \
                and toks[k].fold not in words("words.tsv", "given_name"):
            k += 1
        if k > j and k < len(toks) and (country_at(s, k) or toks[k].text in QUOTES_OPEN or (
                toks[k].is_word and is_definite(toks[k]) and not readings(toks[k].fold)[-1][0].startswith("و")
                and not toks[k].fold.startswith("و"))):
            j = k
            continue
        break
    # "وكيل الدولة لدى رئاسة مجلس الوزراء الإيطالي": no state before لدى, the one after
    return j, country or later or of_brand, orgs


def _closes_with_demonym(s: Sentence, end: int) -> bool:
    """The role ends with a demonym: its holder is marked as of that state."""
    c = next(((m, c) for m, c in s.countries if m.end == end), None)
    return c is not None and c[1].kind == "demonym"


def _side_before(s: Sentence, i: int) -> str | None:
    """"الجانب التركي" just before a role names the side its holder stands for."""
    for m, c in s.countries:
        if c.kind == "demonym" and 0 <= i - m.end <= 1 and m.start > 0 and \
                readings(s.tokens[m.start - 1].fold)[-1][1] in words("words.tsv", "side"):
            return c.iso2
    return None


def _role_label(s: Sentence, start: int, end: int) -> str:
    """The role as written, without a leading conjunction: 'ورئيسة قسم …' -> 'رئيسة قسم …'."""
    m = s.match_at(start, phrases("people.tsv", "title"))
    text = s.span_text(start, end)
    if m and m.prefix in ("و", "ف"):
        text = text[1:]
    return text


def _demonym_after(s: Sentence, i: int) -> tuple[int, str | None]:
    c = country_at(s, i)
    if c and c[1].kind == "demonym":
        return c[0].end, c[1].iso2
    return i, None


def marked_states(s: Sentence) -> list[str]:
    """The states a sentence marks as foreign, one entry per mark: a demonym in a role phrase,
    with or without a name after it ("يستقبل وزير الاقتصاد البرتغالي", "الوزير البرتغالي
    للاقتصاد", "مع السفير الإيراني"), or after a counterpart word ("نظيره المغربي"). News names
    its own officials without one.

    >>> marked_states(analyse("استقبل وزير البريد سفير الهند والوزير البرتغالي للاقتصاد ونظيره المغربي"))
    ['PT', 'MA']
    """
    out = _guests_of_honour(s)
    demonyms = [(m.start, c.iso2) for m, c in s.countries if c.kind == "demonym"]
    # a role placed in a state with ب ("وزير الاقتصاد الرقمي بجمهورية الغابون"; not "في": Iraqi
    # news writes its own "وزيرة الاتصالات في العراق")
    located = [(m.start, c.iso2) for m, c in s.countries if c.kind == "name" and (
        m.prefix.endswith("ب") or m.start > 0 and any(p.endswith("ب") and stem in words("words.tsv", "state_title")
                                                      for p, stem in readings(s.tokens[m.start - 1].fold)))]
    if not demonyms and not located:
        return out
    seen: set[int] = set()
    ends = {m.start: m.end for m, c in s.countries if c.kind == "demonym"}
    for m in s.find(phrases("people.tsv", "title")):
        end, _country, _orgs = _role_phrase(s, m.start)
        # right after the title ("الوزير البرتغالي للاقتصاد") or closing the role ("وزير الاقتصاد البرتغالي")
        seen.update(k for k, _ in demonyms if k == m.end or m.end <= k < end and ends[k] == end)
        seen.update(k for k, _ in located if m.end <= k < end)
    for m in s.find(phrases("people.tsv", "counterpart")):
        seen.update(k for k, _ in demonyms if k == m.end)
    return out + [iso for k, iso in sorted(demonyms + located) if k in seen]


def _guests_of_honour(s: Sentence) -> list[str]:
    """The state a guest-of-honour phrase marks: the last named up to four words before it
    ("سفيرة دولة فنلندا، التي تعد ضيفة شرف"), else the first right after ("ضيف الشرف فنلندا").

    >>> _guests_of_honour(analyse("فيما تحل فنلندا ضيفة شرف الطبعة 16 للصالون"))
    ['FI']
    """
    def words_between(a: int, b: int) -> int:
        return sum(1 for t in s.tokens[a:b] if t.is_word)
    out = []
    named = [(m.start, m.end, c.iso2) for m, c in s.countries if c.kind != "capital"]
    for g in s.find(phrases("people.tsv", "guest_mark")):
        before = [iso for start, end, iso in named if end <= g.start and words_between(end, g.start) <= 4]
        after = [iso for start, end, iso in named if start >= g.end and words_between(g.end, start) == 0]
        if before or after:
            out.append(before[-1] if before else after[0])
    return out


QUOTES = frozenset('"«»“”')


def find_persons(s: Sentence) -> list[PersonMention]:
    """People named in a sentence, found by their titles, honorifics and context."""
    toks = s.tokens
    found: list[PersonMention] = []
    taken: set[int] = set()

    def add(start: int, end: int, role: str = "", country: str | None = None,
            orgs: list[int] | None = None) -> PersonMention | None:
        if end - start < 1 or any(k in taken for k in range(start, end)):
            return None
        single = end - start == 1
        pm = PersonMention(s.span_text(start, end), start, end, role=role, country=country,
                           role_orgs=orgs or [], single=single)
        found.append(pm)
        taken.update(range(start, end))
        return pm

    def role_after(pm: PersonMention, j: int) -> None:
        """A role in apposition after the name: "عمرو طلعت، وزير الاتصالات"."""
        if j < len(toks) and toks[j].text == "،":
            j += 1
        end, country, orgs = _role_phrase(s, j)
        if end > j:
            pm.role = _role_label(s, j, end)
            pm.marked = pm.marked or (country is not None and _closes_with_demonym(s, end))
            pm.country = pm.country or country
            pm.role_orgs = orgs
            pm.role_span = (j, end)

    i = 0
    while i < len(toks):
        t = toks[i]
        if not t.is_word or i in taken:
            i += 1
            continue
        # 1. counterpart: "نظيره المصري د. عمرو طلعت"
        m = s.match_at(i, phrases("people.tsv", "counterpart"))
        if m:
            j, country = _demonym_after(s, m.end)
            k = _skip_honorifics(s, j)
            if k < len(toks) and toks[k].text == "،" and country:
                k = _skip_honorifics(s, k + 1)       # "ونظيرها التونسي، أنور معروف"
            end = _family_demonym(s, k, _name_run(s, k))
            if end - k >= 1:
                pm = add(k, end, "", country)
                if pm:
                    pm.marked = country is not None
                    role_after(pm, end)
                i = max(end, i + 1)
                continue
            if country and s.match_at(k, phrases("people.tsv", "title")):
                # "نظيره الصيني، وزير الصناعة وتكنولوجيات الاتصال Jin Zhuanglong": the role, then the name
                end_role, _c, orgs = _role_phrase(s, k)
                kk = _skip_honorifics(s, end_role)
                end = _name_run(s, kk)
                if end - kk >= 2:
                    pm = add(kk, end, _role_label(s, k, end_role), country, orgs)
                    if pm:
                        pm.marked = True
                        pm.role_span = (k, end_role)
                    i = end
                    continue
        # 2. title first: "وزير الاتصالات … عمرو طلعت", "مدير إدارة الفضاء الصينية (CNSA) لي قوه بينغ"
        m = s.match_at(i, phrases("people.tsv", "title"))
        if m:
            end_role, country, orgs = _role_phrase(s, i)
            k = _skip_honorifics(s, _skip_acronym(s, end_role))
            end = _name_run(s, k)
            if end == k and k + 1 < len(toks) and toks[k].text in QUOTES:
                # the name quoted after its role: وزير الأمن الداخلي الأمريكي "أليخاندرو مايوركاس"
                k2 = _skip_honorifics(s, k + 1)
                end2 = _name_run(s, k2)
                if end2 - k2 >= 2 and end2 < len(toks) and toks[end2].text in QUOTES:
                    k, end = k2, end2
            if end == k and k < len(toks) and toks[k].text == "،":
                # the name between commas after its role: "نائب وزير …، موندلي غونغوبيلي، الذي",
                # "رئيس هيأة الإعلام والاتصالات، الدكتور نوفل …،"
                hon = s.match_at(k + 1, phrases("people.tsv", "honorific"))
                k2 = _skip_honorifics(s, k + 1) if hon and not hon.prefix else k + 1   # not "والدكتور", "بالسيد"
                end2 = _name_run(s, k2)
                if (end2 - k2 >= 2 or hon and end2 - k2 == 1) and (end2 == len(toks) or toks[end2].text in "،.؛"):
                    k, end = k2, end2
            if end - k >= 2 or (end - k == 1 and k > end_role):
                pm = add(k, end, _role_label(s, i, end_role), country, orgs)
                if pm:
                    pm.role_span = (i, end_role)
                    pm.marked = country is not None and _closes_with_demonym(s, end_role)
                    if not pm.country:             # "ترأس الجانب التركي وزير …"
                        pm.country = _side_before(s, i)
                i = end
                continue
            i = max(m.end, i + 1)
            continue
        # 3. honorific: "الدكتور عمرو طلعت[، وزير …]"
        m = s.match_at(i, phrases("people.tsv", "honorific"))
        if m and m.prefix in ("", "و", "ل", "لل", "ب"):
            k = _skip_honorifics(s, i)
            end = _name_run(s, k)
            end = _family_demonym(s, k, end)
            if end > k:
                pm = add(k, end)
                if pm:
                    role_after(pm, end)
                    if not pm.country:             # "وقعها عن الجانب الفلسطيني معالي الدكتور …"
                        pm.country = _side_before(s, i)
                i = end
                continue
        # 4. trigger verb or preposition: "وأشار كاظم جلالي، في …"
        m = s.match_at(i, phrases("people.tsv", "trigger"))
        if m:
            k = _skip_honorifics(s, m.end)
            end = _family_demonym(s, k, _name_run(s, k))
            closes = end >= len(toks) or not toks[end].is_word or toks[end].fold in words("words.tsv", "after_name") \
                or s.match_at(end, phrases("people.tsv", "title")) is not None
            if end - k >= 2 and closes or end - k == 1 and closes:
                pm = add(k, end)
                if pm:
                    role_after(pm, end)
                i = max(end, i + 1)
                continue
        # 5. a name in apposition before its role: "حضرت الحفل غيثة مزور، الوزيرة المنتدبة …",
        #    "خلال لقائه لوه شياو قوانغ، سفير الصين"
        if (i == 0 or not _name_like(toks[i - 1], 0)):
            end = _name_run(s, i)
            if end - i >= 2 and end + 1 < len(toks) and toks[end].text == "،" \
                    and s.match_at(end + 1, phrases("people.tsv", "title")):
                pm = add(i, end)
                if pm:
                    role_after(pm, end)
                i = end
                continue
        # 6. a common given name with a family name after it
        if t.fold in words("words.tsv", "given_name") and t.fold not in words("words.tsv", "function"):
            end = _name_run(s, i)
            if end - i >= 2:
                pm = add(i, end)
                if pm:
                    role_after(pm, end)
                i = end
                continue
        i += 1
    return found


# ---------------------------------------------------------------- organisations

@dataclass
class OrgMention:
    label: str
    start: int
    end: int
    country: str | None = None
    international: bool = False
    aliases: list[str] = field(default_factory=list)
    head: str = ""                 # the form word, bare ("اتحاد")
    located: bool = False          # its state said after its name ("… في رومانيا"): marked foreign


def _quoted(s: Sentence, j: int, max_words: int = 5) -> tuple[int, str] | None:
    """A quoted or bracketed short name at token j: '“ايتيدا”', '(INFOBALT)'."""
    toks = s.tokens
    if j >= len(toks) or toks[j].text not in QUOTES_OPEN:
        return None
    close = QUOTES_OPEN[toks[j].text]
    k = j + 1
    while k < len(toks) and toks[k].is_word and k - j <= max_words:
        k += 1
    if k < len(toks) and k > j + 1 and (toks[k].text == close or toks[k].text in '"”»)'):
        return k + 1, s.span_text(j + 1, k)
    return None


def _represented(s: Sentence, i: int, prefix: str) -> str | None:
    """The state a body stands for: "وجمهورية باكستان الإسلامية ممثلة في وزارة …" -> PK."""
    toks = s.tokens
    k = i - 1 if not prefix.endswith("ب") else i
    if not prefix.endswith("ب") and not (k >= 0 and toks[k].fold in words("words.tsv", "prep_in")):
        return None
    k -= 1
    if k < 0 or readings(toks[k].fold)[-1][1] not in words("words.tsv", "represented"):
        return None
    k -= 1
    while k >= 0 and not toks[k].is_word:
        k -= 1
    return next((c.iso2 for m, c in s.countries if m.end == k + 1 and c.kind != "demonym"), None)


def _eponym(s: Sentence, j: int) -> int:
    """End of the name of the person a body is named after, at token j right after its form
    word: "[جامعة] الأمير محمد بن فهد", "[مدينة الملك] عبد العزيز للعلوم" (j itself if none).
    A given name after "بن …" begins the next name ("… محمد بن فهد عيسى الأنصاري").

    >>> s = analyse("رئيس جامعة الأمير محمد بن فهد عيسى الأنصاري")
    >>> _eponym(s, 2)
    6
    """
    toks = s.tokens
    eponyms = words("words.tsv", "eponym_title")
    if j < len(toks) and toks[j].fold in eponyms:
        k = j + 1
    elif j > 0 and readings(toks[j - 1].fold)[-1][1] in eponyms and toks[j - 1].is_word:
        k = j
    else:
        return j
    end = _name_run(s, k)
    for p in range(k + 2, end):
        if toks[p - 2].fold in words("words.tsv", "son_of") and toks[p].fold in words("words.tsv", "given_name"):
            return p
    return end if end > k else j


def _org_name_end(s: Sentence, j: int, limit: int) -> tuple[int, str | None]:
    """End of a descriptive name after its form word, and the state it names.

    The name runs through definite nouns ("الاتصالات"), coordinated ones
    ("وتكنولوجيا المعلومات"), short idafa chains ("شركات أنظمة المعلومات") and
    ends at a demonym ("الفلسطينية"), "في <state>", a second body ("والاتحاد …"),
    or anything else.
    """
    toks = s.tokens
    start, country = j, None
    j = _eponym(s, j)                                 # "جامعة الأمير محمد بن فهد"
    while j < len(toks) and j - start < limit and toks[j].is_word:
        t = toks[j]
        c = country_at(s, j)
        if c and c[1].kind != "demonym" and j > start and not c[0].prefix:
            return c[0].end, c[1].iso2                # "مكتب تمثيل ليتوانيا", "سفارة مصر"
        if c:
            if c[1].kind == "demonym":
                # "الهيئة السعودية للبيانات والذكاء الاصطناعي" goes on after its demonym
                country = country or c[1].iso2
                j = c[0].end
                if j < len(toks) and toks[j].is_word and is_definite(toks[j]) \
                        and any(p in ("ل", "لل") for p, _ in readings(toks[j].fold)[1:]):
                    continue
                return j, country
            break
        if t.fold in words("words.tsv", "prep_in") and j + 1 < len(toks) and country_at(s, j + 1):
            return j, country_at(s, j + 1)[1].iso2
        if j > start and any(s.match_at(j, g) for g in (phrases("orgs.tsv", "form"), phrases("orgs.tsv", "company"),
                                                         phrases("orgs.tsv", "state_form"))):
            break                                     # "… والاتحاد الوطني": a second body
        if any(s.match_at(j, g) for g in (phrases("people.tsv", "honorific"), phrases("people.tsv", "title"))):
            break                                     # "… المعلومات المهندس أسامة": a person next
        if t.fold in words("words.tsv", "time") or t.fold in words("words.tsv", "affiliated"):
            break                                     # "… المعلومات اليوم الاثنين", "… التابعة لـ"
        if j > start and is_definite(t) and any(
                p in ("ل", "لل") and stem in {x.fold for x in toks[start:j]} or stem.removeprefix("ال") in
                {x.fold.removeprefix("ال").removeprefix("وال") for x in toks[start:j]}
                for p, stem in readings(t.fold)[1:] if p in ("ل", "لل")):
            break                                     # "وزارة … والاتصالات … للاتصالات": a portfolio
        if is_definite(t):
            j += 1
            continue
        k = j
        while k < len(toks) and k - j < 3 and toks[k].is_word and not is_definite(toks[k]) \
                and not country_at(s, k) and not _is_prepositional(toks[k]) \
                and toks[k].fold not in words("words.tsv", "function") \
                and toks[k].fold not in words("words.tsv", "given_name") \
                and TANWEEN_FATH not in toks[k].text:      # "… الرقمية مجدداً ريادة": an adverb ends it
            k += 1
        if k > j and k < len(toks) and (toks[k].text in QUOTES_OPEN or country_at(s, k)
                                        or toks[k].is_word and is_definite(toks[k])):
            j = k
            continue
        break
    return j, country


def find_organizations(s: Sentence) -> list[OrgMention]:
    """Organisations named by their form: "وزارة …", "هيئة … “ايتيدا”", "شركة هواوي الصينية"."""
    toks = s.tokens
    found: list[OrgMention] = []
    i = 0
    while i < len(toks):
        kind, m = next(((k, m) for k, g in (("form", phrases("orgs.tsv", "form")),
                                            ("company", phrases("orgs.tsv", "company")),
                                            ("state_form", phrases("orgs.tsv", "state_form")))
                        if (m := s.match_at(i, g))), (None, None))
        if not m or m.prefix not in ("", "و", "ل", "لل", "ب", "بال", "وال", "ول", "وب", "ف"):
            i += 1
            continue
        definite = readings(toks[i].fold)[-1][1].startswith("ال") if m.prefix else toks[i].fold.startswith("ال")
        nxt = toks[m.end] if m.end < len(toks) else None
        if kind == "company" and definite and nxt is not None and is_definite(nxt) \
                and m.end + 1 < len(toks) and toks[m.end + 1].fold.startswith("لل"):
            kind = "form"       # "الشركة السورية للاتصالات", "الشركة العامة للاتصالات": a name
        if definite and (kind == "company" or nxt is None or not nxt.is_word or not is_definite(nxt)
                         or readings(nxt.fold)[-1][0].startswith("و") and not nxt.fold.startswith("ال")
                         or readings(nxt.fold)[-1][0] in ("ل", "لل")):
            # "الوزارة تستهدف", "الشركة دربت", "الهيئة والمشغلين", "الوزارة للنهوض بـ": the body
            # named before, not a name
            i = m.end
            continue
        c = country_at(s, i)
        if c and c[1].kind == "name" and c[0].end > m.end:
            i = c[0].end                               # "اتحاد جزر القمر" is the state
            continue
        if _after_skip_word(s, i):                     # "إحداث مركز مشترك": not yet an actor
            i = m.end
            continue
        j, country, aliases = m.end, None, []
        quoted = _quoted(s, j)
        if quoted:                                    # اتحاد "بيتا"
            j, alias = quoted
            aliases.append(alias)
        elif kind == "company":                       # شركة هواوي, شركة إن إي سي
            brand = s.match_at(j, lexicon.company_gazetteer())
            j = brand.end if brand else j
            while j < len(toks) and j - m.end < 3 and _name_like(toks[j], 0) \
                    and not toks[j].fold.endswith(("يه", "يات")):
                j += 1
        elif kind == "state_form":                    # الحكومة الفلسطينية, حكومة دولة الإمارات
            k = j + 1 if j < len(toks) and toks[j].fold in words("words.tsv", "state_title") else j
            c = country_at(s, k)
            if c:
                j = c[0].end
                country = c[1].iso2
        else:
            j, country = _org_name_end(s, j, 8)
            quoted = _quoted(s, j)
            if j > m.end and quoted:                   # هيئة … “ايتيدا”, وكالة أنباء “سبوتنيك”
                aliases.append(quoted[1])
                if not is_definite(toks[j - 1]):
                    j = quoted[0]
        if j <= m.end:
            i = m.end
            continue
        label = _strip_prefix(toks[i].text, m.prefix) + s.text[toks[i].end:toks[j - 1].end]
        label = label.replace('"', "").replace("“", "").replace("”", "").replace("«", "").replace("»", "")
        after = j
        if _quoted(s, j):
            after, alias = _quoted(s, j)
            if alias not in aliases:
                aliases.append(alias)
        # a state said after the name, where the body is or whom it belongs to ("في رومانيا",
        # "برومانيا", "التابعة لاتحاد جزر القمر"), marks it foreign; a demonym is part of a name
        located = country is not None and j < len(toks) and toks[j].fold in words("words.tsv", "prep_in") \
            and (country_at(s, j + 1) or (None, None))[1] is not None \
            and country_at(s, j + 1)[1].iso2 == country and country_at(s, j + 1)[1].kind != "capital"
        after, dem = _demonym_after(s, after)
        country = country or dem
        country = country or _represented(s, i, m.prefix)
        country = country or _city_in_name(s, m.end, j)
        if not country:
            country, past = _state_after(s, after)
            located = country is not None
            if country and _quoted(s, past):            # "… التابعة لاتحاد جزر القمر (ANADEN)"
                aliases.append(_quoted(s, past)[1])
        if kind == "company":                          # "شركة مايكروسوفت الكويت": Microsoft's state
            brand = next((b for k in range(m.end, j) if (b := s.match_at(k, lexicon.company_gazetteer()))), None)
            country = brand.values[0] if brand else country
        if not country and after + 1 < len(toks) and toks[after].fold in words("words.tsv", "prep_in") \
                and country_at(s, after + 1):
            country = country_at(s, after + 1)[1].iso2
            located = True
        elif not country and after < len(toks):
            # "… بجمهورية أوزبكستان", "… بالمغرب"
            k = after + 1 if readings(toks[after].fold)[-1][1] in words("words.tsv", "state_title") \
                and readings(toks[after].fold)[-1][0].endswith("ب") else after
            c = country_at(s, k)
            if c and (k > after or c[0].prefix.endswith("ب") or c[0].prefix.endswith("بال")):
                country = c[1].iso2
                located = True
        international = any(s.match_at(k, phrases("orgs.tsv", "international")) for k in range(i, j))
        plain = tuple(t.fold for t in toks[i + 1:j] if t.is_word)
        head = bare(readings(toks[i].fold)[-1][1] if m.prefix else toks[i].fold)
        prev = _prev_word(s, i)
        after_title = prev is not None and s.match_at(prev, phrases("people.tsv", "title")) is not None
        not_org = next((len(ph) for ph in phrases("orgs.tsv", "not_org").entries
                        if len(plain) + 1 >= len(ph) and (bare(ph[0]),) + ph[1:] == (head,) + plain[:len(ph) - 1]),
                       0)
        if not_org and (after_title or len(plain) + 1 == not_org):
            # "رئيس مجلس الوزراء", "رئيس مجلس إدارة هيئة …": part of a title; look on after it
            i += not_org
            continue
        found.append(OrgMention(" ".join(label.split()), i, j, None if international else country,
                                international, aliases, head, located and not international))
        i = max(j, i + 1)
    return found


def _state_after(s: Sentence, k: int) -> tuple[str | None, int]:
    """The state a body's name is followed by, in order: the state it belongs to ("مجلس الأمن
    السيبراني لدولة الإمارات", "… التابعة لاتحاد جزر القمر"), the city it is in ("الغرفة
    التجارية الصناعية بجدة").

    >>> s = analyse("وكالة التنمية الرقمية التابعة لاتحاد جزر القمر (ANADEN)")
    >>> _state_after(s, 3)
    ('KM', 7)
    """
    toks = s.tokens
    if k < len(toks) and toks[k].fold in words("words.tsv", "affiliated"):
        k += 1
    if k >= len(toks):
        return None, k
    c = country_at(s, k)
    if c and c[1].kind == "name" and c[0].prefix in ("ل", "لل"):
        return c[1].iso2, c[0].end
    of = [(p, stem) for p, stem in readings(toks[k].fold) if p in ("ل", "لل")]
    if of and any(stem in words("words.tsv", "state_title") for _, stem in of):
        c = country_at(s, k + 1)
        return (c[1].iso2, c[0].end) if c and c[1].kind == "name" else (None, k)
    place = s.match_at(k, lexicon.place_gazetteer())
    if place and place.prefix == "ب" and place.values[0][1] and place.values[0][2] != "capital":
        return place.values[0][1], place.end
    return None, k


def _city_in_name(s: Sentence, start: int, end: int) -> str | None:
    """The state of a city that closes a body's name ("غرفة جدة", "جامعة القاهرة", "بلدية دبي"):
    the body is of that city's state. Only a city written bare, in the name's own idafa.

    >>> s = analyse("مساعد أمين عام غرفة جدة المهندس")
    >>> _city_in_name(s, 4, 5)
    'SA'
    """
    for k in range(start, end):
        place = s.match_at(k, lexicon.place_gazetteer())
        if place and place.end == end and not place.prefix and place.values[0][1]:
            return place.values[0][1]
    return None


def _after_skip_word(s: Sentence, i: int) -> bool:
    """Preceded by a word of creation ("إنشاء", "إحداث"): what follows does not exist yet."""
    prev = _prev_word(s, i)
    return prev is not None and s.match_at(prev, phrases("cues.tsv", "skip_before")) is not None


def _strip_prefix(surface: str, folded_prefix: str) -> str:
    """Remove clitics from the surface form of a word: 'بوزارة' -> 'وزارة', 'للاتحاد' -> 'الاتحاد'."""
    if folded_prefix.endswith("لل"):
        return "ال" + surface[len(folded_prefix):]
    if folded_prefix.endswith("ال"):
        return surface[len(folded_prefix) - 2:]
    return surface[len(folded_prefix):]
