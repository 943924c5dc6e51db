"""Where the graph lives: one interface, two backends — code above it does not know which.

- :class:`kg.graph.oxigraph.Store`, the default: an embedded, on-disk Oxigraph database.
  Why Oxigraph: a real SPARQL 1.1 engine, transactional and on disk, 10–100× faster than
  rdflib's own engine on the aggregates analysts run (``../shared/notes/stack-baselines.md``).
- :class:`kg.graph.remote.RemoteStore`: any SPARQL 1.1 server reached by the Protocol and
  Update (Virtuoso, Oxigraph server, Fuseki, GraphDB …), for a team's shared, server-grade
  store. Results come back as the same objects the embedded store gives.

This module holds what both share, written once on SPARQL (:class:`BaseStore`), and
:func:`open_store`, which picks the backend.

One named graph per article, one for the entities' descriptions (:mod:`.entities`),
one for the reference data. Queries that name no graph see the union of all graphs, as
CONTRACT.md requires, read as RDF merge: each distinct triple once. The embedded store
keeps its default graph as that merge (every write maintains it); a remote store's
server makes its default graph the union. :meth:`replace_graphs` drops and inserts a
batch of article graphs, and rewrites what they change there, in one update request (one transaction on the embedded store), so a crash or
a ``kill -9`` leaves every article either wholly stored or absent. Example::

    store = open_store("tdkg-store")
    store = open_store("sparql+http://127.0.0.1:8890/sparql")
"""
from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

from rdflib import Dataset, Graph, URIRef

from . import entities, tallies, vocab
from .rdf import bind_prefixes, country_graph
from .vocab import ENTITY_GRAPH, PREFIXES, REFERENCE_GRAPH, STORE_GRAPH, STORE_LAYOUT, TALLY_GRAPH, ontology_file

DEFAULT_STORE = "tdkg-store"


class StoreError(RuntimeError):
    pass


def store_path(cli_value: str | None = None) -> str:
    return cli_value or os.environ.get("TDKG_STORE") or DEFAULT_STORE


def is_remote(spec: str) -> bool:
    return spec.startswith(("sparql+http://", "sparql+https://"))


def open_store(spec: str | None = None, *, read_only: bool = False, update_endpoint: str | None = None,
               graph_store: str | None = None, check: bool = True):
    """The store a ``--store``/``TDKG_STORE`` value names: a folder, or ``sparql+http(s)://…``.

    For a remote store the update endpoint comes from ``update_endpoint`` or
    ``TDKG_UPDATE_ENDPOINT`` (default: the query endpoint), graphs are written through the
    Graph Store Protocol where ``graph_store`` or ``TDKG_GRAPH_STORE`` names its endpoint,
    credentials only from the environment: ``TDKG_STORE_USER``, ``TDKG_STORE_PASSWORD``,
    ``TDKG_STORE_AUTH=basic|digest``.
    """
    spec = store_path(spec)
    if is_remote(spec):
        from .remote import RemoteStore      # the backends subclass BaseStore: imported here
        url = spec[len("sparql+"):]
        return RemoteStore(url, update_endpoint or os.environ.get("TDKG_UPDATE_ENDPOINT") or url,
                           user=os.environ.get("TDKG_STORE_USER"),
                           password=os.environ.get("TDKG_STORE_PASSWORD"),
                           auth=os.environ.get("TDKG_STORE_AUTH", "basic"),
                           graph_store_url=graph_store or os.environ.get("TDKG_GRAPH_STORE") or None)
    if read_only and not Path(spec).exists():
        raise StoreError(f"no store at {spec}: run 'tdkg load data/articles' first")
    from .oxigraph import Store
    store = Store(spec, read_only=read_only)
    if check:
        store.check_layout()          # one line for a store an older tdkg wrote ('tdkg upgrade')
    return store


def memory_store() -> "BaseStore":
    """An empty embedded store in memory (tests, a server with no store folder)."""
    from .oxigraph import Store
    return Store(None)


