"""Plain records the NLP layer returns.

Frozen dataclasses rather than spaCy objects so that everything downstream (services,
the contract printer, benchmarks) can be tested and serialised without a model loaded.
All offsets are ``str`` indices into the text exactly as given, ``end`` exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA = "factcheck.preannotation/1"

SUPPORT_VALUES = ("supported", "partly_supported", "contradicted", "not_found")
FLAG_TYPES = (
    "number_mismatch",
    "range_vs_point",
    "attribution_mismatch",
    "date_mismatch",
    "quote_mismatch",
    "not_in_sources",
)
CLAIM_KINDS = ("numeric", "comparison", "attributed", "causal", "event", "prediction")
QUANTITY_KINDS = ("money", "count", "percent", "duration", "date")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SourceDoc:
    """A cited source as handed to the pipeline."""

    id: str
    text: str
    name: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd when known
    path: str | None = None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    kind: str  # one of QUANTITY_KINDS
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    approximate: bool
    # "exact", "about", "at_most", "at_least", "range", "up_to"; extra to the contract
    bound: str = "exact"
    iso_date: str | None = None  # for kind == "date", when it can be normalised


@dataclass(frozen=True)
class Attribution:
    id: str
    speaker: Span | None
    cue: Span
    content: Span
    direct: bool
    claim_id: str | None = None
    hedged: bool = False  # "reportedly", "allegedly"
    # fuller earlier mention for a pronoun or bare-surname speaker; the span stays a true slice
    speaker_resolved: str | None = None


@dataclass(frozen=True)
class Evidence:
    source_id: str
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Flag:
    type: str  # one of FLAG_TYPES
    article_text: str
    source_text: str
    message: str


@dataclass(frozen=True)
class Claim:
    id: str
    start: int
    end: int
    text: str
    score: float
    kinds: tuple[str, ...] = ()
    support: str = "not_found"
    evidence: tuple[Evidence, ...] = ()
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class SourceResult:
    id: str
    name: str | None
    date: str | None
    length: int
    path: str | None = None
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    attributions: tuple[Attribution, ...] = ()


@dataclass(frozen=True)
class PreannotationResult:
    model: str
    article_length: int
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    claims: tuple[Claim, ...] = ()
    sources: tuple[SourceResult, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)  # stage name -> seconds
