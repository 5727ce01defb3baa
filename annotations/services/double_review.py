"""Blind double review: an editor requires it, the first reviewer submits the canonical review
(copied into pass 1), a second reviewer decides the same machine suggestions on their own
(pass 2, stored apart), and an editor settles each disagreement, which writes the canonical
records through the ordinary review and verdict services (audited, version-checked), then
finishes. Until then ``verdict_publish`` refuses (``selectors.double_review.publication_block``).

Stages: awaiting first review → awaiting second review → awaiting adjudication → adjudicated
(the second review may also come in first). Each step is audited; the second review's saves
record counts, not decisions, so the history does not unblind anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import roles
from ..models import (
    AdjudicationDecision,
    Article,
    Attribution,
    AuditVerb,
    Claim,
    DoubleReview,
    PassDecision,
    Rating,
    ReviewPass,
    ReviewState,
    Verdict,
)
from ..selectors import double_review as read
from .audit import audit_record
from .errors import ServiceError
from .review import (
    attribution_confirm,
    attribution_correct,
    attribution_reject,
    claim_confirm,
    claim_correct,
    claim_reject,
    claim_reopen,
)
from .verdicts import ClaimantChoice, verdict_save

Stage = DoubleReview.Stage
type Span = tuple[int, int]


class StaleReview(Exception):
    """The pass or the double review changed since the person loaded it (shown as 409)."""

    def __init__(self, message: str, *, current_version: int):
        self.current_version = current_version
        super().__init__(message)


def _require_editor(actor: User) -> None:
    if not roles.is_editor(actor):
        raise PermissionDenied("Only editors can require or adjudicate a second review")


def _require_reviewer(actor: User) -> None:
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can review articles")


def _locked_review(article: Article) -> DoubleReview | None:
    return DoubleReview.objects.select_for_update().filter(article=article).first()


def _restage(review: DoubleReview) -> None:
    passes = list(ReviewPass.objects.filter(article_id=review.article_id))
    stage = read.stage_for(review, passes)
    if stage != review.stage:
        review.stage = stage
    review.version += 1
    review.save()


def _ensure_required(article: Article) -> DoubleReview:
    """The article's row (made from the desk default if there is none), locked; refuses
    when no second review is required."""
    review = _locked_review(article)
    if review is None:
        if not read.desk_default():
            raise ServiceError("This article does not need a second review.")
        review = DoubleReview.objects.create(article=article, required=True)
    if not review.required:
        raise ServiceError("This article does not need a second review.")
    return review


def double_review_set(
    *, article: Article, required: bool, actor: User, version: int | None = None
) -> DoubleReview:
    """An editor requires (or stops requiring) a blind second review of the article."""
    _require_editor(actor)
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).first()  # serialise creation
        review = _locked_review(article)
        if review is not None and version is not None and review.version != version:
            raise StaleReview(
                "Someone changed this article's double review since you opened it.",
                current_version=review.version,
            )
        before = None if review is None else {"required": review.required, "stage": review.stage}
        if review is None:
            review = DoubleReview(article=article, required=required, requested_by=actor)
        elif review.adjudicated_at is not None:
            raise ServiceError("The reviews were adjudicated already: that decision is final.")
        review.required = required
        review.requested_by = actor
        review.stage = read.stage_for(review, list(article.review_passes.all()))
        review.version = (review.version + 1) if review.pk else 1
        review.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.DOUBLE_REVIEW_SET,
            target=review,
            article=article,
            before=before,
            after={"required": required, "stage": review.stage},
        )
    return review


# --- the first review -----------------------------------------------------------------------


def _state_accepted(state: str) -> bool | None:
    if state == ReviewState.REJECTED:
        return False
    if state in (ReviewState.CONFIRMED, ReviewState.CORRECTED):
        return True
    return None


def _canonical_attributions(attributions: list[Attribution]) -> dict[str, dict[str, Any]]:
    return {
        str(a.pk): {
            "accepted": _state_accepted(a.review_state),
            "speaker": [a.speaker_start, a.speaker_end] if a.speaker_start is not None else None,
        }
        for a in attributions
    }


def review_pass_submit_first(*, article: Article, actor: User) -> ReviewPass:
    """The first reviewer hands in the review they made on the article page: its decisions on
    every machine claim are copied into pass 1, for comparison with the second review."""
    _require_reviewer(actor)
    with transaction.atomic():
        review = _ensure_required(article)
        passes = read.passes_of(article)
        if 1 in passes:
            raise ServiceError(
                f"{passes[1].reviewer.get_username()} already submitted the first review."
            )
        if 2 in passes and passes[2].reviewer_id == actor.pk:
            raise ServiceError(
                "You are doing the second review of this article: the first must be someone else's."
            )
        claims = read.machine_claims(article)
        pending = [c for c in claims if c.review_state == ReviewState.PENDING]
        if pending:
            raise ServiceError(
                f"{len(pending)} of {len(claims)} claims are still pending: confirm, correct or "
                "reject each before submitting the first review."
            )
        try:
            with transaction.atomic():
                first = ReviewPass.objects.create(
                    article=article,
                    number=1,
                    reviewer=actor,
                    status=ReviewPass.Status.SUBMITTED,
                    submitted_at=timezone.now(),
                )
        except IntegrityError:
            raise ServiceError("Someone else submitted the first review just now.") from None
        verdicts = {v.claim_id: v for v in Verdict.objects.filter(claim__in=claims)}
        attributions = read.claim_attributions(claims)
        PassDecision.objects.bulk_create(
            PassDecision(
                review_pass=first,
                claim=c,
                accepted=c.review_state != ReviewState.REJECTED,
                start=c.start,
                end=c.end,
                rating_id=verdicts[c.pk].rating_id if c.pk in verdicts else None,
                attributions=_canonical_attributions(attributions.get(c.pk, [])),
            )
            for c in claims
        )
        _restage(review)
        audit_record(
            actor=actor,
            verb=AuditVerb.REVIEW_PASS_SUBMIT,
            target=first,
            article=article,
            after={"pass": 1, "claims": len(claims), "stage": review.stage},
        )
    return first


# --- the second review ----------------------------------------------------------------------


@dataclass(frozen=True)
class AttributionInput:
    accepted: bool | None  # None: not decided
    speaker: str = ""  # the speaker's words as they appear in the article ("" none)


@dataclass(frozen=True)
class DecisionInput:
    claim_id: int
    accepted: bool | None  # None: not decided yet
    text: str = ""  # the claim's wording kept ("" the machine's)
    rating_id: int | None = None
    attributions: dict[int, AttributionInput] = field(default_factory=dict)


def locate(body: str, text: str, near: int) -> Span:
    """Where ``text`` (as the reviewer typed or trimmed it) is in the article: the occurrence
    nearest ``near``. Refused, saying so, when the article does not contain it."""
    wanted = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not wanted:
        raise ServiceError("The wording cannot be empty")
    hits, at = [], body.find(wanted)
    while at >= 0:
        hits.append(at)
        at = body.find(wanted, at + 1)
    if not hits:
        shown = wanted if len(wanted) <= 80 else wanted[:77] + "…"
        raise ServiceError(f"“{shown}” is not in the article: copy the words from its text.")
    start = min(hits, key=lambda h: (abs(h - near), h))
    return start, start + len(wanted)


def _second_pass(article: Article, actor: User) -> tuple[ReviewPass, bool]:
    """The actor's pass 2, locked, and whether it was made just now."""
    passes = read.passes_of(article)
    refusal = read.second_review_refusal(article, actor, passes)
    if refusal:
        raise ServiceError(refusal)
    own = passes.get(2)
    if own is not None:
        return ReviewPass.objects.select_for_update().get(pk=own.pk), False
    try:
        with transaction.atomic():
            return ReviewPass.objects.create(article=article, number=2, reviewer=actor), True
    except IntegrityError:
        raise ServiceError("Someone else started the second review just now.") from None


