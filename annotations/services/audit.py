"""The audit trail: every service that changes the domain writes one event through here."""

from __future__ import annotations

from typing import Any

from django.db import models

from ..models import Article, AuditEvent


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
    actor,
    verb: str,
    target: models.Model,
    article: Article | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        verb=verb,
        target_type=target._meta.model_name,
        target_id=target.pk,
        article=article,
        before=before,
        after=after,
    )
