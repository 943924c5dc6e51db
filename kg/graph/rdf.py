"""Extraction records -> the RDF graph of one article, in the vocabulary of ``ontology/tdkg.ttl``.

The one place where extraction meets RDF: records are plain dataclasses (:mod:`kg.extract.records`).

Countries are referred to by IRI (``country:EG``); their description (ISO code,
labels, Wikidata link) lives once, in the reference graph built by
:func:`country_graph`. Persons, organisations and places carry the spelling the
article uses as ``skos:hiddenLabel``; their one ``rdfs:label`` lives in the entity
graph (:mod:`kg.graph.entities`), and :func:`standalone` adds it for an article
seen alone (the SHACL gate, ``tdkg extract``).
"""
from __future__ import annotations

from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from collections import Counter, defaultdict

from ..extract import identity
from ..extract.lexicon import countries
from ..extract.records import ArticleRecords
from . import vocab
from .entities import label_and_variants

TDO = Namespace(vocab.TDO)
TDR = Namespace(vocab.BASE)
COUNTRY = Namespace(vocab.COUNTRY)
TOPIC = Namespace(vocab.TOPIC)
WD = Namespace("http://www.wikidata.org/entity/")
STATUS = {"signed": TDO.Signed, "agreed": TDO.Agreed, "planned": TDO.Planned}
TYPE_LABELS = {
    "MemorandumOfUnderstanding": ("مذكرة تفاهم", "Memorandum of understanding"),
    "FrameworkAgreement": ("اتفاقية إطارية", "Framework agreement"),
    "CooperationAgreement": ("اتفاقية تعاون", "Cooperation agreement"),
    "Meeting": ("اجتماع", "Meeting"), "Visit": ("زيارة", "Visit"),
    "Signing": ("توقيع", "Signing"), "Forum": ("ملتقى", "Forum"),
}


PREFIX_MAP = {"tdo": str(TDO), "tdr": str(TDR), "country": str(COUNTRY), "topic": str(TOPIC),
              "dct": str(DCTERMS), "skos": str(SKOS), "owl": str(OWL), "wd": str(WD),
              "rdfs": str(RDFS), "xsd": str(XSD)}


def bind_prefixes(g: Graph) -> Graph:
    for prefix, ns in PREFIX_MAP.items():
        g.bind(prefix, ns)
    return g


def ar(text: str) -> Literal:
    return Literal(text, lang="ar")


def _alt(text: str) -> Literal:
    """Arabic variants carry @ar; Latin acronyms (INFOBALT) stay plain strings."""
    return ar(text) if any("\u0600" <= c <= "\u06FF" for c in text) else Literal(text)


def country_ref(g: Graph, iso2: str) -> URIRef:
    """The IRI of a state, as an article graph refers to it."""
    return COUNTRY[iso2]


def country_graph() -> Graph:
    """Every state of the gazetteer, described once (for the reference graph)."""
    g = bind_prefixes(Graph())
    for iso in countries():
        add_country(g, iso)
    return g


def add_country(g: Graph, iso2: str) -> URIRef:
    node = COUNTRY[iso2]
    c = countries().get(iso2)
    g.add((node, RDF.type, TDO.Country))
    g.add((node, TDO.iso2, Literal(iso2)))
    if c:
        g.add((node, RDFS.label, ar(c.name_ar)))
        g.add((node, RDFS.label, Literal(c.name_en, lang="en")))
        if c.wikidata:
            g.add((node, OWL.sameAs, WD[c.wikidata]))
    return node