def _decision(
    claim: Claim,
    data: DecisionInput,
    *,
    body: str,
    ratings: set[int],
    attributions: list[Attribution],
) -> PassDecision:
    assert data.accepted is not None
    label = f"Claim “{claim.text[:40]}…”" if len(claim.text) > 40 else f"Claim “{claim.text}”"
    ms, me = read.machine_span(claim)
    try:
        start, end = locate(body, data.text, ms) if data.text.strip() else (ms, me)
    except ServiceError as exc:
        raise ServiceError(f"{label}: {exc.messages[0]}") from None
    if data.rating_id is not None and data.rating_id not in ratings:
        raise ServiceError(f"{label}: choose a rating from the scale")
    known = {a.pk: a for a in attributions}
    stored: dict[str, dict[str, Any]] = {}
    for aid, choice in data.attributions.items():
        a = known.get(aid)
        if a is None:
            raise ServiceError(f"{label}: that attribution is not one of this claim's")
        speaker: list[int] | None = None
        if choice.accepted and choice.speaker.strip():
            near = a.speaker_start if a.speaker_start is not None else a.cue_start
            try:
                speaker = list(locate(body, choice.speaker, near))
            except ServiceError as exc:
                raise ServiceError(f"{label}, speaker: {exc.messages[0]}") from None
        stored[str(aid)] = {"accepted": choice.accepted, "speaker": speaker}
    return PassDecision(
        claim=claim,
        accepted=data.accepted,
        start=start,
        end=end,
        rating_id=data.rating_id if data.accepted else None,
        attributions=stored if data.accepted else {},
    )


