"""The blind double review's state machine, through the services: require → first review
submitted → second review submitted → adjudicated → publishable; the second reviewer never
sees the first's decisions before both are in; one person cannot be both; stale versions are
conflicts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from annotations import services
from annotations.models import (
    AdjudicationDecision,
    Attribution,
    AuditEvent,
    AuditVerb,
    Claim,
    DoubleReview,
    Rating,
    ReviewPass,
    ReviewState,
)
from annotations.selectors import double_review as read
from annotations.services import double_review as dr
from tests import factories, scenarios

pytestmark = pytest.mark.django_db

Stage = DoubleReview.Stage
AID_TRIMMED = "Moscow's reciprocal aid to Pyongyang has been limited to food, oil"


def rating(label: str) -> Rating:
    return Rating.objects.get(label=label)


@pytest.fixture
def people():
    return (
        factories.user("rita", role="reviewer"),
        factories.user("sam", role="reviewer"),
        factories.user("eddie", role="editor"),
    )


def first_review(seed: scenarios.Seed, rita) -> None:
    """Rita's review on the article page: the canonical records."""
    verdict = services.verdict_save(
        claim=seed.arms, rating=rating("Mixed"), rationale="A range.", actor=rita
    )
    services.verdict_submit(verdict=verdict, actor=rita)
    services.attribution_confirm(attribution_id=seed.attribution.pk, actor=rita, version=None)
    start = seed.article.body.index(AID_TRIMMED)
    services.claim_correct(
        claim_id=seed.aid.pk, start=start, end=start + len(AID_TRIMMED), actor=rita, version=None
    )
    services.claim_reject(claim_id=seed.soldiers.pk, actor=rita, version=None)
    services.claim_confirm(claim_id=seed.budanov.pk, actor=rita, version=None)


def second_decisions(seed: scenarios.Seed) -> list[dr.DecisionInput]:
    """Sam's, blind: keeps arms (rated True, speaker trimmed), the aid claim as the machine
    had it, the soldiers; rejects Budanov's."""
    return [
        dr.DecisionInput(
            seed.arms.pk,
            True,
            rating_id=rating("True").pk,
            attributions={
                seed.attribution.pk: dr.AttributionInput(True, "Friedrich Naumann Foundation")
            },
        ),
        dr.DecisionInput(seed.aid.pk, True),
        dr.DecisionInput(seed.soldiers.pk, True),
        dr.DecisionInput(seed.budanov.pk, False),
    ]


def stage(seed) -> str:
    return DoubleReview.objects.get(article=seed.article).stage


