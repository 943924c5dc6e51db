"""The data files of kg/data are validated data: kg.extract.lexicon.check() finds no problem in
them, and finds each kind of problem in a small broken copy."""
from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import lexicon

HEADER = "table\tclass\tphrase\tvalue\treserved\tmeaning\n"


def test_shipped_data_has_no_problem():
    problems = lexicon.check()
    assert problems == [], "\n".join(map(str, problems))


def test_every_class_asked_for_by_the_code_is_declared():
    # the code asks for classes by name; check() reads them from kg/extract/*.py
    assert ("words.tsv", "time") in lexicon.classes()
    with pytest.raises(lexicon.UnknownClass):
        lexicon.words("words.tsv", "no_such_class")


def write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


@pytest.fixture
def broken(tmp_path: Path):
    data, onto, code = tmp_path / "data", tmp_path / "ontology", tmp_path / "code"
    for d in (data, onto, code):
        d.mkdir()
    write(data, "classes.tsv", HEADER
          + "words.tsv\tstop\tword\t-\tyes\ta stop word\n"
          + "words.tsv\tunused\tword\t-\tno\tdeclared, but no row has it\n"
          + "cues.tsv\taccord\tphrase\ttdo\tyes\tan accord\n"
          + "cues.tsv\tordinal\tphrase\tint\tyes\tan ordinal\n"
          + "topics.tsv\t<topic>\tphrase\t-\tyes\ta topic cue\n"
          + "furniture.tsv\tline\tregex\t-\tno\tdrop the line\n")
    write(data, "words.tsv", "# comment\n"
          + "stop\tإلى\n"
          + "stop\tالى\n"                 # line 3: repeats إلى after folding
          + "stop\tفي\textra\n"           # line 4: three columns in a two-column class
          + "stopp\tمن\n"                 # line 5: unknown class
          + "stop\tوزير الاتصالات\n")     # line 6: two words in a class of words
    write(data, "cues.tsv", "accord\tMemorandumOfUnderstanding\tمذكرة تفاهم\n"
          + "accord\tTreaty\tمعاهدة\n"     # line 2: no such tdo class
          + "ordinal\tsecond\tالثانية\n")  # line 3: not an integer
    write(data, "topics.tsv", "ai\tالذكاء الاصطناعي\n"
          + "quantum\tالحوسبة الكمومية\n")  # line 2: unknown topic code
    write(data, "furniture.tsv", "line\t(رييس التحرير\n")  # line 1: does not compile
    write(data, "countries.tsv", "iso2\tname_ar\nEG\tمصر\n")
    write(data, "places.tsv", "name_ar\tiso2\nالقاهرة\tEG\nطوكيو\tJP\nالجيزة\n")
    write(onto, "topics.ttl", 'topic:ai a skos:Concept ;\n    skos:notation "ai" .\n')
    write(onto, "tdkg.ttl", "tdo:MemorandumOfUnderstanding\n    a owl:Class .\n")
    write(code, "rules.py", 'from .lexicon import words\n\n'
          'def f(t):\n    return t in words("words.tsv", "stop") or t in words("words.tsv", "tme")\n')
    return lexicon.check(data, onto, code)


def problem(problems, file, line, words):
    return [p for p in problems if p.file == file and p.line == line and words in p.message]


@pytest.mark.parametrize("file, line, words", [
    ("words.tsv", 3, "repeats line 2 after letter folding"),
    ("words.tsv", 4, "3 columns; class stop has 2"),
    ("words.tsv", 5, "unknown class 'stopp'"),
    ("words.tsv", 6, "is not one word"),
    ("cues.tsv", 2, "no class of ontology/tdkg.ttl"),
    ("cues.tsv", 3, "not an integer"),
    ("topics.tsv", 2, "unknown topic code 'quantum'"),
    ("furniture.tsv", 1, "regex does not compile"),
    ("places.tsv", 3, "unknown country code 'JP'"),
    ("places.tsv", 4, "1 columns, not 2"),
    ("rules.py", 4, "unknown class 'tme' of words.tsv"),
    ("classes.tsv", 3, "class unused of words.tsv has no rows"),
])
def test_check_finds_each_kind_of_problem(broken, file, line, words):
    assert problem(broken, file, line, words), "\n".join(map(str, broken))


def test_check_reports_nothing_else(broken):
    assert len(broken) == 12, "\n".join(map(str, broken))


def test_check_reports_a_class_declared_twice_and_a_missing_table(tmp_path):
    write(tmp_path, "classes.tsv", HEADER + "words.tsv\tstop\tword\t-\tyes\tx\n"
          + "words.tsv\tstop\tword\t-\tyes\tx\n" + "nowhere.tsv\tx\tword\t-\tmaybe\tx\n")
    write(tmp_path, "words.tsv", "stop\tفي\n")
    messages = [p.message for p in lexicon.check(tmp_path, tmp_path, None)]
    assert any("declared twice" in m for m in messages)
    assert any("no table nowhere.tsv" in m for m in messages)
    assert any("reserved is 'maybe'" in m for m in messages)
