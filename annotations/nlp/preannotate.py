"""The pre-annotation pipeline: text (+ cited sources) in, one PreannotationResult out.

Stages, each timed: layout (furniture and line split), parse (one ``nlp.pipe`` over every line
of every text in the batch, the only expensive step), quantities, attributions, claims
(candidates, kinds, score), evidence (BM25 over the sources' sentences) and consistency
(flags and support). Everything after the parse works on plain records, so it is cheap
compared with the parse itself, which is what the throughput goal asks for.
"""

from __future__ import annotations

import dataclasses
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from annotations.nlp import layout
from annotations.nlp.alignment import SourceFigures, TextKeys
from annotations.nlp.attributions import extract_attributions, resolve_speakers
from annotations.nlp.checkworthy import explain_scores
from annotations.nlp.claims import Candidate, ClaimScorer, claim_features, claim_kinds, claim_spans
from annotations.nlp.consistency import DocFacts, document_creators
from annotations.nlp.evidence import Bm25Index, Passage, is_negated, span_terms
from annotations.nlp.judge import CHECKWORTHY_THRESHOLD, ClaimInput, SourceSet, judge_claim
from annotations.nlp.lexicon import ENTITY_TITLE_RE, HEDGE_ADVERBS
from annotations.nlp.paraphrase import token_key
from annotations.nlp.pipeline import model_label as pipeline_label
from annotations.nlp.quantities import extract_quantities
from annotations.nlp.quotecheck import SourceQuotes
from annotations.nlp.support import load_model as load_support_model
from annotations.nlp.types import (
    Attribution,
    Claim,
    Entity,
    PreannotationResult,
    Quantity,
    Sentence,
    SourceDoc,
    SourceResult,
)

StageCallback = Callable[[str], None]
__all__ = ["CHECKWORTHY_THRESHOLD", "preannotate", "preannotate_many"]
# Words that make a claim tentative: a feature of the support decision.
HEDGE_WORDS = HEDGE_ADVERBS | {"may", "might", "could", "possibly", "perhaps", "likely"}
LINES_PER_CHUNK = 512  # lines parsed together before results are assembled and yielded


@dataclass
class _Text:
    """One text (article or source) on its way through the pipeline."""

    text: str
    lines: list[layout.Line]
    date: str | None = None  # when the text was written (ISO), for "last year" and "9 June"
    docs: list[tuple[Doc, int, str]] = field(default_factory=list)  # (doc, base, role)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    facts: DocFacts | None = None


class _Extents[T]:
    """Records with a [start, end) extent, answering "which overlap / lie within [lo, hi)" by
    bisection, in their original order. Why: a 2-MB article has ~20,000 claims and as many
    quantities, and scanning every quantity for every claim took minutes."""

    def __init__(self, items: Sequence[T], extent: Callable[[T], tuple[int, int]]) -> None:
        rows = sorted((*extent(item), n) for n, item in enumerate(items))
        self._starts = [start for start, _, _ in rows]
        self._rows = rows
        self._items = items
        self._longest = max((end - start for start, end, _ in rows), default=0)

    def overlapping(self, lo: int, hi: int) -> list[T]:
        first = bisect_left(self._starts, lo - self._longest)
        last = bisect_left(self._starts, hi)
        found = sorted(n for start, end, n in self._rows[first:last] if start < hi and lo < end)
        return [self._items[n] for n in found]

    def within(self, lo: int, hi: int) -> list[T]:
        first, last = bisect_left(self._starts, lo), bisect_left(self._starts, hi)
        found = sorted(n for _, end, n in self._rows[first:last] if end <= hi)
        return [self._items[n] for n in found]


def _quantity_extents(quantities: Sequence[Quantity]) -> _Extents[Quantity]:
    return _Extents(quantities, lambda q: (q.start, q.end))


def _attribution_extents(attributions: Sequence[Attribution]) -> _Extents[Attribution]:
    """By the stretch its cue and content cover together (a superset of either's overlap)."""
    return _Extents(
        attributions,
        lambda a: (min(a.cue.start, a.content.start), max(a.cue.end, a.content.end)),
    )


def _content(lines: list[layout.Line]) -> list[layout.Line]:
    return [ln for ln in lines if ln.role != layout.FURNITURE]


