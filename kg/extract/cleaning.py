"""Article text -> cleaned text: page furniture removed before anything is extracted.

A news page carries its site name, the date of the page, the editor, menus,
ads, tag lists, share buttons, comment sections and lists of related news —
which name other states and ministers. Extraction must never see them.

The rules are layout rules plus the patterns of ``kg/data/furniture.tsv``:

- a *body* line is a real paragraph: long, or ending like a sentence;
- before the first body line only the headline survives (the last line of
  five words or more);
- after the last body line nothing survives but sentences;
- lines matched by a furniture pattern go; a related-news marker takes the
  headline-like lines after it with it; a comment-section marker ends the article.

>>> clean("موقع الخبر\\nرئيس التحرير فلان\\nوقع البلدان مذكرة تفاهم في مجال الاتصالات وتكنولوجيا المعلومات اليوم.\\nتعليقات القراء\\nمصر تلتقي تونس")
Cleaned(title='', paragraphs=['وقع البلدان مذكرة تفاهم في مجال الاتصالات وتكنولوجيا المعلومات اليوم.'], dateline='', signed='', site='موقع الخبر', head='موقع الخبر\\nرئيس التحرير فلان\\n')
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon
from .text import fold, strip_marks

_SENTENCE_END = re.compile(r"[.!؟?:»\"”)]\s*$")
# "الرياض - واس", "أنقرة (الأناضول) -", "تالين - 17 - 9 (كونا) --": a city, then an agency or date
# "تونس (وات) -", "الرياض - واس", "بغداد/ واع", "الجزائر - جدد …", "رام الله 26-3-2025 وفا- وقعت …",
# "الرياض 12 شعبان 1446 هـ … واس", "الدوحة في 22 أبريل /قنا/" (a city and a date; extract
# checks the city or the agency)
_DATELINE = re.compile(r"^\s*([^\W\d]+(?: [^\W\d]+)?)\s*(?:\(|[-–—/]|[،,]?\s*\d)")
_BULLET = re.compile(r"^\s*[•·\-*–—►▪■|]")
_WORD = re.compile(r"\w+")


@dataclass
class Cleaned:
    title: str
    paragraphs: list[str]
    dateline: str = ""          # "الرياض" of "الرياض - واس": where the story is filed from
    signed: str = ""            # the dateline's opening words, with the agency: "الرياض - واس"
    site: str = ""              # the page's masthead and copyright lines: who publishes it
    head: str = ""              # the lines before the body (furniture too): where the page's date is

    @property
    def text(self) -> str:
        return "\n".join(([self.title] if self.title else []) + self.paragraphs)


def _words(line: str) -> int:
    return len(_WORD.findall(line))


def is_body(line: str) -> bool:
    """A paragraph of the article rather than a header, menu item or headline."""
    n = _words(line)
    return n >= 14 or (n >= 7 and bool(_SENTENCE_END.search(line)))


def _listing(line: str) -> bool:
    """A body line that introduces a list ("… المحاور التالية:"), or one already taking its items."""
    return is_body(line) and (line.rstrip().endswith(":") or line.rstrip().endswith("،") and ":" in line)


def _furniture_kind(line: str) -> str | None:
    f = fold(line.strip())
    for kind, pattern in lexicon.furniture():
        if pattern.match(f):
            # a long real sentence that merely starts like a byline stays
            if kind == "line" and _words(line) > 25:
                continue
            return kind
    return None


def clean(text: str) -> Cleaned:
    """Remove page furniture; return the headline (if any) and the body paragraphs."""
    lines = [" ".join(strip_marks(l, keep_tanween=True).split()) for l in text.splitlines()]
    lines = [l for l in lines if l]
    kept: list[tuple[int, str]] = []
    in_related = False
    for i, line in enumerate(lines):
        kind = _furniture_kind(line)
        if kind == "end":
            break
        if kind == "related":
            in_related = True
            continue
        if in_related:
            # a related-news list is headlines, long ones too ("رئيس الوزراء … ويشهد توقيع مذكرة
            # تفاهم بين البلدين"): the body goes on only with a paragraph ending as a sentence
            if is_body(line) and _SENTENCE_END.search(line):
                in_related = False
            else:
                continue
        if _BULLET.match(line) and kind != "line" and kept and _listing(kept[-1][1]):
            # a list the body introduces ("وتخص المذكرة المحاور التالية:" then "– البنى التحتية
            # الرقمية"): its items belong to that sentence
            kept[-1] = (kept[-1][0], kept[-1][1] + " " + _BULLET.sub("", line).strip() + "،")
            continue
        if kind == "line" or _BULLET.match(line) and _words(line) < 14:
            continue
        kept.append((i, line))
    body_idx = [j for j, (_, l) in enumerate(kept) if is_body(l)]
    if not body_idx:
        # no paragraph at all: keep the longest lines so a short item still yields its facts
        return Cleaned("", [l for _, l in kept if _words(l) >= 5])
    first, last = body_idx[0], body_idx[-1]
    title = ""
    # a long headline without a full stop, a dateline line after it ("بغداد/ واع"): the title
    if len(body_idx) > 1 and not _SENTENCE_END.search(kept[first][1]) and any(
            _DATELINE.match(l) for _, l in kept[first + 1:first + 3]):
        title, first = kept[first][1], body_idx[1]
    dateline = signed = ""
    for _, l in [*kept[:first], kept[first]]:
        m = _DATELINE.match(l)
        if m:
            dateline, signed = m.group(1), " ".join(l.split()[:12])
    for _, l in reversed(kept[:first]):
        if title or _words(l) >= 5:
            title = title or l
            break
    middle = [l for _, l in kept[first:last + 1] if is_body(l) or _words(l) >= 5]
    copyright = lexicon.written("furniture.tsv", "site")
    site = " | ".join([lines[0]] * (_words(lines[0]) <= 8) + [l for l in lines if any(w in l for w in copyright)][:1])
    head = "\n".join(lines[:kept[first][0]] + [signed])
    return Cleaned(title, middle, dateline, signed, site, head)
