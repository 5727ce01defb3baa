"""Reads for the review page: the marked-up text, the claim panel, the open flags.

Each screen gets what it shows in a fixed number of queries (counts come from subqueries,
related rows from select_related and one query per kind, never one per claim), so a
300-claim article costs the same number of round trips as a 10-claim one. The markup
itself is built by ``annotations.markup``, which needs no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from .. import roles
from ..markup import (
    Excerpt,
    Segment,
    build_marks,
    build_segments,
    excerpt,
    html_text,
    render_segments,
)
from ..models import (
    AnnotationRun,
    Article,
    Attribution,
    Claim,
    CorrectionNotice,
    Entity,
    EvidenceLink,
    Flag,
    Quantity,
    Rating,
    ReviewState,
    Source,
    Verdict,
)
from .history import HistoryEntry, claim_history
from .queue import assignable_users, count_subquery, latest_run
from .verdicts import ClaimantOption, claimant_options, saved_claimant_key, withdrawal_notice

SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")


# --- lookups for the actions ----------------------------------------------------------------


def article_or_404(pk: int) -> Article:
    return get_object_or_404(Article, pk=pk)


def claim_or_404(pk: int, *, article_id: int | None = None) -> Claim:
    """A claim with its article; with ``article_id``, only a claim of that article."""
    claims = Claim.objects.select_related("article")
    if article_id is not None:
        claims = claims.filter(article_id=article_id)
    return get_object_or_404(claims, pk=pk)


def claim_location_or_404(pk: int) -> Claim:
    """Only where the claim is: enough to open its panel or redirect to it."""
    return get_object_or_404(Claim.objects.only("pk", "article_id"), pk=pk)


def attribution_or_404(pk: int) -> Attribution:
    return get_object_or_404(Attribution, pk=pk)


def flag_or_404(pk: int) -> Flag:
    return get_object_or_404(Flag.objects.select_related("claim__article"), pk=pk)


def verdict_or_404(pk: int) -> Verdict:
    return get_object_or_404(Verdict.objects.select_related("claim__article"), pk=pk)


def speaker_entity(attribution: Attribution, entity_id: int) -> Entity | None:
    """A suggested speaker, only if it lies in the same text as the attribution (a crafted
    form could otherwise borrow offsets from another text)."""
    return Entity.objects.filter(
        pk=entity_id, article_id=attribution.article_id, source=attribution.source_id
    ).first()


# --- the article text -----------------------------------------------------------------------


def claims_for_article(article: Article) -> list[Claim]:
    return list(
        Claim.objects.filter(article=article)
        .annotate(n_open_flags=count_subquery(Flag, "claim", dismissed_at__isnull=True))
        .select_related("verdict__rating")
        .order_by("start", "-end", "id")
    )


def review_counts(claims: Sequence[Claim]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.review_state] = counts.get(c.review_state, 0) + 1
    return [(value, label, counts.get(value, 0)) for value, label in ReviewState.choices]


def pending_count(counts: Sequence[tuple[str, str, int]]) -> int:
    return next((n for value, _, n in counts if value == ReviewState.PENDING), 0)


@dataclass
class ArticleText:
    article: Article
    claims: list[Claim]
    segments: list[Segment]

    @property
    def claim_order(self) -> str:
        return " ".join(str(c.pk) for c in self.claims)

    @property
    def html(self) -> SafeString:
        return render_segments(self.segments)

    def claim(self, claim_id: int) -> Claim:
        return next(c for c in self.claims if c.pk == claim_id)


def article_text(article: Article, claims: list[Claim] | None = None) -> ArticleText:
    """The marked-up article body: claims, and the article's own attributions (not a
    source's, none a reviewer rejected) and quantities."""
    claims = claims_for_article(article) if claims is None else claims
    attributions = (
        Attribution.objects.filter(article=article, source__isnull=True)
        .exclude(review_state=ReviewState.REJECTED)
        .only(
            "pk",
            "speaker_start",
            "speaker_end",
            "cue_start",
            "cue_end",
            "content_start",
            "content_end",
        )
    )
    quantities = Quantity.objects.filter(article=article, source__isnull=True).only(
        "pk", "start", "end"
    )
    marks = build_marks(claims, attributions, quantities)
    return ArticleText(article, claims, build_segments(article.body, marks))


# --- the claim panel ------------------------------------------------------------------------


@dataclass
class AttributionItem:
    attribution: Attribution
    suggestions: list[Entity] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text the attribution's offsets point into."""
        a = self.attribution
        return a.source.text if a.source is not None else a.article.body


@dataclass
class EvidenceItem:
    link: EvidenceLink
    excerpt: Excerpt
    in_verdict: bool


@dataclass(frozen=True)
class ComparisonLine:
    """One detail the machine compared with the sources, as the reviewer reads it:
    "$2.4 billion (article) vs $1.9 billion (source): differs"."""

    kind: str
    outcome: str
    summary: str
    article_text: str
    source_id: int | None = None

    @property
    def agrees(self) -> bool:
        return self.outcome == "consistent"


