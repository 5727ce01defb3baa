"""Verdicts: a rating with a rationale and evidence per claim, and their publication."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import roles
from ..models import Article, AuditVerb, Claim, EvidenceLink, Rating, ReviewState, Verdict
from .articles import article_set_status, article_start_review
from .audit import audit_record, snapshot
from .errors import ConflictError, ServiceError

VERDICT_FIELDS = ["rating", "rationale", "is_published", "published_at", "version"]


def _verdict_snapshot(verdict: Verdict) -> dict[str, Any]:
    data = snapshot(verdict, VERDICT_FIELDS)
    data["rating_label"] = verdict.rating.label
    data["evidence"] = sorted(verdict.evidence.values_list("pk", flat=True)) if verdict.pk else []
    return data


def verdict_save(
    *,
    claim: Claim,
    rating: Rating,
    rationale: str,
    actor: User,
    evidence_ids: Iterable[int] = (),
    version: int | None = None,
) -> Verdict:
    """Create a claim's verdict, or update it when ``version`` (the verdict's) is given.

    ``version=None`` means "there is no verdict yet": if someone gave one meanwhile, that is a
    conflict, not an overwrite of their work.
    """
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can give verdicts")
    rationale = rationale.strip()
    if not rationale:
        raise ServiceError("A verdict needs a rationale")
    if claim.review_state == ReviewState.REJECTED:
        raise ServiceError("This claim was rejected; reopen it before giving a verdict")
    evidence_ids = list(evidence_ids)
    evidence = list(EvidenceLink.objects.filter(claim=claim, pk__in=evidence_ids))
    if len(evidence) != len(set(evidence_ids)):
        raise ServiceError("Evidence must be passages linked to this claim")
    with transaction.atomic():
        verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
        if verdict is None:
            verdict = Verdict.objects.create(
                claim=claim, rating=rating, rationale=rationale, reviewer=actor
            )
            before = None
            verb = AuditVerb.VERDICT_CREATE
        else:
            if version is None or verdict.version != version:
                raise ConflictError(verdict, version or 0, changed_by=verdict.reviewer)
            before = _verdict_snapshot(verdict)
            verdict.rating, verdict.rationale, verdict.reviewer = rating, rationale, actor
            verdict.version += 1
            verdict.save()
            verb = AuditVerb.VERDICT_UPDATE
        verdict.evidence.set(evidence)
        fresh = Claim.objects.select_for_update().get(pk=claim.pk)
        if fresh.review_state == ReviewState.PENDING:
            # Giving a verdict confirms the claim; recorded as its own event so the claim's
            # history shows it.
            before = snapshot(fresh, ["review_state", "version"])
            fresh.review_state = ReviewState.CONFIRMED
            fresh.version = F("version") + 1
            fresh.updated_by = actor
            fresh.save(update_fields=["review_state", "version", "updated_by", "updated_at"])
            fresh.refresh_from_db(fields=["version"])
            audit_record(
                actor=actor,
                verb=AuditVerb.CLAIM_CONFIRM,
                target=fresh,
                article=claim.article,
                before=before,
                after=snapshot(fresh, ["review_state", "version"]),
            )
        audit_record(
            actor=actor,
            verb=verb,
            target=verdict,
            article=claim.article,
            before=before,
            after=_verdict_snapshot(verdict),
        )
        article_start_review(article=claim.article, actor=actor)
    return verdict


def _set_published(*, verdict: Verdict, actor: User, publish: bool) -> Verdict:
    """Publish or unpublish, and keep the article's status in step with its verdicts."""
    if not roles.is_editor(actor):
        action = "publish" if publish else "unpublish"
        raise PermissionDenied(f"Only editors can {action} verdicts")
    with transaction.atomic():
        verdict = (
            Verdict.objects.select_for_update().select_related("claim__article").get(pk=verdict.pk)
        )
        if verdict.is_published == publish:
            return verdict
        before = _verdict_snapshot(verdict)
        verdict.is_published = publish
        verdict.published_at = timezone.now() if publish else None
        verdict.published_by = actor if publish else None
        verdict.save()
        article = verdict.claim.article
        audit_record(
            actor=actor,
            verb=AuditVerb.VERDICT_PUBLISH if publish else AuditVerb.VERDICT_UNPUBLISH,
            target=verdict,
            article=article,
            before=before,
            after=_verdict_snapshot(verdict),
        )
        new_status: str
        if publish:
            new_status = Article.Status.PUBLISHED
        elif (
            article.status == Article.Status.PUBLISHED
            and not Verdict.objects.filter(claim__article=article, is_published=True).exists()
        ):
            new_status = Article.Status.REVIEWED
        else:
            new_status = article.status
        article_set_status(
            article=article,
            status=new_status,
            actor=actor,
            verb=AuditVerb.ARTICLE_PUBLISHED if publish else AuditVerb.ARTICLE_UNPUBLISHED,
        )
    return verdict


def verdict_publish(*, verdict: Verdict, actor: User) -> Verdict:
    return _set_published(verdict=verdict, actor=actor, publish=True)


def verdict_unpublish(*, verdict: Verdict, actor: User) -> Verdict:
    """Take a verdict off every public surface (page, endpoints, feed)."""
    return _set_published(verdict=verdict, actor=actor, publish=False)
