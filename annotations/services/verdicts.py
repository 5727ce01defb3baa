"""Verdicts and their way to the public: draft → submitted → published, then corrected or
withdrawn, and only ever by an editor.

Reviewers write the verdict's working copy (``verdict_save``) and submit it
(``verdict_submit``). An editor publishes it (``verdict_publish``), which copies it into an
immutable ``VerdictRevision`` that every public surface reads, or sends it back with a note
(``verdict_return``). Editing a published verdict only changes the working copy: the public
keeps the published revision until an editor publishes the new one, which needs a
correction note and appears on the public corrections page. Withdrawing needs a reason and
leaves a notice where the verdict was. Every step is audited and checks the version the
person saw, so nobody publishes or withdraws something other than what was on their screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claimreview.builder import mentions_phrase

from .. import roles
from ..models import (
    AuditVerb,
    Claim,
    ClaimantType,
    CorrectionNotice,
    EvidenceLink,
    Rating,
    ReviewState,
    Verdict,
    VerdictRevision,
)
from ..selectors.double_review import publication_block
from ..selectors.verdicts import OUTLET, ClaimantOption, claimant_options, verdict_content
from .articles import article_start_review, article_sync_status
from .audit import audit_record, snapshot
from .errors import ConflictError, ServiceError

VERDICT_FIELDS = [
    "rating",
    "rationale",
    "claim_reviewed",
    "claimant_name",
    "claimant_type",
    "state",
    "return_note",
    "is_published",
    "published_at",
    "withdrawn_at",
    "version",
]
CLAIM_REVIEWED_MAX = 5000


def _verdict_snapshot(verdict: Verdict) -> dict[str, Any]:
    data = snapshot(verdict, VERDICT_FIELDS)
    data["rating_label"] = verdict.rating.label
    data["evidence"] = sorted(verdict.evidence.values_list("pk", flat=True)) if verdict.pk else []
    revision = verdict.published_revision
    if revision is not None:
        data["public_revision"] = revision.number  # what the history calls "revision 2"
    return data


def _audit(verdict: Verdict, actor: User, verb: AuditVerb, before: dict[str, Any] | None) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        target=verdict,
        article=verdict.claim.article,
        before=before,
        after=_verdict_snapshot(verdict),
    )


def _require_editor(actor: User, action: str) -> None:
    if not roles.is_editor(actor):
        raise PermissionDenied(f"Only editors can {action} verdicts")


def _locked(verdict: Verdict, version: int | None) -> Verdict:
    """The verdict row, locked, at the version the caller saw (``None``: no check)."""
    # of=("self",): only the verdict row; PostgreSQL cannot lock the nullable side of the
    # outer join to its reviewer.
    fresh = (
        Verdict.objects.select_for_update(of=("self",))
        .select_related("claim__article", "rating", "reviewer", "published_revision")
        .get(pk=verdict.pk)
    )
    if version is not None and fresh.version != version:
        raise ConflictError(fresh, version, changed_by=fresh.reviewer)
    return fresh


def _bump(verdict: Verdict) -> None:
    verdict.version += 1
    verdict.save()


# --- the claimant and the wording -----------------------------------------------------------


@dataclass(frozen=True)
class ClaimantChoice:
    """A claimant picked in the verdict form: ``attribution_id`` None means the outlet."""

    attribution_id: int | None = None
    kind: str = ""

    @classmethod
    def parse(cls, key: str) -> ClaimantChoice:
        """Read a form value ("outlet" or "attribution:<id>:<kind>"); bad input refused."""
        if key in ("", OUTLET):
            return cls()
        parts = key.split(":")
        if len(parts) == 3 and parts[0] == "attribution" and parts[1].isdigit():
            return cls(int(parts[1]), parts[2])
        raise ServiceError("Choose who made the claim from the list.")


def _claimant(claim: Claim, choice: ClaimantChoice | None) -> ClaimantOption | None:
    """The option chosen, checked against the same list the panel offers."""
    options = claimant_options(claim)
    if choice is None or choice.attribution_id is None:
        return next((o for o in options if o.is_outlet), None)
    if choice.kind not in ClaimantType.values:
        raise ServiceError("Say whether the speaker is a person or an organisation.")
    option = next(
        (o for o in options if o.attribution_id == choice.attribution_id and o.kind == choice.kind),
        None,
    )
    if option is None:
        raise ServiceError("That speaker is not an attribution of this claim.")
    if option.refused:
        raise ServiceError(f"{option.name} cannot be named as the claimant: {option.refused}.")
    return option


def _check_claimant_still_allowed(verdict: Verdict) -> None:
    """A speaker chosen earlier must still qualify (a flag may have opened since)."""
    if verdict.claimant_attribution_id is None:
        return
    _claimant(verdict.claim, ClaimantChoice(verdict.claimant_attribution_id, verdict.claimant_type))


def _check_wording(verdict: Verdict) -> None:
    """Search engines show the rating beside ``claimReviewed``: the wording must not carry
    a verdict of its own (the ClaimReview builder would refuse it)."""
    if mentions_phrase(verdict.claim_reviewed, verdict.rating.label):
        raise ServiceError(
            f"The claim-reviewed wording contains the rating “{verdict.rating.label}”: "
            "rephrase the claim without the verdict (search engines show the rating beside it)."
        )


def default_wording(claim: Claim) -> str:
    return " ".join(claim.text.split())


# --- writing the working copy ---------------------------------------------------------------


def _first_verdict(claim: Claim, actor: User, **fields: Any) -> Verdict:
    try:
        with transaction.atomic():
            return Verdict.objects.create(claim=claim, reviewer=actor, **fields)
    except IntegrityError:
        # Another first verdict won the race past the claim lock (a database without row
        # locks): theirs stands, and this one is a conflict, as with a stale version.
        current = Verdict.objects.select_related("reviewer").get(claim=claim)
        raise ConflictError(current, 0, changed_by=current.reviewer) from None


def _confirm_claim(claim: Claim, actor: User) -> None:
    """Giving a verdict confirms a pending claim, recorded as the claim's own event."""
    if claim.review_state != ReviewState.PENDING:
        return
    before = snapshot(claim, ["review_state", "version"])
    claim.review_state = ReviewState.CONFIRMED
    claim.version = F("version") + 1
    claim.updated_by = actor
    claim.save(update_fields=["review_state", "version", "updated_by", "updated_at"])
    claim.refresh_from_db(fields=["version"])
    audit_record(
        actor=actor,
        verb=AuditVerb.CLAIM_CONFIRM,
        target=claim,
        article=claim.article,
        before=before,
        after=snapshot(claim, ["review_state", "version"]),
    )