def preannotate(
    text: str,
    sources: Sequence[SourceDoc] = (),
    *,
    nlp: Language,
    model_label: str | None = None,
    scorer: ClaimScorer | None = None,
    on_stage: StageCallback | None = None,
) -> PreannotationResult:
    """Pre-annotate one article against its cited sources.

    ``on_stage(name)`` is called as each stage starts, so a caller (the Celery task) can show
    progress while the one slow call runs.
    """
    return next(
        preannotate_many(
            [(text, sources)], nlp=nlp, model_label=model_label, scorer=scorer, on_stage=on_stage
        )
    )


def preannotate_many(
    items: Iterable[tuple[str, Sequence[SourceDoc]]],
    *,
    nlp: Language,
    batch_size: int = 64,
    model_label: str | None = None,
    scorer: ClaimScorer | None = None,
    on_stage: StageCallback | None = None,
) -> Iterator[PreannotationResult]:
    """Pre-annotate many articles, parsing all their lines with one ``nlp.pipe`` per chunk.

    Results come out in input order, one per item, as soon as their chunk is done.
    """
    label = model_label or pipeline_label(nlp)
    stage = on_stage or _no_stage
    stage("layout")
    if scorer is None:
        from annotations.nlp.checkworthy import default_scorer

        scorer = default_scorer()
    chunk: list[tuple[str, Sequence[SourceDoc], list[_Text], float]] = []
    n_lines = 0
    for text, sources in items:
        t0 = time.perf_counter()
        texts = [_Text(text, _lines(text, nlp))]
        texts += [_Text(s.text, _lines(s.text, nlp), s.date) for s in sources]
        chunk.append((text, sources, texts, time.perf_counter() - t0))
        n_lines += sum(len(_content(t.lines)) for t in texts)
        if n_lines >= LINES_PER_CHUNK:
            yield from _run_chunk(chunk, nlp, batch_size, label, scorer, stage)
            chunk, n_lines = [], 0
    if chunk:
        yield from _run_chunk(chunk, nlp, batch_size, label, scorer, stage)


def _run_chunk(
    chunk: list[tuple[str, Sequence[SourceDoc], list[_Text], float]],
    nlp: Language,
    batch_size: int,
    label: str,
    scorer: ClaimScorer,
    stage: StageCallback,
    spans: Sequence[tuple[int, int]] | None = None,
) -> Iterator[PreannotationResult]:
    all_texts = [t for _, _, texts, _ in chunk for t in texts]
    stage("parse")
    t0 = time.perf_counter()
    windows = [(t, w) for t in all_texts for w in layout.windows(_content(t.lines), _window(nlp))]
    parsed = nlp.pipe((_masked_doc(nlp, t, w) for t, w in windows), batch_size=batch_size)
    for (t, w), doc in zip(windows, parsed, strict=True):
        for ln in w.lines:
            span = doc.char_span(ln.start - w.start, ln.end - w.start, alignment_mode="expand")
            if span is not None and len(span):
                t.docs.append((span.as_doc(), w.start + span.start_char, ln.role))
    parse_total = time.perf_counter() - t0
    total_chars = sum(ln.end - ln.start for t in all_texts for ln in _content(t.lines)) or 1
    for text, sources, texts, layout_time in chunk:
        chars = sum(ln.end - ln.start for t in texts for ln in _content(t.lines))
        timings = {"layout": layout_time, "parse": parse_total * chars / total_chars}
        yield _assemble(text, sources, texts, label, scorer, timings, stage, spans)


def _window(nlp: Language) -> int:
    return min(layout.WINDOW_CHARS, nlp.max_length)


def _lines(text: str, nlp: Language) -> list[layout.Line]:
    """The text's lines, any longer than a parse window cut at sentence ends."""
    return layout.split_long_lines(text, layout.classify_lines(text), _window(nlp))


def _masked_doc(nlp: Language, item: _Text, window: layout.Window) -> Doc:
    """One window of the text (whole lines, at most ``layout.WINDOW_CHARS``: spaCy refuses
    longer Docs) as a Doc, furniture blanked and every content line a sentence start.

    Blanking with spaces keeps every offset; pre-set sentence starts (which the parser
    respects) stop a headline without final punctuation from merging into the next line, which
    is what parsing line by line achieves, without paying spaCy's per-Doc overhead for each of
    many short lines.
    """
    base = window.start
    chars = list(item.text[base : window.end])
    for ln in item.lines:
        if ln.role == layout.FURNITURE and ln.start < window.end and ln.end > base:
            for i in range(max(ln.start, base) - base, min(ln.end, window.end) - base):
                if chars[i] != "\n":
                    chars[i] = " "
    doc = nlp.make_doc("".join(chars))
    for ln in window.lines:
        span = doc.char_span(ln.start - base, ln.end - base, alignment_mode="expand")
        if span is not None and len(span):
            span[0].is_sent_start = True
    return doc