def second_review_save(
    *,
    article: Article,
    actor: User,
    decisions: list[DecisionInput],
    submit: bool = False,
    version: int | None = None,
) -> ReviewPass:
    """Store the second reviewer's decisions (replacing what they saved before); ``submit``
    hands the review in, which needs a decision on every machine claim. ``version`` is the
    pass's version the form was built from (None: they had not started)."""
    _require_reviewer(actor)
    with transaction.atomic():
        review = _ensure_required(article)
        own, created = _second_pass(article, actor)
        if own.status == ReviewPass.Status.SUBMITTED:
            raise ServiceError("You submitted your second review already.")
        if not created and version != own.version:
            raise StaleReview(
                "Your second review was saved from another window since you opened this one: "
                "reload it to see what is stored.",
                current_version=own.version,
            )
        claims = {c.pk: c for c in read.machine_claims(article)}
        unknown = [d.claim_id for d in decisions if d.claim_id not in claims]
        if unknown:
            raise ServiceError("Decide only on this article's claims.")
        decided = [d for d in decisions if d.accepted is not None]
        if submit and len({d.claim_id for d in decided}) < len(claims):
            missing = len(claims) - len({d.claim_id for d in decided})
            raise ServiceError(
                f"{missing} of {len(claims)} claims have no decision yet: keep or reject each "
                "before submitting."
            )
        ratings = {r.pk for r in read.scale_ratings()}
        attributions = read.claim_attributions(claims.values())
        rows = [
            _decision(
                claims[d.claim_id],
                d,
                body=article.body,
                ratings=ratings,
                attributions=attributions.get(d.claim_id, []),
            )
            for d in decided
        ]
        own.decisions.all().delete()
        for row in rows:
            row.review_pass = own
        PassDecision.objects.bulk_create(rows)
        own.version += 1
        if submit:
            own.status = ReviewPass.Status.SUBMITTED
            own.submitted_at = timezone.now()
        own.save()
        if submit:
            _restage(review)
        audit_record(
            actor=actor,
            verb=AuditVerb.REVIEW_PASS_SUBMIT if submit else AuditVerb.REVIEW_PASS_SAVE,
            target=own,
            article=article,
            # counts only: the history must not show one reviewer the other's decisions
            after={"pass": 2, "decided": len(rows), "claims": len(claims), "stage": review.stage},
        )
    return own


# --- adjudication ---------------------------------------------------------------------------


def _target(d: read.Disagreement, choice: str, typed: str, rating_id: int | None) -> Any:
    body = d.claim.article.body
    if choice == AdjudicationDecision.Choice.FIRST:
        return d.first.value
    if choice == AdjudicationDecision.Choice.SECOND:
        return d.second.value
    if choice != AdjudicationDecision.Choice.TYPED or not d.typed_kind:
        raise ServiceError("Pick the first or the second review.")
    if d.typed_kind == "rating":
        if rating_id is None or rating_id not in {r.pk for r in read.scale_ratings()}:
            raise ServiceError("Choose the rating from the scale.")
        return rating_id
    if d.aspect == read.SPAN:
        return list(locate(body, typed, d.claim.start))
    attribution = d.attribution
    assert attribution is not None
    near = attribution.speaker_start if attribution.speaker_start is not None else 0
    if not typed.strip():
        return {"accepted": True, "speaker": None}
    return {"accepted": True, "speaker": list(locate(body, typed, near))}


def _apply_claim(claim: Claim, target: dict[str, Any], actor: User, version: int | None) -> None:
    if not target["accepted"]:
        if claim.review_state != ReviewState.REJECTED:
            claim_reject(claim_id=claim.pk, actor=actor, version=version, discard_draft=True)
        return
    if claim.review_state == ReviewState.REJECTED:
        claim = claim_reopen(claim_id=claim.pk, actor=actor, version=version)
        version = claim.version
    span = target.get("span")
    if span is not None and [claim.start, claim.end] != list(span):
        claim_correct(claim_id=claim.pk, start=span[0], end=span[1], actor=actor, version=version)
    elif claim.review_state == ReviewState.PENDING:
        claim_confirm(claim_id=claim.pk, actor=actor, version=version)


def _apply_span(claim: Claim, span: list[int], actor: User, version: int | None) -> None:
    if [claim.start, claim.end] != span:
        claim_correct(claim_id=claim.pk, start=span[0], end=span[1], actor=actor, version=version)


