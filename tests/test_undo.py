"""Undo (Ctrl+Z): a reviewer's last change on an article taken back through the services,
audited as an undo, refused when there is nothing to undo or someone changed the record since."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from annotations import services
from annotations.models import (
    Attribution,
    AuditEvent,
    AuditVerb,
    Claim,
    Rating,
    ReviewState,
    Verdict,
)
from annotations.services.undo import NothingToUndo, undo_last
from tests import factories, scenarios

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed():
    return scenarios.build()


def _rating(label: str) -> Rating:
    return Rating.objects.get(label=label)


def _undo_events(user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=AuditVerb.UNDO, actor=user).order_by("pk"))


def test_undo_a_confirm_puts_the_claim_back_to_pending_and_is_audited(seed, reviewer):
    services.claim_confirm(claim_id=seed.aid.pk, actor=reviewer, version=1)
    confirm = AuditEvent.objects.get(verb=AuditVerb.CLAIM_CONFIRM)

    undone = undo_last(user=reviewer, article=seed.article)

    claim = Claim.objects.get(pk=seed.aid.pk)
    assert (claim.review_state, claim.version) == (ReviewState.PENDING, 3)
    assert undone.event == confirm and undone.claim == claim
    assert undone.label == "confirmed the claim"
    [undo] = _undo_events(reviewer)
    assert (undo.target_type, undo.target_id, undo.article) == ("claim", claim.pk, seed.article)
    assert undo.after["undone_events"] == [confirm.pk] and undo.after["undid"] == undone.label
    reopen = AuditEvent.objects.get(verb=AuditVerb.CLAIM_REOPEN)
    assert reopen.actor == reviewer and undo.after["undo_events"] == [reopen.pk]


def test_undo_a_reject_restores_the_confirmed_state_it_had(seed, reviewer):
    services.claim_confirm(claim_id=seed.aid.pk, actor=reviewer, version=1)
    services.claim_reject(claim_id=seed.aid.pk, actor=reviewer, version=2)

    undo_last(user=reviewer, article=seed.article)

    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.CONFIRMED


def test_undo_a_span_correction_restores_the_machine_span_and_forgets_the_correction(
    seed, reviewer
):
    original = Claim.objects.get(pk=seed.soldiers.pk)
    start = seed.article.body.index("roughly 15,000")
    services.claim_correct(
        claim_id=original.pk, start=start, end=original.end, actor=reviewer, version=1
    )
    assert Claim.objects.get(pk=original.pk).machine_start == original.start

    undo_last(user=reviewer, article=seed.article)

    claim = Claim.objects.get(pk=original.pk)
    assert (claim.start, claim.end, claim.text) == (original.start, original.end, original.text)
    assert claim.review_state == ReviewState.PENDING
    assert (claim.machine_start, claim.machine_end, claim.machine_text) == (None, None, "")


def test_undoing_twice_reaches_further_back_and_never_undoes_the_undo(seed, reviewer):
    services.claim_confirm(claim_id=seed.aid.pk, actor=reviewer, version=1)
    services.claim_reject(claim_id=seed.arms.pk, actor=reviewer, version=1)

    first = undo_last(user=reviewer, article=seed.article)
    second = undo_last(user=reviewer, article=seed.article)

    assert (first.claim.pk, second.claim.pk) == (seed.arms.pk, seed.aid.pk)
    states = dict(Claim.objects.values_list("pk", "review_state"))
    assert states[seed.arms.pk] == states[seed.aid.pk] == ReviewState.PENDING
    with pytest.raises(NothingToUndo):
        undo_last(user=reviewer, article=seed.article)


def test_undo_an_attribution_edit_restores_its_parts_and_state(seed, reviewer):
    before = Attribution.objects.get(pk=seed.attribution.pk)
    body = seed.article.body
    start = body.index("Friedrich Naumann Foundation")
    services.attribution_correct(
        attribution_id=before.pk,
        actor=reviewer,
        version=1,
        speaker=(start, start + len("Friedrich Naumann Foundation")),
    )

    undone = undo_last(user=reviewer, article=seed.article)

    a = Attribution.objects.get(pk=before.pk)
    assert (a.speaker_start, a.speaker_end, a.speaker_text) == (
        before.speaker_start,
        before.speaker_end,
        before.speaker_text,
    )
    assert a.review_state == ReviewState.PENDING and a.machine_snapshot is None
    assert undone.claim == seed.arms


def test_undo_an_attribution_confirm(seed, reviewer):
    services.attribution_confirm(attribution_id=seed.attribution.pk, actor=reviewer, version=1)
    undo_last(user=reviewer, article=seed.article)
    assert Attribution.objects.get(pk=seed.attribution.pk).review_state == ReviewState.PENDING


def test_undo_a_first_verdict_discards_it_and_reopens_the_claim_it_confirmed(seed, reviewer):
    services.verdict_save(
        claim=seed.budanov, rating=_rating("Mixed"), rationale="Half of it.", actor=reviewer
    )
    assert Claim.objects.get(pk=seed.budanov.pk).review_state == ReviewState.CONFIRMED

    undone = undo_last(user=reviewer, article=seed.article)

    assert undone.label == "gave a verdict"
    assert not Verdict.objects.filter(claim=seed.budanov).exists()
    assert Claim.objects.get(pk=seed.budanov.pk).review_state == ReviewState.PENDING
    # the verdict and the confirm it made came back in one step: nothing else to undo
    with pytest.raises(NothingToUndo):
        undo_last(user=reviewer, article=seed.article)


def test_undo_a_verdict_edit_restores_the_previous_rating_rationale_and_submission(seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.aid, rating=_rating("Mixed"), rationale="First reading.", actor=reviewer
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer, version=verdict.version)
    services.verdict_save(
        claim=seed.aid,
        rating=_rating("False"),
        rationale="Second reading.",
        actor=reviewer,
        version=verdict.version,
    )
    # the submission is not undoable, so undo the edit only once the edit is the last change
    undone = undo_last(user=reviewer, article=seed.article)

    assert undone.label == "updated the verdict"
    verdict = Verdict.objects.get(claim=seed.aid)
    assert (verdict.rating.label, verdict.rationale) == ("Mixed", "First reading.")
    assert verdict.state == Verdict.State.SUBMITTED


def test_nothing_to_undo_is_refused_clearly(seed, reviewer):
    other = factories.user("bob")
    services.claim_confirm(claim_id=seed.aid.pk, actor=other, version=1)
    with pytest.raises(NothingToUndo, match="Nothing to undo"):
        undo_last(user=reviewer, article=seed.article)
    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.CONFIRMED


def test_a_change_ctrl_z_cannot_take_back_is_named_not_skipped(seed, reviewer):
    services.claim_confirm(claim_id=seed.aid.pk, actor=reviewer, version=1)
    verdict = services.verdict_save(
        claim=seed.arms, rating=_rating("Mixed"), rationale="Range.", actor=reviewer
    )
    services.verdict_submit(verdict=verdict, actor=reviewer, version=verdict.version)
    with pytest.raises(services.ServiceError, match="submitted the verdict for publication"):
        undo_last(user=reviewer, article=seed.article)
    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.CONFIRMED


def test_someone_elses_change_since_is_a_conflict_and_nothing_is_undone(seed, reviewer):
    services.claim_confirm(claim_id=seed.aid.pk, actor=reviewer, version=1)
    bob = factories.user("bob")
    services.claim_reject(claim_id=seed.aid.pk, actor=bob, version=2)

    with pytest.raises(services.ConflictError) as info:
        undo_last(user=reviewer, article=seed.article)

    assert info.value.changed_by == "bob"
    claim = Claim.objects.get(pk=seed.aid.pk)
    assert (claim.review_state, claim.version) == (ReviewState.REJECTED, 3)
    assert _undo_events(reviewer) == []


def test_a_conflict_on_the_claim_a_verdict_confirmed_rolls_back_the_whole_undo(seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.budanov, rating=_rating("Mixed"), rationale="Half.", actor=reviewer
    )
    bob = factories.user("bob")
    services.claim_correct(
        claim_id=seed.budanov.pk,
        start=seed.budanov.start,
        end=seed.budanov.end - 1,
        actor=bob,
        version=2,
    )
    with pytest.raises(services.ConflictError):
        undo_last(user=reviewer, article=seed.article)
    assert Verdict.objects.filter(pk=verdict.pk).exists()
    assert _undo_events(reviewer) == []


def test_only_reviewers_undo(seed, outsider):
    with pytest.raises(PermissionDenied):
        undo_last(user=outsider, article=seed.article)


def test_the_view_answers_409_on_a_conflict_and_400_with_nothing_to_undo(seed, reviewer):
    client = Client()
    client.force_login(reviewer)
    url = reverse("annotations:article_undo", args=[seed.article.pk])
    headers = {"HX-Request": "true"}

    response = client.post(url, headers=headers)
    assert response.status_code == 400
    assert "Nothing to undo" in response.content.decode()

    services.claim_confirm(claim_id=seed.aid.pk, actor=reviewer, version=1)
    response = client.post(url, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="claim-panel"' in html and "Pending" in html

    services.claim_confirm(claim_id=seed.aid.pk, actor=reviewer, version=3)
    services.claim_reject(claim_id=seed.aid.pk, actor=factories.user("bob"), version=4)
    response = client.post(url, headers=headers)
    assert response.status_code == 409
    assert "bob" in response.content.decode()
