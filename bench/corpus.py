"""Synthetic Arabic news about bilateral technology cooperation, for benchmarks.

    python bench/corpus.py --out DIR --n 10000 --seed 1

writes ``c000001.txt`` … (UTF-8), and ``from bench.corpus import generate``
yields ``(name, text)`` pairs lazily, one article at a time.

Every article is drawn from its own random generator seeded with
``(seed, index)``: the corpus is deterministic for a seed, streams in constant
memory, and the first 1,000 articles of a 10,000 corpus are the 1,000 corpus.

Articles are 150–400 words, built from 12 templates (signed MoU, framework
agreement, planned MoU, agreed cooperation, ministerial meeting, visit,
business forum, joint committee, company-as-party deal, domestic story with no
bilateral event, page furniture with a related-news list, Gulf / Levant /
Maghreb wording) over the real gazetteer (``kg/data/countries.tsv``:
names, demonyms, capitals; ``kg/data/places.tsv``: cities and venues),
generated person names, organisations, topic phrases and dates.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.extract.lexicon import records, split  # noqa: E402

# ---------------------------------------------------------------- word lists

GIVEN = """محمد أحمد محمود مصطفى عمرو عمر علي حسن حسين خالد عبدالله عبدالرحمن إبراهيم
يوسف سليمان هاني هشام هيثم وليد طارق سامح سامي سمير شريف رامي ماهر نبيل نادر ناصر
نزار فادي فؤاد فهد فيصل فراس كريم كمال مازن ماجد مراد مروان معتز منصور ياسر زياد
جمال جلال حمدي حازم حاتم أيمن أنس بسام باسل رائد سعيد عادل عماد غسان""".split()
GIVEN_F = "فاطمة مريم سارة ليلى هدى رانيا دينا نادية سلمى ريم هالة منى".split()
FAMILY = """طلعت السعدني العتيبي الشمري القحطاني الدوسري المنصوري الكعبي الهاشمي
النعيمي الزعبي الخطيب الحسيني البرغوثي الشريف العلوي بنكيران الفاسي بن علي
التونسي بوزيد الجزائري بلقاسم العمري الراشد الحمادي الفلاسي المهيري السويدي
الكبيسي المري الصباح العنزي الرفاعي الساعدي الجبوري العبيدي الدليمي حداد
نصار خوري عيسى سلامة المصري عبدالحميد شلبي فرج رمضان عاشور مرسي الشاذلي يعقوب
القاسمي الخياط الطويل النجار الحلبي الأتاسي المحمد درويش""".split()
FOREIGN = {  # transliterated full names, by region
    "ru": ["قنسطنطين نوسكوف", "ماكسيم بارشين", "ديمتري تشيرنيشينكو", "أليكسي ميلر",
           "سيرغي كرافتسوف", "فاليري فالكوف"],
    "cn": ["لي وي", "وانغ يي تشو", "تشانغ مينغ", "جين تشوانغ لونغ", "ليو هوا"],
    "jp_kr": ["كيم جونغ هو", "بارك سو يون", "تاكيشي ناكامورا", "هيروشي تاناكا", "لي جونغ هو"],
    "in": ["راجيف تشاندراسيكار", "أشويني فايشناو", "سانجاي كومار", "بريا شارما"],
    "asia": ["نغوين فان آن", "فهمي فاضل", "أنور إبراهيم", "سومتشاي وونغ", "رضوان أحمد"],
    "eu": ["جان لوك ماريه", "توماس مولر", "ماركو روسي", "آنا كوفالسكا", "بيتراس فينكايتيس",
           "لاورا جوبازيتي", "هانز يورغن", "إيلينا بتروفا", "ميكيل لارسن", "خوسيه غارسيا"],
    "af": ["كوابينا أوسي", "ندونغو ديوب", "أمادو كوليبالي", "موسى فاكي", "جون أوكيلو",
           "تشيدي أوكونكوو"],
    "tr_ir": ["محمد فاتح كاجير", "عمر فاروق", "عيسى زارع بور", "ستار هاشمي", "كاظم جلالي",
              "ميثم عابدي"],
    "am": ["مايكل جونسون", "ديفيد ميلر", "كارلوس سانتوس", "ماريا فرنانديز", "جيمس براون"],
}
FOREIGN_MORE = {  # more transliterated names, so that a region's states share few names
    "ru": "أندريه سوكولوف|نيكولاي بوبوف|إيفان ليبيديف|بافل كوزلوف|ميخائيل نوفيكوف|يوري موروزوف|أناتولي فولكوف|فلاديمير سولوفيوف|أولغا فاسيليفا|تاتيانا زايتسيفا|رومان بافلوف|إيغور سيميونوف".split("|"),
    "cn": "تشن جيان|يانغ هونغ|هوانغ لي|تشاو مين|وو هاي|تشو تاو|شو جون|صن يان|ما لين|قاو فنغ|لين بو|هي تشيانغ".split("|"),
    "jp_kr": "يوكي ساتو|كينجي سوزوكي|أكيرا واتانابي|ماساهيرو إيتو|جي هون تشوي|مين جون جونغ|سونغ هو كانغ|هيون وو يون|ناوكي ياماموتو|شين إيتشي كوباياشي".split("|"),
    "in": "أميت باتيل|فيجاي سينغ|سوريش ريدي|أنيل غوبتا|راهول ميهتا|ديباك جوشي|نيها أغاروال|كيران راو|أرجون نير|مانيش ياداف".split("|"),
    "asia": "ريزا سوانتو|بودي سانتوسو|أحمد زاهد|حسن بصري|تران مينه|فام كوانغ|سوفان سيتي|أريف حكيم|إمران خان|شفيق الرحمن|خوسيه ريزال|ماريا سانتوس".split("|"),
    "eu": "بيير دوبوا|كلاوس شميت|فرانشيسكو بيانكي|ياكوب نوفاك|سفين أندرسون|إريك يوهانسن|كارين هوفمان|جورج بابادوبولوس|يان دي فريس|لوكاس فاغنر|باولو كوستا|ماتيو لوفيفر".split("|"),
    "af": "إيمانويل أوكافور|صامويل موانغي|بيتر كاماو|عبدولاي سيسي|إبراهيما ديالو|غريس موغابي|فيليكس تشيسيكيدي|كوفي أنان|أولوسيغون أديمولا|بول كاغامي".split("|"),
    "tr_ir": "مصطفى وارانك|أحمد يلدز|علي رضا كريمي|حسين أميري|مهدي رضائي|فاطمة دميرتاش|كمال أوغلو|رضا أحمدي|محسن نوري|بولنت أرسلان".split("|"),
    "am": "روبرت ويليامز|جينيفر ديفيس|خوان رودريغيز|لويز سيلفا|أنطونيو غوميز|سارة ويلسون|دانيال مارتينيز|بيدرو ألفيس|كيفن تومسون|لورا غارسيا".split("|"),
}
for _region, _names in FOREIGN_MORE.items():
    FOREIGN[_region] = FOREIGN[_region] + _names
REGION = {**{c: "ru" for c in "RU BY KZ UZ KG TJ AM AZ".split()},
          **{c: "asia" for c in "ID MY SG VN TH PK BD LK PH".split()},
          "CN": "cn", "JP": "jp_kr", "KR": "jp_kr", "IN": "in",
          **{c: "eu" for c in "FR DE IT ES GB NL BE SE FI NO DK PL LT LV EE GR CY PT AT CH HU CZ RO "
                              "BG UA IE".split()},
          **{c: "af" for c in "NG GH KE ET SN CI ZA RW TZ UG CM".split()},
          **{c: "tr_ir" for c in "TR IR".split()},
          **{c: "am" for c in "US CA BR MX AR CL CO".split()}}
ARAB = set("AE BH DZ EG IQ JO KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split())
GULF = set("AE BH KW OM QA SA".split())
LEVANT = set("SY LB JO PS IQ".split())
MAGHREB = set("MA DZ TN LY MR".split())
# countries the Arabic tech press writes about most: drawn 6× more often than the rest
FREQUENT = set("""AE BH DZ EG IQ JO KW LB LY MA MR OM PS QA SA SD SY TN YE CN RU US IN TR FR DE
GB JP KR IT ES IR PK MY ID SG BR ZA NG KE ET UA KZ UZ AZ BY HU GR CY SE FI EE LT""".split())

MINISTRIES = ["وزارة الاتصالات وتكنولوجيا المعلومات", "وزارة الاقتصاد الرقمي والريادة",
              "وزارة التحول الرقمي", "وزارة التنمية الرقمية والاتصالات",
              "وزارة الاتصالات والتقنية", "وزارة البريد والمواصلات السلكية واللاسلكية",
              "وزارة الرقمنة والإصلاح الإداري", "وزارة الاتصالات والاقتصاد الرقمي"]
MINISTERS = {  # the minister's title for each ministry
    "وزارة الاتصالات وتكنولوجيا المعلومات": "وزير الاتصالات وتكنولوجيا المعلومات",
    "وزارة الاقتصاد الرقمي والريادة": "وزير الاقتصاد الرقمي والريادة",
    "وزارة التحول الرقمي": "وزير التحول الرقمي",
    "وزارة التنمية الرقمية والاتصالات": "وزير التنمية الرقمية والاتصالات",
    "وزارة الاتصالات والتقنية": "وزير الاتصالات والتقنية",
    "وزارة البريد والمواصلات السلكية واللاسلكية": "وزير البريد والمواصلات السلكية واللاسلكية",
    "وزارة الرقمنة والإصلاح الإداري": "وزير الرقمنة والإصلاح الإداري",
    "وزارة الاتصالات والاقتصاد الرقمي": "وزير الاتصالات والاقتصاد الرقمي",
}
AUTHORITIES = ["هيئة تنظيم الاتصالات", "هيئة تنمية صناعة تكنولوجيا المعلومات",
               "هيئة الحكومة الرقمية", "هيئة الأمن السيبراني", "الهيئة الوطنية للأمن السيبراني",
               "هيئة البريد", "هيئة البيانات والذكاء الاصطناعي"]
UNIONS = ["اتحاد شركات أنظمة المعلومات", "اتحاد الصناعات الرقمية", "اتحاد مصارف التكنولوجيا",
          "اتحاد شركات الاتصالات", "الاتحاد الوطني للتكنولوجيا الرقمية"]
CENTRES = ["مركز الإبداع التكنولوجي", "مركز الابتكار الرقمي", "معهد تكنولوجيا المعلومات",
           "أكاديمية الذكاء الاصطناعي", "مركز البيانات الوطني"]
COMPANY = ["نوفا تك", "سمارت لينك", "ديجيتال بريدج", "كلاود ون", "سايبر شيلد", "داتا فيرست",
           "نت ويف", "إنفو سيستمز", "تك فيوجن", "ألفا نتوركس", "بايت لاين", "كيو سوفت",
           "ميغا داتا", "أوربت كوم", "فيوتشر بيت", "زين سولوشنز", "إيكو نت", "سيغما سوفت"]

TOPICS = ["الذكاء الاصطناعي", "الأمن السيبراني", "الجيل الخامس", "التحول الرقمي",
          "الحوسبة السحابية", "المدن الذكية", "الحكومة الإلكترونية", "البنية التحتية الرقمية",
          "التكنولوجيا المالية", "بناء القدرات", "الخدمات البريدية", "الهوية الرقمية",
          "مراكز البيانات", "الألياف الضوئية", "تكنولوجيا المعلومات والاتصالات",
          "البيانات الضخمة", "المهارات الرقمية", "الكابلات البحرية", "الدفع الإلكتروني"]
TOPICS_LEVANT = ["تقانة المعلومات", "الحكومة الإلكترونية", "الأمن السيبراني", "التحول الرقمي",
                 "الاتصالات", "الخدمات البريدية"]
TOPICS_MAGHREB = ["الرقمنة", "الانتقال الرقمي", "الإدارة الإلكترونية", "الذكاء الاصطناعي",
                  "الأمن السيبراني", "المعلوماتية"]

MONTHS = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر",
          "أكتوبر", "نوفمبر", "ديسمبر"]
MONTHS_LEVANT = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                 "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"]
MONTHS_MAGHREB = ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر",
                  "أكتوبر", "نوفمبر", "ديسمبر"]
WEEKDAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "السبت"]
SITES = ["موقع السلطة", "بوابة الأخبار", "الوفاق", "صدى التقنية", "البوابة الرقمية", "الخبر اليوم",
         "أخبار التكنولوجيا", "المرصد"]


# ---------------------------------------------------------------- gazetteer

@dataclass(frozen=True)
class Land:
    iso: str
    name: str
    demonym: str          # masculine singular, no article
    capital: str
    cities: tuple[str, ...]

    def dem(self, fem: bool = False, definite: bool = True) -> str:
        """The demonym inflected: المصري، المصرية، مصرية; الكوري الجنوبي; الجنوب أفريقية."""
        words = self.demonym.split()
        if len(words) == 2 and words[0] == "جنوب":          # جنوب أفريقي: last word inflects
            words = [words[0], words[1] + ("ة" if fem else "")]
            return ("ال" if definite else "") + " ".join(words)
        words = [w + ("ة" if fem else "") for w in words]   # كوري جنوبي: every word inflects
        return " ".join(("ال" if definite else "") + w for w in words)


@lru_cache(maxsize=1)
def lands() -> tuple[list[Land], list[float]]:
    """Countries with a name, a demonym and a capital, and their drawing weights."""
    cities: dict[str, list[str]] = {}
    for r in records("places.tsv"):
        if r["kind"] in ("city", "venue", "governorate"):
            cities.setdefault(r["iso2"], []).append(r["name_ar"])
    out, weights = [], []
    for r in records("countries.tsv"):
        dems, caps = split(r.get("demonyms_ar", "")), split(r.get("capitals_ar", ""))
        if not dems or not caps or not r["name_ar"]:
            continue
        out.append(Land(r["iso2"], r["name_ar"], dems[0], caps[0],
                        tuple(cities.get(r["iso2"], [])) or (caps[0],)))
        weights.append(6.0 if r["iso2"] in FREQUENT else 1.0)
    return out, weights


# ---------------------------------------------------------------- entities of one article

@dataclass
class Person:
    name: str
    title: str
    honorific: str

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    def full(self, with_title: bool = True) -> str:
        h = self.honorific + " " if self.honorific else ""
        return f"{h}{self.name}" + (f" {self.title}" if with_title and self.title else "")


class Ctx:
    """Everything one article talks about, drawn from its own generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        pool, weights = lands()
        self.A = rng.choices(pool, weights)[0]
        self.B = self.A
        while self.B.iso == self.A.iso:
            self.B = rng.choices(pool, weights)[0]
        self.C = rng.choices(pool, weights)[0]          # a third state for related news
        iso = self.A.iso
        self.variant = ("gulf" if iso in GULF else "levant" if iso in LEVANT
                        else "maghreb" if iso in MAGHREB else "standard")
        self.minA = rng.choice(MINISTRIES)
        self.minB = rng.choice(MINISTRIES)
        self.pA = self.person(self.A, MINISTERS[self.minA])
        self.pB = self.person(self.B, MINISTERS[self.minB] + " " + self.B.dem())
        self.pA2 = self.person(self.A, rng.choice(["رئيس ", "نائب رئيس "]) + rng.choice(AUTHORITIES))
        self.amb = self.person(self.B, f"سفير {self.B.name} لدى {self.A.name}")
        self.authA = rng.choice(AUTHORITIES)
        self.authB = rng.choice(AUTHORITIES)
        self.unionA = rng.choice(UNIONS)
        self.unionB = rng.choice(UNIONS)
        self.centre = rng.choice(CENTRES)
        self.coA, self.coB = rng.sample(COMPANY, 2)
        topics = TOPICS + (TOPICS_LEVANT if self.variant == "levant" else
                           TOPICS_MAGHREB if self.variant == "maghreb" else [])
        self.t1, self.t2, self.t3 = rng.sample(topics, 3)
        self.city = rng.choice(self.A.cities)
        self.year = rng.randint(2015, 2025)
        self.day = rng.randint(1, 28)
        self.month = rng.randint(0, 11)
        self.weekday = rng.choice(WEEKDAYS)
        self.site = rng.choice(SITES)

    def person(self, land: Land, title: str) -> Person:
        """The holder of an office (a state and a title) in one of its three terms: the same
        few people recur across articles, and one name in two states is as rare as in real news
        (a cast drawn per office, not a name per article; the article draws only the term and
        the honorific)."""
        term = self.rng.randrange(3)
        r = random.Random(f"{land.iso}|{title}|{term}")          # str seeds are stable across runs
        if land.iso in ARAB or land.iso not in REGION:
            fem = r.random() < 0.15
            name = f"{r.choice(GIVEN_F if fem else GIVEN)} {r.choice(FAMILY)} {r.choice(FAMILY)}"
            if fem:
                title = re.sub(r"^(وزير|سفير|رئيس|نائب) ", lambda m: {"وزير": "وزيرة ", "سفير": "سفيرة ",
                               "رئيس": "رئيسة ", "نائب": "نائبة "}[m.group(1)], title)
        else:
            names = FOREIGN[REGION[land.iso]]
            firsts, lasts = [n.split()[0] for n in names], [n.split()[-1] for n in names]
            name = f"{r.choice(firsts)} {r.choice(firsts + lasts)} {r.choice(lasts)}"
        hon = self.rng.choice(["الدكتور", "المهندس", "السيد", "", ""])
        if land.iso in GULF:
            hon = self.rng.choice(["معالي", "سعادة", "الشيخ", ""])
        if name.split()[0] in GIVEN_F:
            hon = {"الدكتور": "الدكتورة", "المهندس": "المهندسة", "السيد": "السيدة"}.get(hon, "")
        return Person(name, title, hon)

    def date(self) -> str:
        months = (MONTHS_LEVANT if self.variant == "levant" else
                  MONTHS_MAGHREB if self.variant == "maghreb" else MONTHS)
        return f"{self.day} {months[self.month]} {self.year}"

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


