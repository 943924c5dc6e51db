"""The data behind the browsing pages: one function per page, each a handful of SPARQL lookups
that start from the node the page is about, returning plain dicts and lists (no RDF terms).

The server (``server/browse.py``) renders them; nothing here knows about HTTP. Every IRI of the
graph is served at its path under the server's root: ``https://w3id.org/tdkg/country/EG`` at
``/country/EG``, ``…/resource/person/…`` at ``/resource/person/…`` (:func:`path_of`,
:func:`iri_of`).

The lookups read the default graph (the merge: each fact once) except where the page is about
what one article says (an accord's reports, an article's extraction), which read that article's
graph. None scans the whole store but the home page's two short lists and the search index,
which is built once per state of the entity graph (:func:`search`).

>>> path_of("https://w3id.org/tdkg/country/EG"), kind_of("https://w3id.org/tdkg/resource/org/ab12")
('/country/EG', 'org')
>>> iri_of("/resource/article/004_74f5ac9498ea9be5")
'https://w3id.org/tdkg/resource/article/004_74f5ac9498ea9be5'
>>> kind_of("https://w3id.org/tdkg/resource/graph/entities") is None
True
"""
from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from pathlib import Path

from ..extract.identity import skeleton
from .vocab import BASE, COUNTRY, CURATED_GRAPHS, ENTITY_GRAPH, REFERENCE_GRAPH, TALLY_GRAPH, TDO, TOPIC

ROOT = "https://w3id.org/tdkg"
#: kind -> IRI prefix; the kinds that have a page
PREFIX_OF = {"country": COUNTRY, "topic": TOPIC, **{k: f"{BASE}{k}/" for k in (
    "person", "org", "place", "agreement", "engagement", "article")}}
AGREEMENT_TYPES = ("MemorandumOfUnderstanding", "FrameworkAgreement", "CooperationAgreement")
ENGAGEMENT_TYPES = ("Meeting", "Visit", "Signing", "Forum")
STATUSES = ("Signed", "Agreed", "Planned")
GRAPHS = BASE + "graph/"        # the store's own graphs (entities, reference, …) are no reports; curated ones are
TOP = 50           # rows a list shows (the saved query behind it has them all)
SHOWN = 50         # accords and engagements, articles a person's or organisation's page lists
_SAFE_IRI = re.compile(r'^[^\x00-\x20<>"{}|^`\\]+$')
CACHE_SIZE = 256   # pages' data kept, per state of the store


# ------------------------------------------------------------------ a cache per state of the store

_cache_lock = threading.Lock()
_cache: OrderedDict = OrderedDict()


def cached(fn):
    """Keep a page's data until the store changes: keyed on ``store.version()``, which changes
    with every write (another process's load too, within about a second); a store that cannot
    tell (a remote server) gives a new version each call, so nothing is kept for it. The pages
    that aggregate over many items (a busy country, a topic, the home lists) pay their lookups
    once per state of the store; callers must not change what they get."""
    @functools.wraps(fn)
    def wrapper(store, *args, **kwargs):
        version = getattr(store, "version", None)
        key = (version(), fn.__name__, args, tuple(sorted(kwargs.items()))) if version else None
        if key is not None:
            with _cache_lock:
                if key in _cache:
                    _cache.move_to_end(key)
                    return _cache[key]
        value = fn(store, *args, **kwargs)
        if key is not None:
            with _cache_lock:
                _cache[key] = value
                while len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
        return value
    wrapper.uncached = fn
    return wrapper


# ------------------------------------------------------------------ IRIs and paths

def kind_of(iri: str) -> str | None:
    """``country``, ``topic``, ``person``, ``org``, ``place``, ``agreement``, ``engagement`` or
    ``article`` for an IRI of one of those kinds, else None."""
    for kind, prefix in PREFIX_OF.items():
        if iri.startswith(prefix) and len(iri) > len(prefix) and "/" not in iri[len(prefix):]:
            return kind
    return None


def path_of(iri: str) -> str | None:
    """Where the server serves an IRI (its path under ``https://w3id.org/tdkg``), None for IRIs
    that have no page (the ontology's terms, the graphs, other sites)."""
    return iri[len(ROOT):] if kind_of(iri) else None


def iri_of(path: str) -> str:
    return ROOT + path


def _iri(iri: str) -> str:
    if not _SAFE_IRI.match(iri):
        raise ValueError(f"not an IRI that can be looked up: {iri!r}")
    return f"<{iri}>"


def _values(iris) -> str:
    return " ".join(_iri(i) for i in iris)


def _chunks(items: list, n: int = 400):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def local(iri: str | None) -> str:
    """The last part of an IRI: ``…#Signed`` -> ``Signed``, ``…/country/EG`` -> ``EG``."""
    return re.split(r"[#/]", iri or "")[-1]


def exists(store, iri: str) -> bool:
    """Whether the graph says anything about ``iri`` (a country of the gazetteer always)."""
    return bool(store.query(f"ASK {{ {_iri(iri)} ?p ?o }}"))


# ------------------------------------------------------------------ labels

