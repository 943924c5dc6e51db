"""Saved SPARQL queries (``queries/*.rq``) and their typed parameters.

Each file starts with a comment header::

    # title: Partners of a country
    # answers: Which states cooperate with a country, ranked by accords and engagements?
    # param: country (country, default EG): the country, by ISO 3166-1 alpha-2 code

A parameter is bound as an RDF term (never spliced into the query text):
``country`` -> ``<https://w3id.org/tdkg/country/EG>``, ``topic`` -> a topic
IRI, ``iri``, ``string``, ``ar`` (an Arabic-tagged literal), ``int``, ``date``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import oxigraph as ox
from .vocab import COUNTRY, TOPIC, queries_dir

_PARAM = re.compile(r"^#\s*param:\s*(\w+)\s*\((\w+)(?:,\s*default\s+([^)]*))?\)\s*:?\s*(.*)$")
TYPES = ("country", "topic", "iri", "string", "ar", "int", "date")
XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryError(ValueError):
    """A saved query that does not exist, or a parameter value of the wrong form."""


@dataclass
class Param:
    name: str
    type: str
    default: str | None
    doc: str


@dataclass
class SavedQuery:
    name: str
    title: str
    answers: str
    text: str
    params: list[Param] = field(default_factory=list)

    def describe(self) -> dict:
        return {"name": self.name, "title": self.title, "answers": self.answers,
                "params": [p.__dict__ for p in self.params]}


def parse(name: str, text: str) -> SavedQuery:
    q = SavedQuery(name, name, "", text)
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if m := _PARAM.match(line):
            pname, ptype, default, doc = m.groups()
            if ptype not in TYPES:
                raise QueryError(f"{name}.rq: parameter {pname} has unknown type {ptype!r}")
            q.params.append(Param(pname, ptype, default.strip() if default else None, doc.strip()))
        elif m := re.match(r"^#\s*(title|answers):\s*(.*)$", line):
            setattr(q, m.group(1), m.group(2).strip())
    return q


@lru_cache(maxsize=4)
def _load(folder: str, stamp: float) -> dict[str, SavedQuery]:
    return {p.stem: parse(p.stem, p.read_text(encoding="utf-8"))
            for p in sorted(Path(folder).glob("*.rq"))}


def saved_queries(folder: Path | None = None) -> dict[str, SavedQuery]:
    """The saved queries by name (re-read when a file changes); the packaged ones by default.
    A folder with no ``.rq`` file is an error (:class:`kg.graph.vocab.ResourceError`)."""
    folder = folder or queries_dir()
    stamp = max((p.stat().st_mtime for p in folder.glob("*.rq")), default=None)
    if stamp is None:
        raise QueryError(f"no saved queries (*.rq) in {folder}")
    return _load(str(folder), stamp)


def get(name: str) -> SavedQuery:
    queries = saved_queries()
    if name not in queries:
        raise QueryError(f"no saved query {name!r}; known: {', '.join(queries)}")
    return queries[name]


def term(param: Param, value: str):
    """One parameter value as an RDF term, checked against its type."""
    v = value.strip()
    try:
        if param.type == "country":
            if not re.fullmatch(r"[A-Za-z]{2}", v):
                raise ValueError("an ISO 3166-1 alpha-2 code such as EG")
            return ox.iri(COUNTRY + v.upper())
        if param.type == "topic":
            if not re.fullmatch(r"[a-z0-9-]+", v):
                raise ValueError("a topic code such as ai or 5g")
            return ox.iri(TOPIC + v)
        if param.type == "iri":
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+", v, re.I):
                raise ValueError("an absolute IRI")
            return ox.iri(v)
        if param.type == "int":
            return ox.literal(str(int(v)), datatype=XSD + "integer")
        if param.type == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
                raise ValueError("a date YYYY-MM-DD")
            return ox.literal(v, datatype=XSD + "date")
        if param.type == "ar":
            return ox.literal(v, language="ar")
        return ox.literal(v)
    except ValueError as e:
        raise QueryError(f"parameter {param.name}={value!r}: expected {e}") from None


def bind(q: SavedQuery, values: dict[str, str]) -> dict:
    """Substitutions for a saved query: given values, else defaults; unknown names are errors."""
    unknown = set(values) - {p.name for p in q.params}
    if unknown:
        raise QueryError(f"{q.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(p.name for p in q.params) or 'none'}")
    out = {}
    for p in q.params:
        value = values.get(p.name, p.default)
        if value is None:
            raise QueryError(f"{q.name}: parameter {p.name} is required ({p.doc})")
        out[ox.variable(p.name)] = term(p, value)
    return out