# ---------------------------------------------------------------- templates: (title, paragraphs)

def t_mou_signed(c: Ctx):
    title = f"{c.A.name} و{c.B.name} توقعان مذكرة تفاهم في مجال {c.t1}"
    return title, [
        f"وقعت {c.A.name} و{c.B.name}، يوم {c.weekday} {c.date()}، مذكرة تفاهم للتعاون في مجال "
        f"{c.t1} و{c.t2}، وقعها عن الجانب {c.A.dem()} {c.pA.full()}، وعن الجانب {c.B.dem()} "
        f"{c.pB.full()}، وذلك في {c.city}.",
        f"وتهدف المذكرة إلى تعزيز التعاون المشترك بين البلدين في مجالات {c.t1} و{c.t3}، وتبادل "
        f"الخبرات والتجارب الناجحة، وتشجيع الشركات العاملة في القطاع على إقامة شراكات جديدة.",
        f"وقال {c.pA.surname} إن توقيع مذكرة التفاهم يأتي في إطار حرص {c.A.name} على توسيع "
        f"علاقاتها مع {c.B.name} في قطاع الاتصالات وتكنولوجيا المعلومات.",
    ]


def t_framework(c: Ctx):
    title = f"اتفاقية إطارية بين {c.unionA} و{c.unionB} {c.B.dem()}"
    return title, [
        f"وقع {c.unionA} {c.A.dem()} و{c.unionB} في {c.B.name} اتفاقية إطارية للتعاون في مجال "
        f"{c.t1}، برعاية {c.minA}، في مقر الاتحاد بمدينة {c.city}.",
        f"وجرى التوقيع بحضور {c.amb.full()}، ورئيس {c.authA} {c.pA2.name}، إلى جانب عدد من "
        f"ممثلي الشركات الأعضاء في الاتحادين.",
        f"وتنص الاتفاقية الإطارية على تشبيك شركات القطاع بين البلدين، وتنظيم زيارات متبادلة "
        f"للوفود التجارية، والتعاون في مجالي {c.t2} و{c.t3}.",
    ]


