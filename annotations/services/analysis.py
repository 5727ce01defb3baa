"""A claim a reviewer adds gets the machine's analysis too: evidence, comparisons, flags, support.

``claim_add`` commits the claim and, once committed, sends ``analyse_claim`` (tasks.py): the
evidence stage needs the parse, so it runs in the worker, never in the request. The analysis
is idempotent: it replaces the claim's machine evidence and open flags and keeps what people
did with them — a dismissed flag stays dismissed (and is not raised again), an evidence link a
verdict or a published revision cites stays.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerError

from ..models import (
    AuditVerb,
    Claim,
    EvidenceLink,
    Flag,
    Origin,
    ReviewState,
    Source,
    VerdictRevision,
)
from .audit import audit_record
from .preannotation import _claim_details, _source_docs, comparison_rows

if TYPE_CHECKING:
    from ..nlp import types as nlp

log = logging.getLogger(__name__)


def claim_analysis_send(*, claim_id: int) -> bool:
    """Queue the analysis of one claim; False if the broker cannot be reached (the claim
    stays as added, without evidence, and the page still works)."""
    from ..tasks import analyse_claim

    try:
        analyse_claim.delay(claim_id)
    except BrokerError as exc:
        log.warning("analysis of claim %s not sent, the broker is unreachable: %s", claim_id, exc)
        return False
    return True


def _analyse(claim: Claim, sources: dict[str, Source]) -> nlp.Claim:
    """The nlp layer's judgment of the claim's span; without sources no parse is needed."""
    from ..nlp.judge import not_in_sources_flag
    from ..nlp.types import Claim as Found

    bare = Found("c1", claim.start, claim.end, claim.text, 1.0)
    if sources:
        from ..nlp.pipeline import load_pipeline
        from ..nlp.preannotate import analyse_spans

        nlp = load_pipeline(settings.FACTCHECK_SPACY_MODEL)
        found = analyse_spans(
            claim.article.body, _source_docs(claim.article), [(claim.start, claim.end)], nlp=nlp
        )
        if found:
            return found[0]
    flag = not_in_sources_flag(bare, (), has_sources=bool(sources))
    return Found("c1", claim.start, claim.end, claim.text, 1.0, flags=(flag,))


def claim_analyse(*, claim_id: int) -> Claim | None:
    """Run the evidence stage for one claim's span and store what it found."""
    claim = Claim.objects.select_related("article").filter(pk=claim_id).first()
    if claim is None or claim.review_state == ReviewState.REJECTED:
        return claim
    span = (claim.start, claim.end)
    sources = {f"s{s.pk}": s for s in claim.article.sources.all()}
    found = _analyse(claim, sources)
    with transaction.atomic():
        claim = Claim.objects.select_for_update().select_related("article").get(pk=claim_id)
        if (claim.start, claim.end) != span or claim.review_state == ReviewState.REJECTED:
            return claim  # corrected or rejected meanwhile: this analysis is of another span
        kept_links = _replace_machine_details(claim)
        evidence, flags = _claim_details([(found, claim)], sources)
        evidence = [e for e in evidence if (e.source_id, e.start, e.end) not in kept_links]
        dismissed = {
            (f.type, f.article_text, f.source_text)
            for f in Flag.objects.filter(claim=claim, dismissed_at__isnull=False)
        }
        flags = [f for f in flags if (f.type, f.article_text, f.source_text) not in dismissed]
        EvidenceLink.objects.bulk_create(evidence)
        Flag.objects.bulk_create(flags)
        claim.support = found.support
        claim.comparisons = comparison_rows(found.comparisons, sources)
        claim.support_scores = dict(found.support_scores)
        # not a reviewer's edit: no version bump, so nobody's open form goes stale
        Claim.objects.filter(pk=claim.pk).update(
            support=claim.support,
            comparisons=claim.comparisons,
            support_scores=claim.support_scores,
        )
        audit_record(
            actor=None,
            verb=AuditVerb.CLAIM_ANALYSE,
            target=claim,
            article=claim.article,
            after={
                "support": claim.support,
                "evidence": len(evidence) + len(kept_links),
                "flags": sorted(f.type for f in flags),
            },
        )
    return claim


def _replace_machine_details(claim: Claim) -> set[tuple[int, int, int]]:
    """Delete the claim's open flags and the machine evidence no verdict cites; the
    (source, start, end) of the evidence links that stay."""
    Flag.objects.filter(claim=claim, dismissed_at__isnull=True).delete()
    links = EvidenceLink.objects.filter(claim=claim, origin=Origin.MACHINE)
    cited = set(
        VerdictRevision.evidence.through.objects.filter(evidencelink__claim=claim).values_list(
            "evidencelink_id", flat=True
        )
    )
    cited |= set(links.filter(verdicts__isnull=False).values_list("pk", flat=True))
    links.exclude(pk__in=cited).delete()
    return {(e.source_id, e.start, e.end) for e in EvidenceLink.objects.filter(claim=claim)}
