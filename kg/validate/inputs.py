"""Users' RDF files: parsed by extension, or an error that names the file, line and column."""
from __future__ import annotations

import re
from pathlib import Path

from rdflib import Dataset, Graph

INPUT_FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt", ".nq": "nquads",
                 ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml",
                 ".owl": "xml", ".n3": "n3"}


class RdfInputError(ValueError):
    """A file that cannot be parsed as RDF; str() names the file, line and column."""


def parse_rdf(path: str | Path, fmt: str | None = None) -> Graph:
    """Parse an RDF file by its extension (or ``fmt``); RdfInputError names file, line, column.
    The graphs of a dataset (N-Quads, TriG) are merged."""
    path = Path(path)
    fmt = fmt or INPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RdfInputError(f"{path}: unknown RDF format (extension {path.suffix or 'none'}); "
                            f"use --input-format (turtle, nt, nquads, trig, json-ld, xml)")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise RdfInputError(f"{path}: cannot read file ({e.strerror})") from None
    g = Graph()
    try:
        if fmt in ("nquads", "trig"):
            ds = Dataset()
            ds.parse(data=data, format=fmt)
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
        else:
            g.parse(data=data, format=fmt)
    except Exception as e:  # rdflib raises many types; all mean "not parseable"
        raise RdfInputError(f"{path}: {_where(e)}not valid {fmt}: {_first_line(e)}") from None
    return g


def _first_line(e: Exception) -> str:
    """The parser's message on one line, without rdflib's 'at line N of <>:' preamble."""
    text = " ".join(l.strip() for l in str(e).strip().splitlines() if l.strip())
    text = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", text)
    return text[:300] or type(e).__name__


def _where(e: Exception) -> str:
    """'line 3, column 7: ' from the parser's message where it gives one."""
    text = str(e)
    m = re.search(r"line[ :]*(\d+)(?:.{0,20}?(?:column|col|char)[ :]*(\d+))?", text, re.I | re.S)
    if m:
        return f"line {m.group(1)}" + (f", column {m.group(2)}" if m.group(2) else "") + ": "
    m = re.search(r"at line (\d+)", text)
    return f"line {m.group(1)}: " if m else ""