def t_planned_mou(c: Ctx):
    title = f"{c.A.name} و{c.B.name} تعتزمان توقيع مذكرة تفاهم في {c.t1}"
    return title, [
        f"بحث {c.pA.full()} مع {c.pB.full()} سبل تعزيز التعاون بين {c.A.name} و{c.B.name} في "
        f"مجال {c.t1}، وذلك خلال اتصال مرئي جرى يوم {c.weekday} الماضي.",
        f"وأكد الجانبان رغبتهما في صياغة أوجه التعاون في إطار مذكرة تفاهم مشتركة يقوم الوزيران "
        f"بالتوقيع عليها في أقرب فرصة ممكنة، على أن تشمل مجالات {c.t2} و{c.t3}.",
        f"ومن المقرر أن يتم توقيع المذكرة خلال زيارة مرتقبة للوزير {c.B.dem()} إلى {c.A.capital} "
        f"في {c.date()}.",
    ]


def t_agreed(c: Ctx):
    title = f"{c.A.name} تتفق مع {c.B.name} على التعاون في مجال {c.t1}"
    return title, [
        f"اتفقت {c.A.name} و{c.B.name} على التعاون في مجال {c.t1}، وفق ما أعلنه {c.pA.full()} "
        f"عقب لقائه {c.pB.full()} في {c.A.capital}.",
        f"وقال {c.pA.surname} في تصريح صحفي: اتفقنا على التعاون بين البلدين في مجال {c.t2}، "
        f"وعلى متابعة النتائج من خلال فرق عمل فنية من الجانبين.",
        f"من جهته، أعرب الوزير {c.B.dem()} عن استعداد بلاده لنقل خبراتها في مجال {c.t3}.",
    ]