def _no_stage(name: str) -> None:
    return None


def _timed(timings: dict[str, float], stage: str, t0: float) -> float:
    now = time.perf_counter()
    timings[stage] = timings.get(stage, 0.0) + now - t0
    return now


def _assemble(
    text: str,
    sources: Sequence[SourceDoc],
    texts: list[_Text],
    label: str,
    scorer: ClaimScorer,
    timings: dict[str, float],
    stage: StageCallback,
    spans: Sequence[tuple[int, int]] | None = None,
) -> PreannotationResult:
    """The records of one parsed article and its sources; with ``spans``, the claims are
    exactly those spans (a reviewer's own) instead of the candidates the pipeline finds."""
    article, source_texts = texts[0], texts[1:]
    stage("quantities")
    t = time.perf_counter()
    for item in texts:
        _basic_records(item)
    t = _timed(timings, "quantities", t)
    stage("attributions")
    for i, item in enumerate(texts):
        _attributions(item, prefix="a" if i == 0 else f"s{i}-a")
    t = _timed(timings, "attributions", t)
    stage("claims")
    for i, item in enumerate(texts):
        src = sources[i - 1] if i else None
        item.facts = DocFacts(
            text=item.text,
            quantities=item.quantities,
            attributions=item.attributions,
            entities=item.entities,
            creators=document_creators([(d, b) for d, b, _ in item.docs], item.entities),
            name=src.name if src else None,
            date=src.date if src else None,
        )

    article_qs = _quantity_extents(article.quantities)
    article_attrs = _attribution_extents(article.attributions)
    candidates = (
        _candidates(article, article_qs, article_attrs)
        if spans is None
        else _given_candidates(article, spans, article_qs, article_attrs)
    )
    scores = explain_scores(scorer, candidates) if candidates else []
    claims = [
        Claim(
            id=f"c{n}",
            start=c.start,
            end=c.end,
            text=c.text,
            score=round(min(1.0, max(0.0, s.score)), 4),
            kinds=claim_kinds(c.features),
            reasons=s.reasons,
            reasons_against=s.reasons_against,
        )
        for n, (c, s) in enumerate(zip(candidates, scores, strict=True), start=1)
    ]
    attributions = _link_attributions(article.attributions, claims)
    candidate_at = {(c.start, c.end): c for c in candidates}
    t = _timed(timings, "claims", t)
    stage("evidence")
    source_set = _source_set(sources, source_texts)
    inputs = [
        _claim_input(claim, candidate_at[(claim.start, claim.end)], article_qs, article_attrs)
        for claim in claims
    ]
    t = _timed(timings, "evidence", t)
    stage("consistency")
    assert article.facts is not None
    model = load_support_model()
    claims = [judge_claim(ci, article.facts, source_set, model) for ci in inputs]
    _timed(timings, "consistency", t)

    return PreannotationResult(
        model=label,
        article_length=len(text),
        sentences=tuple(article.sentences),
        entities=tuple(article.entities),
        quantities=tuple(article.quantities),
        attributions=tuple(attributions),
        claims=tuple(claims),
        sources=tuple(
            SourceResult(
                id=s.id,
                name=s.name,
                date=s.date,
                length=len(s.text),
                path=s.path,
                sentences=tuple(st.sentences),
                entities=tuple(st.entities),
                quantities=tuple(st.quantities),
                attributions=tuple(st.attributions),
            )
            for s, st in zip(sources, source_texts, strict=True)
        ),
        timings={k: round(v, 6) for k, v in timings.items()},
    )


