"""Entity identity: spelling-tolerant keys (the graph mints its IRIs from them, :mod:`kg.graph.vocab`).

Arabic spells foreign and even Arabic names several ways (أسحاق / إسحق /
اسحق). A *skeleton* folds letters, drops a long alif inside a word and joins
"عبد ال…", so variants share a key.

>>> skeleton("أسحاق سدر") == skeleton("إسحق سدر") == skeleton("اسحق  سدر")
True
>>> org_key("وزارة الاتصالات", "EG") != org_key("وزارة الاتصالات", "PS")
True
>>> person_key("عمرو طلعت", "EG") == person_key("عمرو  طلعت", "EG") != person_key("عمرو طلعت", "PS")
True
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon
from .text import fold

_NON_WORD = re.compile(r"\W+")


def skeleton(name: str) -> str:
    words = _NON_WORD.sub(" ", fold(name)).split()
    name_join = lexicon.words("words.tsv", "name_join")          # "عبد", "أبو", "بو"
    joined: list[str] = []
    for w in words:
        if joined and joined[-1] in name_join and w.startswith("ال"):
            joined[-1] += w
        else:
            joined.append(w)
    # a long alif inside a word is the commonest spelling variation
    return " ".join(w[0] + w[1:].replace("ا", "") if len(w) > 3 else w for w in joined)


def person_key(name: str, country: str | None = None) -> str:
    """A person is a name in a state: one name in two states is two people (like organisations)."""
    return skeleton(name) + ("@" + country if country else "")


@lru_cache(maxsize=1)
def _company_forms() -> frozenset[str]:
    return frozenset(skeleton(w) for w in lexicon.words("orgs.tsv", "company"))


def org_key(name: str, country: str | None) -> str:
    """A body is a name in a state; "الاتحاد الوطني" and "اتحاد وطني" alike, and a company with
    or without its form word ("شركة (هواوي)", "مجموعة هواوي", "هواوي").

    >>> org_key("شركة (هواوي)", "CN") == org_key("مجموعة هواوي", "CN") == org_key("هواوي", "CN")
    True
    """
    words = skeleton(name).split()
    if len(words) > 1 and words[0] in _company_forms():
        words = words[1:]
    if words and words[0].startswith("ال") and len(words[0]) > 3:
        words[0] = words[0][2:]          # "الاتحاد الوطني" and "اتحاد وطني" alike
    return " ".join(words) + "@" + (country or "int")


def place_key(name: str) -> str:
    return skeleton(name)


def report_key(kind: str, type_: str, status: str | None, states: list[str], date: str | None,
               detail: tuple[str, ...] = ()) -> str | None:
    """What several reports of one accord or event share: its type, status, states and
    date (at the precision given), so that five outlets reporting one signing give one node.
    None (a node of its own) when the report has no date or fewer than two states: too little
    to tell two accords apart. Conservative by design: reports that differ in status, date
    precision or states stay apart; ``detail`` (parties and signatories by key) separates
    several accords of one article that share the rest.

    >>> report_key("agreement", "MemorandumOfUnderstanding", "signed", ["TN", "EG"], "2024-05-12")
    'agreement|MemorandumOfUnderstanding|signed|EG,TN|2024-05-12|'
    >>> report_key("agreement", "MemorandumOfUnderstanding", "signed", ["EG", "TN"], None) is None
    True
    """
    states = sorted(set(states))
    if not date or len(states) < 2:
        return None
    return "|".join([kind, type_, status or "", ",".join(states), date, ",".join(sorted(detail))])
