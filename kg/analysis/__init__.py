"""Layer 3: networks read from the store (:mod:`.network`), centrality (:mod:`.measures`),
GEXF and CSV for Gephi (:mod:`.gexf`), pictures (:mod:`.plot`). Imports :mod:`kg.graph` only
through the store object it is given.
"""
