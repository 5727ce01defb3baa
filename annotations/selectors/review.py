"""Reads for the review page: the claim panel, the open flags, the whole page.

Each screen gets what it shows in a fixed number of queries (related rows from
select_related and one query per kind, never one per claim), so a 300-claim article costs
the same number of round trips as a 10-claim one. The page reads the article's claims,
flags, attributions and sources once and hands them to the text, the lists and the panel.
The marked-up text is read in ``text``; the markup itself is built by
``annotations.markup``, which needs no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString

from .. import cached, roles
from ..markup import (
    Excerpt,
    excerpt,
    flag_row,
    html_text,
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
    Rating,
    ReviewState,
    Source,
    Verdict,
)
from .history import HistoryEntry, claim_history
from .queue import assignable_users, latest_run
from .text import (
    ArticleText,
    OutlineClaim,
    article_counts,
    article_text,
    claim_outline,
    count_open_flags,
    listed_claims,
    pending_count,
    review_counts,
)
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
    # every claim of the article in reading order: the numbers in the flag list, the counts
    outline: list[OutlineClaim] = field(default_factory=list)

    @property
    def order(self) -> list[int]:
        return [c.pk for c in self.outline]

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
    return cached.remembered(
        cached.DEFAULT_RATINGS,
        lambda: list(Rating.objects.filter(scale__is_default=True).order_by("position")),
    )


@dataclass
class _Loaded:
    """What the review page has loaded already, so the panel reads it instead of asking
    again: the claims in reading order, and all the article's flags, attributions and
    sources."""

    outline: list[OutlineClaim]
    flags: list[Flag]
    attributions: list[Attribution]
    sources: dict[int, Source]


_PANEL_CLAIM_RELATED = (
    "article",
    "updated_by",
    "verdict__rating",
    "verdict__reviewer",
    "verdict__published_by",
    "verdict__published_revision",
)


def claim_panel(
    *, claim_id: int, article: Article | None = None, loaded: _Loaded | None = None
) -> ClaimPanel:
    """Everything the side panel shows for one claim, in a fixed number of queries."""
    claim = Claim.objects.select_related(*_PANEL_CLAIM_RELATED).get(pk=claim_id)
    return _claim_panel(claim, article=article, loaded=loaded)


def _claim_panel(claim: Claim, *, article: Article | None, loaded: _Loaded | None) -> ClaimPanel:
    if article is not None:
        claim.article = article
    if loaded is not None:
        outline = loaded.outline
        flags = sorted((f for f in loaded.flags if f.claim_id == claim.pk), key=lambda f: f.pk)
    else:
        outline = claim_outline(claim.article_id)
        flags = list(claim.flags.select_related("dismissed_by").order_by("id"))
    order = [c.pk for c in outline]
    index = order.index(claim.pk)
    verdict: Verdict | None = getattr(claim, "verdict", None)
    links = claim.evidence.order_by("-score", "id")
    if verdict is not None:  # whether the verdict cites each passage, in the same query
        cited = Verdict.evidence.through.objects.filter(
            verdict_id=verdict.pk, evidencelink_id=OuterRef("pk")
        )
        links = links.annotate(in_verdict=Exists(cited))
    if loaded is None:
        links = links.select_related("source")
    evidence = []
    for link in links:
        if loaded is not None:
            link.source = loaded.sources[link.source_id]
        evidence.append(
            EvidenceItem(
                link,
                excerpt(link.source.text, link.start, link.end),
                bool(getattr(link, "in_verdict", False)),
            )
        )
    attributions = _panel_attributions(claim, evidence, loaded)
    for a in attributions:
        a.article = claim.article
    items = [AttributionItem(a) for a in attributions]
    entities = _attach_suggestions(claim.article, items)
    return ClaimPanel(
        claimants=claimant_options(
            claim,
            attributions=attributions,
            flags=flags,
            entities=[(e.start, e.end, e.label, e.text) for e in entities if e.source_id is None],
        ),
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
        outline=outline,
    )


def _overlaps(start: int, end: int, lo: int, hi: int) -> bool:
    return start < hi and end > lo


def _panel_attributions(
    claim: Claim, evidence: list[EvidenceItem], loaded: _Loaded | None
) -> list[Attribution]:
    """Besides the claim's own and the article's overlapping ones: what the sources say
    where they back the claim, since that is where a misattribution shows (the pipeline
    does not link source attributions to article claims)."""
    if loaded is not None:

        def related(a: Attribution) -> bool:
            if a.claim_id == claim.pk:
                return True
            if a.source_id is None:
                return _overlaps(a.content_start, a.content_end, claim.start, claim.end)
            return any(
                a.source_id == item.link.source_id
                and _overlaps(a.content_start, a.content_end, item.link.start, item.link.end)
                for item in evidence
            )

        found = [a for a in loaded.attributions if related(a)]
        for a in found:
            a.source = loaded.sources[a.source_id] if a.source_id is not None else None
        found.sort(key=_attribution_order)
        return found
    q = Q(claim=claim) | Q(
        article_id=claim.article_id,
        source__isnull=True,
        content_start__lt=claim.end,
        content_end__gt=claim.start,
    )
    for item in evidence:
        q |= Q(
            article_id=claim.article_id,
            source_id=item.link.source_id,
            content_start__lt=item.link.end,
            content_end__gt=item.link.start,
        )
    found = list(Attribution.objects.filter(q).select_related("source"))
    found.sort(key=_attribution_order)
    return found


def _attribution_order(a: Attribution) -> tuple[bool, int, int, int]:
    """The article's own first, then each source's, each in reading order (the same on
    every database: SQL puts NULLs first on some, last on others)."""
    return (a.source_id is not None, a.source_id or 0, a.cue_start, a.pk)


def _attach_suggestions(
    article: Article, items: list[AttributionItem], limit: int = 8
) -> list[Entity]:
    """Speaker candidates: named people and bodies in the same text, nearest to the cue.
    Returns the entities it read (the claimant choices use the article's own)."""
    if not items:
        return []
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
    return entities


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

    def row(self, *, review_url: str, claims_url: str) -> SafeString:
        f = self.flag
        return flag_row(
            claim_id=f.claim_id,
            position=self.position,
            flag_type=f.type,
            type_label=f.get_type_display(),
            article_text=f.article_text,
            source_text=f.source_text,
            claim_text=self.claim.text,
            compared=[(line.outcome, line.summary) for line in self.compared],
            review_url=review_url,
            claims_url=claims_url,
        )


def _sorted_flags(items: list[OpenFlag]) -> list[OpenFlag]:
    items.sort(key=lambda i: (FLAG_PRIORITY.get(i.flag.type, 9), i.claim.start, i.flag.pk))
    return items


def open_flags(claims: Sequence[Claim], flags: Iterable[Flag] | None = None) -> list[OpenFlag]:
    """The article's open flags, most telling first, each with its claim from ``claims``
    (one query whatever the number of claims; none when ``flags`` are loaded already)."""
    by_pk = {c.pk: c for c in claims}
    position = {c.pk: n for n, c in enumerate(claims, start=1)}
    if not by_pk:
        return []
    if flags is None:
        flags = Flag.objects.filter(
            claim__article_id=claims[0].article_id, dismissed_at__isnull=True
        ).defer("dismiss_reason")
    items = [
        OpenFlag(f, by_pk[f.claim_id], position[f.claim_id])
        for f in flags
        if f.dismissed_at is None
    ]
    return _sorted_flags(items)


def article_open_flags(*, article_id: int, order: Sequence[int]) -> list[OpenFlag]:
    """The open flags alone, each with its claim, numbered by ``order`` (the claims' ids in
    reading order): what a dismissed flag redraws, in one query."""
    position = {pk: n for n, pk in enumerate(order, start=1)}
    flags = (
        Flag.objects.filter(claim__article_id=article_id, dismissed_at__isnull=True)
        .select_related("claim")
        .only(
            "id",
            "type",
            "article_text",
            "source_text",
            "message",
            "dismissed_at",
            "claim",
            "claim__article_id",
            "claim__start",
            "claim__text",
            "claim__comparisons",
        )
    )
    return _sorted_flags([OpenFlag(f, f.claim, position.get(f.claim_id, 0)) for f in flags])


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
    if not roles.is_editor(user):
        return []
    return cached.remembered(
        cached.ASSIGNEES, lambda: list(assignable_users().only("pk", "username"))
    )


def article_header(*, article_id: int, user: User) -> ArticleHeader:
    article = get_object_or_404(Article.objects.select_related("assigned_to"), pk=article_id)
    return ArticleHeader(article, article_counts(article.pk), _assignees(user))


_RUN_SHOWN = (
    AnnotationRun.Status.QUEUED,
    AnnotationRun.Status.RUNNING,
    AnnotationRun.Status.FAILED,
)


@dataclass
class ReviewPage:
    article: Article
    text: ArticleText
    counts: list[tuple[str, str, int]]
    panel: ClaimPanel | None
    sources: list[SourceText]
    assignees: list[User]
    flags: list[OpenFlag] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return pending_count(self.counts)

    run_status: str | None = None  # the latest run's ("" none), when the claim query read it

    @cached_property
    def run(self) -> AnnotationRun | None:
        """The latest annotation run while it is still going or has failed (the page shows
        its progress then); read only when the claim query's glance says so."""
        if self.run_status is not None and self.run_status not in _RUN_SHOWN:
            return None  # finished, or never run: nothing to show
        return latest_run(self.article)


def review_page(*, article_id: int, claim_id: int | None, user: User) -> ReviewPage:
    """The whole page in a fixed number of queries: the claims, all the article's flags,
    attributions and sources once each, shared by the text, the lists and the panel."""
    claims = list(listed_claims(article_id))
    ids = {c.pk for c in claims}
    if claim_id not in ids:
        pending = [c for c in claims if c.review_state == ReviewState.PENDING]
        claim_id = (pending or claims)[0].pk if claims else None
    # the panel's claim brings the article with it (a claim deleted since is no panel)
    panel_claim = None
    if claim_id is not None:
        latest = AnnotationRun.objects.filter(article_id=OuterRef("article_id")).order_by(
            "-created_at", "-id"
        )
        panel_claim = (
            Claim.objects.select_related(*_PANEL_CLAIM_RELATED, "article__assigned_to")
            .annotate(latest_run_status=Subquery(latest.values("status")[:1]))
            .filter(pk=claim_id, article_id=article_id)
            .first()
        )
    if panel_claim is not None:
        article = panel_claim.article
    else:
        article = Article.objects.select_related("assigned_to").get(pk=article_id)
    flags = list(
        Flag.objects.filter(claim__article_id=article_id)
        .select_related("dismissed_by")
        .order_by("id")
    )
    count_open_flags(claims, flags)
    attributions = list(Attribution.objects.filter(article_id=article_id))
    sources = list(article.sources.order_by("position", "id"))
    text = article_text(article, claims, attributions=attributions)
    panel = None
    if panel_claim is not None:
        loaded = _Loaded(
            outline=[OutlineClaim(c.pk, c.start, c.end, c.support, c.review_state) for c in claims],
            flags=flags,
            attributions=attributions,
            sources={s.pk: s for s in sources},
        )
        panel = _claim_panel(panel_claim, article=article, loaded=loaded)
    return ReviewPage(
        article=article,
        text=text,
        counts=review_counts(claims),
        panel=panel,
        sources=[SourceText(s, html_text(s.text)) for s in sources],
        assignees=_assignees(user),
        flags=open_flags(claims, flags),
        run_status=(None if panel_claim is None else (panel_claim.latest_run_status or "")),
    )
