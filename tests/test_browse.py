"""The browsing pages (server/browse.py, kg/graph/browse.py), rendered in process over the five
bundled articles: each page type's links and data, content negotiation on every kind of IRI,
the 404s, search by any spelling, and a crawl that follows every link the pages give."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from lxml import html as lhtml
from rdflib import Graph, Literal, URIRef

from conftest import ARTICLES, make_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}   # a browser's
EG, PS, RU = ("https://w3id.org/tdkg/country/" + c for c in ("EG", "PS", "RU"))
SADR = "https://w3id.org/tdkg/resource/person/0c81dab4bf1bee85"          # أسحاق / إسحق / اسحق سدر
TALAAT = "https://w3id.org/tdkg/resource/person/1c063a23edc74e53"        # عمرو طلعت
ACCORD = "https://w3id.org/tdkg/resource/agreement/004_74f5ac9498ea9be5-1"   # the signed EG–PS MoU
SIGNING = "https://w3id.org/tdkg/resource/engagement/004_74f5ac9498ea9be5-1"
ARTICLE = "https://w3id.org/tdkg/resource/article/004_74f5ac9498ea9be5"
ROOT = "https://w3id.org/tdkg"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def bapp(loaded_store):
    from kg.graph.oxigraph import Store
    return make_app(Store(loaded_store, read_only=True), ARTICLE_DIRS=[str(ARTICLES)])


@pytest.fixture()
def bc(bapp):
    return bapp.test_client()


@pytest.fixture(scope="module")
def sample(bapp):
    """One IRI of every kind, as the store has them."""
    store = bapp.extensions["tdkg.store"]
    out = {"country": EG, "topic": "https://w3id.org/tdkg/topic/ict"}
    for kind, cls in (("person", "Person"), ("org", "Organization"), ("place", "Place"), ("article", "Article")):
        out[kind] = store.select(f"SELECT ?x WHERE {{ ?x a tdo:{cls} }} ORDER BY ?x LIMIT 1")[0]["x"]
    out["agreement"], out["engagement"] = ACCORD, SIGNING
    return out


def page(client, path, status=200):
    r = client.get(path, headers=HTML)
    assert r.status_code == status, (path, r.status_code, r.data[:300])
    assert r.mimetype == "text/html"
    return lhtml.fromstring(r.get_data(as_text=True)), r


def hrefs(doc) -> list[str]:
    return [a.get("href") for a in doc.iter("a") if a.get("href")]


def path(iri: str) -> str:
    return iri[len(ROOT):]


# ------------------------------------------------------------------ pages

def test_country_page(bc):
    doc, r = page(bc, "/country/EG")
    h1 = doc.xpath("//h1")[0]
    assert h1.xpath(".//span[@lang='ar' and @dir='rtl']")[0].text == "مصر"
    assert h1.xpath(".//span[@lang='en']")[0].text == "Egypt"
    # partners ranked: Palestine (2 accords, 3 engagements) before Russia (1, 2), each with its pair page
    rows = doc.xpath("//table[@class='partners']/tbody/tr")
    assert [r.xpath("string(td[2])").strip() for r in rows] == ["فلسطين Palestine", "روسيا Russia"]
    assert [[c.text for c in r.xpath("td[@class='n']")] for r in rows] == [["2", "3"], ["1", "2"]]
    assert "/pair/EG/PS" in hrefs(rows[0]) and "/country/PS" in hrefs(rows[0])
    # accords by status: one signed, one agreed, one planned, all undated in these articles
    status = doc.xpath("//table[@class='status-years']/tbody/tr/td/text()")
    assert status == ["undated", "1", "1", "1"]
    # the ego network: an SVG drawn here, EG in the middle, its two partners linked to the pairs
    svg = doc.xpath("//section[@id='ego']//*[local-name()='svg']")[0]
    assert sorted(t.text for t in svg.xpath(".//*[local-name()='text']")) == ["EG", "PS", "RU"]
    assert len(svg.xpath(".//*[local-name()='line']")) == 2
    assert {"/pair/EG/PS", "/pair/EG/RU"} <= set(a.get("href") for a in svg.xpath(".//*[local-name()='a']"))
    # the latest items link to accords, engagements and articles; people and topics link on
    latest = hrefs(doc.xpath("//section[@id='timeline']")[0])
    assert path(ACCORD) in latest and path(SIGNING) in latest and path(ARTICLE) in latest
    people = doc.xpath("//section[@id='people']")[0]
    assert path(TALAAT) in hrefs(people) and "عمرو طلعت" in people.text_content()
    assert "/topic/ict" in hrefs(doc.xpath("//section[@id='topics']")[0])
    assert "/resource/org/" in " ".join(hrefs(doc.xpath("//section[@id='organizations']")[0]))
    assert doc.xpath("//a[@rel='external']/@href") == ["http://www.wikidata.org/entity/Q79"]


def test_pair_page(bc):
    doc, r = page(bc, "/pair/EG/PS")
    items = doc.xpath("//section[@id='items']//tbody/tr")
    links = [h for tr in items for h in hrefs(tr)]
    accords = {h for h in links if h.startswith("/resource/agreement/")}
    assert path(ACCORD) in accords and len(accords) == 2          # the planned MoU and the signed one
    assert path(SIGNING) in links
    assert "موقَّع" in doc.xpath("string(//section[@id='items'])") and "مزمع" in doc.xpath("string(//section[@id='items'])")
    people = doc.xpath("//section[@id='people']")[0]
    assert {path(SADR), path(TALAAT)} <= set(hrefs(people))
    assert path(ARTICLE) in hrefs(doc.xpath("//section[@id='articles']")[0])
    assert "/topic/ict" in hrefs(doc.xpath("//section[@id='topics']")[0])
    # its data twins are the saved queries for the pair, named in the Link header
    assert '</queries/accords-between.json?a=EG&b=PS>; rel="alternate"' in r.headers["Link"]
    twin = bc.get("/queries/accords-between.json?a=EG&b=PS").get_json()
    assert {b["agreement"]["value"] for b in twin["results"]["bindings"]} == {ROOT + a for a in accords}
    # lower case works, one country twice or an unknown code is 404
    assert bc.get("/pair/eg/ps", headers=HTML).status_code == 200


def test_person_page(bc):
    doc, _ = page(bc, path(SADR))
    assert doc.xpath("//h1/span[@lang='ar']")[0].text == "أسحاق سدر"
    spellings = doc.xpath("//span[@class='spelling']/text()")
    assert sorted(spellings) == sorted(["أسحاق سدر", "إسحق سدر", "اسحق سدر"])
    assert all(s.getparent().get("dir") == "rtl" for s in doc.xpath("//span[@class='spelling']/text()"))
    assert "/country/PS" in hrefs(doc.xpath("//div[@class='page-head']")[0])
    assert "وزير الاتصالات وتكنولوجيا المعلومات" in doc.xpath("string(//p[@class='roles'])")
    cards = doc.xpath("//div[contains(@class, 'item-card')]")
    signed = [c for c in cards if path(ACCORD) in hrefs(c)]
    assert signed and "signatory" in signed[0].text_content()
    # the evidence shown is the sentences that name him, in any of his spellings
    quotes = [q.text for q in signed[0].xpath(".//blockquote[@lang='ar']")]
    assert quotes and all("سدر" in q for q in quotes)
    assert path(ARTICLE) in hrefs(doc.xpath("//section[@id='articles']")[0])


def test_organisation_and_place_pages(bc, sample):
    store = bc.application.extensions["tdkg.store"]
    org = store.select('SELECT ?o WHERE { ?o a tdo:Organization ; rdfs:label "الحكومة الفلسطينية"@ar }')[0]["o"]
    doc, _ = page(bc, path(org))
    assert doc.xpath("//h1/span[@lang='ar']")[0].text == "الحكومة الفلسطينية"
    assert "/country/PS" in hrefs(doc) and path(ACCORD) in hrefs(doc.xpath("//section[@id='items']")[0])
    place = store.select('SELECT ?p WHERE { ?p a tdo:Place ; rdfs:label "القرية الذكية"@ar }')[0]["p"]
    doc, _ = page(bc, path(place))
    held = hrefs(doc.xpath("//section[@id='items']")[0])
    assert any(h.startswith("/resource/engagement/001_") for h in held), held


def test_accord_page(bc):
    doc, _ = page(bc, path(ACCORD))
    text = doc.text_content()
    assert "مذكرة تفاهم" in text and "موقَّع" in text
    facts = doc.xpath("//dl[@class='facts']")[0]
    assert {"/country/EG", "/country/PS", "/pair/EG/PS", path(SADR), path(TALAAT)} <= set(hrefs(facts))
    assert "/topic/ict" in hrefs(facts)
    reports = doc.xpath("//div[@class='report']")
    assert len(reports) == 1 and path(ARTICLE) in hrefs(reports[0])
    quotes = [q.text for q in reports[0].xpath("blockquote")]
    assert len(quotes) == 5 and all(q.get("dir") == "rtl" for q in reports[0].xpath("blockquote"))
    assert any(q.startswith("وقعت الحكومة الفلسطينية") for q in quotes)


def test_status_history_where_reports_differ(tmp_path):
    """Two reports of one planned accord share a node; a later signing is another node: the page
    lists both reports with their sentences, and the history of the pair's MoUs in date order."""
    from kg.graph.store import memory_store
    from kg.loader import load
    store = memory_store()
    a = ("أعلنت وزارة الاتصالات المصرية يوم 3 مارس 2024 أن مصر والأردن تعتزمان توقيع مذكرة تفاهم "
         "في مجال الأمن السيبراني.\n\nوقال وزير الاتصالات المصري عمرو طلعت إن المذكرة ستوقع قريبا.\n")
    (tmp_path / "a1.txt").write_text(a, encoding="utf-8")
    (tmp_path / "a2.txt").write_text(a.replace("أعلنت وزارة الاتصالات المصرية", "قالت وزارة الاتصالات المصرية"),
                                     encoding="utf-8")
    (tmp_path / "a3.txt").write_text("وقعت مصر والأردن يوم 5 يونيو 2024 مذكرة تفاهم في مجال الأمن السيبراني.\n",
                                     encoding="utf-8")
    load(store, [tmp_path], validate=False)
    client = make_app(store, ARTICLE_DIRS=[str(tmp_path)]).test_client()
    mous = store.select("SELECT ?x ?s ?d (COUNT(?art) AS ?n) WHERE { ?x a tdo:MemorandumOfUnderstanding ; "
                        "tdo:status ?s ; tdo:reportedIn ?art OPTIONAL { ?x tdo:date ?d } } GROUP BY ?x ?s ?d ORDER BY ?d")
    assert len(mous) == 2 and int(mous[0]["n"]) == 2, f"the extractor read these articles otherwise: {mous}"
    planned, signed = mous[0]["x"], mous[1]["x"]
    doc, _ = page(client, path(planned))
    reports = doc.xpath("//div[@class='report']")
    assert len(reports) == 2 and {"/resource/article/a1", "/resource/article/a2"} == \
        {h for r in reports for h in hrefs(r) if h.startswith("/resource/article/")}
    history = doc.xpath("//section[@id='history']//tbody/tr")
    assert [tr.xpath("string(td[1])") for tr in history] == ["2024-03-03", "2024-06-05"]
    assert "current" in history[0].get("class") and path(signed) in hrefs(history[1])