def verdict_save(
    *,
    claim: Claim,
    rating: Rating,
    rationale: str,
    actor: User,
    evidence_ids: Iterable[int] = (),
    version: int | None = None,
    claim_reviewed: str = "",
    claimant: ClaimantChoice | None = None,
) -> Verdict:
    """Create a claim's verdict as a draft, or edit it when ``version`` (the verdict's) is
    given. Editing a published verdict drafts its next revision; the public is unaffected.

    ``version=None`` means "there is no verdict yet": if someone gave one meanwhile, that is a
    conflict, not an overwrite of their work. ``claim_reviewed`` blank means the claim's own
    text; ``claimant`` None means the article's outlet.
    """
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can give verdicts")
    rationale = rationale.strip()
    if not rationale:
        raise ServiceError("A verdict needs a rationale")
    wording = " ".join(claim_reviewed.split()) or default_wording(claim)
    if len(wording) > CLAIM_REVIEWED_MAX:
        raise ServiceError(
            f"The claim-reviewed wording must be at most {CLAIM_REVIEWED_MAX:,} characters"
        )
    evidence_ids = list(evidence_ids)
    evidence = list(EvidenceLink.objects.filter(claim=claim, pk__in=evidence_ids))
    if len(evidence) != len(set(evidence_ids)):
        raise ServiceError("Evidence must be passages linked to this claim")
    with transaction.atomic():
        # The claim row is the lock that serialises verdicts on it: with none yet there is
        # no verdict row to lock, and two first verdicts would both be created.
        locked = Claim.objects.select_for_update().select_related("article").get(pk=claim.pk)
        if locked.review_state == ReviewState.REJECTED:
            raise ServiceError("This claim was rejected; reopen it before giving a verdict")
        chosen = _claimant(locked, claimant)
        fields = {
            "rating": rating,
            "rationale": rationale,
            "claim_reviewed": wording,
            "claimant_name": chosen.name if chosen else "",
            "claimant_type": chosen.kind if chosen else "",
            "claimant_attribution_id": chosen.attribution_id if chosen else None,
        }
        verdict = Verdict.objects.select_for_update().filter(claim=locked).first()
        if verdict is None:
            verdict = _first_verdict(locked, actor, **fields)
            before, verb = None, AuditVerb.VERDICT_CREATE
        else:
            if version is None or verdict.version != version:
                raise ConflictError(verdict, version or 0, changed_by=verdict.reviewer)
            before = _verdict_snapshot(verdict)
            for name, value in fields.items():
                setattr(verdict, name, value)
            verdict.reviewer = actor
            verdict.version += 1
            verb = AuditVerb.VERDICT_UPDATE
        verdict.claim = locked
        verdict.evidence.set(evidence)
        verdict.state = _state_after_edit(verdict)
        verdict.save()
        _confirm_claim(locked, actor)
        _audit(verdict, actor, verb, before)
        article_start_review(article=locked.article, actor=actor)
    return verdict


