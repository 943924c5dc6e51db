"""Bring a store written by an older tdkg to :data:`~kg.graph.vocab.STORE_LAYOUT`.

Layout 1 (before the default graph held the merge): article graphs gave each entity
the ``rdfs:label`` of their own spelling, and queries read the default graph as the
multiset union of the named graphs. Upgrading, in steps that can each be run again
(an interrupted upgrade is finished by running it again; the layout mark is written
last): each article's entity labels become its spellings (``skos:hiddenLabel``), the
entity graph describes every entity, and the default graph receives every named graph.
"""
from __future__ import annotations

from typing import Callable

from .store import BaseStore
from .vocab import BASE, ENTITY_GRAPH, STORE_GRAPH, STORE_LAYOUT, TALLY_GRAPH, TDO

CHUNK = 200            # graphs per update


def upgrade(store: BaseStore, progress: Callable[[int], object] | None = None) -> str:
    """Upgrade in place; ``progress(total)`` makes a bar with ``update(n)`` and ``close()``."""
    layout = store.layout()
    if layout is None:
        return f"{store!r} is empty: nothing to upgrade"
    if layout >= STORE_LAYOUT:
        return f"{store!r} already has layout {layout}: nothing to do"
    if layout == 2:
        store.rebuild_tallies()
        _mark(store)
        return f"upgraded {store!r} to layout {STORE_LAYOUT}: tallies counted"
    graphs = [g for g in store.named_graphs() if g not in (ENTITY_GRAPH, STORE_GRAPH, TALLY_GRAPH)]
    articles = [g for g in graphs if g.startswith(BASE + "article/")]
    bar = (progress or _NoBar)(len(articles) + len(graphs))
    for i in range(0, len(articles), CHUNK):
        values = " ".join(f"<{g}>" for g in articles[i:i + CHUNK])
        store.update(f"""DELETE {{ GRAPH ?g {{ ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}
            INSERT {{ GRAPH ?g {{ ?x <http://www.w3.org/2004/02/skos/core#hiddenLabel> ?l }} }}
            WHERE {{ VALUES ?g {{ {values} }} VALUES ?t {{ <{TDO}Person> <{TDO}Organization> <{TDO}Place> }}
                     GRAPH ?g {{ ?x a ?t ; <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}""")
        bar.update(len(articles[i:i + CHUNK]))
    entities = sorted({r["x"] for r in store.select(
        "SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x skos:hiddenLabel ?s } }")})
    for i in range(0, len(entities), 500):
        drop_old, write_new = store._entity_writes([], [], also=entities[i:i + 500])
        parts = drop_old + write_new
        if parts:
            store.update(" ;\n".join(parts))
    for i in range(0, len(graphs), CHUNK):
        store.update(" ;\n".join(f"ADD SILENT GRAPH <{g}> TO DEFAULT" for g in graphs[i:i + CHUNK]))
        bar.update(len(graphs[i:i + CHUNK]))
    store.rebuild_tallies()
    _mark(store)
    bar.close()
    return f"upgraded {store!r} to layout {STORE_LAYOUT}: {len(articles):,} articles, {len(entities):,} entities"


def _mark(store: BaseStore) -> None:
    """The layout mark, written last: an interrupted upgrade is run again."""
    store.replace_graphs([(STORE_GRAPH, f"<{STORE_GRAPH}> <{TDO}storeLayout> "
                                        f'"{STORE_LAYOUT}"^^<http://www.w3.org/2001/XMLSchema#integer> .')],
                         count=False)
    store.flush()


class _NoBar:
    def __init__(self, total: int = 0): pass
    def update(self, n): pass
    def close(self): pass
