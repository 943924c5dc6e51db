"""Gazetteers and lexicons: the data files in ``kg/data`` loaded into lookup tables.

Every list of words the extractor relies on lives in a TSV file there, so it
can be reviewed and extended like code. Lines starting with ``#`` are comments.
Matching keys are folded (:func:`kg.extract.text.fold`).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .text import fold, strip_marks

DATA = Path(__file__).resolve().parent.parent / "data"      # kg/data


def rows(name: str) -> list[list[str]]:
    """Rows of a TSV data file, comments and blank lines skipped."""
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                if r and r[0].strip() and not r[0].startswith("#")]


def records(name: str) -> list[dict[str, str]]:
    """Rows of a TSV data file with a header line, as dicts."""
    body = rows(name)
    header = [h.strip() for h in body[0]]
    return [dict(zip(header, (c.strip() for c in r))) for r in body[1:]]


def split(cell: str) -> list[str]:
    return [v.strip() for v in (cell or "").split("|") if v.strip()]


def key(phrase: str) -> tuple[str, ...]:
    """Folded token tuple used as a gazetteer key."""
    from .text import tokenize
    return tuple(t.fold for t in tokenize(strip_marks(phrase)) if t.is_word)


@dataclass(frozen=True)
class Country:
    iso2: str
    name_en: str
    name_ar: str
    wikidata: str


@dataclass
class Gazetteer:
    """Multi-word phrases -> values; longest match first (see kg.matching)."""
    entries: dict[tuple[str, ...], list] = field(default_factory=dict)
    longest: int = 1
    first: set[str] = field(default_factory=set)     # first words, to reject most tokens at once

    def add(self, phrase: str | tuple[str, ...], value) -> None:
        k = phrase if isinstance(phrase, tuple) else key(phrase)
        if not k:
            return
        bucket = self.entries.setdefault(k, [])
        if value not in bucket:
            bucket.append(value)
        self.longest = max(self.longest, len(k))
        self.first.add(k[0])


def demonym_forms(base: str) -> list[str]:
    """Inflected forms of a nisba adjective: مصري -> مصرية، المصريين، …"""
    base = base.strip()
    stems = [base + s for s in ("", "ة", "ين", "ون", "ان", "تين", "تان", "ا", "يين", "يون")] \
        if base.endswith("ي") else [base]
    return stems + ["ال" + s for s in stems]


@dataclass(frozen=True)
class CountryMention:
    iso2: str
    kind: str          # name | demonym | capital
    ambiguous: bool = False


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    return {r["iso2"]: Country(r["iso2"], r["name_en"], r["name_ar"], r.get("wikidata", ""))
            for r in records("countries.tsv")}


@lru_cache(maxsize=1)
def country_gazetteer() -> Gazetteer:
    g = Gazetteer()
    for r in records("countries.tsv"):
        iso = r["iso2"]
        risky = {fold(x) for x in split(r.get("ambiguous", "").replace(",", "|"))}
        for name in [r["name_ar"], *split(r.get("variants_ar", ""))]:
            g.add(name, CountryMention(iso, "name", fold(name) in risky))
        for base in split(r.get("demonyms_ar", "")):
            for form in demonym_forms(base):
                if fold(base) in risky or fold(form) in risky:
                    # تركي is also a given name and عماني could be of Amman: only التركي,
                    # العمانية … count; مالي is also "financial" (and Mali's name): no form counts
                    if fold(base) == fold(r["name_ar"]) or not fold(form).startswith("ال"):
                        continue
                g.add(form, CountryMention(iso, "demonym", False))
        for cap in split(r.get("capitals_ar", "")):
            g.add(cap, CountryMention(iso, "capital", fold(cap) in risky))
    return g


@lru_cache(maxsize=None)
def state_of(name: str) -> Gazetteer:
    """A TSV of names (``name_ar``, variants separated by |) and the ``iso2`` of their state,
    as a gazetteer: ``companies.tsv`` (multinational brands), ``agencies.tsv`` (news agencies)."""
    g = Gazetteer()
    for r in records(name):
        for phrase in split(r["name_ar"]):
            g.add(phrase, r["iso2"])
    return g


def company_gazetteer() -> Gazetteer:
    return state_of("companies.tsv")


def agency_gazetteer() -> Gazetteer:
    return state_of("agencies.tsv")


@lru_cache(maxsize=1)
def place_gazetteer() -> Gazetteer:
    g = Gazetteer()
    for r in records("places.tsv"):
        for name in [r["name_ar"], *split(r.get("variants_ar", ""))]:
            g.add(name, (r["name_ar"], r["iso2"], r["kind"]))
    return g


@lru_cache(maxsize=None)
def word_table(name: str) -> dict[str, set[tuple[str, ...]]]:
    """A two-column TSV (kind, phrase) as kind -> set of folded phrase keys."""
    out: dict[str, set[tuple[str, ...]]] = {}
    for r in rows(name):
        if len(r) >= 2:
            out.setdefault(r[0].strip(), set()).add(key(r[1]))
    return out


@lru_cache(maxsize=None)
def value_table(name: str) -> Gazetteer:
    """A TSV (value, phrase[, extra]) as a gazetteer phrase -> (value, extra)."""
    g = Gazetteer()
    for r in rows(name):
        if len(r) >= 2:
            g.add(r[1], (r[0].strip(), r[2].strip() if len(r) > 2 else ""))
    return g


@lru_cache(maxsize=1)
def furniture() -> list[tuple[str, re.Pattern]]:
    return [(r[0].strip(), re.compile(r[1].strip())) for r in rows("furniture.tsv")]
