"""Users' RDF files: parsed by extension, or an error that names the file, line and column."""
from __future__ import annotations

import json
import re
from pathlib import Path

from rdflib import Dataset, Graph

from kg.extract.reading import special_file_kind
from kg.graph import formats
from kg.graph import oxigraph as ox

class RdfInputError(ValueError):
    """A file that cannot be parsed as RDF; str() names the file, line and column."""


MAX_INPUT_BYTES = 50_000_000     # an RDF file larger than this is refused before it is read


def parse_rdf(path: str | Path, fmt: str | None = None) -> Graph:
    """Parse an RDF file by its extension (or ``fmt``); RdfInputError names file, line, column.
    The graphs of a dataset (N-Quads, TriG) are merged."""
    path = Path(path)
    # the one table of formats: a name given (--input-format), else the file's extension
    named = formats.by_name(fmt, results=False) if fmt else None
    if fmt and named is None:
        raise RdfInputError(f"{path}: unknown RDF format {fmt!r}; one of {', '.join(formats.names(results=False))}")
    fmt = named.rdflib if named else formats.rdflib_parser(path)
    if fmt is None:
        raise RdfInputError(f"{path}: unknown RDF format (extension {path.suffix or 'none'}); "
                            f"use --input-format (turtle, nt, nquads, trig, json-ld, xml)")
    data = _read(path)
    if fmt == "json-ld":
        _refuse_remote_contexts(path, data)
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
        raise RdfInputError(f"{path}: {_explain(e, data, fmt)}") from None
    return g


def _read(path: Path) -> bytes:
    """The file's bytes: a regular file of at most MAX_INPUT_BYTES, else one clear error (a FIFO
    or a device such as /dev/zero would block or never end)."""
    import os
    import stat
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise RdfInputError(f"{path}: is a directory, not an RDF file")
        if not stat.S_ISREG(st.st_mode):
            raise RdfInputError(f"{path}: not a regular file ({special_file_kind(st.st_mode)}); give an RDF file")
        if st.st_size > MAX_INPUT_BYTES:
            raise RdfInputError(f"{path}: too large ({st.st_size:,} bytes > {MAX_INPUT_BYTES:,})")
        with open(path, "rb") as f:
            data = f.read(MAX_INPUT_BYTES + 1)
    except OSError as e:
        raise RdfInputError(f"{path}: cannot read file ({e.strerror})") from None
    if len(data) > MAX_INPUT_BYTES:
        raise RdfInputError(f"{path}: too large (more than {MAX_INPUT_BYTES:,} bytes)")
    return data


def _refuse_remote_contexts(path: Path, data: bytes) -> None:
    """Refuse a JSON-LD document that names a context by reference (``"@context": "URL"``, in a
    list, in a scoped context, or ``@import``): rdflib's parser would fetch it — http:// or
    file:// — while parsing (its Context._fetch_context calls source_to_json on the URL, with no
    option to turn that off), so a posted document could make the server read its own files or
    probe its network. Nothing is fetched; the error names the context."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise RdfInputError(f"{path}: not valid json-ld: not UTF-8 (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise RdfInputError(f"{path}: line {e.lineno}, column {e.colno}: not valid json-ld: {e.msg}") from None
    except RecursionError:
        raise RdfInputError(f"{path}: not valid json-ld: nested too deeply") from None
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                refs = []
                if key == "@context":
                    refs = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
                elif key == "@import":
                    refs = [value] if isinstance(value, str) else []
                if refs:
                    raise RdfInputError(
                        f"{path}: JSON-LD context {refs[0]!r} is a reference (in {key}): tdkg fetches no URL "
                        "or file while reading your data; put the context in the document as an object")
                stack.append(value)


def _explain(e: Exception, data: bytes, fmt: str) -> str:
    """'line L, column C: not valid FMT: what' for a document the parser refused.

    Oxigraph's parser of the same format, run on the error path only, says where precisely and in
    plain words; where it accepts what rdflib refused, rdflib's own reason is given, without its
    Python bytes fragments."""
    located = _oxigraph_error(data, fmt)
    if located and located[0]:
        return f"{located[0]}not valid {fmt}: {located[1]}"
    why, where = _first_line(e), _where(e)
    if located:                                          # oxigraph's words, rdflib's position
        return f"{where}not valid {fmt}: {located[1]}"
    bad = getattr(e, "_why", None)                      # rdflib's Turtle/N3 BadSyntax
    if bad is not None:
        try:
            text = e._str.decode("utf-8", "replace")
            i = min(int(e._i), len(text))
            line = text.count("\n", 0, i) + 1
            where = f"line {line}, column {i - (text.rfind(chr(10), 0, i) + 1) + 1}: "
        except (AttributeError, TypeError, ValueError):
            where = f"line {int(getattr(e, 'lines', 0)) + 1}: "
        why = str(bad)
    return f"{where}not valid {fmt}: {why}"


_OX_POSITION = re.compile(r"^Parser error (?:at line (\d+) (?:between columns (\d+) and \d+|column (\d+))|"
                          r"between line (\d+) column (\d+) and line \d+ column \d+)[:,]?\s*(.*?)(?:\s*\(line \d+\))?$",
                          re.S)


def _oxigraph_error(data: bytes, fmt: str) -> tuple[str, str] | None:
    """('line L, column C: ' or '', the reason) from Oxigraph's parser, None if it accepts the data."""
    name = {"nt": "ntriples", "json-ld": "jsonld", "xml": "rdfxml"}.get(fmt, fmt)
    f = formats.by_name(name, results=False) if fmt != "n3" else None
    if f is None:
        return None
    try:
        ox.parse_triples(data, f.engine)
    except SyntaxError as err:
        msg = " ".join(str(err).split())
        m = _OX_POSITION.match(msg)
        if m:
            line = m.group(1) or m.group(4)
            col = m.group(2) or m.group(3) or m.group(5)
            return f"line {line}, column {col}: ", m.group(6)
        return "", msg[:300]
    except Exception:  # noqa: BLE001 - any other failure: rdflib's message stands
        return None
    return None


def _first_line(e: Exception) -> str:
    """The parser's message on one line, without rdflib's 'at line N of <>:' preamble."""
    text = " ".join(l.strip() for l in str(e).strip().splitlines() if l.strip())
    text = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", text)
    return text[:300] or type(e).__name__


def _where(e: Exception) -> str:
    """'line 3, column 7: ' from the parser's message where it gives one."""
    text = str(e)
    m = re.search(r"<[^>]*>:(\d+):(\d+):", text)             # xml.sax: <unknown>:1:84: mismatched tag
    if m:
        return f"line {m.group(1)}, column {m.group(2)}: "
    m = re.search(r"line[ :]*(\d+)(?:.{0,20}?(?:column|col|char)[ :]*(\d+))?", text, re.I | re.S)
    if m:
        return f"line {m.group(1)}" + (f", column {m.group(2)}" if m.group(2) else "") + ": "
    m = re.search(r"at line (\d+)", text)
    return f"line {m.group(1)}: " if m else ""
