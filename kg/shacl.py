"""SHACL: the gate in front of the store, and readable reports on users' files.

pyshacl is the reference engine. It has a large fixed cost per call, so the
loader validates a *batch* of article graphs in one call and only re-checks
them one by one when the batch fails, to name the culprits
(``../shared/notes/stack-baselines.md``: ~1,500 triples/s, throughput grows
with batch size). Data graphs are plain in-memory rdflib graphs: pyshacl over
an Oxigraph-backed graph gives wrong results.

:func:`run_shacl` is the one call to the engine — the CLI, the loader, the
endpoint and the W3C SHACL core tests all go through it.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from .store import ONTOLOGY_DIR

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = ("Violation", "Warning", "Info")
INPUT_FORMATS = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt", ".nq": "nquads",
                 ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".xml": "xml",
                 ".owl": "xml", ".n3": "n3"}


@dataclass
class Finding:
    severity: str          # Violation | Warning | Info
    focus: str
    path: str
    value: str
    message: str
    shape: str
    component: str = ""


@dataclass
class Report:
    conforms: bool                      # no Violation (warnings allowed)
    findings: list[Finding] = field(default_factory=list)
    graph: Graph | None = None          # the standard sh:ValidationReport

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Warning"]


class RdfInputError(ValueError):
    """A file that cannot be parsed as RDF; str() names the file, line and column."""


@lru_cache(maxsize=1)
def shapes_graph() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")


@lru_cache(maxsize=1)
def ontology_graph() -> Graph:
    g = Graph()
    for name in ("tdkg.ttl", "topics.ttl"):
        g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


@lru_cache(maxsize=1)
def _countries() -> Graph:
    from .rdf import country_graph
    return country_graph()


def run_shacl(data: Graph, shapes: Graph, ont: Graph | None = None) -> tuple[bool, Graph]:
    """The one call to the SHACL engine: (conforms, sh:ValidationReport graph)."""
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ont, inference="none", allow_warnings=False, advanced=True)
    return conforms, report


def validate(data: Graph, lang: str = "en", context: Graph | None = None) -> Report:
    """Validate a data graph against our shapes, with the ontology and topics mixed in.

    The states the data refers to are described from the gazetteer (as the store's
    reference graph describes them); ``context`` adds what the store knows about
    other nodes the data refers to. Findings about context nodes are not reported.
    """
    from .rdf import COUNTRY
    full = Graph()
    full += data
    for node in {o for o in data.objects() if str(o).startswith(str(COUNTRY))}:
        for t in _countries().triples((node, None, None)):
            full.add(t)
    if context is not None:
        full += context
    _conforms, report = run_shacl(full, shapes_graph(), ontology_graph())
    # report on what the data says: its subjects, and IRIs it refers to that nothing else
    # describes (a topic:blockchain outside the scheme); not on the context's own nodes
    described = set(full.subjects()) - set(data.subjects())
    own = set(data.subjects()) | {o for o in data.objects() if isinstance(o, URIRef) and o not in described}
    result = read_report(report, lang, keep=lambda focus: focus in own)
    result.graph = report
    return result


def read_report(report: Graph, lang: str = "en", keep=lambda focus: True) -> Report:
    findings = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in report:
            continue                                      # nested detail, not a top-level result
        focus = report.value(r, SH.focusNode)
        if not keep(focus):
            continue
        messages = list(report.objects(r, SH.resultMessage))
        message = _pick_message(messages, lang)
        sev = report.value(r, SH.resultSeverity)
        path = report.value(r, SH.resultPath)
        findings.append(Finding(
            severity=str(sev).rsplit("#", 1)[-1] if sev else "Violation",
            focus=str(focus or ""),
            path=str(path) if isinstance(path, URIRef) else ("(complex path)" if path else ""),
            value=str(report.value(r, SH.value) or ""),
            message=message,
            shape=str(report.value(r, SH.sourceShape) or ""),
            component=str(report.value(r, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]))
    findings.sort(key=lambda f: (SEVERITIES.index(f.severity) if f.severity in SEVERITIES else 3,
                                 f.focus, f.path, f.message))
    return Report(not any(f.severity == "Violation" for f in findings), findings)


def _pick_message(messages, lang: str) -> str:
    """The message in the language asked for; by script where the engine dropped the tag."""
    tagged = [m for m in messages if getattr(m, "language", None) == lang]
    if tagged:
        return str(tagged[0])
    arabic = [m for m in messages if re.search("[\u0600-\u06FF]", str(m))]
    latin = [m for m in messages if m not in arabic]
    pool = (arabic if lang == "ar" else latin) or messages
    return str(pool[0]) if pool else ""


def validate_batch(graphs: list[Graph]) -> list[Report]:
    """Validate several article graphs: one pyshacl call when all conform, else one each."""
    if not graphs:
        return []
    union = Graph()
    for g in graphs:
        union += g
    report = validate(union)
    if report.conforms and len(graphs) > 1:
        # warnings still belong to their article
        return [Report(True, [f for f in report.findings if (URIRef(f.focus), None, None) in g])
                for g in graphs]
    if len(graphs) == 1:
        return [report]
    return [validate(g) for g in graphs]


# ---------------------------------------------------------------- users' files

def parse_rdf(path: str | Path, fmt: str | None = None) -> Graph:
    """Parse an RDF file by its extension (or ``fmt``); RdfInputError names file, line, column."""
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
            from rdflib import Dataset
            ds = Dataset()
            ds.parse(data=data, format=fmt)
            for s, p, o, _ in ds.quads((None, None, None, None)):
                g.add((s, p, o))
        else:
            g.parse(data=data, format=fmt)
    except Exception as e:  # rdflib raises many types; all mean "not parseable"
        raise RdfInputError(f"{path}: {_where(e, data)}not valid {fmt}: {_first_line(e)}") from None
    return g


def _first_line(e: Exception) -> str:
    """The parser's message on one line, without rdflib's 'at line N of <>:' preamble."""
    text = " ".join(l.strip() for l in str(e).strip().splitlines() if l.strip())
    text = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", text)
    return text[:300] or type(e).__name__


def _where(e: Exception, data: bytes) -> str:
    """'line 3, column 7: ' from the parser's message where it gives one."""
    text = str(e)
    m = re.search(r"line[ :]*(\d+)(?:.{0,20}?(?:column|col|char)[ :]*(\d+))?", text, re.I | re.S)
    if m:
        return f"line {m.group(1)}" + (f", column {m.group(2)}" if m.group(2) else "") + ": "
    m = re.search(r"at line (\d+)", text)
    return f"line {m.group(1)}: " if m else ""


