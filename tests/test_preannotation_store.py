"""Storing pipeline output and running the task: reviewer work survives re-runs, retries are
no-ops, failures are visible. The pipeline is replaced by a fake here; the real model runs in
test_preannotation_seed.py."""

from __future__ import annotations

import types

import pytest
from django.db import OperationalError

from annotations import services
from annotations.models import AnnotationRun, Article, Attribution, Claim, Flag, Quantity
from annotations.nlp import types as t
from annotations.spans import SpanError
from annotations.tasks import preannotate_article
from tests import factories

pytestmark = pytest.mark.django_db


def _span(text: str, needle: str) -> t.Span:
    start = text.index(needle)
    return t.Span(start, start + len(needle), needle)


def fake_result(article: Article) -> t.PreannotationResult:
    body = article.body
    source = factories.first_source(article)
    sid = f"s{source.pk}"
    c1 = _span(body, "The city council spent $4.2 million on road repairs in 2025")
    c2 = _span(body, "spending rose by 12 percent compared with 2024")
    ev = _span(source.text, "The council's road budget was $3.9 million in 2025.")
    money = _span(body, "$4.2 million")
    return t.PreannotationResult(
        model="fake 0",
        article_length=len(body),
        claims=(
            t.Claim(
                id="c1",
                start=c1.start,
                end=c1.end,
                text=c1.text,
                score=0.9,
                kinds=("numeric",),
                support="contradicted",
                evidence=(t.Evidence(sid, ev.start, ev.end, ev.text, 0.7),),
                flags=(t.Flag("number_mismatch", "$4.2 million", "$3.9 million", "differs"),),
            ),
            t.Claim(
                id="c2",
                start=c2.start,
                end=c2.end,
                text=c2.text,
                score=0.7,
                kinds=("numeric", "comparison"),
                support="supported",
            ),
        ),
        attributions=(
            t.Attribution(
                id="a1",
                speaker=_span(body, "the mayor"),
                cue=_span(body, "said"),
                content=c1,
                direct=False,
                claim_id="c1",
            ),
        ),
        quantities=(
            t.Quantity(
                money.start, money.end, money.text, "money", 4.2e6, None, None, "USD", False
            ),
        ),
        entities=(t.Entity(money.start, money.end, money.text, "MONEY"),),
        sources=(t.SourceResult(id=sid, name=source.name, date=None, length=len(source.text)),),
        timings={"parse": 0.01},
    )


@pytest.fixture
def fake_pipeline(monkeypatch):
    calls = []

    def preannotate(text, sources, *, nlp, **kwargs):
        calls.append(text)
        article = Article.objects.get(body=text)
        return fake_result(article)

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", preannotate)
    monkeypatch.setattr(
        "annotations.nlp.pipeline.load_pipeline",
        lambda name: types.SimpleNamespace(meta={"version": "0.0", "name": "fake", "lang": "en"}),
    )
    return calls


def test_task_stores_everything_and_marks_the_article_ready(article, fake_pipeline):
    run = services.run_queue(article=article)
    preannotate_article.apply(args=(article.pk, run.pk))
    run.refresh_from_db()
    article.refresh_from_db()
    assert (run.status, run.progress, article.status) == ("succeeded", 100, "ready")
    assert run.model_version == "0.0" and "parse" in run.timings and "load_model" in run.timings
    claim = article.claims.get(start=article.body.index("The city council"))
    assert claim.support == "contradicted" and claim.kinds == ["numeric"]
    assert claim.flags.get().type == "number_mismatch"
    assert claim.evidence.get().text.startswith("The council's road budget")
    assert claim.attributions.get().speaker_text == "the mayor"
    assert Quantity.objects.get(article=article).value == 4.2e6


def test_a_retry_of_a_finished_run_changes_nothing(article, fake_pipeline):
    run = services.run_queue(article=article)
    preannotate_article.apply(args=(article.pk, run.pk))
    ids = sorted(article.claims.values_list("pk", flat=True))
    preannotate_article.apply(args=(article.pk, run.pk))
    assert len(fake_pipeline) == 1
    assert sorted(article.claims.values_list("pk", flat=True)) == ids


