"""Curating the graph: `tdkg load FILE.ttl` on a real store of the bundled articles.

A curated file is validated as the store will be after the load (kg/validate/curation.py): its
previous version replaced, the store's context however many hops away, the entity graph's
labels as the write leaves them. So a good correction passes, and a bad one is refused for
its own reason, in one line naming the file, the line, the property and the value, with the
store left byte for byte as it was.

What each case hit before (issue 13, point 6): a corrected date loaded again was refused as a
second date (the file's previous version was part of the context); a corrected name as a
second label (the entity graph's label, which the curated one replaces); a fact about a node
two hops from the file's nodes was missing from the context.

The store holds the five articles of data/articles and one of tests/challenge
(205_ly_my_kr_gitex_two_mous), whose Emirati minister the extractor left without a state.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, URIRef

from conftest import ARTICLES, ROOT, cli
from kg.graph import vocab
from kg.graph.oxigraph import Store

TDR = "https://w3id.org/tdkg/resource/"
PREFIXES = """@prefix tdo: <https://w3id.org/tdkg/ontology#> .
@prefix tdr: <https://w3id.org/tdkg/resource/> .
@prefix country: <https://w3id.org/tdkg/country/> .
@prefix topic: <https://w3id.org/tdkg/topic/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
CHALLENGE = ROOT / "tests" / "challenge" / "205_ly_my_kr_gitex_two_mous.txt"


@pytest.fixture(scope="module")
def base_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("curation") / "kg"
    cli("load", "--quiet", ARTICLES, CHALLENGE, store=path, check=True)
    return path


class Nodes:
    """The extracted nodes the cases curate, found in the store (the extractor's output may
    change; the cases do not): an accord with no date, one and an organisation that is not its
    party, a person with no state, a person with one and the articles that state it."""

    def __init__(self, store: Path):
        s = Store(store, read_only=True)

        def first(q: str) -> dict:
            rows = s.select(q)
            assert rows, q
            return rows[0]
        self.undated = first("SELECT ?a WHERE { ?a a tdo:MemorandumOfUnderstanding ; tdo:party ?p . "
                             "FILTER NOT EXISTS { ?a tdo:date ?d } } ORDER BY ?a")["a"]
        r = first("SELECT ?a ?o WHERE { ?a a tdo:MemorandumOfUnderstanding ; tdo:party ?p . "
                  "?o a tdo:Organization ; tdo:country ?c . FILTER NOT EXISTS { ?a tdo:party ?o } } "
                  "ORDER BY ?a ?o")
        self.accord, self.org = r["a"], r["o"]
        self.stateless = first("SELECT ?p WHERE { ?p a tdo:Person . FILTER NOT EXISTS { ?p tdo:country ?c } } "
                               "ORDER BY ?p")["p"]
        r = first("SELECT ?p ?c WHERE { ?p a tdo:Person ; tdo:country ?c . FILTER(?c != country:JO) } "
                  "ORDER BY ?p")
        self.person, self.state = r["p"], r["c"]
        self.stating = [x["g"].rsplit("/", 1)[-1] for x in s.select(
            f"SELECT ?g WHERE {{ GRAPH ?g {{ <{self.person}> tdo:country ?c }} }} ORDER BY ?g")]


@pytest.fixture(scope="module")
def nodes(base_store) -> Nodes:
    return Nodes(base_store)


@pytest.fixture()
def store(base_store, tmp_path) -> Path:
    """A copy of the loaded store for one test (closed: no process holds it)."""
    path = tmp_path / "kg"
    shutil.copytree(base_store, path)
    return path


def curated(tmp_path: Path, name: str, body: str) -> Path:
    f = tmp_path / f"{name}.ttl"
    f.write_text(PREFIXES + body, encoding="utf-8")
    return f


def nq(store: Path) -> list[str]:
    return sorted(cli("export", "--format", "nq", store=store, check=True).stdout.splitlines())


def values(store: Path, s: str, p: str) -> list[str]:
    """The values the default graph (what queries see: the merge) gives s p."""
    rows = Store(store, read_only=True).select(f"SELECT ?o WHERE {{ <{s}> {p} ?o }} ORDER BY ?o")
    return [r["o"] for r in rows]


def refused(store: Path, f: Path, *words: str) -> str:
    """Load f, expect it refused in one line naming the file and the words; the store unchanged."""
    before = nq(store)
    r = cli("load", f, store=store)
    lines = [l for l in r.stderr.splitlines() if l.startswith("REFUSED")]
    assert r.returncode == 1 and len(lines) == 1 and "Traceback" not in r.stderr, r
    assert lines[0].startswith(f"REFUSED: {f}: ") and "nothing stored" in lines[0], lines[0]
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert nq(store) == before
    return lines[0]


def stored(store: Path, f: Path) -> None:
    r = cli("load", f, store=store)
    assert r.returncode == 0 and "1 stored" in r.stdout and "REFUSED" not in r.stderr, r