def t_meeting(c: Ctx):
    title = f"لبحث التعاون.. {c.pA.title} يجتمع بنظيره {c.B.dem()}"
    return title, [
        f"استقبل {c.pA.full()} بمكتبه في {c.city} {c.pB.full()}، وذلك يوم {c.weekday} "
        f"{c.date()}، لبحث سبل تعزيز التعاون في مجال {c.t1}.",
        f"وفي بداية اللقاء أكد {c.pA.surname} على عمق العلاقات التي تربط بين {c.A.name} و"
        f"{c.B.name} على كافة الأصعدة، مشيرا إلى أهمية تعزيز التعاون المشترك بين البلدين في "
        f"مجالات {c.t2} و{c.t3}.",
        f"وتناول اللقاء فرص الاستثمار المتاحة أمام الشركات {c.B.dem(fem=True)}، وبرامج التدريب "
        f"التي يقدمها {c.centre} للكوادر الشابة.",
    ]


def t_visit(c: Ctx):
    title = f"{c.pB.title} يزور {c.A.name} لبحث التعاون الرقمي"
    return title, [
        f"بدأ {c.pB.full()} زيارة رسمية إلى {c.A.name} تستمر ثلاثة أيام، يلتقي خلالها عددا من "
        f"المسؤولين في قطاع الاتصالات وتكنولوجيا المعلومات.",
        f"وزار الوزير {c.B.dem()} والوفد المرافق له {c.city}، حيث اطلع على تجربة {c.authA} في "
        f"مجال {c.t1}، واستمع إلى شرح حول مشروعات {c.t2}.",
        f"وتأتي الزيارة تلبية لدعوة من {c.pA.full()}، وفي إطار تعزيز العلاقات بين البلدين "
        f"الصديقين، وتبادل الخبرات في مجال {c.t3}.",
    ]


