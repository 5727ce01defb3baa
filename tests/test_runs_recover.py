"""Runs always finish: an unreachable broker at import, a lost message, a dead worker and a
duplicate delivery all end with the article annotated exactly once, and a run that cannot
finish fails in plain words. The pipeline is a fake here (what it finds is not the point);
real worker processes are killed in test_worker_faults.py."""

from __future__ import annotations

import types
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from annotations import services
from annotations.models import AnnotationRun, Article, AuditEvent
from annotations.nlp import types as t
from annotations.services import runs
from annotations.services.preannotation import run_execute
from annotations.tasks import preannotate_article, sweep_stuck_runs
from factcheck.celery import app
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def broker_state():
    """The broker-down pause is per process: no test inherits another's."""
    runs._broker_down_until = 0.0
    yield
    runs._broker_down_until = 0.0


@pytest.fixture
def fake_pipeline(monkeypatch):
    calls: list[str] = []

    def preannotate(text, sources, *, nlp, on_stage=None, **kwargs):
        calls.append(text)
        if on_stage:
            on_stage("parse")
        start = text.index("The city council")
        end = text.index(" in 2025", start) + len(" in 2025")
        claim = t.Claim(id="c1", start=start, end=end, text=text[start:end], score=0.9)
        return t.PreannotationResult(model="fake", article_length=len(text), claims=(claim,))

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", preannotate)
    monkeypatch.setattr(
        "annotations.nlp.pipeline.load_pipeline",
        lambda name: types.SimpleNamespace(meta={"version": "0.0", "name": "fake", "lang": "en"}),
    )
    return calls


@pytest.fixture
def broker_down(settings):
    """A real Celery send to a port where nothing listens (not eager, so kombu really tries)."""
    conf = app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = "redis://127.0.0.1:9/0", False
    _fresh_connections()
    yield
    conf.broker_url, conf.task_always_eager = saved
    _fresh_connections()


def _fresh_connections() -> None:
    """Forget Celery's cached pools (kombu keeps one per URL) so the next send uses the
    current broker URL."""
    app._pool = None
    app.amqp._producer_pool = None


def _stored(article: Article) -> int:
    return AuditEvent.objects.filter(article=article, verb="preannotation.store").count()


def _age(run: AnnotationRun, **fields_seconds: int) -> None:
    """Move a run's timestamps into the past, as if that much time had gone by."""
    now = timezone.now()
    AnnotationRun.objects.filter(pk=run.pk).update(
        **{name: now - timedelta(seconds=s) for name, s in fields_seconds.items()}
    )


# --- the broker is down at import -----------------------------------------------------------