def _state_after_edit(verdict: Verdict) -> str:
    """An edit is a draft, unless it leaves a live verdict exactly as published."""
    live = verdict.published_revision if verdict.is_published else None
    if live is not None and verdict_content(verdict) == verdict_content(live):
        return Verdict.State.PUBLISHED
    return Verdict.State.DRAFT


def verdict_submit(*, verdict: Verdict, actor: User, version: int | None = None) -> Verdict:
    """Ask an editor to publish the draft."""
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can submit verdicts")
    with transaction.atomic():
        verdict = _locked(verdict, version)
        if verdict.state == Verdict.State.SUBMITTED:
            raise ServiceError("This verdict is already waiting for an editor")
        if verdict.state != Verdict.State.DRAFT:
            raise ServiceError(
                "Nothing to submit: this is the revision the public saw. Edit it first."
            )
        _check_publishable(verdict)
        before = _verdict_snapshot(verdict)
        verdict.state = Verdict.State.SUBMITTED
        verdict.return_note = ""
        _bump(verdict)
        _audit(verdict, actor, AuditVerb.VERDICT_SUBMIT, before)
    return verdict


def verdict_return(
    *, verdict: Verdict, actor: User, note: str, version: int | None = None
) -> Verdict:
    """An editor sends a submitted verdict back to its reviewer, saying what to change."""
    _require_editor(actor, "send back")
    note = note.strip()
    if not note:
        raise ServiceError("Say what should change before it can be published")
    with transaction.atomic():
        verdict = _locked(verdict, version)
        if verdict.state != Verdict.State.SUBMITTED:
            raise ServiceError("Only a verdict waiting for an editor can be sent back")
        before = _verdict_snapshot(verdict)
        verdict.state = Verdict.State.DRAFT
        verdict.return_note = note
        _bump(verdict)
        _audit(verdict, actor, AuditVerb.VERDICT_RETURN, before)
    return verdict


# --- publishing, correcting, withdrawing ----------------------------------------------------


def _check_publishable(verdict: Verdict) -> None:
    if verdict.claim.review_state == ReviewState.REJECTED:
        raise ServiceError("This claim was rejected; reopen it before publishing its verdict")
    _check_wording(verdict)
    _check_claimant_still_allowed(verdict)
    live = verdict.published_revision if verdict.is_published else None
    if live is not None and verdict_content(verdict) == verdict_content(live):
        raise ServiceError("Nothing changed since the published revision")


def _may_publish(verdict: Verdict, actor: User) -> None:
    if verdict.state == Verdict.State.SUBMITTED:
        return
    if verdict.state == Verdict.State.DRAFT and verdict.reviewer_id == actor.pk:
        return  # an editor's own draft needs nobody else's submission
    if verdict.state == Verdict.State.DRAFT:
        raise ServiceError("This draft was not submitted: its reviewer may still be working on it")
    if verdict.state == Verdict.State.WITHDRAWN:
        raise ServiceError(
            "This verdict is withdrawn: to publish it again, edit it (a new revision) and submit it"
        )
    raise ServiceError("This verdict is published already, with no new revision")


def _new_revision(verdict: Verdict, actor: User, note: str) -> VerdictRevision:
    last = verdict.revisions.order_by("-number").first()
    revision = VerdictRevision.objects.create(
        verdict=verdict,
        number=(last.number if last else 0) + 1,
        rating=verdict.rating,
        rationale=verdict.rationale,
        claim_reviewed=verdict.claim_reviewed,
        claimant_name=verdict.claimant_name,
        claimant_type=verdict.claimant_type,
        claimant_attribution_id=verdict.claimant_attribution_id,
        author=verdict.reviewer,
        published_at=timezone.now(),
        published_by=actor,
        correction_note=note,
    )
    revision.evidence.set(verdict.evidence.all())
    return revision


