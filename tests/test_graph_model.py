"""The graph model: the default graph is the RDF merge of the named graphs, each entity
has one description, and removing or replacing an article removes what only it said.

Most tests write hand-made article graphs (N-Triples) through ``replace_graphs``, so that
what is asserted is the store's bookkeeping, not the extractor's; the rest load the
bundled and challenge articles through the real loader.
"""
from __future__ import annotations

import io

import pytest
from rdflib import Graph

from conftest import ARTICLES, ROOT, cli
from kg.graph import vocab
from kg.graph.oxigraph import Store
from kg.graph.store import StoreError, UpdateRefused, memory_store, open_store, written_graphs
from kg.loader import load
from kg.validate import parse_rdf, validate

TDO, HIDDEN = vocab.TDO, "http://www.w3.org/2004/02/skos/core#hiddenLabel"
PERSON = vocab.BASE + "person/"
CHALLENGE = ROOT / "tests" / "challenge"


def article(name: str, *spellings: tuple[str, str]) -> tuple[str, str]:
    """A tiny article graph: the article, and persons it spells (``(person key, spelling)``)."""
    iri = vocab.article_iri(name)
    lines = [f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{TDO}Article> ."]
    for key, spelling in spellings:
        lines += [f"<{PERSON}{key}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{TDO}Person> .",
                  f'<{PERSON}{key}> <{HIDDEN}> "{spelling}"@ar .',
                  f"<{iri}> <{TDO}mentions> <{PERSON}{key}> ."]
    return iri, "\n".join(lines) + "\n"


def triples(store, graph=None) -> set[str]:
    return {l for l in store._dump(graph).splitlines() if l.strip()}


def assert_is_merge(store) -> None:
    """The invariant: the default graph holds exactly the triples of the named graphs."""
    merge = set().union(*(triples(store, g) for g in store.named_graphs()))
    assert triples(store) == merge


def labels(store, key: str) -> tuple[list[str], list[str]]:
    rows = store.select(f"SELECT ?p ?l WHERE {{ <{PERSON}{key}> ?p ?l "
                        f"FILTER(?p IN (rdfs:label, skos:altLabel)) }}")
    return (sorted(r["l"] for r in rows if r["p"].endswith("#label")),
            sorted(r["l"] for r in rows if r["p"].endswith("altLabel")))


@pytest.fixture(scope="module")
def corpus_store():
    """The bundled and challenge articles, through the real loader (49 articles)."""
    store = memory_store()
    report = load(store, [ARTICLES, CHALLENGE], progress=False)
    assert report.ok, report.problems
    return store


PATTERNS = ["?x a tdo:Person", "?x a tdo:Person ; rdfs:label ?l", "?x a tdo:Organization ; tdo:country ?c",
            "?a tdo:mentions ?x . ?x a tdo:Person ; rdfs:label ?l", "?s ?p ?o",
            "?g tdo:party ?c . ?c rdfs:label ?l"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_plain_sparql_sees_each_triple_once(corpus_store, pattern):
    n = corpus_store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")[0]["n"]
    distinct = corpus_store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT * WHERE {{ {pattern} }} }}")
    assert int(n) == int(distinct[0]["n"]) > 0


def test_default_graph_is_the_merge_and_graph_still_picks_one_article(corpus_store):
    assert_is_merge(corpus_store)
    one = vocab.article_iri("000_a8cc2780f9f0fb92")
    rows = corpus_store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{one}> {{ ?s ?p ?o }} }}")
    assert int(rows[0]["n"]) == len(triples(corpus_store, one)) > 0
    from_rows = corpus_store.select(f"SELECT (COUNT(*) AS ?n) FROM <{one}> WHERE {{ ?s ?p ?o }}")
    assert from_rows == rows


def test_every_entity_has_one_arabic_label(corpus_store):
    rows = corpus_store.select("""SELECT ?x (COUNT(?l) AS ?n) WHERE {
        ?x a ?t ; rdfs:label ?l . VALUES ?t { tdo:Person tdo:Organization tdo:Place }
        FILTER(LANG(?l) = "ar") } GROUP BY ?x""")
    assert rows and all(r["n"] == "1" for r in rows)
    unlabelled = corpus_store.select("""SELECT ?x WHERE { ?x a tdo:Person
        FILTER NOT EXISTS { ?x rdfs:label ?l } }""")
    assert unlabelled == []