def labels(store, iris) -> dict[str, dict[str, str]]:
    """``{iri: {"ar": …, "en": …, "ar-latn": …}}`` from ``rdfs:label`` (one value per language;
    the entity graph gives people, organisations and places one Arabic label)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    todo = sorted({i for i in iris if i})
    for chunk in _chunks(todo):
        rows = store.select(f"SELECT ?x ?l (LANG(?l) AS ?lang) WHERE {{ VALUES ?x {{ {_values(chunk)} }} "
                            f"?x rdfs:label ?l }}")
        for r in sorted(rows, key=lambda r: r["l"]):
            out[r["x"]].setdefault((r["lang"] or "").lower(), r["l"])
    return out


def node(iri: str, names: dict) -> dict:
    """A link as the templates show it: path, kind, Arabic and English (or Latin) names."""
    n = names.get(iri, {})
    kind = kind_of(iri)
    ar = n.get("ar") or ""
    return {"iri": iri, "path": path_of(iri), "kind": kind, "ar": ar,
            "en": n.get("en") or "", "latn": n.get("ar-latn") or "",
            "text": ar or n.get("en") or local(iri)}


# ------------------------------------------------------------------ items (accords, engagements)

def _of_country(country: str, body: str) -> str:
    """``body`` for each item ``?x`` of a country, as a UNION of four plain basic graph patterns
    that start from the country: Oxigraph runs them as nested loops from the bound end, where a
    subquery or a property path joined with ``body`` made it read all of ``body``'s predicate
    (7x slower for ``?x a ?type`` at 20,000 articles: bench/RESULTS.md, Browse)."""
    c = _iri(country)
    heads = (f"?x tdo:party {c} .", f"?x tdo:participant {c} .", f"?m tdo:country {c} . ?x tdo:party ?m .",
             f"?m tdo:country {c} . ?x tdo:participant ?m .")
    return " UNION ".join(f"{{ {h} {body} }}" for h in heads)


@cached
def has_tallies(store) -> bool:
    """Whether the store keeps each item's states (``tdo:involves``) and the pair and topic
    tallies (:mod:`kg.graph.tallies`, store layout 3): the country, pair and topic pages then
    read them instead of finding a country's items through every one of its actors."""
    return bool(store.query(f"ASK {{ GRAPH <{TALLY_GRAPH}> {{ ?x <{TDO}involves> ?c }} }}"))


def _involving(country: str, body: str = "") -> str:
    """``body`` for each item ``?x`` of a country: through the tally graph's ``tdo:involves``
    when the store keeps it, else from the country and its actors (:func:`_of_country`)."""
    return f"GRAPH <{TALLY_GRAPH}> {{ ?x tdo:involves {_iri(country)} }} {body}"


def item_set(store, country: str) -> set[str]:
    """The accords and engagements of a country."""
    where = _involving(country) if has_tallies(store) else _of_country(country, "")
    return {r["x"] for r in store.select(f"SELECT DISTINCT ?x WHERE {{ {where} }}")}


def country_items(store, country: str) -> dict[str, dict]:
    """Every item of a country with its type, status, date and other states (see :func:`_basic`),
    in a few queries over the country's items (no per-item lookups)."""
    tallies = has_tallies(store)
    of = _involving if tallies else _of_country
    q = lambda body, v: store.select(f"SELECT DISTINCT ?x {v} WHERE {{ {of(country, body)} }}")  # noqa: E731
    # no ?x a ?type: the kind is in the IRI (tdr:agreement/…, tdr:engagement/…) and an accord
    # has a status; the type of the few items a page lists comes from _item_rows
    rows = [{"x": x} for x in item_set(store, country)]
    rows += [{"x": r["x"], "status": r["st"]} for r in q("?x tdo:status ?st .", "?st")]
    rows += [{"x": r["x"], "date": r["d"]} for r in q("?x tdo:date ?d .", "?d")]
    if tallies:
        rows += [{"x": r["x"], "other": r["o"]} for r in store.select(
            f"SELECT ?x ?o WHERE {{ GRAPH <{TALLY_GRAPH}> {{ ?x tdo:involves {_iri(country)} . ?x tdo:involves ?o }} }}")]
    else:
        members = store.select(f"SELECT DISTINCT ?x ?o WHERE {{ {_of_country(country, '?x tdo:party ?o .')} UNION "
                               f"{_of_country(country, '?x tdo:participant ?o .')} }}")
        home = actor_states(store, {r["o"] for r in members if kind_of(r["o"]) in ("person", "org")})
        for r in members:
            for st in ([r["o"]] if kind_of(r["o"]) == "country" else home.get(r["o"], ())):
                rows.append({"x": r["x"], "other": st})
    items = _basic(rows)
    for it in items.values():
        it["states"].discard(country)
    return items


def actor_states(store, actors) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(actors)):
        for r in store.select(f"SELECT ?m ?c WHERE {{ VALUES ?m {{ {_values(chunk)} }} ?m tdo:country ?c }}"):
            out[r["m"]].add(r["c"])
    return out


def item_kind(type_local: str) -> str:
    return "agreement" if type_local in AGREEMENT_TYPES else "engagement"


def _basic(rows) -> dict[str, dict]:
    """Rows of ?x ?type ?status ?date -> one dict per item."""
    items: dict[str, dict] = {}
    for r in rows:
        it = items.setdefault(r["x"], {"iri": r["x"], "path": path_of(r["x"]), "type": None,
                                       "status": None, "date": None, "states": set()})
        t = local(r.get("type"))
        if t in AGREEMENT_TYPES or t in ENGAGEMENT_TYPES:
            it["type"] = t
        if r.get("status"):
            it["status"] = local(r["status"])
        if r.get("date") and (it["date"] is None or r["date"] < it["date"]):
            it["date"] = r["date"]
        if r.get("other"):
            it["states"].add(r["other"])
    for it in items.values():
        it["kind"] = "agreement" if it["status"] or it["type"] in AGREEMENT_TYPES or \
            (it["type"] is None and kind_of(it["iri"]) == "agreement") else "engagement"
        it["year"] = (it["date"] or "")[:4] or None
    return items


