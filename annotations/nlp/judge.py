"""Claim ↔ source judgments: evidence, comparisons, flags and support for one claim.

The pipeline hands each claim here with its parse-derived records; everything below works on
plain records, so a claim costs microseconds next to the parse. Order of work:

1. retrieval (BM25 over the sources' sentences, ``evidence.py``), fused with number anchoring:
   a passage holding the aligned counterpart of one of the claim's figures moves up;
2. comparisons of every figure and date against the whole source (``alignment.py``), of every
   quotation (``quotecheck.py``), of who the claim is credited to (``consistency.py``), and of
   its polarity against the passage that covers it;
3. the learned support decision (``support.py``) over features of all that, overruled by the
   concrete conflicts: a figure, date or polarity that clashes makes a claim ``contradicted``;
   a range for a point, a reworded quote or another credit makes it at most partly supported.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotations.nlp.alignment import SourceFigures, TextKeys, align_claim, comparison_flags
from annotations.nlp.consistency import (
    ADDRESS_THRESHOLD,
    Credit,
    DocFacts,
    addresses,
    attribution_flag,
    credits_for,
    is_study_credit,
    same_party,
    support_for,
)
from annotations.nlp.evidence import (
    Bm25Index,
    Passage,
    shares_anchor,
    shares_content,
    shares_figure,
)
from annotations.nlp.quotecheck import SourceQuotes, compare_quote, quotations, quote_flags
from annotations.nlp.support import SupportInputs, SupportModel, support_features
from annotations.nlp.types import Attribution, Claim, Comparison, Evidence, Flag, Quantity

CHECKWORTHY_THRESHOLD = 0.5
MIN_EVIDENCE_SCORE = 0.08
TOP_K = 3
SEARCH_K = 10  # passages the features look at
ANCHOR_BONUS = 0.15  # retrieval bonus of a passage holding an aligned counterpart figure
DATE_PASSAGE_SCORE = 0.35
UNADDRESSED_COVERAGE = 0.3
NEGATION_COVERAGE = 0.6
NEGATION_PASSAGE_SCORE = 0.4  # a polarity flip counts only against a passage this close
_CONFLICTS = frozenset({"number_mismatch", "date_mismatch"})
_PARTIAL = frozenset({"range_vs_point", "attribution_mismatch", "quote_mismatch"})


@dataclass
class SourceSet:
    """The cited sources of one article, indexed once for all its claims."""

    index: Bm25Index
    passages: list[Passage]
    facts: dict[str, DocFacts]
    figures: list[SourceFigures]
    quotes: list[SourceQuotes]

    def __post_init__(self) -> None:
        self.display = self.index.for_display()
        self._keys = {f.source_id: f.keys for f in self.figures}
        self.by_span = {(p.source_id, p.start): p for p in self.passages}
        self._starts: dict[str, list[tuple[int, int, Passage]]] = {}
        for p in self.passages:
            self._starts.setdefault(p.source_id, []).append((p.start, p.end, p))

    @property
    def present(self) -> bool:
        return bool(self.facts)

    def neighbours(self, p: Passage) -> list[Passage]:
        """The passage with the sentence before and after it (support often spans two)."""
        rows = self._starts.get(p.source_id, [])
        i = next((n for n, row in enumerate(rows) if row[2] is p), None)
        if i is None:
            return [p]
        return [row[2] for row in rows[max(0, i - 1) : i + 2]]

    def bigrams(self, p: Passage) -> set[tuple[str, str]]:
        """Adjacent content-word pairs of a passage ("cost ... million" is not one)."""
        keys = self._keys.get(p.source_id)
        return keys.bigrams(p.start, p.end) if keys is not None else set()

    def passage_at(self, source_id: str, pos: int) -> Passage | None:
        for start, end, p in self._starts.get(source_id, ()):
            if start <= pos < end:
                return p
        return None


@dataclass
class ClaimInput:
    """One claim with what the parse gave it."""

    claim: Claim
    terms: Counter[str]
    keys: TextKeys
    quantities: list[Quantity]
    attributions: list[Attribution]
    negated: bool
    hedged: bool
    chunks: list[frozenset[str]] = field(default_factory=list)  # keys of its phrases
    # its terms with the attribution frame kept: who said it helps find the passage of a date
    full_terms: Counter[str] = field(default_factory=Counter)


def _retrieve(
    terms: Counter[str],
    sources: SourceSet,
    comparisons: Sequence[Comparison],
    index: Bm25Index | None = None,
) -> list[tuple[Passage, float, float]]:
    """(passage, fused score, BM25 score), best first: BM25, plus a bonus for a passage that
    holds the aligned counterpart of one of the claim's figures or dates. ``index`` defaults
    to the one the support decision was fit on."""
    index = sources.index if index is None else index
    hits = {id(p): (p, s) for p, s in index.search(terms, SEARCH_K)}
    bonus: dict[int, float] = {}
    for c in comparisons:
        if c.source_id is None or c.source_start is None or c.kind in ("credit", "negation"):
            continue
        p = sources.passage_at(c.source_id, c.source_start)
        if p is not None:
            bonus[id(p)] = bonus.get(id(p), 0.0) + ANCHOR_BONUS
            hits.setdefault(id(p), (p, index.score_of(terms, p)))
    ranked = [(p, min(1.0, s + bonus.get(k, 0.0)), s) for k, (p, s) in hits.items()]
    ranked.sort(key=lambda x: (-x[1], x[0].source_id, x[0].start))
    return ranked


def _date_guard(c: Comparison, terms: Counter[str], sources: SourceSet) -> Comparison:
    """A date clash stands only where the passage holding the other date addresses the claim
    (DATE_PASSAGE_SCORE of its content): a source dates many events, and words shared around
    two dates are often just the names every sentence repeats."""
    if c.kind != "date" or c.outcome != "differs" or c.source_id is None:
        return c
    p = sources.passage_at(c.source_id, c.source_start or 0)
    if p is not None and sources.index.score_of(terms, p) >= DATE_PASSAGE_SCORE:
        return c
    return dataclasses.replace(
        c, source_text="", source_id=None, source_start=None, source_end=None,
        outcome="no_counterpart", note="",
    )  # fmt: skip


def _in_sources(terms: Counter[str], index: Bm25Index) -> frozenset[str]:
    return frozenset(t for t in terms if index.df.get(t, 0) > 0)


def _credit_check(
    ci: ClaimInput,
    article: DocFacts,
    pairs: list[tuple[Evidence, DocFacts]],
    flags: list[Flag],
) -> tuple[Flag | None, Comparison | None]:
    """Who the claim is credited to against who the source credits for the same passage."""
    near = dataclasses.replace(article, attributions=ci.attributions)
    claim_credits = credits_for(near, ci.claim.start, ci.claim.end, fallback=False)
    if not claim_credits:
        return None, None
    # an unattributed source passage counts as the source's study only when the article also
    # credits a study: "X said P" vs a source stating P unattributed proves nothing
    fallback = is_study_credit(claim_credits)
    best_source = pairs[0][1]
    src_credits: list[Credit] = []
    # credit is read from passages that address the claim on their own, not from weaker
    # neighbours kept for the figure checks
    for n, (e, f) in enumerate(pairs):
        if f is best_source and (n == 0 or e.score >= ADDRESS_THRESHOLD):
            src_credits.extend(credits_for(f, e.start, e.end, fallback=fallback))
    if fallback:
        # a study's author and its publisher are both its credit, wherever named
        src_credits.extend(c for c in best_source.creators if c not in src_credits)
    same_fact = not {f.type for f in flags} & _CONFLICTS
    flag = attribution_flag(claim_credits, best_source, src_credits, same_fact=same_fact)
    article_text = claim_credits[0].text
    if flag is not None:
        src = pairs[0][0]
        return flag, Comparison(
            "credit", article_text, flag.source_text, "differs", src.source_id, None, None
        )
    agreeing = [
        c
        for c in src_credits
        if any(
            same_party(a, b) for a in (n for x in claim_credits for n in x.names) for b in c.names
        )
    ]
    if agreeing:
        src = pairs[0][0]
        return None, Comparison(
            "credit",
            article_text,
            agreeing[0].text,
            "consistent",
            src.source_id,
            agreeing[0].start,
            agreeing[0].end,
        )
    return None, None


def _negation_conflict(ci: ClaimInput, ranked: list[tuple[Passage, float, float]]) -> bool:
    """The passage that covers the claim best says the same with the opposite polarity."""
    if not ranked:
        return False
    p, _fused, bm25 = ranked[0]
    if ci.negated == p.negated or bm25 < NEGATION_PASSAGE_SCORE:
        return False
    words = [t for t in ci.terms if not t.startswith(("N:", "D:", "U:"))]
    shared = sum(1 for t in words if t in p.terms)
    return shared >= 3 and shared / len(words) >= NEGATION_COVERAGE


def _quote_comparisons(ci: ClaimInput, article_text: str, sources: SourceSet) -> list[Comparison]:
    out = []
    for q in quotations(article_text, ci.attributions, ci.claim.start, ci.claim.end):
        found = compare_quote(q, sources.quotes)
        if found is not None:
            out.append(found)
    return out


def judge_claim(
    ci: ClaimInput,
    article: DocFacts,
    sources: SourceSet,
    model: SupportModel | None,
) -> Claim:
    """Evidence, comparisons, flags and support for one claim."""
    claim = ci.claim
    comparisons: list[Comparison] = []
    if sources.present:
        comparisons = align_claim(
            ci.quantities,
            ci.keys,
            (claim.start, claim.end),
            sources.figures,
            sources.index.idf,
        )
    comparisons = [_date_guard(c, ci.full_terms or ci.terms, sources) for c in comparisons]
    ranked = _retrieve(ci.terms, sources, comparisons) if sources.passages else []
    evidence = tuple(
        Evidence(p.source_id, p.start, p.end, p.text, round(s, 4))
        for p, s, _ in ranked[:TOP_K]
        if s >= MIN_EVIDENCE_SCORE
    )
    quotes = _quote_comparisons(ci, article.text, sources) if sources.present else []
    comparisons += quotes
    flags = comparison_flags(comparisons) + quote_flags(quotes)
    addressed = _addressed(ci.terms, evidence, sources) or any(
        c.outcome != "no_counterpart" for c in comparisons
    )
    pairs = [(e, sources.facts[e.source_id]) for e in evidence if e.score >= evidence[0].score / 2]
    if pairs and addressed:
        credit_flag, credit = _credit_check(ci, article, pairs, flags)
        if credit_flag is not None:
            flags.append(credit_flag)
        if credit is not None:
            comparisons.append(credit)
    negation = _negation_conflict(ci, ranked)
    if negation:
        p = ranked[0][0]
        comparisons.append(
            Comparison(
                "negation",
                "negated" if ci.negated else "affirmed",
                "negated" if p.negated else "affirmed",
                "differs",
                p.source_id,
                p.start,
                p.end,
                "the closest passage states it with the opposite polarity",
            )
        )
    features = (
        claim_features(ci, sources, ranked, comparisons, negation, addressed) if ranked else {}
    )
    support, scores = _decide(
        sources, ranked, comparisons, flags, negation, addressed, features, model
    )
    if support == "not_found" and claim.score >= CHECKWORTHY_THRESHOLD:
        flags.append(not_in_sources_flag(claim, evidence, has_sources=sources.present))
    return dataclasses.replace(
        claim,
        evidence=(_shown(ci.terms, sources, comparisons) or evidence) if evidence else evidence,
        flags=tuple(_dedupe(flags)),
        support=support,
        comparisons=tuple(comparisons),
        support_scores=tuple((k, round(v, 4)) for k, v in scores.items()),
        support_features=tuple(features.items()),
    )


def _shown(
    terms: Counter[str], sources: SourceSet, comparisons: Sequence[Comparison]
) -> tuple[Evidence, ...]:
    """The passages a reviewer is shown, in the display ranker's order. The decision above
    was taken on the support ranker's passages; a claim with none above the floor there shows
    none, so "not found" never sits beside passages."""
    ranked = _retrieve(terms, sources, comparisons, sources.display)
    return tuple(
        Evidence(p.source_id, p.start, p.end, p.text, round(s, 4))
        for p, s, _ in ranked[:TOP_K]
        if s >= MIN_EVIDENCE_SCORE
    )


def _addressed(terms: Counter[str], evidence: Sequence[Evidence], sources: SourceSet) -> bool:
    if not evidence:
        return False
    best = sources.by_span[(evidence[0].source_id, evidence[0].start)].terms
    return addresses(
        evidence[0].score,
        shares_figure(terms, best),
        anchor=shares_anchor(terms, best, sources.index),
        content=shares_content(terms, best),
    )


def claim_features(
    ci: ClaimInput,
    sources: SourceSet,
    ranked: list[tuple[Passage, float, float]],
    comparisons: Sequence[Comparison],
    negation: bool,
    addressed: bool,
) -> dict[str, float]:
    """The support model's features for one claim."""
    by_bm25 = sorted(ranked, key=lambda x: -x[2])
    window: Counter[str] = Counter()
    for p in sources.neighbours(by_bm25[0][0]):
        window.update(p.terms)
    passage_bigrams: set[tuple[str, str]] = set()
    for p, _, _ in by_bm25:
        passage_bigrams |= sources.bigrams(p)
    return support_features(
        SupportInputs(
            claim_terms=ci.terms,
            window=window,
            claim_bigrams=ci.keys.bigrams(ci.claim.start, ci.claim.end),
            passage_bigrams=passage_bigrams,
            chunks=ci.chunks,
            idf={t: sources.index.idf(t) for t in ci.terms},
            ranked=[p.terms for p, _, _ in by_bm25],
            scores=[s for _, _, s in by_bm25],
            in_sources=_in_sources(ci.terms, sources.index),
            comparisons=comparisons,
            negation_conflict=negation,
            hedged=ci.hedged,
            addressed=addressed,
        )
    )


