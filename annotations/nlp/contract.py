"""The JSON contract (preannotation-contract.md, schema "factcheck.preannotation/1").

One function from the frozen result to plain dicts, so the CLI, the Celery task and every
benchmark print exactly the same shape. Fields beyond the contract are additions only (the
contract allows adding, never renaming): quantity "bound"/"iso_date", attribution "hedged",
"speaker_resolved", "kind", "speaker_antecedent" and "content_parts", claim "reasons" and
"reasons_against",
claim "comparisons" (each figure, date, credit, quote or polarity compared with the sources, with
"outcome" consistent / differs / range_vs_point / no_counterpart, agreements too) and
"support_scores" (the support model's probability of each value), per-source
sentences/entities/quantities/attributions, and "timings".
"""

from __future__ import annotations

from typing import Any

from annotations.nlp.types import (
    SCHEMA,
    Attribution,
    Claim,
    Comparison,
    Entity,
    PreannotationResult,
    Quantity,
    Sentence,
    SourceResult,
    Span,
)


def _span(s: Span | None) -> dict[str, Any] | None:
    return None if s is None else {"start": s.start, "end": s.end, "text": s.text}


def _sentence(s: Sentence) -> dict[str, Any]:
    return {"start": s.start, "end": s.end}


def _entity(e: Entity) -> dict[str, Any]:
    return {"start": e.start, "end": e.end, "text": e.text, "label": e.label}


def _quantity(q: Quantity) -> dict[str, Any]:
    return {
        "start": q.start,
        "end": q.end,
        "text": q.text,
        "kind": q.kind,
        "value": q.value,
        "low": q.low,
        "high": q.high,
        "unit": q.unit,
        "approximate": q.approximate,
        "bound": q.bound,
        "iso_date": q.iso_date,
    }


def _attribution(a: Attribution) -> dict[str, Any]:
    return {
        "id": a.id,
        "speaker": _span(a.speaker),
        "cue": _span(a.cue),
        "content": _span(a.content),
        "direct": a.direct,
        "claim_id": a.claim_id,
        "hedged": a.hedged,
        "speaker_resolved": a.speaker_resolved,
        "kind": a.kind,
        "speaker_antecedent": _span(a.speaker_antecedent),
        "content_parts": [_span(p) for p in a.content_parts],
    }


def _claim(c: Claim) -> dict[str, Any]:
    return {
        "id": c.id,
        "start": c.start,
        "end": c.end,
        "text": c.text,
        "score": c.score,
        "kinds": list(c.kinds),
        "support": c.support,
        "evidence": [
            {
                "source_id": e.source_id,
                "start": e.start,
                "end": e.end,
                "text": e.text,
                "score": e.score,
            }
            for e in c.evidence
        ],
        "reasons": list(c.reasons),
        "comparisons": [_comparison(x) for x in c.comparisons],
        "support_scores": dict(c.support_scores),
        "reasons_against": list(c.reasons_against),
        "flags": [
            {
                "type": f.type,
                "article_text": f.article_text,
                "source_text": f.source_text,
                "message": f.message,
            }
            for f in c.flags
        ],
    }


def _comparison(c: Comparison) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "article_text": c.article_text,
        "source_text": c.source_text,
        "outcome": c.outcome,
        "source_id": c.source_id,
        "source_start": c.source_start,
        "source_end": c.source_end,
        "note": c.note,
        "summary": c.summary,
    }


def _source(s: SourceResult) -> dict[str, Any]:
    return {
        "id": s.id,
        "path": s.path,
        "name": s.name,
        "date": s.date,
        "length": s.length,
        "sentences": [_sentence(x) for x in s.sentences],
        "entities": [_entity(x) for x in s.entities],
        "quantities": [_quantity(x) for x in s.quantities],
        "attributions": [_attribution(x) for x in s.attributions],
    }


def to_contract(result: PreannotationResult, *, article_path: str | None = None) -> dict[str, Any]:
    """The contract object for one pre-annotated article."""
    return {
        "schema": SCHEMA,
        "model": result.model,
        "article": {"path": article_path, "length": result.article_length},
        "sources": [_source(s) for s in result.sources],
        "sentences": [_sentence(s) for s in result.sentences],
        "entities": [_entity(e) for e in result.entities],
        "quantities": [_quantity(q) for q in result.quantities],
        "attributions": [_attribution(a) for a in result.attributions],
        "claims": [_claim(c) for c in result.claims],
        "timings": dict(result.timings),
    }
