"""A Redis cache that degrades to "nothing cached" while Redis is unreachable.

With ``CACHE_URL=redis://…`` sessions and permission sets are read from the cache before the
database. Redis is often the Celery broker too, and a broker outage must not take the site
down with it (issue 13: "broker down at import" answers, it does not 500): every read misses
and every write is dropped until Redis answers again, and the database stays the truth.
After a failure the cache is not asked again for ``PAUSE_SECONDS``, so that an outage costs
one connection timeout per process every few seconds, not one per cache call.

A role changed while Redis is away cannot move the cached permission sets' generation on;
the sets then expire on their own (``FACTCHECK_CACHE_SECONDS``) after Redis returns.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)


PAUSE_SECONDS = 5.0


class _ReusedClient(RedisCacheClient):
    """Django builds a ``redis.Redis`` object for every operation (hundreds of dictionary
    writes each, more than the round trip costs); one per connection pool serves all
    threads, as redis-py's clients are thread-safe."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reused: dict[bool, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # (with read replicas listed, a process keeps reading from the one it first drew)
        client = self._reused.get(write)
        if client is None:
            client = self._reused[write] = super().get_client(key, write=write)
        return client


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache; an unreachable server is a miss, never an error."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient
        self._down_until = 0.0

    def _soft[T](self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except _DOWN as exc:
            self._down_until = time.monotonic() + PAUSE_SECONDS
            log.warning("cache unreachable, carrying on without it: %s", exc)
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._soft(
            lambda: super(ForgivingRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._soft(lambda: super(ForgivingRedisCache, self).get_many(keys, version), {})

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._soft(lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version), None)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._soft(
            lambda: super(ForgivingRedisCache, self).add(key, value, timeout, version), False
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._soft(lambda: super(ForgivingRedisCache, self).delete(key, version), False)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._soft(
            lambda: super(ForgivingRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._soft(lambda: super(ForgivingRedisCache, self).delete_many(keys, version), None)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._soft(lambda: super(ForgivingRedisCache, self).has_key(key, version), False)
