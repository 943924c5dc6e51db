"""Cleaned article -> :class:`~kg.extract.records.ArticleRecords`: the story read from its mentions.

Steps, each a small pure function:

1. sentences are analysed for mentions (:mod:`kg.extract.mentions`);
2. mentions become entities of the article (one person under two spellings is one);
3. the *story* is weighed: which states it is about, and which one it is told
   from (news names its own officials without a nationality and marks the
   foreign ones: "نظيره المصري"), so unmarked officials get the home state;
4. accords and engagements are read from their cue words, with their status,
   parties and participants, places, topics and dates.

>>> r = extract_text("وقعت مصر وتونس مذكرة تفاهم في مجال الذكاء الاصطناعي.", "demo")
>>> [(a.type, a.status, a.parties) for a in r.agreements]
[('MemorandumOfUnderstanding', 'signed', ['country:EG', 'country:TN'])]
"""
from __future__ import annotations

from bisect import bisect_left

import hashlib
import re
from collections import Counter
from functools import lru_cache

from . import dates, identity, lexicon
from .cleaning import Cleaned, clean
from .lexicon import Gazetteer, agency_gazetteer, countries, place_gazetteer, state_of
from .matching import find_all, match_at
from .mentions import (OrgMention, PersonMention, Sentence, analyse, country_at, find_organizations, find_persons,
                       find_places, find_topics, in_dateline, is_definite, is_locative, locates_place,
                       marked_states, states_named)
from .text import bare, readings
from .records import Agreement, ArticleRecords, Engagement, Organization, Person, Place
from .text import fold, sentences as split_sentences



@lru_cache(maxsize=1)
def _agreed_pattern() -> re.Pattern:
    """"اتفق الجانبان على (تعزيز) التعاون" (matched on the folded text; the words are classes
    of cues.tsv, the last one matched as the start of a word)."""
    return re.compile(r"(?:^|\s)[وف]?(?:" + lexicon.alternation("cues.tsv", "agree") + r")"
                      r"(?:\s+\S+){0,6}?\s+(?:" + lexicon.alternation("cues.tsv", "agree_on") + r")\s+(?:(?:"
                      + lexicon.alternation("cues.tsv", "agree_extent") + r")\s+)?(?:"
                      + lexicon.alternation("cues.tsv", "agree_object") + r")\w*")


def extract_text(text: str, article_id: str, source_file: str = "") -> ArticleRecords:
    """Extract one article's records from its raw text (furniture included)."""
    cleaned = clean(text)
    return extract_cleaned(cleaned, article_id, source_file or article_id + ".txt",
                           hashlib.sha256(text.encode("utf-8")).hexdigest())


