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
# What kind of report an attribution is: direct speech, any other report of what was said or
# thought, a commitment to act ("vowed to", "plans to"), or findings of data or research.
ATTRIBUTION_KINDS = ("quote", "paraphrase", "intention", "evidence")
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
    kind: str = "paraphrase"  # one of ATTRIBUTION_KINDS
    # the mention a pronoun or relative-pronoun speaker stands for, when it is in the text
    speaker_antecedent: Span | None = None
    # every part of a quote interrupted by its cue or continued in the next sentence, in order;
    # ``content`` is the first part (a span cannot have a hole where the speaker sits)
    content_parts: tuple[Span, ...] = ()


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


# What a comparison of one claim detail with the sources found.
COMPARISON_OUTCOMES = ("consistent", "differs", "range_vs_point", "no_counterpart")
COMPARISON_KINDS = (*QUANTITY_KINDS, "credit", "quote", "negation")


@dataclass(frozen=True)
class Comparison:
    """One detail of a claim (a figure, a date, a credit, a quote, its polarity) set against
    the source's closest counterpart, agreements included: the reviewer sees why a claim is
    or is not flagged. ``source_*`` are empty / None when no counterpart was found."""

    kind: str  # one of COMPARISON_KINDS
    article_text: str
    source_text: str
    outcome: str  # one of COMPARISON_OUTCOMES
    source_id: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    note: str = ""  # why it agrees or not: "within rounding", "bound", "unit converted", ...

    @property
    def summary(self) -> str:
        """ "$2.4 billion (article) vs $1.9 billion (source): differs"."""
        words = self.outcome.replace("_", " ")
        if not self.source_text:
            return f"{self.article_text} (article): no counterpart in the sources"
        tail = f" ({self.note})" if self.note else ""
        return f"{self.article_text} (article) vs {self.source_text} (source): {words}{tail}"


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
    comparisons: tuple[Comparison, ...] = ()
    # probability of each support value from the learned decision (empty without sources)
    support_scores: tuple[tuple[str, float], ...] = ()
    # the support model's inputs, for training and explanation; not part of the contract
    support_features: tuple[tuple[str, float], ...] = field(default=(), compare=False)
    # the strongest reasons for the score, strongest first ("a figure", "attributed"), and
    # those that lowered it ("hedged", "a question")
    reasons: tuple[str, ...] = ()
    reasons_against: tuple[str, ...] = ()


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
