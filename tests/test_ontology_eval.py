"""The ontology keeps the contract; the shapes hold; the dev set scores as required."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from conftest import ARTICLES, ROOT, SHARED, needs_shared, run_tdkg
from kg.extract import extract_text
from kg.graph.rdf import article_graph, standalone
from kg.extract.reading import read_article
from kg.validate import validate

TDO = Namespace("https://w3id.org/tdkg/ontology#")
ONTO = Graph().parse(ROOT / "ontology" / "tdkg.ttl")
TOPICS = Graph().parse(ROOT / "ontology" / "topics.ttl")


@needs_shared()
def test_every_contract_term_is_declared_with_both_labels():
    contract = (SHARED / "eval" / "CONTRACT.md").read_text(encoding="utf-8")
    terms = set(re.findall(r"\btdo:([A-Za-z0-9]+)", contract))
    assert len(terms) > 25
    for t in terms:
        node = TDO[t]
        assert (node, RDF.type, None) in ONTO, f"tdo:{t} not declared"
        langs = {l.language for l in ONTO.objects(node, RDFS.label)}
        assert {"ar", "en"} <= langs, f"tdo:{t} lacks an Arabic or English label"


@needs_shared()
def test_topic_scheme_matches_topics_md():
    codes = set(re.findall(r"^\| ([a-z0-9-]+) \|", (SHARED / "eval" / "TOPICS.md").read_text(), re.M)) - {"code"}
    assert codes == {str(n) for n in TOPICS.objects(None, SKOS.notation)}


def test_subclasses_and_alignments():
    sub = lambda a, b: (a, RDFS.subClassOf, b) in ONTO
    assert sub(TDO.MemorandumOfUnderstanding, TDO.Agreement) and sub(TDO.Signing, TDO.Engagement)
    assert sub(TDO.Article, URIRef("https://schema.org/NewsArticle"))
    assert sub(TDO.Organization, URIRef("http://www.w3.org/ns/org#Organization"))


def test_extracted_graphs_conform_and_a_broken_one_does_not():
    plain = article_graph(extract_text(read_article(ARTICLES / "004_74f5ac9498ea9be5.txt"), "004_74f5ac9498ea9be5"))
    # an article graph spells its entities (skos:hiddenLabel); their label is the entity graph's
    assert not validate(plain).conforms
    g = standalone(plain)
    assert validate(g).conforms
    agreement = next(g.subjects(RDF.type, TDO.MemorandumOfUnderstanding))
    g.set((agreement, TDO.status, TDO.Finished))
    report = validate(g)
    assert not report.conforms
    assert any(f.path == str(TDO.status) and f.focus == str(agreement) for f in report.violations)


@needs_shared()
def test_make_eval_meets_the_bar(tmp_path):
    store, dump = tmp_path / "kg", tmp_path / "dump.nq"
    run_tdkg("load", "--quiet", ARTICLES, store=store, check=True)
    run_tdkg("export", "--format", "nq", "--out", dump, store=store, check=True)
    r = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(SHARED / "eval" / "dev"),
                        "--data", str(dump), "--data", str(ROOT / "ontology" / "tdkg.ttl"),
                        "--data", str(ROOT / "ontology" / "topics.ttl"), "--json"],
                       capture_output=True, text=True, check=True)
    report = json.loads(r.stdout)
    print(f"dev macro F1 {report['overall_f1']}, identity {report['identity']['passed']}/"
          f"{report['identity']['total']}")
    assert report["overall_f1"] >= 0.85
    assert all(f["f1"] >= 0.7 for name, f in report["facets"].items())
    assert report["identity"]["passed"] == report["identity"]["total"] == 3


@needs_shared()
def test_held_out_challenge_set_generalises(tmp_path):
    """Forty-four articles written apart from the extractor in four sets (tests/challenge/
    README.md): Gulf, Syrian, Maghreb, Iraqi, Sudanese and Mauritanian usage, related-news
    furniture, companies and subsidiaries as parties, capitals as states, several and
    trilateral accords, accords at a multilateral fair, and stories with no bilateral
    cooperation at all."""
    challenge = ROOT / "tests" / "challenge"
    store, dump = tmp_path / "kg", tmp_path / "dump.nq"
    run_tdkg("load", "--quiet", challenge, store=store, check=True)
    run_tdkg("export", "--format", "nq", "--out", dump, store=store, check=True)
    r = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(challenge),
                        "--data", str(dump), "--data", str(ROOT / "ontology" / "tdkg.ttl"), "--json"],
                       capture_output=True, text=True, check=True)
    report = json.loads(r.stdout)
    print(f"challenge macro F1 {report['overall_f1']}")
    assert report["overall_f1"] >= 0.92
    # no pair invented from furniture; the two spurious pairs left (set 3) are two ambassadors
    # received in one headline and two speakers quoted in one sentence of a UN conference
    assert report["facets"]["pairs"]["precision"] >= 0.94
    assert report["identity"]["passed"] == report["identity"]["total"]


# Real-page sets (tests/challenge/README.md): each scored with the five dev articles beside
# it, as heldout-1 was scored when revealed. Floors a little under today's scores, so a
# change that costs one set fails here even when it helps another.
REAL_PAGE_SETS = {
    # set: (macro F1, pairs precision, country attribution, identity checks passed, dates F1)
    "heldout-1": (0.93, 0.97, 0.90, 8, 0.90),
    "challenge-real-2": (0.90, 0.95, 0.77, 4, 0.85),
    "challenge-real-3": (0.88, 0.94, 0.89, 1, 0.70),
    "challenge-real-4": (0.87, 0.97, 0.94, 5, 0.78),
    "challenge-real-5": (0.86, 0.84, 0.77, 3, 0.46),    # at arrival 0.772
    "challenge-real-6": (0.80, 0.98, 0.86, 2, 0.33),    # at arrival 0.687
    "challenge-real-7": (0.77, 0.92, 0.76, 10, 0.66),   # at arrival 0.746
}


@needs_shared()
@pytest.mark.parametrize("name", sorted(REAL_PAGE_SETS))
def test_real_page_set_does_not_regress(name, tmp_path):
    gold = SHARED / "eval" / name if name == "heldout-1" else ROOT / "tests" / name
    folder = tmp_path / "articles"
    folder.mkdir()
    for f in [*ARTICLES.glob("*.txt"), *gold.glob("*.txt")]:
        shutil.copy(f, folder / f.name)
    store, dump = tmp_path / "kg", tmp_path / "dump.nq"
    run_tdkg("load", "--quiet", folder, store=store, check=True)
    run_tdkg("export", "--format", "nq", "--out", dump, store=store, check=True)
    r = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(gold), "--data", str(dump),
                        "--data", str(ROOT / "ontology" / "tdkg.ttl"), "--data", str(ROOT / "ontology" / "topics.ttl"),
                        "--json"], capture_output=True, text=True, check=True)
    report = json.loads(r.stdout)
    macro, pairs_p, attribution, identity, dates = REAL_PAGE_SETS[name]
    got = (report["overall_f1"], report["facets"]["pairs"]["precision"], report["country_attribution"],
           report["identity"]["passed"], report["dates"]["f1"])
    print(f"{name}: macro F1 {got[0]}, pairs P {got[1]}, attribution {got[2]}, identity {got[3]}, dates {got[4]}")
    assert got[0] >= macro and got[1] >= pairs_p and got[2] >= attribution and got[3] >= identity \
        and got[4] >= dates, got