def extract_cleaned(cleaned: Cleaned, article_id: str, source_file: str, sha256: str) -> ArticleRecords:
    texts = ([cleaned.title] if cleaned.title else []) + \
        [s for p in cleaned.paragraphs for s in split_sentences(p)]
    sents = [analyse(t, i) for i, t in enumerate(texts)]
    rec = ArticleRecords(article_id, sha256, source_file, cleaned.title, texts)

    org_mentions = [(s, om) for s in sents for om in find_organizations(s)]
    inside = {(s.index, k) for s, om in org_mentions for k in range(om.start, om.end)}
    # a name inside a body's name is no person ("مدينة الملك عبد العزيز للعلوم والتقنية")
    person_mentions = [(s, pm) for s in sents for pm in find_persons(s)
                       if not all((s.index, k) in inside for k in range(pm.start, pm.end))]
    persons, person_of = _resolve_persons(person_mentions)
    orgs, org_of = _resolve_orgs(org_mentions, sents)
    # "هيئة الحكومة الرقمية" is Saudi Arabia's only; a ministry is named by its portfolio, which
    # other states' ministries may share ("وزارة الاتصالات والاقتصاد الرقمي": Palestine's, and
    # Nigeria's in Arabic), so its name gives a state only where the article names that state
    named_anywhere = {iso for s in sents for iso in states_named(s)}
    for o in orgs:
        iso = _state_of_name(o.label)
        o.country = o.country or (iso if o.head not in lexicon.words("orgs.tsv", "ministry") or iso in named_anywhere else None)

    # persons whose role names an organisation take its state ("رئيس مجلس إدارة اتحاد بيتا")
    for (s, pm) in person_mentions:
        p = person_of.get((s.index, pm.start))
        if p and not p.country:
            for o_start in pm.role_orgs:
                o = org_of.get((s.index, o_start))
                if o and o.country:
                    p.country = o.country

    excluded = {s.index: {k for (_, pm) in person_mentions if _ is s for k in range(pm.start, pm.end)}
                for s in sents}
    # a family name that reads as a demonym ("ماجد عبد التواب القمرى") is that person again when
    # it stands alone later ("وصرح القمرى"), not a state
    surnames = {fold(p.label.split()[-1]) for p in persons if len(p.label.split()) >= 2}
    for s in sents:
        excluded[s.index].update(m.start for m, c in s.countries
                                 if c.kind == "demonym" and not m.prefix and m.end - m.start == 1
                                 and s.tokens[m.start].fold in surnames)
    acting: dict[int, set] = {}          # the states of the persons and bodies each sentence names
    for mentions, of in ((person_mentions, person_of), (org_mentions, org_of)):
        for s, m in mentions:
            if a := of.get((s.index, m.start)):
                acting.setdefault(s.index, set()).add(a.country)
    for s in sents:
        excluded[s.index].update(_venues(s, acting.get(s.index, set())))
    counts: Counter[str] = Counter()
    # where each state is first named: its sentence, then its place there (news names its own
    # state first: "المغرب والبرتغال يبحثان", "الجزائرية-الماليزية")
    first_seen: dict[str, tuple[int, int]] = {}
    for s in sents:
        for k, iso in enumerate(states_named(s, excluded[s.index])):
            counts[iso] += 1
            first_seen.setdefault(iso, (s.index, k))
    by_name = Counter(counts)
    for a in [*persons, *orgs]:
        if a.country:
            counts[a.country] += 1
            first_seen.setdefault(a.country, (a.sentences[0], 10**6))
    story = [iso for iso, n in sorted(counts.items(), key=lambda kv: (-kv[1], first_seen[kv[0]]))
             if n >= 2]
    pair = story[:2] if len(story) >= 2 else []
    marked = {pm.country for (_, pm) in person_mentions if pm.marked}
    marks = Counter(iso for s in sents for iso in marked_states(s))
    marks.update(om.country for (_, om) in org_mentions if om.located)
    # the home, in order: the agency signing the dateline, the masthead, the dateline's city
    # (an outlet of a third state the story never names, "سبوتنيك عربي" reporting two others,
    # is no home of it)
    outlet = _outlet_state(cleaned.site, cleaned.title)
    agency, city_state = _agency_state(cleaned), _city_state(cleaned)
    if agency and agency not in counts and city_state in counts:
        agency = city_state                # "الجزائر (واس)" on an Algerian fair that names no Saudi
    filed_from = agency or _site_state(cleaned.site) or (outlet if outlet in counts else None) or city_state
    # (with no pair of two states named twice, the two states named at all: "مع الهيئة … في رومانيا"
    # beside one "سوق الاتصالات المصري")
    two = pair if pair or len(counts) != 2 else sorted(counts)
    used = _titles_used(sents)
    rec.home = filed_from or _home_by_bare_title(counts, by_name, used) or _home_by_marks(two, marks) \
        or _home_by_title(two, used) or _home(pair, story, marked, first_seen, counts)
    for p in persons:
        if not p.country and rec.home and (p.roles or len(story) <= 2):
            p.country = rec.home
    for o in orgs:
        o.country = o.country or _ministry_of_minister(o, persons)
        if not o.country and not o.international and rec.home:
            o.country = rec.home
    orgs = _merge_orgs(orgs)
    for p in persons:                    # identity is name and state, now that the state is known
        p.key = identity.person_key(p.label, p.country)

    rec.persons, rec.organizations = persons, orgs
    rec.countries = [iso for iso in sorted(counts, key=lambda k: first_seen[k])]
    rec.places = _places(sents, cleaned.dateline, set(rec.countries))
    # "وزارة الاتصالات" names a ministry, not the article's topic
    named = {s.index: set() for s in sents}
    for s, om in org_mentions:
        named[s.index].update(range(om.start, om.end))
    for s, pm in person_mentions:
        named[s.index].update(range(*pm.role_span))
    for s in sents:
        for code in find_topics(s, named[s.index]):
            if code not in rec.topics:
                rec.topics.append(code)

    actors_in = _actors_by_sentence(sents, person_mentions, person_of, org_mentions, org_of, excluded,
                                    _title_states(rec.home, counts))
    home = rec.home
    if pair and not any(set(pair) <= {iso for _, iso in info["states_at"]} for info in actors_in.values()):
        # two states never named together (speakers at a conference): no story pair, and
        # a home only guessed from counts makes no pairs either
        pair, home = [], filed_from
    rec.agreements = _agreements(sents, actors_in, pair, home)
    rec.engagements = _engagements(sents, actors_in, pair, home, rec.agreements, rec.places)
    anchor = dates.anchor_of(cleaned.head, texts[:2])
    cues = {s.index: [(s.tokens[m.start].start, m.values[0]) for table in ("accord", "engagement")
                      for m in s.find(lexicon.phrases("cues.tsv", table))] for s in sents}
    for item in [*rec.agreements, *rec.engagements]:
        item.topics = _topics_of(sents, item.sentences, named)
        accord = isinstance(item, Agreement)
        # a signing is named by the accord it signs ("وقع الجانبان مذكرة تفاهم")
        kinds = {item.type} | ({a.type for a in rec.agreements} if item.type == "Signing" else set())
        item.date = dates.date_of([(texts[i], cues[i]) for i in item.sentences], kinds, anchor, years=accord)
    lead = next((d.iso for t in texts[:2] for d in dates.find_dates(t, anchor) if d.when.month), None)
    for e in rec.engagements:
        e.date = e.date or lead
    if not rec.agreements and not rec.engagements:
        rec.warnings.append("no cooperation between two states found: stored with its mentions only")
    return rec


# ---------------------------------------------------------------- entities

def _resolve_persons(mentions: list[tuple[Sentence, PersonMention]]):
    """Mentions -> persons. Spelling variants share a key; a shorter mention that ends
    like a known full name ("أورال أوغلو", "وقال طلعت"), or a chain of three words or more
    that begins it ("عبدالله بن زايد" of "عبدالله بن زايد آل نهيان"), is that person."""
    by_key: dict[str, Person] = {}
    person_of: dict[tuple[int, int], Person] = {}
    ordered = sorted(mentions, key=lambda sm: -len(identity.person_key(sm[1].label).split()))
    for s, pm in ordered:
        key = identity.person_key(pm.label)
        words = key.split()
        p = by_key.get(key)
        if p is None:
            # (a family name with or without its article: "عبد الرزاق نتشه" … "النتشة")
            plain = [bare(w) for w in words]
            tails = [q for q in by_key.values() if len(q.key.split()) > len(words)
                     and ([bare(w) for w in q.key.split()[-len(words):]] == plain
                          or len(words) >= 3 and q.key.split()[:len(words)] == words)]
            if len(tails) == 1:
                p = tails[0]
            elif pm.single and not _stands_alone(pm) or tails:
                continue                       # a lone surname nobody carries, or ambiguous
            else:
                p = by_key[key] = Person(key, pm.label)
        elif pm.label != p.label and pm.label not in p.alt_labels:
            p.alt_labels.append(pm.label)
        if pm.role and pm.role not in p.roles:
            p.roles.append(pm.role)
        p.country = p.country or pm.country
        if s.index not in p.sentences:
            p.sentences.append(s.index)
            p.sentences.sort()
        person_of[(s.index, pm.start)] = p
    persons = sorted(by_key.values(), key=lambda p: p.sentences[0])
    return persons, person_of


