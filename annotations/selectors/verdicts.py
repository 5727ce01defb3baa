"""Reads for verdicts: whom a verdict may name as the claimant, what a verdict says (to compare
a draft with what the public sees), and its revisions with their differences.

The claimant rules live here rather than in the service because the claim panel must offer
exactly the choices the service accepts: the service asks this module, so the two cannot
drift apart.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.shortcuts import get_object_or_404

from ..models import (
    Attribution,
    Claim,
    ClaimantType,
    CorrectionNotice,
    Entity,
    Flag,
    ReviewState,
    Verdict,
    VerdictRevision,
)

ENTITY_KINDS: dict[str, str] = {"PERSON": ClaimantType.PERSON, "ORG": ClaimantType.ORGANIZATION}
OUTLET = "outlet"
FLAG_OPEN = (
    "an attribution flag is open on this claim: check who really said it (and dismiss the "
    "flag) before naming the speaker"
)
NOT_CONFIRMED = "confirm the attribution first"


# --- the claimant ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimantOption:
    """One person or organisation a verdict may name as having made the claim."""

    key: str  # the form value: "outlet" or "attribution:<id>:<Person|Organization>"
    name: str
    kind: str  # a ClaimantType value
    attribution_id: int | None = None
    refused: str = ""  # why it cannot be chosen now; "" when it can

    @property
    def eligible(self) -> bool:
        return not self.refused

    @property
    def is_outlet(self) -> bool:
        return self.attribution_id is None


def claimant_key(attribution_id: int | None, kind: str) -> str:
    return OUTLET if attribution_id is None else f"attribution:{attribution_id}:{kind}"


def speaker_identity(
    name: str, start: int, end: int, entities: Iterable[tuple[int, int, str, str]]
) -> tuple[str, str | None]:
    """The speaker as the NER saw it: the exact span if tagged, else the longest person or
    organisation inside the phrase ("A Friedrich Naumann Foundation study" names the
    foundation), else the phrase with no known kind."""
    inside = [e for e in entities if start <= e[0] and e[1] <= end and e[2] in ENTITY_KINDS]
    exact = next((e for e in inside if (e[0], e[1]) == (start, end)), None)
    if exact is not None:
        return name, ENTITY_KINDS[exact[2]]
    if inside:
        best = max(inside, key=lambda e: (e[1] - e[0], -e[0]))
        return best[3].strip(), ENTITY_KINDS[best[2]]
    return name, None


def _speaker_attributions(claim: Claim) -> list[Attribution]:
    """The article's own attributions of this claim that name a speaker: linked to it, or
    reporting text that overlaps it."""
    linked = Attribution.objects.filter(claim=claim)
    overlapping = Attribution.objects.filter(
        article_id=claim.article_id,
        source__isnull=True,
        content_start__lt=claim.end,
        content_end__gt=claim.start,
    )
    return list(
        (linked | overlapping)
        .filter(source__isnull=True, speaker_start__isnull=False)
        .exclude(review_state=ReviewState.REJECTED)
        .order_by("cue_start", "id")
    )


def claimant_options(
    claim: Claim,
    *,
    attributions: Sequence[Attribution] | None = None,
    flags: Sequence[Flag] | None = None,
    entities: Sequence[tuple[int, int, str, str]] | None = None,
) -> list[ClaimantOption]:
    """The outlet first (the default: the article is where the claim was made), then each
    speaker the article attributes the claim to.

    A speaker may be chosen only when the attribution is confirmed (or corrected) by a
    reviewer and no attribution flag is open on the claim: the article may credit the
    wrong party, and the credit is what a fact check must not repeat unchecked. A speaker
    whose kind the NER did not tell is offered twice, as a person and as an organisation.
    ``attributions``/``flags``/``entities`` (the article text's, as start, end, label, text)
    may be passed when the caller has them loaded already.
    """
    article = claim.article
    options: list[ClaimantOption] = []
    outlet = " ".join(article.outlet.split())
    if outlet:
        options.append(ClaimantOption(OUTLET, outlet, ClaimantType.ORGANIZATION))
    if attributions is None:
        attributions = _speaker_attributions(claim)
    else:
        attributions = [
            a
            for a in attributions
            if a.source_id is None
            and a.speaker_start is not None
            and a.review_state != ReviewState.REJECTED
        ]
    if not attributions:
        return options
    if flags is None:
        flags = list(claim.flags.filter(dismissed_at__isnull=True))
    flag_open = any(f.type == Flag.Type.ATTRIBUTION_MISMATCH and not f.is_dismissed for f in flags)
    spans = [
        (a.speaker_start, a.speaker_end)
        for a in attributions
        if a.speaker_start is not None and a.speaker_end is not None
    ]
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    if entities is None:
        entities = list(
            Entity.objects.filter(
                article_id=article.pk,
                source__isnull=True,
                label__in=tuple(ENTITY_KINDS),
                start__gte=lo,
                end__lte=hi,
            )
            .order_by("start")
            .values_list("start", "end", "label", "text")
        )
    else:
        entities = [e for e in entities if e[2] in ENTITY_KINDS and e[0] >= lo and e[1] <= hi]
    seen: set[tuple[str, str]] = set()
    for a in attributions:
        assert a.speaker_start is not None and a.speaker_end is not None
        phrase = " ".join((a.speaker_resolved or a.speaker_text).split())
        if not phrase:
            continue
        name, kind = speaker_identity(phrase, a.speaker_start, a.speaker_end, entities)
        refused = ""
        if a.review_state not in (ReviewState.CONFIRMED, ReviewState.CORRECTED):
            refused = NOT_CONFIRMED
        if flag_open:
            refused = FLAG_OPEN
        for k in [kind] if kind else [ClaimantType.PERSON, ClaimantType.ORGANIZATION]:
            if (name, k) in seen:
                continue
            seen.add((name, k))
            options.append(ClaimantOption(claimant_key(a.pk, k), name, k, a.pk, refused))
    return options


def saved_claimant_key(verdict: Verdict | None, options: Sequence[ClaimantOption]) -> str:
    """The option a verdict form starts on: the saved choice, else the outlet."""
    if verdict is not None and verdict.claimant_name:
        return claimant_key(verdict.claimant_attribution_id, verdict.claimant_type)
    return OUTLET if any(o.is_outlet for o in options) else ""


# --- what a verdict says --------------------------------------------------------------------

type Content = tuple[int, str, str, str, str, frozenset[int]]


def verdict_content(obj: Verdict | VerdictRevision) -> Content:
    """Everything the public would see change: equal contents mean "nothing to publish"."""
    evidence = frozenset(obj.evidence.values_list("pk", flat=True)) if obj.pk else frozenset()
    return (
        obj.rating_id,
        obj.rationale,
        obj.claim_reviewed,
        obj.claimant_name,
        obj.claimant_type,
        evidence,
    )


def withdrawal_notice(verdict: Verdict) -> CorrectionNotice | None:
    if verdict.withdrawn_at is None:
        return None
    return (
        CorrectionNotice.objects.filter(verdict=verdict, kind=CorrectionNotice.Kind.WITHDRAWAL)
        .order_by("-created_at", "-id")
        .first()
    )


def verdict_notices(verdict: Verdict) -> list[CorrectionNotice]:
    """The verdict's corrections and withdrawals, newest first, as the public sees them."""
    return list(
        CorrectionNotice.objects.filter(verdict=verdict)
        .select_related("created_by", "revision")
        .order_by("-created_at", "-id")
    )


# --- revisions and their differences --------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A run of words in a difference: ``kind`` is "same", "del" or "ins"."""

    kind: str
    text: str


@dataclass
class FieldChange:
    name: str
    before: str
    after: str
    pieces: list[Piece] = field(default_factory=list)  # word by word, for text fields


def word_diff(before: str, after: str) -> list[Piece]:
    """Word-level differences, the way an editor reads a correction."""
    a, b = before.split(), after.split()
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("del", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("ins", " ".join(b[j1:j2])))
    return pieces


@dataclass
class RevisionView:
    """One version of a verdict as the revisions page shows it."""

    number: int
    label: str
    rating: str
    rationale: str
    claim_reviewed: str
    claimant: str
    evidence: list[str]
    author: User | None
    published_at: datetime | None = None
    published_by: User | None = None
    correction_note: str = ""
    is_live: bool = False
    is_draft: bool = False
    changes: list[FieldChange] = field(default_factory=list)


def _claimant_text(obj: Verdict | VerdictRevision) -> str:
    if not obj.claimant_name:
        return "—"
    return f"{obj.claimant_name} ({obj.claimant_type or 'kind unknown'})"


def _view(obj: Verdict | VerdictRevision, number: int, label: str) -> RevisionView:
    return RevisionView(
        number=number,
        label=label,
        rating=obj.rating.label,
        rationale=obj.rationale,
        claim_reviewed=obj.claim_reviewed,
        claimant=_claimant_text(obj),
        evidence=[e.text for e in obj.evidence.order_by("source__position", "start")],
        author=obj.reviewer if isinstance(obj, Verdict) else obj.author,
    )


_TEXT_FIELDS = ("rationale", "claim_reviewed")
_COMPARED = (
    ("rating", "Rating"),
    ("claim_reviewed", "Claim reviewed"),
    ("claimant", "Claimant"),
    ("rationale", "Rationale"),
)


def _changes(old: RevisionView, new: RevisionView) -> list[FieldChange]:
    changes: list[FieldChange] = []
    for name, title in _COMPARED:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        pieces = word_diff(before, after) if name in _TEXT_FIELDS else []
        changes.append(FieldChange(title, before, after, pieces))
    if old.evidence != new.evidence:
        changes.append(FieldChange("Evidence", "\n".join(old.evidence), "\n".join(new.evidence)))
    return changes


def verdict_or_404_with_revisions(pk: int) -> Verdict:
    return get_object_or_404(
        Verdict.objects.select_related("claim__article", "rating", "reviewer"), pk=pk
    )


def verdict_revisions(verdict: Verdict) -> list[RevisionView]:
    """Newest first: the draft (when it differs from the last publication), then every
    published revision, each with what changed since the one before it."""
    revisions = list(
        VerdictRevision.objects.filter(verdict=verdict)
        .select_related("rating", "author", "published_by")
        .order_by("number")
    )
    views: list[RevisionView] = []
    for revision in revisions:
        view = _view(revision, revision.number, f"Revision {revision.number}")
        view.published_at, view.published_by = revision.published_at, revision.published_by
        view.correction_note = revision.correction_note
        view.is_live = verdict.is_published and revision.pk == verdict.published_revision_id
        if views:
            view.changes = _changes(views[-1], view)
        views.append(view)
    last = revisions[-1] if revisions else None
    if last is None or verdict_content(verdict) != verdict_content(last):
        number = (last.number if last else 0) + 1
        state = verdict.get_state_display().lower()
        draft = _view(verdict, number, f"Revision {number} ({state}, not public)")
        draft.is_draft = True
        if views:
            draft.changes = _changes(views[-1], draft)
        views.append(draft)
    views.reverse()
    return views
