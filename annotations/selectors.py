"""Reads tailored to the reviewer screens.

Each screen gets what it shows in a fixed number of queries (counts and latest runs come
from subqueries and sliced prefetches, never from a query per row), so a 300-claim article
costs the same number of round trips as a 10-claim one.

The article text is split into flat segments here, in Python, rather than nested markup:
claims, attribution parts and quantities may overlap without nesting, and a flat list of
``<span data-start=…>`` keeps every character's original offset recoverable in the browser.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import roles
from .models import (
    AnnotationRun,
    Article,
    Attribution,
    AuditEvent,
    Claim,
    Entity,
    EvidenceLink,
    Flag,
    Quantity,
    Rating,
    ReviewState,
    Verdict,
)

SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
RUNNING = (AnnotationRun.Status.QUEUED, AnnotationRun.Status.RUNNING)


# --- segments -------------------------------------------------------------------------------


def html_text(text: str) -> SafeString:
    """Escape text for HTML, keeping carriage returns as character references.

    The HTML parser turns a literal CR LF into LF, which would shift every later offset by
    one in the browser; ``&#13;`` survives parsing as a real CR.
    """
    return mark_safe(escape(text).replace("\r", "&#13;"))  # noqa: S308 - escaped just above


@dataclass(frozen=True, slots=True)
class Mark:
    start: int
    end: int
    kind: str  # "claim", "speaker", "cue", "content", "quantity"
    ref: int
    claim: Claim | None = None


@dataclass(slots=True)
class Segment:
    """A run of text covered by the same set of marks."""

    start: int
    end: int
    text: str
    claims: tuple[Claim, ...] = ()
    parts: frozenset[str] = frozenset()
    attribution_ids: tuple[int, ...] = ()
    quantity: bool = False

    @property
    def html(self) -> SafeString:
        return html_text(self.text)

    @property
    def primary(self) -> Claim | None:
        """The innermost claim decides the colour: it is the one a click most likely means."""
        if not self.claims:
            return None
        return min(self.claims, key=lambda c: (c.end - c.start, -c.start, c.pk))

    @property
    def claim_ids(self) -> str:
        return " ".join(str(c.pk) for c in self.claims)

    @property
    def marked(self) -> bool:
        return bool(self.claims or self.parts or self.quantity)

    def render(self, *, oob: bool = False) -> SafeString:
        """The segment's ``<span>``. Built here rather than in a template loop because an
        article has thousands of segments; every interpolated value is escaped."""
        if not self.marked:
            return mark_safe(f'<span data-start="{self.start}">{self.html}</span>')  # noqa: S308
        claims = ""
        if self.claims:
            claims = f' data-claims="{self.claim_ids}" data-claim="{self.primary.pk}"'
            # One tab stop per claim, where it starts: Enter or Space there opens that claim.
            starting = [c for c in self.claims if c.start == self.start]
            if starting:
                claims += f' tabindex="0" data-claim-start="{starting[0].pk}"'
        swap = ' hx-swap-oob="true"' if oob else ""
        return mark_safe(  # noqa: S308 - css is escaped, ids are ints, the text is escaped
            f'<span id="seg-{self.start}" class="{escape(self.css)}" data-start="{self.start}"'
            f"{claims}{swap}>{self.html}</span>"
        )

    @property
    def oob(self) -> SafeString:
        return self.render(oob=True)

    @property
    def css(self) -> str:
        classes = []
        primary = self.primary
        if primary is not None:
            classes += ["cl", f"sup-{primary.support}", f"st-{primary.review_state}"]
            if len(self.claims) > 1:
                classes.append("nest")
        classes += sorted(self.parts)
        if self.quantity:
            classes.append("qty")
        return " ".join(classes)


_PART_CLASS = {"speaker": "sp", "cue": "cue", "content": "ct"}


def build_marks(
    claims: Iterable[Claim], attributions: Iterable[Attribution], quantities: Iterable[Quantity]
) -> list[Mark]:
    marks = [Mark(c.start, c.end, "claim", c.pk, c) for c in claims]
    for a in attributions:
        if a.source_id is not None or a.review_state == ReviewState.REJECTED:
            continue
        if a.speaker_start is not None and a.speaker_end is not None:
            marks.append(Mark(a.speaker_start, a.speaker_end, "speaker", a.pk))
        marks.append(Mark(a.cue_start, a.cue_end, "cue", a.pk))
        marks.append(Mark(a.content_start, a.content_end, "content", a.pk))
    marks += [Mark(q.start, q.end, "quantity", q.pk) for q in quantities if q.source_id is None]
    return marks


def build_segments(text: str, marks: Sequence[Mark]) -> list[Segment]:
    """Split ``text`` at every mark boundary; each piece knows every mark covering it.

    Offsets are code points, as stored. Marks outside the text (a stale row) are clipped
    rather than allowed to break the page.
    """
    length = len(text)
    marks = [m for m in marks if 0 <= m.start < m.end <= length]
    bounds = sorted({0, length, *(m.start for m in marks), *(m.end for m in marks)})
    starting: dict[int, list[Mark]] = {}
    for m in marks:
        starting.setdefault(m.start, []).append(m)
    active: list[Mark] = []
    segments = []
    for a, b in pairwise(bounds):
        active = [m for m in active if m.end > a] + starting.get(a, [])
        segments.append(
            Segment(
                start=a,
                end=b,
                text=text[a:b],
                claims=tuple(m.claim for m in active if m.kind == "claim"),
                parts=frozenset(_PART_CLASS[m.kind] for m in active if m.kind in _PART_CLASS),
                attribution_ids=tuple(sorted({m.ref for m in active if m.kind in _PART_CLASS})),
                quantity=any(m.kind == "quantity" for m in active),
            )
        )
    return segments


@dataclass(frozen=True)
class Excerpt:
    """A window of a source around an evidence passage, the passage itself highlighted."""

    before: str
    match: str
    after: str
    clipped_start: bool
    clipped_end: bool


def excerpt(text: str, start: int, end: int, context: int = 320) -> Excerpt:
    lo, hi = max(0, start - context), min(len(text), end + context)
    # Snap to whitespace so the window does not open or close mid-word.
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    return Excerpt(text[lo:start], text[start:end], text[end:hi], lo > 0, hi < len(text))


# --- queue ----------------------------------------------------------------------------------


def _count(model, fk: str, **filters) -> Coalesce:
    query = (
        model.objects.filter(**{fk: OuterRef("pk")}, **filters)
        .order_by()
        .values(fk)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(query, output_field=IntegerField()), 0)


def queue_articles(
    *,
    user,
    status: str = "",
    outlet: str = "",
    mine: bool = False,
    flagged: bool = False,
    q: str = "",
) -> QuerySet[Article]:
    articles = queue_base(user=user, outlet=outlet, mine=mine, flagged=flagged, q=q)
    if status:
        articles = articles.filter(status=status)
    return articles.select_related("assigned_to").prefetch_related(
        Prefetch(
            "runs",
            queryset=AnnotationRun.objects.order_by("-created_at", "-id")[:1],
            to_attr="latest_runs",
        )
    )


def queue_base(
    *, user, outlet: str = "", mine: bool = False, flagged: bool = False, q: str = ""
) -> QuerySet[Article]:
    """Every filter except status, so the status tabs can count what the others leave."""
    articles = Article.objects.annotate(
        n_claims=_count(Claim, "article"),
        n_pending=_count(Claim, "article", review_state=ReviewState.PENDING),
        n_open_flags=_count(Flag, "claim__article", dismissed_at__isnull=True),
    ).defer("body")
    if outlet:
        articles = articles.filter(outlet=outlet)
    if mine:
        articles = articles.filter(assigned_to=user)
    if flagged:
        articles = articles.filter(n_open_flags__gt=0)
    if q:
        articles = articles.filter(Q(title__icontains=q) | Q(outlet__icontains=q))
    return articles


def status_counts(articles: QuerySet[Article]) -> list[tuple[str, str, int]]:
    """(value, label, count) for every status, zero counts included, plus "all" first."""
    counts = dict(
        articles.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    rows = [("", "All", sum(counts.values()))]
    rows += [(value, label, counts.get(value, 0)) for value, label in Article.Status.choices]
    return rows


def outlets() -> list[str]:
    return list(
        Article.objects.exclude(outlet="")
        .order_by("outlet")
        .values_list("outlet", flat=True)
        .distinct()
    )


def latest_run(article: Article) -> AnnotationRun | None:
    return article.runs.order_by("-created_at", "-id").first()


def queue_row(*, article_id: int, user) -> Article:
    return queue_articles(user=user).get(pk=article_id)


def assignable_users() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=(roles.REVIEWER, roles.EDITOR)) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


# --- review page ----------------------------------------------------------------------------


def claims_for_article(article: Article) -> list[Claim]:
    return list(
        Claim.objects.filter(article=article)
        .annotate(n_open_flags=_count(Flag, "claim", dismissed_at__isnull=True))
        .select_related("verdict__rating")
        .order_by("start", "-end", "id")
    )


def review_counts(claims: Sequence[Claim]) -> list[tuple[str, str, int]]:
    counts: dict[str, int] = {}
    for c in claims:
        counts[c.review_state] = counts.get(c.review_state, 0) + 1
    return [(value, label, counts.get(value, 0)) for value, label in ReviewState.choices]


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
        return mark_safe("".join(s.render() for s in self.segments))  # noqa: S308 - each escaped


def article_text(article: Article, claims: list[Claim] | None = None) -> ArticleText:
    """The marked-up article body: claims, article-level attributions and quantities."""
    claims = claims_for_article(article) if claims is None else claims
    attributions = Attribution.objects.filter(article=article, source__isnull=True).only(
        "pk",
        "source_id",
        "review_state",
        "speaker_start",
        "speaker_end",
        "cue_start",
        "cue_end",
        "content_start",
        "content_end",
    )
    quantities = Quantity.objects.filter(article=article, source__isnull=True).only(
        "pk", "source_id", "start", "end"
    )
    marks = build_marks(claims, attributions, quantities)
    return ArticleText(article, claims, build_segments(article.body, marks))


def segments_in(text: ArticleText, start: int, end: int) -> list[Segment]:
    return [s for s in text.segments if s.start < end and s.end > start and s.claims]


@dataclass
class AttributionItem:
    attribution: Attribution
    suggestions: list[Entity] = field(default_factory=list)

    @property
    def text(self) -> str:
        a = self.attribution
        return a.source.text if a.source_id else a.article.body


@dataclass
class EvidenceItem:
    link: EvidenceLink
    excerpt: Excerpt
    in_verdict: bool


@dataclass
class Change:
    field: str
    before: object
    after: object


VERB_LABELS = {
    "article.import": "imported the article",
    "article.batch_import": "imported a batch",
    "article.assign": "changed the assignment",
    "article.review_started": "started the review",
    "article.reviewed": "marked the article reviewed",
    "article.published": "published the article",
    "article.unpublished": "unpublished the article",
    "preannotation.queue": "queued pre-annotation",
    "preannotation.store": "stored pre-annotation",
    "preannotation.fail": "pre-annotation failed",
    "claim.confirm": "confirmed the claim",
    "claim.reject": "rejected the claim",
    "claim.reopen": "reopened the claim",
    "claim.correct": "corrected the claim's span",
    "claim.statement": "edited the claim statement",
    "claim.add": "added a claim",
    "attribution.confirm": "confirmed an attribution",
    "attribution.reject": "rejected an attribution",
    "attribution.correct": "corrected an attribution",
    "attribution.add": "added an attribution",
    "flag.dismiss": "dismissed a flag",
    "verdict.create": "gave a verdict",
    "verdict.update": "updated the verdict",
    "verdict.publish": "published the verdict",
    "verdict.unpublish": "unpublished the verdict",
}


@dataclass
class HistoryEntry:
    event: AuditEvent
    changes: list[Change]

    @property
    def label(self) -> str:
        return VERB_LABELS.get(self.event.verb, self.event.verb)


_HIDDEN_FIELDS = {"version"}


def _short(value: object, limit: int = 140) -> object:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


def history_entry(event: AuditEvent) -> HistoryEntry:
    """Only what changed; for a creation, only the fields that say something."""
    before, after = event.before or {}, event.after or {}
    hidden = set(_HIDDEN_FIELDS)
    if "rating_label" in after or "rating_label" in before:
        hidden.add("rating")  # the label says the same as the id, readably
    changes = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in hidden:
            continue
        old, new = before.get(key), after.get(key)
        if event.before is not None and old == new:
            continue
        if event.before is None and new in (None, False, "", []):
            continue
        changes.append(Change(key.replace("_", " "), _short(old), _short(new)))
    return HistoryEntry(event, changes)


USER_FIELDS = {"assigned_to", "reviewer", "published_by", "dismissed_by", "updated_by"}


def _history(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    """History entries with user ids in before/after shown as usernames (one query)."""
    events = list(events)
    ids = {
        value
        for e in events
        for side in (e.before or {}, e.after or {})
        for key, value in side.items()
        if key in USER_FIELDS and isinstance(value, int)
    }
    names = dict(
        get_user_model().objects.filter(pk__in=ids).values_list("pk", "username") if ids else []
    )
    entries = [history_entry(e) for e in events]
    for entry in entries:
        for change in entry.changes:
            if change.field.replace(" ", "_") in USER_FIELDS:
                change.before = names.get(change.before, change.before)
                change.after = names.get(change.after, change.after)
    return entries


def article_history(article: Article, limit: int = 500) -> list[HistoryEntry]:
    return _history(AuditEvent.objects.filter(article=article).select_related("actor")[:limit])


def claim_history(claim: Claim, *, flag_ids=(), attribution_ids=(), verdict_id=None):
    q = Q(target_type="claim", target_id=claim.pk)
    if verdict_id:
        q |= Q(target_type="verdict", target_id=verdict_id)
    if flag_ids:
        q |= Q(target_type="flag", target_id__in=list(flag_ids))
    if attribution_ids:
        q |= Q(target_type="attribution", target_id__in=list(attribution_ids))
    return _history(AuditEvent.objects.filter(q).select_related("actor")[:200])


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

    @property
    def open_flags(self) -> int:
        return sum(1 for f in self.flags if not f.is_dismissed)


def default_ratings() -> list[Rating]:
    return list(Rating.objects.filter(scale__is_default=True).order_by("position"))


def claim_panel(*, claim_id: int, article: Article | None = None) -> ClaimPanel:
    """Everything the side panel shows for one claim, in a fixed number of queries."""
    claim = Claim.objects.select_related(
        "article", "updated_by", "verdict__rating", "verdict__reviewer", "verdict__published_by"
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
    verdict = getattr(claim, "verdict", None)
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
FLAG_PRIORITY = {
    Flag.Type.RANGE_VS_POINT: 0,
    Flag.Type.NUMBER_MISMATCH: 1,
    Flag.Type.DATE_MISMATCH: 2,
    Flag.Type.QUOTE_MISMATCH: 3,
    Flag.Type.ATTRIBUTION_MISMATCH: 4,
    Flag.Type.NOT_IN_SOURCES: 5,
}


def open_flags(claims: Sequence[Claim]) -> list[Flag]:
    """The article's open flags, most telling first, each with its claim from ``claims``
    (one query whatever the number of claims)."""
    by_pk = {c.pk: c for c in claims}
    position = {c.pk: n for n, c in enumerate(claims, start=1)}
    if not by_pk:
        return []
    flags = list(
        Flag.objects.filter(
            claim__article_id=claims[0].article_id, dismissed_at__isnull=True
        ).defer("dismiss_reason")
    )
    for f in flags:
        f.claim = by_pk[f.claim_id]
        f.position = position[f.claim_id]
    flags.sort(key=lambda f: (FLAG_PRIORITY.get(f.type, 9), f.claim.start, f.pk))
    return flags


def _sources(article: Article) -> list:
    """The article's sources, each with its text as HTML that keeps offsets exact (``html``)."""
    sources = list(article.sources.order_by("position", "id"))
    for source in sources:
        source.html = html_text(source.text)
    return sources


@dataclass
class ReviewPage:
    article: Article
    text: ArticleText
    counts: list[tuple[str, str, int]]
    run: AnnotationRun | None
    panel: ClaimPanel | None
    sources: list
    assignees: list
    flags: list[Flag] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return pending_count(self.counts)


def pending_count(counts: Sequence[tuple[str, str, int]]) -> int:
    return next((n for value, _, n in counts if value == ReviewState.PENDING), 0)


def review_page(*, article_id: int, claim_id: int | None, user) -> ReviewPage:
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
        sources=_sources(article),
        assignees=list(assignable_users()) if roles.is_editor(user) else [],
        flags=open_flags(claims),
    )