def test_the_export_of_the_whole_store_passes_the_shapes(corpus_store, tmp_path):
    out = tmp_path / "all.nq"
    with open(out, "wb") as f:
        corpus_store.export("nq", f)
    report = validate(parse_rdf(out))
    assert report.conforms, [(v.message, v.focus) for v in report.violations[:5]]


def test_turtle_export_is_the_default_graph(corpus_store):
    buf = io.BytesIO()
    corpus_store.export("ttl", buf)
    g = Graph().parse(data=buf.getvalue(), format="turtle")
    assert len(g) == len(triples(corpus_store))


def test_label_is_the_spelling_most_articles_use_and_follows_removals():
    store = memory_store()
    store.replace_graphs([article("a", ("k", "أحمد زكي")), article("b", ("k", "أحمد زكي")),
                          article("c", ("k", "احمد زكى"))], new=frozenset())
    assert labels(store, "k") == (["أحمد زكي"], ["احمد زكى"])
    assert_is_merge(store)
    store.remove_graphs([vocab.article_iri("a"), vocab.article_iri("b")])
    assert labels(store, "k") == (["احمد زكى"], [])
    assert_is_merge(store)
    store.remove_graphs([vocab.article_iri("c")])
    assert store.select(f"SELECT * WHERE {{ <{PERSON}k> ?p ?o }}") == []      # named by no article: gone
    assert triples(store) == set() == set().union(*(triples(store, g) for g in store.named_graphs()))


def test_replacing_an_article_updates_the_description_and_keeps_what_others_say():
    store = memory_store()
    store.replace_graphs([article("a", ("k", "سين"), ("j", "جيم")), article("b", ("k", "سين"))])
    store.replace_graphs([article("a", ("k", "صاد"))])            # a no longer names j, spells k otherwise
    assert labels(store, "k") == (["سين"], ["صاد"])                 # tie 1:1 → first in Unicode order
    assert store.select(f"SELECT * WHERE {{ <{PERSON}j> ?p ?o }}") == []
    assert_is_merge(store)


def test_a_curated_label_overrides_the_choice():
    store = memory_store()
    store.replace_graphs([article("a", ("k", "سين"))])
    curated = vocab.CURATED_GRAPHS + "fix"
    store.replace_graphs([(curated, f'<{PERSON}k> <http://www.w3.org/2000/01/rdf-schema#label> "س. ص."@ar .\n')])
    assert labels(store, "k") == (["س. ص."], ["سين"])
    store.remove_graphs([curated])
    assert labels(store, "k") == (["سين"], [])
    assert_is_merge(store)


def test_remove_cli_dry_run_changes_nothing_then_removes_in_one_step(tmp_path):
    path = tmp_path / "kg"
    cli("load", "--quiet", ARTICLES, store=path, check=True)
    store = Store(path)
    before = triples(store)
    store._db = None                                  # release the folder for the CLI
    del store
    dry = cli("remove", "000_a8cc2780f9f0fb92", str(ARTICLES / "001_3d56ff079e329676.txt"), "--dry-run",
              store=path, check=True)
    assert "would remove 2 article(s)" in dry.stdout and "named by no other article" in dry.stdout
    store = Store(path)
    assert triples(store) == before
    del store
    bad = cli("remove", "000_a8cc2780f9f0fb92", "no-such-article", store=path)
    assert bad.returncode == 2 and "no-such-article" in bad.stderr and "nothing removed" in bad.stderr
    assert triples(Store(path)) == before
    done = cli("remove", "000_a8cc2780f9f0fb92", "001_3d56ff079e329676.txt", store=path, check=True)
    assert "removed 2 article(s)" in done.stdout
    store = Store(path)
    assert vocab.article_iri("000_a8cc2780f9f0fb92") not in store.named_graphs()
    assert int(store.stats()["articles"]) == 3
    assert_is_merge(store)
    dump = tmp_path / "after.nq"
    with open(dump, "wb") as f:
        store.export("nq", f)
    assert validate(parse_rdf(dump)).conforms