def _stands_alone(pm: PersonMention) -> bool:
    """A one-word mention that is a person of its own: a family name with a role in apposition
    ("بالسيد محمدوف، نائب وزير الاتصالات"), not a given name alone ("حسام") nor a fragment."""
    word = fold(pm.label)
    return bool(pm.role) and len(word) >= 3 and word not in lexicon.words("words.tsv", "given_name")


def _resolve_orgs(mentions: list[tuple[Sentence, OrgMention]], sents: list[Sentence]):
    orgs: list[Organization] = []
    org_of: dict[tuple[int, int], Organization] = {}
    by_alias: dict[str, Organization] = {}
    for s, om in mentions:
        # "اتحاد "بيتا"" is the body already known as "بيتا"
        known = next((by_alias[fold(a)] for a in om.aliases if fold(a) in by_alias), None)
        key = identity.org_key(om.label, om.country)
        o = known or next((x for x in orgs if identity.org_key(x.label, x.country) == key
                           or (om.country is None and identity.org_key(x.label, None).split("@")[0]
                               == key.split("@")[0])), None)
        if o is None:
            o = Organization("", om.label, country=om.country, international=om.international,
                             head=om.head)
            orgs.append(o)
        elif om.label != o.label and om.label not in o.alt_labels:
            o.alt_labels.append(om.label)
        o.country = o.country or om.country
        for a in om.aliases:
            if a not in o.alt_labels and a != o.label:
                o.alt_labels.append(a)
            by_alias[fold(a)] = o
        if s.index not in o.sentences:
            o.sentences.append(s.index)
        org_of[(s.index, om.start)] = o
    # bare aliases elsewhere: 'إنجازات بيتا', 'في مقر "بيتا"'
    if by_alias:
        for s in sents:
            for t in s.tokens:
                for cand in (t.fold, t.fold[1:] if len(t.fold) > 3 else ""):
                    o = by_alias.get(cand)
                    if o and s.index not in o.sentences:
                        o.sentences.append(s.index)
    return orgs, org_of


def _content(label: str) -> set[str]:
    out = set()
    for w in identity.skeleton(label).split()[1:]:
        w = w[1:] if w.startswith(("و", "ل")) and len(w) > 4 and w[1:3] == "ال" else w
        w = w[2:] if w.startswith("ال") and len(w) > 3 else w
        w = w[2:] if w.startswith("لل") and len(w) > 3 else w
        out.add(w)
    return out


@lru_cache(maxsize=1)
def _optional_forms() -> frozenset[str]:
    return frozenset(identity.skeleton(w) for w in lexicon.words("orgs.tsv", "optional_form"))


def _without_form(full: Organization, short: Organization) -> bool:
    """``short`` is ``full``'s name without its form word ("البريد السعودي", "مؤسسة البريد السعودي").

    >>> _without_form(Organization("", "مؤسسة البريد السعودي", country="SA"), Organization("", "البريد السعودي", country="SA"))
    True
    """
    words = identity.skeleton(full.label).split()
    return full.country == short.country and len(words) > 2 and words[0] in _optional_forms() \
        and " ".join(words[1:]) == identity.skeleton(short.label)


def _merge_orgs(orgs: list[Organization]) -> list[Organization]:
    """A shortened name of a body met earlier is the same body ("اتحاد التكنولوجيا في ليتوانيا")."""
    kept: list[Organization] = []
    merged: list[tuple[Organization, Organization]] = []
    for o in orgs:
        bare = next((k for k in kept if _without_form(o, k)), None)
        if bare:                          # "البريد السعودي" then "مؤسسة البريد السعودي": the full name leads
            kept[kept.index(bare)] = o
            o.alt_labels += [lab for lab in [bare.label, *bare.alt_labels] if lab not in o.alt_labels]
            o.sentences = sorted(set(o.sentences) | set(bare.sentences))
            merged = [(x, o if t is bare else t) for x, t in merged] + [(bare, o)]
            continue
        target = next((k for k in kept if _without_form(k, o)), None) or next((k for k in kept if k.head == o.head and k.country == o.country
                       and _content(o.label) and _content(o.label) <= _content(k.label)
                       and len(_content(o.label)) < len(_content(k.label))), None)
        if target:
            for lab in [o.label, *o.alt_labels]:
                if lab not in target.alt_labels and lab != target.label:
                    target.alt_labels.append(lab)
            target.sentences = sorted(set(target.sentences) | set(o.sentences))
            merged.append((o, target))
        else:
            kept.append(o)
    for o in kept:
        o.key = identity.org_key(o.label, o.country)
    for o, target in merged:            # mentions of a merged name now refer to the body it names
        o.key = target.key
    return kept


def _ministry_of_minister(o: Organization, persons: list[Person]) -> str | None:
    """"وزارة الحوكمة الرقمية" is the ministry of the one state whose minister's role reads
    "وزير الحوكمة الرقمية …" (several states with that portfolio: unknown)."""
    label = fold(o.label)
    head = next((w for w in sorted(lexicon.words("orgs.tsv", "ministry")) if label.startswith(w + " ")), None)
    if head is None:
        return None
    portfolio = label[len(head) + 1:]
    roles = tuple(w + " " + portfolio for w in sorted(lexicon.words("people.tsv", "minister")))
    states = {p.country for p in persons if p.country for r in p.roles if fold(r).startswith(roles)}
    return states.pop() if len(states) == 1 else None


def _state_of_name(label: str) -> str | None:
    """The state of a body whose full name belongs to one state only (ministries.tsv)."""
    toks = analyse(label).tokens
    m = match_at(toks, 0, state_of("ministries.tsv")) if toks else None
    return m.values[0] if m and m.end == len(toks) else None


def _site_state(site: str) -> str | None:
    """A masthead or copyright line naming a body of one state: "جميع الحقوق محفوظة لوزارة
    الاقتصاد الرقمي والريادة" is a Jordanian ministry's site."""
    found = {m.values[0] for m in find_all(analyse(site).tokens, state_of("ministries.tsv"))}
    return found.pop() if len(found) == 1 else None


