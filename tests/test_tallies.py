"""The tallies the store keeps at every write equal a count from scratch, whatever the writes.

Two oracles: :func:`kg.graph.tallies.rebuild` (the same definitions, counted over the whole
store in Python) and the plain SPARQL forms of the saved queries in tests/data/reference-queries
(the definitions as analysts would write them, counted per request).
"""
from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from rdflib import Graph

from conftest import ARTICLES, ROOT
from kg.graph import queries, tallies, vocab
from kg.graph.store import open_store
from kg.loader import load, remove

REFERENCE = Path(__file__).parent / "data" / "reference-queries"
TALLIED = ("country-pairs", "partners-of-country", "countries-on-topic", "topics-of-pair")
CHALLENGE = sorted((ROOT / "tests" / "challenge").glob("1*.txt"))[:10]


def kept(store) -> set[tuple]:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{vocab.TALLY_GRAPH}> {{ ?s ?p ?o }} }}")
    return {(r["s"], r["p"], r["o"]) for r in rows}


def counted(store) -> set[tuple]:
    g = Graph().parse(data=tallies.rebuild(store.select), format="nt")
    return {(str(s), str(p), str(o)) for s, p, o in g}


def rows(store, text: str, q, values: dict) -> set[tuple]:
    res = store.query(text, queries.bind(q, values))
    names = [v.value for v in res.variables if not v.value.startswith(("name_", "label_"))]
    return {tuple(None if r[n] is None else r[n].value for n in names) for r in res}


def assert_tallies_right(store, step: str) -> None:
    assert kept(store) == counted(store), f"after {step}: the kept tallies differ from a recount"
    for name in TALLIED:
        q = queries.get(name)
        plain = (REFERENCE / f"{name}.rq").read_text(encoding="utf-8")
        for values in ({}, {"country": "JO"}, {"topic": "ai"}, {"a": "EG", "b": "CN"}):
            values = {k: v for k, v in values.items() if k in {p.name for p in q.params}}
            assert rows(store, q.text, q, values) == rows(store, plain, q, values), \
                f"after {step}: {name} {values} differs from its count from scratch"


def pair(store, a: str, b: str) -> dict:
    q = queries.get("country-pairs")
    found = [r for r in store.select(q.text) if {r["a"], r["b"]} == {vocab.country_iri(a), vocab.country_iri(b)}]
    return found[0] if found else {}


@pytest.fixture()
def folder(tmp_path) -> Path:
    src = tmp_path / "articles"
    src.mkdir()
    for f in sorted(ARTICLES.glob("*.txt")) + CHALLENGE:
        shutil.copy(f, src / f.name)
    return src


def test_tallies_follow_loads_reloads_removals_curation_and_updates(tmp_path, folder):
    store = open_store(str(tmp_path / "s"))
    assert load(store, [folder], progress=False).ok
    assert kept(store), "a load of accords between states gives tallies"
    assert_tallies_right(store, "the first load")

    # a reload: one file now holds another article's story (its graph replaced)
    first, other = sorted(folder.glob("1*.txt"))[:2]
    first.write_text(other.read_text(encoding="utf-8").replace("2024", "2023"), encoding="utf-8")
    assert load(store, [first], progress=False).ok
    assert_tallies_right(store, "a reload with other content")

    # removals
    removed = sorted(folder.glob("1*.txt"))[2:5]
    remove(store, [f.stem for f in removed])
    assert_tallies_right(store, "removing three articles")

    # a curated graph: a missing party added to an accord, a person's state corrected
    accord = store.select("SELECT ?x WHERE { ?x tdo:party ?p ; tdo:status ?s } ORDER BY ?x LIMIT 1")[0]["x"]
    person = store.select("SELECT ?m WHERE { ?x tdo:participant ?m . ?m a tdo:Person } ORDER BY ?m LIMIT 1")[0]["m"]
    curated = vocab.CURATED_GRAPHS + "fixes"
    store.replace_graphs([(curated, f"<{accord}> <{vocab.TDO}party> <{vocab.country_iri('JO')}> .\n"
                                    f"<{person}> <{vocab.TDO}country> <{vocab.country_iri('CN')}> .\n")])
    assert_tallies_right(store, "a curated graph adding a party and a state")
    store.remove_graphs([curated])
    assert_tallies_right(store, "removing the curated graph")

    # a guarded update (as the endpoint runs it) adding a topic to an article's accord
    article = store.select(f"SELECT ?g WHERE {{ GRAPH ?g {{ <{accord}> tdo:party ?p }} }} LIMIT 1")[0]["g"]
    ok = SimpleNamespace(conforms=True)
    assert store.guarded_update(f"INSERT DATA {{ GRAPH <{article}> {{ <{accord}> <{vocab.TDO}topic> "
                                f"<{vocab.TOPIC}ai> }} }}", lambda g, context=None: ok) is None
    assert_tallies_right(store, "a guarded update adding a topic")

    # everything removed: no tally is left
    remove(store, [f.stem for f in folder.glob("*.txt") if f not in removed])
    assert kept(store) == set()


def test_one_accord_reported_twice_counts_once_with_two_reports(tmp_path):
    text = ("القاهرة - وقّع وزير الاتصالات المصري عمرو طلعت ووزير تكنولوجيا الاتصال التونسي نزار بن ناجي "
            "يوم 12 مايو 2024 مذكرة تفاهم للتعاون في مجال الذكاء الاصطناعي بين مصر وتونس.\n")
    src = tmp_path / "in"
    src.mkdir()
    (src / "outlet-a.txt").write_text("الأهرام\n" + text, encoding="utf-8")
    (src / "outlet-b.txt").write_text("وكالة تونس أفريقيا للأنباء\n" + text, encoding="utf-8")
    store = open_store(str(tmp_path / "s"))
    assert load(store, [src], progress=False).ok
    both = pair(store, "EG", "TN")
    assert int(both["reports"]) == 2 * int(both["items"]) and both["articles"] == "2"
    remove(store, ["outlet-a"])
    one = pair(store, "EG", "TN")
    assert (one["items"], one["reports"], one["articles"]) == (both["items"], both["items"], "1")
    assert_tallies_right(store, "removing one of two reports")


def test_a_layout_2_store_is_upgraded_by_counting_its_tallies(tmp_path, folder):
    from kg.graph.store import STORE_GRAPH, StoreError
    from kg.graph.upgrade import upgrade
    store = open_store(str(tmp_path / "s"))
    assert load(store, [folder], progress=False).ok
    before = kept(store)
    # what an older tdkg left: layout 2, no tallies
    store.replace_graphs([(STORE_GRAPH, f"<{STORE_GRAPH}> <{vocab.TDO}storeLayout> "
                                        f'"2"^^<http://www.w3.org/2001/XMLSchema#integer> .')], count=False)
    store.remove_graphs([vocab.TALLY_GRAPH])
    with pytest.raises(StoreError, match="tdkg upgrade"):
        store.check_layout()
    assert "tallies counted" in upgrade(store)
    assert store.layout() == vocab.STORE_LAYOUT and kept(store) == before
    store.check_layout()
