"""Dates in the text: explicit ones at the precision given, relative ones from the article's date.

News dates its events in several ways: a full date ("الخميس 06 مارس 2025", "8 -9- 2006"),
a month or a year for a recalled accord ("في أوت 2003", "منذ عام 2004"), or a day relative
to the page's date ("اليوم الأربعاء", "أمس", "يوم الأحد الماضي", "20 من الشهر الجاري").
Relative days are resolved only against an *anchor*: the page's own date (a line of its
header, or the dateline), else a full date the lead states; with none they give no date.
Month names of every region are the ``month`` class of ``kg/data/dates.tsv``.

The rules are tried in order on the folded text; a later rule never takes a span an
earlier one took:

>>> [d.iso for d in find_dates("وقعت يوم 4 أغسطس 2025 وتم في نونبر 2010")]
['2025-08-04', '2010-11']
>>> anchor = When(2025, 11, 12)
>>> [d.iso for d in find_dates("التقى اليوم الأربعاء وزير", anchor)]
['2025-11-12']
>>> [d.iso for d in find_dates("اجتمع أمس مع", When(2006, 9, 8))]
['2006-09-07']
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon
from .text import fold

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
YEARS = range(1950, 2101)


@dataclass(frozen=True)
class When:
    """A date at the precision the text gives: a year, a month of a year, or a day."""
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def date(self) -> dt.date | None:
        return dt.date(self.year, self.month, self.day) if self.day else None


@dataclass(frozen=True)
class DateMention:
    start: int            # character offsets in the folded text
    end: int
    when: When
    rule: str

    @property
    def iso(self) -> str:
        return self.when.iso


def _alt(cls: str) -> str:
    return "(?:" + lexicon.alternation("dates.tsv", cls) + ")"


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[str, re.Pattern, bool], ...]:
    """(name, pattern, needs an anchor), in the order they are tried."""
    month, of, year_word = "(" + _alt("month") + ")", _alt("date_of"), _alt("year_word")
    weekday, offset = "(" + _alt("weekday") + ")", "(" + _alt("day_offset") + ")"
    past, nxt, current = _alt("past"), _alt("next"), _alt("current")
    month_noun, year_noun, since = _alt("month_noun"), _alt("year_noun"), _alt("since")
    b, e = r"(?<![\w/])", r"(?!\w)"
    return (
        # "6 مارس 2025", "5 من مارس عام 2025", "يومي 1 و2 أكتوبر 2025", "22 أبريل /قنا/ 2025"
        ("day_month_year", re.compile(b + r"(\d{1,2})(?:\s*و\s*\d{1,2})*\s+(?:" + of + r"\s+)?" + month
                                      + r"(?:\s*/\s*\S+)?\s*[،,]?\s+(?:" + year_word + r"\s+)?(\d{4})" + e), False),
        # "26-3-2025", "8 -9- 2006", "06/03/2025"
        ("numeric", re.compile(b + r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*\2\s*(\d{4})" + e), False),
        # "2025-03-06"
        ("iso", re.compile(b + r"(\d{4})-(\d{1,2})-(\d{1,2})" + e), False),
        # "20 من الشهر الجاري"
        ("day_of_this_month", re.compile(b + r"(\d{1,2})\s+(?:" + of + r"\s+)?" + month_noun + r"\s+" + current + e),
         True),
        # "في نوفمبر 2010", "شهر أوت 2003"
        ("month_year", re.compile(b + month + r"\s*[،,]?\s+(?:" + year_word + r"\s+)?(\d{4})" + e), False),
        # "منذ عام 2004", "عام 2004", "العام 2019"
        ("year", re.compile(b + r"(?:" + since + r"\s+)?(?:" + year_word + "|" + year_noun + r")\s+(\d{4})" + e), False),
        # "اليوم الخميس", "أمس", "أول أمس"
        ("day_offset", re.compile(b + r"(?:يوم\s+)?" + offset + r"(?:\s+" + weekday + r")?" + e), True),
        # "يوم الأحد الماضي", "الثلاثاء المقبل", "يوم الأحد"
        ("weekday", re.compile(b + r"(?:يوم\s+)?" + weekday + r"(?:\s+(" + past + "|" + nxt + r"))?" + e), True),
        # "الشهر الجاري", "الشهر الماضي"
        ("this_month", re.compile(b + month_noun + r"\s+(" + current + "|" + past + ")" + e), True),
        # "العام الماضي"
        ("last_year", re.compile(b + year_noun + r"\s+(" + past + ")" + e), True),
    )


def _month_day(year: int, month: int, day: int | None) -> When | None:
    if year not in YEARS or not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            return None
    return When(year, month, day)


def _resolve(rule: str, m: re.Match, anchor: When | None) -> When | None:
    months, days = lexicon.values("dates.tsv", "month"), lexicon.values("dates.tsv", "weekday")
    offsets = lexicon.values("dates.tsv", "day_offset")
    if rule == "day_month_year":
        return _month_day(int(m.group(3)), months[m.group(2)], int(m.group(1)))
    if rule == "numeric":
        return _month_day(int(m.group(4)), int(m.group(3)), int(m.group(1)))
    if rule == "iso":
        return _month_day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if rule == "month_year":
        return _month_day(int(m.group(2)), months[m.group(1)], None)
    if rule == "year":
        year = int(m.group(1))
        return When(year) if year in YEARS else None
    if anchor is None or anchor.month is None:
        return None
    if rule == "this_month":
        if m.group(1) in lexicon.words("dates.tsv", "current"):
            return When(anchor.year, anchor.month)
        y, mo = (anchor.year, anchor.month - 1) if anchor.month > 1 else (anchor.year - 1, 12)
        return When(y, mo)
    if rule == "last_year":
        return When(anchor.year - 1)
    if rule == "day_of_this_month":
        return _month_day(anchor.year, anchor.month, int(m.group(1)))
    day = anchor.date()
    if day is None:
        return None
    if rule == "day_offset":
        return _of(day + dt.timedelta(days=offsets[m.group(1)]))
    # a weekday: the last one on or before the article's date; "الماضي" before it; "المقبل" after
    want, word = days[m.group(1)], m.group(2)
    back = (day.weekday() - want) % 7
    if word in lexicon.words("dates.tsv", "past"):
        back = back or 7
    elif word in lexicon.words("dates.tsv", "next"):
        return _of(day + dt.timedelta(days=(want - day.weekday()) % 7 or 7))
    return _of(day - dt.timedelta(days=back))


def _of(d: dt.date) -> When:
    return When(d.year, d.month, d.day)


def find_dates(text: str, anchor: When | None = None) -> list[DateMention]:
    """The dates a text states, in text order; relative ones only with an ``anchor``."""
    folded = fold(text).translate(_DIGITS)
    taken: list[tuple[int, int]] = []
    out = []
    for name, pattern, needs_anchor in _rules():
        if needs_anchor and anchor is None:
            continue
        for m in pattern.finditer(folded):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            when = _resolve(name, m, anchor)
            if when is not None:
                taken.append((m.start(), m.end()))
                out.append(DateMention(m.start(), m.end(), when, name))
    return sorted(out, key=lambda d: d.start)


def anchor_of(head: str, lead: list[str]) -> When | None:
    """The article's own date: a full date in the page's header lines or dateline, else the
    first full date the title or lead states ("احتضنت الرباط، اليوم الخميس 06 مارس 2025")."""
    for text in [head, *lead]:
        full = [d.when for d in find_dates(text) if d.when.day]
        if full:
            return full[0]
    return None


def date_of(sentences: list[tuple[str, list[tuple[int, str]]]], kinds: set[str], anchor: When | None, *,
            years: bool) -> str | None:
    """An item's date from its sentences, each given as (text, cues): the character offsets
    and kinds of the words in it that name accords and engagements ("MemorandumOfUnderstanding",
    "Visit" …); ``kinds`` are those that name the item. Of several dates in a sentence the item
    takes the first that follows a word naming it (before any other cue), else the one nearest
    to such a word, so in "زيارة الوزير في نوفمبر 2024 … مذكرة التفاهم
    الموقعة خلال زيارة الرئيس في يوليو 2024" the memorandum is July 2024. A year alone counts
    only where ``years`` (a recalled accord, "منذ عام 2004").

    >>> text = "زار الوزير صربيا في نوفمبر 2024 وتابع مذكرة التفاهم الموقعة في يوليو 2024"
    >>> date_of([(text, [(4, "Visit"), (42, "MemorandumOfUnderstanding")])], {"MemorandumOfUnderstanding"},
    ...         None, years=True)
    '2024-07'
    """
    for text, cues in sentences:
        found = [d for d in find_dates(text, anchor) if d.when.month is not None or years]
        if not found:
            continue
        own = [k for k, kind in cues if kind in kinds]
        if not own:
            return found[0].iso                 # nothing names the item here: the sentence's date
        # a date follows what it dates ("زيارة … في نوفمبر 2024"): the item's own, else the nearest
        governed = [d for d in found if max((c for c in cues if c[0] < d.start), default=(0, ""))[1] in kinds]
        if not governed and all(any(c[0] < d.start for c in cues) for d in found):
            continue                            # every date follows another item ("ملحقاً لمذكرة التفاهم
            #                                     المبرمة … منذ عام 2004": the memorandum's year)
        return (governed[0] if governed else min(found, key=lambda d: min(abs(d.start - k) for k in own))).iso
    return None
