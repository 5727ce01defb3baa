"""Undo: a reviewer takes back their own last change on an article (Ctrl+Z on the review page).

The change is reversed by applying the values its audit event recorded *before* it, through
the same service functions a person would use, so the same locks, version checks, rules and
audit entries apply; the undo itself is audited as ``AuditVerb.UNDO``, naming the events it
reversed and the events it wrote. Undoing again reaches further back: events already undone,
and the events an undo wrote, are passed over.

It refuses rather than guesses: when the record changed since the change being undone
(someone else's edit: a ``ConflictError``, shown as 409), when the person's last change is
one Ctrl+Z does not take back (a submission, a comment, an assignment…), and when there is
nothing of theirs to undo.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from ..models import (
    Article,
    Attribution,
    AuditEvent,
    AuditVerb,
    Claim,
    Rating,
    ReviewState,
    Verdict,
)
from ..selectors.verdicts import claimant_options
from ..spans import validate_span
from .audit import audit_record
from .errors import ConflictError, ServiceError
from .review import (
    ATTRIBUTION_FIELDS,
    CLAIM_FIELDS,
    _change,
    _require_reviewer,
    attribution_confirm,
    attribution_reject,
    claim_confirm,
    claim_reject,
    claim_reopen,
)
from .verdicts import ClaimantChoice, verdict_discard, verdict_save, verdict_submit

V = AuditVerb

CLAIM_VERBS = {V.CLAIM_CONFIRM, V.CLAIM_REJECT, V.CLAIM_REOPEN, V.CLAIM_CORRECT, V.CLAIM_ADD}
ATTRIBUTION_VERBS = {
    V.ATTRIBUTION_CONFIRM,
    V.ATTRIBUTION_REJECT,
    V.ATTRIBUTION_CORRECT,
    V.ATTRIBUTION_ADD,
}
VERDICT_VERBS = {V.VERDICT_CREATE, V.VERDICT_UPDATE}
UNDOABLE = CLAIM_VERBS | ATTRIBUTION_VERBS | VERDICT_VERBS

# Written by a service as a consequence of a person's action (the article's status following
# its claims, the worker's analysis), never an action of its own: passed over, not undone.
CONSEQUENCES = {
    V.ARTICLE_REVIEW_STARTED,
    V.ARTICLE_PUBLISHED,
    V.ARTICLE_UNPUBLISHED,
    V.CLAIM_ANALYSE,
    V.PREANNOTATION_QUEUE,
    V.PREANNOTATION_STORE,
    V.PREANNOTATION_FAIL,
    V.PREANNOTATION_REQUEUE,
}

# How far back an undo looks: a day of one reviewer's work on one article fits easily.
HISTORY_DEPTH = 500

ATTRIBUTION_PARTS = ATTRIBUTION_FIELDS[:9] + ["direct"]
# What giving a verdict records when it confirms a pending claim on the way (verdicts.py).
VERDICT_CONFIRM_KEYS = {"review_state", "version"}


class NothingToUndo(ServiceError):
    """No change of this person's on this article that Ctrl+Z can take back."""


@dataclass(frozen=True)
class Undone:
    """What was taken back: its audit event, a phrase for it, and the claim to show."""

    event: AuditEvent
    label: str
    claim: Claim | None


def undo_last(*, user: User, article: Article) -> Undone:
    """Reverse ``user``'s most recent undoable change on ``article``, in one transaction."""
    _require_reviewer(user)
    with transaction.atomic():
        # One undo at a time per article: two quick Ctrl+Z must not both pick the same event.
        Article.objects.select_for_update().filter(pk=article.pk).first()
        found = _last_change(user, article)
        if found is None:
            raise NothingToUndo(
                "Nothing to undo: none of your changes on this article is left to take back."
            )
        event, companions = found
        marker = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        target, claim = _reverse(event, companions, user)
        written = list(
            AuditEvent.objects.filter(pk__gt=marker, actor=user, article=article).values_list(
                "pk", flat=True
            )
        )
        label = _label(event.verb)
        audit_record(
            actor=user,
            verb=V.UNDO,
            target=target,
            article=article,
            after={
                "undid": label,
                "undone_events": [event.pk, *(c.pk for c in companions)],
                "undo_events": written,
            },
        )
    return Undone(event=event, label=label, claim=claim)


def _label(verb: str) -> str:
    try:
        return str(V(verb).label)
    except ValueError:
        return verb


