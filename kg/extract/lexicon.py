"""Gazetteers and lexicons: the data files in ``kg/data`` loaded into lookup tables.

Every list of words the extractor relies on lives in a TSV file there, so it
can be reviewed and extended like code. Lines starting with ``#`` are comments.
Matching keys are folded (:func:`kg.extract.text.fold`). The lexicon tables share one
schema (``class<TAB>[value<TAB>]phrase``, each class declared in ``classes.tsv``) and are
read one class at a time (:func:`words`, :func:`phrases`, :func:`values`, …);
:func:`check` validates every file (see ``kg/data/README.md``).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import NamedTuple
from functools import lru_cache
from pathlib import Path

from .text import fold, strip_marks

DATA = Path(__file__).resolve().parent.parent / "data"      # kg/data


def numbered_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of a TSV file, comments and blank lines skipped."""
    out = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        for r in reader:
            if r and r[0].strip() and not r[0].startswith("#"):
                out.append((reader.line_num, r))
    return out


def rows(name: str) -> list[list[str]]:
    """Rows of a TSV data file, comments and blank lines skipped."""
    return [r for _, r in numbered_rows(DATA / name)]


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
    #: the form is also an ordinary adjective ("مالي": financial), so a title before it
    #: ("المدير المالي": the CFO) says nothing of a state
    also_word: bool = False


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    return {r["iso2"]: Country(r["iso2"], r["name_en"], r["name_ar"], r.get("wikidata", ""))
            for r in records("countries.tsv")}


@lru_cache(maxsize=1)
def country_gazetteer() -> Gazetteer:
    g = Gazetteer()
    definite: list[tuple[str, str]] = []
    for r in records("countries.tsv"):
        iso = r["iso2"]
        risky = {fold(x) for x in split(r.get("ambiguous", "").replace(",", "|"))}
        for name in [r["name_ar"], *split(r.get("variants_ar", ""))]:
            g.add(name, CountryMention(iso, "name", fold(name) in risky))
        definite += [(iso, name) for name in [r["name_ar"], *split(r.get("variants_ar", ""))]
                     if " " not in fold(name) and not fold(name).startswith("ال") and len(fold(name)) >= 5
                     and fold(name) not in risky]
        for base in split(r.get("demonyms_ar", "")):
            for form in demonym_forms(base):
                if fold(base) in risky or fold(form) in risky:
                    # تركي is also a given name and عماني could be of Amman: only التركي,
                    # العمانية … count alone; مالي is also "financial" (and Mali's name): no form
                    # counts alone. The others count where the word before marks them
                    # (kg.extract.mentions.analyse: "وزير تونسي", "الوفد المالي").
                    also_word = fold(base) == fold(r["name_ar"])
                    if also_word or not fold(form).startswith("ال"):
                        g.add(form, CountryMention(iso, "demonym", True, also_word))
                        continue
                g.add(form, CountryMention(iso, "demonym", False))
        for cap in split(r.get("capitals_ar", "")):
            g.add(cap, CountryMention(iso, "capital", fold(cap) in risky))
    for iso, name in definite:
        # the article before a one-word name, as Maghreb pages write some ("اللوكسمبورغ",
        # "الموزمبيق"), unless that is another entry already (السورية is the demonym)
        if ("ال" + fold(name),) not in g.entries:
            g.add("ال" + name, CountryMention(iso, "name"))
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
    """The furniture rules that drop lines, in order: (kind, pattern on the folded line)."""
    return [*(("line", p) for p in patterns("furniture.tsv", "line")),
            *(("related", p) for p in patterns("furniture.tsv", "related")),
            *(("end", p) for p in patterns("furniture.tsv", "end"))]