def _outlet_state(site: str, title: str = "") -> str | None:
    """A masthead naming a national agency ("وكالة الأنباء السعودية (واس)") or one state by
    its name ("فلسطين اليوم", "وزارة الاتصالات - الجمهورية اللبنانية"): the outlet's state.
    A headline standing first on the page is no masthead ("وزير البريد يستقبل وزير الاقتصاد
    البرتغالي")."""
    found: set[str] = set()
    for line in site.split(" | "):
        if title and line.strip() == title.strip():
            continue
        s = analyse(line)
        found |= {m.values[0] for m in find_all(s.tokens, agency_gazetteer())} | \
            {c.iso2 for _, c in s.countries if c.kind == "name"}
    return found.pop() if len(found) == 1 else None


def _agency_state(cleaned: Cleaned) -> str | None:
    """The national agency signing the dateline names the story's home state: "الرياض - واس",
    "تونس (وات) -", "نيقوسيا (بترا) -" (Jordanian news from Nicosia)."""
    if not cleaned.dateline:
        return None
    signed = analyse(cleaned.signed).tokens
    for k in range(len(signed)):
        m = match_at(signed, k, agency_gazetteer())
        before = signed[k - 1].text if k else ""
        after = signed[m.end].text if m and m.end < len(signed) else ""
        # signing the dateline: "(بترا)", "- واس", "/ واع", "وفا-", "… 2025 م واس"
        if m and (before == "(" and after == ")" or before in "-–—/" and before or after in ("-", "–", "—")
                  or not after and len(signed) < 14):
            return m.values[0]
    return None


def _city_state(cleaned: Cleaned) -> str | None:
    """The state of the city a dateline is filed from ("الجزائر (واس)": Algeria)."""
    toks = analyse(cleaned.dateline).tokens if cleaned.dateline else []
    m = match_at(toks, 0, place_gazetteer()) if toks else None
    return m.values[0][1] or None if m else None


@lru_cache(maxsize=1)
def _bare_titles() -> frozenset[str]:
    """The state titles that stand alone for a state (words.tsv self_state), folded, without
    their article: {"مملكه", "سلطنه"}."""
    return frozenset(w.removeprefix("ال") for w in lexicon.words("words.tsv", "self_state"))


@lru_cache(maxsize=None)
def _titles_of(iso2: str) -> frozenset[str]:
    """The state titles a state's names carry: {"مملكه"} for Bahrain ("مملكة البحرين")."""
    r = next(r for r in lexicon.records("countries.tsv") if r["iso2"] == iso2)
    names = [r["name_ar"], *lexicon.split(r.get("variants_ar", ""))]
    return frozenset(w.removeprefix("ال") for n in names for w in fold(n).split()
                     if w.removeprefix("ال") in _bare_titles())


def _title_word(s: Sentence, k: int) -> str | None:
    """The state title token ``k`` uses alone ("بالسلطنة": "سلطنه"), not inside a state's name
    ("سلطنة عمان")."""
    title = next((stem.removeprefix("ال") for _, stem in readings(s.tokens[k].fold)
                  if stem.startswith("ال") and stem.removeprefix("ال") in _bare_titles()), None)
    return title if title and not country_at(s, k) else None


def _titles_used(sents: list[Sentence]) -> set[str]:
    """The state titles the text uses alone ("المملكة والولايات المتحدة توقعان")."""
    return {t for s in sents for k in range(len(s.tokens)) if (t := _title_word(s, k))}


def _home_by_title(pair: list[str], used: set[str]) -> str | None:
    """A state's title alone ("المملكة والولايات المتحدة توقعان", "بالسلطنة") stands for the home:
    of the two states, the one whose name carries it (``used``: :func:`_titles_used`).

    >>> _home_by_title(["US", "SA"], _titles_used([analyse("المملكة والولايات المتحدة توقعان اتفاقية")]))
    'SA'
    """
    if len(pair) != 2:
        return None
    titled = [c for c in pair if _titles_of(c) & used]
    return titled[0] if len(titled) == 1 else None


def _home_by_bare_title(counts: Counter, by_name: Counter, used: set[str]) -> str | None:
    """News calls its own state by its title alone and names the others: "المملكة تعزز شراكتها مع
    إستونيا والدنمارك" is Saudi news, though Denmark is a kingdom too. The home is the one state
    whose name carries a title the text uses alone and that the text never names (it is there
    through its people and bodies only).

    >>> from collections import Counter
    >>> _home_by_bare_title(Counter({"EE": 5, "DK": 3, "SA": 2}), Counter({"EE": 4, "DK": 3}),
    ...                     _titles_used([analyse("عززت المملكة شراكتها مع إستونيا والدنمارك")]))
    'SA'
    """
    unnamed = [c for c in counts if not by_name[c] and _titles_of(c) & used]
    return unnamed[0] if len(unnamed) == 1 else None


def _home_by_marks(pair: list[str], marks: Counter) -> str | None:
    """Of the story's two states, the one its roles mark as foreign less often ("يستقبل وزير
    الاقتصاد البرتغالي", "الضيف" unmarked beside "نظيره الروسي" twice); a tie tells nothing.

    >>> _home_by_marks(["PT", "DZ"], Counter({"PT": 2}))
    'DZ'
    >>> _home_by_marks(["IR", "SA"], Counter({"IR": 3, "SA": 3})) is None
    True
    """
    if len(pair) != 2 or marks[pair[0]] == marks[pair[1]]:
        return None
    return min(pair, key=lambda c: marks[c])