_OUTCOME_ORDER = {"differs": 0, "range_vs_point": 1, "consistent": 2, "no_counterpart": 3}


def comparison_lines(claim: Claim) -> list[ComparisonLine]:
    """The claim's stored comparisons, disagreements first."""
    rows = claim.comparisons if isinstance(claim.comparisons, list) else []
    lines = [
        ComparisonLine(
            kind=str(r.get("kind", "")),
            outcome=str(r.get("outcome", "")),
            summary=str(r.get("summary", "")),
            article_text=str(r.get("article_text", "")),
            source_id=r.get("source") if isinstance(r.get("source"), int) else None,
        )
        for r in rows
        if isinstance(r, dict) and r.get("summary")
    ]
    lines.sort(key=lambda line: _OUTCOME_ORDER.get(line.outcome, 9))
    return lines


@dataclass
class ClaimPanel:
    claim: Claim
    position: int
    total: int
    previous_id: int | None
    next_id: int | None
    flags: list[Flag]
    evidence: list[EvidenceItem]
    attributions: list[AttributionItem]
    verdict: Verdict | None
    ratings: list[Rating]
    history: list[HistoryEntry]
    claimants: list[ClaimantOption] = field(default_factory=list)
    withdrawal: CorrectionNotice | None = None

    @property
    def open_flags(self) -> int:
        return sum(1 for f in self.flags if not f.is_dismissed)

    @property
    def comparisons(self) -> list[ComparisonLine]:
        return comparison_lines(self.claim)

    @property
    def evidence_caveat(self) -> str:
        """Why the linked passages do not count, when the claim is "not found" beside them."""
        if not self.evidence:
            return ""
        for f in self.flags:
            if f.type == Flag.Type.NOT_IN_SOURCES and not f.is_dismissed:
                return f.message or "None of these passages addresses the claim."
        return ""

    @property
    def claimant_key(self) -> str:
        """The claimant the verdict form starts on: the saved one, else the outlet."""
        return saved_claimant_key(self.verdict, self.claimants)

    @property
    def default_wording(self) -> str:
        """The claim-reviewed wording before anyone shortens it: the claim's own text."""
        return " ".join(self.claim.text.split())


def default_ratings() -> list[Rating]:
    return list(Rating.objects.filter(scale__is_default=True).order_by("position"))


def claim_panel(*, claim_id: int, article: Article | None = None) -> ClaimPanel:
    """Everything the side panel shows for one claim, in a fixed number of queries."""
    claim = Claim.objects.select_related(
        "article",
        "updated_by",
        "verdict__rating",
        "verdict__reviewer",
        "verdict__published_by",
        "verdict__published_revision",
    ).get(pk=claim_id)
    if article is not None:
        claim.article = article
    order = list(
        Claim.objects.filter(article_id=claim.article_id)
        .order_by("start", "-end", "id")
        .values_list("pk", flat=True)
    )
    index = order.index(claim.pk)
    flags = list(claim.flags.select_related("dismissed_by").order_by("id"))
    verdict: Verdict | None = getattr(claim, "verdict", None)
    verdict_evidence = (
        set(verdict.evidence.values_list("pk", flat=True)) if verdict is not None else set()
    )
    evidence = [
        EvidenceItem(
            link, excerpt(link.source.text, link.start, link.end), link.pk in verdict_evidence
        )
        for link in claim.evidence.select_related("source").order_by("-score", "id")
    ]
    # Besides the claim's own and the article's overlapping ones: what the sources say where
    # they back the claim, since that is where a misattribution shows (the pipeline does not
    # link source attributions to article claims).
    related = Q(claim=claim) | Q(
        article_id=claim.article_id,
        source__isnull=True,
        content_start__lt=claim.end,
        content_end__gt=claim.start,
    )
    for item in evidence:
        related |= Q(
            article_id=claim.article_id,
            source_id=item.link.source_id,
            content_start__lt=item.link.end,
            content_end__gt=item.link.start,
        )
    attributions = list(
        Attribution.objects.filter(related)
        .select_related("source")
        .order_by("source_id", "cue_start", "id")
    )
    for a in attributions:
        a.article = claim.article
    items = [AttributionItem(a) for a in attributions]
    _attach_suggestions(claim.article, items)
    return ClaimPanel(
        claimants=claimant_options(claim, attributions=attributions, flags=flags),
        withdrawal=withdrawal_notice(verdict) if verdict is not None else None,
        claim=claim,
        position=index + 1,
        total=len(order),
        previous_id=order[index - 1] if index > 0 else None,
        next_id=order[index + 1] if index + 1 < len(order) else None,
        flags=flags,
        evidence=evidence,
        attributions=items,
        verdict=verdict,
        ratings=default_ratings(),
        history=claim_history(
            claim,
            flag_ids=[f.pk for f in flags],
            attribution_ids=[a.pk for a in attributions],
            verdict_id=verdict.pk if verdict else None,
        ),
    )