def verdict_publish(
    *, verdict: Verdict, actor: User, version: int | None = None, note: str = ""
) -> Verdict:
    """Make the working copy the public revision.

    The first publication needs nothing more. Any later one is a correction: it needs a
    ``note`` saying what changed, which the public page shows as "Updated <date>: <note>",
    the ClaimReview carries as ``dateModified`` and the corrections page lists.
    """
    _require_editor(actor, "publish")
    note = note.strip()
    with transaction.atomic():
        verdict = _locked(verdict, version)
        _may_publish(verdict, actor)
        blocked = publication_block(verdict.claim.article)  # a required double review
        if blocked:
            raise ServiceError(blocked)
        _check_publishable(verdict)
        correction = verdict.published_revision_id is not None
        if correction and not note:
            raise ServiceError(
                "This verdict was published before: say what changed in a correction note"
            )
        before = _verdict_snapshot(verdict)
        revision = _new_revision(verdict, actor, note if correction else "")
        verdict.published_revision = revision
        verdict.is_published = True
        verdict.published_at = verdict.published_at or revision.published_at
        verdict.published_by = actor
        verdict.withdrawn_at = None
        verdict.state = Verdict.State.PUBLISHED
        verdict.return_note = ""
        _bump(verdict)
        if correction:
            CorrectionNotice.objects.create(
                verdict=verdict,
                revision=revision,
                kind=CorrectionNotice.Kind.CORRECTION,
                note=note,
                created_by=actor,
                created_at=revision.published_at,
            )
        verb = AuditVerb.VERDICT_CORRECT if correction else AuditVerb.VERDICT_PUBLISH
        _audit(verdict, actor, verb, before)
        article_sync_status(article=verdict.claim.article, actor=actor)
    return verdict


def verdict_withdraw(
    *, verdict: Verdict, actor: User, reason: str, version: int | None = None
) -> Verdict:
    """Take a live verdict off every public surface, leaving a notice in its place: its page
    answers 410 Gone saying what was withdrawn, when and why, and the corrections page
    lists it. A pending revision stays a draft."""
    _require_editor(actor, "withdraw")
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the verdict is withdrawn: the public notice shows it")
    with transaction.atomic():
        verdict = _locked(verdict, version)
        if not verdict.is_published or verdict.published_revision is None:
            raise ServiceError("Only a published verdict can be withdrawn")
        before = _verdict_snapshot(verdict)
        now = timezone.now()
        verdict.is_published = False
        verdict.withdrawn_at = now
        if verdict.state == Verdict.State.PUBLISHED:
            verdict.state = Verdict.State.WITHDRAWN
        _bump(verdict)
        CorrectionNotice.objects.create(
            verdict=verdict,
            revision=verdict.published_revision,
            kind=CorrectionNotice.Kind.WITHDRAWAL,
            note=reason,
            created_by=actor,
            created_at=now,
        )
        _audit(verdict, actor, AuditVerb.VERDICT_WITHDRAW, before)
        article_sync_status(article=verdict.claim.article, actor=actor)
    return verdict


# --- discarding -----------------------------------------------------------------------------


def discard_locked(verdict: Verdict, actor: User) -> Verdict | None:
    """Discard the unpublished part of a verdict (the caller holds the locks).

    A verdict the public never saw is deleted; one that was published goes back to its
    public revision, dropping the pending edits.
    """
    before = _verdict_snapshot(verdict)
    revision = verdict.published_revision
    if revision is None:
        audit_record(
            actor=actor,
            verb=AuditVerb.VERDICT_DISCARD,
            target=verdict,
            article=verdict.claim.article,
            before=before,
            after=None,
        )
        verdict.delete()
        return None
    if not verdict.has_pending_revision:
        raise ServiceError("There is no unpublished revision to discard")
    verdict.rating = revision.rating
    verdict.rationale = revision.rationale
    verdict.claim_reviewed = revision.claim_reviewed
    verdict.claimant_name = revision.claimant_name
    verdict.claimant_type = revision.claimant_type
    verdict.claimant_attribution_id = revision.claimant_attribution_id
    verdict.evidence.set(revision.evidence.all())
    verdict.state = Verdict.State.PUBLISHED if verdict.is_published else Verdict.State.WITHDRAWN
    verdict.return_note = ""
    _bump(verdict)
    _audit(verdict, actor, AuditVerb.VERDICT_DISCARD, before)
    return verdict


def verdict_discard(*, verdict: Verdict, actor: User, version: int | None = None) -> Verdict | None:
    """Throw away a draft: the whole verdict if it was never published, else the edits
    made since its public revision. Returns the verdict left, or None."""
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can discard verdict drafts")
    with transaction.atomic():
        verdict = _locked(verdict, version)
        return discard_locked(verdict, actor)