def _decide(
    sources: SourceSet,
    ranked: list[tuple[Passage, float, float]],
    comparisons: Sequence[Comparison],
    flags: Sequence[Flag],
    negation: bool,
    addressed: bool,
    features: dict[str, float],
    model: SupportModel | None,
) -> tuple[str, dict[str, float]]:
    """The support value: the model's class, overruled by concrete conflicts."""
    if not sources.present or not ranked:
        return "not_found", {}
    types = {f.type for f in flags}
    if model is None:
        unmatched = sum(
            c.outcome == "no_counterpart" for c in comparisons if c.kind not in ("date", "quote")
        )
        evidence = [Evidence(p.source_id, p.start, p.end, p.text, s) for p, s, _ in ranked[:TOP_K]]
        label = support_for(
            has_sources=True,
            evidence=evidence,
            flags=flags,
            unmatched_figures=unmatched,
            addressed=addressed,
        )
        return label, {}
    label, probs = model.decide(features)
    quotes = quote_state(comparisons)
    # "addressed" as the contract means it: by one passage on its own, or by the best few
    # together covering UNADDRESSED_COVERAGE of the claim
    together = features.get("cov_top3", 0.0) >= UNADDRESSED_COVERAGE
    label = overrule(
        label, types, negation=negation, quotes=quotes, addressed=addressed, together=together
    )
    return label, probs


