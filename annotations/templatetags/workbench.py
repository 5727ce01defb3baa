"""Small template helpers: the nav's unread mentions, and runs in plain words."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import AnnotationRun
from ..selectors.comments import unread_mention_count
from ..selectors.queue import run_retryable as _run_retryable
from ..selectors.queue import stage_name as _stage_name

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_mentions(context: dict[str, Any]) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_mention_count(user) if user is not None else 0


@register.filter
def run_retryable(run: AnnotationRun | None) -> bool:
    return _run_retryable(run)


@register.filter
def stage_name(stage: str) -> str:
    return _stage_name(stage)
