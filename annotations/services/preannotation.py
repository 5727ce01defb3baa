"""Running the NLP pipeline on an article and storing what it found.

The store replaces only machine suggestions nobody has touched: confirmed, corrected,
rejected and reviewer-added annotations survive a re-run unchanged, so re-running after a
model upgrade never destroys review work. How a run is queued, claimed by one worker, kept
alive and recovered is in ``runs.py``; this module is what an attempt that holds a run does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import timezone

from ..models import (
    AnnotationRun,
    Article,
    Attribution,
    AuditVerb,
    Claim,
    Entity,
    EvidenceLink,
    Flag,
    Origin,
    Quantity,
    ReviewState,
    Source,
)
from ..spans import validate_span
from .audit import audit_record
from .runs import (
    PIPELINE_VERSION,
    Heartbeat,
    failure_message,
    run_claim,
    run_give_up,
    run_queue,
)

if TYPE_CHECKING:
    from ..nlp import types as nlp
    from ..nlp.types import PreannotationResult, SourceDoc, SourceResult

log = logging.getLogger(__name__)

__all__ = ["PIPELINE_VERSION", "preannotation_store", "run_execute", "run_queue"]

# Percent done when each stage starts; parsing is ~90% of the pipeline's time.
STAGE_PROGRESS = {
    "layout": 15,
    "parse": 20,
    "quantities": 60,
    "attributions": 65,
    "claims": 70,
    "evidence": 75,
    "consistency": 80,
}
# Errors worth retrying: the database or broker blinked. Everything else is a bug or bad input
# and retrying would only repeat it.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def _set_stage(run: AnnotationRun, stage: str, progress: int, **extra: Any) -> None:
    """Record progress, only while this attempt still holds the run (``attempts`` is the
    token): an attempt presumed dead must not overwrite the one that took over."""
    run.stage, run.progress = stage, progress
    for key, value in extra.items():
        setattr(run, key, value)
    AnnotationRun.objects.filter(pk=run.pk, attempts=run.attempts).update(
        stage=stage, progress=progress, **extra
    )


def _source_docs(article: Article) -> list[SourceDoc]:
    from ..nlp.types import SourceDoc

    return [
        SourceDoc(
            id=f"s{source.pk}",
            text=source.text,
            name=source.name or None,
            date=source.published_on.isoformat() if source.published_on else None,
        )
        for source in article.sources.all()
    ]


def _run_for(article: Article, run_id: int | None) -> AnnotationRun:
    """The run to execute; without an id, the article's latest if it is still to do, else a
    new one (``load_demo`` and the ``preannotate`` paths run "now", not "that old run")."""
    if run_id is not None:
        return AnnotationRun.objects.get(pk=run_id, article=article)
    run = article.runs.order_by("-created_at", "-id").first()
    if run is None or run.status != AnnotationRun.Status.QUEUED:
        run = AnnotationRun.objects.create(
            article=article,
            pipeline_version=PIPELINE_VERSION,
            model_name=settings.FACTCHECK_SPACY_MODEL,
        )
    return run


def _superseded(run: AnnotationRun, article: Article) -> bool:
    if not article.runs.filter(created_at__gt=run.created_at).exists():
        return False
    AnnotationRun.objects.filter(pk=run.pk, status=AnnotationRun.Status.QUEUED).update(
        status=AnnotationRun.Status.SKIPPED,
        stage="superseded",
        progress=100,
        finished_at=timezone.now(),
        error="A newer run was queued for this article.",
    )
    run.refresh_from_db()
    return True


def run_execute(
    *,
    article_id: int,
    run_id: int | None = None,
    final_attempt: bool = True,
    task_id: str = "",
) -> AnnotationRun:
    """Run the pipeline for one run, if this attempt can claim it. Safe to call any number of
    times, concurrently too: a finished run is left alone, a run another live attempt holds
    is left to it, and only the attempt holding the run stores results."""
    article = Article.objects.get(pk=article_id)
    run = _run_for(article, run_id)
    if run.status in (
        AnnotationRun.Status.SUCCEEDED,
        AnnotationRun.Status.SKIPPED,
        AnnotationRun.Status.FAILED,
    ):
        return run
    if _superseded(run, article):
        return run
    if not run_claim(run, task_id=task_id):
        run.refresh_from_db()
        held_by_me = bool(task_id) and run.task_id == task_id
        if not (held_by_me and run_give_up(run)):
            log.info("run %s is held by another attempt (%s); left to it", run.pk, run.status)
        run.refresh_from_db()
        return run
    with Heartbeat(run):
        return _execute_claimed(run, article, final_attempt=final_attempt)


def _execute_claimed(run: AnnotationRun, article: Article, *, final_attempt: bool) -> AnnotationRun:
    from ..nlp.checkworthy import default_scorer
    from ..nlp.pipeline import load_pipeline
    from ..nlp.preannotate import preannotate
    from ..nlp.retrain import model_versions

    try:
        started = timezone.now()
        nlp = load_pipeline(settings.FACTCHECK_SPACY_MODEL)
        scorer = default_scorer()
        load_seconds = (timezone.now() - started).total_seconds()
        _set_stage(
            run,
            "analysing",
            20,
            model_version=str(nlp.meta.get("version", "")),
            model_name=f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}".strip("_"),
            model_versions=model_versions(scorer),
        )
        result = preannotate(
            article.body,
            _source_docs(article),
            nlp=nlp,
            scorer=scorer,
            on_stage=lambda name: _set_stage(run, name, STAGE_PROGRESS.get(name, run.progress)),
        )
        _set_stage(run, "storing", 85)
        timings = {
            "load_model": round(load_seconds, 4),
            **{k: round(v, 4) for k, v in result.timings.items()},
        }
        _store_once(run, article, result, timings)
        return run
    except TRANSIENT_ERRORS as exc:
        if not final_attempt:
            _set_stage(
                run,
                "waiting to retry",
                run.progress,
                status=AnnotationRun.Status.QUEUED,
                error=f"{type(exc).__name__}: {exc} (will retry)",
            )
            raise
        _fail(run, article, exc)
        raise
    except Exception as exc:  # any failure, a soft time limit too, leaves a visible state
        _fail(run, article, exc)
        raise


def _store_once(
    run: AnnotationRun, article: Article, result: PreannotationResult, timings: dict[str, float]
) -> None:
    """Store the result if this attempt still holds the run; otherwise drop it (another
    attempt took the run over and stores its own)."""
    with transaction.atomic():
        held = (
            AnnotationRun.objects.select_for_update()
            .filter(pk=run.pk, attempts=run.attempts, status=AnnotationRun.Status.RUNNING)
            .exists()
        )
        if not held:
            log.warning("run %s was taken over by another attempt; result dropped", run.pk)
            run.refresh_from_db()
            return
        counts = preannotation_store(article=article, run=run, result=result)
        _set_stage(
            run,
            "done",
            100,
            status=AnnotationRun.Status.SUCCEEDED,
            finished_at=timezone.now(),
            timings=timings,
        )
        Article.objects.filter(
            pk=article.pk,
            status__in=(
                Article.Status.PREANNOTATING,
                Article.Status.NEW,
                Article.Status.FAILED,
            ),
        ).update(status=Article.Status.READY)
        audit_record(
            actor=None,
            verb=AuditVerb.PREANNOTATION_STORE,
            target=run,
            article=article,
            after=counts,
        )


def _fail(run: AnnotationRun, article: Article, exc: BaseException) -> None:
    """Record the failure in plain words (the stage it was in stays the stage), unless
    another attempt holds the run by now."""
    message = failure_message(run.stage, exc)
    log.error("pre-annotation of article %s failed: %s", article.pk, message, exc_info=exc)
    try:
        with transaction.atomic():
            failed = AnnotationRun.objects.filter(
                pk=run.pk, attempts=run.attempts, status=AnnotationRun.Status.RUNNING
            ).update(status=AnnotationRun.Status.FAILED, finished_at=timezone.now(), error=message)
            if not failed:
                return
            run.status, run.error = AnnotationRun.Status.FAILED, message
            Article.objects.filter(pk=article.pk).update(status=Article.Status.FAILED)
            audit_record(
                actor=None,
                verb=AuditVerb.PREANNOTATION_FAIL,
                target=run,
                article=article,
                after={"error": message[:500], "stage": run.stage},
            )
    except DatabaseError:
        log.exception("could not record the failure of run %s", run.pk)


def preannotation_store(
    *, article: Article, run: AnnotationRun, result: PreannotationResult
) -> dict[str, int]:
    """Replace untouched machine annotations with ``result``; keep all reviewer work."""
    sources: dict[str, Source] = {f"s{s.pk}": s for s in article.sources.all()}
    _delete_untouched(article)
    kept_claims = {(c.start, c.end): c for c in article.claims.all()}
    kept_attrs = {(a.source_id, a.cue_start) for a in Attribution.objects.filter(article=article)}

    claim_by_id, new_claims = _match_claims(article, run, result.claims, kept_claims, sources)
    Claim.objects.bulk_create([obj for _, obj in new_claims])
    claim_by_id.update((found.id, obj) for found, obj in new_claims)
    evidence, flags = _claim_details(new_claims, sources)
    EvidenceLink.objects.bulk_create(evidence)
    Flag.objects.bulk_create(flags)

    rows = _TextRows(article=article, run=run, kept_attrs=kept_attrs, claim_by_id=claim_by_id)
    rows.add(result, article.body, None)
    for source_result in result.sources:
        source = sources.get(source_result.id)
        if source is not None:
            rows.add(source_result, source.text, source)
    Attribution.objects.bulk_create(rows.attributions)
    Entity.objects.bulk_create(rows.entities)
    Quantity.objects.bulk_create(rows.quantities)
    return {
        "claims": len(new_claims),
        "claims_kept": len(kept_claims),
        "attributions": len(rows.attributions),
        "entities": len(rows.entities),
        "quantities": len(rows.quantities),
        "evidence": len(evidence),
        "flags": len(flags),
    }


def _delete_untouched(article: Article) -> None:
    """Machine suggestions nobody decided on; everything else is review work."""
    Claim.objects.filter(
        article=article,
        origin=Origin.MACHINE,
        review_state=ReviewState.PENDING,
        verdict__isnull=True,
    ).delete()
    Attribution.objects.filter(
        article=article, origin=Origin.MACHINE, review_state=ReviewState.PENDING
    ).delete()
    Entity.objects.filter(article=article).delete()
    Quantity.objects.filter(article=article).delete()


def _match_claims(
    article: Article,
    run: AnnotationRun,
    found: Sequence[nlp.Claim],
    kept_claims: dict[tuple[int, int], Claim],
    sources: dict[str, Source],
) -> tuple[dict[str, Claim], list[tuple[nlp.Claim, Claim]]]:
    """Map each found claim onto a kept one (same span now, or the span the machine once
    proposed before a reviewer corrected it), or make a new unsaved row for it."""
    claim_by_id: dict[str, Claim] = {}
    new_claims: list[tuple[nlp.Claim, Claim]] = []
    for claim in found:
        validate_span(article.body, claim.start, claim.end, claim.text, label=f"claim {claim.id}")
        kept = kept_claims.get((claim.start, claim.end)) or next(
            (
                c
                for c in kept_claims.values()
                if c.machine_start == claim.start and c.machine_end == claim.end
            ),
            None,
        )
        if kept is not None:
            claim_by_id[claim.id] = kept
            continue
        obj = Claim(
            article=article,
            run=run,
            start=claim.start,
            end=claim.end,
            text=claim.text,
            score=max(0.0, min(1.0, claim.score)),
            kinds=list(claim.kinds),
            reasons=list(claim.reasons),
            reasons_against=list(claim.reasons_against),
            support=claim.support,
            comparisons=comparison_rows(claim.comparisons, sources),
            support_scores=dict(claim.support_scores),
            origin=Origin.MACHINE,
        )
        new_claims.append((claim, obj))
    return claim_by_id, new_claims


def comparison_rows(
    comparisons: Sequence[nlp.Comparison], sources: dict[str, Source]
) -> list[dict[str, Any]]:
    """The claim's comparisons as stored: the nlp source id ("s12") becomes the Source's pk,
    and a source span is kept only if it is an exact slice of that source's text."""
    rows = []
    for c in comparisons:
        source = sources.get(c.source_id) if c.source_id else None
        start, end = c.source_start, c.source_end
        if (
            source is None
            or start is None
            or end is None
            or not 0 <= start < end <= len(source.text)
        ):
            start = end = None
        rows.append(
            {
                "kind": c.kind,
                "article_text": c.article_text[:500],
                "source_text": c.source_text[:500],
                "outcome": c.outcome,
                "note": c.note,
                "summary": c.summary[:1000],
                "source": source.pk if source is not None else None,
                "start": start,
                "end": end,
            }
        )
    return rows