def quote_state(comparisons: Iterable[Comparison]) -> str:
    """ "differs" if any quotation was reworded, "holds" if every one compared is verbatim,
    else "none"."""
    outcomes = {c.outcome for c in comparisons if c.kind == "quote"}
    if "differs" in outcomes:
        return "differs"
    return "holds" if outcomes else "none"


def overrule(
    label: str,
    flag_types: set[str],
    *,
    negation: bool,
    quotes: str,
    addressed: bool = True,
    together: bool = True,
) -> str:
    """The model's class corrected by what was found for certain: a clash of figure, date or
    polarity contradicts; a range for a point, another credit or a reworded quote leaves the
    claim at most partly supported; a verbatim quotation of the source is found, not missing.
    And "supported" needs one passage that addresses the claim on its own (``addresses``);
    with no such passage and the best few together (``together``) covering little of it, no
    passage addresses the claim: ``not_found``, as the contract defines it. The model learned
    on WiCE, where every claim cites the page it came from, so a shared street name there
    means more than it does in a news source; on WiCE dev cross-validation these two rules
    cost 0.01 macro-F1, and they keep "Not found in any source" meaningful for news.
    The training script applies the same function, so what is tuned is what runs."""
    if flag_types & _CONFLICTS or negation:
        return "contradicted"
    if flag_types & _PARTIAL:
        return "partly_supported"
    if quotes == "holds" and label == "not_found":
        return "partly_supported"
    if not addressed and quotes != "holds":
        if not together:
            return "not_found"
        if label == "supported":
            return "partly_supported"
    return label


def not_in_sources_flag(claim: Claim, evidence: Sequence[Evidence], *, has_sources: bool) -> Flag:
    """The "not found" flag, saying why any linked passages do not count."""
    if not has_sources:
        why = "the article cites no source to check it against"
    elif not evidence:
        why = "no passage of the cited sources shares its content"
    else:
        why = (
            f"the closest passage covers only {round(100 * evidence[0].score)}% of its content, "
            "on the same topic but not the same fact"
        )
    return Flag(
        "not_in_sources", claim.text, "", f"no passage of the cited sources addresses it: {why}"
    )


def _dedupe(flags: Iterable[Flag]) -> list[Flag]:
    seen: dict[tuple[str, str, str], Flag] = {}
    for f in flags:
        seen.setdefault((f.type, f.article_text, f.source_text), f)
    return list(seen.values())
