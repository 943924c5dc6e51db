"""A SPARQL 1.1 server as the store: Virtuoso, Oxigraph server, Fuseki, GraphDB …

For a team's shared, server-grade store (``--store sparql+http://HOST:PORT/sparql``).
Results are parsed into the same objects the embedded store gives (:mod:`kg.graph.oxigraph`).
"""
from __future__ import annotations

import re
import time
from typing import Iterable
from urllib.parse import quote

import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

from . import oxigraph as ox
from .sparql import blank, query_form
from .store import BaseStore, StoreError


class RemoteStore(BaseStore):
    """A SPARQL 1.1 server reached over HTTP (Protocol for queries, Update for writes).

    Queries go as form POSTs (Virtuoso hangs on ``application/sparql-query`` bodies)
    asking for JSON results or N-Triples; typed parameters are bound by escaped
    ``BIND`` clauses; graphs are written by SPARQL Update, or by the Graph Store
    Protocol where its endpoint is given; transient errors (connection, 5xx) are
    retried with backoff. The server's default graph must be the union of its graphs
    (Virtuoso's default; ``oxigraph serve --union-default-graph``).
    """

    RETRIES = (0.5, 1.0, 2.0, 4.0)

    def __init__(self, query_url: str, update_url: str | None = None, *, user: str | None = None,
                 password: str | None = None, auth: str = "basic", timeout: float = 120.0,
                 graph_store_url: str | None = None):
        self.query_url, self.update_url, self.timeout = query_url, update_url or query_url, timeout
        self.graph_store_url = graph_store_url
        self.path = None
        self._http = requests.Session()
        if user:
            if auth not in ("basic", "digest"):
                raise StoreError(f"TDKG_STORE_AUTH={auth}: use basic or digest")
            self._http.auth = (HTTPDigestAuth if auth == "digest" else HTTPBasicAuth)(user, password or "")

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    def _post(self, url: str, data: dict | bytes, accept: str | None = None, method: str = "POST",
              content_type: str | None = None):
        headers = {"Accept": accept} if accept else {}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt, pause in enumerate((0.0, *self.RETRIES)):
            if pause:
                time.sleep(pause)
            try:
                r = self._http.request(method, url, data=data, headers=headers, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as e:
                if attempt == len(self.RETRIES):
                    raise StoreError(f"{url}: {e}") from None
                continue
            if r.status_code >= 500 and attempt < len(self.RETRIES) and not _is_syntax_error(r):
                continue
            if r.status_code >= 400:
                msg = r.content.decode("utf-8", "replace").strip()[:500]
                if r.status_code in (400, 500) and _is_syntax_error(r):
                    raise SyntaxError(msg)
                raise StoreError(f"{url}: HTTP {r.status_code}: {msg}")
            return r
        raise StoreError(f"{url}: no answer after {len(self.RETRIES) + 1} attempts")

    def query(self, sparql: str, substitutions: dict | None = None,
              default_graph: list | None = None, named_graphs: list | None = None,
              base_iri: str | None = None):
        text = bind_values(sparql, substitutions) if substitutions else sparql
        if base_iri:
            text = f"BASE <{base_iri}>\n{text}"
        data: dict = {"query": ascii_escaped(text)}
        if default_graph:
            data["default-graph-uri"] = list(default_graph)
        if named_graphs:
            data["named-graph-uri"] = list(named_graphs)
        form = query_form(sparql)
        if form in ("CONSTRUCT", "DESCRIBE"):
            r = self._post(self.query_url, data, "application/n-triples, text/plain;q=0.5")
            return ox.parse_triples(r.content)
        r = self._post(self.query_url, data, "application/sparql-results+json")
        return ox.parse_results(r.content)

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        text = f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql
        self._post(self.update_url, {"update": text})

    keeps_merge = False      # the server's default graph is the union of its graphs

    def replace_graphs(self, graphs: Iterable[tuple[str, str]], new: frozenset = frozenset(),
                       remove: Iterable[str] = (), count: bool = True) -> None:
        """With a Graph Store Protocol endpoint (``TDKG_GRAPH_STORE``), one ``PUT`` per graph:
        the server replaces it as a unit, from N-Triples it parses natively, then one update
        for the removed graphs, the entity graph and the tallies; else all in one SPARQL Update."""
        if not self.graph_store_url:
            return super().replace_graphs(graphs, new, remove, count)
        graphs, remove = list(graphs), list(remove)
        leaving = [g for g, _ in graphs if g not in new] + remove
        drop_old, write_new = self._entity_writes(graphs, leaving)
        drop_tallies, write_tallies = self._tally_writes(graphs, leaving) if count else ([], [])
        for iri, nt in graphs:
            self._post(f"{self.graph_store_url}?graph={quote(iri, safe='')}", nt.encode("utf-8"),
                       method="PUT", content_type="application/n-triples")
        parts = [p for g in remove for p in self._drop_parts(g)] + drop_old + drop_tallies + write_new + write_tallies
        if parts:
            self.update(" ;\n".join(parts))

    # graphs a server keeps for itself (Virtuoso's schemas, DAV, LDP): not part of our dataset
    SYSTEM_GRAPHS = ("http://www.openlinksw.com/", "http://localhost:8890/", "http://localuriqaserver/",
                     "http://www.w3.org/ns/ldp", "urn:activitystreams-owl", "http://www.w3.org/2002/07/owl",
                     "virtrdf")

    def _ours(self, g: str) -> bool:
        return not any(g.startswith(p) or p in g for p in self.SYSTEM_GRAPHS)

    def named_graphs(self) -> list[str]:
        res = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(g for g in (row["g"].value for row in res) if self._ours(g))

    def _holds_graphs(self) -> bool:
        return bool(self.named_graphs())        # the server's own graphs do not count

    def count(self, graph: str | None = None) -> int:
        if graph is not None:
            return super().count(graph)
        res = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return sum(int(r["n"].value) for r in res if self._ours(r["g"].value))

    def _dump(self, graph: str | None) -> str:
        if graph is None:
            return ""                    # the default graph of a union-default server is not ours
        return self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

    def _construct(self, sparql: str) -> str:
        return ox.serialize(self.query(sparql), ox.RdfFormat.N_TRIPLES).decode("utf-8")


def ascii_escaped(sparql: str) -> str:
    r"""A query with every non-ASCII character as a SPARQL codepoint escape (\uXXXX), which
    servers decode before parsing: Virtuoso 7.2 garbles non-ASCII literals in query text
    ("؛" of a GROUP_CONCAT separator came back as "?").

    >>> ascii_escaped('SELECT * WHERE { ?s ?p "مصر" }')
    'SELECT * WHERE { ?s ?p "\\u0645\\u0635\\u0631" }'
    """
    return "".join(c if ord(c) < 128 else (f"\\u{ord(c):04X}" if ord(c) < 0x10000 else f"\\U{ord(c):08X}")
                   for c in sparql)


def bind_values(sparql: str, substitutions: dict) -> str:
    """Bind variables to RDF terms by BIND clauses opening the WHERE clause.

    The terms are pyoxigraph terms (checked by :mod:`kg.graph.queries`), written in
    N-Triples syntax — never user text pasted into the query. (BIND rather than
    VALUES, and \\u escapes: Virtuoso 7.2 garbles non-ASCII literals in VALUES and BIND.)

    >>> bind_values("SELECT ?x WHERE { ?x ?p ?c }", {ox.variable("c"): ox.iri("http://e/c")})
    'SELECT ?x WHERE { BIND(<http://e/c> AS ?c) ?x ?p ?c }'
    """
    # non-ASCII as \\u escapes: Virtuoso 7.2 garbles bound non-ASCII literals otherwise
    block = ascii_escaped(" ".join(f"BIND({term} AS ?{var.value})" for var, term in substitutions.items()))
    skeleton = blank(sparql)
    m = re.search(r"\bWHERE\s*\{", skeleton, re.I) or re.search(r"\{", skeleton)
    if not m:
        raise SyntaxError("no WHERE clause to bind parameters in")
    return sparql[:m.end()] + " " + block + sparql[m.end():]


def _is_syntax_error(r) -> bool:
    text = r.content[:2000].decode("utf-8", "replace").lower()
    return any(w in text for w in ("syntax error", "parse error", "sp030", "sq074", "error at "))