def _home(pair: list[str], story: list[str], marked: set[str], first_seen: dict[str, tuple[int, int]],
          counts: Counter | None = None) -> str | None:
    """The state the story is told from: of the two, the one whose people go unmarked.

    When both are marked foreign ("وزيري الاتصالات الفلسطيني واليمني"), the story is told from
    a third state: the one state it names that marks nobody, if there is exactly one
    ("التعاون المشترك مع المملكة الأردنية الهاشمية"); else it cannot be told.
    """
    if not story:
        return None
    if len(pair) == 2:
        unmarked = [c for c in pair if c not in marked]
        if len(unmarked) == 1:
            return unmarked[0]
        if not unmarked and counts is not None:
            third = [c for c in counts if c not in marked]
            return third[0] if len(third) == 1 else None
        return min(pair, key=lambda c: first_seen[c]) if not marked else story[0]
    return story[0]


def _places(sents: list[Sentence], dateline: str = "", states: set[str] = frozenset()) -> list[Place]:
    """Places where things happen, the dateline's city among them; a shorter name of a
    place named in full too ("الجزائر", "الجزائر العاصمة") is that place. A city named like a
    state of the story whose own state the story does not name is that state ("زيارة إلى
    عمان" in a story of Iran and Oman is no visit to Amman)."""
    out: dict[str, Place] = {}
    for s in sents:
        for pm in find_places(s):
            named = s.match_at(pm.start, lexicon.country_gazetteer()) if states and pm.country not in states else None
            if named and any(c.kind == "name" and c.iso2 in states for c in named.values):
                continue
            key = identity.place_key(pm.label)
            p = out.setdefault(key, Place(key, pm.label, pm.country))
            if s.index not in p.sentences:
                p.sentences.append(s.index)
    if dateline:
        for pm in find_places(analyse(dateline + " -")):
            key = identity.place_key(pm.label)
            out.setdefault(key, Place(key, pm.label, pm.country, [0]))
    for key, p in list(out.items()):
        longer = [q for q in out.values() if q is not p and q.country == p.country
                  and q.label.startswith(p.label + " ")]
        if longer:
            longer[0].sentences = sorted(set(longer[0].sentences) | set(p.sentences))
            del out[key]
    return list(out.values())


def _venues(s: Sentence, acting: set) -> set[int]:
    """The states a sentence names only as where a gathering is held: before a word of going to
    take part in it ("زار الإمارات للمشاركة في القمة العالمية"), with no person or body of that
    state in the sentence (``acting``: their states). (The gathering is the multilateral setting,
    its host no party.)

    >>> s = analyse("وقال الوزير الأردني الذي زار الإمارات للمشاركة في القمة العالمية إن")
    >>> [s.tokens[k].text for k in _venues(s, set())]
    ['الإمارات']
    """
    going = [m.start for m in s.find(lexicon.phrases("cues.tsv", "attending"))]
    if not going or not any(m.values[0] == "Forum" and m.start > going[0]
                            for m in s.find(lexicon.phrases("cues.tsv", "engagement"))):
        return set()
    return {m.start for m, c in s.countries if m.end <= going[0] and c.iso2 not in acting and c.kind != "demonym"}


def _title_states(home: str | None, named: Counter) -> dict[str, str]:
    """What a state's title standing alone stands for ("بين السلطنة واليمن"): the home state if
    its name carries the title, else the one state the article names whose name does.

    >>> _title_states("YE", Counter({"YE": 3, "OM": 2, "ZA": 2}))
    {'سلطنه': 'OM'}
    >>> _title_states("SA", Counter({"SA": 1, "DK": 2}))
    {'مملكه': 'SA'}
    """
    out = {}
    for title in _bare_titles():
        carriers = [c for c in named if title in _titles_of(c)]
        if home and title in _titles_of(home):
            out[title] = home
        elif len(carriers) == 1:
            out[title] = carriers[0]
    return out


def _actors_by_sentence(sents, person_mentions, person_of, org_mentions, org_of, excluded,
                        titled: dict[str, str]) -> dict[int, dict]:
    """For each sentence: the states it names as acting, each at its token position
    (a state directly, or the state of a person or organisation named there), and the
    persons and organisations in it, minus those only present or patronising."""
    out = {}
    persons_in: dict[int, list] = {}         # the mentions of each sentence, in their order
    for ss, pm in person_mentions:
        persons_in.setdefault(id(ss), []).append(pm)
    orgs_in: dict[int, list] = {}
    for ss, om in org_mentions:
        orgs_in.setdefault(id(ss), []).append(om)
    for s in sents:
        aside = _occasion(s, persons_in.get(id(s), ())) | _scope(s, lexicon.phrases("cues.tsv", "examples")) | \
            {m.end for m in s.find(lexicon.phrases("cues.tsv", "route"))}        # "مرورا بالنيجر", "عبر تركيا"
        named = set(states_named(s, excluded[s.index]))
        at: list[tuple[int, str]] = [(m.start, c.iso2) for m, c in s.countries
                                     if m.start not in excluded[s.index] and m.start not in aside
                                     and c.iso2 in named
                                     and not (c.kind == "capital" and is_locative(s, m))
                                     and not locates_place(s, m, c) and not in_dateline(s, m)]
        if titled:                       # "بين السلطنة واليمن": the title alone, for its state
            at += [(k, iso) for k in range(len(s.tokens)) if k not in excluded[s.index] and k not in aside
                   and (iso := titled.get(_title_word(s, k)))]
        people, bodies = [], []
        for pm in persons_in.get(id(s), ()):
            p = person_of.get((s.index, pm.start))
            if p:
                people.append((pm.start, p))
        for om in orgs_in.get(id(s), ()):
            o = org_of.get((s.index, om.start))
            if o:
                bodies.append((om.start, o))
        for pos, a in [*people, *bodies]:
            if a.country and pos not in aside:
                at.append((pos, a.country))
        at.sort()
        anaphor = bool(s.find(lexicon.phrases("cues.tsv", "pair")))
        present = _scope(s, lexicon.phrases("cues.tsv", "not_party"))
        out[s.index] = {
            "states_at": at, "anaphor": anaphor,
            "persons": [p for _, p in people], "orgs": [o for _, o in bodies],
            "present": {a.ref for pos, a in [*people, *bodies] if pos in present},
        }
    return out


