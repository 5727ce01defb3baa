"""Reviewer decisions on claims, attributions and flags.

Every change is optimistic-concurrency checked: the caller passes the version it loaded and a
stale version raises ConflictError carrying the current record, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import roles
from ..models import Article, Attribution, AuditVerb, Claim, Flag, Origin, ReviewState, Verdict
from ..spans import validate_span
from .analysis import claim_analysis_send
from .articles import article_start_review
from .audit import audit_record, snapshot
from .errors import ConflictError, ServiceError
from .verdicts import discard_locked

type Span = tuple[int, int]

CLAIM_FIELDS = ["start", "end", "text", "review_state", "kinds", "version"]
DUPLICATE_CLAIM = "There is already a claim on exactly this text"
ATTRIBUTION_FIELDS = [
    "speaker_start",
    "speaker_end",
    "speaker_text",
    "cue_start",
    "cue_end",
    "cue_text",
    "content_start",
    "content_end",
    "content_text",
    "direct",
    "review_state",
    "claim",
    "version",
]


def _require_reviewer(actor: User) -> None:
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can change annotations")


def _change[M: (Claim, Attribution)](
    model: type[M],
    pk: int,
    *,
    actor: User,
    version: int | None,
    verb: AuditVerb,
    fields: list[str],
    mutate: Callable[[M], None],
) -> M:
    """Lock, check the version, apply ``mutate``, bump the version and audit — in one place."""
    _require_reviewer(actor)
    with transaction.atomic():
        obj = model.objects.select_for_update().select_related("article").get(pk=pk)
        if version is not None and obj.version != version:
            raise ConflictError(obj, version)
        before = snapshot(obj, fields)
        held = _open_span(obj)
        mutate(obj)
        obj.version += 1
        obj.updated_by = actor
        if _open_span(obj) not in (None, held):
            _save_claim_span(obj)  # it may now sit on another open claim's span
        else:
            obj.save()  # no new span taken: no savepoint needed for the constraint
        audit_record(
            actor=actor,
            verb=verb,
            target=obj,
            article=obj.article,
            before=before,
            after=snapshot(obj, fields),
        )
        article_start_review(article=obj.article, actor=actor)
    return obj


def _open_span(obj: Claim | Attribution) -> tuple[int, int] | None:
    """The span an open claim holds under ``claim_unique_open_span`` (None: holds none)."""
    if isinstance(obj, Claim) and obj.review_state != ReviewState.REJECTED:
        return (obj.start, obj.end)
    return None


def _save_claim_span(obj: Claim | Attribution) -> None:
    """Save; a claim that would sit on exactly the span of another open claim (a correction
    or a reopen onto it, two people adding the same selection at once) is refused by the
    database constraint ``claim_unique_open_span``, and the refusal said in words."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        if isinstance(obj, Claim):
            raise ServiceError(DUPLICATE_CLAIM) from None
        raise


def _mark_confirmed(obj: Claim | Attribution) -> None:
    # A corrected span stays "corrected" when confirmed: that a human changed the machine's
    # suggestion is what lets us measure the machine.
    if obj.review_state != ReviewState.CORRECTED:
        obj.review_state = ReviewState.CONFIRMED


def claim_confirm(*, claim_id: int, actor: User, version: int | None) -> Claim:
    return _change(
        Claim,
        claim_id,
        actor=actor,
        version=version,
        verb=AuditVerb.CLAIM_CONFIRM,
        fields=CLAIM_FIELDS,
        mutate=_mark_confirmed,
    )


