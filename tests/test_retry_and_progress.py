"""Retrying a failed or stuck pre-annotation, the article page's live progress, the queue's
tabs recounted with its rows, and the history in readable words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from annotations import services
from annotations.models import AnnotationRun, Article, AuditEvent, AuditVerb, EvidenceLink, Rating
from annotations.selectors.history import article_history, claim_history, history_entry
from tests import factories, scenarios

pytestmark = pytest.mark.django_db

PARSE_ERROR = "Pre-annotation failed while parsing this article: ValueError: [E088] too long"


def _failed(article: Article, *, stage: str = "parse") -> AnnotationRun:
    run = services.run_queue(article=article)
    AnnotationRun.objects.filter(pk=run.pk).update(
        status="failed", stage=stage, error=PARSE_ERROR, finished_at=timezone.now()
    )
    Article.objects.filter(pk=article.pk).update(status="failed")
    return AnnotationRun.objects.get(pk=run.pk)


def _running(article: Article, *, beat_ago: int) -> AnnotationRun:
    run = services.run_queue(article=article)
    beat = timezone.now() - timedelta(seconds=beat_ago)
    AnnotationRun.objects.filter(pk=run.pk).update(
        status="running", stage="parse", progress=20, attempts=1, started_at=beat, heartbeat_at=beat
    )
    return AnnotationRun.objects.get(pk=run.pk)


# --- the service -------------------------------------------------------------------------


def test_retry_of_a_failed_run_makes_a_new_run_and_keeps_the_old_error(article, editor):
    old = _failed(article)
    run = services.run_retry(article=article, actor=editor)
    assert run.pk != old.pk and run.status == "queued" and run.requested_by == editor
    old.refresh_from_db()
    assert (old.status, old.stage, old.error) == ("failed", "parse", PARSE_ERROR)
    assert Article.objects.get(pk=article.pk).status == "preannotating"
    event = AuditEvent.objects.get(verb="preannotation.retry")
    assert event.actor == editor and event.target_id == run.pk
    assert event.before == {
        "run": old.pk,
        "status": "failed",
        "stage": "parse",
        "error": PARSE_ERROR,
    }


def test_only_editors_retry_and_only_what_failed_or_is_stuck(article, reviewer, editor, settings):
    _failed(article)
    with pytest.raises(PermissionDenied):
        services.run_retry(article=article, actor=reviewer)
    services.run_retry(article=article, actor=editor)  # now queued, just sent
    with pytest.raises(services.ServiceError, match="latest pre-annotation is queued"):
        services.run_retry(article=article, actor=editor)
    fresh = factories.article(title="Fresh")
    with pytest.raises(services.ServiceError, match="no pre-annotation"):
        services.run_retry(article=fresh, actor=editor)
    live = _running(fresh, beat_ago=1)
    with pytest.raises(services.ServiceError, match="running"):
        services.run_retry(article=fresh, actor=editor)
    assert AnnotationRun.objects.get(pk=live.pk).status == "running"
    assert AuditEvent.objects.filter(verb="preannotation.retry").count() == 1


def test_a_stuck_run_is_closed_saying_why_and_queued_again(article, editor, settings):
    settings.FACTCHECK_RUN_STALE_AFTER = 60
    stuck = _running(article, beat_ago=61)
    run = services.run_retry(article=article, actor=editor)
    stuck.refresh_from_db()
    assert stuck.status == "skipped"
    assert stuck.error == (
        "Stuck while parsing the text: no sign of progress, so eddie started it again."
    )
    assert run.status == "queued"


def test_a_queued_run_never_taken_is_stuck_past_the_resend_bound(article, editor, settings):
    settings.FACTCHECK_RUN_RESEND_AFTER = 100
    run = services.run_queue(article=article)
    AnnotationRun.objects.filter(pk=run.pk).update(
        queued_at=timezone.now() - timedelta(seconds=101)
    )
    assert services.run_retry(article=article, actor=editor).pk != run.pk


# --- the views ---------------------------------------------------------------------------


def test_the_article_page_tells_the_failure_and_offers_editors_a_retry(
    client, article, reviewer, editor
):
    _failed(article)
    client.force_login(reviewer)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "Failed while parsing the text." in html and "[E088] too long" in html
    assert "Retry pre-annotation" not in html and "An editor can start it again." in html
    client.force_login(editor)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert f'hx-post="/articles/{article.pk}/retry/"' in html


def test_retry_from_the_queue_answers_with_the_row_polling_again(client, article, editor):
    _failed(article)
    client.force_login(editor)
    response = client.post(
        f"/articles/{article.pk}/retry/",
        headers={"HX-Request": "true", "HX-Target": f"article-row-{article.pk}"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="article-row-{article.pk}"')
    assert f'hx-get="/articles/{article.pk}/progress/" hx-trigger="every 1s"' in html
    assert AnnotationRun.objects.filter(article=article).count() == 2
    tabs = html.split('id="status-tabs"')[1]
    assert 'Failed <span class="count">0</span>' in tabs
    assert 'Pre-annotating <span class="count">1</span>' in tabs


def test_retry_from_the_article_page_polls_on_the_article_and_a_refusal_flashes(
    client, article, editor, reviewer
):
    _failed(article)
    client.force_login(editor)
    headers = {"HX-Request": "true", "HX-Target": f"run-progress-{article.pk}"}
    html = client.post(f"/articles/{article.pk}/retry/", headers=headers).content.decode()
    assert f'hx-get="/articles/{article.pk}/progress/?on=article"' in html
    again = client.post(f"/articles/{article.pk}/retry/", headers=headers)
    assert again.status_code == 400 and "Nothing to retry" in again.content.decode()
    assert again["HX-Retarget"] == "#flash"
    client.force_login(reviewer)
    assert client.post(f"/articles/{article.pk}/retry/", headers=headers).status_code == 403


def test_a_plain_retry_redirects_back_with_a_message(client, article, editor):
    _failed(article)
    client.force_login(editor)
    response = client.post(f"/articles/{article.pk}/retry/", follow=True)
    assert response.redirect_chain[-1][0] == f"/articles/{article.pk}/"
    assert "Pre-annotation started again" in response.content.decode()


def test_the_article_page_polls_while_its_run_runs_and_reloads_when_it_ends(
    client, article, reviewer
):
    run = services.run_queue(article=article)
    client.force_login(reviewer)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert 'id="article-progress"' in html
    assert f'hx-get="/articles/{article.pk}/progress/?on=article" hx-trigger="every 1s"' in html
    htmx = {"HX-Request": "true", "HX-Target": f"run-progress-{article.pk}"}
    polled = client.get(f"/articles/{article.pk}/progress/?on=article", headers=htmx)
    assert polled.status_code == 200 and "HX-Refresh" not in polled
    AnnotationRun.objects.filter(pk=run.pk).update(status="succeeded", progress=100)
    done = client.get(f"/articles/{article.pk}/progress/?on=article", headers=htmx)
    assert done["HX-Refresh"] == "true"
    assert 'id="article-progress"' not in client.get(f"/articles/{article.pk}/").content.decode()


def test_a_finished_row_brings_the_status_tabs_recounted_under_the_filters(client, reviewer):
    running = factories.article(title="Running one", outlet="Gazette")
    factories.article(title="Ready one", outlet="Gazette")
    factories.article(title="Elsewhere", outlet="Other")
    run = services.run_queue(article=running)
    client.force_login(reviewer)
    AnnotationRun.objects.filter(pk=run.pk).update(status="succeeded", progress=100)
    Article.objects.filter(pk=running.pk).update(status="ready")
    response = client.get(
        f"/articles/{running.pk}/progress/?outlet=Gazette&status=",
        headers={"HX-Request": "true", "HX-Target": f"run-progress-{running.pk}"},
    )
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#article-row-{running.pk}"
    assert '<nav id="status-tabs" class="tabs" aria-label="Status" hx-swap-oob="true">' in html
    tabs = html.split('id="status-tabs"')[1]
    assert 'All <span class="count">2</span>' in tabs  # the outlet filter still applies
    assert 'New <span class="count">1</span>' in tabs
    assert 'Ready for review <span class="count">1</span>' in tabs
    assert "outlet=Gazette" in tabs and "on=article" not in tabs


# --- readable history --------------------------------------------------------------------


def test_history_names_fields_and_values_as_people_say_them(editor):
    seed = scenarios.build()
    link = EvidenceLink.objects.filter(claim=seed.arms).first()
    assert link is not None
    verdict = services.verdict_save(
        claim=seed.arms,
        rating=Rating.objects.get(label="Mixed"),
        rationale="A range.",
        evidence_ids=[link.pk],
        actor=editor,
    )
    services.verdict_publish(verdict=verdict, actor=editor)
    entries = claim_history(seed.arms, verdict_id=verdict.pk)
    created = next(e for e in entries if e.event.verb == "verdict.create")
    changes = {c.field: c.after for c in created.changes}
    assert changes["rating"] == "Mixed"
    assert (
        changes["evidence"]
        == f"“{link.text[:79]}{'…' if len(link.text) > 80 else ''}” ({link.source})"
    )
    assert "is published" not in changes and "evidence" in changes
    published = next(e for e in entries if e.event.verb == "verdict.publish")
    by_field = {c.field: (c.before, c.after) for c in published.changes}
    assert by_field["public"] == ("no", "yes")
    assert by_field["verdict"] == ("draft", "published")
    assert all("_" not in c.field for e in entries for c in e.changes)


def test_history_names_run_states_and_stages(article, editor):
    _failed(article)
    services.run_retry(article=article, actor=editor)
    entries = article_history(article)
    retry = next(e for e in entries if e.event.verb == "preannotation.retry")
    fields = {c.field: (c.before, c.after) for c in retry.changes}
    assert fields["status"] == ("failed", "queued")
    assert fields["stage"][0] == "parsing the text"
    assert str(fields["run"][1]).startswith("run #")


def test_history_counts_many_passages_and_reads_flags_and_dates():
    event = AuditEvent(
        verb=AuditVerb.VERDICT_UPDATE,
        target_type="verdict",
        before={"evidence": [], "published_at": None, "flags": []},
        after={
            "evidence": [991, 992, 993],
            "published_at": "2026-03-02T09:05:00+00:00",
            "flags": ["number_mismatch", "range_vs_point"],
        },
    )
    changes = {c.field: c.after for c in history_entry(event).changes}
    assert changes == {
        "evidence": "3 passages",
        "first published": "2 Mar 2026, 09:05",
        "flags": "number differs, range vs single figure",
    }


def test_a_stuck_run_says_so_where_it_is_polled_and_offers_the_retry(
    client, article, editor, settings
):
    settings.FACTCHECK_RUN_STALE_AFTER = 60
    _running(article, beat_ago=120)
    client.force_login(editor)
    response = client.get(
        f"/articles/{article.pk}/progress/",
        headers={"HX-Request": "true", "HX-Target": f"run-progress-{article.pk}"},
    )
    html = response.content.decode()
    assert "Stuck while parsing the text:" in html
    assert 'hx-trigger="every 10s"' in html  # still watched, slowly, so Retry stays put
    assert f'hx-post="/articles/{article.pk}/retry/"' in html
    assert 'hx-include="#queue-filters"' in html