def test_whole_way_from_required_to_published(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    dr.double_review_set(article=seed.article, required=True, actor=eddie)
    assert stage(seed) == Stage.AWAITING_FIRST
    first_review(seed, rita)
    verdict = seed.arms.verdict
    with pytest.raises(services.ServiceError, match="blind second review"):
        services.verdict_publish(verdict=verdict, actor=eddie)

    dr.review_pass_submit_first(article=seed.article, actor=rita)
    assert stage(seed) == Stage.AWAITING_SECOND
    first = ReviewPass.objects.get(article=seed.article, number=1)
    kept = {d.claim_id: d.accepted for d in first.decisions.all()}
    assert kept == {
        seed.arms.pk: True,
        seed.aid.pk: True,
        seed.soldiers.pk: False,
        seed.budanov.pk: True,
    }

    own = dr.second_review_save(article=seed.article, actor=sam, decisions=second_decisions(seed))
    assert own.status == ReviewPass.Status.IN_PROGRESS and stage(seed) == Stage.AWAITING_SECOND
    dr.second_review_save(
        article=seed.article,
        actor=sam,
        decisions=second_decisions(seed),
        submit=True,
        version=own.version,
    )
    assert stage(seed) == Stage.AWAITING_ADJUDICATION
    with pytest.raises(services.ServiceError, match="blind second review"):
        services.verdict_publish(verdict=verdict, actor=eddie)

    state = read.adjudication(article=seed.article)
    found = {(d.claim.pk, d.aspect) for d in state.disagreements}
    assert found == {
        (seed.arms.pk, "rating"),
        (seed.arms.pk, f"attribution:{seed.attribution.pk}"),
        (seed.aid.pk, "span"),
        (seed.soldiers.pk, "accept"),
        (seed.budanov.pk, "accept"),
    }
    # accept/reject: 2 of 4 agree; marginals 3/1 and 3/1: p_e = 10/16, kappa = -1/3
    figures = state.figures
    assert (figures.accept.agree, figures.accept.n) == (2, 4)
    assert figures.accept.kappa == pytest.approx(-1 / 3)
    # spans on the 2 claims both kept (arms identical; aid trimmed inside the machine's span)
    aid_len = len(seed.aid.text)
    assert figures.spans.n == 2 and figures.spans.identical == 1
    assert figures.spans.mean_jaccard == pytest.approx((1 + len(AID_TRIMMED) / aid_len) / 2)
    assert figures.ratings.n == 1 and figures.ratings.agree == 0

    with pytest.raises(services.ServiceError, match="not settled"):
        dr.adjudication_finish(article=seed.article, actor=eddie)

    arms = Claim.objects.get(pk=seed.arms.pk)
    dr.adjudicate(
        article=seed.article,
        claim_id=arms.pk,
        aspect="rating",
        choice="second",
        actor=eddie,
        version=arms.verdict.version,
    )
    attribution = Attribution.objects.get(pk=seed.attribution.pk)
    dr.adjudicate(
        article=seed.article,
        claim_id=arms.pk,
        aspect=f"attribution:{attribution.pk}",
        choice="second",
        actor=eddie,
        version=attribution.version,
    )
    aid = Claim.objects.get(pk=seed.aid.pk)
    dr.adjudicate(
        article=seed.article,
        claim_id=aid.pk,
        aspect="span",
        choice="typed",
        typed="Moscow's reciprocal aid to Pyongyang",
        actor=eddie,
        version=aid.version,
    )
    soldiers = Claim.objects.get(pk=seed.soldiers.pk)
    dr.adjudicate(
        article=seed.article,
        claim_id=soldiers.pk,
        aspect="accept",
        choice="second",
        actor=eddie,
        version=soldiers.version,
    )
    budanov = Claim.objects.get(pk=seed.budanov.pk)
    dr.adjudicate(
        article=seed.article,
        claim_id=budanov.pk,
        aspect="accept",
        choice="first",
        actor=eddie,
        version=budanov.version,
    )

    # applied to the canonical records, through the ordinary services
    arms.verdict.refresh_from_db()
    assert arms.verdict.rating.label == "True"
    attribution.refresh_from_db()
    assert attribution.speaker_text == "Friedrich Naumann Foundation"
    aid.refresh_from_db()
    assert aid.text == "Moscow's reciprocal aid to Pyongyang"
    soldiers.refresh_from_db()
    assert soldiers.review_state == ReviewState.CONFIRMED
    assert Claim.objects.get(pk=budanov.pk).review_state == ReviewState.CONFIRMED
    verbs = set(
        AuditEvent.objects.filter(article=seed.article, actor=eddie).values_list("verb", flat=True)
    )
    assert {
        AuditVerb.ADJUDICATION_DECIDE,
        AuditVerb.VERDICT_UPDATE,
        AuditVerb.CLAIM_CORRECT,
        AuditVerb.ATTRIBUTION_CORRECT,
        AuditVerb.CLAIM_REOPEN,
    } <= verbs

    # final: a settled disagreement cannot be decided again
    with pytest.raises(services.ServiceError, match="settled already"):
        dr.adjudicate(
            article=seed.article,
            claim_id=budanov.pk,
            aspect="accept",
            choice="second",
            actor=eddie,
            version=None,
        )
    review = dr.adjudication_finish(article=seed.article, actor=eddie)
    assert review.stage == Stage.ADJUDICATED and review.adjudicated_by == eddie
    assert read.publication_block(seed.article) is None
    verdict = services.verdict_publish(verdict=arms.verdict, actor=eddie)
    assert verdict.is_published
    assert AdjudicationDecision.objects.filter(article=seed.article).count() == 5


def test_second_reviewer_sees_only_the_machine_and_their_own_until_both_are_in(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    dr.double_review_set(article=seed.article, required=True, actor=eddie)
    first_review(seed, rita)
    dr.review_pass_submit_first(article=seed.article, actor=rita)

    page = read.second_review_page(article=seed.article, user=sam)
    assert page.refusal == ""
    rows = {row.claim.pk: row for row in page.rows}
    # the machine's span, not Rita's correction; no decision of hers anywhere
    assert rows[seed.aid.pk].machine_text == seed.aid.text
    assert rows[seed.aid.pk].text == seed.aid.text
    assert all(row.accepted is None and row.rating_id is None for row in page.rows)
    arms_attribution = rows[seed.arms.pk].attributions[0]
    assert arms_attribution.accepted is None
    assert arms_attribution.speaker == "A Friedrich Naumann Foundation study"

    dr.second_review_save(article=seed.article, actor=sam, decisions=second_decisions(seed)[:1])
    assert read.must_stay_blind(seed.article, sam)
    assert not read.must_stay_blind(seed.article, rita)
    # the saves leave counts in the history, never decisions
    event = AuditEvent.objects.filter(verb=AuditVerb.REVIEW_PASS_SAVE).get()
    assert set(event.after) == {"pass", "decided", "claims", "stage"}
    page = read.second_review_page(article=seed.article, user=sam)
    rows = {row.claim.pk: row for row in page.rows}
    assert rows[seed.arms.pk].accepted is True and rows[seed.aid.pk].accepted is None
    assert read.adjudication(article=seed.article).disagreements == []  # not yet both in

    with pytest.raises(services.ServiceError, match="have no decision yet"):
        dr.second_review_save(
            article=seed.article,
            actor=sam,
            decisions=[],
            submit=True,
            version=page.review_pass.version,
        )
    dr.second_review_save(
        article=seed.article,
        actor=sam,
        decisions=second_decisions(seed),
        submit=True,
        version=page.review_pass.version,
    )
    assert not read.must_stay_blind(seed.article, sam)


def test_one_person_cannot_be_both_reviewers(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    dr.double_review_set(article=seed.article, required=True, actor=eddie)
    first_review(seed, rita)
    # Rita worked on the canonical review: not independent, even before she submits
    with pytest.raises(services.ServiceError, match="independent"):
        dr.second_review_save(article=seed.article, actor=rita, decisions=[])
    dr.review_pass_submit_first(article=seed.article, actor=rita)
    with pytest.raises(services.ServiceError, match="first review of this article"):
        dr.second_review_save(article=seed.article, actor=rita, decisions=[])
    with pytest.raises(services.ServiceError, match="already submitted the first review"):
        dr.review_pass_submit_first(article=seed.article, actor=sam)


def test_the_second_reviewer_cannot_then_submit_the_first(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    dr.double_review_set(article=seed.article, required=True, actor=eddie)
    dr.second_review_save(article=seed.article, actor=sam, decisions=second_decisions(seed))
    first_review(seed, rita)
    with pytest.raises(services.ServiceError, match="You are doing the second review"):
        dr.review_pass_submit_first(article=seed.article, actor=sam)
    other = factories.user("olive", role="reviewer")
    with pytest.raises(services.ServiceError, match="sam is doing the second review"):
        dr.second_review_save(article=seed.article, actor=other, decisions=[])


def test_refusals_leave_nothing_half_stored(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    with pytest.raises(services.ServiceError, match="does not need a second review"):
        dr.review_pass_submit_first(article=seed.article, actor=rita)
    with pytest.raises(PermissionDenied):
        dr.double_review_set(article=seed.article, required=True, actor=rita)
    dr.double_review_set(article=seed.article, required=True, actor=eddie)
    with pytest.raises(services.ServiceError, match="4 of 4 claims are still pending"):
        dr.review_pass_submit_first(article=seed.article, actor=rita)
    assert not ReviewPass.objects.exists()
    bad = [dr.DecisionInput(seed.arms.pk, True, text="words the article never had")]
    with pytest.raises(services.ServiceError, match="is not in the article"):
        dr.second_review_save(article=seed.article, actor=sam, decisions=bad)
    assert not ReviewPass.objects.exists()  # the pass made for the save went with it
    other = factories.article(title="Other")
    foreign = factories.claim(other, other.body[:20])
    with pytest.raises(services.ServiceError, match="this article's claims"):
        dr.second_review_save(
            article=seed.article, actor=sam, decisions=[dr.DecisionInput(foreign.pk, True)]
        )


def test_stale_versions_are_conflicts(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    review = dr.double_review_set(article=seed.article, required=True, actor=eddie)
    with pytest.raises(dr.StaleReview):
        dr.double_review_set(
            article=seed.article, required=False, actor=eddie, version=review.version - 1
        )
    own = dr.second_review_save(article=seed.article, actor=sam, decisions=[])
    with pytest.raises(dr.StaleReview):
        dr.second_review_save(article=seed.article, actor=sam, decisions=[], version=None)
    first_review(seed, rita)
    dr.review_pass_submit_first(article=seed.article, actor=rita)
    dr.second_review_save(
        article=seed.article,
        actor=sam,
        decisions=second_decisions(seed),
        submit=True,
        version=own.version,
    )
    # someone edits the claim after the editor opened the adjudication page
    soldiers = Claim.objects.get(pk=seed.soldiers.pk)
    seen = soldiers.version
    services.claim_reopen(claim_id=soldiers.pk, actor=rita, version=seen)
    with pytest.raises(services.ConflictError):
        dr.adjudicate(
            article=seed.article,
            claim_id=soldiers.pk,
            aspect="accept",
            choice="second",
            actor=eddie,
            version=seen,
        )
    assert not AdjudicationDecision.objects.exists()  # nothing half-stored


def test_desk_default_requires_it_without_a_row(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    services.verdict_save(claim=seed.arms, rating=rating("Mixed"), rationale="A.", actor=eddie)
    assert read.publication_block(seed.article) is None
    with override_settings(FACTCHECK_DOUBLE_REVIEW_DEFAULT=True):
        assert read.stage_of(seed.article) == Stage.AWAITING_FIRST
        with pytest.raises(services.ServiceError, match="blind second review"):
            services.verdict_publish(verdict=seed.arms.verdict, actor=eddie)
        # an editor waives it for this article
        dr.double_review_set(article=seed.article, required=False, actor=eddie)
        assert services.verdict_publish(verdict=seed.arms.verdict, actor=eddie).is_published


def test_desk_agreement_pools_articles_in_the_date_range(people):
    rita, sam, eddie = people
    seed = scenarios.build()
    dr.double_review_set(article=seed.article, required=True, actor=eddie)
    first_review(seed, rita)
    dr.review_pass_submit_first(article=seed.article, actor=rita)
    dr.second_review_save(
        article=seed.article, actor=sam, decisions=second_decisions(seed), submit=True
    )
    from django.utils import timezone

    today = timezone.localdate()
    desk = read.desk_agreement(date_from=today, date_to=today)
    assert desk.figures.articles == 1 and desk.figures.claims == 4
    assert desk.figures.accept.agree == 2
    empty = read.desk_agreement(
        date_from=today.replace(year=today.year - 1), date_to=today.replace(year=today.year - 1)
    )
    assert empty.figures.claims == 0 and empty.figures.accept.kappa is None


def test_the_database_refuses_one_person_in_both_passes(people):
    from django.db import IntegrityError, transaction

    rita, sam, eddie = people
    seed = scenarios.build()
    ReviewPass.objects.create(article=seed.article, number=1, reviewer=rita)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewPass.objects.create(article=seed.article, number=2, reviewer=rita)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewPass.objects.create(article=seed.article, number=1, reviewer=sam)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewPass.objects.create(article=seed.article, number=3, reviewer=sam)
