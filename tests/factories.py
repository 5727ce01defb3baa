"""Small builders for test state. Services do the writing, so tests exercise real paths."""

from __future__ import annotations

import itertools

from django.contrib.auth.models import Group, User

from annotations import services
from annotations.models import Article, Claim, Origin, Source

_counter = itertools.count(1)

ARTICLE_TEXT = (
    "The Daily Test\n"
    "Monday, March 2, 2026\n\n"
    "Council spent $4.2 million on roads in 2025\n\n"
    "The city council spent $4.2 million on road repairs in 2025, the mayor said on Monday. "
    "According to the audit office, spending rose by 12 percent compared with 2024.\n"
)
SOURCE_TEXT = (
    "Audit Office (1/3/2026): The council's road budget was $3.9 million in 2025. "
    "Spending rose 12 percent on the year."
)


def user(username: str | None = None, *, role: str | None = "reviewer", **extra) -> User:
    username = username or f"user{next(_counter)}"
    obj = User.objects.create_user(username=username, password="pw-" + username, **extra)
    if role:
        obj.groups.add(Group.objects.get(name=role))
    return obj


def article(
    *,
    body: str | None = None,
    title: str = "Test article",
    sources=(SOURCE_TEXT,),
    queue: bool = False,
    **extra,
) -> Article:
    body = body or ARTICLE_TEXT + f"\nRef {next(_counter)}.\n"
    return services.article_import(
        data=services.ArticleInput(
            title=title,
            body=body,
            sources=tuple(
                services.SourceInput(text=s, name=f"Source {i}") for i, s in enumerate(sources, 1)
            ),
            **extra,
        ),
        queue=queue,
    )


def claim(article: Article, needle: str, **extra) -> Claim:
    """A machine claim on the first occurrence of ``needle`` in the article."""
    start = article.body.index(needle)
    return Claim.objects.create(
        article=article,
        start=start,
        end=start + len(needle),
        text=needle,
        origin=Origin.MACHINE,
        score=0.8,
        **extra,
    )


def first_source(article: Article) -> Source:
    return article.sources.order_by("position").first()
