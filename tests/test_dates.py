"""Dates of accords and engagements: explicit ones at the precision the text gives, relative
ones resolved against the page's own date, none without an anchor (GOLD_FORMAT.md, "date")."""
from __future__ import annotations

import pytest
from rdflib import Literal
from rdflib.namespace import XSD

from kg.extract import extract_text
from kg.extract.dates import When, anchor_of, find_dates
from kg.graph.rdf import TDO, article_graph, standalone
from kg.validate import validate


@pytest.mark.parametrize("text, iso", [
    ("وقعت يوم الخميس 06 مارس 2025 بالرباط", "2025-03-06"),
    ("في 3 نونبر 2025", "2025-11-03"),                 # Moroccan month names
    ("يوم 12 تشرين الثاني 2024", "2024-11-12"),         # Levantine
    ("المبرمة في أوت 2003 بالجزائر", "2003-08"),        # Maghreb, month precision
    ("في جويليه 2019", "2019-07"),
    ("يومي 1 و2 أكتوبر 2025", "2025-10-01"),            # a span: its first day
    ("جريدة الوطن - الجمعة 8 -9- 2006", "2006-09-08"),  # a numeric page date
    ("بتاريخ ٢٩/٧/٢٠٢٥ في نيويورك", "2025-07-29"),     # Arabic-Indic digits
    ("المبرمة بين الطرفين منذ عام 2004", "2004"),
])
def test_explicit_dates(text, iso):
    assert [d.iso for d in find_dates(text)] == [iso]


@pytest.mark.parametrize("text, iso", [
    ("التقى اليوم الأربعاء وزير الاتصالات", "2025-11-12"),
    ("اجتمع أمس مع كبير الوزراء", "2025-11-11"),
    ("خلال زيارته أول أمس", "2025-11-10"),
    ("وكان قد التقى يوم الأحد الماضي", "2025-11-09"),
    ("يلتقي الثلاثاء المقبل", "2025-11-18"),
    ("الأربعاء الماضي", "2025-11-05"),                   # the same weekday: a week before
    ("الذي سيعقد بتاريخ 20 من الشهر الجاري", "2025-11-20"),
    ("خلال الشهر الماضي", "2025-10"),
    ("وقعت في العام الماضي", "2024"),
])
def test_relative_dates_resolve_against_the_anchor(text, iso):
    anchor = When(2025, 11, 12)                          # a Wednesday
    assert [d.iso for d in find_dates(text, anchor)] == [iso]


def test_relative_dates_need_an_anchor_and_vague_ones_give_none():
    assert find_dates("التقى اليوم الأربعاء وزير الاتصالات") == []
    assert find_dates("وقعت مؤخراً مذكرة تفاهم", When(2025, 11, 12)) == []
    assert find_dates("في 12 شعبان 1446 هـ") == []       # Hijri: not read as a Gregorian date
    assert anchor_of("وطنا اليوم\n12 نوفمبر 2025", []) == When(2025, 11, 12)
    assert anchor_of("الصفحة الرئيسية", ["احتضنت الرباط، اليوم الخميس 06 مارس 2025، مراسم"]) == When(2025, 3, 6)
    assert anchor_of("الصفحة الرئيسية", ["التقى الوزير نظيره"]) is None


PAGE = """وكالة الأنباء
السبت، 27 سبتمبر 2025 09:34 ص
التقى وزير الاتصالات المصري عمرو طلعت اليوم نظيره الأردني أحمد الهناندة في القاهرة لبحث التعاون في مجال الذكاء الاصطناعي.
وجاء اللقاء بعد زيارة الوزير إلى عمان في نوفمبر 2023، ومتابعة لمذكرة التفاهم الموقعة بين البلدين في مجال الأمن السيبراني منذ عام 2019.
"""


def test_items_take_their_dates_and_the_graph_keeps_the_precision():
    rec = extract_text(PAGE, "dates-demo")
    meeting = next(e for e in rec.engagements if e.type == "Meeting")
    assert meeting.date == "2025-09-27"                  # "اليوم" on the page of 27 September
    accord = next(a for a in rec.agreements if a.type == "MemorandumOfUnderstanding")
    assert accord.date == "2019"                         # the date nearest the accord word, a year
    g = article_graph(rec)
    dated = {str(o): o.datatype for o in g.objects(None, TDO.date)}
    assert dated["2025-09-27"] == XSD.date and dated["2019"] == XSD.gYear
    assert validate(standalone(g)).conforms              # the shapes take month and year precision
    g.add((next(g.subjects(TDO.date, Literal("2019", datatype=XSD.gYear))), TDO.date,
           Literal("2023-13", datatype=XSD.gYearMonth)))
    assert not validate(g).conforms                      # ill-typed, and two dates


def test_a_date_that_follows_another_accord_of_the_sentence_is_not_this_ones():
    """Issue 12, dates: in "وقع البلدان ملحقاً لمذكرة التفاهم المبرمة منذ عام 2012" the year
    follows the memorandum's cue, so the annex takes no date from it; the memorandum does."""
    from kg.extract.dates import date_of
    text = "وقع البلدان ملحقاً لمذكرة التفاهم المبرمة منذ عام 2012"
    cues = [(13, "CooperationAgreement"), (20, "MemorandumOfUnderstanding")]
    assert date_of([(text, cues)], {"CooperationAgreement"}, None, years=True) is None
    assert date_of([(text, cues)], {"MemorandumOfUnderstanding"}, None, years=True) == "2012"