def test_engagement_page(bc):
    doc, _ = page(bc, path(SIGNING))
    assert "توقيع" in doc.xpath("string(//h1)")
    facts = doc.xpath("//dl[@class='facts']")[0]
    assert "participants" in facts.text_content() and path(TALAAT) in hrefs(facts)
    assert path(ARTICLE) in hrefs(doc.xpath("//section[@id='reports']")[0])


def evidence_of_article(client) -> set[str]:
    """The distinct evidence sentences of the items the article reports, as its graph holds them."""
    store = client.application.extensions["tdkg.store"]
    return {r["e"] for r in store.select(f"SELECT DISTINCT ?e WHERE {{ GRAPH <{ARTICLE}> {{ ?x tdo:reportedIn "
                                         f"<{ARTICLE}> ; tdo:evidence ?e }} }}")}


def test_article_page_marks_the_evidence_in_its_text(bc):
    doc, _ = page(bc, path(ARTICLE))
    assert doc.xpath("string(//dl[@class='facts']//code)") == "004_74f5ac9498ea9be5.txt"
    assert "/country/PS" in hrefs(doc.xpath("//dl[@class='facts']/dd[2]")[0])           # home
    extracted = doc.xpath("//section[@id='extracted']")[0]
    kinds = [th.text for th in extracted.xpath(".//th")]
    assert kinds.count("person") == 3 and kinds.count("accord") == 1 and kinds.count("event") == 1
    # the spelling this article uses, not the entity's label ("اسحق سدر" here, "أسحاق سدر" overall)
    assert "اسحق سدر" in [a.text_content() for a in extracted.xpath(".//a") if path(SADR) in a.get("href")]
    text = doc.xpath("//div[@class='article-text']")[0]
    assert text.get("dir") == "rtl" and text.get("lang") == "ar"
    marks = [m.text for m in text.xpath(".//mark[@class='evidence']")]
    assert len(marks) == len(evidence_of_article(bc)) >= 5     # every sentence the graph holds, once
    assert marks[0].startswith("وقعت الحكومة الفلسطينية") and "تفاهمٍ" in marks[0]   # marked as written
    from kg.extract.reading import read_article                    # the whole text, as the loader read it
    assert text.text_content().split() == read_article(ARTICLES / "004_74f5ac9498ea9be5.txt").split()


