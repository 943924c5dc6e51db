"""The graph's names: namespaces, the IRIs minted for entities, and the packaged
ontology and saved queries.

IRIs are a hash of an entity's identity key (:mod:`kg.extract.identity`), so the
same person is the same node in every article and every run::

    >>> person_iri("عمرو طلعت@EG").startswith(BASE + "person/")
    True

The ontology (``ontology/*.ttl``) and saved queries (``queries/*.rq``) are edited in
the checkout's top-level folders; the build copies them into the package
(``kg/ontology``, ``kg/queries``; pyproject's ``package-dir``), so an installed tdkg
finds them beside its code and a checkout finds the top-level folders.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

BASE = "https://w3id.org/tdkg/resource/"
TDO = "https://w3id.org/tdkg/ontology#"
COUNTRY = "https://w3id.org/tdkg/country/"
TOPIC = "https://w3id.org/tdkg/topic/"
REFERENCE_GRAPH = BASE + "graph/reference"     # ontology, topic scheme, countries
CURATED_GRAPHS = BASE + "graph/curated/"       # users' RDF files, one graph each
ENTITY_GRAPH = BASE + "graph/entities"         # each entity's one label and its spellings (kg.graph.entities)
STORE_GRAPH = BASE + "graph/store"             # what the store's layout is (STORE_LAYOUT)
TALLY_GRAPH = BASE + "graph/tallies"           # pair and topic figures kept at load (kg.graph.tallies)
# 2: the default graph is the merge of the named graphs, entities described once;
# 3: and the tally graph kept current by every write
STORE_LAYOUT = 3
PREFIXES = """PREFIX tdo: <https://w3id.org/tdkg/ontology#>
PREFIX tdr: <https://w3id.org/tdkg/resource/>
PREFIX country: <https://w3id.org/tdkg/country/>
PREFIX topic: <https://w3id.org/tdkg/topic/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""

_PACKAGE = Path(__file__).resolve().parent.parent        # the kg package folder


class ResourceError(RuntimeError):
    """The packaged ontology or saved queries are missing: a broken install or checkout."""


def resource_dir(name: str, pattern: str) -> Path:
    """``ontology`` or ``queries``: in the installed package, else the checkout's top level.

    A folder that is missing or holds no ``pattern`` file is an error, never an empty list.
    """
    tried = [_PACKAGE / name, _PACKAGE.parent / name]
    for folder in tried:
        if folder.is_dir() and any(folder.glob(pattern)):
            return folder
    raise ResourceError(f"no {pattern} files in {' or '.join(map(str, tried))}: "
                        f"the tdkg install is incomplete (reinstall it)")


def ontology_file(name: str) -> Path:
    """One of ``tdkg.ttl``, ``topics.ttl``, ``shapes.ttl``."""
    path = resource_dir("ontology", "*.ttl") / name
    if not path.is_file():
        raise ResourceError(f"{path}: missing from the tdkg install (reinstall it)")
    return path


def queries_dir() -> Path:
    return resource_dir("queries", "*.rq")


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def person_iri(key: str) -> str:
    return f"{BASE}person/{_digest(key)}"


def org_iri(key: str) -> str:
    return f"{BASE}org/{_digest(key)}"


def place_iri(key: str) -> str:
    return f"{BASE}place/{_digest(key)}"


def report_iri(kind: str, key: str) -> str:
    """An accord or event that several articles may report (``kind``: agreement, engagement)."""
    return f"{BASE}{kind}/{_digest(key)}"


def article_iri(article_id: str) -> str:
    return f"{BASE}article/{quote(article_id, safe='-_.~')}"


def country_iri(iso2: str) -> str:
    return f"{COUNTRY}{iso2}"
