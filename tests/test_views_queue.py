"""The queue: counts by status, filters, assignment by role and the pre-annotation bar."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations.models import AnnotationRun, Article, Claim, Flag
from annotations.services.runs import failure_message
from tests import factories

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def articles(reviewer):
    ready = factories.article(title="Budget overspend in Leeds", outlet="Leeds Post")
    Article.objects.filter(pk=ready.pk).update(status="ready")
    flagged = factories.article(title="Bridge costs", outlet="Daily Planet")
    Article.objects.filter(pk=flagged.pk).update(status="in_review", assigned_to=reviewer)
    claim = factories.claim(flagged, "spent $4.2 million")
    Flag.objects.create(claim=claim, type="number_mismatch", article_text="a", source_text="b")
    new = factories.article(title="Quiet news day", outlet="Daily Planet")
    return {"ready": ready, "flagged": flagged, "new": new}


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/"


def test_login_page_renders(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "Sign in" in html(response) and "csrfmiddlewaretoken" in html(response)


def test_queue_counts_by_status(client, reviewer, articles):
    client.force_login(reviewer)
    body = html(client.get("/"))
    assert 'All <span class="count">3</span>' in body
    assert 'Ready for review <span class="count">1</span>' in body
    assert 'In review <span class="count">1</span>' in body
    for article in articles.values():
        assert f'id="article-row-{article.pk}"' in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=ready", {"ready"}),
        ("outlet=Daily+Planet", {"flagged", "new"}),
        ("mine=on", {"flagged"}),
        ("flagged=on", {"flagged"}),
        ("q=bridge", {"flagged"}),
        ("q=leeds+post", {"ready"}),
        ("q=planet&status=new", {"new"}),
    ],
)
def test_queue_filters(client, reviewer, articles, query, expected):
    client.force_login(reviewer)
    body = html(client.get("/?" + query))
    shown = {name for name, a in articles.items() if f'id="article-row-{a.pk}"' in body}
    assert shown == expected


def test_filter_with_htmx_returns_only_the_results(client, reviewer, articles):
    client.force_login(reviewer)
    response = client.get("/?q=bridge", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-results")
    body = html(response)
    assert body.lstrip().startswith('<section id="queue-results"')
    assert "<html" not in body and 'id="queue-filters"' not in body
    assert 'id="filter-status"' in body and 'hx-swap-oob="true"' in body


def test_queue_counts_do_not_query_per_row(client, reviewer, django_assert_max_num_queries):
    for i in range(3):
        factories.article(title=f"a{i}")
    client.force_login(reviewer)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    for i in range(30):
        factories.article(title=f"b{i}")
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get("/")


def test_assign_to_me_with_htmx_returns_the_row(client, reviewer, articles):
    client.force_login(reviewer)
    article = articles["ready"]
    response = client.post(
        f"/articles/{article.pk}/assign/",
        {"assignee": reviewer.pk},
        HTTP_HX_TARGET=f"article-row-{article.pk}",
        **HX,
    )
    assert response.status_code == 200
    assert html(response).lstrip().startswith(f'<tr id="article-row-{article.pk}"')
    assert Article.objects.get(pk=article.pk).assigned_to == reviewer


def test_assign_plain_post_redirects(client, reviewer, articles):
    client.force_login(reviewer)
    response = client.post(f"/articles/{articles['new'].pk}/assign/", {"assignee": reviewer.pk})
    assert response.status_code == 302 and response["Location"] == "/"


def test_reviewer_cannot_assign_someone_else(client, reviewer, editor, articles):
    client.force_login(reviewer)
    article = articles["ready"]
    response = client.post(f"/articles/{article.pk}/assign/", {"assignee": editor.pk}, **HX)
    assert response.status_code == 403
    assert "Only editors can assign" in html(response)
    assert response["HX-Retarget"] == "#flash"
    assert (
        client.post(f"/articles/{article.pk}/assign/", {"assignee": editor.pk}).status_code == 403
    )
    assert Article.objects.get(pk=article.pk).assigned_to is None


def test_editor_assigns_others_from_the_review_page(editor, reviewer, articles):
    client = Client()
    client.force_login(editor)
    article = articles["ready"]
    page = html(client.get(f"/articles/{article.pk}/"))
    assert f'<option value="{reviewer.pk}">rita</option>' in page
    response = client.post(
        f"/articles/{article.pk}/assign/",
        {"assignee": reviewer.pk},
        HTTP_HX_TARGET="article-header",
        **HX,
    )
    assert response.status_code == 200
    assert html(response).lstrip().startswith('<header id="article-header"')
    assert Article.objects.get(pk=article.pk).assigned_to == reviewer


def test_assigning_an_outsider_is_404(client, editor, outsider, articles):
    client.force_login(editor)
    response = client.post(f"/articles/{articles['ready'].pk}/assign/", {"assignee": outsider.pk})
    assert response.status_code == 404


def test_running_run_polls_and_a_finished_one_stops(client, reviewer, articles):
    article = articles["new"]
    run = AnnotationRun.objects.create(
        article=article, pipeline_version="1.0", status="running", stage="analysing", progress=20
    )
    Article.objects.filter(pk=article.pk).update(status="preannotating")
    client.force_login(reviewer)
    row = html(client.get("/"))
    assert f'hx-get="/articles/{article.pk}/progress/" hx-trigger="every 1s"' in row

    response = client.get(f"/articles/{article.pk}/progress/", **HX)
    body = html(response)
    assert body.lstrip().startswith(f'<div id="run-progress-{article.pk}"')
    assert "Analysing · 20%" in body and 'aria-valuenow="20"' in body and "every 1s" in body

    AnnotationRun.objects.filter(pk=run.pk).update(status="succeeded", stage="done", progress=100)
    Article.objects.filter(pk=article.pk).update(status="ready")
    response = client.get(f"/articles/{article.pk}/progress/", **HX)
    body = html(response)
    assert "hx-trigger" not in body  # the swap itself ends the polling
    assert "Done" in body and 'aria-valuenow="100"' in body
    # The whole row comes back, with the article's new status.
    assert response["HX-Retarget"] == f"#article-row-{article.pk}"
    assert body.lstrip().startswith(f'<tr id="article-row-{article.pk}"')
    assert "Ready for review" in body


def test_failed_run_shows_its_error(client, reviewer, articles):
    article = articles["new"]
    AnnotationRun.objects.create(
        article=article,
        pipeline_version="1.0",
        status="failed",
        stage="analysing",
        error=failure_message("analysing", ValueError("model not found")),
    )
    client.force_login(reviewer)
    body = html(client.get(f"/articles/{article.pk}/progress/"))
    assert "failed while analysing this article: ValueError: model not found" in body
    assert "hx-trigger" not in body


def test_counts_in_rows(client, reviewer, articles):
    client.force_login(reviewer)
    Claim.objects.create(
        article=articles["flagged"],
        start=0,
        end=3,
        text=articles["flagged"].body[:3],
        review_state="confirmed",
    )
    body = html(client.get("/?status=in_review"))
    row = body.split(f'id="article-row-{articles["flagged"].pk}"')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0].strip() for c in row.split('<td class="num">')[1:]]
    assert cells[0] == "2" and cells[1] == "1" and "⚑ 1" in cells[2]
