"""Reads for the history screens: audit events as "who did what, and what changed".

The phrase after the actor's name is the event's ``AuditVerb`` label; a verb recorded before
it was a member (an old row) shows as stored rather than breaking the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q

from ..models import Article, AuditEvent, AuditVerb, Claim

# Fields holding a user id: shown as the username.
USER_FIELDS = {"assigned_to", "reviewer", "published_by", "dismissed_by", "updated_by"}
_HIDDEN_FIELDS = {"version"}


@dataclass
class Change:
    field: str
    before: object
    after: object


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


def _username(names: dict[int, str], value: object) -> object:
    return names.get(value, value) if isinstance(value, int) else value


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
    names = dict(User.objects.filter(pk__in=ids).values_list("pk", "username")) if ids else {}
    entries = [history_entry(e) for e in events]
    for entry in entries:
        for change in entry.changes:
            if change.field.replace(" ", "_") in USER_FIELDS:
                change.before = _username(names, change.before)
                change.after = _username(names, change.after)
    return entries


def article_history(article: Article, limit: int = 500) -> list[HistoryEntry]:
    return _history(AuditEvent.objects.filter(article=article).select_related("actor")[:limit])


def claim_history(
    claim: Claim,
    *,
    flag_ids: Iterable[int] = (),
    attribution_ids: Iterable[int] = (),
    verdict_id: int | None = None,
) -> list[HistoryEntry]:
    """The claim's own events and those of its verdict, flags and attributions."""
    q = Q(target_type="claim", target_id=claim.pk)
    if verdict_id:
        q |= Q(target_type="verdict", target_id=verdict_id)
    flag_ids, attribution_ids = list(flag_ids), list(attribution_ids)
    if flag_ids:
        q |= Q(target_type="flag", target_id__in=flag_ids)
    if attribution_ids:
        q |= Q(target_type="attribution", target_id__in=attribution_ids)
    return _history(AuditEvent.objects.filter(q).select_related("actor")[:200])
