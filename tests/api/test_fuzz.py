"""A property-based pass over our own schema: schemathesis generates requests from it — bodies
and query strings that fit it, and ones that do not — and sends them, as an editor with real
ids in the paths, through Django's test client. Whatever comes:

- never a 500;
- every answer is JSON;
- a refused request (4xx) changed nothing: no audit event, no new article or claim, no
  record's version moved.

Schemathesis only generates the cases here; the calls go through Django's test client so
that they share the test's transaction (its WSGI transport would close the connection).
Each case runs in a savepoint that is rolled back, so the world is the same for every case.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from annotations.models import Article, AuditEvent, Claim, Verdict
from tests.api.conftest import EDITOR, World

pytestmark = pytest.mark.django_db

EXAMPLES = 12  # per operation and mode: 29 operations × 2 modes, a few seconds each


def _schema() -> Any:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))


def _ids(world: World) -> dict[str, int]:
    """The record each path's ``{id}`` should name, so bodies reach the services."""
    return {
        "articles": world.seed.article.pk,
        "claims": world.seed.budanov.pk,
        "attributions": world.seed.attribution.pk,
        "flags": world.seed.aid.flags.get().pk,
        "verdicts": world.submitted.pk,
        "runs": world.seed.article.runs.get().pk,
    }


def _state() -> tuple[Any, ...]:
    return (
        AuditEvent.objects.count(),
        Article.objects.count(),
        list(Claim.objects.order_by("pk").values_list("pk", "version")),
        list(Verdict.objects.order_by("pk").values_list("pk", "version")),
    )


def _send(client: Any, case: Any) -> Any:
    path = case.formatted_path
    query = case.query or {}
    if case.method.upper() == "GET":
        return client.client.get(path, query, headers=client.headers)
    body: bytes | str = ""
    if isinstance(case.body, bytes | bytearray):
        body = bytes(case.body)  # negative cases may be raw bytes
    elif case.body is not None and not isinstance(case.body, NotSet):
        body = json.dumps(case.body)
    if query:
        from urllib.parse import urlencode

        path = f"{path}?{urlencode(query, doseq=True)}"
    return client.client.generic(
        case.method.upper(),
        path,
        body,
        content_type="application/json",
        headers=client.headers,
    )


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_fail_and_refusals_store_nothing(world: World, mode):
    client = world.client(EDITOR)
    ids = _ids(world)
    failures: list[str] = []
    operations = 0
    exercised: list[str] = []
    statuses: Counter[tuple[str, int]] = Counter()
    for result in _schema().get_all_operations():
        operation = result.ok()
        if "{id}" in operation.path:
            collection = operation.path.split("/")[2]
            path_parameters = {"id": str(ids[collection])}
        else:
            path_parameters = None
        strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case: Any) -> None:
            with transaction.atomic():
                before = _state()
                response = _send(client, case)
                after = _state()
                transaction.set_rollback(True)
            statuses[(case.method.upper(), response.status_code)] += 1
            where = f"{case.method} {case.formatted_path} {case.query} {case.body!r:.200}"
            if response.status_code >= 500:
                failures.append(f"{response.status_code} for {where}")
            elif response["Content-Type"] != "application/json":
                failures.append(f"not JSON ({response['Content-Type']}) for {where}")
            elif 400 <= response.status_code < 500 and before != after:
                failures.append(f"{response.status_code} but something was stored: {where}")

        try:
            check()
        except Unsatisfiable:
            # Nothing to make invalid: no body or query (or an empty one), the id is fixed.
            assert mode == GenerationMode.NEGATIVE, operation
            continue
        exercised.append(f"{operation.method.upper()} {operation.path}")
    assert operations >= 25
    posts = [e for e in exercised if e.startswith("POST")]
    assert len(posts) == 17 if mode == GenerationMode.POSITIVE else len(posts) >= 16, posts
    assert failures == []
    print(sorted(statuses.items()))
    # the generated bodies reach the services: some are accepted, some refused by them
    if mode == GenerationMode.POSITIVE:
        assert statuses[("POST", 200)] + statuses[("POST", 201)] > 0
        assert statuses[("POST", 409)] > 0