def _apply_rating(claim: Claim, rating_id: int, actor: User, version: int | None) -> None:
    verdict = Verdict.objects.filter(claim=claim).select_related("rating").first()
    if verdict is None:
        raise ServiceError(
            "This claim has no verdict any more: give it one on the review page first."
        )
    if verdict.rating_id == rating_id:
        return
    claimant = None
    if verdict.claimant_attribution_id is not None:
        claimant = ClaimantChoice(verdict.claimant_attribution_id, verdict.claimant_type)
    verdict_save(
        claim=claim,
        rating=Rating.objects.get(pk=rating_id),
        rationale=verdict.rationale,
        actor=actor,
        evidence_ids=list(verdict.evidence.values_list("pk", flat=True)),
        version=version,
        claim_reviewed=verdict.claim_reviewed,
        claimant=claimant,
    )


def _apply_attribution(
    attribution: Attribution, target: dict[str, Any], actor: User, version: int | None
) -> None:
    if not target["accepted"]:
        if attribution.review_state != ReviewState.REJECTED:
            attribution_reject(attribution_id=attribution.pk, actor=actor, version=version)
        return
    speaker = target.get("speaker")
    current = (
        [attribution.speaker_start, attribution.speaker_end]
        if attribution.speaker_start is not None
        else None
    )
    if current != speaker:
        attribution_correct(
            attribution_id=attribution.pk,
            actor=actor,
            version=version,
            speaker=(speaker[0], speaker[1]) if speaker else None,
        )
    elif attribution.review_state not in (ReviewState.CONFIRMED, ReviewState.CORRECTED):
        attribution_confirm(attribution_id=attribution.pk, actor=actor, version=version)


def adjudicate(
    *,
    article: Article,
    claim_id: int,
    aspect: str,
    choice: str,
    actor: User,
    version: int | None,
    typed: str = "",
    rating_id: int | None = None,
) -> AdjudicationDecision:
    """The editor settles one disagreement: the chosen value is written to the canonical
    record through the review and verdict services (``version`` is that record's, as the
    editor saw it: a stale one is a ``ConflictError``). The decision is final."""
    _require_editor(actor)
    if choice not in AdjudicationDecision.Choice.values:
        raise ServiceError("Pick the first review, the second, or type a correction.")
    with transaction.atomic():
        review = _ensure_required(article)
        if review.stage != Stage.AWAITING_ADJUDICATION:
            raise ServiceError(
                f"Nothing to adjudicate now: the article is {review.get_stage_display().lower()}."
            )
        if AdjudicationDecision.objects.filter(
            article=article, claim_id=claim_id, aspect=aspect
        ).exists():
            raise ServiceError("This disagreement was settled already: the decision is final.")
        d = read.find_disagreement(article, claim_id, aspect)
        if d is None:
            raise ServiceError("There is no such disagreement between the two reviews.")
        target = _target(d, choice, typed, rating_id)
        claim = Claim.objects.select_related("article").get(pk=claim_id)
        if aspect == read.ACCEPT:
            _apply_claim(claim, target, actor, version)
        elif aspect == read.SPAN:
            _apply_span(claim, target, actor, version)
        elif aspect == read.RATING:
            _apply_rating(claim, target, actor, version)
        else:
            assert d.attribution is not None
            attribution = Attribution.objects.get(pk=d.attribution.pk)
            _apply_attribution(attribution, target, actor, version)
        decision = AdjudicationDecision.objects.create(
            article=article,
            claim=claim,
            aspect=aspect,
            choice=choice,
            value=target,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.ADJUDICATION_DECIDE,
            target=decision,
            article=article,
            before={"first": d.first.value, "second": d.second.value},
            after={"claim": claim_id, "aspect": aspect, "choice": choice, "value": target},
        )
    return decision


def adjudication_finish(
    *, article: Article, actor: User, version: int | None = None
) -> DoubleReview:
    """Close the adjudication once every disagreement is settled: publishing opens again."""
    _require_editor(actor)
    with transaction.atomic():
        review = _ensure_required(article)
        if version is not None and review.version != version:
            raise StaleReview(
                "The double review changed since you opened this page.",
                current_version=review.version,
            )
        if review.stage != Stage.AWAITING_ADJUDICATION:
            raise ServiceError(
                f"Nothing to finish: the article is {review.get_stage_display().lower()}."
            )
        state = read.adjudication(article=article)
        if state.open_count:
            raise ServiceError(
                f"{state.open_count} disagreement(s) are not settled yet: decide each first."
            )
        before = {"stage": review.stage}
        review.adjudicated_at = timezone.now()
        review.adjudicated_by = actor
        _restage(review)
        figures = state.figures
        audit_record(
            actor=actor,
            verb=AuditVerb.ADJUDICATION_FINISH,
            target=review,
            article=article,
            before=before,
            after={
                "stage": review.stage,
                "disagreements": len(state.disagreements),
                "claims": figures.claims if figures else 0,
            },
        )
    return review
