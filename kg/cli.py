"""The ``tdkg`` command line: one entry point, one subcommand per task."""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

EXAMPLES = """examples:
  tdkg load data/articles                      build the graph from a folder of articles
  tdkg load news/2024-11-22.html               add or replace one article
  tdkg remove 2024-11-22 --dry-run             what removing an article would take away
  tdkg stats                                   what the graph holds
  tdkg extract data/articles/000_a8cc2780f9f0fb92.txt --json
  tdkg query "SELECT ?s WHERE { ?s a tdo:Country } LIMIT 5"
  tdkg query --saved partners-of-country --param country=EG
  tdkg query --list                            the saved queries and their parameters
  tdkg export --format trig --out graph.trig
  tdkg analyze --network countries             who is central
  tdkg export-graph --network countries --format gexf --out countries.gexf
  tdkg plot --network countries --out countries.png
  tdkg serve                                   SPARQL endpoint and page at http://127.0.0.1:5000/

The store is a folder (default ./tdkg-store, or $TDKG_STORE, or --store).
"""


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # one clear line, never a traceback, for anything the user gave us
        from .analysis.plot import PlotUnavailable
        from .extract.reading import ArticleError
        from .graph.queries import QueryError
        from .graph.store import StoreError
        from .graph.vocab import ResourceError
        if isinstance(e, (QueryError, ArticleError, StoreError, ResourceError, PlotUnavailable, SyntaxError,
                          ValueError, OSError)):
            print(f"tdkg: error: {e}", file=sys.stderr)
            return 2
        raise


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tdkg", description="Tech Diplomacy Knowledge Graph: Arabic news "
                                "on technology cooperation as a validated, queryable graph.",
                                epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _store_options(p)
    # the store options are accepted after the subcommand too ('tdkg load data --store S');
    # there they default to "not given", so a value given before the subcommand stands
    after = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    _store_options(after)
    sub = p.add_subparsers(metavar="COMMAND")

    def cmd(name, func, help_, epilog=""):
        sp = sub.add_parser(name, help=help_, description=help_, epilog=epilog, parents=[after],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
        sp.set_defaults(func=func)
        return sp

    sp = cmd("load", cmd_load, "Load articles (.txt, .html; files or folders) or curated RDF into the store.",
             "examples:\n  tdkg load data/articles\n  tdkg load a.txt b.html --no-validate\n"
             "  tdkg load my-agreements.ttl                 into graph …/graph/curated/my-agreements\n"
             "  tdkg load fixes.jsonld --graph https://example.org/graph/fixes\n\n"
             "Each article is validated with SHACL and stored as its own named graph;\n"
             "loading it again replaces it. A curated RDF file with any SHACL violation\n"
             "is refused whole (the store is unchanged); warnings do not block.\n"
             "Exit code 0 if everything was stored, 1 if something failed or was refused,\n"
             "130 if interrupted.")
    sp.add_argument("paths", nargs="+", help="article files or folders, or RDF files")
    sp.add_argument("--graph", help="named graph IRI for curated RDF (default: from the file name)")
    sp.add_argument("--input-format", help="RDF syntax when the extension does not tell "
                                           "(turtle, nt, nquads, trig, json-ld, xml)")
    sp.add_argument("--no-validate", action="store_true", help="skip the SHACL gate (faster)")
    sp.add_argument("--skip-unchanged", action="store_true",
                    help="skip articles whose text is already stored unchanged")
    sp.add_argument("--batch", type=int, default=128, help="articles per transaction and SHACL call (default 128)")
    sp.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="worker processes extracting and validating (default: the number of cores)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")

    sp = cmd("remove", cmd_remove, "Remove articles from the store, in one transaction.",
             "examples:\n  tdkg remove 000_a8cc2780f9f0fb92\n  tdkg remove data/articles/001_3d56ff079e329676.txt\n"
             "  tdkg remove old/*.txt --dry-run             list what would go, change nothing\n\n"
             "What only these articles said leaves the store (their accords, events and the\n"
             "entities no other article names); entities other articles name stay, with the\n"
             "spellings those use. An unknown id removes nothing (exit code 2).")
    sp.add_argument("articles", nargs="+", help="article ids, file names or paths")
    sp.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")

    sp = cmd("upgrade", cmd_upgrade, "Bring a store written by an older tdkg to the current layout.",
             "examples:\n  tdkg --store tdkg-store upgrade\n\n"
             "Rewrites the store in place, in steps of 200 graphs (with a progress bar); the\n"
             "new layout is marked last, so an interrupted upgrade is finished by running it again.")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")

    sp = cmd("extract", cmd_extract, "Print what is extracted from one article (no store).",
             "examples:\n  tdkg extract data/articles/001_3d56ff079e329676.txt\n"
             "  tdkg extract article.html --json\n  tdkg extract article.txt --turtle")
    sp.add_argument("file")
    g = sp.add_mutually_exclusive_group()
    g.add_argument("--json", action="store_true", help="records as JSON")
    g.add_argument("--turtle", action="store_true", help="the article's RDF graph as Turtle")

    cmd("stats", cmd_stats, "Count what the graph holds.", "example:\n  tdkg stats")

    sp = cmd("export", cmd_export, "Export the graph.",
             "examples:\n  tdkg export --format nq --out graph.nq\n  tdkg export --format ttl > graph.ttl\n\n"
             "nq, trig and jsonld hold the named graphs (one per article, the entity, reference and\n"
             "curated graphs); ttl, nt and xml the default graph: their merge, each triple once.")
    from .graph.formats import names as format_names
    sp.add_argument("--format", choices=format_names(results=False), default="nq", metavar="FORMAT",
                    help="one of " + ", ".join(format_names(results=False)) + " (default nq)")
    sp.add_argument("--out", help="file to write (default: standard output)")

    sp = cmd("query", cmd_query, "Run a SPARQL query, or a saved one with parameters.",
             "examples:\n  tdkg query \"SELECT ?c (COUNT(*) AS ?n) WHERE { ?a tdo:party ?c } GROUP BY ?c\"\n"
             "  tdkg query my-query.rq --format csv\n"
             "  tdkg query --saved accords-between --param a=EG --param b=PS\n  tdkg query --list\n\n"
             "The usual prefixes (tdo:, tdr:, country:, topic:, dct:, skos:, rdfs:, owl:, xsd:)\n"
             "are predeclared. A query without FROM/GRAPH sees the union of all graphs.")
    sp.add_argument("query", nargs="?", help="SPARQL text or a .rq file")
    sp.add_argument("--saved", help="name of a saved query in queries/")
    sp.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    sp.add_argument("--list", action="store_true", help="list saved queries")
    sp.add_argument("--format", choices=["table", "json", "csv"], default="table")

    sp = cmd("validate", cmd_validate, "Check RDF files against the SHACL shapes before loading them.",
             "examples:\n  tdkg validate my-agreements.ttl\n  tdkg validate a.jsonld b.ttl --lang ar\n"
             "  tdkg validate data.ttl --format json > report.json\n"
             "  tdkg validate data.ttl --format turtle      the standard sh:ValidationReport\n\n"
             "The ontology, the topic scheme and what the store already holds about the\n"
             "nodes a file refers to are the context. Exit code 0 if every file conforms,\n"
             "1 if there are violations, 2 if a file cannot be read or parsed.")
    sp.add_argument("files", nargs="+")
    sp.add_argument("--format", choices=["text", "turtle", "json"], default="text")
    sp.add_argument("--severity", choices=["violation", "warning", "info"], default="info",
                    help="lowest severity shown (default: info, i.e. everything)")
    sp.add_argument("--lang", choices=["en", "ar"], default="en", help="language of the messages")
    sp.add_argument("--input-format", help="RDF syntax when the extension does not tell")
    sp.add_argument("--no-store", action="store_true", help="do not use the store as context")

    sp = cmd("analyze", cmd_analyze, "Who is central: degree, strength, betweenness, eigenvector, "
             "PageRank, closeness and Louvain communities of a network.",
             "examples:\n  tdkg analyze --network countries\n  tdkg analyze --network actors --top 20\n"
             "  tdkg analyze --network topics --format csv > topics.csv\n\n"
             "countries: state-state ties through shared accords and engagements; actors:\n"
             "people and organisations taking part in the same item; topics: state-topic.")
    sp.add_argument("--network", choices=["countries", "actors", "topics"], default="countries")
    sp.add_argument("--top", type=int, default=20, help="rows to show (0 = all)")
    sp.add_argument("--sort", default="pagerank", help="measure to sort by (default pagerank)")
    sp.add_argument("--format", choices=["table", "csv", "json"], default="table")

    sp = cmd("export-graph", cmd_export_graph, "Export a network for Gephi (GEXF 1.3), GraphML or CSV.",
             "examples:\n  tdkg export-graph --network countries --format gexf --out countries.gexf\n"
             "  tdkg export-graph --network actors --format graphml --out actors.graphml\n"
             "  tdkg export-graph --network countries --format csv --out countries   "
             "(countries-nodes.csv, countries-edges.csv)")
    sp.add_argument("--network", choices=["countries", "actors", "topics"], default="countries")
    sp.add_argument("--format", choices=["gexf", "graphml", "csv"], default="gexf")
    sp.add_argument("--out", required=True)
    sp.add_argument("--bipartite", action="store_true", help="actors: the actor-item graph instead")

    sp = cmd("plot", cmd_plot, "Draw a network to PNG or SVG (size by a centrality, colour by community).",
             "examples:\n  tdkg plot --network countries --out countries.png\n"
             "  tdkg plot --network actors --out actors.svg      (Arabic names shaped by the viewer)")
    sp.add_argument("--network", choices=["countries", "actors", "topics"], default="countries")
    sp.add_argument("--out", required=True)
    sp.add_argument("--size-by", default="pagerank")

    sp = cmd("serve", cmd_serve, "Serve the graph: SPARQL endpoint, saved queries and a page.",
             "examples:\n  tdkg serve                          http://127.0.0.1:5000/\n"
             "  tdkg serve --port 8080 --timeout 10\n"
             "  TDKG_UPDATE_TOKEN=s3cret tdkg serve --allow-update\n\n"
             "Runs under waitress (a production WSGI server), read-only unless --allow-update;\n"
             "updates then need 'Authorization: Bearer $TDKG_UPDATE_TOKEN'.")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=5000)
    sp.add_argument("--timeout", type=float, default=30.0, help="seconds a query may run (default 30)")
    sp.add_argument("--max-rows", type=int, default=100_000, help="rows a result may have (default 100000)")
    sp.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    sp.add_argument("--query-workers", type=int, default=2,
                    help="query processes for an on-disk store, each killed when its query passes --timeout "
                         "(default 2; 0 runs queries in threads, which a runaway query keeps busy)")
    sp.add_argument("--allow-update", action="store_true", help="accept SPARQL Update with the bearer token")
    sp.add_argument("--cors", default=None, help="Access-Control-Allow-Origin for reads ('' to disable; default "
                                                 "$TDKG_CORS_ORIGINS or *); updates follow $TDKG_CORS_WRITE_ORIGINS "
                                                 "(default: none)")
    return p