def reference_graph() -> Graph:
    """Ontology, topic scheme and every country of the gazetteer, as one graph."""
    g = bind_prefixes(Graph(identifier=URIRef(REFERENCE_GRAPH)))
    for name in ("tdkg.ttl", "topics.ttl"):
        g.parse(ontology_file(name), format="turtle")
    g += country_graph()
    return g


def ntriples(g: Graph) -> str:
    return g.serialize(format="nt")


class BaseStore:
    """What every backend offers; the generic parts are written once, on SPARQL."""

    # ------------------------------------------------------------ backend primitives
    def query(self, sparql: str, substitutions: dict | None = None,
              default_graph: list | None = None, named_graphs: list | None = None,
              base_iri: str | None = None):
        raise NotImplementedError

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        raise NotImplementedError

    def named_graphs(self) -> list[str]:
        raise NotImplementedError

    def _dump(self, graph: str | None) -> str:
        """One graph (None: the default graph) as N-Triples text."""
        raise NotImplementedError

    def _construct(self, sparql: str) -> str:
        """The triples of a CONSTRUCT over the named graphs (no union), as N-Triples text."""
        raise NotImplementedError

    def flush(self) -> None:
        pass

    # ------------------------------------------------------------ writing
    #: The default graph is the merge of the named graphs, kept by every write (the
    #: embedded store). A remote store's server makes its default graph the union itself.
    keeps_merge = True

    def replace_graphs(self, graphs: Iterable[tuple[str, str]], new: frozenset = frozenset(),
                       remove: Iterable[str] = (), count: bool = True) -> None:
        """Replace named graphs and remove others as a unit: ``(graph IRI, N-Triples text)``
        pairs, one update request (one transaction on the embedded store).

        The same request keeps the default graph the merge of the named graphs (a triple
        leaves it when no other graph still holds it) and rewrites the entity graph's
        description of every entity the graphs spell, before or after (:mod:`.entities`),
        and moves the tallies of the accords and engagements they touch (:mod:`.tallies`;
        ``count=False`` leaves them, for an upgrade that rebuilds them at the end).
        Graphs in ``new`` are known not to be stored yet: nothing is dropped for them (a
        server like Virtuoso pays for every ``DROP SILENT GRAPH``).
        """
        graphs = [(iri, nt) for iri, nt in graphs]
        leaving = [iri for iri, _ in graphs if iri not in new] + [g for g in remove]
        parts = []
        for iri in leaving:
            parts += self._drop_parts(iri)
        drop_old, write_new = self._entity_writes(graphs, leaving)   # read before anything is written
        drop_tallies, write_tallies = self._tally_writes(graphs, leaving) if count else ([], [])
        parts += drop_old + drop_tallies   # before the inserts: Oxigraph reads what a transaction wrote slower
        for iri, nt in graphs:
            parts += self._insert_parts(iri, nt)
        parts += write_new + write_tallies
        if parts:
            self.update(" ;\n".join(parts))

    def _drop_parts(self, iri: str) -> list[str]:
        unmerge = (f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} "
                   f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != <{iri}>) }} }}")
        return ([unmerge] if self.keeps_merge else []) + [f"DROP SILENT GRAPH <{iri}>"]

    def _insert_parts(self, iri: str, nt: str, merge: bool = True) -> list[str]:
        """INSERT operations for one graph's N-Triples, into the default graph as well when
        the store keeps the merge (the same text twice: parsing it again costs less than
        Oxigraph's ``ADD … TO DEFAULT``, measured in bench/model.py)."""
        parts = []
        lines = nt.splitlines()
        plain = [l for l in lines if l.strip() and "_:" not in l]
        blank = [l for l in lines if "_:" in l]
        also = self.keeps_merge and merge
        for i in range(0, len(plain), 1000):      # servers limit the size of one operation
            body = "\n".join(plain[i:i + 1000])
            parts.append(f"INSERT DATA {{ GRAPH <{iri}> {{\n{body}\n}}" + (f"\n{body}\n}}" if also else " }"))
        if blank:
            # blank nodes (the ontology's owl:unionOf lists) may not stand in INSERT DATA on
            # every server (Virtuoso): a template with an empty WHERE makes them, the same
            # nodes in both graphs of one template
            body = "\n".join(blank)
            parts.append(f"INSERT {{ GRAPH <{iri}> {{\n{body}\n}}" + (f"\n{body}\n}}" if also else " }")
                         + " WHERE {}")
        return parts

    def _entity_writes(self, graphs: list[tuple[str, str]], leaving: list[str],
                       also: Iterable[str] = ()) -> tuple[list[str], list[str]]:
        """The update operations that rewrite the entity graph's descriptions of the entities
        the written or leaving graphs name (and ``also``), as the store will be after the write:
        those that delete the old descriptions, and those that insert the new."""
        named = set(also)
        for _, nt in graphs:
            named |= entities.named_in(nt)
        left = self._named_in_graphs(leaving) if leaving else set()
        named |= left
        if not named:
            return [], []
        touched = sorted(named)
        spellings: dict[str, Counter] = defaultdict(Counter)
        labelled: set[str] = set()
        for i in range(0, len(touched), 500):
            chunk = touched[i:i + 500]
            for r in self.select(entities.spellings_query(chunk, leaving)):
                spellings[r["x"]][r["s"]] += int(r["n"])
            labelled |= {r["x"] for r in self.select(entities.curated_labels_query(chunk, leaving))}
        # the entity graph holds a description only of entities some stored graph names: the
        # others are new, and deleting nothing for them is most of a fresh load's entity work
        described = sorted(set(spellings) | labelled | left | set(also))
        for iri, nt in graphs:
            for x, spelling in entities.spellings_in(nt):
                spellings[x][spelling] += 1
            labelled |= entities.labelled_in(nt)
        lines = [line for x in touched for line in entities.description(x, spellings[x], x in labelled)]
        parts = []
        for i in range(0, len(described), 500):
            values = " ".join(f"<{x}>" for x in described[i:i + 500])
            if self.keeps_merge:
                parts.append(f"DELETE {{ ?x ?p ?o }} WHERE {{ VALUES ?x {{ {values} }} "
                             f"GRAPH <{ENTITY_GRAPH}> {{ ?x ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?h "
                             f"{{ ?x ?p ?o }} FILTER(?h != <{ENTITY_GRAPH}>) }} }}")
            parts.append(f"DELETE {{ GRAPH <{ENTITY_GRAPH}> {{ ?x ?p ?o }} }} WHERE {{ VALUES ?x "
                         f"{{ {values} }} GRAPH <{ENTITY_GRAPH}> {{ ?x ?p ?o }} }}")
        return parts, self._data("INSERT", ENTITY_GRAPH, lines)

    def _tally_writes(self, graphs: list[tuple[str, str]], leaving: list[str]) -> tuple[list[str], list[str]]:
        """The update operations that move the tallies of the items the write touches: those
        that delete the touched tally nodes, and those that insert them with their new counts."""
        items, stated = tallies.touched(self.select, graphs, leaving)
        before, after, changed = tallies.item_facts(self.select, items, stated, graphs, leaving)
        more = tallies.items_of(self.select, changed) - items if changed else set()
        if more:           # a member's state changed: its items elsewhere move as well
            b, a, _ = tallies.item_facts(self.select, more, (), graphs, leaving)
            before.update(b)
            after.update(a)
        change = tallies.delta(before, after)
        states = lambda facts, x: facts[x].states if x in facts else frozenset()
        moved = {x for x in set(before) | set(after) if states(before, x) != states(after, x)}
        old_lines = {l for ls in tallies.involvement(moved, before).values() for l in ls}
        new_lines = {l for ls in tallies.involvement(moved, after).values() for l in ls}
        if change:
            was = tallies.stored(self.select, change)         # every measure of the pairs it moves
            counts = tallies.moved(was, change)
            old_lines |= {l for ls in tallies.description({k: was[k] for k in counts}).values() for l in ls}
            new_lines |= {l for ls in tallies.description(counts).values() for l in ls}
        return self._data_parts(TALLY_GRAPH, sorted(old_lines - new_lines), sorted(new_lines - old_lines))

    def _data_parts(self, graph: str, gone: list[str], added: list[str]) -> tuple[list[str], list[str]]:
        """DELETE DATA and INSERT DATA of exact triples in ``graph`` (and the merge): a tally
        moves by its count triples alone, with no pattern to evaluate in the transaction."""
        return self._data("DELETE", graph, gone), self._data("INSERT", graph, added)

    def _data(self, verb: str, graph: str, lines: list[str]) -> list[str]:
        """``verb`` DATA operations for N-Triples lines of ``graph``, in the merge as well when the
        store keeps it; 1,000 lines each (servers limit the size of one operation)."""
        out = []
        for i in range(0, len(lines), 1000):
            body = "\n".join(lines[i:i + 1000])
            out.append(f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} " + (f"{body}\n}}" if self.keeps_merge else "}"))
        return out

    def rebuild_tallies(self) -> None:
        """Count the tallies from scratch over the whole store (an upgrade; a repair)."""
        self.replace_graphs([(TALLY_GRAPH, tallies.rebuild(self.select))], count=False)

    def _named_in_graphs(self, graphs: list[str]) -> set[str]:
        """The entities stored graphs spell or label (their descriptions change when they go)."""
        out = set()
        for i in range(0, len(graphs), 200):
            values = " ".join(f"<{g}>" for g in graphs[i:i + 200])
            rows = self.select(f"SELECT DISTINCT ?x WHERE {{ VALUES ?g {{ {values} }} "
                               f"GRAPH ?g {{ ?x skos:hiddenLabel|rdfs:label ?l }} }}")
            out |= {r["x"] for r in rows if r["x"].startswith(entities.ENTITY_PREFIXES)}
        return out

    def replace_graph(self, g: Graph) -> None:
        self.replace_graphs([(str(g.identifier), ntriples(g))])

    def remove_graphs(self, iris: Iterable[str]) -> None:
        """Remove named graphs as a unit; what only they said leaves the default graph and
        the entity graph."""
        self.replace_graphs([], remove=list(iris))

    def ensure_reference(self) -> None:
        """(Re)write the reference graph (ontology, topics, countries) when it changed,
        so SPARQL over the store alone answers subclass questions; mark the store's layout."""
        fresh = self.layout() is None
        g = reference_graph()
        if len(g) != self.count(REFERENCE_GRAPH):
            self.replace_graph(g)
        if fresh:
            self.replace_graphs([(STORE_GRAPH, f"<{STORE_GRAPH}> <{vocab.TDO}storeLayout> "
                                               f'"{STORE_LAYOUT}"^^<http://www.w3.org/2001/XMLSchema#integer> .')])

    def layout(self) -> int | None:
        """The layout version a store was written with: None for an empty store, 1 for one
        written before :data:`STORE_LAYOUT` 2 (no merged default graph)."""
        rows = self.select(f"SELECT ?v WHERE {{ GRAPH <{STORE_GRAPH}> {{ ?s tdo:storeLayout ?v }} }}")
        if rows:
            return int(rows[0]["v"])
        return 1 if self._holds_graphs() else None

    def _holds_graphs(self) -> bool:
        return bool(self.query("ASK { GRAPH ?g { ?s ?p ?o } }"))

    def check_layout(self) -> None:
        """StoreError, in one line, for a store an older tdkg wrote."""
        layout = self.layout()
        if self.keeps_merge and layout == 1:
            raise StoreError(f"{self!r} was written by an older tdkg (before its default graph held the "
                             f"merge of the article graphs): run 'tdkg upgrade' on it, or rebuild it")
        if layout == 2:
            raise StoreError(f"{self!r} was written by an older tdkg (before it kept pair and topic "
                             f"tallies): run 'tdkg upgrade' on it, or rebuild it")

    def guarded_update(self, sparql: str, check, base_iri: str | None = None) -> object | None:
        """Run a user's update, then ``check(graph, context=…)`` each named graph it changed, in
        the context the store gives the nodes it names once the update is written
        (:meth:`context_of`: every hop out, the graph's previous version left out, the entity
        graph's labels as the write leaves them).

        The update may write only named graphs, named by IRI (no ``GRAPH ?g``, no writes to
        the default graph, which tdkg keeps as the merge, nor to the entity and reference
        graphs); :func:`written_graphs` tells which. If a check fails those graphs are put
        back as they were and the failing report is returned; else the new contents are
        written through :meth:`replace_graphs`, which keeps the default and entity graphs
        right, and None is returned. Callers run guarded updates one at a time.
        """
        graphs = written_graphs(sparql, base_iri)
        stored = set(self.named_graphs())
        if EVERY_GRAPH in graphs:
            graphs = sorted(stored | {g for g in graphs if g != EVERY_GRAPH})
        before = {g: self._dump(g) for g in graphs if g in stored}
        self.update(sparql, base_iri=base_iri)
        after = {g: self._dump(g) for g in graphs}
        failed = None
        for g in graphs:
            if after[g].strip() and after[g] != before.get(g):
                data = Graph().parse(data=after[g], format="nt")
                # the store as the write leaves it: the graph's new contents in place of its old
                report = check(data, context=self.context_of(data, skip=g, replacing=data))
                if not report.conforms:
                    failed = report
                    break
        undo = []                                    # back to before, as the raw update left it
        for g in graphs:
            undo.append(f"DROP SILENT GRAPH <{g}>")
            undo += self._insert_parts(g, before.get(g, ""), merge=False)
        self.update(" ;\n".join(undo))
        if failed is None:
            changed = [(g, after[g]) for g in graphs if after[g] != before.get(g) and after[g].strip()]
            gone = [g for g in graphs if g in before and not after[g].strip()]
            self.replace_graphs(changed, new=frozenset(g for g, _ in changed if g not in before), remove=gone)
        return failed

    # ------------------------------------------------------------ reading
    def select(self, sparql: str, substitutions: dict | None = None) -> list[dict]:
        """SELECT rows as dicts of Python strings (for the CLI and tests)."""
        res = self.query(PREFIXES + sparql, substitutions)
        names = [v.value for v in res.variables]
        return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in res]

    def count(self, graph: str | None = None) -> int:
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}" if graph \
            else "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        return int(next(iter(self.query(q)))["n"].value)

    def article_hashes(self) -> dict[str, str]:
        """Article graph IRI -> sha256 of the text stored for it."""
        rows = self.select("SELECT ?g ?h WHERE { GRAPH ?g { ?a a tdo:Article ; tdo:sha256 ?h } }")
        return {r["g"]: r["h"] for r in rows}

    def context_of(self, data: Graph, skip: str | None = None, replacing: Graph | None = None) -> Graph:
        """What the store says about the IRIs ``data`` names, and about the IRIs that says
        something of, every hop out until nothing new is reached: the context a user's RDF is
        validated in (``/validate``, a guarded update, a curated file: one walk for all three).

        The store's links run one way (accord → article → actor → country), so the walk ends
        after a few hops (at most :data:`CONTEXT_MAX_HOPS`). It reads every named graph but the
        derived ones (:data:`DERIVED_GRAPHS`: reference data the gate has from the package,
        tallies, the store's own marks, the entity graph) and ``skip``. The entity graph's
        descriptions of the entities reached are added as they will be once ``replacing`` is
        stored as graph ``skip`` (``replacing`` None: as the stored graphs give them), so an
        entity's label is the one the write will leave it: a curated ``rdfs:label`` replaces
        the label the articles' spellings give."""
        excluded = ", ".join(f"<{g}>" for g in ((skip,) if skip else ()) + DERIVED_GRAPHS)
        ctx = Graph()
        seen: set = set()
        frontier = _walkable(set(data.subjects()) | set(data.objects()))
        for _ in range(CONTEXT_MAX_HOPS):
            todo = sorted(frontier - seen, key=str)
            if not todo:
                break
            seen |= set(todo)
            step = Graph()
            for i in range(0, len(todo), 200):
                values = " ".join(f"<{n}>" for n in todo[i:i + 200])
                step.parse(data=self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} "
                                                f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({excluded})) }}"),
                           format="nt")
            ctx += step
            frontier = _walkable(set(step.objects()))
        described = sorted({str(n) for n in seen if str(n).startswith(entities.ENTITY_PREFIXES)})
        for line in self._entity_lines(described, replacing, skip):
            ctx.parse(data=line, format="nt")
        return ctx

    def _entity_lines(self, iris: list[str], data: Graph | None, graph: str | None) -> list[str]:
        """The entity graph's lines for these entities once ``data`` replaced named graph
        ``graph``: the spellings and curated labels of the other graphs, and ``data``'s own
        (no ``data``: as the stored graphs give them)."""
        if not iris:
            return []
        leaving = [graph] if graph else []
        spellings: dict[str, Counter] = {x: Counter() for x in iris}
        labelled: set[str] = set()
        for i in range(0, len(iris), 500):
            chunk = iris[i:i + 500]
            for r in self.select(entities.spellings_query(chunk, leaving)):
                spellings[r["x"]][r["s"]] += int(r["n"])
            labelled |= {r["x"] for r in self.select(entities.curated_labels_query(chunk, leaving))}
        if data is not None:
            nt = data.serialize(format="nt")
            for x, spelling in entities.spellings_in(nt):
                if x in spellings:
                    spellings[x][spelling] += 1
            labelled |= entities.labelled_in(nt)
        return [line for x in iris for line in entities.description(x, spellings[x], x in labelled)]

    def graph_ntriples(self, iri: str) -> set[str]:
        """The triples of one named graph as a set of N-Triples lines (for comparisons)."""
        return {line for line in self._dump(iri).splitlines() if line.strip()}

    def export(self, fmt: str, out) -> None:
        """Write the store to a binary file: a dataset format (nq, trig, jsonld) holds the named
        graphs, the others (ttl, nt, xml) the default graph: the merge, each triple once."""
        from .formats import by_name, names
        f = by_name(fmt, results=False)
        if f is None:
            raise StoreError(f"unknown export format {fmt!r}; one of {', '.join(names(results=False))}")
        if f.key == "nquads":        # as the store writes them: blank node labels kept
            for g in self.named_graphs():
                out.write("".join(line[:-1].rstrip() + f" <{g}> .\n"
                                  for line in self._dump(g).splitlines() if line.strip()).encode("utf-8"))
            return
        if f.is_dataset:
            ds = bind_prefixes(Dataset())
            for g in self.named_graphs():
                ds.graph(URIRef(g)).parse(data=self._dump(g), format="nt")
            out.write(ds.serialize(format=f.rdflib, encoding="utf-8"))
            return
        merge = bind_prefixes(Graph())
        for g in [None] if self.keeps_merge else self.named_graphs():
            merge.parse(data=self._dump(g), format="nt")
        out.write(merge.serialize(format=f.rdflib, encoding="utf-8"))

    def stats(self) -> dict[str, int]:
        """Counts by class (subclasses included), triples and graphs."""
        out = {}
        for key, cls in (("articles", "Article"), ("persons", "Person"), ("organizations", "Organization"),
                         ("agreements", "Agreement"), ("engagements", "Engagement"), ("places", "Place")):
            q = (f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ?t . "
                 f"?t rdfs:subClassOf* tdo:{cls} }}")
            out[key] = int(self.select(q)[0]["n"])
        out["countries"] = int(self.select(
            "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?a tdo:mentions ?c . ?c a tdo:Country }")[0]["n"])
        out["triples"] = self.count()
        out["graphs"] = len(self.named_graphs())
        return out

    def version(self) -> object:
        """An opaque, hashable value that changes whenever the store's content may have changed:
        two calls give equal values only if no write came between them, from this process or
        (for the embedded store) another one — key caches on it (``cache[(store.version(), key)]``).

        Cheap: the embedded store counts its own writes and, opened read-only, compares a
        fingerprint of its folder at most once a second (:meth:`kg.graph.oxigraph.Store.version`),
        so another process's load shows within about a second of its end. This default, for backends that
        cannot tell without a query (a remote server others write to), gives a new value at every
        call: never stale, and never a cache hit."""
        return object()


