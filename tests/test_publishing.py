"""The editorial gate as services: every step of a verdict's way to the public, who may take
it, and what the public sees at each point (read through ``claimreview.records``, as every
public surface reads it)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from annotations import roles, services
from annotations.models import (
    Article,
    AuditEvent,
    Claim,
    CorrectionNotice,
    Flag,
    Rating,
    ReviewState,
    Verdict,
    VerdictRevision,
)
from annotations.selectors import claimant_options, verdict_revisions
from annotations.selectors.verdicts import word_diff
from claimreview.records import review_record_for_claim
from tests import factories, scenarios

pytestmark = pytest.mark.django_db


def rating(label: str) -> Rating:
    return Rating.objects.get(scale__is_default=True, label=label)


@pytest.fixture
def seed():
    return scenarios.build()


def draft(seed, actor, label: str = "Mixed", **extra) -> Verdict:
    return services.verdict_save(
        claim=seed.arms,
        rating=rating(label),
        rationale="The source gives one figure, $9.8 billion, not a range.",
        actor=actor,
        **extra,
    )


def published(seed, reviewer, editor) -> Verdict:
    verdict = services.verdict_submit(verdict=draft(seed, reviewer), actor=reviewer)
    return services.verdict_publish(verdict=verdict, actor=editor)


def verbs(verdict: Verdict) -> list[str]:
    events = AuditEvent.objects.filter(target_type="verdict", target_id=verdict.pk)
    return list(events.order_by("id").values_list("verb", flat=True))


# --- the gate -------------------------------------------------------------------------------


def test_a_reviewer_drafts_and_submits_but_cannot_publish_send_back_or_withdraw(
    seed, reviewer, editor
):
    verdict = draft(seed, reviewer)
    assert verdict.state == Verdict.State.DRAFT and not verdict.is_published
    assert review_record_for_claim(seed.arms.pk) is None  # nothing public
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    assert verdict.state == Verdict.State.SUBMITTED
    with pytest.raises(PermissionDenied, match="Only editors can publish"):
        services.verdict_publish(verdict=verdict, actor=reviewer)
    with pytest.raises(PermissionDenied, match="Only editors can send back"):
        services.verdict_return(verdict=verdict, actor=reviewer, note="no")
    live = services.verdict_publish(verdict=verdict, actor=editor)
    with pytest.raises(PermissionDenied, match="Only editors can withdraw"):
        services.verdict_withdraw(verdict=live, actor=reviewer, reason="no")
    assert Verdict.objects.get(pk=verdict.pk).is_published


def test_publishing_makes_revision_1_what_the_public_sees(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    assert verdict.state == Verdict.State.PUBLISHED
    revision = verdict.published_revision
    assert (revision.number, revision.rating.label, revision.correction_note) == (1, "Mixed", "")
    assert revision.author == reviewer and revision.published_by == editor
    assert list(revision.evidence.all()) == list(verdict.evidence.all())
    record = review_record_for_claim(seed.arms.pk)
    assert record.verdict_label == "Mixed" and record.date_modified is None
    assert verbs(verdict) == ["verdict.create", "verdict.submit", "verdict.publish"]


def test_an_editor_publishes_their_own_draft_but_not_a_reviewers_unsubmitted_one(
    seed, reviewer, editor
):
    mine = services.verdict_save(
        claim=seed.aid, rating=rating("False"), rationale="Off by a lot.", actor=editor
    )
    assert services.verdict_publish(verdict=mine, actor=editor).is_published
    theirs = draft(seed, reviewer)
    with pytest.raises(services.ServiceError, match="not submitted"):
        services.verdict_publish(verdict=theirs, actor=editor)


def test_editing_a_published_verdict_drafts_a_revision_the_public_does_not_see(
    seed, reviewer, editor
):
    verdict = published(seed, reviewer, editor)
    edited = services.verdict_save(
        claim=seed.arms,
        rating=rating("True"),
        rationale="Changed my mind.",
        actor=reviewer,
        version=verdict.version,
    )
    assert edited.state == Verdict.State.DRAFT and edited.has_pending_revision
    assert edited.is_published
    record = review_record_for_claim(seed.arms.pk)
    assert record.verdict_label == "Mixed"  # still revision 1
    assert record.rating_explanation == "The source gives one figure, $9.8 billion, not a range."
    # Submitting does not publish either.
    services.verdict_submit(verdict=edited, actor=reviewer)
    assert review_record_for_claim(seed.arms.pk).verdict_label == "Mixed"


def test_a_correction_needs_a_note_is_logged_and_bumps_date_modified(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    edited = draft(seed, reviewer, "Mostly false", version=verdict.version)
    edited = services.verdict_submit(verdict=edited, actor=reviewer)
    with pytest.raises(services.ServiceError, match="correction note"):
        services.verdict_publish(verdict=edited, actor=editor, note="  ")
    corrected = services.verdict_publish(
        verdict=edited, actor=editor, note="The range was the article's own."
    )
    revision = corrected.published_revision
    assert revision.number == 2 and revision.correction_note == "The range was the article's own."
    notice = CorrectionNotice.objects.get(verdict=verdict)
    assert (notice.kind, notice.revision, notice.created_by) == ("correction", revision, editor)
    record = review_record_for_claim(seed.arms.pk)
    assert record.verdict_label == "Mostly false"
    assert record.date_modified == revision.published_at
    assert record.date_published == verdict.published_at  # the first publication stays
    assert verbs(verdict)[-1] == "verdict.correct"
    assert VerdictRevision.objects.filter(verdict=verdict).count() == 2


def test_nothing_to_publish_when_the_draft_equals_the_public_revision(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    same = draft(seed, reviewer, version=verdict.version)
    # An edit that changes nothing leaves the verdict as published: no phantom revision.
    assert same.state == Verdict.State.PUBLISHED and not same.has_pending_revision
    with pytest.raises(services.ServiceError, match="Nothing to submit"):
        services.verdict_submit(verdict=same, actor=reviewer)
    with pytest.raises(services.ServiceError, match="published already"):
        services.verdict_publish(verdict=same, actor=editor, note="again")


def test_sending_back_needs_a_note_which_the_reviewer_sees_until_resubmitting(
    seed, reviewer, editor
):
    verdict = services.verdict_submit(verdict=draft(seed, reviewer), actor=reviewer)
    with pytest.raises(services.ServiceError, match="what should change"):
        services.verdict_return(verdict=verdict, actor=editor, note="")
    returned = services.verdict_return(verdict=verdict, actor=editor, note="Cite the FAZ piece.")
    assert returned.state == Verdict.State.DRAFT and returned.return_note == "Cite the FAZ piece."
    with pytest.raises(services.ServiceError, match="waiting for an editor"):
        services.verdict_return(verdict=returned, actor=editor, note="again")
    edited = draft(seed, reviewer, "Mostly false", version=returned.version)
    assert edited.return_note == "Cite the FAZ piece."
    resubmitted = services.verdict_submit(verdict=edited, actor=reviewer)
    assert resubmitted.return_note == ""
    assert "verdict.return" in verbs(verdict)


def test_withdrawing_needs_a_reason_and_leaves_a_notice(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    with pytest.raises(services.ServiceError, match="Say why"):
        services.verdict_withdraw(verdict=verdict, actor=editor, reason=" ")
    gone = services.verdict_withdraw(verdict=verdict, actor=editor, reason="Source retracted.")
    assert not gone.is_published and gone.withdrawn_at is not None
    assert gone.state == Verdict.State.WITHDRAWN
    assert review_record_for_claim(seed.arms.pk) is None
    notice = CorrectionNotice.objects.get(verdict=verdict, kind="withdrawal")
    assert notice.note == "Source retracted." and notice.revision == gone.published_revision
    with pytest.raises(services.ServiceError, match="Only a published verdict"):
        services.verdict_withdraw(verdict=gone, actor=editor, reason="twice")
    with pytest.raises(services.ServiceError, match="withdrawn"):
        services.verdict_publish(verdict=gone, actor=editor, note="back")


def test_a_withdrawn_verdict_comes_back_only_as_a_new_revision_with_a_note(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    gone = services.verdict_withdraw(verdict=verdict, actor=editor, reason="Checking again.")
    again = draft(seed, reviewer, version=gone.version)  # same content is fine: it was gone
    again = services.verdict_submit(verdict=again, actor=reviewer)
    with pytest.raises(services.ServiceError, match="correction note"):
        services.verdict_publish(verdict=again, actor=editor)
    back = services.verdict_publish(verdict=again, actor=editor, note="Checked; it stands.")
    assert back.is_published and back.withdrawn_at is None
    assert back.published_revision.number == 2
    kinds = CorrectionNotice.objects.filter(verdict=verdict).order_by("id")
    assert list(kinds.values_list("kind", flat=True)) == ["withdrawal", "correction"]


def test_a_pending_revision_survives_a_withdrawal_as_a_draft(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    edited = draft(seed, reviewer, "True", version=verdict.version)
    gone = services.verdict_withdraw(verdict=edited, actor=editor, reason="Wrong claim.")
    assert gone.state == Verdict.State.DRAFT and gone.rating.label == "True"


def test_every_step_checks_the_version_the_person_saw(seed, reviewer, editor):
    verdict = services.verdict_submit(verdict=draft(seed, reviewer), actor=reviewer)
    seen = verdict.version
    draft(seed, reviewer, "True", version=seen)  # the reviewer changes it meanwhile
    with pytest.raises(services.ConflictError):
        services.verdict_publish(verdict=verdict, actor=editor, version=seen)
    assert review_record_for_claim(seed.arms.pk) is None


# --- discarding, and rejecting a claim with a draft -----------------------------------------


def test_discarding_a_never_published_draft_deletes_it_and_says_so(seed, reviewer):
    verdict = draft(seed, reviewer)
    assert services.verdict_discard(verdict=verdict, actor=reviewer) is None
    assert not Verdict.objects.filter(pk=verdict.pk).exists()
    event = AuditEvent.objects.get(verb="verdict.discard")
    assert event.before["rating_label"] == "Mixed" and event.after is None


def test_discarding_a_pending_revision_goes_back_to_the_public_one(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    edited = draft(seed, reviewer, "True", version=verdict.version)
    back = services.verdict_discard(verdict=edited, actor=reviewer, version=edited.version)
    assert back.state == Verdict.State.PUBLISHED and back.rating.label == "Mixed"
    assert not back.has_pending_revision
    with pytest.raises(services.ServiceError, match="no unpublished revision"):
        services.verdict_discard(verdict=back, actor=reviewer)


def test_rejecting_a_claim_with_a_draft_asks_then_discards_in_the_same_step(seed, reviewer):
    verdict = draft(seed, reviewer)
    version = Claim.objects.get(pk=seed.arms.pk).version
    with pytest.raises(services.DraftVerdictExists):
        services.claim_reject(claim_id=seed.arms.pk, actor=reviewer, version=version)
    assert Verdict.objects.filter(pk=verdict.pk).exists()
    services.claim_reject(
        claim_id=seed.arms.pk, actor=reviewer, version=version, discard_draft=True
    )
    assert Claim.objects.get(pk=seed.arms.pk).review_state == ReviewState.REJECTED
    assert not Verdict.objects.filter(pk=verdict.pk).exists()


def test_a_claim_with_a_live_verdict_is_rejected_only_after_a_withdrawal(seed, reviewer, editor):
    verdict = published(seed, reviewer, editor)
    version = Claim.objects.get(pk=seed.arms.pk).version
    with pytest.raises(services.ServiceError, match="withdraw"):
        services.claim_reject(
            claim_id=seed.arms.pk, actor=reviewer, version=version, discard_draft=True
        )
    services.verdict_withdraw(verdict=verdict, actor=editor, reason="Not a claim after all.")
    services.claim_reject(claim_id=seed.arms.pk, actor=reviewer, version=version)
    # The withdrawn verdict and its notice stay: the public page keeps explaining.
    assert Verdict.objects.get(pk=verdict.pk).withdrawn_at is not None


# --- claimant and wording -------------------------------------------------------------------


def test_the_claimant_is_the_outlet_by_default(seed, reviewer):
    verdict = draft(seed, reviewer)
    assert (verdict.claimant_name, verdict.claimant_type) == ("The Express Gazette", "Organization")
    assert verdict.claimant_attribution_id is None


def test_a_speaker_is_a_claimant_only_once_confirmed_and_with_no_attribution_flag_open(
    seed, reviewer, editor
):
    flag = Flag.objects.create(
        claim=seed.arms,
        type=Flag.Type.ATTRIBUTION_MISMATCH,
        article_text="A Friedrich Naumann Foundation study",
        source_text="researcher Elena Guseynova",
    )
    options = claimant_options(Claim.objects.select_related("article").get(pk=seed.arms.pk))
    speaker = next(o for o in options if not o.is_outlet)
    assert (speaker.name, speaker.kind) == ("Friedrich Naumann Foundation", "Organization")
    assert "attribution flag is open" in speaker.refused
    choice = services.ClaimantChoice(seed.attribution.pk, "Organization")
    with pytest.raises(services.ServiceError, match="attribution flag is open"):
        draft(seed, reviewer, claimant=choice)
    services.flag_dismiss(flag_id=flag.pk, reason="The article's own credit", actor=editor)
    with pytest.raises(services.ServiceError, match="confirm the attribution first"):
        draft(seed, reviewer, claimant=choice)
    services.attribution_confirm(attribution_id=seed.attribution.pk, actor=reviewer, version=1)
    verdict = draft(seed, reviewer, claimant=choice)
    assert verdict.claimant_name == "Friedrich Naumann Foundation"
    assert verdict.claimant_attribution_id == seed.attribution.pk


def test_a_speaker_chosen_earlier_is_checked_again_at_publication(seed, reviewer, editor):
    services.attribution_confirm(attribution_id=seed.attribution.pk, actor=reviewer, version=1)
    choice = services.ClaimantChoice(seed.attribution.pk, "Organization")
    verdict = services.verdict_submit(
        verdict=draft(seed, reviewer, claimant=choice), actor=reviewer
    )
    Flag.objects.create(claim=seed.arms, type=Flag.Type.ATTRIBUTION_MISMATCH)  # re-annotation
    with pytest.raises(services.ServiceError, match="cannot be named as the claimant"):
        services.verdict_publish(verdict=verdict, actor=editor)


def test_a_claimant_must_be_one_of_the_claims_own_attributions(seed, reviewer):
    with pytest.raises(services.ServiceError, match="not an attribution of this claim"):
        draft(seed, reviewer, claimant=services.ClaimantChoice(999_999, "Person"))
    with pytest.raises(services.ServiceError, match="person or an organisation"):
        draft(seed, reviewer, claimant=services.ClaimantChoice(seed.attribution.pk, "Robot"))
    with pytest.raises(services.ServiceError, match="from the list"):
        services.ClaimantChoice.parse("attribution:x")


def test_claim_reviewed_defaults_to_the_claim_text_and_must_not_carry_the_verdict(
    seed, reviewer, editor
):
    verdict = draft(seed, reviewer)
    assert verdict.claim_reviewed == " ".join(seed.arms.text.split())
    wording = "North Korea sent Russia arms worth $5.6bn to $9.8bn: mixed evidence"
    verdict = draft(seed, reviewer, version=verdict.version, claim_reviewed=wording)
    assert verdict.claim_reviewed == wording  # a draft may hold it...
    with pytest.raises(services.ServiceError, match="contains the rating"):
        services.verdict_submit(verdict=verdict, actor=reviewer)  # ...it may not go out
    verdict = draft(seed, editor, version=verdict.version, claim_reviewed=wording)
    with pytest.raises(services.ServiceError, match="contains the rating"):
        services.verdict_publish(verdict=verdict, actor=editor)


# --- roles ----------------------------------------------------------------------------------


def test_roles_are_the_permissions_the_migration_gave_the_groups():
    for name, expected in roles.ROLE_PERMISSIONS.items():
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=name).permissions.select_related("content_type")
        }
        assert granted == set(expected), name
    editor_admin = roles.ROLE_PERMISSIONS[roles.EDITOR]
    assert not [p for p in editor_admin if p.startswith("auth.")]  # no users, no groups


def test_a_role_is_a_permission_not_a_group_name_or_a_superuser_flag(db):
    publisher = factories.user("pat", role=None)
    assert not roles.is_editor(publisher) and not roles.is_reviewer(publisher)
    for codename in ("review_article", "publish_verdict"):
        publisher.user_permissions.add(Permission.objects.get(codename=codename))
    publisher = type(publisher).objects.get(pk=publisher.pk)  # fresh permission cache
    assert roles.is_editor(publisher) and roles.is_reviewer(publisher)
    publisher.is_active = False
    assert not roles.is_reviewer(publisher)


# --- assignment -----------------------------------------------------------------------------


def test_taking_over_an_assigned_article_needs_confirmation_and_is_audited(
    article, reviewer, editor
):
    services.article_assign(article=article, assignee=editor, actor=editor)
    with pytest.raises(services.TakeoverNeedsConfirmation, match="eddie is assigned"):
        services.article_assign(article=article, assignee=reviewer, actor=reviewer)
    assert Article.objects.get(pk=article.pk).assigned_to == editor
    services.article_assign(article=article, assignee=reviewer, actor=reviewer, takeover=True)
    assert Article.objects.get(pk=article.pk).assigned_to == reviewer
    event = AuditEvent.objects.filter(target_id=article.pk, verb="article.takeover").get()
    assert (event.actor, event.before, event.after) == (
        reviewer,
        {"assigned_to": editor.pk},
        {"assigned_to": reviewer.pk},
    )


def test_a_free_article_or_an_editors_reassignment_needs_no_confirmation(article, reviewer, editor):
    services.article_assign(article=article, assignee=reviewer, actor=reviewer)
    other = factories.user("ola")
    services.article_assign(article=article, assignee=other, actor=editor)
    assert Article.objects.get(pk=article.pk).assigned_to == other
    assert not AuditEvent.objects.filter(verb="article.takeover").exists()


# --- the article's state --------------------------------------------------------------------


def test_an_article_is_published_only_when_reviewed_and_every_verdict_is_public(
    seed, reviewer, editor
):
    published(seed, reviewer, editor)
    article = Article.objects.get(pk=seed.article.pk)
    assert article.status == Article.Status.IN_REVIEW  # three claims pending
    for claim in (seed.aid, seed.soldiers, seed.budanov):
        services.claim_reject(claim_id=claim.pk, actor=reviewer, version=1)
    services.article_mark_reviewed(article=article, actor=reviewer)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    # Reopening a claim makes the review incomplete again: never "Published" with a pending one.
    services.claim_reopen(claim_id=seed.aid.pk, actor=reviewer, version=2)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


# --- revisions ------------------------------------------------------------------------------


def test_revisions_list_the_draft_and_every_publication_with_their_differences(
    seed, reviewer, editor
):
    verdict = published(seed, reviewer, editor)
    verdict = services.verdict_save(
        claim=seed.arms,
        rating=rating("Mostly false"),
        rationale="The source gives one figure, $9.8 billion, and no range at all.",
        actor=reviewer,
        version=verdict.version,
    )
    views = verdict_revisions(verdict)
    assert [v.label for v in views] == ["Revision 2 (draft, not public)", "Revision 1"]
    assert views[1].is_live and views[0].is_draft
    changes = {c.name: c for c in views[0].changes}
    assert (changes["Rating"].before, changes["Rating"].after) == ("Mixed", "Mostly false")
    pieces = [(p.kind, p.text) for p in changes["Rationale"].pieces]
    assert ("del", "not a range.") in pieces and ("ins", "and no range at all.") in pieces


def test_word_diff_marks_only_what_changed():
    pieces = word_diff("a b c d", "a x c d e")
    assert [(p.kind, p.text) for p in pieces] == [
        ("same", "a"),
        ("del", "b"),
        ("ins", "x"),
        ("same", "c d"),
        ("ins", "e"),
    ]
