"""Review services: decisions, corrections, conflicts, permissions and the audit trail."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from annotations import services
from annotations.models import (
    Article,
    AuditEvent,
    AuditVerb,
    Claim,
    Flag,
    Rating,
    ReviewState,
)
from annotations.services.audit import audit_record
from annotations.spans import SpanError
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(article):
    return factories.claim(article, "The city council spent $4.2 million on road repairs in 2025")


def test_confirm_bumps_version_records_audit_and_starts_review(article, claim, reviewer):
    Article.objects.filter(pk=article.pk).update(status=Article.Status.READY)
    claim = services.claim_confirm(claim_id=claim.pk, actor=reviewer, version=1)
    assert (claim.review_state, claim.version, claim.updated_by) == ("confirmed", 2, reviewer)
    event = AuditEvent.objects.get(verb="claim.confirm")
    assert (event.actor, event.article, event.target_id) == (reviewer, article, claim.pk)
    assert event.before["review_state"] == "pending" and event.after["review_state"] == "confirmed"
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_a_stale_version_is_a_conflict_showing_who_changed_it(claim, reviewer):
    other = factories.user("bob")
    services.claim_reject(claim_id=claim.pk, actor=other, version=1)
    with pytest.raises(services.ConflictError) as info:
        services.claim_confirm(claim_id=claim.pk, actor=reviewer, version=1)
    assert info.value.current.review_state == ReviewState.REJECTED
    assert info.value.changed_by == "bob"
    assert "bob" in str(info.value)
    assert Claim.objects.get(pk=claim.pk).review_state == "rejected"


def test_correct_keeps_the_machine_span(article, claim, reviewer):
    start = article.body.index("The city council")
    end = article.body.index(" in 2025", start)
    claim = services.claim_correct(
        claim_id=claim.pk, start=start, end=end, actor=reviewer, version=1
    )
    assert claim.text == "The city council spent $4.2 million on road repairs"
    assert claim.review_state == "corrected"
    assert claim.machine_text.endswith("in 2025") and claim.machine_end > end
    # A second correction keeps the machine's original, not the first correction.
    claim = services.claim_correct(
        claim_id=claim.pk, start=start, end=end - 5, actor=reviewer, version=2
    )
    assert claim.machine_text.endswith("in 2025")


@pytest.mark.parametrize("start,end", [(-5, 3), (10, 10_000), (20, 10)])
def test_correct_refuses_out_of_range_offsets_and_changes_nothing(claim, reviewer, start, end):
    with pytest.raises(SpanError, match="out of range"):
        services.claim_correct(claim_id=claim.pk, start=start, end=end, actor=reviewer, version=1)
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.version, fresh.start, fresh.review_state) == (1, claim.start, "pending")
    assert not AuditEvent.objects.filter(verb="claim.correct").exists()


def test_add_claim_from_a_selection(article, reviewer):
    start = article.body.index("According to the audit office")
    end = article.body.index("2024.") + 5
    claim = services.claim_add(article=article, start=start, end=end, actor=reviewer)
    assert (claim.origin, claim.review_state) == ("reviewer", "confirmed")
    assert claim.text == article.body[start:end]
    with pytest.raises(services.ServiceError, match="already a claim"):
        services.claim_add(article=article, start=start, end=end, actor=reviewer)


def test_people_without_a_role_cannot_change_annotations(claim, outsider):
    with pytest.raises(PermissionDenied):
        services.claim_confirm(claim_id=claim.pk, actor=outsider, version=1)


def test_attribution_add_and_correct_speaker(article, reviewer):
    body = article.body
    cue = (body.index("said"), body.index("said") + 4)
    speaker = (body.index("the mayor"), body.index("the mayor") + 9)
    content = (body.index("The city council"), body.index(", the mayor"))
    attribution = services.attribution_add(
        article=article, actor=reviewer, cue=cue, content=content, speaker=speaker
    )
    assert attribution.speaker_text == "the mayor" and attribution.cue_text == "said"
    new_speaker = (body.index("mayor"), body.index("mayor") + 5)
    attribution = services.attribution_correct(
        attribution_id=attribution.pk, actor=reviewer, version=1, speaker=new_speaker
    )
    assert attribution.speaker_text == "mayor" and attribution.version == 2
    attribution = services.attribution_correct(
        attribution_id=attribution.pk, actor=reviewer, version=2, speaker=None
    )
    assert attribution.speaker_start is None and attribution.speaker_text == ""
    with pytest.raises(services.ServiceError, match="cue cannot be empty"):
        services.attribution_correct(
            attribution_id=attribution.pk, actor=reviewer, version=3, cue=None
        )


def test_only_editors_dismiss_flags_and_they_must_say_why(claim, reviewer, editor):
    flag = Flag.objects.create(
        claim=claim,
        type="number_mismatch",
        article_text="$4.2 million",
        source_text="$3.9 million",
        message="differs",
    )
    with pytest.raises(PermissionDenied):
        services.flag_dismiss(flag_id=flag.pk, reason="fine", actor=reviewer)
    with pytest.raises(services.ServiceError, match="why"):
        services.flag_dismiss(flag_id=flag.pk, reason="  ", actor=editor)
    flag = services.flag_dismiss(flag_id=flag.pk, reason="Source is a draft budget", actor=editor)
    assert flag.is_dismissed and flag.dismissed_by == editor


def _rating(label="Mostly false"):
    return Rating.objects.get(scale__is_default=True, label=label)


def test_verdict_save_submit_publish_withdraw(article, claim, reviewer, editor):
    verdict = services.verdict_save(
        claim=claim, rating=_rating(), rationale="Budget was $3.9m", actor=reviewer
    )
    assert Claim.objects.get(pk=claim.pk).review_state == "confirmed"
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.verdict_publish(verdict=verdict, actor=reviewer)
    verdict = services.verdict_publish(verdict=verdict, actor=editor)
    assert verdict.is_published and verdict.published_at
    # The review is not marked complete: published verdicts alone never make it "Published".
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    services.article_mark_reviewed(article=article, actor=reviewer)
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED
    verdict = services.verdict_withdraw(verdict=verdict, actor=editor, reason="Wrong figure")
    assert not verdict.is_published and verdict.withdrawn_at is not None
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEWED
    verbs = list(AuditEvent.objects.filter(target_type="verdict").values_list("verb", flat=True))
    assert sorted(verbs) == [
        "verdict.create",
        "verdict.publish",
        "verdict.submit",
        "verdict.withdraw",
    ]


def test_verdict_needs_a_rationale_and_evidence_from_its_claim(article, claim, reviewer):
    with pytest.raises(services.ServiceError, match="rationale"):
        services.verdict_save(claim=claim, rating=_rating(), rationale=" ", actor=reviewer)
    other = factories.claim(article, "According to the audit office")
    source = factories.first_source(article)
    foreign = other.evidence.create(source=source, start=0, end=5, text=source.text[:5])
    with pytest.raises(services.ServiceError, match="Evidence"):
        services.verdict_save(
            claim=claim, rating=_rating(), rationale="x", actor=reviewer, evidence_ids=[foreign.pk]
        )


def test_verdict_edit_with_stale_version_conflicts(claim, reviewer):
    verdict = services.verdict_save(claim=claim, rating=_rating(), rationale="one", actor=reviewer)
    services.verdict_save(
        claim=claim,
        rating=_rating("False"),
        rationale="two",
        actor=reviewer,
        version=verdict.version,
    )
    with pytest.raises(services.ConflictError):
        services.verdict_save(
            claim=claim,
            rating=_rating("True"),
            rationale="three",
            actor=reviewer,
            version=verdict.version,
        )


def test_mark_reviewed_needs_every_claim_decided(article, claim, reviewer):
    with pytest.raises(services.ServiceError, match="still pending"):
        services.article_mark_reviewed(article=article, actor=reviewer)
    services.claim_reject(claim_id=claim.pk, actor=reviewer, version=1)
    article = services.article_mark_reviewed(article=article, actor=reviewer)
    assert article.status == Article.Status.REVIEWED


def test_reviewers_assign_themselves_but_not_others(article, reviewer, editor):
    services.article_assign(article=article, assignee=reviewer, actor=reviewer)
    with pytest.raises(PermissionDenied):
        services.article_assign(article=article, assignee=editor, actor=reviewer)
    # Taking it from rita is a takeover, confirmed explicitly (tests/test_publishing.py).
    services.article_assign(article=article, assignee=editor, actor=editor, takeover=True)
    assert Article.objects.get(pk=article.pk).assigned_to == editor


def test_a_second_first_verdict_is_a_conflict_not_an_overwrite(claim, reviewer, editor):
    services.verdict_save(claim=claim, rating=_rating(), rationale="Eddie's", actor=editor)
    with pytest.raises(services.ConflictError, match="eddie"):
        services.verdict_save(
            claim=claim, rating=_rating("True"), rationale="Rita's", actor=reviewer
        )
    assert claim.verdict.rationale == "Eddie's"


def test_a_verdict_confirms_its_claim_in_the_claims_history(claim, reviewer):
    stale = Claim.objects.get(pk=claim.pk)
    services.claim_reopen(claim_id=claim.pk, actor=reviewer, version=1)  # still pending, v2
    services.verdict_save(claim=stale, rating=_rating(), rationale="r", actor=reviewer)
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.review_state, fresh.version, fresh.updated_by) == ("confirmed", 3, reviewer)
    event = AuditEvent.objects.filter(target_type="claim", verb="claim.confirm").get()
    assert event.before == {"review_state": "pending", "version": 2}


def test_review_actions_on_a_failed_article_move_it_into_review(article, claim, reviewer):
    Article.objects.filter(pk=article.pk).update(status=Article.Status.FAILED)
    services.claim_confirm(claim_id=claim.pk, actor=reviewer, version=1)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW


# --- the audit trail's verbs ----------------------------------------------------------------

SERVICES_DIR = Path(__file__).resolve().parents[1] / "annotations" / "services"


def test_every_verb_a_review_flow_records_is_an_audit_verb(article, claim, reviewer, editor):
    body = article.body
    services.article_assign(article=article, assignee=reviewer, actor=editor)
    services.article_assign(article=article, assignee=editor, actor=editor, takeover=True)
    services.claim_reopen(claim_id=claim.pk, actor=reviewer, version=1)
    services.claim_correct(
        claim_id=claim.pk, start=claim.start, end=claim.end - 8, actor=reviewer, version=2
    )
    services.claim_reject(claim_id=claim.pk, actor=reviewer, version=3)
    services.claim_reopen(claim_id=claim.pk, actor=reviewer, version=4)
    services.claim_confirm(claim_id=claim.pk, actor=reviewer, version=5)
    added = services.claim_add(
        article=article,
        start=body.index("According"),
        end=body.index(" compared"),
        actor=reviewer,
    )
    cue = (body.index("said"), body.index("said") + 4)
    content = (body.index("The city council"), body.index(", the mayor"))
    attribution = services.attribution_add(
        article=article, actor=reviewer, cue=cue, content=content
    )
    services.attribution_correct(
        attribution_id=attribution.pk, actor=reviewer, version=1, speaker=(cue[0] - 10, cue[0] - 1)
    )
    services.attribution_confirm(attribution_id=attribution.pk, actor=reviewer, version=2)
    services.attribution_reject(attribution_id=attribution.pk, actor=reviewer, version=3)
    flag = Flag.objects.create(claim=claim, type="number_mismatch", article_text="$4.2 million")
    services.flag_dismiss(flag_id=flag.pk, reason="Rounded", actor=editor)
    verdict = services.verdict_save(claim=added, rating=_rating(), rationale="r", actor=reviewer)
    verdict = services.verdict_save(
        claim=added, rating=_rating("False"), rationale="r2", actor=reviewer, version=1
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    verdict = services.verdict_return(verdict=verdict, actor=editor, note="Cite the audit")
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    verdict = services.verdict_publish(verdict=verdict, actor=editor)
    verdict = services.verdict_save(
        claim=added, rating=_rating(), rationale="r3", actor=reviewer, version=verdict.version
    )
    verdict = services.verdict_discard(verdict=verdict, actor=reviewer)
    verdict = services.verdict_save(
        claim=added, rating=_rating(), rationale="r4", actor=reviewer, version=verdict.version
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    verdict = services.verdict_publish(verdict=verdict, actor=editor, note="Rating fixed")
    services.verdict_withdraw(verdict=verdict, actor=editor, reason="Source retracted")
    services.article_mark_reviewed(article=article, actor=reviewer)
    services.run_queue(article=article, actor=reviewer)

    stored = set(AuditEvent.objects.values_list("verb", flat=True))
    assert stored <= set(AuditVerb.values)
    assert len(stored) >= 20  # the flow above reaches nearly every verb


def test_audit_record_refuses_a_verb_that_is_not_a_member(article, reviewer):
    with pytest.raises(ValueError, match="claim.eaten"):
        audit_record(actor=reviewer, verb="claim.eaten", target=article)  # type: ignore[arg-type]
    assert not AuditEvent.objects.filter(verb="claim.eaten").exists()


def _verb_arguments(path: Path) -> list[tuple[int, ast.expr]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, keyword.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "verb"
    ]


def test_services_name_verbs_by_audit_verb_member_never_by_string():
    found = 0
    for path in sorted(SERVICES_DIR.glob("*.py")):
        for line, value in _verb_arguments(path):
            found += 1
            where = f"{path.name}:{line}"
            assert not isinstance(value, ast.Constant | ast.JoinedStr), where
            for node in ast.walk(value):
                if isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "AuditVerb":
                    assert node.attr in AuditVerb.__members__, where
    assert found >= 20