def _occasion(s: Sentence, persons: list[PersonMention]) -> set[int]:
    """The setting after "على هامش": its scope ends where the verb's complement goes on with a
    person ("التقينا على هامش هذا الاجتماع بالسيد محمدوف، نائب وزير …", "… مع وزير …"), who
    is met there, not part of the setting.

    >>> s = analyse("والتقى الوزير على هامش المعرض بوزير الاتصالات الأذربيجاني رشاد نبييف")
    >>> [s.tokens[k].text for k in sorted(_occasion(s, find_persons(s)))]
    ['المعرض']
    """
    scope = _scope(s, lexicon.phrases("cues.tsv", "occasion"))
    honorific = lexicon.phrases("people.tsv", "honorific")

    def by(k: int) -> bool:                          # "بوزير", "بالسيد"
        return any(p in ("ب", "وب") for p, _ in readings(s.tokens[k].fold))
    for pm in persons:
        lead = min(pm.start, pm.role_span[0]) if pm.role_span != (0, 0) else pm.start
        if lead in scope and by(lead):
            cut = lead
        elif lead - 1 in scope and (s.tokens[lead - 1].fold in {"مع", "ومع"}
                                    or by(lead - 1) and s.match_at(lead - 1, honorific)):
            cut = lead - 1
        else:
            continue
        scope = {j for j in scope if j < cut}
    return scope


def _scope(s: Sentence, cues: Gazetteer) -> set[int]:
    """Token positions after one of ``cues`` up to the end of the clause: "بحضور …",
    "برعاية …" (not_party: no parties there), "على هامش …" (occasion), "من بينها …" (examples)."""
    scope: set[int] = set()
    for m in s.find(cues):
        k = m.end
        while k < len(s.tokens) and s.tokens[k].text not in ".؛;" and k - m.end < 40:
            scope.add(k)
            k += 1
    return scope


def _states(at: list[tuple[int, str]], lo: int = 0, hi: int = 10**9) -> list[str]:
    """The states of ``at`` (sorted by position) at positions lo <= pos < hi, first seen first;
    found by bisection, so a sentence of many cues costs no more than its length."""
    i, j = bisect_left(at, (lo,)), bisect_left(at, (hi,))
    return list(dict.fromkeys(iso for _, iso in at[i:j]))


def _complete(states: list[str], anaphor: bool, pair: list[str], home: str | None) -> list[str]:
    """Two or more states for an accord or event: "البلدين" is the story's pair; one state
    named beside an unnamed home state is a pair with home; none named is the story's pair."""
    if len(states) >= 2:
        return states
    if len(states) == 1:
        if home and states[0] != home:
            return [home, states[0]]
        if pair and states[0] in pair:
            return list(dict.fromkeys(states + pair))
        return states
    return list(pair) if pair else []


# ---------------------------------------------------------------- accords and engagements

MAX_ENGAGED = 4     # more states in one engagement sentence: a list of participants of a multilateral event


def _status(s: Sentence) -> str | None:
    """planned if the sentence speaks of the future or an intention, signed if of a signing."""
    hits = {v for m in s.find(lexicon.phrases("cues.tsv", "status")) for v in m.values}
    if "planned" in hits:
        return "planned"
    if "signed" in hits or s.find(lexicon.phrases("cues.tsv", "recalled")):
        return "signed"
    return None


def _signs(s: Sentence) -> bool:
    """The sentence tells a signing of the story: a signing word not just after a planning one
    ("سيتم توقيع"), whatever else it plans ("ووقع المذكرة …، ومن المرتقب أن …"), and not one it
    only recalls ("التي وقعها الطرفان")."""
    found = s.find(lexicon.phrases("cues.tsv", "status"))
    planned = {k for m in found if "planned" in m.values for k in range(m.end, m.end + 2)}
    return any("signed" in m.values and m.start not in planned for m in found)


