"""Layer 3: the SHACL gate in front of the store and readable reports on users' files.
Pure functions over rdflib graphs: the shapes and ontology come from the package
(:mod:`kg.graph.vocab`), the store's context is given by the caller.
"""
from .shacl import (SH, Finding, RdfInputError, Report, json_report, ontology_graph, parse_rdf,
                    read_report, run_shacl, shacl_engine, shapes_graph, text_report, validate,
                    validate_batch)

__all__ = ["SH", "Finding", "RdfInputError", "Report", "json_report", "ontology_graph", "parse_rdf",
           "read_report", "run_shacl", "shacl_engine", "shapes_graph", "text_report", "validate",
           "validate_batch"]