def t_forum(c: Ctx):
    title = f"انطلاق ملتقى الأعمال {c.A.dem()[2:]} {c.B.dem()[2:]} للتكنولوجيا في {c.city}"
    return title, [
        f"انطلقت في {c.city} أعمال ملتقى الأعمال {c.A.dem()} {c.B.dem()} لتكنولوجيا المعلومات، "
        f"بمشاركة أكثر من {c.rng.randint(12, 60)} شركة من البلدين، برئاسة {c.pA.full()} و"
        f"{c.pB.full()}.",
        f"وتضمن الملتقى لقاءات ثنائية بين الشركات {c.A.dem(fem=True)}[و]{c.B.dem(fem=True)} لبحث "
        f"فرص الشراكة في مجالات {c.t1} و{c.t2} و{c.t3}.".replace("[و]", " ونظيرتها "),
        f"وأكد {c.pA.surname} أن الملتقى يمثل منصة مهمة لتعزيز التبادل التجاري بين {c.A.name} و"
        f"{c.B.name}، وفتح أسواق جديدة أمام الشركات الناشئة.",
    ]


def t_committee(c: Ctx):
    title = f"اللجنة المشتركة بين {c.A.name} و{c.B.name} تبحث التعاون في {c.t1}"
    return title, [
        f"عقدت اللجنة المشتركة للتعاون في مجال الاتصالات وتكنولوجيا المعلومات بين {c.A.name} "
        f"و{c.B.name} اجتماعها الخامس في {c.A.capital}، برئاسة {c.pA2.full()} و{c.amb.full()}.",
        f"وناقش الاجتماع مشروعات مشتركة في مجالات {c.t1} و{c.t2}، واتفق الجانبان على تشكيل "
        f"مجموعة عمل فنية لمتابعة تنفيذ مخرجات الاجتماع.",
        f"وأشار {c.pA2.surname} إلى أن اجتماعات اللجنة المشتركة تعقد بشكل دوري بالتناوب بين "
        f"{c.A.capital} و{c.B.capital}.",
    ]