def _agreements(sents: list[Sentence], actors_in: dict, pair: list[str], home: str | None) -> list[Agreement]:
    """Accords from their cue nouns (and "اتفق … على التعاون"), one node per accord.

    Several cues in one sentence each take the states named after them up to the
    next cue, plus those named before the first ("وقعت مصر مذكرة مع أوزبكستان
    وبرنامجا مع عمان"). A definite cue alone ("المذكرة") is the accord just named.
    """
    accords: list[tuple[Agreement, frozenset]] = []
    last: Agreement | None = None
    group: list[Agreement] = []          # the accords named together last ("مذكرتي تفاهم")
    stated: set[int] = set()
    for s in sents:
        info = actors_in[s.index]
        cues = []
        own_states = len(_states(info["states_at"])) >= 2
        for m in s.find(lexicon.phrases("cues.tsv", "accord")):
            if _negated(s, m.start):
                continue                        # "لم يعلن عن توقيع أي اتفاقيات"
            if m.start > 0 and s.match_at(m.start - 1, lexicon.phrases("cues.tsv", "accord_frame")):
                continue                        # "في إطار اتفاقيات اتحاد البريد": the frame
            first = s.tokens[m.start].fold
            last_word = s.tokens[m.end - 1].fold if m.end - m.start > 1 else readings(first)[-1][1]
            if m.end - m.start == 1 and m.end < len(s.tokens) and is_definite(s.tokens[m.end]) \
                    and not last_word.startswith("ال"):
                last_word = s.tokens[m.end].fold    # "وتهدف اتفاقية التعاون إلى …": made definite by
                #                                     the noun it governs, the accord just named
            # "المذكرة", "مذكرة التفاهم", "البرنامج التنفيذي": the accord already named
            anaphoric = (last_word.startswith("ال") and (m.end - m.start == 1 or not own_states)) \
                or _annex(s, m.end)
            if anaphoric and s.match_at(m.start, lexicon.phrases("cues.tsv", "own_type")) \
                    and not any(a.type == m.values[0] for a, _ in accords):
                anaphoric = False               # "للمذكرة التي وقعها …" after a "وثيقة تعاون"
            n = lexicon.values("cues.tsv", "dual").get(readings(first)[-1][1] if m.prefix else first, 1)
            numbers = lexicon.values("cues.tsv", "number")
            word_before = s.tokens[m.start - 1].fold if m.start > 0 else ""
            if word_before in numbers:
                n = numbers[word_before]
            elif word_before.isdigit() and 2 <= int(word_before) <= 20:
                n = int(word_before)                # "وقع الجانبان 3 مذكرات تفاهم"
            elif n == 1 and readings(first)[-1][1] in lexicon.words("cues.tsv", "plural"):
                n = 0                               # a plural, no number: all those named before
            ordinal = s.match_at(m.end, lexicon.phrases("cues.tsv", "ordinal")) if anaphoric else None
            cues.append((m.start, m.values[0], anaphoric, n, int(ordinal.values[0]) if ordinal else 0))
        status = _status(s)
        planned_before = {k for m in s.find(lexicon.phrases("cues.tsv", "status")) if "planned" in m.values
                          for k in range(m.end, m.end + 2)}
        if not cues and _agreed_pattern().search(fold(s.text)):
            # "اتفق الجانبان على التعاون …": agreed, whatever follow-up the sentence plans next
            # ("… على أن يتم تشكيل فريق عمل")
            cues.append((0, "CooperationAgreement", False, 1, 0))
            status = "agreed"
        at = info["states_at"]
        head = _states(at, 0, cues[0][0]) if len(cues) > 1 else []
        signed_here: set[int] = set()       # accords whose signatories this sentence has given
        for k, (pos, type_, anaphoric, n, ordinal) in enumerate(cues):
            if len(cues) > 1:
                nxt = cues[k + 1][0] if k + 1 < len(cues) else 10**9
                states = list(dict.fromkeys(head + _states(at, pos, nxt)))
            else:
                states = _states(at)
            before = [at[0][1]] if at and at[0][0] < pos else []    # _split needs the first only
            states = _complete(states, info["anaphor"], pair, home)
            if anaphoric and last is not None:
                target = [_antecedent(ordinal, states, home, group, [a for a, _ in accords]) or last]
            else:
                target = []
                for part, count in _split(states, max(n, 1), home, before):
                    key = frozenset(part)
                    # (an accord whose signing is planned right before its cue is never one already
                    # signed: "منذ أن وقعا الاتفاقية … في أوت 2003" and later "العمل جار من أجل توقيع
                    # اتفاقية" are two)
                    same = [a for a, kk in accords if a.type == type_ and kk == key
                            and not (pos in planned_before and a.status == "signed")]
                    if same and len(same) >= count:
                        target += same if n == 0 else same[:count]    # those named before ("مذكرتي تفاهم")
                    elif n == 0 and status is None and len(_states(at)) < 2 and not info["anaphor"]:
                        continue    # a plural with no partner and no status: agreements in general
                        #             ("التزام الهيئة بإبرام اتفاقيات مع موردي التكنولوجيا العالميين")
                    elif len(part) >= 2:
                        new = [Agreement(type_, status or "agreed") for _ in range(count)]
                        accords.extend((a, key) for a in new)
                        for a in new:
                            a.parties = ["country:" + c for c in part]
                        target += new
                if not target:
                    continue
                if len(target) > 1:
                    group = target
            for a in target:
                if s.index not in a.sentences:
                    a.sentences.append(s.index)
                # a signing settles it; otherwise the first mention with a status word does
                if status == "signed" or (status and id(a) not in stated):
                    a.status = status
                if status:
                    stated.add(id(a))
                if status == "signed" and id(a) not in signed_here:
                    signed_here.add(id(a))          # the same again would add nobody
                    for actor in [*info["orgs"], *info["persons"]]:
                        if actor.ref in info["present"] or not actor.country or \
                                "country:" + actor.country not in a.parties:
                            continue
                        bucket = a.signatories if actor.ref.startswith("person:") else a.parties
                        if actor.ref not in bucket:
                            bucket.append(actor.ref)
            last = target[-1]
    return [a for a, _ in accords]


def _split(states: list[str], n: int, home: str | None, before: list[str]) -> list[tuple[list[str], int]]:
    """The accords a cue names: ``n`` accords, each between all ``states``, or, when
    ``n`` accords meet as many partners of one common party, one accord per partner:
    "وقعت الهيئة مذكرتي تفاهم مع كل من ماليزيا وكوريا" -> LY–MY, LY–KR.

    >>> _split(["MY", "KR"], 2, "LY", [])
    [(['LY', 'MY'], 1), (['LY', 'KR'], 1)]
    >>> _split(["JO", "AZ"], 3, "JO", ["JO"])
    [(['JO', 'AZ'], 3)]
    """
    if n >= 2:
        common = home if home else (before[0] if before else None)
        partners = [c for c in states if c != common]
        if common and len(partners) == n:
            return [([common, p], 1) for p in partners]
    return [(states, n)]


def _antecedent(ordinal: int, states: list[str], home: str | None, group: list[Agreement],
                accords: list[Agreement]) -> Agreement | None:
    """The accord a definite cue points back to: "المذكرة الثانية" (the second of those
    just named together), or the latest accord with the states the sentence names."""
    if ordinal and ordinal <= len(group):
        return group[ordinal - 1]
    own = {"country:" + c for c in states if c != home}
    if own:
        for a in reversed(accords):
            if own <= set(a.parties):
                return a
    return None


def _negated(s: Sentence, start: int) -> bool:
    """A negation word within the five words before ("لم", "دون", "أي")."""
    neg = lexicon.phrases("cues.tsv", "negation")
    return any(s.match_at(k, neg) for k in range(max(0, start - 5), start))


def _annex(s: Sentence, end: int) -> bool:
    """"برنامج تنفيذي لها", "… للاتفاقية": an annex of the accord just named."""
    if end >= len(s.tokens):
        return False
    f = s.tokens[end].fold
    return f in lexicon.words("cues.tsv", "annex_pronoun") or any(
        stem in lexicon.words("cues.tsv", "annex_of") for p, stem in readings(f) if p in ("ل", "لل"))


