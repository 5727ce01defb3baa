"""The API's test world: the seed article with its machine annotations, a draft, a submitted
and a published verdict, and five callers — anonymous, an account without a role, a reviewer,
an editor and staff (an editor with ``is_staff``) — each calling with its own API token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from annotations import services
from annotations.models import AuditEvent, Rating, Verdict
from api import services as api_services
from tests import factories, scenarios

ANON, NOROLE, REVIEWER, EDITOR, STAFF = "anonymous", "no role", "reviewer", "editor", "staff"
PEOPLE = (ANON, NOROLE, REVIEWER, EDITOR, STAFF)


@dataclass
class World:
    seed: scenarios.Seed
    draft: Verdict  # the reviewer's draft (on seed.aid)
    submitted: Verdict  # the reviewer's, waiting for an editor (on seed.soldiers)
    published: Verdict  # live (on seed.arms)
    mixed: Rating
    users: dict[str, User | None]
    keys: dict[str, str]

    def client(self, person: str) -> ApiClient:
        return ApiClient(self.keys.get(person))


class ApiClient:
    """Django's test client speaking JSON with a token (none for the anonymous caller)."""

    def __init__(self, key: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Token {key}"} if key else {}

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(url, params or {}, headers=self.headers)

    def post(self, url: str, body: Any = None, *, raw: bytes | str | None = None) -> Any:
        data = raw if raw is not None else json.dumps({} if body is None else body)
        return self.client.post(url, data, content_type="application/json", headers=self.headers)


def audit_count() -> int:
    return AuditEvent.objects.count()


@pytest.fixture
def world(db) -> World:
    seed = scenarios.build()
    users: dict[str, User | None] = {
        ANON: None,
        NOROLE: factories.user("api-norole", role=None),
        REVIEWER: factories.user("api-rita", role="reviewer"),
        EDITOR: factories.user("api-eddie", role="editor"),
        STAFF: factories.user("api-stella", role="editor", is_staff=True),
    }
    reviewer, editor = users[REVIEWER], users[EDITOR]
    assert reviewer is not None and editor is not None
    mixed = Rating.objects.get(label="Mixed")
    draft = services.verdict_save(
        claim=seed.aid, rating=mixed, rationale="Figures differ.", actor=reviewer
    )
    submitted = services.verdict_save(
        claim=seed.soldiers, rating=mixed, rationale="Unsourced figure.", actor=reviewer
    )
    submitted = services.verdict_submit(verdict=submitted, actor=reviewer, version=1)
    published = services.verdict_save(
        claim=seed.arms, rating=mixed, rationale="A range, not a figure.", actor=editor
    )
    published = services.verdict_publish(verdict=published, actor=editor)
    services.run_queue(article=seed.article)
    keys = {
        person: api_services.token_create(user=user).key
        for person, user in users.items()
        if user is not None
    }
    return World(seed, draft, submitted, published, mixed, users, keys)
