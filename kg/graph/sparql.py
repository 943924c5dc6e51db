"""SPARQL execution with limits, and the standard result formats.

Used by the endpoint and the CLI: a query is classified (SELECT/ASK/CONSTRUCT/
DESCRIBE or an update), refused if it would make us fetch other URLs
(``SERVICE``), run with a deadline and a row cap, and serialised in the
format the client asked for.

>>> query_form("PREFIX x: <http://x/> # c\\n select * {}")
'SELECT'
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from . import formats
from . import oxigraph as ox

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

_COMMENT_OR_STRING = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_PROLOGUE = re.compile(r"^\s*(?:(?:BASE\s*|PREFIX\s+[\w.-]*:\s*)\s*<[^>]*>\s*)*", re.I)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefused(ValueError):
    """A query we will not run here (SERVICE, an update on a read-only endpoint)."""


class QueryTimeout(RuntimeError):
    pass


class QueryTooComplex(ValueError):
    """A query or update nested or chained beyond what the engine's parser and evaluator can recurse
    through: refused before it reaches the engine (which would overflow its stack and take the
    whole process down)."""


# The engine (Oxigraph) parses and evaluates recursively on the calling thread's stack (8 MB):
# measured, it crashes the process at about 2,200 nested { }, 830 OPTIONALs in a row, 4,500 nested
# ( ), 6,500 UNIONs, 6,700 chained + or 9,100 FILTERs. A request stays well below each (and below
# their sum, the worst case tested in tests/test_reliability.py); real queries use a few dozen.
MAX_DEPTH = 100           # { ( [ nested
MAX_PATTERNS = 300        # OPTIONAL, UNION, MINUS, FILTER, BIND, GRAPH, SERVICE, EXISTS, VALUES, SELECT
MAX_OPERATORS = 2000      # && || ! = < > + - * / ^ | (expressions and property paths)
MAX_TRIPLE_PATTERNS = 500   # triple patterns (crash at about 9,000; 200 already cost the optimiser 12 s)

_BRACKETS = re.compile(r"[{}()\[\]]")
_PATTERN_WORDS = re.compile(r"(?<![\w?$:])(?:OPTIONAL|UNION|MINUS|FILTER|BIND|GRAPH|SERVICE|EXISTS|VALUES|SELECT)\b",
                            re.I)
_BRACES = re.compile(r"[{}]")
_DATA_BLOCK = re.compile(r"\b(?:INSERT|DELETE)\s+DATA\s*\{", re.I)
_SEPARATORS = re.compile(r"[,;]|\.(?=\s|\}|$)")
_OPERATORS = re.compile(r"&&|\|\||[!=<>]=?|[+*/^|]|(?<![\w:.-])-")


def check_complexity(text: str) -> None:
    """Raise :class:`QueryTooComplex` if a query or update nests or chains more than the engine can
    take (see :data:`MAX_DEPTH` and its neighbours); strings, IRIs and comments do not count.

    >>> check_complexity("SELECT * WHERE { ?s ?p ?o FILTER(?o > 1) }")
    >>> check_complexity("SELECT * WHERE " + "{" * 500 + "}" * 500)
    Traceback (most recent call last):
    ...
    kg.graph.sparql.QueryTooComplex: query nested 500 levels deep ({ ( [); at most 100 are allowed
    """
    if _surely_small(text):
        return
    skeleton = _COMMENT_OR_STRING.sub(" ", _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text))
    depth = peak = 0
    for m in _BRACKETS.finditer(skeleton):
        if m.group() in "{([":
            depth += 1
            if depth > peak:
                peak = depth
        else:
            depth -= 1
    if peak > MAX_DEPTH:
        raise QueryTooComplex(f"query nested {peak} levels deep ({{ ( [); at most {MAX_DEPTH} are allowed")
    patterns = len(_PATTERN_WORDS.findall(skeleton))
    if patterns > MAX_PATTERNS:
        raise QueryTooComplex(f"query has {patterns} OPTIONAL/UNION/MINUS/FILTER/BIND/GRAPH/EXISTS/VALUES/"
                              f"SELECT clauses; at most {MAX_PATTERNS} are allowed")
    patterns = len(_SEPARATORS.findall(_without_data(skeleton)))
    if patterns > MAX_TRIPLE_PATTERNS:
        raise QueryTooComplex(f"query has {patterns} triple patterns; at most {MAX_TRIPLE_PATTERNS} are "
                              "allowed (INSERT DATA and DELETE DATA blocks may hold any number of triples)")
    operators = len(_OPERATORS.findall(skeleton))
    if operators > MAX_OPERATORS:
        raise QueryTooComplex(f"query has {operators} operators (expressions and property paths); "
                              f"at most {MAX_OPERATORS} are allowed")


def blank(query: str) -> str:
    """The query with strings, IRIs and comments blanked out, offsets kept ('<…>' stays '<  >')."""
    def pad(m):
        t = m.group()
        return "<" + " " * (len(t) - 2) + ">" if t.startswith("<") else " " * len(t)
    return _COMMENT_OR_STRING.sub(pad, query)


def _skeleton(query: str) -> str:
    """Keywords only: escapes decoded (\\u0053ERVICE is SERVICE), strings, IRIs, comments blanked."""
    return blank(_UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE (an update request), or '' if unknown."""
    body = _PROLOGUE.sub("", _skeleton(query)).lstrip()
    word = re.match(r"[A-Za-z]+", body)
    if not word:
        return ""
    w = word.group().upper()
    if w in FORMS:
        return w
    return "UPDATE" if w in UPDATE_KEYWORDS else ""


def uses_service(query: str) -> bool:
    return re.search(r"\bSERVICE\b", _skeleton(query), re.I) is not None


def uses_load(update: str) -> bool:
    """LOAD <url> would make the server fetch a URL."""
    return re.search(r"\bLOAD\b", _skeleton(update), re.I) is not None


_WORDS = ("OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "GRAPH", "SERVICE", "EXISTS", "VALUES", "SELECT")


def _surely_small(text: str) -> bool:
    """Upper bounds from plain character counts (strings, IRIs, comments included, so each is at
    least the real count): when all are within the limits no scan is needed. A normal query takes
    this path in a few microseconds."""
    if "\\u" in text or "\\U" in text:                # escapes may hide brackets or keywords
        return False
    upper = text.upper()
    return (text.count("{") + text.count("(") + text.count("[") <= MAX_DEPTH
            and sum(upper.count(w) for w in _WORDS) <= MAX_PATTERNS
            and text.count(",") + text.count(";") + text.count(".") <= MAX_TRIPLE_PATTERNS
            and sum(text.count(c) for c in "&|!=<>+-*/^") <= MAX_OPERATORS)


def _without_data(skeleton: str) -> str:
    """The skeleton without the contents of its INSERT DATA / DELETE DATA blocks (plain triples,
    which the engine reads without recursion however many there are)."""
    parts, pos = [], 0
    for m in _DATA_BLOCK.finditer(skeleton):
        if m.start() < pos:
            continue
        depth, end = 1, len(skeleton)
        for b in _BRACES.finditer(skeleton, m.end()):
            depth += 1 if b.group() == "{" else -1
            if depth == 0:
                end = b.end()
                break
        parts.append(skeleton[pos:m.start()])
        pos = end
    parts.append(skeleton[pos:])
    return "".join(parts)


_POSITION = re.compile(r"\b(at|line) (\d+):(\d+)")


def user_position(message: str, hidden_lines: int) -> str:
    """A parser message with its ``L:C`` positions counted in the user's own lines, when
    ``hidden_lines`` lines (PREFIX declarations) were put in front of the user's text.

    >>> user_position("error at 12:25: expected one of LATERAL", 11)
    'error at 1:25: expected one of LATERAL'
    """
    if not hidden_lines:
        return message
    return _POSITION.sub(lambda m: f"{m.group(1)} {int(m.group(2)) - hidden_lines}:{m.group(3)}"
                         if int(m.group(2)) > hidden_lines else m.group(), message)


def query_with_prefixes(store, text: str, prefixes: str, substitutions: dict | None = None):
    """Run a user's query (``tdkg query``) with the usual PREFIX lines put in front: refused first
    if too complex (:func:`check_complexity`), and a syntax error's position given in the user's
    lines, not counting the hidden PREFIX lines."""
    check_complexity(text)
    try:
        return store.query(prefixes + text, substitutions)
    except SyntaxError as e:
        raise SyntaxError(user_position(str(e), prefixes.count("\n"))) from None


@dataclass
class Result:
    form: str                                   # SELECT | ASK | CONSTRUCT | DESCRIBE
    variables: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)     # SELECT: terms or None
    boolean: bool | None = None
    triples: list = field(default_factory=list)       # CONSTRUCT/DESCRIBE
    truncated: bool = False
    seconds: float = 0.0
    body: bytes | None = None                   # already serialized (by a query worker)


def execute(store, query: str, *, base_iri: str | None = None, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None, substitutions: dict | None = None,
            timeout: float = 30.0, max_rows: int = 100_000, workers=None,
            answer_in: dict[str, str] | None = None) -> Result:
    """Run a query on a :class:`kg.graph.oxigraph.Store` with a deadline and a row cap.

    The engine works outside the GIL, in a worker thread; rows are read lazily
    and the deadline is checked between them, so a runaway query gives the
    caller a :class:`QueryTimeout` after ``timeout`` seconds while other
    requests are served. (An aggregate that never yields a first row keeps
    its worker thread busy until the engine finishes; the caller is answered
    on time regardless.) With ``workers`` (:class:`kg.graph.workers.QueryWorkers`) the query
    runs in a child process that is killed at the deadline instead, and the result comes
    back serialized (``body``) in the media type ``answer_in`` gives for its form
    (``{"results": …, "graph": …}``).
    """
    form = query_form(query)
    if form == "UPDATE":
        raise QueryRefused("this is a SPARQL Update; send it to the update operation")
    if uses_service(query):
        raise QueryRefused("SERVICE (federated query) is not allowed on this endpoint")
    check_complexity(query)
    start = time.monotonic()
    if workers is not None:
        form, body, truncated = workers.run(
            {"query": query, "default_graphs": default_graphs or None, "named_graphs": named_graphs or None,
             "substitutions": substitutions, "base_iri": base_iri, "max_rows": max_rows,
             "formats": answer_in, "version": store.version()}, timeout)
        return Result(form, body=body, truncated=truncated, seconds=time.monotonic() - start)
    deadline = start + timeout
    box: dict = {}

    def work():
        try:
            box["result"] = _collect(store, query, default_graphs, named_graphs, substitutions,
                                     deadline, max_rows, base_iri)
        except BaseException as e:  # handed to the caller
            box["error"] = e.with_traceback(None)   # its frames hold pyoxigraph iterators: drop them here

    t = threading.Thread(target=work, daemon=True, name="sparql-query")
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise QueryTimeout(f"query exceeded the time limit of {timeout:g} s")
    if "error" in box:
        raise box["error"]
    result = box["result"]
    result.seconds = time.monotonic() - start
    return result


def _collect(store, query, default_graphs, named_graphs, substitutions, deadline, max_rows,
             base_iri=None) -> Result:
    res = store.query(query, substitutions, default_graph=default_graphs or None,
                      named_graphs=named_graphs or None, base_iri=base_iri)
    form = ox.result_form(res)
    if form == "ASK":
        return Result("ASK", boolean=bool(res))
    if form == "GRAPH":                                    # triples, from either backend
        out = Result(query_form(query) or "CONSTRUCT")
        out.triples, out.truncated = _take(res, max_rows, deadline)
        return out
    names = ox.variable_names(res)
    out = Result("SELECT", variables=names)
    rows, out.truncated = _take(res, max_rows, deadline)
    out.rows = [[row[n] for n in names] for row in rows]
    return out


def _take(results, max_rows: int, deadline: float) -> tuple[list, bool]:
    """At most ``max_rows`` items of a lazy result, checking the deadline as they come."""
    taken = []
    for i, item in enumerate(results):
        if i >= max_rows:
            return taken, True
        if i % 1000 == 0 and time.monotonic() > deadline:
            raise QueryTimeout("deadline passed")
        taken.append(item)
    return taken, False


# ---------------------------------------------------------------- serialisation
# As pyoxigraph writes them (tests/test_formats.py compares), RDF-star triple terms included:
# JSON {"type": "triple", "value": {"subject": …}}, XML <triple><subject>…, TSV <<( s p o )>>,
# CSV "s p o"; ASK in CSV and TSV is the bare word true/false.

def serialize(result: Result, fmt: "formats.Format | str") -> bytes:
    """The result in a format of :mod:`kg.graph.formats` (or one of its media types): a results
    format for SELECT/ASK, an RDF one for CONSTRUCT/DESCRIBE."""
    if isinstance(fmt, str):
        fmt = formats.by_media_type(fmt, results=result.form in ("SELECT", "ASK"))
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        if fmt is None or not fmt.is_rdf:
            raise ValueError(f"a {result.form} result is RDF: not {fmt and fmt.key}")
        return ox.serialize(result.triples, fmt.engine)
    if fmt is None or not fmt.is_results:
        raise ValueError(f"a {result.form} result needs a results format, not {fmt and fmt.key}")
    return {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}[fmt.key](result)


def term_json(t) -> dict:
    if ox.is_iri(t):
        return {"type": "uri", "value": t.value}
    if ox.is_blank(t):
        return {"type": "bnode", "value": t.value}
    if ox.is_literal(t):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != ox.XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if ox.is_triple(t):
        return {"type": "triple", "value": {"subject": term_json(t.subject), "predicate": term_json(t.predicate),
                                            "object": term_json(t.object)}}
    raise TypeError(f"not an RDF term: {t!r}")


def _json(r: Result) -> bytes:
    if r.form == "ASK":
        return json.dumps({"head": {}, "boolean": r.boolean}).encode()
    bindings = [{n: term_json(v) for n, v in zip(r.variables, row) if v is not None} for row in r.rows]
    return json.dumps({"head": {"vars": r.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False).encode("utf-8")


def term_xml(t) -> str:
    if ox.is_iri(t):
        return f"<uri>{escape(t.value)}</uri>"
    if ox.is_blank(t):
        return f"<bnode>{escape(t.value)}</bnode>"
    if ox.is_literal(t):
        if t.language:
            attrs = f" xml:lang={quoteattr(t.language)}"
        elif t.datatype.value != ox.XSD_STRING:
            attrs = f" datatype={quoteattr(t.datatype.value)}"
        else:
            attrs = ""
        return f"<literal{attrs}>{escape(t.value)}</literal>"
    if ox.is_triple(t):
        return (f"<triple><subject>{term_xml(t.subject)}</subject><predicate>{term_xml(t.predicate)}"
                f"</predicate><object>{term_xml(t.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {t!r}")


def _xml(r: Result) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if r.form == "ASK":
        out.append(f"<head/><boolean>{'true' if r.boolean else 'false'}</boolean></sparql>")
        return "".join(out).encode()
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in r.variables) + "</head><results>")
    for row in r.rows:
        out.append("<result>")
        out.extend(f"<binding name={quoteattr(n)}>{term_xml(t)}</binding>"
                   for n, t in zip(r.variables, row) if t is not None)
        out.append("</result>")
    out.append("</results></sparql>")
    return "".join(out).encode("utf-8")


def term_csv(t) -> str:
    """A term's CSV text, before quoting: an IRI or a literal's value, _:label, or "s p o"."""
    if ox.is_blank(t):
        return "_:" + t.value
    if ox.is_triple(t):
        return " ".join(term_csv(x) for x in (t.subject, t.predicate, t.object))
    return t.value


def _csv_field(text: str) -> str:
    """RFC 4180: quoted (quotes doubled) only if it holds a quote, a comma or a line break."""
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(r: Result) -> bytes:
    if r.form == "ASK":
        return b"true" if r.boolean else b"false"
    lines = [",".join(_csv_field(v) for v in r.variables)]
    lines += [",".join("" if t is None else _csv_field(term_csv(t)) for t in row) for row in r.rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE = {_XSD + "integer": re.compile(r"[+-]?[0-9]+"),             # Turtle's short forms
         _XSD + "decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
         _XSD + "double": re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+"),
         _XSD + "boolean": re.compile(r"true|false")}


def term_tsv(t) -> str:
    """A term in TSV: N-Triples syntax, numbers and booleans bare when Turtle allows, <<( s p o )>>."""
    if ox.is_literal(t) and not t.language:
        bare = _BARE.get(t.datatype.value)
        if bare is not None and bare.fullmatch(t.value):
            return t.value
    if ox.is_triple(t):
        return "<<( " + " ".join(term_tsv(x) for x in (t.subject, t.predicate, t.object)) + " )>>"
    return ox.ntriples_text(t)


def _tsv(r: Result) -> bytes:
    if r.form == "ASK":
        return b"true" if r.boolean else b"false"
    lines = ["\t".join("?" + v for v in r.variables)]
    lines += ["\t".join("" if t is None else term_tsv(t) for t in row) for row in r.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def service_description(endpoint: str, update: bool) -> str:
    """SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    fmts = "\n".join(f"    sd:resultFormat <{f.iri}> ;" for f in formats.FORMATS if f.served)
    lang = "sd:SPARQL11Query, sd:SPARQL11Update" if update else "sd:SPARQL11Query"
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dct: <http://purl.org/dc/terms/> .

<{endpoint}#service> a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage {lang} ;
{fmts}
    sd:feature sd:UnionDefaultGraph ;
    dct:title "tdkg — Tech Diplomacy Knowledge Graph"@en, "رسم المعرفة للدبلوماسية التقنية"@ar ;
    dct:description "Arabic news on technology cooperation between states. Queries that name no graph see the union of all graphs; SERVICE is refused."@en .
"""