def t_company(c: Ctx):
    title = f"شركة {c.coA} توقع اتفاقية مع شركة {c.coB} {c.B.dem(fem=True)}"
    return title, [
        f"وقعت شركة {c.coA} {c.A.dem(fem=True)} اتفاقية تعاون مع شركة {c.coB} "
        f"{c.B.dem(fem=True)} لتطوير حلول {c.t1} في أسواق المنطقة، وذلك بحضور {c.pA.full()}.",
        f"ووقع الاتفاقية عن شركة {c.coA} رئيسها التنفيذي {c.pA2.name}، وعن شركة {c.coB} "
        f"{c.amb.name}، في مقر الشركة بمدينة {c.city}.",
        f"وتشمل الاتفاقية نقل التكنولوجيا وتدريب المهندسين في مجالي {c.t2} و{c.t3}، وإنشاء "
        f"مركز إقليمي للبحث والتطوير خلال العام المقبل.",
    ]


def t_domestic(c: Ctx):
    title = f"{c.minA} تطلق مبادرة وطنية في مجال {c.t1}"
    return title, [
        f"أطلقت {c.minA} في {c.A.name} مبادرة وطنية جديدة في مجال {c.t1}، تستهدف تدريب آلاف "
        f"الشباب على {c.t2} خلال السنوات الثلاث المقبلة.",
        f"وقال {c.pA.full()} إن المبادرة تأتي ضمن استراتيجية الدولة للتحول الرقمي، وتسعى إلى "
        f"رفع كفاءة الخدمات المقدمة للمواطنين في {c.city} وسائر المحافظات.",
        f"وأضاف أن {c.authA} ستتولى متابعة التنفيذ بالتنسيق مع الجامعات والقطاع الخاص، مع "
        f"التركيز على {c.t3}.",
    ]


def t_furniture(c: Ctx):
    """A page as scraped: site header, editor, breadcrumbs, related news, comments."""
    title, paras = c.rng.choice([t_mou_signed, t_meeting, t_agreed])(c)
    header = [c.site, f"{c.weekday}، {c.date()} 10:{c.rng.randint(10, 59)} صباحا",
              f"رئيس التحرير {c.rng.choice(GIVEN)} {c.rng.choice(FAMILY)}", "الرئيسية » تكنولوجيا", ""]
    return title, paras, header, [
        "اقرأ أيضا",
        f"{c.C.name} تطلق استراتيجية وطنية لتقنيات {c.t2}",
        f"وزير خارجية {c.C.name} يستقبل نظيره {c.B.dem()}",
        f"توقيع مذكرة تفاهم بين {c.C.name} و{c.A.name} في الطاقة",
        "شارك الخبر", "فيسبوك", "تويتر", "واتساب",
        "تعليقات القراء",
        f"التعليقات المنشورة لا تعبر عن رأي {c.site} وإنما تعبر عن رأي أصحابها",
    ]


