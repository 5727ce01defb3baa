"""Two reviewers saving the same claim at the same moment: one wins, the other gets a
conflict. Needs real row locks, so it runs in the PostgreSQL pass of `make test`."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from annotations import services
from annotations.models import AuditEvent, Claim
from tests import factories


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_edits_never_overwrite_each_other():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (SQLite serialises all writers)")
    alice, bob = factories.user("alice"), factories.user("bob")
    article = factories.article()
    claim = factories.claim(article, "The city council")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(name, action, user):
        barrier.wait()
        try:
            action(claim_id=claim.pk, actor=user, version=1)
            outcomes[name] = "saved"
        except services.ConflictError:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=("alice", services.claim_confirm, alice)),
        threading.Thread(target=edit, args=("bob", services.claim_reject, bob)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    fresh = Claim.objects.get(pk=claim.pk)
    assert fresh.version == 2
    assert fresh.review_state == ("confirmed" if winner == "alice" else "rejected")
    assert AuditEvent.objects.filter(target_type="claim", target_id=claim.pk).count() == 1
