from __future__ import annotations

import os
import socket

import pytest
from django.test import Client

from tests import factories


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database is rolled back between tests and
    its primary keys reused, so an answer cached for one test's article 1 must not meet the
    next test's article 1."""
    from django.core.cache import cache

    cache.clear()
    yield


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip locally when a server is missing, but fail in CI: a skipped suite proves nothing."""
    if _reachable(host, port):
        return
    message = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: required)")
    pytest.skip(message)


@pytest.fixture
def reviewer(db):
    return factories.user("rita", role="reviewer")


@pytest.fixture
def editor(db):
    return factories.user("eddie", role="editor")


@pytest.fixture
def rita(client, reviewer):
    """The reviewer, signed in (pytest-django's ``client``)."""
    client.force_login(reviewer)
    return client


@pytest.fixture
def eddie(editor):
    """The editor, signed in on a client of their own."""
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def outsider(db):
    return factories.user("olga", role=None)


@pytest.fixture
def article(db):
    return factories.article()