def _by_date(items, newest_first: bool = True) -> list[dict]:
    dated = sorted((i for i in items if i["date"]), key=lambda i: (i["date"], i["iri"]), reverse=newest_first)
    return dated + sorted((i for i in items if not i["date"]), key=lambda i: i["iri"])


def item_details(store, iris: list[str]) -> dict[str, dict]:
    """Members, topics, place and articles of some items, with the names of all of them:
    ``{item: {"label", "parties", "signatories", "participants", "location", "topics",
    "articles"}}``, each a list of :func:`node` dicts."""
    rel = {"party": "parties", "signatory": "signatories", "participant": "participants",
           "location": "location", "topic": "topics", "reportedIn": "articles"}
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(sorted(set(iris))):
        rows = store.select(
            f"SELECT ?x ?p ?o WHERE {{ VALUES ?x {{ {_values(chunk)} }} ?x ?p ?o "
            f"FILTER(?p IN ({', '.join('tdo:' + k for k in rel)})) }}")      # (a VALUES ?p: 50x slower)
        for r in rows:
            links[r["x"]][rel[local(r["p"])]].append(r["o"])
    everything = set(iris) | {o for d in links.values() for os_ in d.values() for o in os_}
    names = labels(store, everything)
    titles = article_titles(store, {o for d in links.values() for o in d.get("articles", [])})
    out = {}
    for x in iris:
        d = {k: sorted((node(o, names) for o in set(links[x].get(k, []))), key=lambda n: n["text"])
             for k in rel.values()}
        for a in d["articles"]:
            a.update(titles.get(a["iri"], {}))
        d["label"] = node(x, names)
        out[x] = d
    return out


def article_titles(store, iris) -> dict[str, dict]:
    """``{article: {"id", "title"}}``."""
    out = {}
    for chunk in _chunks(sorted(iris)):
        for r in store.select(f"SELECT ?a ?id ?t WHERE {{ VALUES ?a {{ {_values(chunk)} }} "
                              f"?a dct:identifier ?id OPTIONAL {{ ?a dct:title ?t }} }}"):
            out[r["a"]] = {"id": r["id"], "title": r["t"] or ""}
    return out


def states_of(store, iris: list[str]) -> dict[str, set[str]]:
    """Each item's states: its country members and the states of its actors."""
    out: dict[str, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(set(iris))):
        rows = store.select(
            f"SELECT DISTINCT ?x ?c WHERE {{ VALUES ?x {{ {_values(chunk)} }} ?x tdo:party|tdo:participant ?m . "
            f"OPTIONAL {{ ?m tdo:country ?s }} BIND(COALESCE(?s, ?m) AS ?c) ?c a tdo:Country }}")
        for r in rows:
            out[r["x"]].add(r["c"])
    return out


# ------------------------------------------------------------------ country

@cached
def country(store, iso2: str) -> dict | None:
    """A country's page: its names, partners ranked, accords by status and year, the timeline
    by year and its latest items, people, organisations, topics, and the ego network (the
    country, its top partners, and the ties among them through shared items)."""
    iri = COUNTRY + iso2
    info = store.select(f"SELECT ?p ?o WHERE {{ {_iri(iri)} ?p ?o }}")
    if not any(local(r["p"]) == "type" and r["o"] == TDO + "Country" for r in info):
        return None
    same_as = sorted(r["o"] for r in info if r["p"].endswith("#sameAs"))
    items = country_items(store, iri)
    partners: dict[str, dict] = {}
    for it in items.values():
        for p in it["states"]:
            row = partners.setdefault(p, {"iri": p, "agreements": 0, "engagements": 0, "first": None,
                                          "last": None})
            row[it["kind"] + "s"] += 1
            if it["date"]:
                row["first"] = min(filter(None, (row["first"], it["date"])))
                row["last"] = max(filter(None, (row["last"], it["date"])))
    ranked = sorted(partners.values(), key=lambda r: (-(r["agreements"] + r["engagements"]), -r["agreements"],
                                                      r["iri"]))
    # accords by status and year; items by year (the timeline)
    years = sorted({it["year"] for it in items.values() if it["year"]}, reverse=True)
    by_status = {s: Counter() for s in STATUSES}
    per_year: dict[str, Counter] = defaultdict(Counter)
    for it in items.values():
        if it["kind"] == "agreement" and it["status"] in by_status:
            by_status[it["status"]][it["year"] or "undated"] += 1
        per_year[it["year"] or "undated"][it["kind"]] += 1
    latest = _by_date(items.values())[:20]
    typed = _item_rows(store, [i["iri"] for i in latest])
    latest = [{**it, "type": typed.get(it["iri"], {}).get("type")} for it in latest]
    people = actors_of(store, iri, "Person")
    orgs = actors_of(store, iri, "Organization")
    if has_tallies(store):
        tally = {r["t"]: int(r["n"]) for r in store.select(
            f"SELECT ?t ?n WHERE {{ GRAPH <{TALLY_GRAPH}> {{ ?k tdo:tallyState {_iri(iri)} ; a tdo:TopicTally ; "
            f"tdo:tallyTopic ?t ; tdo:itemCount ?n }} }}")}
    else:
        tally = Counter(r["t"] for r in store.select(
            f"SELECT DISTINCT ?x ?t WHERE {{ {_of_country(iri, '?x tdo:topic ?t .')} }}"))
    topics = [{"t": t, "code": local(t), "n": n} for t, n in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))]
    top = ranked[:12]
    ego = _ego(iri, top, items)
    names = labels(store, {iri, *partners, *(r["t"] for r in topics)})
    details = item_details(store, [i["iri"] for i in latest])
    for r in ranked:
        r.update(node(r["iri"], names), iso2=local(r["iri"]), total=r["agreements"] + r["engagements"])
    for it in latest:
        it.update(details[it["iri"]])
    return {
        "node": node(iri, names), "iso2": iso2, "same_as": same_as,
        "counts": {"agreements": sum(1 for i in items.values() if i["kind"] == "agreement"),
                   "engagements": sum(1 for i in items.values() if i["kind"] == "engagement")},
        "partners": ranked,
        "status_years": [{"year": y, **{s: by_status[s][y] for s in STATUSES}}
                         for y in years + (["undated"] if any(by_status[s]["undated"] for s in STATUSES) else [])],
        "timeline": [{"year": y, "agreements": per_year[y]["agreement"], "engagements": per_year[y]["engagement"]}
                     for y in sorted(y for y in per_year if y != "undated")],
        "undated": sum(per_year["undated"].values()) if "undated" in per_year else 0,
        "latest": latest,
        "people": people, "organizations": orgs,
        "topics": [{**node(r["t"], names), "code": r["code"] or local(r["t"]), "count": int(r["n"])}
                   for r in topics],
        "ego": {"nodes": [node(n, names) | {"iso2": local(n), "size": s} for n, s in ego["nodes"]],
                "edges": ego["edges"]},
    }