def test_article_page_without_its_file(loaded_store):
    from kg.graph.oxigraph import Store
    client = make_app(Store(loaded_store, read_only=True), ARTICLE_DIRS=[]).test_client()
    doc, _ = page(client, path(ARTICLE))
    assert "not among the article folders" in doc.text_content()
    assert len(doc.xpath("//div[@class='article-text']//mark")) == len(evidence_of_article(client))   # the stored ones


def test_topic_page(bc):
    doc, _ = page(bc, "/topic/ict")
    assert "artificial" not in doc.xpath("string(//h1)") and "تكنولوجيا المعلومات والاتصالات" in doc.xpath("string(//h1)")
    countries = hrefs(doc.xpath("//section[@id='countries']")[0])
    assert "/country/EG" in countries and "/country/PS" in countries


def test_home_pages_link_to_countries_and_latest_accords(bc):
    doc, _ = page(bc, "/")
    box = doc.xpath("//section[@id='browse-links']")[0]
    links = hrefs(box)
    assert {"/country/EG", "/country/PS", "/browse"} <= set(links)
    assert path(ACCORD) in links and sum(h.startswith("/resource/agreement/") for h in links) == 4
    doc, _ = page(bc, "/browse")
    assert "/country/RU" in hrefs(doc) and path(ACCORD) in hrefs(doc)