# ---------------------------------------------------------------- word classes (classes.tsv)
#
# The lexicon tables (words.tsv, people.tsv, orgs.tsv, cues.tsv, dates.tsv, topics.tsv,
# furniture.tsv) share one schema: ``class<TAB>phrase``, or ``class<TAB>value<TAB>phrase`` for
# a class that carries a value. classes.tsv declares every class; code asks for one class at a
# time, ``words("words.tsv", "time")``, so check() can find every class the code uses.

TOPIC = "<topic>"            # the class of topics.tsv rows: any topic code of the ontology


class UnknownClass(KeyError):
    """A class that classes.tsv does not declare."""


@dataclass(frozen=True)
class WordClass:
    table: str
    name: str
    phrase: str          # word | phrase | regex | text
    value: str           # - | int | tdo | a|b|…
    reserved: bool
    meaning: str

    @property
    def columns(self) -> int:
        return 2 if self.value == "-" else 3


def _declarations(data: Path) -> list[tuple[int, dict[str, str]]]:
    body = numbered_rows(data / "classes.tsv")
    header = [h.strip() for h in body[0][1]]
    return [(n, dict(zip(header, (c.strip() for c in r)))) for n, r in body[1:]]


@lru_cache(maxsize=1)
def classes() -> dict[tuple[str, str], WordClass]:
    """(table, class) -> its declaration in classes.tsv."""
    return {(d["table"], d["class"]): WordClass(d["table"], d["class"], d["phrase"], d["value"],
                                                d["reserved"] == "yes", d.get("meaning", ""))
            for _, d in _declarations(DATA)}


def declared(table: str, cls: str) -> WordClass:
    c = classes().get((table, cls)) or classes().get((table, TOPIC))
    if c is None or c.name == TOPIC and (cls not in _table(table)):
        raise UnknownClass(f"{table}: class {cls!r} is not declared in kg/data/classes.tsv")
    return c


@lru_cache(maxsize=None)
def _table(table: str) -> dict[str, list[tuple[str, str]]]:
    """class -> [(value, phrase)] of a lexicon table, in file order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for r in rows(table):
        value, phrase = (r[1].strip(), r[2]) if len(r) > 2 else ("", r[1])
        out.setdefault(r[0].strip(), []).append((value, phrase))
    return out


def entries(table: str, cls: str) -> list[tuple[str, str]]:
    """(value, phrase) rows of one class ('' as the value of a class without one)."""
    declared(table, cls)
    return _table(table).get(cls, [])


@lru_cache(maxsize=None)
def words(table: str, cls: str) -> frozenset[str]:
    """The folded words of a class of single words."""
    return frozenset(key(p)[0] if key(p) else p for _, p in entries(table, cls))


@lru_cache(maxsize=None)
def phrases(table: str, cls: str) -> Gazetteer:
    """A class as a gazetteer: phrase -> its value (the class name if it carries none)."""
    g = Gazetteer()
    for value, phrase in entries(table, cls):
        g.add(phrase, value if declared(table, cls).value != "-" else cls)
    return g


@lru_cache(maxsize=None)
def values(table: str, cls: str) -> dict[str, int | str]:
    """Folded phrase (words joined by one space) -> value; int values as int."""
    as_int = declared(table, cls).value == "int"
    return {" ".join(key(p)): int(v) if as_int else v for v, p in entries(table, cls)}


@lru_cache(maxsize=None)
def written(table: str, cls: str) -> tuple[str, ...]:
    """The phrases of a class as written (harakat and tatweel removed), for matching unfolded text."""
    return tuple(strip_marks(p.strip()) for _, p in entries(table, cls))


@lru_cache(maxsize=None)
def alternation(table: str, cls: str) -> str:
    """A regex alternation of the folded phrases of a class, longest first (no group)."""
    folded = dict.fromkeys(" ".join(key(p)) for _, p in entries(table, cls))
    return "|".join(re.escape(p) for p in sorted(folded, key=len, reverse=True))


@lru_cache(maxsize=None)
def patterns(table: str, cls: str) -> tuple[re.Pattern, ...]:
    """The compiled regexes of a regex class."""
    return tuple(re.compile(p.strip()) for _, p in entries(table, cls))


def reserved() -> frozenset[str]:
    """Folded words of the classes declared ``reserved``: they cannot be part of a person's name."""
    stems: set[str] = set()
    for (table, cls), c in classes().items():
        if c.reserved:
            for name in (_table(table) if cls == TOPIC else [cls]):
                for _, phrase in _table(table).get(name, []):
                    stems.update(key(phrase))
    return frozenset(stems)