def _ids(data: dict[str, Any] | None, key: str) -> set[int]:
    values = (data or {}).get(key) or []
    return {v for v in values if isinstance(v, int)}


def _last_change(user: User, article: Article) -> tuple[AuditEvent, list[AuditEvent]] | None:
    """The newest event of ``user``'s on ``article`` still to undo, with the events the same
    action wrote alongside it (giving a verdict may confirm the claim too)."""
    events = list(
        AuditEvent.objects.filter(article=article, actor=user).order_by("-pk")[:HISTORY_DEPTH]
    )
    passed: set[int] = set()
    for index, event in enumerate(events):
        if event.verb == V.UNDO:
            passed |= _ids(event.after, "undone_events") | _ids(event.after, "undo_events")
            continue
        if event.pk in passed or event.verb in CONSEQUENCES:
            continue
        if event.verb not in UNDOABLE:
            raise ServiceError(
                f"Your last change here ({_label(event.verb)}) cannot be undone with Ctrl+Z; "
                "changes before it stay as they are."
            )
        return event, _companions(event, events[index + 1 :], passed)
    return None


def _companions(event: AuditEvent, older: list[AuditEvent], passed: set[int]) -> list[AuditEvent]:
    if event.verb not in VERDICT_VERBS:
        return []
    claim_id = (
        Verdict.objects.filter(pk=_target_id(event)).values_list("claim_id", flat=True).first()
    )
    for other in older:
        if other.pk in passed or other.verb in CONSEQUENCES:
            continue
        if (
            other.verb == V.CLAIM_CONFIRM
            and other.target_type == "claim"
            and other.target_id == claim_id
            and set(other.after or {}) == VERDICT_CONFIRM_KEYS
        ):
            return [other]
        break
    return []


def _reverse(
    event: AuditEvent, companions: list[AuditEvent], user: User
) -> tuple[Claim | Attribution | Verdict, Claim | None]:
    """Apply the values before ``event``; returns (the audit target, the claim to show)."""
    if event.verb in CLAIM_VERBS:
        claim = _undo_claim(event, user)
        return claim, claim
    if event.verb in ATTRIBUTION_VERBS:
        attribution = _undo_attribution(event, user)
        return attribution, attribution.claim
    claim = _undo_verdict(event, companions, user)
    return claim, claim


def _target_id(event: AuditEvent) -> int:
    if event.target_id is None:
        raise ServiceError("This change was recorded without its target and cannot be undone.")
    return event.target_id


def _expected_version(event: AuditEvent) -> int:
    version = (event.after or {}).get("version")
    if not isinstance(version, int):
        raise ServiceError("This change was recorded without a version and cannot be undone.")
    return version


# --- claims ---------------------------------------------------------------------------------


def _undo_claim(event: AuditEvent, user: User) -> Claim:
    claim = Claim.objects.filter(pk=_target_id(event)).first()
    if claim is None:
        raise ServiceError("That claim no longer exists: there is nothing to undo.")
    version = _expected_version(event)
    if claim.version != version:
        raise ConflictError(claim, version)
    if event.verb == V.CLAIM_ADD:
        return claim_reject(claim_id=claim.pk, actor=user, version=version)
    before = event.before or {}
    state = before.get("review_state")
    if "start" in before and (before["start"], before["end"]) != (claim.start, claim.end):
        return _restore_claim_span(claim, before, user, version)
    if state == ReviewState.REJECTED:
        return claim_reject(claim_id=claim.pk, actor=user, version=version)
    if state == ReviewState.CONFIRMED:
        return claim_confirm(claim_id=claim.pk, actor=user, version=version)
    # pending, or corrected (a reopen keeps a corrected span's state)
    return claim_reopen(claim_id=claim.pk, actor=user, version=version)


def _restore_claim_span(claim: Claim, before: dict[str, Any], user: User, version: int) -> Claim:
    """A span correction taken back: the span and state it had, and, when that is the
    machine's own span again, no record of a correction (the machine was right after all)."""
    start, end, state = before["start"], before["end"], before["review_state"]
    if state == ReviewState.REJECTED and Verdict.objects.filter(claim=claim).exists():
        raise ServiceError(
            "This claim has a verdict now: reject it from its panel rather than undoing."
        )

    def restore(c: Claim) -> None:
        c.text = validate_span(c.article.body, start, end, label="claim")
        c.start, c.end, c.review_state = start, end, state
        if (c.machine_start, c.machine_end) == (start, end) and state != ReviewState.CORRECTED:
            c.machine_start = c.machine_end = None
            c.machine_text = ""

    return _change(
        Claim,
        claim.pk,
        actor=user,
        version=version,
        verb=V.CLAIM_CORRECT,
        fields=CLAIM_FIELDS,
        mutate=restore,
    )


