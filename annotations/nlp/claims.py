"""Claim candidates, their kinds and the rule-based check-worthiness score.

A claim is a sentence, or a clause of a long sentence: a 60-word sentence that joins two facts
with ", while" or ", and <subject>" is two things to check, and keeping them apart lets each get
its own evidence and verdict.

The rule scorer is a logistic function over parse features chosen from what fact-checkers
check (ClaimBuster, Full Fact's claim types): figures, named actors, reporting, comparisons,
dates and tense raise the score; questions, first-person opinion, hedged speculation, greetings
and very short fragments lower it. It is one implementation of :class:`ClaimScorer`; the trained
ranker in ``checkworthy.py`` is another (and reads these features too), and the pipeline takes
whichever it is handed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from spacy.tokens import Doc, Span, Token

from annotations.nlp.lexicon import (
    CAUSAL_WORDS,
    CLAIM_REPORTING_LEMMAS,
    COMPARISON_WORDS,
    FIRST_PERSON_WORDS,
    OPINION_WORDS,
    PREDICTION_MARKERS,
    PREDICTION_WORDS,
    SECOND_PERSON_WORDS,
    SOCIAL_WORDS,
    STATIVE_LEMMAS,
)
from annotations.nlp.types import Attribution, Quantity

LONG_SENTENCE = 35  # tokens; longer sentences are split into clauses where the parse allows
MIN_CLAUSE = 8


@dataclass(frozen=True)
class Candidate:
    """A claim candidate: offsets into the whole text, and its parse."""

    start: int
    end: int
    text: str
    span: Span
    headline: bool = False
    features: dict[str, float] = field(default_factory=dict, compare=False)


class ClaimScorer(Protocol):
    name: str

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]: ...


def _trim(span: Span) -> Span:
    """Drop leading punctuation/conjunctions and trailing commas from a clause."""
    doc = span.doc
    s, e = span.start, span.end
    while s < e and (
        doc[s].is_punct
        or doc[s].is_space
        or doc[s].dep_ in ("cc", "mark")
        and doc[s].lower_ in ("and", "but", "while", "whereas", "so")
    ):
        s += 1
    while e > s and (doc[e - 1].is_space or doc[e - 1].text in (",", ";", "—", "–", "-")):
        e -= 1
    return doc[s:e]


def _split_points(sent: Span) -> list[int]:
    """Token indices where a long sentence splits into independent clauses.

    Splits before ", while/whereas <clause>" (advcl with that marker) and before
    ", and/but <clause with its own subject>" (a conjoined verb with its own subject), and at
    semicolons: each side then states a complete fact.
    """
    points = []
    for tok in sent:
        if tok.i <= sent.start + MIN_CLAUSE or tok.i >= sent.end - MIN_CLAUSE:
            continue
        prev = tok.doc[tok.i - 1]
        if tok.text == ";":
            points.append(tok.i)
        elif (
            tok.dep_ == "mark"
            and tok.lower_ in ("while", "whereas")
            and prev.text == ","
            and tok.head.dep_ == "advcl"
            and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in tok.head.children)
        ):
            points.append(tok.i - 1)
        elif tok.dep_ == "cc" and tok.lower_ in ("and", "but") and prev.text == ",":
            conj = [c for c in tok.head.children if c.dep_ == "conj" and c.i > tok.i]
            if (
                conj
                and conj[0].pos_ in ("VERB", "AUX")
                and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in conj[0].children)
            ):
                points.append(tok.i - 1)
    return points


# "MADRID (Reuters) - " or "PARIS (AFP) — " opening a sentence (or standing as one).
_DATELINE = re.compile(
    r"^[A-Z][A-Z'\u2019.-]+(?:[ ,]+[A-Z][A-Za-z'\u2019.-]*)*\s*(?:\([^)]{1,30}\))?"
    r"\s*(?:[\u2014\u2013-]{1,2}\s*|$)"
)


def _without_dateline(sent: Span) -> Span:
    """The sentence without a dateline in front of it: the place and agency are not claimed."""
    first = sent[0].text if len(sent) else ""
    if len(first) < 2 or not first[:2].isupper() or first[:2].isdigit():
        return sent  # the usual case, told without building the sentence's text
    match = _DATELINE.match(sent.text)
    if match is None:
        return sent
    cut = sent.start_char + match.end()
    rest = [t for t in sent if t.idx >= cut]
    return sent.doc[rest[0].i : sent.end] if rest else sent.doc[sent.end : sent.end]


def claim_spans(doc: Doc) -> list[Span]:
    """Sentences of ``doc``, long ones split into clauses (each at least MIN_CLAUSE tokens),
    without a dateline in front."""
    out: list[Span] = []
    for whole in doc.sents:
        sent = _without_dateline(whole)
        if not len(sent):
            continue
        pieces = [sent]
        if len(sent) > LONG_SENTENCE:
            cuts = [sent.start, *_split_points(sent), sent.end]
            pieces = [doc[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
            if any(len(_trim(p)) < MIN_CLAUSE for p in pieces):
                pieces = [sent]
        for p in pieces:
            t = _trim(p)
            if len(t) and t.text.strip():
                out.append(t)
    return out


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


def claim_features(
    cand_span: Span,
    start: int,
    end: int,
    quantities: Sequence[Quantity],
    attributions: Sequence[Attribution],
) -> dict[str, float]:
    """Parse features of one candidate, as numbers the scorers and the kind rules share."""
    toks = [t for t in cand_span if not t.is_space]
    lowers = {t.lower_ for t in toks}
    lemmas = {t.lemma_.lower() for t in toks}
    qs = [q for q in quantities if _overlaps(q.start, q.end, start, end)]
    ents = [e for e in cand_span.ents if e.label_ not in ("CARDINAL", "ORDINAL")]
    attributed = any(
        _overlaps(a.content.start, a.content.end, start, end)
        or _overlaps(a.cue.start, a.cue.end, start, end)
        for a in attributions
    )
    has_reporting = any(
        t.lemma_.lower() in CLAIM_REPORTING_LEMMAS and t.pos_ in ("VERB", "AUX") for t in toks
    ) or ("according" in lowers and "to" in lowers)
    first_person = sum(1 for t in toks if t.lower_ in FIRST_PERSON_WORDS)
    second_person = sum(1 for t in toks if t.lower_ in SECOND_PERSON_WORDS)
    root = cand_span.root
    past = any(
        t.tag_ in ("VBD",) or (t.tag_ == "VBN" and any(c.lemma_ == "have" for c in t.children))
        for t in toks
    )
    modal = (
        any(t.tag_ == "MD" and t.lower_ in PREDICTION_MARKERS for t in toks)
        or ("going" in lowers and "to" in lowers)
        or bool(PREDICTION_WORDS & lowers)
    )
    comparative = any(t.tag_ in ("JJR", "RBR", "JJS", "RBS") for t in toks) or bool(
        COMPARISON_WORDS & lowers
    )
    causal = bool(CAUSAL_WORDS & lowers) or ("as" in lowers and "result" in lowers)
    eventive = any(
        t.pos_ == "VERB" and t.tag_ in ("VBD", "VBN") and t.lemma_ not in STATIVE_LEMMAS
        for t in toks
    )
    text = cand_span.text.strip()
    return {
        "n_tokens": float(len(toks)),
        "numeric": float(sum(1 for q in qs if q.kind != "date")),
        "money_percent": float(sum(1 for q in qs if q.kind in ("money", "percent"))),
        "dates": float(sum(1 for q in qs if q.kind == "date")),
        "digits": float(sum(1 for t in toks if t.like_num)),
        "entities": float(len(ents)),
        "person_org": float(sum(1 for e in ents if e.label_ in ("PERSON", "ORG"))),
        "attributed": float(attributed or has_reporting),
        "comparative": float(comparative),
        "causal": float(causal),
        "past": float(past),
        "eventive": float(eventive),
        "modal": float(modal),
        "question": float(text.endswith("?")),
        "first_person": float(first_person),
        "second_person": float(second_person),
        "opinion": float(len(OPINION_WORDS & (lowers | lemmas))),
        "social": float(len(SOCIAL_WORDS & lowers) > 0 and len(toks) < 12),
        "imperative": float(root.tag_ == "VB" and root.i == cand_span.start),
        "short": float(len(toks) < 6),
        "quote": float(any(t.text in ('"', "“", "”") for t in toks)),
    }


def claim_kinds(features: dict[str, float]) -> tuple[str, ...]:
    """Kinds in the contract's order; a claim may have several or none."""
    kinds = []
    if features["numeric"] or features["money_percent"]:
        kinds.append("numeric")
    if features["comparative"]:
        kinds.append("comparison")
    if features["attributed"]:
        kinds.append("attributed")
    if features["causal"]:
        kinds.append("causal")
    if features["eventive"] or features["dates"]:
        kinds.append("event")
    if features["modal"]:
        kinds.append("prediction")
    return tuple(kinds)