@pytest.mark.parametrize("update, why", [
    ("INSERT DATA { <http://e/a> <http://e/b> 1 }", "default graph"),
    ("DELETE { GRAPH ?g { ?a tdo:status ?s } } WHERE { GRAPH ?g { ?a tdo:status ?s } }", "graph ?g"),
    ("WITH <http://e/g> DELETE { ?s ?p ?o } INSERT { GRAPH ?h { ?s ?p ?o } } WHERE { ?s ?p ?o }", "graph ?h"),
    (f"INSERT DATA {{ GRAPH <{vocab.ENTITY_GRAPH}> {{ <http://e/a> <http://e/b> 1 }} }}", "keeps itself"),
    ("CLEAR DEFAULT", "default graph"),
    ("MOVE DEFAULT TO <http://e/g>", "default graph"),
])
def test_updates_that_write_unnamed_or_own_graphs_are_refused(update, why):
    with pytest.raises(UpdateRefused, match=why):
        written_graphs(vocab.PREFIXES + update)


def test_written_graphs_resolve_prefixes_and_with():
    assert written_graphs("PREFIX g: <http://e/> WITH g:w DELETE { ?s ?p ?o } WHERE { ?s ?p ?o } ;"
                          "INSERT DATA { GRAPH g:x { g:a g:b 1 } } ; DROP GRAPH g:y") == \
        ["http://e/w", "http://e/x", "http://e/y"]


def test_clear_all_names_every_graph():
    assert written_graphs("CLEAR ALL ; DROP NAMED") == ["*", "*"]


def test_a_guarded_update_keeps_the_merge_or_is_undone():
    from kg.validate import validate as shacl
    store = memory_store()
    load(store, [ARTICLES], progress=False)
    before = triples(store)
    mou = store.select("SELECT ?a WHERE { ?a a tdo:MemorandumOfUnderstanding } LIMIT 1")[0]["a"]
    fix = vocab.CURATED_GRAPHS + "fix"
    bad = f"INSERT DATA {{ GRAPH <{fix}> {{ <{mou}> tdo:status tdo:Finished }} }}"
    assert store.guarded_update(vocab.PREFIXES + bad, shacl) is not None
    assert triples(store) == before and fix not in store.named_graphs()
    good = f'INSERT DATA {{ GRAPH <{fix}> {{ <{mou}> tdo:date "2024-05-01"^^xsd:date }} }}'
    assert store.guarded_update(vocab.PREFIXES + good, shacl) is None
    assert store.select(f"SELECT ?d WHERE {{ <{mou}> tdo:date ?d }}") == [{"d": "2024-05-01"}]
    assert_is_merge(store)
    assert store.guarded_update(f"DROP GRAPH <{fix}>", shacl) is None
    assert triples(store) == before
    assert store.guarded_update("CLEAR ALL", shacl) is None
    assert store.named_graphs() == [] and triples(store) == set()


def test_a_store_of_the_old_layout_says_how_to_upgrade_and_upgrades(tmp_path):
    # build the old layout by hand: article graphs label their entities, no merge, no mark
    fresh = memory_store()
    load(fresh, [ARTICLES], progress=False)
    path = tmp_path / "old"
    old = Store(path)
    for g in fresh.named_graphs():
        if g in (vocab.ENTITY_GRAPH, vocab.STORE_GRAPH):
            continue
        nt = fresh._dump(g).replace(f"<{HIDDEN}>", "<http://www.w3.org/2000/01/rdf-schema#label>")
        old.update(f"INSERT DATA {{ GRAPH <{g}> {{ {''.join(l for l in nt.splitlines(True) if '_:' not in l)} }} }}")
    del old
    with pytest.raises(StoreError, match="tdkg upgrade"):
        open_store(str(path))
    r = cli("stats", store=path)
    assert r.returncode == 2 and "tdkg upgrade" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    up = cli("upgrade", "--quiet", store=path, check=True)
    assert "upgraded" in up.stdout
    upgraded = open_store(str(path))
    assert upgraded.layout() == vocab.STORE_LAYOUT
    no_blank = lambda s: {t for t in s if "_:" not in t}                        # noqa: E731
    assert no_blank(triples(upgraded)) == no_blank(triples(fresh))
    assert no_blank(triples(upgraded, vocab.ENTITY_GRAPH)) == no_blank(triples(fresh, vocab.ENTITY_GRAPH))


