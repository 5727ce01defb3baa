"""Reads kept in the shared cache, and the writes that make them forget.

Every review-page answer shows the default rating scale, every page the signed-in person's
unread-mention badge, every article page first asks whether the article has a blind double
review and shows editors whom they may assign it to; all change rarely and are asked for on
every request. (Role changes reach the assignee list through ``permission_cache``.) They
are kept for ``FACTCHECK_CACHE_SECONDS`` (on with a cache all processes share, ``CACHE_URL``,
or in one process), and a write forgets them at once and again when it commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

DEFAULT_RATINGS = "factcheck:ratings:default"
ASSIGNEES = "factcheck:assignees"  # who may be given an article (the editor's menu)


def double_review_key(article_id: int) -> str:
    return f"factcheck:double-review:{article_id}"


def unread_mentions_key(user_id: int) -> str:
    return f"factcheck:mentions:unread:{user_id}"


def remembered[T](key: str, compute: Callable[[], T]) -> T:
    """The cached value of ``key``, computed and kept when missing (or ``compute()`` alone
    when caching is off)."""
    seconds = settings.FACTCHECK_CACHE_SECONDS
    if not seconds:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def forget(keys: Iterable[str]) -> None:
    """Drop ``keys`` now and at commit (see ``now_and_at_commit``)."""
    if not settings.FACTCHECK_CACHE_SECONDS:
        return
    chosen = list(keys)
    now_and_at_commit(lambda: cache.delete_many(chosen))


def now_and_at_commit(action: Callable[[], None]) -> None:
    """Invalidate now and again when the transaction commits: a request that read the old
    rows in between may have cached them again."""
    action()
    transaction.on_commit(action)


def forget_unread_mentions(user_ids: Iterable[int]) -> None:
    forget(unread_mentions_key(pk) for pk in set(user_ids))


def _ratings_changed(**_: Any) -> None:
    forget([DEFAULT_RATINGS])


def _double_review_changed(instance: Any, **_: Any) -> None:
    forget([double_review_key(instance.article_id)])


def _people_changed(**_: Any) -> None:
    forget([ASSIGNEES])


def connect() -> None:
    from django.contrib.auth.models import User

    from .models import DoubleReview, Rating, RatingScale

    receivers = (
        (_people_changed, User),  # a name, the active flag, superuser status
        (_double_review_changed, DoubleReview),
        (_ratings_changed, Rating),
        (_ratings_changed, RatingScale),
    )
    for receiver, model in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"cached-{model}-{signal}")