# Hand-set weights: signs from the fact-checking literature, sizes set so that one figure plus
# one named actor in a declarative sentence clears 0.5, and a question or a first-person
# opinion with no figure does not.
RULE_WEIGHTS: dict[str, float] = {
    "bias": -1.6,
    "numeric": 1.3,
    "money_percent": 0.6,
    "dates": 0.5,
    "digits": 0.3,
    "entities": 0.35,
    "person_org": 0.25,
    "attributed": 0.6,
    "comparative": 0.5,
    "causal": 0.4,
    "past": 0.5,
    "eventive": 0.3,
    "modal": -0.4,
    "question": -2.5,
    "first_person": -0.5,
    "second_person": -0.6,
    "opinion": -0.8,
    "social": -2.5,
    "imperative": -1.0,
    "short": -2.0,
}
CAPS = {
    "numeric": 2,
    "digits": 3,
    "entities": 4,
    "person_org": 2,
    "dates": 2,
    "first_person": 2,
    "second_person": 2,
    "opinion": 2,
}
HEADLINE_FACTOR = 0.35


def headline_penalised(candidate: Candidate) -> bool:
    """A headline repeats what the body says with the details, so its score is lowered; a line
    the layout took for a headline but that ends like a sentence ("Murders are up." alone on a
    line of a transcript) is a sentence."""
    return candidate.headline and not re.search(r"[.?!\"\u201d]\s*$", candidate.text)


def rule_score(features: dict[str, float], weights: dict[str, float] | None = None) -> float:
    w = weights or RULE_WEIGHTS
    z = w.get("bias", 0.0)
    for name, value in features.items():
        if name in w:
            z += w[name] * min(value, CAPS.get(name, value))
    return 1.0 / (1.0 + math.exp(-z))


class RuleScorer:
    """Check-worthiness from parse features; needs no training data."""

    name = "rule"

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        self.weights = weights or RULE_WEIGHTS

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]:
        out = []
        for c in candidates:
            s = rule_score(c.features, self.weights)
            out.append(s * HEADLINE_FACTOR if headline_penalised(c) else s)
        return out


def tokens_text(tokens: Sequence[Token]) -> str:
    return " ".join(t.text for t in tokens)