def _claim_details(
    new_claims: list[tuple[nlp.Claim, Claim]], sources: dict[str, Source]
) -> tuple[list[EvidenceLink], list[Flag]]:
    """Evidence passages and flags of the newly stored claims."""
    evidence: list[EvidenceLink] = []
    flags: list[Flag] = []
    for claim, obj in new_claims:
        for ev in claim.evidence:
            source = sources.get(ev.source_id)
            if source is None:
                continue
            validate_span(source.text, ev.start, ev.end, ev.text, label="evidence")
            evidence.append(
                EvidenceLink(
                    claim=obj,
                    source=source,
                    start=ev.start,
                    end=ev.end,
                    text=ev.text,
                    score=ev.score,
                )
            )
        flags += [
            Flag(
                claim=obj,
                type=flag.type,
                article_text=flag.article_text,
                source_text=flag.source_text,
                message=flag.message,
            )
            for flag in claim.flags
        ]
    return evidence, flags


@dataclass
class _TextRows:
    """Attribution, entity and quantity rows found in the article and in each source, each
    span checked against the text it points into."""

    article: Article
    run: AnnotationRun
    kept_attrs: set[tuple[int | None, int]]
    claim_by_id: dict[str, Claim]
    attributions: list[Attribution] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)

    def add(
        self, found: PreannotationResult | SourceResult, text: str, source: Source | None
    ) -> None:
        self._attributions(found.attributions, text, source)
        self._entities(found.entities, text, source)
        self._quantities(found.quantities, text, source)

    def _attributions(
        self, items: Sequence[nlp.Attribution], text: str, source: Source | None
    ) -> None:
        for a in items:
            if (source.pk if source else None, a.cue.start) in self.kept_attrs:
                continue
            if a.speaker is not None:
                validate_span(text, a.speaker.start, a.speaker.end, a.speaker.text, label="speaker")
            validate_span(text, a.cue.start, a.cue.end, a.cue.text, label="cue")
            validate_span(text, a.content.start, a.content.end, a.content.text, label="content")
            # Source attributions are never linked to article claims.
            claim = self.claim_by_id.get(a.claim_id) if source is None and a.claim_id else None
            self.attributions.append(
                Attribution(
                    article=self.article,
                    source=source,
                    run=self.run,
                    claim=claim,
                    speaker_start=a.speaker.start if a.speaker else None,
                    speaker_end=a.speaker.end if a.speaker else None,
                    speaker_text=a.speaker.text if a.speaker else "",
                    speaker_resolved=(a.speaker_resolved or "")[:300],
                    cue_start=a.cue.start,
                    cue_end=a.cue.end,
                    cue_text=a.cue.text[:300],
                    content_start=a.content.start,
                    content_end=a.content.end,
                    content_text=a.content.text,
                    direct=a.direct,
                    hedged=a.hedged,
                    kind=a.kind,
                )
            )

    def _entities(self, items: Sequence[nlp.Entity], text: str, source: Source | None) -> None:
        for e in items:
            validate_span(text, e.start, e.end, e.text, label="entity")
            self.entities.append(
                Entity(
                    article=self.article,
                    source=source,
                    run=self.run,
                    start=e.start,
                    end=e.end,
                    text=e.text[:500],
                    label=e.label,
                )
            )

    def _quantities(self, items: Sequence[nlp.Quantity], text: str, source: Source | None) -> None:
        for q in items:
            validate_span(text, q.start, q.end, q.text, label="quantity")
            self.quantities.append(
                Quantity(
                    article=self.article,
                    source=source,
                    run=self.run,
                    start=q.start,
                    end=q.end,
                    text=q.text[:500],
                    kind=q.kind,
                    value=q.value,
                    low=q.low,
                    high=q.high,
                    unit=q.unit or "",
                    approximate=q.approximate,
                    bound=q.bound or "",
                    iso_date=q.iso_date or "",
                )
            )
