"""The migration to the publishing chain keeps what an existing install has: a published
verdict becomes revision 1 with its short wording, and an article wrongly shown as
"Published" goes back to the state its claims are in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("annotations", "0003_audit_verb_choices")]
AFTER = [("annotations", "0004_publishing_chain")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Leave the schema as every other test expects it: all migrations applied, later ones
    (which going back to 0003 also unapplied) included."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("back_to_latest")
def test_published_verdicts_become_revision_1_and_statuses_are_corrected():
    old = _migrate(BEFORE)
    Article = old.get_model("annotations", "Article")
    Claim = old.get_model("annotations", "Claim")
    Verdict = old.get_model("annotations", "Verdict")
    # The default scale comes from migration 0002; made here if a flush removed it.
    scale, _ = old.get_model("annotations", "RatingScale").objects.get_or_create(
        is_default=True, defaults={"name": "Default (five-point)"}
    )
    false, _ = old.get_model("annotations", "Rating").objects.get_or_create(
        scale=scale, label="False", defaults={"value": 1.0}
    )
    body = "The Daily Test\n\nThe council spent $4.2 million. Nobody checked the rest.\n"
    article = Article.objects.create(
        title="Roads", outlet="The Daily Test", body=body, status="published", content_hash="x"
    )
    checked = Claim.objects.create(
        article=article,
        start=16,
        end=46,
        text=body[16:46],
        review_state="confirmed",
        claim_reviewed="Council spent $4.2m",
    )
    Claim.objects.create(article=article, start=47, end=70, text=body[47:70])  # pending
    moment = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    verdict = Verdict.objects.create(
        claim=checked,
        rating=false,
        rationale="The audit says $3.9m.",
        is_published=True,
        published_at=moment,
    )

    new = _migrate(AFTER)
    verdict = new.get_model("annotations", "Verdict").objects.get(pk=verdict.pk)
    revision = verdict.published_revision
    assert (verdict.state, verdict.claim_reviewed) == ("published", "Council spent $4.2m")
    assert (verdict.claimant_name, verdict.claimant_type) == ("The Daily Test", "Organization")
    assert (revision.number, revision.published_at, revision.rating.label) == (1, moment, "False")
    assert revision.claim_reviewed == "Council spent $4.2m"
    assert new.get_model("annotations", "Article").objects.get(pk=article.pk).status == "in_review"
    Group = new.get_model("auth", "Group")
    editor = set(Group.objects.get(name="editor").permissions.values_list("codename", flat=True))
    assert {"publish_verdict", "review_article", "view_article"} <= editor
    assert "change_user" not in editor