# ------------------------------------------------------------------ search

@pytest.mark.parametrize("q, found", [
    ("إسحق سدر", SADR), ("اسحاق سدر", SADR), ("سدر", SADR),       # any spelling of one person
    ("عمرو طلعت", TALAAT), ("مصر", EG), ("Egypt", EG), ("egypt", EG), ("PS", PS), ("Russia", RU),
    ("ict", "https://w3id.org/tdkg/topic/ict"), ("cybersecurity", "https://w3id.org/tdkg/topic/cybersecurity"),
    ("القرية الذكية", None),
])
def test_search_any_spelling(bc, q, found):
    r = bc.get("/search", query_string={"q": q, "format": "json"})
    hits = r.get_json()["results"]
    if found is None:                       # a place: found by its label
        assert hits and hits[0]["kind"] == "place"
    else:
        assert found in [h["iri"] for h in hits][:3], hits
    doc, _ = page(bc, "/search?q=" + q)
    assert hits[0]["path"] in hrefs(doc.xpath("//table[@class='hits']")[0])


def test_search_misses_and_limits(bc):
    assert bc.get("/search?q=zzqx&format=json").get_json()["results"] == []
    doc, _ = page(bc, "/search?q=zzqx")
    assert "Nothing matches" in doc.text_content()
    assert bc.get("/search?q=" + "x" * 201).status_code == 400


