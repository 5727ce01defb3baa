"""Reads for the blind double review: where an article stands, what the second reviewer may
see (the machine's suggestions and their own decisions, never the first review's), the
disagreements an editor adjudicates, and the agreement figures between the two reviews.

The publishing gate asks ``publication_block`` here, so the service and the screens agree on
when an article may go out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .. import cached, roles
from ..agreement import (
    Agreement,
    SpanAgreement,
    cohen_kappa,
    span_agreement,
    weighted_kappa,
)
from ..models import (
    AdjudicationDecision,
    Article,
    Attribution,
    AuditEvent,
    Claim,
    DoubleReview,
    Origin,
    PassDecision,
    Rating,
    ReviewPass,
    ReviewState,
)

Stage = DoubleReview.Stage
type Span = tuple[int, int]

# Work on the canonical records: whoever did any of it on an article has seen the first
# review's decisions and cannot be its blind second reviewer.
CANONICAL_WORK_PREFIXES = ("claim.", "attribution.", "verdict.")


def desk_default() -> bool:
    return bool(getattr(settings, "FACTCHECK_DOUBLE_REVIEW_DEFAULT", False))


def has_double_review(article_id: int) -> bool:
    """Whether the article has a double-review record: asked on every article page, so kept
    in the shared cache (forgotten when a record is made or deleted)."""
    return cached.remembered(
        cached.double_review_key(article_id),
        lambda: DoubleReview.objects.filter(article_id=article_id).exists(),
    )


def may_be_double_reviewed(article_id: int) -> bool:
    """False for the common case: no double review asked for, none by default."""
    return desk_default() or has_double_review(article_id)


def double_review_of(article: Article) -> DoubleReview | None:
    if not has_double_review(article.pk):  # the common case, answered from the cache
        return None
    return DoubleReview.objects.filter(article=article).first()


def is_required(article: Article, review: DoubleReview | None = None) -> bool:
    review = review if review is not None else double_review_of(article)
    return review.required if review is not None else desk_default()


def stage_of(article: Article, review: DoubleReview | None = None) -> str:
    review = review if review is not None else double_review_of(article)
    if review is None:
        return Stage.AWAITING_FIRST if desk_default() else Stage.NOT_REQUIRED
    return review.stage


def stage_for(review: DoubleReview | None, passes: Sequence[ReviewPass]) -> str:
    """The stage the records say (the services store it on ``DoubleReview.stage``)."""
    if review is None or not review.required:
        return Stage.NOT_REQUIRED
    if review.adjudicated_at is not None:
        return Stage.ADJUDICATED
    submitted = {p.number for p in passes if p.status == ReviewPass.Status.SUBMITTED}
    if submitted == {1, 2}:
        return Stage.AWAITING_ADJUDICATION
    if 1 in submitted:
        return Stage.AWAITING_SECOND
    return Stage.AWAITING_FIRST


def double_review_stage() -> Coalesce:
    """The stage as a queryset annotation on articles (the desk default where no row)."""
    default = Stage.AWAITING_FIRST if desk_default() else Stage.NOT_REQUIRED
    stage = DoubleReview.objects.filter(article=OuterRef("pk")).values("stage")[:1]
    return Coalesce(Subquery(stage, output_field=CharField()), Value(str(default)))


def publication_block(article: Article) -> str | None:
    """Why nothing on this article may be published yet, or None."""
    review = double_review_of(article)
    if not is_required(article, review):
        return None
    stage = stage_of(article, review)
    if stage == Stage.ADJUDICATED:
        return None
    return (
        "This article needs a blind second review and an editor's adjudication before "
        f"anything on it is published (now: {Stage(stage).label.lower()})."
    )


def passes_of(article: Article) -> dict[int, ReviewPass]:
    return {
        p.number: p for p in ReviewPass.objects.filter(article=article).select_related("reviewer")
    }


def both_submitted(passes: dict[int, ReviewPass]) -> bool:
    return all(n in passes and passes[n].status == ReviewPass.Status.SUBMITTED for n in (1, 2))


def must_stay_blind(article: Article, user: User) -> bool:
    """The second reviewer, until both reviews are in, sees nothing of the first."""
    passes = passes_of(article)
    second = passes.get(2)
    return second is not None and second.reviewer_id == user.pk and not both_submitted(passes)


def second_review_outstanding(article: Article) -> bool:
    """A required second review that is not in yet (the first review is still private)."""
    review = double_review_of(article)
    if not is_required(article, review):
        return False
    return stage_of(article, review) in (Stage.AWAITING_FIRST, Stage.AWAITING_SECOND)


def might_be_second(article: Article, user: User) -> bool:
    """Someone who could still be the blind second reviewer: not the first reviewer, not
    assigned to the article, not the editor who asked for the second review, no work on its
    records, and the second review not taken."""
    review = double_review_of(article)
    if review is not None and review.requested_by_id == user.pk:
        return False
    passes = passes_of(article)
    first, second = passes.get(1), passes.get(2)
    if second is not None or (first is not None and first.reviewer_id == user.pk):
        return False
    if article.assigned_to_id == user.pk:
        return False
    return not worked_on_canonical(article, user)


def article_title(article_id: int) -> str:
    return Article.objects.filter(pk=article_id).values_list("title", flat=True).first() or ""


def worked_on_canonical(article: Article, user: User) -> bool:
    verbs = AuditEvent.objects.filter(article=article, actor=user).values_list("verb", flat=True)
    return any(v.startswith(CANONICAL_WORK_PREFIXES) for v in verbs.distinct())


# --- the machine's suggestions --------------------------------------------------------------


def machine_span(claim: Claim) -> Span:
    if claim.machine_start is not None and claim.machine_end is not None:
        return claim.machine_start, claim.machine_end
    return claim.start, claim.end


def machine_claims(article: Article) -> list[Claim]:
    """The claims both reviewers decide on: the machine's (a claim one reviewer added, the
    other never saw)."""
    return list(
        Claim.objects.filter(article=article, origin=Origin.MACHINE)
        .prefetch_related("flags")
        .order_by("start", "id")
    )


def claim_attributions(claims: Iterable[Claim]) -> dict[int, list[Attribution]]:
    """The machine's attributions of each claim, in the article's own text."""
    found: dict[int, list[Attribution]] = defaultdict(list)
    rows = Attribution.objects.filter(
        claim__in=list(claims), source__isnull=True, origin=Origin.MACHINE
    ).order_by("cue_start", "id")
    for a in rows:
        if a.claim_id is not None:
            found[a.claim_id].append(a)
    return found


def machine_speaker(a: Attribution) -> Span | None:
    snap = a.machine_snapshot or {}
    if snap:
        s, e = snap.get("speaker_start"), snap.get("speaker_end")
        return (s, e) if s is not None and e is not None else None
    if a.speaker_start is None or a.speaker_end is None:
        return None
    return a.speaker_start, a.speaker_end


def scale_ratings() -> list[Rating]:
    return list(
        Rating.objects.filter(scale__is_default=True).select_related("scale").order_by("position")
    )


@dataclass(frozen=True)
class AttributionRow:
    attribution: Attribution
    machine_speaker: str  # the machine's speaker text, "" if none
    accepted: bool | None  # the second reviewer's saved choice
    speaker: str  # the speaker text they saved (the machine's until they change it)


@dataclass(frozen=True)
class SecondReviewRow:
    claim: Claim
    machine_text: str
    flags: list[str]
    accepted: bool | None
    text: str  # the wording kept: the machine's until they change it
    rating_id: int | None
    attributions: list[AttributionRow]


@dataclass(frozen=True)
class SecondReviewPage:
    article: Article
    review: DoubleReview | None
    stage: str
    required: bool
    review_pass: ReviewPass | None  # theirs, if they started
    rows: list[SecondReviewRow]
    ratings: list[Rating]
    refusal: str  # why they may not do it ("" when they may)
    both_in: bool


def second_review_refusal(article: Article, user: User, passes: dict[int, ReviewPass]) -> str:
    first, second = passes.get(1), passes.get(2)
    if first is not None and first.reviewer_id == user.pk:
        return "You did the first review of this article: the second must be someone else's."
    mine = second is not None and second.reviewer_id == user.pk
    if not mine and worked_on_canonical(article, user):
        return (
            "You have worked on this article's first review, so yours would not be an "
            "independent second review."
        )
    if second is not None and not mine:
        return f"{second.reviewer.get_username()} is doing the second review of this article."
    return ""


def second_review_page(*, article: Article, user: User) -> SecondReviewPage:
    review = double_review_of(article)
    passes = passes_of(article)
    own = passes.get(2) if passes.get(2) and passes[2].reviewer_id == user.pk else None
    claims = machine_claims(article)
    attributions = claim_attributions(claims)
    saved: dict[int, PassDecision] = {}
    if own is not None:
        saved = {d.claim_id: d for d in own.decisions.all()}
    body = article.body
    rows = []
    for claim in claims:
        ms, me = machine_span(claim)
        d = saved.get(claim.pk)
        attribution_rows = []
        for a in attributions.get(claim.pk, []):
            sp = machine_speaker(a)
            mtext = body[sp[0] : sp[1]] if sp else ""
            mine = (d.attributions or {}).get(str(a.pk), {}) if d is not None else {}
            speaker = mine.get("speaker") if mine else None
            attribution_rows.append(
                AttributionRow(
                    attribution=a,
                    machine_speaker=mtext,
                    accepted=mine.get("accepted") if mine else None,
                    speaker=body[speaker[0] : speaker[1]] if speaker else ("" if mine else mtext),
                )
            )
        rows.append(
            SecondReviewRow(
                claim=claim,
                machine_text=body[ms:me],
                flags=[f.get_type_display() for f in claim.flags.all()],
                accepted=d.accepted if d is not None else None,
                text=body[d.start : d.end] if d is not None else body[ms:me],
                rating_id=d.rating_id if d is not None else None,
                attributions=attribution_rows,
            )
        )
    return SecondReviewPage(
        article=article,
        review=review,
        stage=stage_of(article, review),
        required=is_required(article, review),
        review_pass=own,
        rows=rows,
        ratings=scale_ratings(),
        refusal=second_review_refusal(article, user, passes),
        both_in=both_submitted(passes),
    )


# --- disagreements --------------------------------------------------------------------------

ACCEPT, SPAN, RATING = "accept", "span", "rating"
ATTRIBUTION_PREFIX = "attribution:"


@dataclass(frozen=True)
class Side:
    """One review's value for one aspect: what the editor reads, and what applying it sets."""

    label: str
    value: object  # JSON-able: bool, [start, end], rating id, {"accepted", "speaker"}
    quote: str = ""  # the text the span covers, when it is a span


