"""The audit trail: every service that changes the domain writes one event through here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import models

from ..models import Article, AuditEvent, AuditVerb


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[name] = value
    return data


def audit_record(
    *,
    actor: User | None,
    verb: AuditVerb,
    target: models.Model,
    article: Article | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one change. ``verb`` must be an ``AuditVerb``: an unknown one raises
    ``ValueError`` here rather than leaving a row the history screen cannot name."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=AuditVerb(verb),
        target_type=target._meta.model_name or "",
        target_id=target.pk,
        article=article,
        before=before,
        after=after,
    )