# ---------------------------------------------------------------- check()

ONTOLOGY = DATA.parent.parent / "ontology"                  # ontology/ next to kg/
CODE = Path(__file__).resolve().parent                      # kg/extract
CLASS_COLUMNS = ["table", "class", "phrase", "value", "reserved", "meaning"]
PHRASE_KINDS = {"word", "phrase", "regex", "text"}
# a class used in code: any call whose first two arguments are a table and a class, words("words.tsv", "time")
_USE = re.compile(r'\b\w+\(\s*"([\w.-]+\.tsv)"\s*,\s*"([^"]+)"\s*\)')


class Problem(NamedTuple):
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def topic_codes(ontology: Path = ONTOLOGY) -> set[str]:
    """The topic codes (skos:notation) of ontology/topics.ttl."""
    return set(re.findall(r'skos:notation\s+"([^"]+)"', (ontology / "topics.ttl").read_text(encoding="utf-8")))


def tdo_classes(ontology: Path = ONTOLOGY) -> set[str]:
    """The classes (tdo:X a owl:Class) of ontology/tdkg.ttl."""
    return set(re.findall(r"^tdo:(\w+)\s+a owl:Class", (ontology / "tdkg.ttl").read_text(encoding="utf-8"), re.M))


def _value_problem(c: WordClass, value: str, ontology: Path) -> str | None:
    if c.value == "int":
        return None if re.fullmatch(r"-?\d+", value) else f"value {value!r} of class {c.name} is not an integer"
    if c.value == "tdo":
        return None if value in tdo_classes(ontology) else \
            f"value {value!r} of class {c.name} is no class of ontology/tdkg.ttl"
    if value not in c.value.split("|"):
        return f"value {value!r} of class {c.name} is not one of {c.value}"
    return None