@dataclass(frozen=True)
class Disagreement:
    claim: Claim
    aspect: str
    title: str
    first: Side
    second: Side
    version: int | None  # of the canonical record the editor's choice writes
    typed_kind: str  # "" (pick only), "text" (a wording) or "rating"
    decision: AdjudicationDecision | None = None
    attribution: Attribution | None = None

    @property
    def key(self) -> str:
        return f"{self.claim.pk}-{self.aspect.replace(':', '-')}"


def _rating_label(ratings: dict[int, Rating], rating_id: int | None) -> str:
    if rating_id is None:
        return "No rating"
    rating = ratings.get(rating_id)
    return rating.label if rating is not None else f"Rating {rating_id}"


def _speaker_side(body: str, value: dict) -> Side:
    if value.get("accepted") is False:
        return Side("Rejected the attribution", {"accepted": False, "speaker": None})
    speaker = value.get("speaker")
    text = body[speaker[0] : speaker[1]] if speaker else ""
    label = f"Kept, speaker “{text}”" if text else "Kept, with no speaker"
    return Side(label, {"accepted": True, "speaker": speaker}, text)


def _span_side(body: str, d: PassDecision) -> Side:
    return Side(f"Characters {d.start}–{d.end}", [d.start, d.end], body[d.start : d.end])


