"""The admin console for an editor who is not a superuser: what the editor role's permissions
open, texts saved from a browser (CR LF) without breaking offsets, read-only text once an
article is annotated, audited bulk deletes, and what the public has seen kept from deletion."""

from __future__ import annotations

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Article, AuditEvent, Rating, Source, Verdict
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    """An editor with admin access: staff and the editor group, no superuser flag."""
    editor = factories.user("edna", role="editor", is_staff=True)
    client.force_login(editor)
    client.user = editor
    return client


def change_url(article: Article) -> str:
    return reverse("admin:annotations_article_change", args=[article.pk])


def article_form(article: Article, **changes) -> dict:
    """The change form's POST for an article with its source inline (and no claim rows)."""
    source = factories.first_source(article)
    data = {
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published_on": "",
        "body": article.body,
        "language": article.language,
        "status": article.status,
        "assigned_to": "",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "1",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-id": source.pk,
        "sources-0-article": article.pk,
        "sources-0-position": source.position,
        "sources-0-name": source.name,
        "sources-0-published_on": "",
        "sources-0-url": "",
        "sources-0-text": source.text,
        "claims-TOTAL_FORMS": str(article.claims.count()),
        "claims-INITIAL_FORMS": str(article.claims.count()),
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
    }
    for i, claim in enumerate(article.claims.order_by("id")):
        data[f"claims-{i}-id"] = claim.pk
        data[f"claims-{i}-article"] = article.pk
    data.update(changes)
    return data


def test_the_editor_role_opens_the_console_but_not_accounts(desk):
    assert not desk.user.is_superuser
    assert desk.get(reverse("admin:index")).status_code == 200
    for name in ("article", "source", "ratingscale", "verdict", "auditevent"):
        url = reverse(f"admin:annotations_{name}_changelist")
        assert desk.get(url).status_code == 200, name
    assert desk.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert desk.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_crlf_body_is_saved_as_lf_with_its_hash(desk):
    article = factories.article()
    body = "Fresh Daily\r\nMonday, March 2, 2026\r\n\r\nA new text\r\nwith two lines.\r\n"
    response = desk.post(change_url(article), article_form(article, body=body))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.body == body.replace("\r\n", "\n")
    assert article.content_hash == services.articles.content_hash(article.body)
    assert AuditEvent.objects.filter(verb="admin.change", target_id=article.pk).exists()


def test_an_annotated_article_saves_from_the_browser_and_keeps_its_text(desk):
    article = factories.article()
    claim = factories.claim(article, "The city council spent $4.2 million on road repairs")
    url = change_url(article)
    page = desk.get(url).content.decode()
    assert 'name="body"' not in page and "Read-only: the article is annotated" in page
    assert 'name="sources-0-text"' not in page
    # What the browser sends: CR LF everywhere, the text fields read-only so not sent.
    data = article_form(article, title="Council roads\r\nbill")
    del data["body"], data["sources-0-text"]
    response = desk.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.title == "Council roads\r\nbill"
    assert article.body[claim.start : claim.end] == claim.text
    # A crafted POST with a new body changes nothing either.
    desk.post(url, article_form(article, body="Something else entirely.\r\n"))
    assert Article.objects.get(pk=article.pk).body == article.body


def test_articles_are_added_in_the_workbench_not_the_console(desk):
    assert desk.get(reverse("admin:annotations_article_add")).status_code == 403


def test_a_bulk_delete_is_audited_per_article(desk):
    first, second = factories.article(), factories.article()
    response = desk.post(
        reverse("admin:annotations_article_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk__in=[first.pk, second.pk]).exists()
    events = AuditEvent.objects.filter(verb="admin.delete", target_type="article")
    assert sorted(events.values_list("target_id", flat=True)) == sorted([first.pk, second.pk])
    assert {e.actor for e in events} == {desk.user}


def test_a_wrongly_imported_annotated_article_can_be_deleted_by_an_editor(desk):
    article = factories.article()
    factories.claim(article, "The city council spent $4.2 million on road repairs")
    response = desk.post(
        reverse("admin:annotations_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()
    assert AuditEvent.objects.filter(verb="admin.delete", target_id=article.pk).exists()


def test_what_the_public_has_seen_cannot_be_deleted(desk):
    article = factories.article()
    claim = factories.claim(article, "The city council spent $4.2 million on road repairs")
    source = factories.first_source(article)
    link = claim.evidence.create(source=source, start=0, end=12, text=source.text[:12])
    verdict = services.verdict_save(
        claim=claim,
        rating=Rating.objects.get(label="False"),
        rationale="r",
        actor=desk.user,
        evidence_ids=[link.pk],
    )
    services.verdict_publish(verdict=verdict, actor=desk.user)
    response = desk.post(
        reverse("admin:annotations_article_changelist"),
        {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
    )
    assert "Cannot delete article" in response.content.decode()
    desk.post(reverse("admin:annotations_article_delete", args=[article.pk]), {"post": "yes"})
    assert Article.objects.filter(pk=article.pk).exists()
    # The source the public page cites as evidence is kept too.
    response = desk.post(
        reverse("admin:annotations_source_delete", args=[source.pk]), {"post": "yes"}
    )
    assert "a published or withdrawn verdict depends on it" in response.content.decode()
    assert Source.objects.filter(pk=source.pk).exists()
    assert not AuditEvent.objects.filter(verb="admin.delete").exists()


def test_verdicts_cannot_be_changed_in_the_console(desk):
    article = factories.article()
    claim = factories.claim(article, "The city council spent $4.2 million on road repairs")
    verdict = services.verdict_save(
        claim=claim, rating=Rating.objects.get(label="False"), rationale="r", actor=desk.user
    )
    url = reverse("admin:annotations_verdict_change", args=[verdict.pk])
    assert desk.get(url).status_code == 200  # shown
    desk.post(url, {"rationale": "rewritten", "is_published": "on"})
    assert Verdict.objects.get(pk=verdict.pk).rationale == "r"
    assert not Verdict.objects.get(pk=verdict.pk).is_published


def test_a_source_text_from_the_browser_is_stored_as_lf(desk):
    article = factories.article()
    source = factories.first_source(article)
    url = reverse("admin:annotations_source_change", args=[source.pk])
    text = "Audit Office (1/3/2026):\r\nRoad budget $3.9 million.\r\n"
    response = desk.post(
        url,
        {
            "article": article.pk,
            "position": 0,
            "name": "Audit",
            "published_on": "",
            "url": "",
            "text": text,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    source = Source.objects.get(pk=source.pk)
    assert source.text == text.replace("\r\n", "\n")
    assert source.content_hash == services.articles.content_hash(source.text)
