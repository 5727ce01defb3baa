"""The admin console lists and edits every model, and its actions go through services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from annotations.models import AnnotationRun, Article, AuditEvent, Flag
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [
    "article",
    "source",
    "annotationrun",
    "claim",
    "attribution",
    "entity",
    "quantity",
    "evidencelink",
    "flag",
    "ratingscale",
    "verdict",
    "auditevent",
]


@pytest.fixture
def admin_client(client):
    # force_login: django-axes checks every password sign-in against the request, which
    # Client.login() does not pass (the sign-in itself is tested in tests/test_production.py).
    client.force_login(User.objects.create_superuser("boss", "boss@example.org", "pw"))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_every_model_has_a_working_changelist_with_search_and_filters(admin_client, article, model):
    claim = factories.claim(article, "The city council")
    Flag.objects.create(claim=claim, type="not_in_sources", message="m")
    response = admin_client.get(reverse(f"admin:annotations_{model}_changelist"), {"q": "city"})
    assert response.status_code == 200


def test_article_change_page_shows_sources_and_claims_inline(admin_client, article):
    factories.claim(article, "The city council")
    response = admin_client.get(reverse("admin:annotations_article_change", args=[article.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Source 1" in content and "The city council" in content


def test_rerun_action_queues_a_run_through_the_service(admin_client, article, monkeypatch):
    monkeypatch.setattr("annotations.tasks.preannotate_article.delay", lambda *a: None)
    response = admin_client.post(
        reverse("admin:annotations_article_changelist"),
        {"action": "rerun_preannotation", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert AnnotationRun.objects.filter(article=article, status="queued").count() == 1
    assert Article.objects.get(pk=article.pk).status == "preannotating"


def test_admin_edits_are_audited(admin_client, article):
    url = reverse("admin:annotations_source_change", args=[factories.first_source(article).pk])
    source = factories.first_source(article)
    response = admin_client.post(
        url,
        {
            "position": 0,
            "name": "Renamed",
            "published_on": "",
            "url": "",
            "text": source.text,
            "article": article.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(verb="admin.change")
    assert event.before["name"] == "Source 1" and event.after["name"] == "Renamed"


def test_audit_events_are_read_only(admin_client, article):
    event = AuditEvent.objects.first()
    response = admin_client.post(
        reverse("admin:annotations_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_reviewers_without_staff_cannot_open_the_admin(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("admin:annotations_article_changelist"))
    assert response.status_code == 302