def claim_disagreements(
    claim: Claim,
    first: PassDecision,
    second: PassDecision,
    *,
    body: str,
    ratings: dict[int, Rating],
    attributions: dict[int, Attribution],
    verdict_version: int | None,
) -> list[Disagreement]:
    found: list[Disagreement] = []

    def side(d: PassDecision) -> Side:
        if not d.accepted:
            return Side("Rejected: not a claim to check", {"accepted": False})
        s = _span_side(body, d)
        return Side("Kept as a claim", {"accepted": True, "span": [d.start, d.end]}, s.quote)

    if first.accepted != second.accepted:
        found.append(
            Disagreement(
                claim, ACCEPT, "Kept or rejected", side(first), side(second), claim.version, ""
            )
        )
        return found  # what the kept side said of spans, ratings and speakers goes with it
    if not first.accepted:
        return found
    if (first.start, first.end) != (second.start, second.end):
        found.append(
            Disagreement(
                claim,
                SPAN,
                "Span",
                _span_side(body, first),
                _span_side(body, second),
                claim.version,
                "text",
            )
        )
    rated = first.rating_id is not None and second.rating_id is not None
    if rated and first.rating_id != second.rating_id:
        found.append(
            Disagreement(
                claim,
                RATING,
                "Rating",
                Side(_rating_label(ratings, first.rating_id), first.rating_id),
                Side(_rating_label(ratings, second.rating_id), second.rating_id),
                verdict_version,
                "rating",
            )
        )
    for key, a1 in sorted((first.attributions or {}).items()):
        a2 = (second.attributions or {}).get(key)
        if not a2 or a1.get("accepted") is None or a2.get("accepted") is None:
            continue
        same = a1["accepted"] == a2["accepted"] and (
            not a1["accepted"] or a1.get("speaker") == a2.get("speaker")
        )
        attribution = attributions.get(int(key))
        if same or attribution is None:
            continue
        found.append(
            Disagreement(
                claim,
                f"{ATTRIBUTION_PREFIX}{key}",
                f"Attribution “{attribution.cue_text}”: kept and its speaker",
                _speaker_side(body, a1),
                _speaker_side(body, a2),
                attribution.version,
                "text",
                attribution=attribution,
            )
        )
    return found


