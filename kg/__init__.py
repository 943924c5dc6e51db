"""tdkg: Arabic news on technology cooperation between states, as a validated, queryable graph.

The code is four layers, each a package that imports only the layers below it
(``tests/test_layers.py`` fails the suite when one reaches up):

- :mod:`kg.extract`  article text -> cleaned text -> extraction records (plain dataclasses, no RDF)
- :mod:`kg.graph`    records -> the RDF of one article; the store, SPARQL, saved queries
- :mod:`kg.validate` the SHACL gate in front of the store, and reports on users' files
- :mod:`kg.analysis` networks, centrality, GEXF and pictures, read from the store

:mod:`kg.loader` drives the flow (files -> extract -> RDF -> SHACL gate -> store) and
:mod:`kg.cli` is the ``tdkg`` command on top; ``server/`` is the HTTP face beside it.
"""