def t_regional(c: Ctx):
    """Gulf, Levant or Maghreb wording, depending on the home state."""
    if c.variant == "gulf":
        title = f"{c.A.name} و{c.B.name} توقعان مذكرة تعاون في {c.t1}"
        return title, [
            f"وقع {c.pA.full()} و{c.pB.full()} مذكرة تعاون بين {c.authA} في {c.A.name} و{c.authB} "
            f"في {c.B.name}، وذلك على هامش أعمال المعرض الدولي للتقنية في {c.city} بتاريخ {c.date()}.",
            f"وتأتي المذكرة في إطار رؤية {c.A.name} لبناء اقتصاد رقمي متنوع، وتشمل التعاون في "
            f"مجالات {c.t2} و{c.t3} وتبادل الكفاءات الوطنية.",
            f"وثمن سعادة {c.amb.name} الشراكة بين البلدين الصديقين، مؤكدا حرص بلاده على دعم "
            f"مسيرة التحول الرقمي.",
        ]
    if c.variant == "levant":
        title = f"مباحثات {c.A.dem()[2:]} {c.B.dem()[2:]} حول تقانة المعلومات"
        return title, [
            f"بحث {c.pA.full()} مع {c.amb.full()} آفاق التعاون في مجال تقانة المعلومات و{c.t1}، "
            f"وذلك خلال لقاء جرى في مبنى الوزارة في {c.A.capital} في {c.date()}.",
            f"وتناولت المباحثات إمكانية توقيع بروتوكول تعاون بين {c.authA} ونظيرتها في {c.B.name} "
            f"في مجال {c.t2}، وتبادل الخبرات في {c.t3}.",
            f"وأشار {c.pA.surname} إلى أن الوزارة تعمل على تأهيل الكوادر الوطنية وتطوير البنى "
            f"التحتية للاتصالات رغم الظروف الصعبة.",
        ]
    if c.variant == "maghreb":
        title = f"{c.A.name}-{c.B.name}: اتفاقية للتعاون في مجال الرقمنة"
        return title, [
            f"أشرف {c.pA.full()} رفقة {c.pB.full()} على مراسم توقيع اتفاقية تعاون في مجال "
            f"الرقمنة و{c.t1} بين {c.A.name} و{c.B.name}، يوم {c.weekday} {c.date()} بمقر الوزارة.",
            f"وتندرج هذه الاتفاقية في إطار تعزيز الانتقال الرقمي وتطوير الإدارة الإلكترونية، "
            f"وتشمل مجالات {c.t2} و{c.t3} وتكوين الإطارات.",
            f"وأكد {c.pA.surname} أن الشراكة مع {c.B.name} ستمكن المؤسسات الناشئة من ولوج "
            f"أسواق جديدة.",
        ]
    return t_mou_signed(c)


TEMPLATES = {
    "mou_signed": t_mou_signed, "framework": t_framework, "planned_mou": t_planned_mou,
    "agreed": t_agreed, "meeting": t_meeting, "visit": t_visit, "forum": t_forum,
    "committee": t_committee, "company": t_company, "domestic": t_domestic,
    "furniture": t_furniture, "regional": t_regional,
}