# ------------------------------------------------------------------ negotiation and 404s

KINDS = ["country", "topic", "person", "org", "place", "agreement", "engagement", "article"]


@pytest.mark.parametrize("kind", KINDS)
def test_negotiation_on_every_kind_of_iri(bc, sample, kind):
    iri = sample[kind]
    p = path(iri)
    # a browser gets the page, with the alternates named in the Link header and on the page
    doc, r = page(bc, p)
    link = r.headers["Link"]
    for mime in ("text/turtle", "application/ld+json", "application/n-triples"):
        assert f'type="{mime}"' in link
    assert f'<{p}?format=turtle>; rel="alternate"; type="text/turtle"' in link
    assert {f"{p}?format=turtle", f"{p}?format=jsonld", f"{p}?format=nt"} <= set(doc.xpath("//a[@rel='alternate']/@href"))
    # a client that names no HTML gets the node's description and links: Turtle by default
    for accept, fmt, mime in ((None, "turtle", "text/turtle"), ("text/turtle", "turtle", "text/turtle"),
                              ("application/n-triples", "nt", "application/n-triples"),
                              ("application/ld+json", "json-ld", "application/ld+json")):
        r = bc.get(p, headers={"Accept": accept} if accept else {})
        assert r.status_code == 200 and r.mimetype == mime, (accept, r.status_code, r.mimetype)
        assert r.headers["Link"] == link
        g = Graph().parse(data=r.get_data(as_text=True), format=fmt)
        subj = URIRef(iri)
        assert (subj, None, None) in g, f"{kind}: its own description is missing"
        if kind in ("country", "person", "org", "place", "topic"):
            assert any(isinstance(o, Literal) for o in g.objects(subj, RDFS_LABEL))
        # the links: what points at it, with the labels of what it points to
        outgoing = [o for o in g.objects(subj, None) if isinstance(o, URIRef) and (o, RDFS_LABEL, None) in g]
        assert outgoing or kind in ("topic",), kind
    # ?format= picks as well, and wins over Accept
    r = bc.get(p + "?format=nt", headers=HTML)
    assert r.mimetype == "application/n-triples" and Graph().parse(data=r.get_data(as_text=True), format="nt")
    assert bc.get(p + "?format=html", headers={"Accept": "text/turtle"}).mimetype == "text/html"
    assert bc.get(p, headers={"Accept": "image/png"}).status_code == 406
    assert bc.head(p, headers={"Accept": "text/turtle"}).status_code == 200


def test_incoming_links_are_in_the_description(bc):
    g = Graph().parse(data=bc.get(path(SADR), headers={"Accept": "text/turtle"}).get_data(as_text=True),
                      format="turtle")
    tdo = "https://w3id.org/tdkg/ontology#"
    assert (URIRef(ACCORD), URIRef(tdo + "signatory"), URIRef(SADR)) in g
    assert (URIRef(ARTICLE), URIRef(tdo + "mentions"), URIRef(SADR)) in g
    assert (URIRef(SADR), URIRef(tdo + "country"), URIRef(PS)) in g
    assert (URIRef(PS), RDFS_LABEL, Literal("Palestine", lang="en")) in g


@pytest.mark.parametrize("p", [
    "/country/XX", "/country/eg", "/country/EGY", "/topic/no-such-topic", "/resource/person/0000000000000000",
    "/resource/org/nope", "/resource/agreement/nope-1", "/resource/engagement/nope-1", "/resource/article/nope",
    "/resource/graph/entities", "/resource/person/a/b", "/pair/EG/EG", "/pair/EG/XX", "/pair/EGY/PS",
])
def test_unknown_iris_are_404_with_the_one_error_shape(bc, p):
    for headers in (HTML, {"Accept": "text/turtle"}, {}):
        r = bc.get(p, headers=headers)
        assert r.status_code == 404, (p, headers, r.status_code)
        err = r.get_json()["error"]
        assert err["status"] == 404 and err["title"] == "Not Found" and err["message"]