def test_rerun_keeps_reviewer_work_and_replaces_untouched_suggestions(
    article, fake_pipeline, reviewer
):
    run = services.run_queue(article=article)
    preannotate_article.apply(args=(article.pk, run.pk))
    first, second = article.claims.order_by("start")
    services.claim_confirm(claim_id=first.pk, actor=reviewer, version=first.version)
    added = services.claim_add(article=article, start=0, end=14, actor=reviewer)
    rejected_attr = Attribution.objects.get(article=article)
    services.attribution_reject(attribution_id=rejected_attr.pk, actor=reviewer, version=1)

    run2 = services.run_queue(article=article)
    preannotate_article.apply(args=(article.pk, run2.pk))
    claims = {c.pk: c for c in article.claims.all()}
    assert first.pk in claims and claims[first.pk].review_state == "confirmed"
    assert added.pk in claims
    assert second.pk not in claims  # untouched: replaced by the new run's copy
    assert article.claims.filter(text=second.text).count() == 1
    assert article.claims.filter(text=first.text).count() == 1  # not duplicated
    assert Attribution.objects.filter(article=article).count() == 1  # the rejected one stays
    assert Attribution.objects.get(article=article).review_state == "rejected"
    assert Flag.objects.filter(claim=first).count() == 1


def test_a_failure_leaves_a_visible_failed_state(article, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("model exploded")

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", boom)
    monkeypatch.setattr(
        "annotations.nlp.pipeline.load_pipeline", lambda name: types.SimpleNamespace(meta={})
    )
    run = services.run_queue(article=article)
    with pytest.raises(RuntimeError):
        preannotate_article.apply(args=(article.pk, run.pk), throw=True)
    run.refresh_from_db()
    article.refresh_from_db()
    assert run.status == "failed" and "model exploded" in run.error
    assert article.status == "failed"
    assert not Claim.objects.filter(article=article).exists()


def test_bad_offsets_from_the_pipeline_store_nothing(article, monkeypatch, fake_pipeline):
    def broken(text, sources, *, nlp, **kwargs):
        result = fake_result(Article.objects.get(body=text))
        bad = t.Claim(id="c9", start=5, end=99_999, text="x", score=0.5)
        return t.PreannotationResult(
            model="fake", article_length=len(text), claims=(*result.claims, bad)
        )

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", broken)
    run = services.run_queue(article=article)
    with pytest.raises(SpanError):
        preannotate_article.apply(args=(article.pk, run.pk), throw=True)
    assert not Claim.objects.filter(article=article).exists()
    assert AnnotationRun.objects.get(pk=run.pk).status == "failed"


def test_transient_database_errors_are_retried(article, monkeypatch, fake_pipeline):
    attempts = []
    real = services.preannotation.preannotation_store

    def flaky(**kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr("annotations.services.preannotation.preannotation_store", flaky)
    monkeypatch.setattr(
        "annotations.tasks.preannotate_article.retry",
        lambda exc, countdown: (_ for _ in ()).throw(exc),
    )
    run = services.run_queue(article=article)
    with pytest.raises(OperationalError):
        preannotate_article.apply(args=(article.pk, run.pk), throw=True)
    run.refresh_from_db()
    assert run.status == "queued" and "will retry" in run.error
    preannotate_article.apply(args=(article.pk, run.pk), throw=True)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.attempts == 2


def test_an_older_queued_run_is_superseded(article, fake_pipeline):
    old = services.run_queue(article=article)
    new = services.run_queue(article=article)
    preannotate_article.apply(args=(article.pk, old.pk))
    assert AnnotationRun.objects.get(pk=old.pk).status == "skipped"
    preannotate_article.apply(args=(article.pk, new.pk))
    assert AnnotationRun.objects.get(pk=new.pk).status == "succeeded"
    assert len(fake_pipeline) == 1


def test_progress_moves_as_pipeline_stages_start(article, monkeypatch, fake_pipeline):
    seen = []

    def staged(text, sources, *, nlp, on_stage, **kwargs):
        for name in ("layout", "parse", "evidence"):
            on_stage(name)
            run = AnnotationRun.objects.get(article=article)
            seen.append((run.stage, run.progress))
        return fake_result(Article.objects.get(body=text))

    monkeypatch.setattr("annotations.nlp.preannotate.preannotate", staged)
    run = services.run_queue(article=article)
    preannotate_article.apply(args=(article.pk, run.pk))
    assert seen == [("layout", 15), ("parse", 20), ("evidence", 75)]
    run.refresh_from_db()
    assert (run.stage, run.progress) == ("done", 100)
