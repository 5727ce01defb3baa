"""The double review's bits of other pages: the article page's bar (where the double review
stands, and what this person may do about it), and agreement figures as text ("n/a" when a
figure is undefined)."""

from __future__ import annotations

from typing import Any

from django import template

from ..agreement import fmt
from ..models import Article
from ..selectors import double_review as read

register = template.Library()


@register.inclusion_tag("annotations/_double_review_bar.html", takes_context=True)
def double_review_bar(context: template.Context, article: Article) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"bar": None}
    return {
        "bar": read.bar(article=article, user=user),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.filter
def figure(value: float | None, digits: int = 2) -> str:
    return fmt(value, digits)


@register.filter
def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}%"