def _basic_records(item: _Text) -> None:
    """Sentences, entities and quantities of every parsed line, in whole-text offsets."""
    for doc, base, _role in item.docs:
        line_qs = extract_quantities(doc.text, base=base, doc=doc, ref_date=item.date)
        item.quantities.extend(line_qs)
        for sent in doc.sents:
            s, e = sent.start_char, sent.end_char
            while e > s and doc.text[e - 1].isspace():
                e -= 1
            if e > s:
                item.sentences.append(Sentence(base + s, base + e))
        for ent in doc.ents:
            item.entities.append(
                Entity(
                    base + ent.start_char,
                    base + ent.end_char,
                    ent.text,
                    _relabel(
                        ent.text, ent.label_, base + ent.start_char, base + ent.end_char, line_qs
                    ),
                )
            )


def _relabel(text: str, label: str, start: int, end: int, qs: Sequence[Quantity]) -> str:
    """Fix the NER labels we know to be wrong and can check: figures and titled people."""
    for q in qs:
        if q.start <= start and end <= q.end + 1 or start <= q.start and q.end <= end:
            if q.kind == "money":
                return "MONEY"
            if q.kind == "percent":
                return "PERCENT"
    if label in ("ORG", "GPE", "NORP") and ENTITY_TITLE_RE.match(text):
        return "PERSON"
    return label


def _attributions(item: _Text, prefix: str) -> None:
    """Attributions of every line, speakers resolved over the whole text, renumbered."""
    found: list[Attribution] = []
    for doc, base, role in item.docs:
        if role != layout.FURNITURE:
            found.extend(extract_attributions(doc, base))
    if found:
        found = list(resolve_speakers(found, item.text, item.entities))
    found.sort(key=lambda a: (a.cue.start, a.content.start))
    item.attributions = [
        dataclasses.replace(a, id=f"{prefix}{n}") for n, a in enumerate(found, start=1)
    ]


def _candidates(
    article: _Text, qs: _Extents[Quantity], attrs: _Extents[Attribution]
) -> list[Candidate]:
    out = []
    for doc, base, role in article.docs:
        for span in claim_spans(doc):
            start, end = base + span.start_char, base + span.end_char
            feats = claim_features(
                span, start, end, qs.overlapping(start, end), attrs.overlapping(start, end)
            )
            out.append(Candidate(start, end, span.text, span, role == layout.HEADLINE, feats))
    return out


def _given_candidates(
    article: _Text,
    spans: Sequence[tuple[int, int]],
    qs: _Extents[Quantity],
    attrs: _Extents[Attribution],
) -> list[Candidate]:
    """Candidates for given spans, each read from the parsed line holding its start (a span
    across lines keeps its offsets; its words are read from that first line)."""
    out = []
    for start, end in spans:
        for doc, base, role in article.docs:
            if base <= start < base + len(doc.text):
                span = doc.char_span(
                    start - base, min(end - base, len(doc.text)), alignment_mode="expand"
                )
                if span is None or not len(span):
                    break
                feats = claim_features(
                    span, start, end, qs.overlapping(start, end), attrs.overlapping(start, end)
                )
                text = article.text[start:end]
                out.append(Candidate(start, end, text, span, role == layout.HEADLINE, feats))
                break
    return out


class _Chosen:
    """The score of a claim a person chose: check-worthy by that choice."""

    name = "reviewer"

    def score_many(self, candidates: Sequence[Candidate]) -> list[float]:
        return [1.0] * len(candidates)


def analyse_spans(
    text: str,
    sources: Sequence[SourceDoc],
    spans: Sequence[tuple[int, int]],
    *,
    nlp: Language,
) -> list[Claim]:
    """Evidence, comparisons, flags and support for given spans of an article (claims a
    reviewer added), through the same parse and stages as ``preannotate``. A span that starts
    on no parsed line (page furniture) gets no claim back."""
    t0 = time.perf_counter()
    texts = [_Text(text, _lines(text, nlp))]
    texts += [_Text(s.text, _lines(s.text, nlp), s.date) for s in sources]
    chunk = [(text, sources, texts, time.perf_counter() - t0)]
    label = pipeline_label(nlp)
    result = next(_run_chunk(chunk, nlp, 64, label, _Chosen(), _no_stage, spans=tuple(spans)))
    return list(result.claims)


def _link_attributions(
    attributions: Sequence[Attribution], claims: Sequence[Claim]
) -> list[Attribution]:
    """Each attribution to the claim holding the start of its content, else the most overlap."""
    out = []
    by_extent = _Extents(claims, lambda c: (c.start, c.end))
    for a in attributions:
        c0, c1 = a.content.start, a.content.end
        near = by_extent.overlapping(min(c0, c1 - 1), max(c1, c0 + 1))
        holder = next((c for c in near if c.start <= c0 < c.end), None)
        if holder is None:
            overlaps = [(min(c1, c.end) - max(c0, c.start), c) for c in near]
            overlaps = [(o, c) for o, c in overlaps if o > 0]
            holder = max(overlaps, key=lambda x: x[0])[1] if overlaps else None
        out.append(dataclasses.replace(a, claim_id=holder.id if holder else None))
    return out


