"""Layer 3: the SHACL gate in front of the store and readable reports on users' files.
Pure functions over rdflib graphs: the shapes and ontology come from the package
(:mod:`kg.graph.vocab`), the store's context is given by the caller.

- :mod:`.engine` — :func:`run_shacl`, the one call to the engine (pyshacl, or pyrudof);
- :mod:`.patches` — what plain pyrudof does not find as pyshacl does, one unit each;
- :mod:`.gate` — :func:`validate`, :func:`validate_batch`: our shapes on the data, with
  the states it names, the store's context and the ontology;
- :mod:`.report` — writing and reading sh:ValidationReport graphs, text and JSON;
- :mod:`.inputs` — users' RDF files (:func:`parse_rdf`, :class:`RdfInputError`);
- :mod:`.curation` — a curated file judged as the store will be after its load (it reads
  the context from the store it is given: :func:`~.curation.validate_curated`).
"""
from .engine import run_shacl, shacl_engine
from .gate import ontology_graph, shapes_graph, validate, validate_batch
from .inputs import RdfInputError, parse_rdf
from .report import SH, Finding, Report, json_report, read_report, text_report

__all__ = ["SH", "Finding", "RdfInputError", "Report", "json_report", "ontology_graph", "parse_rdf",
           "read_report", "run_shacl", "shacl_engine", "shapes_graph", "text_report", "validate",
           "validate_batch"]