# --- attributions ---------------------------------------------------------------------------


def _undo_attribution(event: AuditEvent, user: User) -> Attribution:
    attribution = Attribution.objects.select_related("claim").filter(pk=_target_id(event)).first()
    if attribution is None:
        raise ServiceError("That attribution no longer exists: there is nothing to undo.")
    version = _expected_version(event)
    if attribution.version != version:
        raise ConflictError(attribution, version)
    pk = attribution.pk
    if event.verb == V.ATTRIBUTION_ADD:
        return attribution_reject(attribution_id=pk, actor=user, version=version)
    before = event.before or {}
    state = str(before.get("review_state") or ReviewState.PENDING)
    same_parts = all(before.get(f) == getattr(attribution, f) for f in ATTRIBUTION_PARTS)
    if same_parts and state == ReviewState.REJECTED:
        return attribution_reject(attribution_id=pk, actor=user, version=version)
    if same_parts and state == ReviewState.CONFIRMED:
        return attribution_confirm(attribution_id=pk, actor=user, version=version)

    # Back to pending, or to other spans: no public service sets these, so the same locked,
    # version-checked and audited path every attribution change takes restores them.
    def restore(a: Attribution) -> None:
        if before.get("speaker_start") != a.speaker_start:
            a.speaker_resolved = ""
        for name in ATTRIBUTION_PARTS:
            setattr(a, name, before.get(name))
        a.review_state = state
        a.claim = Claim.objects.filter(pk=before.get("claim") or 0).first()
        machine = a.machine_snapshot or {}
        if state != ReviewState.CORRECTED and all(
            machine.get(f) == before.get(f) for f in ATTRIBUTION_PARTS
        ):
            a.machine_snapshot = None

    return _change(
        Attribution,
        pk,
        actor=user,
        version=version,
        verb=V.ATTRIBUTION_CORRECT,
        fields=ATTRIBUTION_FIELDS,
        mutate=restore,
    )


# --- verdicts -------------------------------------------------------------------------------


def _undo_verdict(event: AuditEvent, companions: list[AuditEvent], user: User) -> Claim:
    verdict = Verdict.objects.select_related("claim__article").filter(pk=_target_id(event)).first()
    if verdict is None:
        raise ServiceError("That verdict has been discarded since: there is nothing to undo.")
    version = _expected_version(event)
    if verdict.version != version:
        raise ConflictError(verdict, version, changed_by=verdict.reviewer)
    claim = verdict.claim
    if event.verb == V.VERDICT_CREATE:
        verdict_discard(verdict=verdict, actor=user, version=version)
    else:
        _restore_verdict(verdict, event.before or {}, user, version)
    for companion in companions:
        claim.refresh_from_db()
        expected = _expected_version(companion)
        if claim.version != expected:
            raise ConflictError(claim, expected)
        claim = claim_reopen(claim_id=claim.pk, actor=user, version=expected)
    claim.refresh_from_db()
    return claim


def _restore_verdict(verdict: Verdict, before: dict[str, Any], user: User, version: int) -> None:
    rating = Rating.objects.filter(pk=before.get("rating") or 0).first()
    if rating is None:
        raise ServiceError("The rating it had is no longer on the scale: undo is not possible.")
    restored = verdict_save(
        claim=verdict.claim,
        rating=rating,
        rationale=before.get("rationale") or "",
        evidence_ids=before.get("evidence") or [],
        version=version,
        claim_reviewed=before.get("claim_reviewed") or "",
        claimant=_claimant_choice(verdict.claim, before),
        actor=user,
    )
    if before.get("state") == Verdict.State.SUBMITTED and restored.state == Verdict.State.DRAFT:
        verdict_submit(verdict=restored, actor=user, version=restored.version)


def _claimant_choice(claim: Claim, before: dict[str, Any]) -> ClaimantChoice | None:
    """The claimant the verdict named before, found again among those the panel offers (the
    audit keeps its name and kind)."""
    name, kind = before.get("claimant_name") or "", before.get("claimant_type") or ""
    for option in claimant_options(claim):
        if option.name == name and option.kind == kind:
            return None if option.is_outlet else ClaimantChoice(option.attribution_id, kind)
    if not name:
        return None
    raise ServiceError(f"The claimant it named, {name}, can no longer be chosen: undo refused.")