def _store_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("store options (before or after the command)")
    g.add_argument("--store", help="store folder, or sparql+http://HOST:PORT/PATH for an external SPARQL "
                                   "store (default: $TDKG_STORE or ./tdkg-store)")
    g.add_argument("--update-endpoint", help="external store: SPARQL Update URL if not the query URL "
                                             "(or $TDKG_UPDATE_ENDPOINT); credentials come from "
                                             "$TDKG_STORE_USER, $TDKG_STORE_PASSWORD, $TDKG_STORE_AUTH")
    g.add_argument("--graph-store", help="external store: Graph Store Protocol URL; loads then PUT each "
                                         "article's graph (or $TDKG_GRAPH_STORE)")


def _store(args, read_only: bool = False):
    """The store named by --store / $TDKG_STORE: a folder or sparql+http(s)://…"""
    from .graph.store import open_store
    return open_store(args.store, read_only=read_only, update_endpoint=args.update_endpoint,
                      graph_store=args.graph_store)


def cmd_load(args) -> int:
    from .loader import load
    store = _store(args)

    def show(o):
        if o.status in ("failed", "refused"):
            print(f"{o.status.upper()}: {o.path}: {o.message}", file=sys.stderr)
        for w in o.warnings:
            print(f"warning: {o.path}: {w}", file=sys.stderr)

    report = load(store, args.paths, validate=not args.no_validate, batch_size=args.batch,
                  skip_unchanged=args.skip_unchanged, progress=not args.quiet, graph=args.graph,
                  input_format=args.input_format, jobs=args.jobs, on_outcome=show)
    print(report.summary())
    if report.interrupted:
        return 130
    return 0 if report.ok else 1