FILLERS = [
    "وأكد {pA} أن قطاع الاتصالات وتكنولوجيا المعلومات يعد من أسرع القطاعات نموا، وأن "
    "الاستثمار في {t} أصبح ضرورة لتحقيق التنمية المستدامة وخلق فرص عمل جديدة للشباب.",
    "وأوضح أن الحكومة تعمل على تهيئة البيئة التشريعية المناسبة لجذب الاستثمارات الأجنبية "
    "في مجال {t}، وتقديم الحوافز للشركات الناشئة والمبتكرين.",
    "من جانبه، أعرب {pB} عن تقديره للتجربة {demA} في مجال {t}، مشيرا إلى رغبة بلاده في "
    "الاستفادة منها ونقلها إلى المؤسسات الحكومية.",
    "وتطرق الجانبان إلى أهمية تبادل الزيارات بين الخبراء والمتخصصين، وتنظيم برامج تدريبية "
    "مشتركة لرفع كفاءة العاملين في قطاع {t}.",
    "وأشار إلى أن حجم التبادل التجاري في قطاع التكنولوجيا بين {A} و{B} شهد نموا ملحوظا خلال "
    "السنوات الأخيرة، متوقعا أن يتضاعف خلال المرحلة المقبلة.",
    "ولفت إلى أن {A} تمتلك بنية تحتية متطورة وكوادر بشرية مؤهلة، ما يجعلها وجهة جاذبة "
    "للشركات العالمية الراغبة في التوسع بأسواق المنطقة.",
    "وشدد على ضرورة تضافر الجهود لمواجهة التحديات المتزايدة في مجال {t}، وتطوير الأطر "
    "التنظيمية بما يواكب التطورات التكنولوجية المتسارعة.",
    "كما استعرض المشروعات القومية الجاري تنفيذها، ومنها مشروع ربط المباني الحكومية بشبكة "
    "الألياف الضوئية، ومنصة الخدمات الرقمية الموحدة للمواطنين.",
    "وبحسب بيان صادر عن الوزارة، فإن التعاون يشمل أيضا تبادل المعلومات حول أفضل الممارسات "
    "الدولية في مجال {t}، وتنسيق المواقف في المحافل الإقليمية والدولية.",
    "ويذكر أن العلاقات بين {A} و{B} تشهد تطورا مستمرا في مختلف المجالات، لا سيما في قطاعات "
    "الاقتصاد الرقمي والابتكار وريادة الأعمال.",
    "وأضاف أن الوزارة أطلقت خلال العام الجاري عددا من المبادرات لدعم رواد الأعمال، من بينها "
    "حاضنات تكنولوجية في عدة محافظات وبرامج تمويل ميسرة.",
    "وتسعى الحكومة إلى رفع مساهمة قطاع التكنولوجيا في الناتج المحلي الإجمالي، وزيادة صادرات "
    "الخدمات الرقمية إلى الأسواق الخارجية خلال السنوات الخمس المقبلة.",
    "وأعرب عن أمله في أن تسهم هذه الخطوة في تحقيق نتائج ملموسة على أرض الواقع، بما يعود "
    "بالنفع على الشعبين الشقيقين ويعزز مكانة البلدين في الاقتصاد الرقمي العالمي.",
    "وتتضمن خطة العمل تنفيذ مشروعات تجريبية في مجال {t}، على أن يتم تقييم نتائجها قبل "
    "تعميمها على نطاق أوسع بالتعاون مع القطاع الخاص.",
    "وأوضح المتحدث الرسمي باسم الوزارة أن فرق العمل الفنية ستبدأ اجتماعاتها الأسبوع المقبل "
    "لوضع جدول زمني لتنفيذ المشروعات المتفق عليها.",
    "وأكدت مصادر مطلعة أن عددا من الشركات الكبرى أبدى اهتماما بالمشاركة في المشروعات "
    "الجديدة، خاصة في مجالي {t} والخدمات السحابية.",
]


def _words(text: str) -> int:
    return len(text.split())


def article(index: int, seed: int) -> str:
    """The text of article ``index`` (1-based) of the corpus of ``seed``."""
    return build(index, seed)[0]


def build(index: int, seed: int) -> tuple[str, str, tuple[str, str]]:
    """(text, template name, (home ISO, partner ISO)) of article ``index`` of ``seed``."""
    rng = random.Random(f"tdkg-bench:{seed}:{index}")
    c = Ctx(rng)
    kind = rng.choices(list(TEMPLATES), weights=[12, 7, 8, 8, 12, 8, 7, 6, 7, 9, 8, 8])[0]
    out = TEMPLATES[kind](c)
    title, paras = out[0], list(out[1])
    header, footer = (out[2], out[3]) if len(out) == 4 else ([], [])
    target = rng.randint(150, 400)
    fillers = rng.sample(FILLERS, len(FILLERS))
    if kind == "domestic":          # a home story: nothing that names a second state or a pair
        fillers = [f for f in fillers if not re.search(r"\{B\}|\{pB\}|الجانبان|الشعبين|البلدين", f)]
    topics = [c.t1, c.t2, c.t3]
    words = sum(map(_words, [*header, title, *paras, *footer]))
    for f in fillers:
        para = f.format(pA=c.pA.full(), pB=c.pB.full(), A=c.A.name, B=c.B.name, demA=c.A.dem(fem=True),
                        t=rng.choice(topics))
        if words >= target or words + _words(para) > 400:
            break
        paras.insert(rng.randint(2, len(paras)), para)
        words += _words(para)
    lines = header + [title, ""] + [p for para in paras for p in (para, "")] + footer
    return "\n".join(lines).rstrip() + "\n", kind, (c.A.iso, c.B.iso)


def generate(n: int, seed: int = 1) -> Iterator[tuple[str, str]]:
    """Yield ``(file name, text)`` for ``n`` articles, lazily."""
    for i in range(1, n + 1):
        yield f"c{i:06d}.txt", article(i, seed)


def write(out: str | Path, n: int, seed: int = 1, progress: bool = False) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for k, (name, text) in enumerate(generate(n, seed), 1):
        (out / name).write_text(text, encoding="utf-8")
        if progress and k % 1000 == 0:
            print(f"  corpus: {k:,}/{n:,}", file=sys.stderr, flush=True)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    write(a.out, a.n, a.seed, progress=True)
    print(f"{a.n} articles in {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