class DraftVerdictExists(ServiceError):
    """Rejecting would orphan a draft verdict: the caller may confirm discarding it."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        super().__init__(
            f"This claim has an unpublished verdict ({verdict.rating}). Reject the claim and "
            "discard that draft?"
        )


def claim_reject(
    *, claim_id: int, actor: User, version: int | None, discard_draft: bool = False
) -> Claim:
    """Reject a claim. A draft verdict on it is discarded in the same step when
    ``discard_draft`` says so (else ``DraftVerdictExists`` asks); a published one must be
    withdrawn by an editor first, since the public has seen it."""

    def mutate(claim: Claim) -> None:
        verdict = Verdict.objects.select_for_update().filter(claim=claim).first()
        if verdict is not None and verdict.is_published:
            raise ServiceError(
                "This claim's verdict is published: an editor must withdraw it (with a "
                "reason the public sees) before the claim can be rejected"
            )
        if verdict is not None and verdict.published_revision_id is None:
            if not discard_draft:
                raise DraftVerdictExists(verdict)
            discard_locked(verdict, actor)
        claim.review_state = ReviewState.REJECTED

    return _change(
        Claim,
        claim_id,
        actor=actor,
        version=version,
        verb=AuditVerb.CLAIM_REJECT,
        fields=CLAIM_FIELDS,
        mutate=mutate,
    )


def claim_reopen(*, claim_id: int, actor: User, version: int | None) -> Claim:
    """Undo a confirm or reject: back to pending (a corrected span stays corrected)."""

    def mutate(claim: Claim) -> None:
        claim.review_state = (
            ReviewState.CORRECTED if claim.machine_start is not None else ReviewState.PENDING
        )

    return _change(
        Claim,
        claim_id,
        actor=actor,
        version=version,
        verb=AuditVerb.CLAIM_REOPEN,
        fields=CLAIM_FIELDS,
        mutate=mutate,
    )


def claim_correct(
    *, claim_id: int, start: int, end: int, actor: User, version: int | None
) -> Claim:
    def mutate(claim: Claim) -> None:
        text = validate_span(claim.article.body, start, end, label="claim")
        if claim.origin == Origin.MACHINE and claim.machine_start is None:
            claim.machine_start, claim.machine_end = claim.start, claim.end
            claim.machine_text = claim.text
        claim.start, claim.end, claim.text = start, end, text
        claim.review_state = (
            ReviewState.CORRECTED if claim.origin == Origin.MACHINE else ReviewState.CONFIRMED
        )

    return _change(
        Claim,
        claim_id,
        actor=actor,
        version=version,
        verb=AuditVerb.CLAIM_CORRECT,
        fields=CLAIM_FIELDS,
        mutate=mutate,
    )


def claim_add(
    *, article: Article, start: int, end: int, actor: User, kinds: list[str] | None = None
) -> Claim:
    """A claim the machine missed, added from the reviewer's selection."""
    _require_reviewer(actor)
    text = validate_span(article.body, start, end, label="claim")
    if not text.strip():
        raise ServiceError("Select some text for the claim")
    with transaction.atomic():
        if (
            article.claims.filter(start=start, end=end)
            .exclude(review_state=ReviewState.REJECTED)
            .exists()
        ):
            raise ServiceError(DUPLICATE_CLAIM)
        # the check above answers the common case; two simultaneous adds both pass it, and
        # the unique constraint keeps one (the other waits for it, then gets the same answer)
        claim = Claim(
            article=article,
            start=start,
            end=end,
            text=text,
            kinds=kinds or [],
            origin=Origin.REVIEWER,
            review_state=ReviewState.CONFIRMED,
            updated_by=actor,
        )
        _save_claim_span(claim)
        audit_record(
            actor=actor,
            verb=AuditVerb.CLAIM_ADD,
            target=claim,
            article=article,
            after=snapshot(claim, CLAIM_FIELDS),
        )
        article_start_review(article=article, actor=actor)
        # the machine's evidence, comparisons and flags for it, in the worker (needs the parse)
        transaction.on_commit(lambda: claim_analysis_send(claim_id=claim.pk))
    return claim


def _attribution_text(attribution: Attribution) -> str:
    source = attribution.source
    return source.text if source is not None else attribution.article.body


def _set_attribution_spans(a: Attribution, text: str, spans: dict[str, Span | None]) -> None:
    for part, span in spans.items():
        if span is None:
            if part != "speaker":
                raise ServiceError(f"The {part} cannot be empty")
            a.speaker_start = a.speaker_end = None
            a.speaker_text = ""
            a.speaker_resolved = ""
            continue
        start, end = span
        piece = validate_span(text, start, end, label=part)
        setattr(a, f"{part}_start", start)
        setattr(a, f"{part}_end", end)
        setattr(a, f"{part}_text", piece if part != "cue" else piece[:300])
        if part == "speaker":
            a.speaker_resolved = ""