def test_every_link_of_the_pages_resolves(bc):
    """Start at the country page and follow every link the pages give, two steps out: each
    served path answers 200 (the saved queries and the endpoint are others' pages)."""
    seen, frontier = set(), ["/country/EG"]
    for _ in range(2):
        nxt = []
        for p in frontier:
            doc, _ = page(bc, p)
            for h in hrefs(doc):
                u = urlsplit(h)
                if u.scheme or not u.path.startswith(("/country/", "/resource/", "/pair/", "/topic/")):
                    continue
                if u.path not in seen:
                    seen.add(u.path)
                    nxt.append(u.path)
        frontier = nxt
    kinds = {re.sub(r"^/(resource/)?([a-z]+)/.*", r"\2", p) for p in seen}
    assert {"country", "pair", "person", "org", "agreement", "engagement", "article", "topic", "place"} <= kinds, kinds
    for p in seen:
        assert bc.get(p, headers=HTML).status_code == 200, p
    assert len(seen) > 40


def test_pages_need_no_script_and_fetch_nothing_else(bc, sample):
    for kind in KINDS:
        doc, _ = page(bc, path(sample[kind]))
        assert not doc.xpath("//script[@src]"), kind
        assert not [u for u in doc.xpath("//link/@href | //img/@src") if urlsplit(u).scheme not in ("", "data")], kind


def test_kept_pages_follow_the_store(tmp_path):
    """A page's data is kept per state of the store: a load changes what the next request shows."""
    from kg.graph.store import memory_store
    from kg.loader import load
    store = memory_store()
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "b1.txt").write_text("وقعت مصر والأردن يوم 5 يونيو 2024 مذكرة تفاهم في مجال الأمن السيبراني.\n",
                                             encoding="utf-8")
    load(store, [tmp_path / "one"], validate=False)
    client = make_app(store).test_client()
    count = lambda: page(client, "/country/JO")[0].xpath("string(//div[@class='page-head']/p[@class='hint'])")  # noqa: E731
    assert count().strip().startswith("1 accords")
    assert "/country/JO" in hrefs(page(client, "/")[0].xpath("//section[@id='browse-links']")[0])
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "b2.txt").write_text("وقعت الأردن والإمارات يوم 7 يوليو 2024 اتفاقية تعاون في مجال الذكاء "
                                             "الاصطناعي.\n", encoding="utf-8")
    load(store, [tmp_path / "two"], validate=False)
    assert count().strip().startswith("2 accords")
    assert [h["iri"] for h in client.get("/search?q=JO&format=json").get_json()["results"]][:1] == \
        ["https://w3id.org/tdkg/country/JO"]


def test_tallies_and_counting_from_scratch_agree(bapp, monkeypatch):
    """A store that keeps each item's states and the topic tallies (layout 3) answers the country,
    pair and topic pages from them; a store without (counted from the country and its actors)
    must show the same."""
    from kg.graph import browse
    store = bapp.extensions["tdkg.store"]
    assert browse.has_tallies.uncached(store), "the bundled store is written with its tallies"
    keep = ("partners", "counts", "status_years", "timeline", "undated", "topics", "ego")
    kept = {c: browse.country.uncached(store, c) for c in ("EG", "PS", "RU")}
    pair, topic = browse.pair.uncached(store, "EG", "PS"), browse.topic.uncached(store, "ict")
    monkeypatch.setattr(browse, "has_tallies", lambda s: False)
    for c, d in kept.items():
        fresh = browse.country.uncached(store, c)
        assert {k: fresh[k] for k in keep} == {k: d[k] for k in keep}, c
    assert [i["iri"] for i in browse.pair.uncached(store, "EG", "PS")["items"]] == [i["iri"] for i in pair["items"]]
    assert browse.topic.uncached(store, "ict")["countries"] == topic["countries"]
