"""Longest-match lookup of gazetteer phrases in a token sequence.

The first word of a phrase may carry clitics (و، ف، ب، ل، ك, and ال merged
with ل as لل); the others are matched as folded.

>>> from kg.extract.lexicon import Gazetteer
>>> g = Gazetteer(); g.add("روسيا البيضاء", "BY"); g.add("روسيا", "RU")
>>> [(m.start, m.end, m.values) for m in find_all(tokenize("وزار روسيا البيضاء ثم روسيا"), g)]
[(1, 3, ['BY']), (4, 5, ['RU'])]
"""
from __future__ import annotations

from dataclasses import dataclass

from .lexicon import Gazetteer
from .text import Token, readings, tokenize  # noqa: F401  (tokenize for the doctest)


@dataclass(frozen=True)
class Match:
    start: int          # token index of the first word
    end: int            # token index after the last word
    prefix: str         # clitics on the first word ('' if none)
    values: list


def match_at(tokens: list[Token], i: int, gaz: Gazetteer) -> Match | None:
    """The longest phrase of ``gaz`` that starts at token ``i``."""
    if i >= len(tokens) or gaz.first.isdisjoint(tokens[i].stems):
        return None
    best: Match | None = None
    for prefix, stem in readings(tokens[i].fold):
        if stem not in gaz.first:
            continue
        words = [stem]
        j = i + 1
        # extend over following word tokens, up to the longest phrase length
        while True:
            hit = gaz.entries.get(tuple(words))
            if hit is not None and (best is None or j > best.end
                                    or (j == best.end and len(prefix) < len(best.prefix))):
                best = Match(i, j, prefix, hit)
            if len(words) >= gaz.longest or j >= len(tokens) or not tokens[j].is_word:
                break
            words.append(tokens[j].fold)
            j += 1
    return best


def find_all(tokens: list[Token], gaz: Gazetteer) -> list[Match]:
    """Non-overlapping longest matches, left to right."""
    out, i, n, first = [], 0, len(tokens), gaz.first
    while i < n:
        if first.isdisjoint(tokens[i].stems):
            i += 1
            continue
        m = match_at(tokens, i, gaz)
        if m:
            out.append(m)
            i = m.end
        else:
            i += 1
    return out
