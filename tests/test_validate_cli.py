"""`tdkg validate` and the gate for curated RDF: exit codes, readable reports, nothing let in.

The CLI runs in process (``kg.cli.main``); the codes a real process exits with are checked in
tests/test_store_cli.py::test_exit_codes_of_a_real_process."""
from __future__ import annotations

import json

from rdflib import Graph

from kg.extract.identity import person_key
from kg.graph.vocab import person_iri
from conftest import ARTICLES, ROOT, cli

DATA = ROOT / "tests" / "data"
TALAAT = person_iri(person_key("عمرو طلعت", "EG"))       # a person the bundled articles name


def test_conforming_file_exits_0(loaded_store):
    r = cli("validate", DATA / "curated-ok.ttl", store=loaded_store)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "conforms: 0 violation(s)" in r.stdout


def test_violations_exit_1_with_a_report_people_can_act_on(loaded_store):
    r = cli("validate", DATA / "curated-bad.ttl", store=loaded_store)
    assert r.returncode == 1
    out = r.stdout
    # grouped under the focus node, with its Arabic label, the path, the value and the message
    assert "register-2024-17-1  «مذكرة تفاهم بين مصر والأردن في الأمن السيبراني»" in out
    assert "tdo:status  value: https://w3id.org/tdkg/ontology#Finished" in out
    assert "tdo:date  value: 12/03/2024" in out
    assert out.strip().splitlines()[-1].endswith("does not conform: 2 violation(s), 0 warning(s), 13 triples")
    ar = cli("validate", DATA / "curated-bad.ttl", "--lang", "ar", store=loaded_store).stdout
    assert ar != out and any("\u0600" <= c <= "\u06FF" for c in ar.split("value:")[1])
    # stable: the same report twice
    assert cli("validate", DATA / "curated-bad.ttl", store=loaded_store).stdout == out