def _attach_suggestions(article: Article, items: list[AttributionItem], limit: int = 8) -> None:
    """Speaker candidates: named people and bodies in the same text, nearest to the cue."""
    if not items:
        return
    source_ids = {i.attribution.source_id for i in items}
    q = Q()
    if None in source_ids:
        q |= Q(source__isnull=True)
    if source_ids - {None}:
        q |= Q(source_id__in=source_ids - {None})
    entities = list(
        Entity.objects.filter(q, article=article, label__in=SPEAKER_LABELS).order_by("start")
    )
    for item in items:
        a = item.attribution
        same = [e for e in entities if e.source_id == a.source_id]
        same.sort(key=lambda e: abs(e.start - a.cue_start))
        seen: set[tuple[int, int]] = set()
        for e in same:
            if (e.start, e.end) in seen:
                continue
            seen.add((e.start, e.end))
            item.suggestions.append(e)
            if len(item.suggestions) >= limit:
                break


# What a reviewer should look at first: figures and credits that disagree with the sources
# before claims that are merely missing from them.
FLAG_PRIORITY: dict[str, int] = {
    Flag.Type.RANGE_VS_POINT: 0,
    Flag.Type.NUMBER_MISMATCH: 1,
    Flag.Type.DATE_MISMATCH: 2,
    Flag.Type.QUOTE_MISMATCH: 3,
    Flag.Type.ATTRIBUTION_MISMATCH: 4,
    Flag.Type.NOT_IN_SOURCES: 5,
}


@dataclass
class OpenFlag:
    """A flag in the list above the text, with its claim and that claim's number."""

    flag: Flag
    claim: Claim
    position: int

    @property
    def compared(self) -> list[ComparisonLine]:
        """What was compared for this flag's claim: the figure the flag is about first, then
        the agreements beside it (at most three; "no counterpart" lines are left to the panel)."""
        lines = [c for c in comparison_lines(self.claim) if c.outcome != "no_counterpart"]
        lines.sort(key=lambda c: c.article_text != self.flag.article_text)
        return lines[:3]


def open_flags(claims: Sequence[Claim]) -> list[OpenFlag]:
    """The article's open flags, most telling first, each with its claim from ``claims``
    (one query whatever the number of claims)."""
    by_pk = {c.pk: c for c in claims}
    position = {c.pk: n for n, c in enumerate(claims, start=1)}
    if not by_pk:
        return []
    flags = Flag.objects.filter(
        claim__article_id=claims[0].article_id, dismissed_at__isnull=True
    ).defer("dismiss_reason")
    items = [OpenFlag(f, by_pk[f.claim_id], position[f.claim_id]) for f in flags]
    items.sort(key=lambda i: (FLAG_PRIORITY.get(i.flag.type, 9), i.claim.start, i.flag.pk))
    return items


@dataclass
class SourceText:
    """A source with its text as HTML that keeps offsets exact."""

    source: Source
    html: SafeString


def source_texts(article: Article) -> list[SourceText]:
    return [SourceText(s, html_text(s.text)) for s in article.sources.order_by("position", "id")]


# --- the page -------------------------------------------------------------------------------


@dataclass
class ArticleHeader:
    """What the page header shows: the article, its claim counts, whom it can go to."""

    article: Article
    counts: list[tuple[str, str, int]]
    assignees: list[User]


def _assignees(user: User) -> list[User]:
    return list(assignable_users()) if roles.is_editor(user) else []


def article_header(*, article_id: int, user: User) -> ArticleHeader:
    article = get_object_or_404(Article.objects.select_related("assigned_to"), pk=article_id)
    claims = claims_for_article(article)
    return ArticleHeader(article, review_counts(claims), _assignees(user))


@dataclass
class ReviewPage:
    article: Article
    text: ArticleText
    counts: list[tuple[str, str, int]]
    run: AnnotationRun | None
    panel: ClaimPanel | None
    sources: list[SourceText]
    assignees: list[User]
    flags: list[OpenFlag] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return pending_count(self.counts)


def review_page(*, article_id: int, claim_id: int | None, user: User) -> ReviewPage:
    article = Article.objects.select_related("assigned_to").get(pk=article_id)
    claims = claims_for_article(article)
    text = article_text(article, claims)
    ids = {c.pk for c in claims}
    if claim_id not in ids:
        pending = [c for c in claims if c.review_state == ReviewState.PENDING]
        claim_id = (pending or claims)[0].pk if claims else None
    panel = claim_panel(claim_id=claim_id, article=article) if claim_id else None
    return ReviewPage(
        article=article,
        text=text,
        counts=review_counts(claims),
        run=latest_run(article),
        panel=panel,
        sources=source_texts(article),
        assignees=_assignees(user),
        flags=open_flags(claims),
    )