def check(data: Path = DATA, ontology: Path = ONTOLOGY, code: Path | None = CODE) -> list[Problem]:
    """Problems of the data files: malformed rows (wrong column count, a value of the wrong
    kind, a regex that does not compile, several words in a class of words), entries that
    repeat after letter folding within one class, unknown topic codes, unknown classes (in a
    table, or asked for by the code in ``code``), unknown country codes. [] when all is well."""
    problems: list[Problem] = []
    decl_rows = numbered_rows(data / "classes.tsv")
    header = [h.strip() for h in decl_rows[0][1]]
    if header != CLASS_COLUMNS:
        return [Problem("classes.tsv", decl_rows[0][0], f"header is {header}, not {CLASS_COLUMNS}")]
    decls: dict[tuple[str, str], tuple[int, WordClass]] = {}
    for n, r in decl_rows[1:]:
        if len(r) != len(header):
            problems.append(Problem("classes.tsv", n, f"{len(r)} columns, not {len(header)}"))
            continue
        d = dict(zip(header, (c.strip() for c in r)))
        c = WordClass(d["table"], d["class"], d["phrase"], d["value"], d["reserved"] == "yes", d["meaning"])
        if (c.table, c.name) in decls:
            problems.append(Problem("classes.tsv", n, f"{c.table} {c.name} declared twice "
                                                      f"(line {decls[c.table, c.name][0]})"))
        if not (data / c.table).exists():
            problems.append(Problem("classes.tsv", n, f"no table {c.table}"))
        if c.phrase not in PHRASE_KINDS:
            problems.append(Problem("classes.tsv", n, f"phrase kind {c.phrase!r} is not one of {sorted(PHRASE_KINDS)}"))
        if d["reserved"] not in ("yes", "no"):
            problems.append(Problem("classes.tsv", n, f"reserved is {d['reserved']!r}, not yes or no"))
        if not c.value:
            problems.append(Problem("classes.tsv", n, "empty value kind (write - for none)"))
        decls[(c.table, c.name)] = (n, c)

    tables = dict.fromkeys(t for t, _ in decls)
    codes = topic_codes(ontology) if any(cls == TOPIC for _, cls in decls) else set()
    used: set[tuple[str, str]] = set()
    for table in tables:
        if not (data / table).exists():
            continue
        seen: dict[tuple[str, object], int] = {}
        for n, r in numbered_rows(data / table):
            cls = r[0].strip()
            hit = decls.get((table, cls)) or (decls.get((table, TOPIC)) if cls in codes else None)
            if hit is None:
                what = "topic code" if (table, TOPIC) in decls else "class"
                problems.append(Problem(table, n, f"unknown {what} {cls!r}"))
                continue
            c = hit[1]
            used.add((table, c.name))
            if len(r) != c.columns:
                problems.append(Problem(table, n, f"{len(r)} columns; class {cls} has {c.columns}"))
                continue
            phrase = r[-1].strip()
            if c.columns == 3:
                msg = _value_problem(c, r[1].strip(), ontology)
                if msg:
                    problems.append(Problem(table, n, msg))
            if c.phrase == "regex":
                try:
                    re.compile(phrase)
                except re.error as e:
                    problems.append(Problem(table, n, f"regex does not compile: {e}"))
                k: object = phrase
            elif c.phrase == "text":
                k = fold(phrase)
            else:
                k = key(phrase)
                if not k:
                    problems.append(Problem(table, n, "empty phrase"))
                    continue
                if c.phrase == "word" and len(k) != 1:
                    problems.append(Problem(table, n, f"{phrase!r} is not one word (class {cls} holds words)"))
            if strip_marks(phrase) != phrase:
                problems.append(Problem(table, n, f"{phrase!r} has harakat or tatweel"))
            if (cls, k) in seen:
                problems.append(Problem(table, n, f"{phrase!r} repeats line {seen[cls, k]} after letter "
                                                  f"folding (class {cls})"))
            else:
                seen[(cls, k)] = n
    for (table, cls), (n, c) in decls.items():
        if cls != TOPIC and (table, cls) not in used:
            problems.append(Problem("classes.tsv", n, f"class {cls} of {table} has no rows"))

    # record tables: a header line, then rows of as many cells; iso2 a code of countries.tsv
    isos = {r[0].strip() for _, r in numbered_rows(data / "countries.tsv")[1:]} \
        if (data / "countries.tsv").exists() else set()
    for path in sorted(data.glob("*.tsv")):
        if path.name in tables or path.name == "classes.tsv":
            continue
        body = numbered_rows(path)
        if not body:
            continue
        head = [h.strip() for h in body[0][1]]
        for n, r in body[1:]:
            if len(r) != len(head):
                problems.append(Problem(path.name, n, f"{len(r)} columns, not {len(head)} as the header"))
            elif "iso2" in head and path.name != "countries.tsv" and r[head.index("iso2")].strip() \
                    and r[head.index("iso2")].strip() not in isos:
                problems.append(Problem(path.name, n, f"unknown country code {r[head.index('iso2')].strip()!r}"))

    # classes the code asks for
    for path in sorted(code.glob("*.py")) if code else []:
        text = path.read_text(encoding="utf-8")
        for m in _USE.finditer(text):
            table, cls = m.groups()
            if (table, cls) not in decls:
                problems.append(Problem(path.name, text.count("\n", 0, m.start()) + 1,
                                        f"unknown class {cls!r} of {table}"))
    return problems
