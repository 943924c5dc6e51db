"""Extraction records: plain dataclasses, no RDF. One :class:`ArticleRecords` per article.

Records refer to each other by *keys* (see :mod:`kg.extract.identity`): a party is
``"country:EG"``, ``"person:<key>"`` or ``"org:<key>"``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Person:
    key: str
    label: str                       # the name as written, honorifics dropped
    alt_labels: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    country: str | None = None       # ISO2 of the state the person represents
    sentences: list[int] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return "person:" + self.key


@dataclass
class Organization:
    key: str
    label: str
    alt_labels: list[str] = field(default_factory=list)
    country: str | None = None       # None for international bodies
    international: bool = False
    head: str = ""                   # the form word that names its kind ("وزارة", "اتحاد")
    sentences: list[int] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return "org:" + self.key


@dataclass
class Place:
    key: str
    label: str
    country: str | None = None
    sentences: list[int] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return "place:" + self.key


@dataclass
class Agreement:
    type: str                        # MemorandumOfUnderstanding | FrameworkAgreement | CooperationAgreement
    status: str                      # signed | agreed | planned
    parties: list[str] = field(default_factory=list)
    signatories: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    date: str | None = None          # ISO date
    sentences: list[int] = field(default_factory=list)


@dataclass
class Engagement:
    type: str                        # Meeting | Visit | Signing | Forum
    participants: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    date: str | None = None
    sentences: list[int] = field(default_factory=list)


@dataclass
class ArticleRecords:
    id: str
    sha256: str
    source_file: str
    title: str
    sentences: list[str]
    countries: list[str] = field(default_factory=list)   # ISO2 named in the story
    home: str | None = None                              # the state the story is told from
    persons: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    engagements: list[Engagement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