class UpdateRefused(SyntaxError):
    """A user's update that tdkg will not run: it writes a graph it cannot name beforehand,
    the default graph (kept as the merge) or one of tdkg's own graphs. (A SyntaxError, so
    callers answer it like a malformed update: HTTP 400.)"""


OWN_GRAPHS = (REFERENCE_GRAPH, ENTITY_GRAPH, STORE_GRAPH, TALLY_GRAPH)
#: The graphs :meth:`BaseStore.context_of` does not read: derived from the others (the entity
#: graph's descriptions it recomputes), or given to the gate by the package (ontology, topics,
#: countries).
DERIVED_GRAPHS = (REFERENCE_GRAPH, STORE_GRAPH, TALLY_GRAPH, ENTITY_GRAPH)
#: A bound on the context walk, never reached by the store's one-way links.
CONTEXT_MAX_HOPS = 50


def _walkable(nodes) -> set:
    """The IRIs among ``nodes`` that can stand in a query's VALUES."""
    return {n for n in nodes if isinstance(n, URIRef) and ">" not in str(n) and " " not in str(n)}
EVERY_GRAPH = "*"          # in written_graphs: CLEAR/DROP ALL or NAMED, every stored graph


def written_graphs(update: str, base_iri: str | None = None) -> list[str]:
    """The named graphs a SPARQL Update writes, read from its parsed form (prefixed names and
    WITH resolved); UpdateRefused for ``GRAPH ?g`` in a template, writes to the default
    graph, LOAD, and writes to tdkg's own graphs. ``CLEAR``/``DROP ALL`` (or ``NAMED``) give
    :data:`EVERY_GRAPH`: they empty the store, tdkg's graphs included.

    >>> written_graphs("PREFIX c: <http://e/> INSERT DATA { GRAPH c:g { <http://e/a> <http://e/b> 1 } }")
    ['http://e/g']
    """
    import warnings
    try:
        with warnings.catch_warnings():      # pyparsing >= 3.3's renaming notices in rdflib's parser
            warnings.simplefilter("ignore")
            from rdflib.plugins.sparql.algebra import translateUpdate
            from rdflib.plugins.sparql.parser import parseUpdate
            ops = translateUpdate(parseUpdate(update), base=base_iri).algebra
    except RecursionError:
        raise UpdateRefused("the update is nested too deeply") from None
    except Exception as e:    # pyparsing and rdflib raise many types; all mean "not parseable"
        raise UpdateRefused(" ".join(str(e).split())[:300] or type(e).__name__) from None
    out: list[str] = []

    def graph(term, what: str) -> None:
        if not isinstance(term, URIRef):
            target = "the default graph" if term in (None, "DEFAULT") else f"graph {term}"
            raise UpdateRefused(f"{what} writes {target}: updates must name (by IRI) each graph they "
                                f"write; the default graph is the merge of the named graphs, kept by tdkg")
        if str(term) in OWN_GRAPHS:
            raise UpdateRefused(f"{what} writes <{term}>, which tdkg keeps itself")
        if str(term) not in out:
            out.append(str(term))

    for op in ops:
        name = op.name
        if name == "Load":
            raise UpdateRefused("LOAD is not allowed: tdkg fetches no other URLs")
        if name in ("InsertData", "DeleteData", "DeleteWhere"):
            templates = [op]
        elif name == "Modify":
            templates = [op[k] for k in ("delete", "insert") if k in op and op[k] is not None]
        else:
            templates = []
        for t in templates:      # rdflib's CompValue: a dict (its .get takes other arguments)
            for g in (t["quads"] if "quads" in t and t["quads"] else {}):
                graph(g, name)
            if "triples" in t and t["triples"]:
                graph(op["withClause"] if "withClause" in op else None, name)
        if name in ("Clear", "Drop") and op.graphiri in ("ALL", "NAMED"):
            out.append(EVERY_GRAPH)              # the default graph follows the named ones
        elif name in ("Clear", "Drop", "Create"):
            graph(op.graphiri, name.upper())
        if name in ("Add", "Copy", "Move"):
            source, target = op.graph
            graph(target, name.upper())
            if name == "Move":
                graph(source, name.upper())
    return out
