"""The shared cache: sessions and permission sets read from Redis, the database still the
truth, and a Redis outage a cache miss rather than a 500."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import roles
from factcheck.cache import ForgivingRedisCache
from tests import factories
from tests.conftest import require_service

pytestmark = pytest.mark.django_db


def _redis_cache(port: int) -> ForgivingRedisCache:
    return ForgivingRedisCache(
        f"redis://127.0.0.1:{port}/14",
        {
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    )


@pytest.fixture
def redis_cache() -> Iterator[ForgivingRedisCache]:
    require_service("Redis", "127.0.0.1", 6379)
    shared = _redis_cache(6379)
    yield shared
    shared.clear()


@pytest.mark.redis
def test_redis_cache_keeps_values(redis_cache: ForgivingRedisCache) -> None:
    redis_cache.set("k", {"a": [1, 2]}, 30)
    assert redis_cache.get("k") == {"a": [1, 2]}
    assert redis_cache.get_many(["k", "missing"]) == {"k": {"a": [1, 2]}}
    assert redis_cache.delete("k") is True
    assert redis_cache.get("k", "gone") == "gone"


def test_an_unreachable_redis_is_a_miss_not_an_error() -> None:
    dead = _redis_cache(1)  # nothing listens on port 1
    dead.set("k", "v", 30)
    dead.set_many({"a": 1}, 30)
    assert dead.get("k") is None and dead.get("k", "default") == "default"
    assert dead.get_many(["k", "a"]) == {}
    assert dead.add("k", "v") is False and dead.has_key("k") is False
    assert dead.delete("k") is False
    dead.delete_many(["k"])


def _perm_queries(user_id: int) -> tuple[bool, bool, int]:
    from django.contrib.auth.models import User

    user = User.objects.get(pk=user_id)  # a fresh object, as each request loads it
    with CaptureQueriesContext(connection) as ctx:
        answer = roles.is_reviewer(user), roles.is_editor(user)
    return answer[0], answer[1], len(ctx.captured_queries)


def test_a_permission_set_is_read_from_the_cache_until_roles_change() -> None:
    cache.clear()
    user = factories.user("casey", role="reviewer")
    assert _perm_queries(user.pk) == (True, False, 2)  # asked once...
    assert _perm_queries(user.pk) == (True, False, 0)  # ...then from the cache

    user.groups.add(Group.objects.get(name=roles.EDITOR))  # promoted
    assert _perm_queries(user.pk) == (True, True, 2)
    assert _perm_queries(user.pk) == (True, True, 0)

    user.groups.clear()  # the role taken away counts on the next request
    assert _perm_queries(user.pk) == (False, False, 2)


def test_a_group_losing_a_permission_reaches_its_members() -> None:
    cache.clear()
    user = factories.user("casey", role="reviewer")
    assert _perm_queries(user.pk)[0] is True
    group = Group.objects.get(name=roles.REVIEWER)
    group.permissions.clear()
    assert _perm_queries(user.pk)[0] is False


def test_a_deactivated_or_demoted_account_never_meets_its_old_entry() -> None:
    cache.clear()
    user = factories.user("casey", role="editor")
    assert _perm_queries(user.pk)[:2] == (True, True)
    user.is_active = False
    user.save()
    assert _perm_queries(user.pk) == (False, False, 0)  # inactive: no permission, no query


def test_without_a_shared_cache_every_request_asks_the_database(settings) -> None:
    settings.FACTCHECK_CACHE_SECONDS = 0
    cache.clear()
    user = factories.user("casey", role="reviewer")
    assert _perm_queries(user.pk) == (True, False, 2)
    assert _perm_queries(user.pk) == (True, False, 2)


def test_a_signed_in_page_costs_one_auth_query_with_the_cache(client) -> None:
    cache.clear()
    user = factories.user("casey", role="reviewer")
    client.force_login(user)
    client.get("/")  # fills the cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    tables = [q["sql"] for q in ctx.captured_queries]
    assert not any("auth_permission" in sql for sql in tables)


def test_the_unread_mention_badge_is_cached_and_forgotten_on_each_change(
    django_capture_on_commit_callbacks,
) -> None:
    from annotations.selectors.comments import unread_mention_count
    from annotations.services import comments

    cache.clear()
    author = factories.user("ann", role="reviewer")
    named = factories.user("bob", role="reviewer")
    article = factories.article()
    assert unread_mention_count(named) == 0
    with django_capture_on_commit_callbacks(execute=True):
        first = comments.comment_add(article=article, body="@bob look", actor=author)
    assert unread_mention_count(named) == 1
    with CaptureQueriesContext(connection) as ctx:
        assert unread_mention_count(named) == 1
    assert len(ctx.captured_queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_add(article=article, body="@bob and this", actor=author)
    assert unread_mention_count(named) == 2
    with django_capture_on_commit_callbacks(execute=True):
        comments.comment_delete(comment_id=first.pk, actor=author, version=first.version)
    assert unread_mention_count(named) == 1
    with django_capture_on_commit_callbacks(execute=True):
        comments.mentions_mark_read(user=named)
    assert unread_mention_count(named) == 0


def test_the_default_rating_scale_is_cached_until_an_editor_changes_it(
    django_capture_on_commit_callbacks,
) -> None:
    from annotations.models import Rating
    from annotations.selectors.review import default_ratings

    cache.clear()
    before = [r.label for r in default_ratings()]
    assert before
    with CaptureQueriesContext(connection) as ctx:
        assert [r.label for r in default_ratings()] == before
    assert len(ctx.captured_queries) == 0
    rating = Rating.objects.filter(scale__is_default=True).order_by("position").first()
    assert rating is not None
    rating.label = "Renamed by an editor"
    with django_capture_on_commit_callbacks(execute=True):
        rating.save()
    assert default_ratings()[0].label == "Renamed by an editor"


def test_after_a_failure_the_cache_is_left_alone_for_a_pause(monkeypatch) -> None:
    import factcheck.cache as module

    dead = _redis_cache(1)
    assert dead.get("k", "d") == "d"  # tried, failed: paused
    tried: list[str] = []
    monkeypatch.setattr(dead._cache, "get", lambda *a, **k: tried.append("get"))
    assert dead.get("k", "d") == "d" and tried == []  # within the pause: not even tried
    monkeypatch.setattr(module.time, "monotonic", lambda: dead._down_until + 1)
    dead.get("k", "d")
    assert tried == ["get"]  # past it: tried again


def test_the_site_works_while_the_shared_cache_is_down(client, settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "factcheck.cache.ForgivingRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    user = factories.user("casey", role="reviewer")
    client.force_login(user)  # the session is written to the database all the same
    assert client.get("/").status_code == 200
    article = factories.article()
    assert client.get(f"/articles/{article.pk}/").status_code == 200