def _ego(center: str, top: list[dict], items: dict) -> dict:
    """The ego network: the country and its top partners; a tie's weight is how many items the
    two share (center–partner ties from the partner rows, partner–partner ties from items that
    name both)."""
    keep = [r["iri"] for r in top]
    edges = Counter()
    for r in top:
        edges[(center, r["iri"])] = r["agreements"] + r["engagements"]
    inner = set(keep)
    for it in items.values():
        states = sorted(it["states"] & inner)
        for i, a in enumerate(states):
            for b in states[i + 1:]:
                edges[(a, b)] += 1
    sizes = Counter()
    for (a, b), w in edges.items():
        sizes[a] += w
        sizes[b] += w
    return {"nodes": [(center, sizes[center])] + [(k, sizes[k]) for k in keep],
            "edges": [{"a": a, "b": b, "weight": w} for (a, b), w in sorted(edges.items())]}


def actors_of(store, country_iri: str, cls: str, limit: int = TOP) -> list[dict]:
    """A country's people (``Person``) or organisations (``Organization``), most mentioned first:
    ``{"iri", "path", "ar", "latn", "roles", "articles"}``."""
    role = "OPTIONAL { ?e tdo:role ?role }" if cls == "Person" else ""
    rows = store.select(
        f"SELECT ?e (SAMPLE(?l) AS ?label) (SAMPLE(?lt) AS ?latn) "
        f"(GROUP_CONCAT(DISTINCT ?role; separator=\" | \") AS ?roles) (COUNT(DISTINCT ?a) AS ?n) WHERE {{ "
        f"?e tdo:country {_iri(country_iri)} ; a tdo:{cls} . "
        f"OPTIONAL {{ ?e rdfs:label ?l FILTER(LANG(?l) = \"ar\") }} "
        f"OPTIONAL {{ ?e rdfs:label ?lt FILTER(LANGMATCHES(LANG(?lt), \"ar-Latn\")) }} {role} "
        f"OPTIONAL {{ ?a tdo:mentions ?e }} }} GROUP BY ?e ORDER BY DESC(?n) ?label LIMIT {limit + 1}")
    return [{"iri": r["e"], "path": path_of(r["e"]), "ar": r["label"] or "", "latn": r["latn"] or "",
             "text": r["label"] or local(r["e"]), "roles": [x for x in (r["roles"] or "").split(" | ") if x],
             "articles": int(r["n"])} for r in rows]


# ------------------------------------------------------------------ pair

@cached
def pair(store, a: str, b: str) -> dict | None:
    """Two countries: every accord and engagement between them by date, the topics, the people
    who acted, the articles."""
    ia, ib = COUNTRY + a, COUNTRY + b
    names = labels(store, [ia, ib])
    if not (names.get(ia) and names.get(ib)) or a == b:
        return None
    shared = sorted(item_set(store, ia) & item_set(store, ib))
    items = _by_date(_item_rows(store, shared).values(), newest_first=False)
    details = item_details(store, [i["iri"] for i in items])
    topics, people, articles = Counter(), {}, {}
    for it in items:
        d = details[it["iri"]]
        it.update(d)
        topics.update(t["iri"] for t in d["topics"])
        for p in d["parties"] + d["participants"] + d["signatories"]:
            if p["kind"] == "person":
                people.setdefault(p["iri"], {**p, "count": 0})["count"] += 1
        for art in d["articles"]:
            articles.setdefault(art["iri"], art)
    tnames = labels(store, topics)
    return {
        "a": node(ia, names) | {"iso2": a}, "b": node(ib, names) | {"iso2": b}, "items": items,
        "topics": [{**node(t, tnames), "code": local(t), "count": n} for t, n in topics.most_common()],
        "people": sorted(people.values(), key=lambda p: (-p["count"], p["text"])),
        "articles": sorted(articles.values(), key=lambda x: x.get("id", "")),
    }


