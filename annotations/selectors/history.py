"""Reads for the history screens: audit events as "who did what, and what changed".

The phrase after the actor's name is the event's ``AuditVerb`` label; a verb recorded before
it was a member (an old row) shows as stored rather than breaking the page. Every audited
field has a label a person reads ("public", not "is_published") and its values are shown as
people say them: yes/no, a state's name, a rating's label, the passages a verdict cites, a
username. Ids are resolved in one query per kind, whatever the number of events.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import dateformat

from ..models import (
    AnnotationRun,
    Article,
    AttributionKind,
    AuditEvent,
    AuditVerb,
    Claim,
    ClaimantType,
    Comment,
    EvidenceLink,
    Flag,
    Origin,
    Rating,
    ReviewState,
    Support,
    Verdict,
)
from .queue import stage_name

# Fields holding a user id: shown as the username.
USER_FIELDS = {"assigned_to", "reviewer", "published_by", "dismissed_by", "updated_by"}
_HIDDEN_FIELDS = {"version", "undone_events", "undo_events"}

FIELD_LABELS = {
    # claims and attributions
    "start": "span start",
    "end": "span end",
    "text": "text",
    "review_state": "review",
    "kinds": "kinds",
    "support": "support",
    "flags": "flags",
    "speaker_start": "speaker start",
    "speaker_end": "speaker end",
    "speaker_text": "speaker",
    "cue_start": "cue start",
    "cue_end": "cue end",
    "cue_text": "cue",
    "content_start": "content start",
    "content_end": "content end",
    "content_text": "content",
    "direct": "direct quote",
    "kind": "kind of report",
    "origin": "from",
    "claim": "claim",
    # flags
    "dismissed": "dismissed",
    "reason": "reason",
    "type": "flag",
    # verdicts
    "rating": "rating",
    "rating_label": "rating",
    "rationale": "rationale",
    "evidence": "evidence",
    "claim_reviewed": "claim reviewed (wording)",
    "claimant_name": "who made the claim",
    "claimant_type": "claimant is a",
    "state": "verdict",
    "return_note": "note when sent back",
    "is_published": "public",
    "published_at": "first published",
    "withdrawn_at": "withdrawn",
    "public_revision": "public revision",
    "reviewer": "reviewer",
    "published_by": "published by",
    "rating_match": "rating matched by",
    "source_url": "reviewed at",
    "source_author": "reviewed by",
    "source_rating": "their rating",
    "source_date_published": "their date",
    # articles and runs
    "title": "title",
    "outlet": "outlet",
    "url": "link",
    "published_on": "published on",
    "sources": "sources",
    "assigned_to": "assigned to",
    "status": "status",
    "run": "run",
    "stage": "stage",
    "error": "error",
    "attempts": "attempts",
    "claims": "claims found",
    "claims_kept": "claims kept",
    "attributions": "attributions",
    "entities": "entities",
    "quantities": "figures and dates",
    "articles": "articles",
    "lines": "lines",
    # comments
    "comment": "comment",
    "mentioned": "mentioned",
}

# Stored choice values → what the screens call them (lower case: they read inside a line).
_CHOICES: dict[str, dict[str, str]] = {
    "review_state": dict(ReviewState.choices),
    "support": dict(Support.choices),
    "kind": dict(AttributionKind.choices),
    "origin": dict(Origin.choices),
    "type": dict(Flag.Type.choices),
    "state": dict(Verdict.State.choices),
    "claimant_type": dict(ClaimantType.choices),
}
_STATUS = {**dict(AnnotationRun.Status.choices), **dict(Article.Status.choices)}
_DATETIMES = {"published_at", "withdrawn_at", "source_date_published"}
_DATES = {"published_on"}
_EMPTY: tuple[object, ...] = (None, "", [], {})


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " "))


@dataclass
class Change:
    field: str
    before: object
    after: object
    key: str = ""


@dataclass
class HistoryEntry:
    event: AuditEvent
    changes: list[Change]

    @property
    def label(self) -> str:
        return verb_label(self.event.verb)


def verb_label(verb: str) -> str:
    try:
        return str(AuditVerb(verb).label)
    except ValueError:
        return verb


def _short(value: object, limit: int = 140) -> object:
    if isinstance(value, str) and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _when(value: object, *, with_time: bool) -> object:
    if not isinstance(value, str):
        return value
    try:
        parsed: date = datetime.fromisoformat(value)
    except ValueError:
        return value
    if not with_time:
        return dateformat.format(parsed, "j M Y")
    return dateformat.format(parsed, "j M Y, H:i")


@dataclass
class _Names:
    """The ids a page of events points at, resolved once: users, ratings, passages."""

    users: dict[int, str] = field(default_factory=dict)
    ratings: dict[int, str] = field(default_factory=dict)
    passages: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (source, text)


def _ids(events: list[AuditEvent], keys: Iterable[str]) -> set[int]:
    wanted = set(keys)
    found: set[int] = set()
    for event in events:
        for side in (event.before or {}, event.after or {}):
            for key, value in side.items():
                if key not in wanted:
                    continue
                if isinstance(value, int) and not isinstance(value, bool):
                    found.add(value)
                elif isinstance(value, list):
                    found.update(v for v in value if isinstance(v, int))
    return found


def _names(events: list[AuditEvent]) -> _Names:
    names = _Names()
    if user_ids := _ids(events, USER_FIELDS):
        names.users = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "username"))
    if rating_ids := _ids(events, ["rating"]):
        names.ratings = dict(Rating.objects.filter(pk__in=rating_ids).values_list("pk", "label"))
    if passage_ids := _ids(events, ["evidence"]):
        for link in EvidenceLink.objects.filter(pk__in=passage_ids).select_related("source"):
            names.passages[link.pk] = (str(link.source), link.text)
    return names


def _passages(value: list[object], names: _Names) -> str:
    """The passages a verdict cites: each named when there are one or two, else counted."""
    ids = [v for v in value if isinstance(v, int)]
    if not ids:
        return "none"
    known = [names.passages[i] for i in ids if i in names.passages]
    sources = sorted({source for source, _ in known})
    if len(ids) <= 2 and len(known) == len(ids):
        return "; ".join(f"“{_short(text, 80)}” ({source})" for source, text in known)
    counted = _plural(len(ids), "passage")
    return f"{counted} from {', '.join(sources)}" if sources else counted


def _render(key: str, value: object, names: _Names) -> object:
    """One stored value as the history shows it; None stays None (the template's "—")."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in USER_FIELDS and isinstance(value, int):
        return names.users.get(value, value)
    renderers: dict[str, Callable[[Any], object]] = {
        "rating": lambda v: names.ratings.get(v, v) if isinstance(v, int) else v,
        "evidence": lambda v: _passages(v, names) if isinstance(v, list) else _plural(v, "passage"),
        "flags": lambda v: ", ".join(_CHOICES["type"].get(t, t).lower() for t in v) or "none",
        "kinds": lambda v: ", ".join(str(k) for k in v) or "none",
        "mentioned": lambda v: ", ".join(f"@{name}" for name in v),
        "status": lambda v: _STATUS.get(v, v).lower(),
        "stage": lambda v: stage_name(v),
        "claim": lambda v: f"claim #{v}",
        "run": lambda v: f"run #{v}",
        "articles": lambda v: _plural(len(v), "article") if isinstance(v, list) else v,
        "lines": lambda v: _plural(len(v), "line") if isinstance(v, list) else v,
    }
    if key in renderers:
        return renderers[key](value)
    if key in _CHOICES and isinstance(value, str):
        return _CHOICES[key].get(value, value).lower()
    if key in _DATETIMES or key in _DATES:
        return _when(value, with_time=key in _DATETIMES)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return _short(value)


def history_entry(event: AuditEvent, names: _Names | None = None) -> HistoryEntry:
    """Only what changed, labelled and rendered; for a creation, only the fields that say
    something."""
    names = names or _Names()
    before, after = event.before or {}, event.after or {}
    hidden = set(_HIDDEN_FIELDS)
    if "rating_label" in after or "rating_label" in before:
        hidden.add("rating")  # the label says the same as the id, readably
    changes = []
    for key in list(dict.fromkeys([*before, *after])):
        if key in hidden:
            continue
        old, new = before.get(key), after.get(key)
        if event.before is not None and (old == new or (old in _EMPTY and new in _EMPTY)):
            continue
        if event.before is None and new in (None, False, "", []):
            continue
        changes.append(
            Change(field_label(key), _render(key, old, names), _render(key, new, names), key)
        )
    return HistoryEntry(event, changes)


def _history(events: Iterable[AuditEvent]) -> list[HistoryEntry]:
    events = list(events)
    names = _names(events)
    return [history_entry(e, names) for e in events]


def article_history(article: Article, limit: int = 500) -> list[HistoryEntry]:
    return _history(AuditEvent.objects.filter(article=article).select_related("actor")[:limit])


def claim_history(
    claim: Claim,
    *,
    flag_ids: Iterable[int] = (),
    attribution_ids: Iterable[int] = (),
    verdict_id: int | None = None,
) -> list[HistoryEntry]:
    """The claim's own events and those of its verdict, flags, attributions and comments."""
    q = Q(target_type="claim", target_id=claim.pk)
    q |= Q(target_type="comment", target_id__in=Comment.objects.filter(claim=claim).values("pk"))
    if verdict_id:
        q |= Q(target_type="verdict", target_id=verdict_id)
    flag_ids, attribution_ids = list(flag_ids), list(attribution_ids)
    if flag_ids:
        q |= Q(target_type="flag", target_id__in=flag_ids)
    if attribution_ids:
        q |= Q(target_type="attribution", target_id__in=attribution_ids)
    return _history(AuditEvent.objects.filter(q).select_related("actor")[:200])