def test_broker_down_at_import_stores_the_article_and_says_it_waits(
    client, reviewer, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/articles/new/",
            {
                "text": factories.ARTICLE_TEXT,
                "sources-TOTAL_FORMS": "0",
                "sources-INITIAL_FORMS": "0",
            },
            follow=True,
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "waiting for the worker" in page and "start by itself" in page
    run = AnnotationRun.objects.get()
    assert (run.status, run.queued_at, run.stage) == ("queued", None, runs.WAITING_FOR_BROKER)
    assert Article.objects.get().status == "preannotating"


def test_a_batch_with_the_broker_down_asks_the_broker_once(
    reviewer, broker_down, monkeypatch, django_capture_on_commit_callbacks
):
    sends = []
    real_delay = preannotate_article.delay
    monkeypatch.setattr(
        preannotate_article, "delay", lambda *a: (sends.append(a), real_delay(*a))[1]
    )
    items = [
        (i, services.ArticleInput(title=f"A{i}", body=factories.ARTICLE_TEXT + f"\nNo {i}.\n"))
        for i in range(1, 6)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.articles_import_batch(items=items, actor=reviewer)
    assert len(sends) == 1  # then the broker is left alone for a while
    assert AnnotationRun.objects.filter(queued_at__isnull=True, status="queued").count() == 5


def test_the_sweeper_sends_what_the_broker_refused_once_it_is_back(
    reviewer, fake_pipeline, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.article(queue=True)
    run = AnnotationRun.objects.get()
    assert run.queued_at is None and fake_pipeline == []

    app.conf.task_always_eager = True  # the broker is back (eager: the task runs right here)
    runs._broker_down_until = 0.0
    assert sweep_stuck_runs() == {"resent": 0, "requeued": 0, "given_up": 0}  # too fresh
    _age(run, created_at=30)
    assert sweep_stuck_runs()["resent"] == 1

    run.refresh_from_db()
    assert run.status == "succeeded" and len(fake_pipeline) == 1 and _stored(article) == 1
    assert sweep_stuck_runs()["resent"] == 0


# --- lost messages, dead workers, duplicates --------------------------------------------------


def test_a_run_whose_message_was_lost_is_sent_again(article, fake_pipeline, settings):
    run = services.run_queue(article=article)
    AnnotationRun.objects.filter(pk=run.pk).update(queued_at=timezone.now())
    assert sweep_stuck_runs()["resent"] == 0  # its message may still be waiting in the queue
    _age(run, queued_at=settings.FACTCHECK_RUN_RESEND_AFTER + 1)
    assert sweep_stuck_runs()["resent"] == 1
    assert AnnotationRun.objects.get(pk=run.pk).status == "succeeded"


def test_a_run_whose_worker_died_is_queued_again_and_annotated_once(article, fake_pipeline):
    run = services.run_queue(article=article)
    assert runs.run_claim(run, task_id="task-on-a-worker-that-dies")
    assert sweep_stuck_runs()["requeued"] == 0  # its heartbeat is fresh: leave it alone

    _age(run, heartbeat_at=600, started_at=600)
    counts = sweep_stuck_runs()

    run.refresh_from_db()
    assert counts["requeued"] == 1
    assert (run.status, run.attempts) == ("succeeded", 2)
    assert _stored(article) == 1 and len(fake_pipeline) == 1
    event = AuditEvent.objects.get(verb="preannotation.requeue")
    assert event.after["reason"] == "worker stopped" and event.after["stage"] == "loading model"


def test_the_same_message_delivered_again_takes_over_from_its_dead_process(article, fake_pipeline):
    """A killed pool process: Celery re-delivers the very message, with the same task id."""
    run = services.run_queue(article=article)
    assert runs.run_claim(run, task_id="same-task")
    preannotate_article.apply(args=(article.pk, run.pk), task_id="same-task")
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("succeeded", 2) and _stored(article) == 1


def test_a_duplicate_message_leaves_a_run_to_its_live_holder(article, fake_pipeline):
    run = services.run_queue(article=article)
    assert runs.run_claim(run, task_id="first")
    preannotate_article.apply(args=(article.pk, run.pk), task_id="second")
    run.refresh_from_db()
    assert (run.status, run.task_id, run.attempts) == ("running", "first", 1)
    assert fake_pipeline == [] and _stored(article) == 0


def test_an_attempt_that_lost_its_run_stores_nothing(article, fake_pipeline):
    """Presumed dead but only slow: when it finally gets to store, the run is someone else's."""
    run = services.run_queue(article=article)
    slow = AnnotationRun.objects.get(pk=run.pk)
    assert runs.run_claim(slow, task_id="slow")
    _age(run, heartbeat_at=600)
    taker = AnnotationRun.objects.get(pk=run.pk)
    assert runs.run_claim(taker, task_id="taker")

    from annotations.services.preannotation import _store_once

    result = t.PreannotationResult(model="fake", article_length=len(article.body))
    _store_once(slow, article, result, {})
    assert _stored(article) == 0 and AnnotationRun.objects.get(pk=run.pk).task_id == "taker"
    _store_once(taker, article, result, {})
    assert _stored(article) == 1


def test_a_run_that_kills_its_worker_every_time_is_given_up(article, fake_pipeline, settings):
    run = services.run_queue(article=article)
    for attempt in range(settings.FACTCHECK_RUN_MAX_ATTEMPTS):
        assert runs.run_claim(AnnotationRun.objects.get(pk=run.pk), task_id=f"t{attempt}")
        AnnotationRun.objects.filter(pk=run.pk).update(stage="parse")
        _age(run, heartbeat_at=600)
        if attempt + 1 < settings.FACTCHECK_RUN_MAX_ATTEMPTS:
            # the sweeper queues it again (and, eager here, would run it: take it back)
            AnnotationRun.objects.filter(pk=run.pk).update(status="queued")
    counts = sweep_stuck_runs()

    run.refresh_from_db()
    assert counts["given_up"] == 1 and run.status == "failed"
    assert run.error.startswith(
        f"The worker stopped {settings.FACTCHECK_RUN_MAX_ATTEMPTS} times while parsing this article"
    )
    assert Article.objects.get(pk=article.pk).status == "failed"
    assert fake_pipeline == []


def test_an_older_run_gives_way_to_a_newer_one(article, fake_pipeline):
    old = services.run_queue(article=article)
    new = services.run_queue(article=article)
    run_execute(article_id=article.pk, run_id=old.pk)
    run_execute(article_id=article.pk, run_id=new.pk)
    assert AnnotationRun.objects.get(pk=old.pk).status == "skipped"
    assert AnnotationRun.objects.get(pk=new.pk).status == "succeeded"
    assert _stored(article) == 1


# --- failures in plain words ------------------------------------------------------------------


def test_a_failure_says_what_the_run_was_doing_in_plain_words(
    client, reviewer, article, monkeypatch
):
    def boom(text, sources, *, nlp, on_stage, **kwargs):
        on_stage("parse")
        raise RuntimeError("the parser choked")

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", boom)
    monkeypatch.setattr(
        "annotations.nlp.pipeline.load_pipeline", lambda name: types.SimpleNamespace(meta={})
    )
    run = services.run_queue(article=article)
    with pytest.raises(RuntimeError):
        preannotate_article.apply(args=(article.pk, run.pk), throw=True)
    run.refresh_from_db()
    assert run.stage == "parse"  # the stage it failed in, not "failed"
    assert run.error == (
        "Pre-annotation failed while parsing this article: RuntimeError: the parser choked"
    )
    client.force_login(reviewer)
    body = client.get(f"/articles/{article.pk}/progress/").content.decode()
    assert "failed while parsing this article" in body and "“failed”" not in body


def test_a_run_past_its_time_limit_fails_saying_so(article, monkeypatch, settings):
    settings.FACTCHECK_RUN_TIME_LIMIT = 600

    def slow(text, sources, *, nlp, on_stage, **kwargs):
        on_stage("evidence")
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", slow)
    monkeypatch.setattr(
        "annotations.nlp.pipeline.load_pipeline", lambda name: types.SimpleNamespace(meta={})
    )
    run = services.run_queue(article=article)
    with pytest.raises(SoftTimeLimitExceeded):
        preannotate_article.apply(args=(article.pk, run.pk), throw=True)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "while matching the claims of this article: it took longer than the 10-minute" in (
        run.error
    )


@pytest.mark.django_db(transaction=True)
def test_a_running_attempt_keeps_its_heartbeat(article, monkeypatch, settings):
    """The heartbeat comes from its own thread, whatever the pipeline is busy with. (On
    PostgreSQL: the thread needs a connection of its own to the test database, which an
    in-memory SQLite test database does not give it.)"""
    import time

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a second connection to the test database: the PostgreSQL pass")

    settings.FACTCHECK_RUN_HEARTBEAT = 1
    beats = []

    def busy(text, sources, *, nlp, on_stage, **kwargs):
        before = AnnotationRun.objects.get(article=article).heartbeat_at
        time.sleep(1.6)
        beats.append((before, AnnotationRun.objects.get(article=article).heartbeat_at))
        return t.PreannotationResult(model="fake", article_length=len(text))

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", busy)
    monkeypatch.setattr(
        "annotations.nlp.pipeline.load_pipeline", lambda name: types.SimpleNamespace(meta={})
    )
    run = services.run_queue(article=article)
    run_execute(article_id=article.pk, run_id=run.pk, task_id="beating")
    [(before, after)] = beats
    assert after > before
    assert AnnotationRun.objects.get(pk=run.pk).status == "succeeded"