# ------------------------------------------------------------------ person, organisation, place

@cached
def entity(store, iri: str) -> dict | None:
    """A person, organisation or place: its names (label, machine transliteration, every spelling
    seen), state, roles, and every accord and engagement it took part in with the evidence
    sentences that name it, and the articles that mention it."""
    rows = store.select(f"SELECT ?p ?o (LANG(?o) AS ?lang) WHERE {{ {_iri(iri)} ?p ?o }}")
    if not rows:
        return None
    by = defaultdict(list)
    for r in rows:
        by[local(r["p"])].append(r)
    label = next((r["o"] for r in by["label"] if (r["lang"] or "").lower() == "ar"), "")
    latn = next((r["o"] for r in by["label"] if (r["lang"] or "").lower() == "ar-latn"), "")
    spellings = sorted({r["o"] for k in ("label", "altLabel", "hiddenLabel") for r in by[k]
                        if (r["lang"] or "").lower() == "ar"})
    countries = sorted(r["o"] for r in by["country"])
    kind = kind_of(iri)
    rel_rows = store.select("SELECT ?x ?rel WHERE { " + " UNION ".join(
        f"{{ ?x tdo:{rel} {_iri(iri)} BIND(tdo:{rel} AS ?rel) }}"
        for rel in ("party", "participant", "signatory", "location")) + " }")
    roles_in = defaultdict(set)
    for r in rel_rows:
        roles_in[r["x"]].add(local(r["rel"]))
    every = _by_date(_item_rows(store, sorted(roles_in)).values())
    items = every[:SHOWN]
    xs = [it["iri"] for it in items]
    details = item_details(store, xs)
    evidence = evidence_of(store, xs)
    keys = {skeleton(s) for s in spellings}
    for it in items:
        it.update(details[it["iri"]])
        it["as"] = sorted(roles_in[it["iri"]])
        sents = evidence.get(it["iri"], [])
        naming = [s for s in sents if any(k and k in skeleton(s) for k in keys)]
        it["evidence"] = naming or sents
    arts = sorted((r["a"] for r in store.select(f"SELECT ?a WHERE {{ ?a tdo:mentions {_iri(iri)} }}")), reverse=True)
    known = article_titles(store, arts[:SHOWN])
    titles = {a: known.get(a, {"id": local(a), "title": ""}) for a in arts}
    names = labels(store, [iri, *countries])
    return {
        "node": node(iri, names), "kind": kind, "label": label, "latn": latn, "spellings": spellings,
        "classes": sorted(local(r["o"]) for r in by["type"]),
        "countries": [node(c, names) for c in countries],
        "roles": sorted({r["o"] for r in by["role"]}),
        "items": items, "item_count": len(every),
        "by_kind": dict(Counter(it["kind"] for it in every)),
        "articles": sorted(({"iri": a, "path": path_of(a), **t} for a, t in titles.items()),
                           key=lambda x: x["id"], reverse=True)[:SHOWN],
        "article_count": len(titles),
    }


def _item_rows(store, xs: list[str]) -> dict[str, dict]:
    rows = []
    for chunk in _chunks(xs):
        for r in store.select(f"SELECT ?x ?p ?o WHERE {{ VALUES ?x {{ {_values(chunk)} }} ?x ?p ?o "
                              f"FILTER(?p IN (rdf:type, tdo:status, tdo:date)) }}"):
            rows.append({"x": r["x"], {"type": "type", "status": "status", "date": "date"}[local(r["p"])]: r["o"]})
    return _basic(rows)


def evidence_of(store, xs: list[str]) -> dict[str, list[str]]:
    out = defaultdict(set)
    for chunk in _chunks(xs):
        for r in store.select(f"SELECT ?x ?e WHERE {{ VALUES ?x {{ {_values(chunk)} }} ?x tdo:evidence ?e }}"):
            out[r["x"]].add(r["e"])
    return {x: sorted(v) for x, v in out.items()}


# ------------------------------------------------------------------ accord, engagement