def article_graph(rec: ArticleRecords) -> Graph:
    """The RDF of one article (to be stored as its own named graph)."""
    g = bind_prefixes(Graph(identifier=URIRef(vocab.article_iri(rec.id))))
    art = URIRef(vocab.article_iri(rec.id))
    g.add((art, RDF.type, TDO.Article))
    g.add((art, DCTERMS.identifier, Literal(rec.id)))
    g.add((art, TDO.sha256, Literal(rec.sha256)))
    g.add((art, TDO.sourceFile, Literal(rec.source_file)))
    if rec.title:
        g.add((art, DCTERMS.title, ar(rec.title)))
    if rec.home:
        g.add((art, TDO.home, country_ref(g, rec.home)))
    for iso in rec.countries:
        g.add((art, TDO.mentions, country_ref(g, iso)))
    for code in rec.topics:
        g.add((art, DCTERMS.subject, TOPIC[code]))

    nodes: dict[str, URIRef] = {}
    for cls, items, mint in ((TDO.Person, rec.persons, vocab.person_iri),
                             (TDO.Organization, rec.organizations, vocab.org_iri),
                             (TDO.Place, rec.places, vocab.place_iri)):
        for item in items:
            n = nodes[item.ref] = URIRef(mint(item.key))
            g.add((n, RDF.type, cls))
            g.add((n, SKOS.hiddenLabel, ar(item.label)))
            for alt in getattr(item, "alt_labels", ()):
                g.add((n, SKOS.altLabel, _alt(alt)))
            for role in getattr(item, "roles", ()):
                g.add((n, TDO.role, ar(role)))
            if cls != TDO.Place and item.country:
                g.add((n, TDO.country, country_ref(g, item.country)))
            g.add((art, TDO.mentions, n))

    def ref(r: str) -> URIRef:
        if r.startswith("country:"):
            return country_ref(g, r.split(":", 1)[1])
        return nodes[r]

    def names(refs: list[str]) -> tuple[str, str]:
        isos = [r.split(":", 1)[1] for r in refs if r.startswith("country:")]
        cs = [countries()[i] for i in isos if i in countries()]
        return " و".join(c.name_ar for c in cs), " and ".join(c.name_en for c in cs)

    states_of = {**{p.ref: p.country for p in rec.persons}, **{o.ref: o.country for o in rec.organizations}}
    for kind, items, role in (("agreement", rec.agreements, TDO.party),
                              ("engagement", rec.engagements, TDO.participant)):
        for item, n in zip(items, report_nodes(rec.id, kind, items, states_of)):
            members = item.parties if kind == "agreement" else item.participants
            g.add((n, RDF.type, TDO[item.type]))
            lab_ar, lab_en = TYPE_LABELS[item.type]
            between_ar, between_en = names(members)
            g.add((n, RDFS.label, ar(f"{lab_ar} بين {between_ar}" if between_ar else lab_ar)))
            g.add((n, RDFS.label, Literal(f"{lab_en} between {between_en}" if between_en else lab_en,
                                          lang="en")))
            for r in members:
                g.add((n, role, ref(r)))
            if kind == "agreement":
                g.add((n, TDO.status, STATUS[item.status]))
                for r in item.signatories:
                    g.add((n, TDO.signatory, ref(r)))
            else:
                for r in item.places:
                    g.add((n, TDO.location, nodes[r]))
            _common(g, n, art, rec, item)
    return g


def report_nodes(article_id: str, kind: str, items: list, states_of: dict[str, str | None]) -> list[URIRef]:
    """The node of each accord (or event) an article reports: shared with other articles'
    reports of the same one (:func:`kg.extract.identity.report_key`), else the article's own
    (``tdr:agreement/{article}-{n}``)."""
    def key(item, detail=()):
        members = item.parties if kind == "agreement" else item.participants
        states = [r.split(":", 1)[1] if r.startswith("country:") else states_of.get(r) for r in members]
        return identity.report_key(kind, item.type, getattr(item, "status", None), [s for s in states if s],
                                   item.date, detail)
    keys = [key(item) for item in items]
    clash = {k for k in keys if k is not None and keys.count(k) > 1}
    keys = [key(item, tuple(item.parties + item.signatories) if kind == "agreement" else
                tuple(item.participants + item.places)) if k in clash else k for item, k in zip(items, keys)]
    local = quote(article_id, safe="-_.~")
    return [URIRef(vocab.report_iri(kind, k)) if k is not None and keys.count(k) == 1
            else TDR[f"{kind}/{local}-{i}"] for i, k in enumerate(keys, 1)]


def standalone(g: Graph) -> Graph:
    """The article graph as a store holding only this article shows it: each entity it
    spells gets the ``rdfs:label`` (and ``skos:altLabel``) the entity graph would give."""
    out = bind_prefixes(Graph(identifier=g.identifier))
    out += g
    spellings: dict = defaultdict(Counter)
    for x, s in g.subject_objects(SKOS.hiddenLabel):
        spellings[x][str(s)] += 1
    for x, counts in spellings.items():
        label, variants = label_and_variants(counts)
        out.add((x, RDFS.label, ar(label)))
        for v in variants:
            out.add((x, SKOS.altLabel, ar(v)))
    return out


def _common(g: Graph, n: URIRef, art: URIRef, rec: ArticleRecords, item) -> None:
    g.add((n, TDO.reportedIn, art))
    for i in item.sentences:
        g.add((n, TDO.evidence, ar(rec.sentences[i])))
    for code in item.topics:
        g.add((n, TDO.topic, TOPIC[code]))
    if item.date:
        precision = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(item.date), XSD.date)   # "2003", "2003-08"
        g.add((n, TDO.date, Literal(item.date, datatype=precision)))
