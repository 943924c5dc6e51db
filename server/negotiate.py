"""Content negotiation on ``Accept`` with q-values, and the ``format=`` fallback."""
from __future__ import annotations


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """'text/csv;q=0.5, application/json' -> [('text/csv', 0.5), ('application/json', 1.0)]."""
    out = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(b[2:])))
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q))
    return out


def quality(accept: list[tuple[str, float]], mime: str) -> float:
    """The q of the most specific range in ``accept`` that covers ``mime`` (0 if none)."""
    best, specificity = 0.0, -1
    major = mime.split("/")[0]
    for rng, q in accept:
        if rng == mime:
            spec = 2
        elif rng == f"{major}/*":
            spec = 1
        elif rng == "*/*":
            spec = 0
        else:
            continue
        if spec > specificity:
            best, specificity = q, spec
    return best


def choose(accept_header: str | None, offered: list[str]) -> str | None:
    """The offered type the client prefers (ties: the server's order); None if none acceptable.

    No Accept header means anything goes: the first offered type.
    """
    accept = parse_accept(accept_header)
    if not accept:
        return offered[0]
    scored = [(quality(accept, m), -i, m) for i, m in enumerate(offered)]
    q, _, mime = max(scored)
    return mime if q > 0 else None


def prefers_html(accept_header: str | None) -> bool:
    """A browser: text/html named explicitly and not below the RDF and results types."""
    accept = parse_accept(accept_header)
    html = max((q for r, q in accept if r == "text/html"), default=0.0)
    return html > 0 and html >= max(quality(accept, "text/turtle"),
                                    quality(accept, "application/sparql-results+json"))