@cached
def item(store, iri: str) -> dict | None:
    """An accord or engagement: type, status, date, members, place, topics; each report (one per
    article graph) with what that article says of it (status, date) and its sentences; and, for
    an accord, its history: the accords of the same type between the same states, by date."""
    basic = _item_rows(store, [iri]).get(iri)
    if basic is None or basic["type"] is None:
        return None
    d = item_details(store, [iri])[iri]
    reports = defaultdict(lambda: {"evidence": set(), "status": set(), "date": set(), "articles": set()})
    rows = store.select(
        f"SELECT ?g ?art ?ev ?status ?date WHERE {{ GRAPH ?g {{ {_iri(iri)} a ?type . "
        f"OPTIONAL {{ {_iri(iri)} tdo:reportedIn ?art }} OPTIONAL {{ {_iri(iri)} tdo:evidence ?ev }} "
        f"OPTIONAL {{ {_iri(iri)} tdo:status ?status }} OPTIONAL {{ {_iri(iri)} tdo:date ?date }} }} "
        f"FILTER(!STRSTARTS(STR(?g), \"{GRAPHS}\") || STRSTARTS(STR(?g), \"{CURATED_GRAPHS}\")) }}")
    for r in rows:
        rep = reports[r["g"]]
        for k, v in (("evidence", r["ev"]), ("status", r["status"] and local(r["status"])),
                     ("date", r["date"]), ("articles", r["art"])):
            if v:
                rep[k].add(v)
    titles = article_titles(store, {a for rep in reports.values() for a in rep["articles"]})
    report_list = []
    for g, rep in sorted(reports.items()):
        arts = [{"iri": a, "path": path_of(a), **titles.get(a, {"id": local(a), "title": ""})}
                for a in sorted(rep["articles"])]
        report_list.append({"graph": g, "graph_path": path_of(g), "curated": not arts, "articles": arts,
                            "evidence": sorted(rep["evidence"]), "status": sorted(rep["status"]),
                            "date": sorted(rep["date"])})
    history = []
    states = sorted(states_of(store, [iri]).get(iri, set()))
    if basic["kind"] == "agreement" and len(states) >= 2:
        # accords of the same type naming both states as parties (from the bound end: a nested loop)
        shared = [r["y"] for r in store.select(
            f"SELECT DISTINCT ?y WHERE {{ ?y tdo:party {_iri(states[0])} . ?y tdo:party {_iri(states[1])} . "
            f"?y a tdo:{basic['type']} }}")]
        others = {x: it for x, it in _item_rows(store, shared).items() if it["type"] == basic["type"]}
        if len(others) > 1:
            all_states = states_of(store, list(others))
            history = [h for h in _by_date(others.values(), newest_first=False)
                       if sorted(all_states.get(h["iri"], ())) == states]
            hd = item_details(store, [h["iri"] for h in history])
            for h in history:
                h.update(hd[h["iri"]], current=h["iri"] == iri)
            if len(history) < 2:
                history = []
    snames = labels(store, states)
    statuses = {s for rep in report_list for s in rep["status"]}
    return {**basic, **d, "node": d["label"], "states": [node(s, snames) for s in states],
            "reports": report_list, "history": history, "reports_differ": len(statuses) > 1,
            "evidence": sorted({e for rep in report_list for e in rep["evidence"]})}


# ------------------------------------------------------------------ article

@cached
def article(store, iri: str, text_dirs: tuple = ()) -> dict | None:
    """An article: title, identifiers, home state; what was extracted from it, read from its own
    graph (the same view as ``tdkg extract``: states, topics, people, organisations, places with
    the spelling this article uses, accords and events); its text with the evidence sentences
    marked, when the source file is found in one of ``text_dirs`` with the stored digest."""
    meta = store.select(f"SELECT ?p ?o WHERE {{ GRAPH {_iri(iri)} {{ {_iri(iri)} ?p ?o }} }}")
    if not any(r["o"] == TDO + "Article" for r in meta):
        return None
    one = {local(r["p"]): r["o"] for r in meta}
    many = defaultdict(list)
    for r in meta:
        many[local(r["p"])].append(r["o"])
    ents = store.select(
        f"SELECT ?e ?s ?class ?country ?role WHERE {{ GRAPH {_iri(iri)} {{ ?e skos:hiddenLabel ?s ; a ?class . "
        f"OPTIONAL {{ ?e tdo:country ?country }} OPTIONAL {{ ?e tdo:role ?role }} }} }}")
    people, orgs, places = {}, {}, {}
    for r in ents:
        target = {"Person": people, "Organization": orgs, "Place": places}.get(local(r["class"]))
        if target is None:
            continue
        e = target.setdefault(r["e"], {"iri": r["e"], "path": path_of(r["e"]), "spelling": r["s"],
                                       "country": r["country"], "roles": set()})
        if r["role"]:
            e["roles"].add(r["role"])
    xs = sorted({r["x"] for r in store.select(
        f"SELECT ?x WHERE {{ GRAPH {_iri(iri)} {{ ?x tdo:reportedIn {_iri(iri)} }} }}")})
    said = store.select(
        f"SELECT ?x ?p ?o WHERE {{ GRAPH {_iri(iri)} {{ VALUES ?x {{ {_values(xs)} }} ?x ?p ?o }} }}") if xs else []
    per = defaultdict(lambda: defaultdict(list))
    for r in said:
        per[r["x"]][local(r["p"])].append(r["o"])
    countries = {c for c in (*many["mentions"], *many["home"]) if kind_of(c) == "country"}
    refs = {o for d in per.values() for k in ("party", "participant", "signatory", "location") for o in d[k]}
    names = labels(store, {*people, *orgs, *places, *countries, *refs, *many["subject"], *xs})
    spelled = {e["iri"]: e["spelling"] for e in (*people.values(), *orgs.values(), *places.values())}

    def named(i):
        n = node(i, names)
        if i in spelled:
            n["here"] = spelled[i]
        return n

    items = []
    for x in xs:
        d = per[x]
        t = next((local(t) for t in d["type"] if local(t) in AGREEMENT_TYPES + ENGAGEMENT_TYPES), None)
        items.append({"iri": x, "path": path_of(x), "type": t, "kind": item_kind(t or ""),
                      "status": local(d["status"][0]) if d["status"] else None,
                      "date": d["date"][0] if d["date"] else None,
                      "label": node(x, names),
                      **{k: sorted((named(o) for o in d[k]), key=lambda n: n["text"])
                         for k in ("party", "participant", "signatory", "location")},
                      "evidence": sorted(d["evidence"])})
    items.sort(key=lambda i: (i["kind"], i["iri"]))
    evidence = sorted({e for i in items for e in i["evidence"]})
    source = one.get("sourceFile")
    text = article_text(text_dirs, source, one.get("sha256")) if source else None

    def listed(d):
        return sorted(({**named(e["iri"]), "country": e["country"] and local(e["country"]),
                        "roles": sorted(e["roles"])} for e in d.values()), key=lambda n: n["here"])

    return {
        "node": node(iri, names), "id": one.get("identifier"), "title": one.get("title", ""),
        "source_file": source, "sha256": one.get("sha256"),
        "home": node(one["home"], names) if one.get("home") else None,
        "countries": sorted((node(c, names) | {"iso2": local(c)} for c in countries), key=lambda n: n["iso2"]),
        "topics": sorted((node(t, names) | {"code": local(t)} for t in many["subject"]), key=lambda n: n["code"]),
        "people": listed(people), "organizations": listed(orgs), "places": listed(places),
        "items": items, "evidence": evidence,
        "text": mark(text, evidence) if text is not None else None,
    }


