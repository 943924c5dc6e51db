"""Layer 2: records -> the RDF of one article (:mod:`.rdf`, IRIs in :mod:`.vocab`); the store
(:mod:`.store`, embedded Oxigraph in :mod:`.oxigraph`, any SPARQL server in :mod:`.remote`);
SPARQL with limits and result formats (:mod:`.sparql`, :mod:`.formats`); saved queries
(:mod:`.queries`). Imports only :mod:`kg.extract` below it.
"""