def store_context(store, data: Graph) -> Graph:
    """What the store says about the IRIs the data refers to (their own triples)."""
    from .store import REFERENCE_GRAPH
    iris = {n for n in set(data.subjects()) | set(data.objects()) if isinstance(n, URIRef)}
    ctx = Graph()
    if store is None or not iris:
        return ctx
    iris = sorted(iris, key=str)
    for i in range(0, len(iris), 200):
        values = " ".join(f"<{n}>" for n in iris[i:i + 200] if ">" not in str(n))
        q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} " \
            f"FILTER(?g != <{REFERENCE_GRAPH}>) }}"
        for t in store.query(q, union=False):
            ctx.add(_to_rdflib(t))
    return ctx


def _to_rdflib(t):
    import pyoxigraph as ox

    def conv(x):
        if isinstance(x, ox.NamedNode):
            return URIRef(x.value)
        if isinstance(x, ox.BlankNode):
            return BNode(x.value)
        if x.language:
            return Literal(x.value, lang=x.language)
        if x.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(x.value)
        return Literal(x.value, datatype=URIRef(x.datatype.value))
    return conv(t.subject), conv(t.predicate), conv(t.object)


# ---------------------------------------------------------------- reports

def label_of(g: Graph, node: str, lang: str) -> str:
    n = URIRef(node) if not node.startswith("_:") else BNode(node[2:])
    labels = list(g.objects(n, RDFS.label)) + list(g.objects(n, SKOS.prefLabel))
    by_lang = {getattr(l, "language", None): str(l) for l in labels}
    return by_lang.get(lang) or by_lang.get("ar") or by_lang.get("en") or (str(labels[0]) if labels else "")


def text_report(report: Report, data: Graph, lang: str = "en", min_severity: str = "Info",
                source: str = "") -> str:
    """Findings grouped by focus node (with its label), stable order, one-line summary."""
    allowed = SEVERITIES[:SEVERITIES.index(min_severity) + 1]
    shown = [f for f in report.findings if f.severity in allowed]
    lines = []
    by_focus: dict[str, list[Finding]] = {}
    for f in shown:
        by_focus.setdefault(f.focus, []).append(f)
    for focus, fs in by_focus.items():
        label = label_of(data, focus, lang)
        lines.append(f"{focus}" + (f"  «{label}»" if label else ""))
        for f in fs:
            path = _short(f.path) if f.path else "(node)"
            value = f"  value: {f.value}" if f.value and f.value != f.focus else ""
            lines.append(f"  {f.severity:<9} {path}{value}")
            lines.append(f"            {f.message}")
    nv, nw = len(report.violations), len(report.warnings)
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(f"{source + ': ' if source else ''}{verdict}: {nv} violation(s), {nw} warning(s), "
                 f"{len(data)} triples")
    return "\n".join(lines)


def json_report(report: Report, data: Graph, lang: str = "en", source: str = "") -> str:
    return json.dumps({"source": source, "conforms": report.conforms,
                       "violations": len(report.violations), "warnings": len(report.warnings),
                       "triples": len(data),
                       "results": [{**asdict(f), "label": label_of(data, f.focus, lang)}
                                   for f in report.findings]}, ensure_ascii=False, indent=1)


_PREFIXES = {"https://w3id.org/tdkg/ontology#": "tdo:", "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
             "http://purl.org/dc/terms/": "dct:", "http://www.w3.org/2004/02/skos/core#": "skos:",
             "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:", "http://www.w3.org/2002/07/owl#": "owl:"}


def _short(iri: str) -> str:
    for ns, p in _PREFIXES.items():
        if iri.startswith(ns):
            return p + iri[len(ns):]
    return iri
