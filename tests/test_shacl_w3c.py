"""The W3C SHACL core test suite through kg.validate.run_shacl, the project's one engine call,
and through each engine: pyrudof (with kg.validate.patches) must find what pyshacl finds.

Suite: ../shared/thirdparty/shacl-tests/tests/core (see its README.md; 98
sht:Validate tests, one per file, the file being at once manifest, data graph and
shapes graph unless mf:action names other files). As in the measured runner of
../shared/notes/external-components.md (Appendix B), a test passes when
sh:conforms and the number of top-level sh:result of the report node equal the
expected report's (sh:detail results are nested, not counted).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace
from rdflib.namespace import RDF

from conftest import SHARED, needs_shared
from kg.validate import engine, run_shacl

SH = Namespace("http://www.w3.org/ns/shacl#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
CORE = SHARED / "thirdparty" / "shacl-tests" / "tests" / "core"

# Tests of the suite that run_shacl is known to fail, by id (path under core/ without
# .ttl). Each must still fail, with either engine: one that starts passing fails
# test_w3c_shacl_core until it is removed from here.
KNOWN_FAILURES = {
    # pyshacl bug (0.40.1): sh:uniqueLang "1"^^xsd:boolean. Only the literal true
    # activates the constraint (SHACL 4.8.5: "If the value is not true, ..."),
    # pyshacl takes "1" for true and reports one violation where none is expected.
    # rudof 0.3 does the same (test_w3c_engines_agree).
    "property/uniqueLang-002",
}

no_suite = pytest.mark.skipif(not CORE.is_dir(), reason=f"the W3C SHACL core tests are not at {CORE}")


@dataclass
class Case:
    id: str
    data: Graph
    shapes: Graph
    conforms: bool
    results: int


@cache
def suite() -> list[Case]:
    out = []
    for f in sorted(p for p in CORE.rglob("*.ttl") if p.name != "manifest.ttl"):
        base = f.resolve().as_uri()
        g = Graph().parse(f, format="turtle", publicID=base)

        def load(iri, g=g, base=base) -> Graph:
            if str(iri) == base:
                return g
            return Graph().parse(Path(str(iri)[len("file://"):]), format="turtle", publicID=str(iri))

        for t in g.subjects(RDF.type, SHT.Validate):
            action, expected = g.value(t, MF.action), g.value(t, MF.result)
            out.append(Case(str(f.relative_to(CORE).with_suffix("")), load(g.value(action, SHT.dataGraph)),
                            load(g.value(action, SHT.shapesGraph)), g.value(expected, SH.conforms).toPython(),
                            len(list(g.objects(expected, SH.result)))))
    return out


def passes(case: Case, conforms: bool, report: Graph) -> bool:
    node = next(report.subjects(RDF.type, SH.ValidationReport))
    return conforms == case.conforms and case.results == len(list(report.objects(node, SH.result)))


def _run_suite(run) -> tuple[list[str], list[str]]:
    passed, failed = [], []
    for case in suite():
        (passed if passes(case, *run(case.data, case.shapes)) else failed).append(case.id)
    assert len(passed) + len(failed) >= 98, "fewer sht:Validate tests than the suite's 98: is the copy complete?"
    return passed, failed


def _check(passed: list[str], failed: list[str], what: str) -> None:
    unexpected = sorted(set(failed) - KNOWN_FAILURES)
    assert not unexpected, f"{what}: W3C SHACL core tests failing beyond the known ones: {unexpected}"
    fixed = sorted(KNOWN_FAILURES - set(failed))
    assert not fixed, f"{what}: known failures that now pass, remove them from KNOWN_FAILURES: {fixed}"


@needs_shared()
@no_suite
def test_w3c_shacl_core(capsys):
    passed, failed = _run_suite(run_shacl)
    with capsys.disabled():
        print(f"\nW3C SHACL core ({engine.shacl_engine()}): {len(passed)} passed, {len(failed)} failed"
              + "".join(f"\n  FAIL {t}" + ("  (known)" if t in KNOWN_FAILURES else "") for t in failed))
    _check(passed, failed, engine.shacl_engine())


def _no_fallback(*_args, **_kw):
    raise AssertionError("the pyrudof path fell back to pyshacl")


def result_keys(report: Graph) -> list:
    """Every top-level result: focus, path, value, shape, component, severity, source
    constraint (messages aside: each engine words its own defaults)."""
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, r) in report:
            continue
        keys = []
        for p in (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent,
                  SH.resultSeverity, SH.sourceConstraint):
            v = report.value(r, p)
            keys.append(v.n3() if isinstance(v, (Literal, BNode)) else str(v or ""))
        out.append(tuple(keys))
    return sorted(out)


@needs_shared()
@no_suite
def test_w3c_engines_agree(monkeypatch):
    """pyrudof (plain, with kg.validate.patches) gives pyshacl's report on every test of the
    suite, without falling back to pyshacl; and so the same verdicts."""
    if not engine._has_pyrudof():
        pytest.skip("no supported pyrudof installed")
    reference = {c.id: engine._run_pyshacl(c.data, c.shapes) for c in suite()}
    monkeypatch.setattr(engine, "_run_pyshacl", _no_fallback)
    monkeypatch.setenv("TDKG_SHACL_ENGINE", "pyrudof")
    differ = []
    for case in suite():
        c1, r1 = reference[case.id]
        c2, r2 = run_shacl(case.data, case.shapes)
        if (c1, result_keys(r1)) != (c2, result_keys(r2)):
            differ.append(case.id)
    assert not differ, f"pyrudof and pyshacl differ on W3C SHACL core tests: {differ}"
    _check(*_run_suite(run_shacl), "pyrudof")