# ------------------------------------------------------------------ adding a date


def test_adding_a_date_to_an_extracted_accord(store, nodes, tmp_path):
    f = curated(tmp_path, "dates", f'<{nodes.undated}> tdo:date "2024-03-12"^^xsd:date .\n')
    stored(store, f)
    assert values(store, nodes.undated, "tdo:date") == ["2024-03-12"]
    # the date corrected in the same file: its previous version is replaced, not a second date
    f.write_text(f.read_text(encoding="utf-8").replace("2024-03-12", "2024-03-13"), encoding="utf-8")
    stored(store, f)
    assert values(store, nodes.undated, "tdo:date") == ["2024-03-13"]


def test_a_date_that_is_not_a_date_is_refused(store, nodes, tmp_path):
    f = curated(tmp_path, "dates", f'<{nodes.undated}>\n    tdo:date "12/03/2024" .\n')
    line = refused(store, f, "line 8", "tdo:date", "12/03/2024", nodes.undated, "xsd:date")
    assert "at most one tdo:date" in line
    assert values(store, nodes.undated, "tdo:date") == []


# ------------------------------------------------------------------ a person's state


def test_correcting_a_persons_state(store, nodes, tmp_path):
    """A person the extractor left without a state (in 205_…, the UAE's minister of AI): a
    curated file gives the state, and a name as the label (the entity graph then gives none of
    its own: one label)."""
    assert values(store, nodes.stateless, "tdo:country") == []
    f = curated(tmp_path, "people", f'<{nodes.stateless}> rdfs:label "عمر بن سلطان العلماء"@ar ;\n'
                                    f'    tdo:country country:AE .\n')
    stored(store, f)
    assert values(store, nodes.stateless, "tdo:country") == ["https://w3id.org/tdkg/country/AE"]
    assert values(store, nodes.stateless, "rdfs:label") == ["عمر بن سلطان العلماء"]
    # a second thought on the state, in the same file: replaced, not a second state
    f.write_text(f.read_text(encoding="utf-8").replace("country:AE", "country:SA"), encoding="utf-8")
    stored(store, f)
    assert values(store, nodes.stateless, "tdo:country") == ["https://w3id.org/tdkg/country/SA"]


def test_a_state_that_is_not_a_country_is_refused(store, nodes, tmp_path):
    f = curated(tmp_path, "people", f"<{nodes.stateless}> tdo:country <https://w3id.org/tdkg/country/UAE> .\n")
    refused(store, f, "line 7", "tdo:country", "country/UAE", nodes.stateless, "must be a tdo:Country")
    assert values(store, nodes.stateless, "tdo:country") == []


def test_a_second_state_for_an_extracted_person_is_refused_naming_the_articles(store, nodes, tmp_path):
    """The articles give the person a state: a curated graph adds to them, it cannot take them
    back, and the refusal says where the other value comes from."""
    f = curated(tmp_path, "people", f"<{nodes.person}> tdo:country country:JO .\n")
    refused(store, f, "line 7", "tdo:country", "at most one tdo:country", f"<{nodes.state}>",
            "cannot take", *nodes.stating)


# ------------------------------------------------------------------ a missing party


def test_adding_a_missing_party(store, nodes, tmp_path):
    """An organisation other articles name, as a party of an accord: its class comes from the
    store, not from the file."""
    f = curated(tmp_path, "parties", f"<{nodes.accord}> tdo:party <{nodes.org}> .\n")
    stored(store, f)
    assert nodes.org in values(store, nodes.accord, "tdo:party")


def test_a_party_that_is_no_actor_is_refused(store, nodes, tmp_path):
    parties = values(store, nodes.accord, "tdo:party")
    f = curated(tmp_path, "parties", f"<{nodes.accord}> tdo:party topic:ai .\n")
    refused(store, f, "line 7", "tdo:party", "topic/ai", nodes.accord,
            "must be a tdo:Country, tdo:Person or tdo:Organization")
    assert values(store, nodes.accord, "tdo:party") == parties


# ------------------------------------------------------------------ a fixed file


def test_reloading_a_fixed_file_after_a_broken_one_was_refused(store, nodes, tmp_path):
    broken = (f'<{nodes.undated}> tdo:date "March 2024" .\n'
              f"<{nodes.accord}> tdo:party <{nodes.org}> .\n"
              f"<{nodes.stateless}> tdo:country country:AE .\n")
    f = curated(tmp_path, "fixes", broken)
    refused(store, f, "line 7", "tdo:date", "March 2024")
    fixed = broken.replace('"March 2024"', '"2024-03"^^xsd:gYearMonth')
    f.write_text(PREFIXES + fixed, encoding="utf-8")
    stored(store, f)
    stored(store, f)                                   # loaded again as it is: nothing changes
    triples = Store(store, read_only=True).graph_ntriples(TDR + "graph/curated/fixes")
    assert len(triples) == 3
    assert values(store, nodes.undated, "tdo:date") == ["2024-03"]
    assert values(store, nodes.stateless, "tdo:country") == ["https://w3id.org/tdkg/country/AE"]
    # and fixed once more: a day instead of the month
    f.write_text(PREFIXES + fixed.replace('"2024-03"^^xsd:gYearMonth', '"2024-03-12"^^xsd:date'),
                 encoding="utf-8")
    stored(store, f)
    assert values(store, nodes.undated, "tdo:date") == ["2024-03-12"]