def article_text(dirs, source_file: str, sha256: str | None) -> str | None:
    """The article's text as the loader read it, from the first of ``dirs`` holding its source
    file with the digest the store has (a different file of the same name is not it)."""
    from ..extract.reading import ArticleError, read_article
    name = Path(source_file).name
    for d in dirs:
        path = Path(d) / name
        if not path.is_file():
            continue
        try:
            text = read_article(path)
        except (ArticleError, OSError):
            continue
        if sha256 is None or hashlib.sha256(text.encode("utf-8")).hexdigest() == sha256:
            return text
    return None


_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")


def _plain(text: str) -> tuple[str, list[int]]:
    """The text without harakat and tatweel, each run of whitespace one space, and where each
    of its characters stands in the original (evidence sentences are stored without marks)."""
    out, where, space = [], [], False
    for i, ch in enumerate(text):
        if _MARKS.match(ch):
            continue
        if ch.isspace():
            if space:
                continue
            ch, space = " ", True
        else:
            space = False
        out.append(ch)
        where.append(i)
    return "".join(out), where


def mark(text: str, sentences: list[str]) -> list[list[dict]]:
    """The text as paragraphs of runs ``{"text", "evidence": bool}``: each evidence sentence
    found in it (up to harakat, tatweel and whitespace) is one marked run.

    >>> [[r["evidence"] for r in p] for p in mark("قال: مذكرةُ تفاهمٍ  وُقّعت. ثم انتهى", ["مذكرة تفاهم وقعت."])]
    [[False, True, False]]
    """
    plain, where = _plain(text)
    spans = []
    for s in sentences:
        key = _plain(s)[0].strip()
        k = plain.find(key) if key else -1
        if k < 0:
            continue
        spans.append((where[k], where[k + len(key) - 1] + 1))
    spans.sort()
    merged = []
    for i, j in spans:
        if merged and i <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(j, merged[-1][1]))
        else:
            merged.append((i, j))
    runs, pos = [], 0
    for i, j in merged:
        if i > pos:
            runs.append((text[pos:i], False))
        runs.append((text[i:j], True))
        pos = j
    runs.append((text[pos:], False))
    paragraphs: list[list[dict]] = [[]]
    for chunk, ev in runs:
        parts = re.split(r"\n\s*\n", chunk)
        for k, part in enumerate(parts):
            if k:
                paragraphs.append([])
            if part:
                paragraphs[-1].append({"text": part, "evidence": ev})
    return [p for p in paragraphs if "".join(r["text"] for r in p).strip()]


# ------------------------------------------------------------------ topic

@cached
def topic(store, code: str) -> dict | None:
    """A topic: names and definition, the countries most active on it, its latest items."""
    iri = TOPIC + code
    rows = store.select(f"SELECT ?p ?o (LANG(?o) AS ?lang) WHERE {{ {_iri(iri)} ?p ?o }}")
    if not rows:
        return None
    text = {(local(r["p"]), (r["lang"] or "").lower()): r["o"] for r in rows}
    t = _iri(iri)
    countries = store.select(
        f"SELECT ?c ?n WHERE {{ GRAPH <{TALLY_GRAPH}> {{ ?k tdo:tallyTopic {t} ; a tdo:TopicTally ; "
        f"tdo:tallyState ?c ; tdo:itemCount ?n }} }} ORDER BY DESC(?n) ?c LIMIT 30") if has_tallies(store) else \
        store.select("SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { " + " UNION ".join(
        f"{{ ?x tdo:topic {t} . ?x tdo:{rel} {via} }}" for rel in ("party", "participant")
        for via in ("?c . ?c a tdo:Country .", "?m . ?m tdo:country ?c .")) + " } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 30")
    xs = [r["x"] for r in store.select(f"SELECT ?x WHERE {{ ?x tdo:topic {t} . ?x tdo:date ?d }} "
                                       f"ORDER BY DESC(STR(?d)) ?x LIMIT 20")]
    n = int(store.select(f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x tdo:topic {t} }}")[0]["n"])
    items = _by_date(_item_rows(store, xs).values())
    details = item_details(store, [i["iri"] for i in items])
    for it in items:
        it.update(details[it["iri"]])
    names = labels(store, [iri, *(r["c"] for r in countries)])
    return {"node": node(iri, names), "code": code,
            "ar": text.get(("prefLabel", "ar"), ""), "en": text.get(("prefLabel", "en"), ""),
            "definition_ar": text.get(("definition", "ar"), ""), "definition_en": text.get(("definition", "en"), ""),
            "countries": [node(r["c"], names) | {"iso2": local(r["c"]), "count": int(r["n"])} for r in countries],
            "items": items, "count": n}