def test_machine_reports(loaded_store):
    r = cli("validate", DATA / "curated-bad.ttl", "--format", "json", store=loaded_store)
    report = json.loads(r.stdout)
    assert report["conforms"] is False and report["violations"] == 2
    assert {x["path"].rsplit("#")[-1] for x in report["results"]} == {"status", "date"}
    r = cli("validate", DATA / "curated-bad.ttl", "--format", "turtle", store=loaded_store)
    g = Graph().parse(data=r.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert len(list(g.subjects(predicate=None, object=None))) and \
        any(str(o) == sh + "ValidationReport" for o in g.objects())


def test_unparseable_file_exits_2_naming_line(tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text('@prefix x: <http://x/> .\nx:a x:b x:c ;\n  x:d "unterminated .\n')
    r = cli("validate", bad, "--no-store")
    assert r.returncode == 2 and "broken.ttl: line 3" in r.stderr and "Traceback" not in r.stderr
    r = cli("validate", tmp_path / "missing.ttl", "--no-store")
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_store_context_knows_existing_nodes(loaded_store, tmp_path):
    """A party that the store knows as a person is accepted without restating its type."""
    f = tmp_path / "ctx.ttl"
    f.write_text((DATA / "curated-ok.ttl").read_text(encoding="utf-8").replace(
        "tdo:party country:EG, country:JO ;",
        f"tdo:party country:EG, country:JO, <{TALAAT}> ;"),
        encoding="utf-8")
    assert cli("validate", f, store=loaded_store).returncode == 0
    assert cli("validate", f, "--no-store").returncode == 1


def test_gate_refuses_whole_file_and_store_is_byte_for_byte_unchanged(tmp_path):
    store = tmp_path / "kg"
    cli("load", "--quiet", ARTICLES, store=store, check=True)
    before = cli("export", "--format", "nq", store=store, check=True).stdout
    r = cli("load", DATA / "curated-bad.ttl", store=store)
    assert r.returncode == 1 and "REFUSED" in r.stderr and "nothing stored" in r.stderr
    after = cli("export", "--format", "nq", store=store, check=True).stdout
    assert after == before
    # the corrected file goes in, into its own named graph, and replaces itself on reload
    r = cli("load", DATA / "curated-ok.ttl", store=store, check=True)
    assert "1 stored" in r.stdout
    q = ("SELECT ?g WHERE { GRAPH ?g { ?a a tdo:MemorandumOfUnderstanding ; tdo:party country:JO } }")
    r = cli("query", q, "--format", "csv", store=store, check=True)
    assert r.stdout.splitlines()[1] == "https://w3id.org/tdkg/resource/graph/curated/curated-ok"
    cli("load", DATA / "curated-ok.ttl", store=store, check=True)
    again = cli("export", "--format", "nq", store=store, check=True).stdout
    triples = len(Graph().parse(DATA / "curated-ok.ttl"))
    # the curated graph once, each triple also in the merge (the default graph) where no article
    # holds it; derived counts (a tallies graph) left aside
    def kept(nq):
        return [l for l in nq.splitlines() if "/graph/tallies>" not in l]
    added = set(kept(again)) - set(kept(before))
    assert set(kept(before)) <= set(kept(again))
    assert len([l for l in added if l.endswith("/graph/curated/curated-ok> .")]) == triples


def _one_error_line(r) -> str:
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    return lines[0]


def test_broken_turtle_gives_line_and_column_in_plain_words(tmp_path):
    cases = {"@prefix x: <http://x/> .\nx:a x:b x:c x:d .\n": ("line 2, column 13", "dot is expected"),
             "x:a x:b x:c .\n": ("line 1, column 1", "prefix x: has not been declared"),
             '@prefix x: <http://x/> .\nx:a x:b "مصر .\n': ("line 2, column 9", "")}
    for i, (text, (where, words)) in enumerate(cases.items()):
        f = tmp_path / f"b{i}.ttl"
        f.write_text(text, encoding="utf-8")
        line = _one_error_line(cli("validate", f, "--no-store"))
        assert where in line and words in line, line
        assert "b'" not in line and "\\n" not in line and "^" not in line, line
    nt = tmp_path / "b.nt"
    nt.write_text("<http://a> <http://b> <http://c> .\n<http://a> <http://b> .\n")
    assert "line 2, column 23" in _one_error_line(cli("validate", nt, "--no-store"))


def test_special_files_are_refused_in_one_line(tmp_path):
    import os
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)                       # opening it would block until a writer came: never
    assert "not a regular file (a FIFO)" in _one_error_line(cli("validate", fifo, "--no-store"))
    line = _one_error_line(cli("validate", "/dev/zero", "--no-store", "--input-format", "turtle"))
    assert "not a regular file (a character device)" in line
    assert "is a directory" in _one_error_line(cli("validate", tmp_path, "--no-store", "--input-format", "turtle"))


def test_remote_json_ld_context_is_refused_not_fetched(tmp_path, loaded_store):
    """A context given by reference would be fetched by rdflib (http://, file://, relative paths,
    @import, scoped contexts): `tdkg validate` and `tdkg load` refuse the file, naming it. The
    HTTP variant, with a server that records hits, is in tests/test_reliability.py."""
    secret = tmp_path / "ctx.jsonld"
    secret.write_text('{"@context": {"x": "http://x/"}}')
    docs = {
        "file": {"@context": secret.as_uri(), "@id": "http://x/a", "x:b": "c"},
        "relative": {"@context": "ctx.jsonld", "@id": "http://x/a", "x:b": "c"},
        "list": {"@context": [{"y": "http://y/"}, "https://example.org/ctx"], "@id": "http://x/a"},
        "import": {"@context": {"@version": 1.1, "@import": secret.as_uri()}, "@id": "http://x/a"},
        "scoped": {"@context": {"@version": 1.1, "t": {"@id": "http://x/t", "@context": secret.as_uri()}},
                   "@id": "http://x/a", "t": {"@id": "http://x/b"}},
        "nested": {"@id": "http://x/a", "http://x/p": {"@context": secret.as_uri(), "@id": "http://x/b"}},
    }
    for name, doc in docs.items():
        f = tmp_path / f"{name}.jsonld"
        f.write_text(json.dumps(doc))
        line = _one_error_line(cli("validate", f, "--no-store"))
        assert "JSON-LD context" in line and "fetches no URL" in line, (name, line)
        assert (secret.as_uri() in line) or ("example.org" in line) or ("ctx.jsonld" in line)
        r = cli("load", f, store=loaded_store)
        assert r.returncode != 0 and "JSON-LD context" in r.stdout + r.stderr, (name, r)
    inline = tmp_path / "inline.jsonld"                     # an inline context is fine
    inline.write_text(json.dumps({"@context": {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
                                  "@id": "http://x/a", "rdfs:label": "a"}))
    assert cli("validate", inline, "--no-store").returncode == 0