def cmd_remove(args) -> int:
    from .loader import remove
    try:
        gone = remove(_store(args), args.articles, dry_run=args.dry_run)
    except KeyError as e:
        print(f"tdkg: error: {e.args[0]}; nothing removed", file=sys.stderr)
        return 2
    verb = "would remove" if args.dry_run else "removed"
    for iri, n in gone.graphs.items():
        print(f"{verb} {iri} ({n:,} triples)")
    for iri, label in gone.vanishing:
        print(f"  and {iri} ({label}), named by no other article")
    print(f"{verb} {len(gone.graphs)} article(s), {sum(gone.graphs.values()):,} triples")
    return 0


def cmd_upgrade(args) -> int:
    from .graph.store import open_store, store_path
    from .graph.upgrade import upgrade
    from .loader import progress_bar
    store = open_store(store_path(args.store), check=False)
    print(upgrade(store, lambda total: progress_bar(total, not args.quiet, "graph")))
    return 0


def cmd_extract(args) -> int:
    from .extract import extract_text
    from .graph.rdf import article_graph, standalone
    from .extract.reading import read_article
    path = Path(args.file)
    rec = extract_text(read_article(path), path.stem, path.name)
    if args.turtle:             # as a store holding only this article shows it
        sys.stdout.write(standalone(article_graph(rec)).serialize(format="turtle"))
    elif args.json:
        print(json.dumps(rec.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(f"article {rec.id}  home: {rec.home}  states: {', '.join(rec.countries)}")
        print(f"topics: {', '.join(rec.topics)}")
        for p in rec.persons:
            print(f"person  {p.label} ({p.country or '?'}) {' / '.join(p.roles)}")
        for o in rec.organizations:
            alt = f" [{', '.join(o.alt_labels)}]" if o.alt_labels else ""
            print(f"org     {o.label}{alt} ({o.country or 'international'})")
        for pl in rec.places:
            print(f"place   {pl.label}")
        names = {x.ref: x.label for x in (*rec.persons, *rec.organizations, *rec.places)}
        said = lambda refs: ", ".join(r.split(":", 1)[1] if r.startswith("country:") else names.get(r, r)  # noqa: E731
                                      for r in refs)
        for a in rec.agreements:
            print(f"accord  {a.type} {a.status}{' ' + a.date if a.date else ''}: parties {said(a.parties)}"
                  + (f"; signed by {said(a.signatories)}" if a.signatories else ""))
        for e in rec.engagements:
            print(f"event   {e.type}{' ' + e.date if e.date else ''}: with {said(e.participants)}"
                  + (f" at {said(e.places)}" if e.places else ""))
        for w in rec.warnings:
            print(f"warning: {w}")
    return 0


def cmd_stats(args) -> int:
    stats = _store(args, read_only=True).stats()
    width = max(map(len, stats))
    for k, v in stats.items():
        print(f"{k:<{width}}  {v:>10,}")
    return 0


def cmd_export(args) -> int:
    store = _store(args, read_only=True)
    if args.out:
        with open(args.out, "wb") as f:
            store.export(args.format, f)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        store.export(args.format, sys.stdout.buffer)
    return 0


def cmd_query(args) -> int:
    from .graph import queries
    from .graph.vocab import PREFIXES
    if args.list:
        for q in queries.saved_queries().values():
            print(f"{q.name}\n    {q.title}: {q.answers}")
            for p in q.params:
                print(f"    --param {p.name}=…  ({p.type}, default {p.default}) {p.doc}")
        return 0
    params = {}
    for kv in args.param:
        if "=" not in kv:
            raise queries.QueryError(f"--param {kv!r}: expected NAME=VALUE")
        k, v = kv.split("=", 1)
        params[k.strip()] = v
    if args.saved:
        q = queries.get(args.saved)
        text, subs = q.text, queries.bind(q, params)
    elif args.query:
        text = Path(args.query).read_text(encoding="utf-8") if args.query.endswith(".rq") \
            and Path(args.query).exists() else args.query
    else:
        raise queries.QueryError("give a query, --saved NAME or --list")
    store = _store(args, read_only=True)
    if args.saved:
        result = store.query(text, subs)
    else:                # the depth guard, and error positions in the user's own lines
        from .graph.sparql import query_with_prefixes
        result = query_with_prefixes(store, text, PREFIXES)
    _print_result(result, args.format)
    return 0


def cmd_validate(args) -> int:
    from . import validate as shacl
    from .graph.store import is_remote, store_path
    store = None
    if not args.no_store and (is_remote(store_path(args.store)) or Path(store_path(args.store)).exists()):
        store = _store(args, read_only=True)
    worst = 0
    for f in args.files:
        try:
            data = shacl.parse_rdf(f, args.input_format)
        except shacl.RdfInputError as e:
            print(f"tdkg: error: {e}", file=sys.stderr)
            worst = 2
            continue
        if store is not None:       # judged as `tdkg load` will: as the store will be after the load
            from .graph.vocab import CURATED_GRAPHS
            from .validate.curation import validate_curated
            rep = validate_curated(store, data, CURATED_GRAPHS + Path(f).stem, args.lang)
        else:
            rep = shacl.validate(data, lang=args.lang)
        if args.format == "turtle":
            sys.stdout.write(rep.graph.serialize(format="turtle"))
        elif args.format == "json":
            print(shacl.json_report(rep, data, args.lang, source=f))
        else:
            print(shacl.text_report(rep, data, args.lang, args.severity.capitalize(), source=f))
        if not rep.conforms:
            worst = max(worst, 1)
    return worst


def _network(args, bipartite: bool = False):
    from .analysis.measures import MEASURES, analyze, annotate
    from .analysis.network import build
    G = build(_store(args, read_only=True), args.network, bipartite=bipartite)
    if G.number_of_nodes() < 5_000 or not sys.stderr.isatty():
        results = analyze(G)
    else:                                   # seconds to a minute: show which measure runs
        from tqdm import tqdm
        with tqdm(total=len(MEASURES), unit="measure", file=sys.stderr,
                  desc=f"{G.number_of_nodes():,} nodes") as bar:
            results = analyze(G, on_measure=lambda name: (bar.set_postfix_str(name), bar.update()))
    annotate(G, results)
    return G, results


def cmd_analyze(args) -> int:
    from .analysis.measures import table
    G, results = _network(args)
    if args.sort not in results:
        raise ValueError(f"--sort {args.sort}: choose one of {', '.join(results)}")
    rows = table(G, results, sort_by=args.sort, top=args.top or None)
    if args.format == "json":
        print(json.dumps({"network": args.network, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                          "rows": rows}, ensure_ascii=False, indent=1))
        return 0
    if args.format == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(rows[0].keys() if rows else ["node"])
        for r in rows:
            w.writerow([f"{v:.6g}" if isinstance(v, float) else v for v in r.values()])
        return 0
    print(f"{args.network}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
    head = ["node", "label", "degree", "strength", "betweenness", "eigenvector", "pagerank", "closeness",
            "community"]
    print("  ".join(f"{h:>11}" if i > 1 else f"{h:<28}" for i, h in enumerate(head)))
    for r in rows:
        label = (r["label_en"] or r["label_ar"] or "")[:28]
        node = str(r["node"]).rsplit("/", 1)[-1][:28]
        nums = [r["degree"], r["strength"], r["betweenness"], r["eigenvector"], r["pagerank"],
                r["closeness"], r["community"]]
        print(f"{node:<28}  {label:<28}  " + "  ".join(
            f"{v:>11.4f}" if isinstance(v, float) else f"{v:>11}" for v in nums))
    return 0


def cmd_export_graph(args) -> int:
    from .analysis.gexf import write_csv, write_gexf
    G, _ = _network(args, bipartite=args.bipartite)
    out = Path(args.out)
    if args.format == "gexf":
        with open(out, "wb") as f:
            write_gexf(G, f)
    elif args.format == "graphml":
        import networkx as nx
        H = G.copy()                              # GraphML has no list type: "a|b|c"
        for d in [d for _, d in H.nodes(data=True)] + [d for _, _, d in H.edges(data=True)]:
            d.update({k: "|".join(map(str, v)) for k, v in d.items() if isinstance(v, (list, set, tuple))})
        nx.write_graphml(H, out)
    else:
        stem = out.with_suffix("") if out.suffix == ".csv" else out
        nodes, edges = Path(f"{stem}-nodes.csv"), Path(f"{stem}-edges.csv")
        with open(nodes, "wb") as fn, open(edges, "wb") as fe:
            write_csv(G, fn, fe)
        out = f"{nodes} and {edges}"
    print(f"wrote {out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges", file=sys.stderr)
    return 0


def cmd_plot(args) -> int:
    from .analysis.plot import draw
    G, _ = _network(args)
    fmt = Path(args.out).suffix.lstrip(".").lower()
    if fmt not in ("png", "svg"):
        raise ValueError(f"--out {args.out}: use a .png or .svg file name")
    with open(args.out, "wb") as f:
        draw(G, f, fmt=fmt, size_by=args.size_by)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from server import create_app
    from server.wsgi import serve
    store = _store(args, read_only=not args.allow_update)
    config = {"QUERY_TIMEOUT": args.timeout, "MAX_ROWS": args.max_rows, "ALLOW_UPDATE": args.allow_update,
              "QUERY_WORKERS": args.query_workers}
    if args.cors is not None:           # else TDKG_CORS_ORIGINS, else "*"
        config["CORS_ORIGINS"] = args.cors
    app = create_app(config, store=store)
    base = f"http://{args.host}:{args.port}"
    print(f"tdkg serving {store!r} at {base}/  (SPARQL endpoint {base}/sparql; Ctrl-C stops)")
    print(f"  curl '{base}/queries/partners-of-country.csv?country=EG'")
    print(f"  curl -H 'Accept: text/csv' --data-urlencode "
          f"'query=SELECT ?c ?n WHERE {{ ?c a <https://w3id.org/tdkg/ontology#Country> ; "
          f"<http://www.w3.org/2000/01/rdf-schema#label> ?n }} LIMIT 5' {base}/sparql", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads)    # connection limits, timeouts
    return 0


def _print_result(result, fmt: str) -> None:
    from .graph import oxigraph as ox
    form = "ASK" if isinstance(result, bool) else ox.result_form(result)
    if form == "ASK":
        print("true" if bool(result) else "false")
        return
    if form == "GRAPH":
        from rdflib import Graph
        from .graph.rdf import bind_prefixes
        g = Graph().parse(data=ox.serialize(result, ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
        sys.stdout.write(bind_prefixes(g).serialize(format="turtle"))
        return
    names = ox.variable_names(result)
    rows = [[(row[n].value if row[n] is not None else "") for n in names] for row in result]
    if fmt == "json":
        print(json.dumps([dict(zip(names, r)) for r in rows], ensure_ascii=False, indent=1))
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(names)
        w.writerows(rows)
    else:
        widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
        print("  ".join(n.ljust(w) for n, w in zip(names, widths)))
        print("  ".join("-" * w for w in widths))
        for r in rows:
            print("  ".join((c if len(c) <= 60 else c[:57] + "...").ljust(w) for c, w in zip(r, widths)))
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


if __name__ == "__main__":
    sys.exit(main())
