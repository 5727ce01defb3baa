"""Simultaneous writes through the real views on PostgreSQL: ten first verdicts on one claim
give one 200 and nine 409s (never a 500 from the unique verdict row), and the same span added
by several reviewers at once gives one claim and a clear answer to everyone else.

Needs real row locks and concurrent transactions, so it runs in the PostgreSQL pass of
`make test` (SQLite serialises every writer; there the sequential paths are tested)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from annotations.models import AuditEvent, Claim, Rating, Verdict
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions are exercised on PostgreSQL (TEST_DATABASE_URL)")


def _all_at_once(n: int, request: Callable[[int], int]) -> list[int]:
    """Run ``request(i)`` in ``n`` threads released together; their HTTP statuses."""
    barrier = threading.Barrier(n)
    statuses: list[int] = [0] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            statuses[i] = request(i)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def _signed_in(users) -> list[Client]:
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_ten_simultaneous_first_verdicts_give_one_200_and_nine_409s():
    article = factories.article()
    claim = factories.claim(article, "The city council")
    rating = Rating.objects.get(label="Mixed")
    clients = _signed_in(factories.user(f"rev{i}") for i in range(10))

    def post(i: int) -> int:
        data = {"rating": rating.pk, "rationale": f"Reviewer {i} checked the audit."}
        return clients[i].post(f"/claims/{claim.pk}/verdict/", data, **HX).status_code

    statuses = _all_at_once(10, post)

    assert sorted(statuses) == [200] + [409] * 9
    verdict = Verdict.objects.get(claim=claim)
    assert AuditEvent.objects.filter(verb="verdict.create", target_id=verdict.pk).count() == 1
    assert not AuditEvent.objects.filter(verb="verdict.update").exists()


def test_the_same_span_added_at_once_gives_one_claim_and_clear_answers():
    article = factories.article()
    start = article.body.index("spending rose by 12 percent")
    span = {"start": start, "end": start + len("spending rose by 12 percent")}
    clients = _signed_in(factories.user(f"rev{i}") for i in range(6))
    answers: list[str] = [""] * 6

    def post(i: int) -> int:
        response = clients[i].post(f"/articles/{article.pk}/claims/", span, **HX)
        answers[i] = response.content.decode()
        return response.status_code

    statuses = _all_at_once(6, post)

    assert sorted(statuses) == [200] + [400] * 5
    assert Claim.objects.filter(article=article, start=span["start"], end=span["end"]).count() == 1
    refusals = [a for a, s in zip(answers, statuses, strict=True) if s == 400]
    assert all("There is already a claim on exactly this text" in a for a in refusals)
    assert AuditEvent.objects.filter(verb="claim.add").count() == 1