# ---------------------------------------------------------------- one accord, several reports

SIGNING = ("{place} - وقّعت مصر وتونس {when} مذكرة تفاهم في مجال الذكاء الاصطناعي، وقّعها عن الجانب "
           "المصري وزير الاتصالات عمرو طلعت وعن الجانب التونسي وزير تكنولوجيات الاتصال نزار بن ناجي.\n")
OTHER_OUTLET = ("تونس - وات\nوقّع وزير تكنولوجيات الاتصال التونسي نزار بن ناجي ونظيره المصري عمرو طلعت "
                "يوم 12 مايو 2024 بالقاهرة مذكرة تفاهم بين تونس ومصر للتعاون في مجال الذكاء الاصطناعي.\n")
PLANNED = ("القاهرة - أعلن وزير الاتصالات المصري عمرو طلعت يوم 3 مارس 2024 أن مصر وتونس تعتزمان توقيع "
           "مذكرة تفاهم في مجال الذكاء الاصطناعي خلال الأشهر المقبلة.\n")


def reports(tmp_path, **texts) -> "Store":
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    store = memory_store()
    assert load(store, [folder], progress=False).ok
    return store


def accords(store) -> list[dict]:
    return store.select("""SELECT ?a ?status (STR(?d) AS ?date) (COUNT(DISTINCT ?art) AS ?n)
        (COUNT(DISTINCT ?e) AS ?evidence) WHERE {
        ?a a tdo:MemorandumOfUnderstanding ; tdo:status ?status ; tdo:reportedIn ?art ; tdo:evidence ?e
        OPTIONAL { ?a tdo:date ?d } } GROUP BY ?a ?status ?d ORDER BY ?date""")


def test_two_outlets_reporting_one_signing_give_one_accord(tmp_path):
    store = reports(tmp_path, ahram=SIGNING.format(place="القاهرة", when="يوم 12 مايو 2024"), tap=OTHER_OUTLET)
    [mou] = accords(store)
    assert (mou["date"], mou["n"], mou["evidence"]) == ("2024-05-12", "2", "2")
    signings = store.select("SELECT DISTINCT ?e WHERE { ?e a tdo:Signing }")
    assert len(signings) == 1
    from kg.graph import queries
    q = queries.get("country-pairs")
    row = next(r for r in store.select(q.text) if {r["a"], r["b"]} == {vocab.country_iri("EG"), vocab.country_iri("TN")})
    assert (row["items"], row["articles"]) == ("2", "2")        # one accord and one signing; two reports
    # removing one report keeps the accord, with what the other says
    store.remove_graphs([vocab.article_iri("ahram")])
    [mou] = accords(store)
    assert (mou["n"], mou["evidence"]) == ("1", "1")
    assert_is_merge(store)


def test_one_pair_two_signings_a_year_apart_stay_two(tmp_path):
    store = reports(tmp_path, y2023=SIGNING.format(place="القاهرة", when="يوم 12 مايو 2023"),
                    y2024=SIGNING.format(place="القاهرة", when="يوم 12 مايو 2024"))
    assert [a["date"] for a in accords(store)] == ["2023-05-12", "2024-05-12"]


def test_a_planned_accord_later_signed_is_two_nodes_read_in_date_order(tmp_path):
    store = reports(tmp_path, plan=PLANNED, done=SIGNING.format(place="القاهرة", when="يوم 12 مايو 2024"))
    from kg.graph import queries
    q = queries.get("accords-between")
    rows = store.select(q.text, queries.bind(q, {"a": "EG", "b": "TN"}))
    assert [(r["status"].rsplit("#", 1)[1], r["date"], r["reports"]) for r in rows] == \
        [("Planned", "2024-03-03", "1"), ("Signed", "2024-05-12", "1")]