def attribution_confirm(*, attribution_id: int, actor: User, version: int | None) -> Attribution:
    return _change(
        Attribution,
        attribution_id,
        actor=actor,
        version=version,
        verb=AuditVerb.ATTRIBUTION_CONFIRM,
        fields=ATTRIBUTION_FIELDS,
        mutate=_mark_confirmed,
    )


def attribution_reject(*, attribution_id: int, actor: User, version: int | None) -> Attribution:
    def mutate(a: Attribution) -> None:
        a.review_state = ReviewState.REJECTED

    return _change(
        Attribution,
        attribution_id,
        actor=actor,
        version=version,
        verb=AuditVerb.ATTRIBUTION_REJECT,
        fields=ATTRIBUTION_FIELDS,
        mutate=mutate,
    )


class _Unset(Enum):
    UNSET = "unset"


_UNSET = _Unset.UNSET
# A part left out of a correction: distinct from None, which clears the speaker.
type Unset = Literal[_Unset.UNSET]


def attribution_correct(
    *,
    attribution_id: int,
    actor: User,
    version: int | None,
    speaker: Span | None | Unset = _UNSET,
    cue: Span | None | Unset = _UNSET,
    content: Span | None | Unset = _UNSET,
    direct: bool | None = None,
) -> Attribution:
    """Correct any of the parts; ``speaker=None`` clears it, an omitted part is left alone."""

    def mutate(a: Attribution) -> None:
        if a.origin == Origin.MACHINE and a.machine_snapshot is None:
            a.machine_snapshot = snapshot(a, ATTRIBUTION_FIELDS[:9] + ["direct"])
        spans = {
            k: v
            for k, v in (("speaker", speaker), ("cue", cue), ("content", content))
            if not isinstance(v, _Unset)
        }
        _set_attribution_spans(a, _attribution_text(a), spans)
        if direct is not None:
            a.direct = direct
        a.review_state = (
            ReviewState.CORRECTED if a.origin == Origin.MACHINE else ReviewState.CONFIRMED
        )

    return _change(
        Attribution,
        attribution_id,
        actor=actor,
        version=version,
        verb=AuditVerb.ATTRIBUTION_CORRECT,
        fields=ATTRIBUTION_FIELDS,
        mutate=mutate,
    )


def attribution_add(
    *,
    article: Article,
    actor: User,
    cue: Span,
    content: Span,
    speaker: Span | None = None,
    direct: bool = False,
    claim: Claim | None = None,
) -> Attribution:
    _require_reviewer(actor)
    attribution = Attribution(
        article=article,
        origin=Origin.REVIEWER,
        direct=direct,
        review_state=ReviewState.CONFIRMED,
        updated_by=actor,
        claim=claim,
    )
    _set_attribution_spans(
        attribution, article.body, {"speaker": speaker, "cue": cue, "content": content}
    )
    if claim is None:
        attribution.claim = (
            article.claims.filter(
                start__lte=attribution.content_start, end__gte=attribution.content_end
            )
            .exclude(review_state=ReviewState.REJECTED)
            .first()
        )
    with transaction.atomic():
        attribution.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.ATTRIBUTION_ADD,
            target=attribution,
            article=article,
            after=snapshot(attribution, ATTRIBUTION_FIELDS),
        )
        article_start_review(article=article, actor=actor)
    return attribution


def flag_dismiss(*, flag_id: int, reason: str, actor: User) -> Flag:
    """Editors dismiss a flag that is wrong or irrelevant, saying why."""
    if not roles.is_editor(actor):
        raise PermissionDenied("Only editors can dismiss flags")
    reason = reason.strip()
    if not reason:
        raise ServiceError("Say why the flag is dismissed")
    with transaction.atomic():
        flag = Flag.objects.select_for_update().select_related("claim__article").get(pk=flag_id)
        if flag.dismissed_at is not None:
            raise ServiceError("This flag was already dismissed")
        flag.dismissed_by, flag.dismissed_at, flag.dismiss_reason = actor, timezone.now(), reason
        flag.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.FLAG_DISMISS,
            target=flag,
            article=flag.claim.article,
            before={"dismissed": False},
            after={"dismissed": True, "reason": reason, "type": flag.type},
        )
    return flag