@dataclass
class Adjudication:
    article: Article
    review: DoubleReview | None
    stage: str
    passes: dict[int, ReviewPass]
    disagreements: list[Disagreement]
    figures: Figures | None
    ratings: list[Rating]
    only_first: list[Claim] = field(default_factory=list)  # claims the first reviewer added

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def open_count(self) -> int:
        return sum(1 for d in self.disagreements if d.decision is None)


def _pairs_for(articles: Iterable[int]) -> dict[int, dict[int, tuple[PassDecision, PassDecision]]]:
    """article id -> claim id -> (first, second), submitted passes only."""
    grouped: dict[tuple[int, int], dict[int, PassDecision]] = defaultdict(dict)
    rows = PassDecision.objects.filter(
        review_pass__article__in=list(articles),
        review_pass__status=ReviewPass.Status.SUBMITTED,
    ).select_related("review_pass", "claim", "rating")
    for d in rows:
        grouped[(d.review_pass.article_id, d.claim_id)][d.review_pass.number] = d
    pairs: dict[int, dict[int, tuple[PassDecision, PassDecision]]] = defaultdict(dict)
    for (article_id, claim_id), by_number in grouped.items():
        if 1 in by_number and 2 in by_number:
            pairs[article_id][claim_id] = (by_number[1], by_number[2])
    return pairs


def adjudication(*, article: Article) -> Adjudication:
    review = double_review_of(article)
    passes = passes_of(article)
    ratings_list = scale_ratings()
    result = Adjudication(
        article=article,
        review=review,
        stage=stage_of(article, review),
        passes=passes,
        disagreements=[],
        figures=None,
        ratings=ratings_list,
    )
    if not both_submitted(passes):
        return result
    pairs = _pairs_for([article.pk]).get(article.pk, {})
    claims = {c.pk: c for c in Claim.objects.filter(pk__in=pairs).select_related("verdict")}
    ratings = {r.pk: r for r in Rating.objects.all()}
    attributions = {a.pk: a for a in Attribution.objects.filter(article=article)}
    decided = {
        (d.claim_id, d.aspect): d
        for d in AdjudicationDecision.objects.filter(article=article).select_related("decided_by")
    }
    for claim_id in sorted(pairs, key=lambda pk: (claims[pk].start, pk)):
        claim = claims[claim_id]
        verdict = getattr(claim, "verdict", None)  # the reverse one-to-one: None if absent
        first, second = pairs[claim_id]
        for d in claim_disagreements(
            claim,
            first,
            second,
            body=article.body,
            ratings=ratings,
            attributions=attributions,
            verdict_version=verdict.version if verdict is not None else None,
        ):
            result.disagreements.append(replace(d, decision=decided.get((claim_id, d.aspect))))
    result.figures = figures_from([pairs[c] for c in pairs], ratings_list, articles=1)
    result.only_first = list(
        Claim.objects.filter(article=article, origin=Origin.REVIEWER)
        .exclude(review_state=ReviewState.REJECTED)
        .order_by("start")
    )
    return result