def _engagements(sents, actors_in, pair, home, agreements, places) -> list[Engagement]:
    """Meetings, visits, forums from their cue words; a signing for each signed accord."""
    groups: dict[tuple[str, frozenset], Engagement] = {}
    skip = lexicon.phrases("cues.tsv", "skip_before")
    occasions: set[str] = set()          # "على هامش معرض جيتكس": the exhibition is the setting
    guest_lists: list[frozenset] = []    # the guests of one host, once a sentence listed them
    for s in sents:
        info = actors_in[s.index]
        setting = _scope(s, lexicon.phrases("cues.tsv", "occasion"))
        for m in s.find(lexicon.phrases("cues.tsv", "engagement")):
            prev = m.start - 1
            if prev >= 0 and (s.match_at(prev, skip) or
                              (prev >= 1 and s.match_at(prev - 1, skip))):
                continue
            word = readings(s.tokens[m.start].fold)[-1][1].removeprefix("ال")
            if m.values[0] == "Forum" and (m.start in setting or word in occasions):
                occasions.add(word)             # a multilateral gathering, and "المعرض" after it
                continue
            named = _states(info["states_at"])
            if len(named) > MAX_ENGAGED:
                continue                        # a multilateral gathering, not the story's engagement
            states = _complete(named, info["anaphor"], pair, home)
            if len(states) < 2:
                continue
            for part in _one_per_guest(s, states, home, guest_lists):
                _join(groups, m.values[0], part, s.index, info)
    signed = [a for a in agreements if a.status == "signed"]
    for a in signed:
        states = [p.split(":", 1)[1] for p in a.parties if p.startswith("country:")]
        for i in a.sentences:
            if _signs(sents[i]):
                _join(groups, "Signing", states, i, actors_in[i])
    # a signing told with no accord named ("وجرى التوقيع في بوخاريست", "وتولى التوقيع فلان
    # وفلان بالقاهرة") is the signing of the accord signed just before: its place, its signatories
    accorded = {i for a in agreements for i in a.sentences}
    for s in sents:
        if s.index in accorded or not _signs(s) or s.find(lexicon.phrases("cues.tsv", "accord")):
            continue
        before = [a for a in signed if min(a.sentences) < s.index]
        if before:
            a = max(before, key=lambda a: max(i for i in a.sentences if i < s.index))
            states = [p.split(":", 1)[1] for p in a.parties if p.startswith("country:")]
            if ("Signing", frozenset(states)) in groups:
                _join(groups, "Signing", states, s.index, actors_in[s.index])
    out = list(groups.values())
    for e in out:
        e.places = [p.ref for p in places if set(p.sentences) & set(e.sentences)]
    return out


def _one_per_guest(s: Sentence, states: list[str], home: str | None,
                   guest_lists: list[frozenset] | None = None) -> list[list[str]]:
    """A host meeting several guests ("التقى كلاً من وزير … الفلسطيني ووزير … اليمني", "يبحث مع
    سفيري الصين والهند") is one relation per guest: home and each other state, none between
    guests. Once a sentence has listed them so, later sentences naming those guests together
    ("العلاقات الأردنية الفلسطينية واليمنية") are split alike (``guest_lists`` remembers them).
    Without a guest-list word, or without a known home, the states stay together.

    >>> s = analyse("التقى الوزير كلا من سفير الصين وسفير الهند")
    >>> seen = []
    >>> _one_per_guest(s, ["CN", "IN"], "YE", seen)
    [['YE', 'CN'], ['YE', 'IN']]
    >>> _one_per_guest(analyse("وأكد عمق العلاقات اليمنية الصينية والهندية"), ["YE", "CN", "IN"], "YE", seen)
    [['YE', 'CN'], ['YE', 'IN']]
    >>> _one_per_guest(analyse("اجتماع ثلاثي بين الأردن واليونان وقبرص"), ["JO", "GR", "CY"], "JO")
    [['JO', 'GR', 'CY']]
    """
    guests = [c for c in states if c != home]
    if not home or len(guests) < 2:
        return [states]
    listed = guest_lists is not None and any(set(guests) <= g for g in guest_lists)
    if not listed and not s.find(lexicon.phrases("cues.tsv", "guests")) and not _destinations(s, guests):
        return [states]
    if guest_lists is not None and not listed:
        guest_lists.append(frozenset(guests))
    return [[home, g] for g in guests]


def _destinations(s: Sentence, guests: list[str]) -> bool:
    """A trip to several states, each named after "إلى" ("زيارة … إلى جمهورية إستونيا ومملكة
    الدنمارك"): one visit to each, as a host meeting several guests is one meeting each.

    >>> _destinations(analyse("في ختام زيارة الوفد إلى جمهورية إستونيا ومملكة الدنمارك"), ["EE", "DK"])
    True
    """
    to = next((k for k, t in enumerate(s.tokens) if t.fold in lexicon.words("words.tsv", "toward")), None)
    return to is not None and set(guests) <= {c.iso2 for m, c in s.countries if m.start > to}


def _join(groups, type_, states, index, info):
    """Add the sentence's states, persons and bodies to the engagement of those states
    (persons and bodies of a third state are not in it)."""
    e = groups.setdefault((type_, frozenset(states)), Engagement(type_))
    for c in states:
        if "country:" + c not in e.participants:
            e.participants.append("country:" + c)
    for a in [*info["persons"], *info["orgs"]]:
        if a.ref not in e.participants and (a.country is None or a.country in states):
            e.participants.append(a.ref)
    if index not in e.sentences:
        e.sentences.append(index)


def _topics_of(sents, indices, named) -> list[str]:
    out = []
    for i in indices:
        for code in find_topics(sents[i], named[i]):
            if code not in out:
                out.append(code)
    return out


def country_labels(iso2: str) -> tuple[str, str]:
    c = countries()[iso2]
    return c.name_ar, c.name_en