# ------------------------------------------------------------------ what the file did not cause


def test_a_violation_the_store_already_had_does_not_block_a_good_file(store, nodes, tmp_path):
    """An article graph written without the gate (`--no-validate`, an older tool) that gives an
    accord a status outside the three: a file adding a party to that accord is not refused for
    it (it is a warning, 'already in the store'); a file that breaks the node itself still is."""
    s = Store(store)
    s.replace_graphs([(TDR + "article/zz-unchecked",
                       f"<{nodes.accord}> <https://w3id.org/tdkg/ontology#status> "
                       f"<https://w3id.org/tdkg/ontology#Finished> .\n")])
    del s
    f = curated(tmp_path, "parties", f"<{nodes.accord}> tdo:party <{nodes.org}> .\n")
    r = cli("load", f, store=store)
    assert r.returncode == 0 and "1 stored" in r.stdout, r
    assert "already in the store without this file" in r.stderr and "tdo:status" in r.stderr
    bad = curated(tmp_path, "more", f"<{nodes.accord}> tdo:party topic:ai .\n")
    refused(store, bad, "tdo:party", "topic/ai")


# ------------------------------------------------------------------ context more than two hops away


BULLETIN = "https://example.org/bulletin/2024-03"
REPORT = "https://example.org/onto#Bulletin"


def test_a_guarded_update_sees_context_three_hops_away(store, nodes, tmp_path):
    """An extracted accord also reported in a bulletin that a graph stored without the gate types
    ex:Bulletin, a subclass of tdo:Article: that the accord's tdo:reportedIn is an article is
    three hops from a date added to the accord (accord → bulletin → its class → the class's
    superclass). The one context walk (BaseStore.context_of) goes every hop, so the guarded
    update (the SPARQL endpoint's), a curated file and /validate all accept the date (two hops
    refused it: 'tdo:reportedIn pointing to a tdo:Article'); a wrong date is still refused."""
    s = Store(store)
    s.replace_graphs([(TDR + "graph/curated/zz-bulletins",
                       f"<{nodes.undated}> <{vocab.TDO}reportedIn> <{BULLETIN}> .\n"
                       f"<{BULLETIN}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{REPORT}> .\n"
                       f"<{REPORT}> <{RDFS.subClassOf}> <{vocab.TDO}Article> .\n")])
    from kg import validate as shacl
    from kg.graph.vocab import PREFIXES as Q
    graph = TDR + "graph/curated/dates"
    good = f'INSERT DATA {{ GRAPH <{graph}> {{ <{nodes.undated}> tdo:date "2024-03-12"^^xsd:date }} }}'
    ctx = s.context_of(Graph().parse(data=f'<{nodes.undated}> <https://w3id.org/tdkg/ontology#date> "x" .',
                                     format="nt"))
    assert (URIRef(REPORT), RDFS.subClassOf, URIRef(vocab.TDO + "Article")) in ctx
    assert s.guarded_update(Q + good, shacl.validate) is None
    assert values_of(s, nodes.undated, "tdo:date") == ["2024-03-12"]
    bad = f'INSERT DATA {{ GRAPH <{graph}> {{ <{nodes.undated}> tdo:date "12/03/2024" }} }}'
    report = s.guarded_update(Q + bad, shacl.validate)
    assert report is not None and {v.path for v in report.violations} == {vocab.TDO + "date"}
    assert values_of(s, nodes.undated, "tdo:date") == ["2024-03-12"]
    s.close()                                          # the CLI below opens the same folder
    # a curated file doing the same, corrected once: validated with the same walk
    f = curated(tmp_path, "dates", f'<{nodes.undated}> tdo:date "2024-03-13"^^xsd:date .\n')
    stored(store, f)                                   # the same graph: the update's date replaced
    assert values(store, nodes.undated, "tdo:date") == ["2024-03-13"]
    # and /validate, over the store as it is
    from conftest import make_app
    client = make_app(Store(store, read_only=True)).test_client()
    r = client.post("/validate", data=f.read_bytes(), headers={"Content-Type": "text/turtle",
                                                                "Accept": "application/json"})
    assert r.status_code == 200 and r.get_json()["conforms"] is True, r.data


def values_of(s: Store, subject: str, p: str) -> list[str]:
    return [r["o"] for r in s.select(f"SELECT ?o WHERE {{ <{subject}> {p} ?o }} ORDER BY ?o")]
