"""What the API does, beyond who may call it: importing queues pre-annotation as the add
page does; writes go through the same services (the editorial gate, the version check, the
audit trail); lists filter and paginate; a blind second reviewer sees nothing of the first
review."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import AnnotationRun, Article, AuditEvent, AuditVerb, Claim, Verdict
from tests import factories
from tests.api.conftest import EDITOR, REVIEWER, ApiClient, World, audit_count

pytestmark = pytest.mark.django_db

ARTICLES = "/api/articles/"
TEXT = (
    "The Daily Test\n"
    "Monday, March 2, 2026\n\n"
    "Council spent $4.2 million on roads in 2025\n\n"
    "The city council spent $4.2 million on road repairs in 2025, the mayor said.\r\n"
)


# --- importing ------------------------------------------------------------------------------


def test_create_stores_the_article_and_its_sources_and_queues_preannotation(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(
        "annotations.tasks.preannotate_article.delay", lambda *args: sent.append(args)
    )
    body = {
        "text": TEXT,
        "url": "https://example.org/roads",
        "sources": [
            {"text": "Audit Office (1/3/2026): The road budget was $3.9 million."},
            {"text": "Second source text.", "name": "Ministry", "published_on": "2026-02-01"},
        ],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client(REVIEWER).post(ARTICLES, body)
    assert response.status_code == 201, response.json()
    data = response.json()
    article = Article.objects.get(pk=data["id"])
    # blank metadata read from the masthead and headline, as on the add page
    assert article.title == "Council spent $4.2 million on roads in 2025"
    assert article.outlet == "The Daily Test"
    assert str(article.published_on) == "2026-03-02"
    assert article.body == TEXT.replace("\r\n", "\n")  # stored with LF, like every entry point
    assert [(s.name, str(s.published_on)) for s in article.sources.order_by("position")] == [
        ("Audit Office", "2026-03-01"),
        ("Ministry", "2026-02-01"),
    ]
    run = AnnotationRun.objects.get(article=article)
    assert article.status == Article.Status.PREANNOTATING
    assert sent == [(article.pk, run.pk)]
    assert data["latest_run"]["id"] == run.pk and data["latest_run"]["status"] == "queued"
    assert data["notice"]
    assert AuditEvent.objects.filter(
        verb=AuditVerb.ARTICLE_IMPORT, actor=world.users[REVIEWER], target_id=article.pk
    ).exists()
    assert AuditEvent.objects.filter(verb=AuditVerb.PREANNOTATION_QUEUE, article=article).exists()


def test_the_same_text_twice_is_a_conflict_naming_the_first(world):
    client = world.client(REVIEWER)
    first = client.post(ARTICLES, {"text": TEXT})
    assert first.status_code == 201
    again = client.post(ARTICLES, {"text": TEXT, "title": "Another title"})
    assert again.status_code == 409
    assert again.json()["existing"] == first.json()["id"]
    assert Article.objects.filter(title="Another title").count() == 0


def test_too_many_sources_is_refused_with_the_field(world):
    body = {"text": TEXT, "sources": [{"text": f"Source {i}."} for i in range(51)]}
    response = world.client(REVIEWER).post(ARTICLES, body)
    assert response.status_code == 400
    assert "sources" in response.json()
    assert not Article.objects.filter(body__startswith="The Daily Test").exists()


# --- the editorial gate and the version check -------------------------------------------------


def test_a_reviewer_cannot_publish_and_nothing_changes(world: World):
    before = audit_count()
    response = world.client(REVIEWER).post(
        reverse("api:verdict-publish", kwargs={"pk": world.submitted.pk}),
        {"version": world.submitted.version},
    )
    assert response.status_code == 403
    world.submitted.refresh_from_db()
    assert world.submitted.state == Verdict.State.SUBMITTED and not world.submitted.is_published
    assert audit_count() == before


def test_an_editor_publishes_a_submitted_verdict_and_the_public_sees_it(world: World, client):
    response = world.client(EDITOR).post(
        reverse("api:verdict-publish", kwargs={"pk": world.submitted.pk}),
        {"version": world.submitted.version},
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["state"] == "published" and data["is_published"] and data["public_revision"] == 1
    assert client.get(f"/factchecks/{world.seed.soldiers.pk}/").status_code == 200


def test_an_editor_cannot_publish_a_reviewers_unsubmitted_draft(world: World):
    response = world.client(EDITOR).post(
        reverse("api:verdict-publish", kwargs={"pk": world.draft.pk}), {"version": 1}
    )
    assert response.status_code == 400
    assert "not submitted" in response.json()["non_field_errors"][0]
    world.draft.refresh_from_db()
    assert world.draft.state == Verdict.State.DRAFT


def test_a_reviewers_edit_of_a_published_verdict_leaves_the_public_revision(world: World):
    response = world.client(REVIEWER).post(
        reverse("api:claim-verdict", kwargs={"pk": world.seed.arms.pk}),
        {
            "rating": world.mixed.pk,
            "rationale": "A range where the source has one figure; reworded.",
            "version": world.published.version,
        },
    )
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["state"] == "draft" and data["is_published"] and data["has_pending_revision"]
    assert data["public_revision"] == 1
    # publishing it again is a correction: it needs a note
    publish = reverse("api:verdict-publish", kwargs={"pk": world.published.pk})
    submit = world.client(REVIEWER).post(
        reverse("api:verdict-submit", kwargs={"pk": world.published.pk}),
        {"version": data["version"]},
    )
    assert submit.status_code == 200
    version = submit.json()["version"]
    no_note = world.client(EDITOR).post(publish, {"version": version})
    assert no_note.status_code == 400 and "correction note" in str(no_note.json())
    noted = world.client(EDITOR).post(publish, {"version": version, "note": "Reworded."})
    assert noted.status_code == 200 and noted.json()["public_revision"] == 2


def test_a_stale_version_is_a_conflict_with_the_current_record(world: World):
    claim = world.seed.budanov
    services.claim_confirm(claim_id=claim.pk, actor=world.users[EDITOR], version=1)
    before = audit_count()
    response = world.client(REVIEWER).post(
        reverse("api:claim-reject", kwargs={"pk": claim.pk}), {"version": 1}
    )
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "conflict" and data["current_version"] == 2
    assert data["changed_by"] == "api-eddie"
    assert data["current"]["review_state"] == "confirmed"
    claim.refresh_from_db()
    assert claim.review_state == "confirmed" and claim.version == 2
    assert audit_count() == before


def test_a_stale_verdict_version_is_a_conflict(world: World):
    response = world.client(EDITOR).post(
        reverse("api:verdict-withdraw", kwargs={"pk": world.published.pk}),
        {"version": world.published.version - 1 or 99, "reason": "Wrong claim."},
    )
    assert response.status_code == 409
    world.published.refresh_from_db()
    assert world.published.is_published


def test_a_first_verdict_given_meanwhile_is_a_conflict_not_an_overwrite(world: World):
    # budanov has no verdict: a caller that read "none" sends no version
    url = reverse("api:claim-verdict", kwargs={"pk": world.seed.budanov.pk})
    body = {"rating": world.mixed.pk, "rationale": "First."}
    assert world.client(EDITOR).post(url, body).status_code == 200
    second = world.client(REVIEWER).post(url, {**body, "rationale": "Second."})
    assert second.status_code == 409
    assert Verdict.objects.get(claim=world.seed.budanov).rationale == "First."


def test_rejecting_a_claim_with_a_draft_asks_then_discards_in_one_step(world: World):
    url = reverse("api:claim-reject", kwargs={"pk": world.seed.aid.pk})
    version = Claim.objects.get(pk=world.seed.aid.pk).version
    asked = world.client(REVIEWER).post(url, {"version": version})
    assert asked.status_code == 409
    assert asked.json() == {
        "detail": asked.json()["detail"],
        "code": "draft_verdict_exists",
        "verdict": world.draft.pk,
    }
    done = world.client(REVIEWER).post(url, {"version": version, "discard_draft": True})
    assert done.status_code == 200 and done.json()["review_state"] == "rejected"
    assert not Verdict.objects.filter(pk=world.draft.pk).exists()


def test_correcting_a_span_goes_through_the_service(world: World):
    claim = world.seed.budanov
    start = world.seed.article.body.index("Russia is assisting North Korea")
    response = world.client(REVIEWER).post(
        reverse("api:claim-correct", kwargs={"pk": claim.pk}),
        {"version": 1, "start": start, "end": start + len("Russia is assisting North Korea")},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["text"] == "Russia is assisting North Korea"
    assert data["review_state"] == "corrected" and data["machine_start"] == claim.start
    assert AuditEvent.objects.filter(verb=AuditVerb.CLAIM_CORRECT, target_id=claim.pk).exists()


def test_an_editor_dismisses_a_flag_with_a_reason(world: World):
    flag = world.seed.aid.flags.get()
    url = reverse("api:flag-dismiss", kwargs={"pk": flag.pk})
    response = world.client(EDITOR).post(url, {"reason": "Rounding."})
    assert response.status_code == 200
    assert response.json()["dismissed"] and response.json()["dismissed_by"] == "api-eddie"
    again = world.client(EDITOR).post(url, {"reason": "Again."})
    assert again.status_code == 400


def test_attribution_correct_clears_the_speaker_with_null(world: World):
    attribution = world.seed.attribution
    response = world.client(REVIEWER).post(
        reverse("api:attribution-correct", kwargs={"pk": attribution.pk}),
        {"version": attribution.version, "speaker": None},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["speaker"] is None
    assert response.json()["review_state"] == "corrected"


# --- lists: filters and pagination ----------------------------------------------------------


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


def test_articles_paginate(world: World):
    for i in range(4):
        factories.article(title=f"Extra {i}")
    client = world.client(REVIEWER)
    first = client.get(ARTICLES, {"page_size": 2})
    data = first.json()
    assert data["count"] == 5 and len(data["results"]) == 2 and data["next"]
    third = client.get(ARTICLES, {"page_size": 2, "page": 3}).json()
    assert len(third["results"]) == 1 and third["next"] is None
    seen = (
        _ids(first)
        + _ids(client.get(ARTICLES, {"page_size": 2, "page": 2}))
        + [third["results"][0]["id"]]
    )
    assert len(set(seen)) == 5
    assert client.get(ARTICLES, {"page": 9}).status_code == 404


def test_articles_filter_by_state_flags_assignment_and_search(world: World):
    other = factories.article(title="Bridge tolls", outlet="Harbour Post")
    reviewer = world.users[REVIEWER]
    assert reviewer is not None
    services.article_assign(article=other, assignee=reviewer, actor=reviewer)
    client = world.client(REVIEWER)
    seed = world.seed.article.pk
    assert set(_ids(client.get(ARTICLES))) == {seed, other.pk}
    assert _ids(client.get(ARTICLES, {"has_open_flags": "true"})) == [seed]
    assert _ids(client.get(ARTICLES, {"assigned_to_me": "true"})) == [other.pk]
    assert _ids(client.get(ARTICLES, {"search": "harbour"})) == [other.pk]
    assert _ids(client.get(ARTICLES, {"status": other.status})) == [other.pk]
    assert client.get(ARTICLES, {"status": "nonsense"}).status_code == 400
    row = client.get(ARTICLES, {"search": "Study finds"}).json()["results"][0]
    assert row["counts"] == {
        "claims": 4,
        "pending": 1,
        "open_flags": 2,
        "published": 1,
        "awaiting_editor": 1,
    }


def test_claims_of_an_article_in_text_order_and_by_state(world: World):
    client = world.client(REVIEWER)
    url = reverse("api:article-claims", kwargs={"pk": world.seed.article.pk})
    claims = client.get(url).json()["results"]
    assert [c["start"] for c in claims] == sorted(c["start"] for c in claims)
    assert {c["id"]: c["verdict"] for c in claims}[world.seed.aid.pk] == world.draft.pk
    assert _ids(client.get(url, {"review_state": "pending"})) == [world.seed.budanov.pk]


def test_flags_filter_by_dismissed(world: World):
    client = world.client(REVIEWER)
    url = reverse("api:article-flags", kwargs={"pk": world.seed.article.pk})
    assert len(_ids(client.get(url))) == 2
    assert _ids(client.get(url, {"dismissed": "true"})) == []


def test_runs_show_status_and_progress(world: World):
    run = world.seed.article.runs.get()
    data = world.client(REVIEWER).get(reverse("api:run-detail", kwargs={"pk": run.pk})).json()
    assert data["status"] == "queued" and data["progress"] == 0
    assert data["stage_label"] and data["stuck"] is False and data["retryable"] is False
    listed = world.client(REVIEWER).get("/api/runs/", {"status": "queued"}).json()
    assert [r["id"] for r in listed["results"]] == [run.pk]


def test_an_editor_retries_a_failed_run(world: World):
    run = world.seed.article.runs.get()
    url = reverse("api:article-retry", kwargs={"pk": world.seed.article.pk})
    refused = world.client(EDITOR).post(url)
    assert refused.status_code == 400 and "Nothing to retry" in str(refused.json())
    AnnotationRun.objects.filter(pk=run.pk).update(
        status=AnnotationRun.Status.FAILED, stage="parse", error="Parser crashed."
    )
    assert world.client(REVIEWER).post(url).status_code == 403
    assert world.client(EDITOR).post(url, {"force": True}).status_code == 400  # unknown field
    retried = world.client(EDITOR).post(url)
    assert retried.status_code == 201
    new = retried.json()
    assert new["id"] != run.pk and new["status"] == "queued"
    old = world.client(REVIEWER).get(reverse("api:run-detail", kwargs={"pk": run.pk})).json()
    assert old["status"] == "failed" and old["error"] == "Parser crashed."
    assert old["stage_label"] == "parsing the text" and old["retryable"] is True
    assert AuditEvent.objects.filter(verb=AuditVerb.PREANNOTATION_RETRY).count() == 1


def test_the_article_list_costs_the_same_queries_for_more_articles(
    world: World, django_assert_max_num_queries
):
    client = world.client(REVIEWER)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(ARTICLES)
    for i in range(6):
        article = factories.article(title=f"More {i}")
        services.run_queue(article=article)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(_ids(client.get(ARTICLES))) == 7


def test_the_claim_list_costs_the_same_queries_for_more_claims(world: World):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client(REVIEWER)
    url = reverse("api:article-claims", kwargs={"pk": world.seed.article.pk})
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    body = world.seed.article.body
    reviewer = world.users[REVIEWER]
    assert reviewer is not None
    for needle in ("millions of artillery shells", "Earlier this year", "Kyrylo Budanov"):
        start = body.index(needle)
        services.claim_add(
            article=world.seed.article, start=start, end=start + len(needle), actor=reviewer
        )
    with CaptureQueriesContext(connection) as after:
        assert len(_ids(client.get(url))) == 7
    assert len(after.captured_queries) == len(before.captured_queries)


# --- the blind second review ----------------------------------------------------------------


def test_the_blind_second_reviewer_cannot_read_the_first_review(world: World):
    from annotations.services import double_review
    from api import services as api_services

    article = factories.article(title="Double-reviewed")
    claim = factories.claim(article, article.body[:20])
    double_review.double_review_set(article=article, required=True, actor=world.users[EDITOR])
    second = factories.user("api-second", role="reviewer")
    double_review.second_review_save(article=article, actor=second, decisions=[])
    client = ApiClient(api_services.token_create(user=second).key)
    assert client.get(reverse("api:article-claims", kwargs={"pk": article.pk})).status_code == 403
    assert client.get(reverse("api:claim-detail", kwargs={"pk": claim.pk})).status_code == 403
    assert (
        client.post(reverse("api:claim-confirm", kwargs={"pk": claim.pk}), {"version": 1})
    ).status_code == 403
    # the article itself (its text) is not the first review's: still readable
    assert client.get(reverse("api:article-detail", kwargs={"pk": article.pk})).status_code == 200
    assert (
        world.client(REVIEWER).get(reverse("api:claim-detail", kwargs={"pk": claim.pk})).status_code
        == 200
    )
