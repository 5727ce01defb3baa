"""The machine measured by reviewer decisions: hand-built scenarios on two pipeline versions,
with the decisions made through the services, and the exact counts they must give."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from annotations import services
from annotations.models import AnnotationRun, Article, Attribution, Claim, Flag
from annotations.selectors.machine_quality import (
    ATTRIBUTION,
    CLAIM,
    PARTIAL_CREDIT,
    QualityRow,
    Version,
    machine_quality,
)
from tests import factories

pytestmark = pytest.mark.django_db

V10 = Version("1.0", "3.8.0")
V11 = Version("1.1", "3.8.0")


def run(article: Article, version: Version) -> AnnotationRun:
    return AnnotationRun.objects.create(
        article=article,
        pipeline_version=version.pipeline,
        model_version=version.model,
        status=AnnotationRun.Status.SUCCEEDED,
    )


def claim(article: Article, needle: str, r: AnnotationRun | None) -> Claim:
    return factories.claim(article, needle, run=r)


def attribution(article: Article, r: AnnotationRun, cue: str, content: str) -> Attribution:
    cs, ts = article.body.index(cue), article.body.index(content)
    return Attribution.objects.create(
        article=article,
        run=r,
        cue_start=cs,
        cue_end=cs + len(cue),
        cue_text=cue,
        content_start=ts,
        content_end=ts + len(content),
        content_text=content,
    )


def flag(c: Claim, kind: str) -> Flag:
    return Flag.objects.create(claim=c, type=kind, article_text="x", source_text="y")


def span(article: Article, needle: str) -> tuple[int, int]:
    s = article.body.index(needle)
    return s, s + len(needle)


@pytest.fixture
def world(reviewer, editor):
    """Article A under 1.0 and article B under 1.1, each reviewed in its own way."""
    a = factories.article(title="A")
    b = factories.article(title="B")
    r10, r11 = run(a, V10), run(b, V11)

    # A, claims: confirmed, rejected, corrected, pending, and one the reviewer added
    a1 = claim(a, "The city council spent $4.2 million", r10)
    a2 = claim(a, "the mayor said on Monday", r10)
    a3 = claim(a, "spending rose by 12 percent", r10)
    a4 = claim(a, "compared with 2024", r10)
    services.claim_confirm(claim_id=a1.pk, actor=reviewer, version=None)
    services.claim_reject(claim_id=a2.pk, actor=reviewer, version=None)
    s, e = span(a, "spending rose by 12 percent compared with 2024")
    services.claim_correct(claim_id=a3.pk, start=s, end=e, actor=reviewer, version=None)
    s, e = span(a, "on road repairs in 2025")
    services.claim_add(article=a, start=s, end=e, actor=reviewer)

    # A, attributions: confirmed, corrected, rejected, one added
    t1 = attribution(a, r10, "said", "The city council spent $4.2 million on road repairs")
    t2 = attribution(a, r10, "According to", "spending rose by 12 percent")
    t3 = attribution(a, r10, "rose", "by 12 percent")
    services.attribution_confirm(attribution_id=t1.pk, actor=reviewer, version=None)
    services.attribution_correct(
        attribution_id=t2.pk, actor=reviewer, version=None, speaker=span(a, "the audit office")
    )
    services.attribution_reject(attribution_id=t3.pk, actor=reviewer, version=None)
    services.attribution_add(
        article=a, actor=reviewer, cue=span(a, "said on Monday"), content=span(a, "in 2025")
    )

    # A, flags: kept on a confirmed claim, dismissed on a corrected one, pending, moot
    flag(a1, Flag.Type.NUMBER_MISMATCH)
    dismissed = flag(a3, Flag.Type.NUMBER_MISMATCH)
    services.flag_dismiss(flag_id=dismissed.pk, reason="The source rounds.", actor=editor)
    flag(a4, Flag.Type.RANGE_VS_POINT)  # pending claim
    flag(a2, Flag.Type.RANGE_VS_POINT)  # rejected claim

    # B, claims: two confirmed, one rejected, two added
    b1 = claim(b, "The city council spent $4.2 million", r11)
    b2 = claim(b, "the mayor said on Monday", r11)
    b3 = claim(b, "compared with 2024", r11)
    for c in (b1, b2):
        services.claim_confirm(claim_id=c.pk, actor=reviewer, version=None)
    services.claim_reject(claim_id=b3.pk, actor=reviewer, version=None)
    for needle in ("on road repairs in 2025", "spending rose by 12 percent"):
        s, e = span(b, needle)
        services.claim_add(article=b, start=s, end=e, actor=reviewer)
    # B, flags: dismissed and kept
    dismissed = flag(b1, Flag.Type.NUMBER_MISMATCH)
    services.flag_dismiss(flag_id=dismissed.pk, reason="Same figure.", actor=editor)
    flag(b2, Flag.Type.DATE_MISMATCH)
    return a, b


def row(kind: str, version: Version) -> QualityRow:
    found = machine_quality().row(kind, version)
    assert found is not None, (kind, version)
    return found


def test_claims_confirmed_rejected_corrected_added_and_pending_on_1_0(world):
    r = row(CLAIM, V10)
    counts = (r.true_positives, r.partial, r.false_positives, r.false_negatives, r.pending)
    assert counts == (1, 1, 1, 1, 1)
    # a corrected span is half a hit: (1 + 0.5) / 3 proposed, (1 + 0.5) / 3 relevant
    assert PARTIAL_CREDIT == 0.5
    assert r.hits == 1.5
    assert r.precision == pytest.approx(0.5)
    assert r.recall == pytest.approx(0.5)
    assert r.f1 == pytest.approx(0.5)


def test_the_other_version_is_counted_apart(world):
    r = row(CLAIM, V11)
    counts = (r.true_positives, r.partial, r.false_positives, r.false_negatives, r.pending)
    assert counts == (2, 0, 1, 2, 0)
    assert r.precision == pytest.approx(2 / 3)
    assert r.recall == pytest.approx(2 / 4)
    assert machine_quality().versions == [V10, V11]


def test_attributions(world):
    r = row(ATTRIBUTION, V10)
    counts = (r.true_positives, r.partial, r.false_positives, r.false_negatives, r.pending)
    assert counts == (1, 1, 1, 1, 0)
    assert r.precision == pytest.approx(0.5)
    assert r.recall == pytest.approx(0.5)
    assert machine_quality().row(ATTRIBUTION, V11) is None


def test_flags_dismissed_are_false_alarms_kept_are_true_ones(world):
    number10 = row("flag:number_mismatch", V10)
    assert (number10.true_positives, number10.false_positives) == (1, 1)
    assert number10.precision == pytest.approx(0.5)
    assert number10.recall is None  # missed flags cannot be known
    range10 = row("flag:range_vs_point", V10)
    assert (range10.pending, range10.moot, range10.proposed) == (1, 1, 0)
    assert range10.precision is None
    number11 = row("flag:number_mismatch", V11)
    assert (number11.true_positives, number11.false_positives) == (0, 1)
    date11 = row("flag:date_mismatch", V11)
    assert (date11.true_positives, date11.false_positives) == (1, 0)

    by_type = {r.kind: r for r in machine_quality().flags_by_type()}
    assert by_type["flag:number_mismatch"].precision == pytest.approx(1 / 3)
    assert by_type["flag:date_mismatch"].precision == 1.0
    assert by_type["flag:range_vs_point"].precision is None
    assert by_type["flag:number_mismatch"].label == "Flag: Number differs"


def test_a_decision_changes_the_counts(world, reviewer):
    a, _ = world
    pending = Claim.objects.get(article=a, text="compared with 2024")
    services.claim_reject(claim_id=pending.pk, actor=reviewer, version=None)
    r = row(CLAIM, V10)
    assert (r.false_positives, r.pending) == (2, 0)
    assert r.precision == pytest.approx(1.5 / 4)
    # and the pending flag on it is now moot
    assert row("flag:range_vs_point", V10).moot == 2


def test_an_added_claim_counts_against_the_run_before_it(reviewer):
    article = factories.article(title="Rerun")
    now = timezone.now()
    old, new = run(article, V10), run(article, V11)
    AnnotationRun.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2))
    AnnotationRun.objects.filter(pk=new.pk).update(created_at=now - timedelta(hours=1))
    early = services.claim_add(
        article=article, start=0, end=14, actor=reviewer
    )  # added while 1.0's output was on screen
    Claim.objects.filter(pk=early.pk).update(created_at=now - timedelta(days=1))
    s, e = span(article, "the mayor said on Monday")
    services.claim_add(article=article, start=s, end=e, actor=reviewer)
    assert row(CLAIM, V10).false_negatives == 1
    assert row(CLAIM, V11).false_negatives == 1


def test_a_failed_run_is_not_the_version_and_no_run_is_unknown(reviewer):
    article = factories.article(title="Runless")
    AnnotationRun.objects.create(
        article=article, pipeline_version="9.9", status=AnnotationRun.Status.FAILED
    )
    machine = claim(article, "the mayor said on Monday", None)
    services.claim_confirm(claim_id=machine.pk, actor=reviewer, version=None)
    r = row(CLAIM, Version(""))
    assert (r.true_positives, r.version.label) == (1, "unknown")


def test_it_takes_six_queries_whatever_the_size(world, reviewer, django_assert_num_queries):
    with django_assert_num_queries(6):
        before = machine_quality()
    a, _ = world
    r10 = AnnotationRun.objects.get(article=a)
    more = factories.article(title="More")
    Claim.objects.bulk_create(
        Claim(article=more, run=r10, start=i, end=i + 3, text=more.body[i : i + 3])
        for i in range(0, 60, 4)
    )
    with django_assert_num_queries(6):
        after = machine_quality()
    assert after.row(CLAIM, V10).pending == before.row(CLAIM, V10).pending + 15


def test_a_retrained_scorer_is_a_version_of_its_own(reviewer):
    old_article, new_article = factories.article(title="Old"), factories.article(title="New")
    for article, scorer in ((old_article, "cw-1"), (new_article, "cw-2")):
        r = run(article, V10)
        r.model_versions = {"checkworthy": scorer, "support": "rules"}
        r.save(update_fields=["model_versions"])
        c = claim(article, "the mayor said on Monday", r)
        services.claim_confirm(claim_id=c.pk, actor=reviewer, version=None)
    s, e = span(new_article, "spending rose by 12 percent")
    services.claim_add(article=new_article, start=s, end=e, actor=reviewer)

    old = row(CLAIM, Version("1.0", "3.8.0", "cw-1"))
    new = row(CLAIM, Version("1.0", "3.8.0", "cw-2"))
    assert (old.true_positives, old.false_negatives) == (1, 0)
    assert (new.true_positives, new.false_negatives) == (1, 1)
    assert new.version.label == "1.0 · model 3.8.0 · scorer cw-2"
    assert machine_quality().row(CLAIM, V10) is None