def _passages(sources: Sequence[SourceDoc], source_texts: Sequence[_Text]) -> list[Passage]:
    """Source sentences of body and heading lines (furniture is never parsed). A source's
    headline states its main fact as often as any sentence does ("Former congresswoman dies
    at 78"): on WiCE dev 408 of 1,462 gold supporting sentences are headings."""
    out = []
    for src, st in zip(sources, source_texts, strict=True):
        docs = [(d, b) for d, b, _ in st.docs]
        source_qs = _quantity_extents(st.quantities)
        for doc, base in docs:
            for sent in doc.sents:
                start, end = base + sent.start_char, base + sent.end_char
                qs = source_qs.within(start, end)
                terms = span_terms(sent, qs)
                if terms:
                    out.append(
                        Passage(src.id, start, end, st.text[start:end], terms, is_negated(sent))
                    )
    return out


def _frame(
    attributions: Sequence[Attribution], claim: Claim, doc: Doc, base: int
) -> list[tuple[int, int]]:
    """Speaker and cue spans (doc-relative) of reports whose content covers the claim."""
    out = []
    for a in attributions:
        if a.content.start < claim.end and claim.start < a.content.end:
            for sp in (a.speaker, a.cue):
                if sp is not None:
                    out.append((sp.start - base, sp.end - base))
    return out


def _source_set(sources: Sequence[SourceDoc], source_texts: Sequence[_Text]) -> SourceSet:
    """The sources indexed once: passages for retrieval, figures for alignment, quotations."""
    passages = _passages(sources, source_texts)
    facts, figures, quotes = {}, [], []
    for src, st in zip(sources, source_texts, strict=True):
        if st.facts is None:
            continue
        facts[src.id] = st.facts
        keys = TextKeys.from_docs([(d, b) for d, b, _ in st.docs])
        figures.append(SourceFigures.build(src.id, st.text, keys, st.quantities))
        sentences = [(x.start, x.end) for x in st.sentences]
        quotes.append(SourceQuotes.build(src.id, st.text, st.attributions, sentences))
    return SourceSet(Bm25Index(passages), passages, facts, figures, quotes)


def _claim_input(
    claim: Claim, cand: Candidate, qs: _Extents[Quantity], attrs: _Extents[Attribution]
) -> ClaimInput:
    """A claim with its retrieval terms (its attribution frame left out: the frame says who,
    not what, and is checked separately), the keys around its figures, its polarity."""
    claim_attrs = attrs.overlapping(claim.start, claim.end)
    frame = _frame(claim_attrs, claim, cand.span.doc, cand.start - cand.span.start_char)
    claim_qs = qs.within(claim.start, claim.end)
    return ClaimInput(
        claim=claim,
        terms=span_terms(cand.span, claim_qs, frame),
        keys=TextKeys.from_docs([(cand.span, cand.start)]),
        quantities=claim_qs,
        attributions=claim_attrs,
        negated=is_negated(cand.span),
        hedged=any(t.lower_ in HEDGE_WORDS for t in cand.span),
        chunks=_phrases(cand.span),
        full_terms=span_terms(cand.span, claim_qs) if frame else Counter(),
    )


def _phrases(span: SpacySpan) -> list[frozenset[str]]:
    """The content keys of each noun phrase and each other content verb of a claim: the parts
    of a compound claim, each of which a source may or may not back."""
    out: list[frozenset[str]] = []
    seen: set[int] = set()
    try:
        chunks = list(span.noun_chunks)
    except ValueError:  # no dependency parse (a blank pipeline)
        chunks = []
    for chunk in chunks:
        keys = frozenset(k for t in chunk if (k := token_key(t)))
        seen.update(t.i for t in chunk)
        if keys:
            out.append(keys)
    for t in span:
        if t.i not in seen and t.pos_ in ("VERB", "ADJ", "NOUN", "PROPN") and (k := token_key(t)):
            out.append(frozenset({k}))
    return out