def find_disagreement(article: Article, claim_id: int, aspect: str) -> Disagreement | None:
    return next(
        (
            d
            for d in adjudication(article=article).disagreements
            if d.claim.pk == claim_id and d.aspect == aspect
        ),
        None,
    )


# --- agreement figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    articles: int
    claims: int  # claims both reviewers decided
    accept: Agreement  # accepted / rejected
    spans: SpanAgreement  # claims both kept
    ratings: Agreement  # claims both kept and rated, linear weights on the scale's order
    rating_scale: list[str]
    ratings_off_scale: int = 0  # both rated, but one gave a rating off the scale


def figures_from(
    pairs: Sequence[tuple[PassDecision, PassDecision]], ratings: Sequence[Rating], *, articles: int
) -> Figures:
    accept = cohen_kappa([(a.accepted, b.accepted) for a, b in pairs])
    both_kept = [(a, b) for a, b in pairs if a.accepted and b.accepted]
    spans = span_agreement([((a.start, a.end), (b.start, b.end)) for a, b in both_kept])
    # ordinal: the scale's ratings with a value, in its order ("Unverifiable" is off the scale)
    ordinal = [r for r in ratings if r.value is not None]
    order = [r.pk for r in ordinal]
    on_scale = set(order)
    both_rated = [
        (a.rating_id, b.rating_id)
        for a, b in both_kept
        if a.rating_id is not None and b.rating_id is not None
    ]
    rated = [(a, b) for a, b in both_rated if a in on_scale and b in on_scale]
    return Figures(
        articles=articles,
        claims=len(pairs),
        accept=accept,
        spans=spans,
        ratings=weighted_kappa(rated, order),
        rating_scale=[r.label for r in ordinal],
        ratings_off_scale=len(both_rated) - len(rated),
    )


@dataclass(frozen=True)
class DeskAgreement:
    date_from: date | None
    date_to: date | None
    figures: Figures
    per_article: list[tuple[Article, Figures]]


def desk_agreement(*, date_from: date | None, date_to: date | None) -> DeskAgreement:
    """Every article whose second review was submitted in the range (inclusive days)."""
    seconds = ReviewPass.objects.filter(number=2, status=ReviewPass.Status.SUBMITTED)
    tz = timezone.get_current_timezone()
    if date_from is not None:
        seconds = seconds.filter(submitted_at__gte=datetime.combine(date_from, time.min, tz))
    if date_to is not None:
        seconds = seconds.filter(submitted_at__lte=datetime.combine(date_to, time.max, tz))
    article_ids = list(seconds.values_list("article_id", flat=True))
    pairs = _pairs_for(article_ids)
    ratings = scale_ratings()
    articles = {a.pk: a for a in Article.objects.filter(pk__in=pairs).defer("body")}
    per_article = [
        (articles[pk], figures_from(list(pairs[pk].values()), ratings, articles=1))
        for pk in sorted(pairs, key=lambda pk: articles[pk].title)
    ]
    everything = [pair for by_claim in pairs.values() for pair in by_claim.values()]
    return DeskAgreement(
        date_from, date_to, figures_from(everything, ratings, articles=len(pairs)), per_article
    )


# --- the article page's bar and the queue's badge -------------------------------------------


@dataclass(frozen=True)
class Bar:
    article: Article
    stage: str
    stage_label: str
    required: bool
    review: DoubleReview | None
    passes: dict[int, ReviewPass]
    is_editor: bool
    may_submit_first: bool
    may_second: bool


def bar(*, article: Article, user: User) -> Bar:
    review = double_review_of(article)
    # passes exist only once a double review is asked for (or the desk asks for all); with
    # no record, stage and requirement are the desk's default (stage_of would look again)
    passes = passes_of(article) if review is not None or desk_default() else {}
    if review is None:
        required = desk_default()
        stage: str = Stage.AWAITING_FIRST if required else Stage.NOT_REQUIRED
    else:
        stage, required = stage_of(article, review), is_required(article, review)
    first, second = passes.get(1), passes.get(2)
    mine_second = second is not None and second.reviewer_id == user.pk
    return Bar(
        article=article,
        stage=stage,
        stage_label=Stage(stage).label,
        required=required,
        review=review,
        passes=passes,
        is_editor=roles.is_editor(user),
        may_submit_first=required and first is None and not mine_second,
        # Whoever sees this bar is looking at the first review, so cannot be its second
        # reviewer: the way in is the question asked before the article page is shown.
        may_second=mine_second,
    )