# ------------------------------------------------------------------ home

@cached
def home(store, limit: int = 20) -> dict:
    """The home page's lists: the countries the articles name, most named first, and the latest
    accords (dated ones newest first, then the undated)."""
    cs = store.select(
        "SELECT ?c (COUNT(?a) AS ?n) WHERE { ?c a tdo:Country . ?a tdo:mentions ?c } "     # (country first: 20x)
        "GROUP BY ?c ORDER BY DESC(?n) ?c")
    xs = [r["x"] for r in store.select(f"SELECT ?x WHERE {{ ?x tdo:date ?d . ?x tdo:status ?s }} "
                                       f"ORDER BY DESC(STR(?d)) DESC(?x) LIMIT {limit}")]
    if len(xs) < limit:              # then the undated, newest articles' first
        xs += [r["x"] for r in store.select(
            f"SELECT ?x WHERE {{ ?x tdo:status ?s FILTER NOT EXISTS {{ ?x tdo:date ?d }} }} "
            f"ORDER BY DESC(?x) LIMIT {limit - len(xs)}")]
    items = _by_date(_item_rows(store, xs).values())
    details = item_details(store, [i["iri"] for i in items])
    for it in items:
        it.update(details[it["iri"]])
    names = labels(store, [r["c"] for r in cs])
    return {"countries": [node(r["c"], names) | {"iso2": local(r["c"]), "articles": int(r["n"])} for r in cs],
            "latest": items}


# ------------------------------------------------------------------ search

_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _fold_latin(s: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFKD", s)
    return re.sub(r"[^a-z0-9 ]+", "", "".join(c for c in s if not unicodedata.combining(c)).lower())


def _keys(text: str) -> tuple[str, str]:
    """Two match forms of a name: the identity skeleton (Arabic variants fold together) and a
    Latin fold (case, accents and punctuation dropped)."""
    return skeleton(text), " ".join(_fold_latin(text).split())


@cached
def _search_index(store) -> list[tuple[str, str, str, str, str]]:
    """(IRI, kind, shown name, Arabic key, Latin key) for every country, topic, person,
    organisation and place, under every name the graph gives it; built once per state of the
    store (:func:`cached`)."""
    rows = store.select(
        f"SELECT ?x ?l WHERE {{ {{ GRAPH {_iri(ENTITY_GRAPH)} {{ ?x rdfs:label|skos:altLabel ?l }} }} UNION "
        f"{{ GRAPH {_iri(REFERENCE_GRAPH)} {{ {{ ?x a tdo:Country ; rdfs:label|tdo:iso2 ?l }} UNION "
        f"{{ ?x a skos:Concept ; skos:prefLabel|skos:altLabel|skos:notation ?l }} }} }} }}")
    index, keys = [], {}
    for r in rows:
        k = kind_of(r["x"])
        if k:
            label = r["l"]
            if label not in keys:          # an Arabic name needs its skeleton, a Latin one its fold
                keys[label] = (skeleton(label), "") if _ARABIC.search(label) else ("", _keys(label)[1])
            index.append((r["x"], k, label, *keys[label]))
    return index


def search(store, q: str, limit: int = 50) -> list[dict]:
    """Countries, topics, people, organisations and places whose name matches ``q`` under any
    spelling: Arabic through the identity skeleton (أسحاق / إسحق / اسحق fold together), Latin
    (English names, ISO codes, topic codes, transliterations) without case or accents. Whole-name
    matches first, then names that start with it, then names that contain it."""
    ar, latn = _keys(q.strip())
    if not (ar or latn):
        return []
    best: dict[str, tuple[int, str]] = {}
    for iri, kind, name, kar, klat in _search_index(store):
        score = None
        for key, cand in ((ar, kar), (latn, klat)):
            if not key or not cand:
                continue
            if cand == key:
                s = 0
            elif cand.startswith(key) or f" {key}" in f" {cand}":
                s = 1
            elif len(key) >= 2 and key in cand:
                s = 2
            else:
                continue
            score = s if score is None else min(score, s)
        if score is not None and (iri not in best or score < best[iri][0]):
            best[iri] = (score, name)
    order = {"country": 0, "person": 1, "org": 2, "place": 3, "topic": 4}
    hits = sorted(best.items(), key=lambda kv: (kv[1][0], order.get(kind_of(kv[0]), 9), kv[1][1]))[:limit]
    names = labels(store, [h for h, _ in hits])
    return [node(h, names) | {"matched": name, "exact": s == 0} for h, (s, name) in hits]


# ------------------------------------------------------------------ the data twin

def describe_query(iri: str) -> str:
    """A DESCRIBE of one node as a CONSTRUCT: every triple with it as subject or object (in the
    default graph, so each once), and the labels of the nodes those link it to."""
    x = _iri(iri)
    return ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
            f"CONSTRUCT {{ {x} ?p ?o . ?o rdfs:label ?ol . ?s ?q {x} . ?s rdfs:label ?sl }} WHERE {{\n"
            f"  {{ {x} ?p ?o OPTIONAL {{ ?o rdfs:label ?ol }} }}\n"
            f"  UNION {{ ?s ?q {x} OPTIONAL {{ ?s rdfs:label ?sl }} }}\n}}")
