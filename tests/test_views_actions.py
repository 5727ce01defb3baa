"""Every action on the review page: the htmx answer is only the fragments that changed, a
plain POST redirects, bad input is a clear 400, a stale version is a 409 showing the current
state, and roles decide who may publish, dismiss and assign others."""

from __future__ import annotations

import pytest
from django.test import Client

from annotations import services
from annotations.models import (
    Article,
    Attribution,
    AuditEvent,
    Claim,
    Entity,
    Flag,
    Rating,
    ReviewState,
    Verdict,
)
from tests import factories, scenarios

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def seed():
    return scenarios.build()


def html(response) -> str:
    return response.content.decode()


def assert_panel_fragment(response, claim: Claim):
    body = html(response)
    assert body.lstrip().startswith(
        f'<section id="claim-panel" class="claim-panel" data-claim-id="{claim.pk}"'
    )
    assert "<html" not in body and "<header" not in body.split("claim-panel")[0]


# --- confirm / reject / reopen ----------------------------------------------------------------


def test_confirm_with_htmx_returns_panel_and_oob_segments(rita, seed):
    response = rita.post(f"/claims/{seed.aid.pk}/confirm/", {"version": 1}, **HX)
    assert response.status_code == 200
    assert_panel_fragment(response, seed.aid)
    body = html(response)
    assert f'id="seg-{seed.aid.start}" class="cl sup-contradicted st-confirmed' in body
    assert 'hx-swap-oob="true"' in body
    assert f'<li id="nav-{seed.aid.pk}"' in body and 'id="review-counts"' in body
    assert 'id="article-text"' not in body  # a state change does not resend the whole text
    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.CONFIRMED


def test_confirm_plain_post_redirects_back_to_the_claim(rita, seed):
    response = rita.post(f"/claims/{seed.aid.pk}/confirm/", {"version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{seed.article.pk}/?claim={seed.aid.pk}"
    follow = rita.get(response["Location"])
    assert "Claim confirmed." in html(follow)


def test_reject_and_reopen(rita, seed):
    response = rita.post(f"/claims/{seed.soldiers.pk}/reject/", {"version": 1}, **HX)
    assert response.status_code == 200
    assert "st-rejected" in html(response)
    assert Claim.objects.get(pk=seed.soldiers.pk).review_state == ReviewState.REJECTED
    response = rita.post(f"/claims/{seed.soldiers.pk}/reopen/", {"version": 2})
    assert response.status_code == 302
    assert Claim.objects.get(pk=seed.soldiers.pk).review_state == ReviewState.PENDING


def test_reject_a_claim_with_a_draft_verdict_offers_to_discard_it(rita, seed):
    services.verdict_save(
        claim=seed.aid,
        rating=Rating.objects.get(label="False"),
        rationale="Off by a lot.",
        actor=factories.user("vera"),
    )
    version = Claim.objects.get(pk=seed.aid.pk).version
    response = rita.post(f"/claims/{seed.aid.pk}/reject/", {"version": version}, **HX)
    assert response.status_code == 409
    assert "unpublished verdict" in html(response)
    assert "Reject and discard the draft" in html(response)  # the next step, not a dead end
    assert_panel_fragment(response, seed.aid)
    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.CONFIRMED
    response = rita.post(
        f"/claims/{seed.aid.pk}/reject/", {"version": version, "discard_draft": "1"}, **HX
    )
    assert response.status_code == 200
    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.REJECTED
    assert not Verdict.objects.filter(claim=seed.aid).exists()
    assert AuditEvent.objects.filter(verb="verdict.discard", actor__username="rita").exists()


def test_missing_version_is_a_400(rita, seed):
    response = rita.post(f"/claims/{seed.aid.pk}/confirm/", {}, **HX)
    assert response.status_code == 400
    assert "required" in html(response)


def test_stale_version_is_a_409_with_the_current_state_and_who(rita, seed, editor):
    services.claim_reject(claim_id=seed.aid.pk, actor=editor, version=1)
    response = rita.post(f"/claims/{seed.aid.pk}/confirm/", {"version": 1}, **HX)
    assert response.status_code == 409
    body = html(response)
    assert_panel_fragment(response, seed.aid)
    assert 'id="conflict"' in body
    assert "changed by eddie" in body
    assert "your version 1, now 2" in body
    assert '<span class="badge st-rejected">Rejected</span>' in body
    assert 'id="article-text"' in body  # the text is refreshed to what it is now
    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.REJECTED
    assert not AuditEvent.objects.filter(verb="claim.confirm").exists()


def test_stale_version_plain_post_renders_the_page_with_409(rita, seed, editor):
    services.claim_confirm(claim_id=seed.aid.pk, actor=editor, version=1)
    response = rita.post(f"/claims/{seed.aid.pk}/reject/", {"version": 1})
    assert response.status_code == 409
    assert "<html" in html(response) and "changed by eddie" in html(response)


# --- spans ------------------------------------------------------------------------------------


def test_correct_span_returns_the_new_text_and_keeps_the_machine_span(rita, seed):
    needle = "roughly 15,000 North Korean soldiers"
    start = seed.article.body.index(needle)
    response = rita.post(
        f"/claims/{seed.soldiers.pk}/correct/",
        {"version": 1, "start": start, "end": start + len(needle)},
        **HX,
    )
    assert response.status_code == 200
    body = html(response)
    assert_panel_fragment(response, seed.soldiers)
    assert 'id="article-text"' in body and 'id="claim-nav"' in body
    assert f'id="seg-{start}"' in body
    claim = Claim.objects.get(pk=seed.soldiers.pk)
    assert (claim.text, claim.review_state) == (needle, ReviewState.CORRECTED)
    assert claim.machine_text == "the deployment of roughly 15,000 North Korean soldiers"


def test_out_of_range_offsets_are_a_clear_400(rita, seed):
    length = len(seed.article.body)
    response = rita.post(
        f"/claims/{seed.soldiers.pk}/correct/",
        {"version": 1, "start": length - 3, "end": length + 50},
        **HX,
    )
    assert response.status_code == 400
    assert "out of range" in html(response)
    assert f"text of {length} characters" in html(response)
    assert Claim.objects.get(pk=seed.soldiers.pk).version == 1


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("9", "3", "empty or reversed"),
        ("-1", "3", "greater than or equal to 0"),
        ("a", "3", "whole number"),
    ],
)
def test_malformed_offsets_are_a_400(rita, seed, start, end, message):
    response = rita.post(
        f"/claims/{seed.soldiers.pk}/correct/", {"version": 1, "start": start, "end": end}, **HX
    )
    assert response.status_code == 400
    assert message in html(response)


def test_add_claim_from_selection(rita, seed):
    needle = "North Korea supplied weapons since 2023"
    start = seed.article.body.index(needle)
    response = rita.post(
        f"/articles/{seed.article.pk}/claims/", {"start": start, "end": start + len(needle)}, **HX
    )
    assert response.status_code == 200
    claim = Claim.objects.get(article=seed.article, text=needle)
    assert claim.origin == "reviewer"
    assert_panel_fragment(response, claim)
    assert f'data-claims="{claim.pk}"' in html(response)


def test_add_claim_with_bad_offsets_flashes_an_error(rita, seed):
    response = rita.post(f"/articles/{seed.article.pk}/claims/", {"start": 5, "end": 99999}, **HX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#flash"
    assert "out of range" in html(response)


def test_add_claim_plain_post_redirects_to_it(rita, seed):
    start = seed.article.body.index("Shipments")
    response = rita.post(f"/articles/{seed.article.pk}/claims/", {"start": start, "end": start + 9})
    claim = Claim.objects.get(article=seed.article, text="Shipments")
    assert response["Location"] == f"/articles/{seed.article.pk}/?claim={claim.pk}"


# --- attributions -----------------------------------------------------------------------------


def test_edit_speaker_by_selection(rita, seed):
    s, e = scenarios.span(seed.article.body, "Friedrich Naumann Foundation")
    response = rita.post(
        f"/attributions/{seed.attribution.pk}/edit/",
        {"version": 1, "claim": seed.arms.pk, "part": "speaker", "start": s, "end": e},
        **HX,
    )
    assert response.status_code == 200
    assert_panel_fragment(response, seed.arms)
    a = Attribution.objects.get(pk=seed.attribution.pk)
    assert a.speaker_text == "Friedrich Naumann Foundation"
    assert a.machine_snapshot["speaker_text"] == "A Friedrich Naumann Foundation study"


def test_edit_speaker_by_suggested_entity(rita, seed):
    entity = Entity.objects.get(article=seed.article, text="Kyrylo Budanov")
    budanov_attr = Attribution.objects.get(claim=seed.budanov)
    page = html(rita.get(f"/claims/{seed.budanov.pk}/", **HX))
    assert f'<option value="{entity.pk}">Kyrylo Budanov (PERSON)</option>' in page
    response = rita.post(
        f"/attributions/{budanov_attr.pk}/edit/",
        {"version": 1, "claim": seed.budanov.pk, "part": "speaker", "entity": entity.pk},
    )
    assert response.status_code == 302
    assert Attribution.objects.get(pk=budanov_attr.pk).speaker_text == "Kyrylo Budanov"


def test_entity_from_another_article_is_refused(rita, seed):
    other = scenarios.build(body=scenarios.ARTICLE + "\nOther copy.\n")
    entity = Entity.objects.filter(article=other.article).first()
    response = rita.post(
        f"/attributions/{seed.attribution.pk}/edit/",
        {"version": 1, "claim": seed.arms.pk, "part": "speaker", "entity": entity.pk},
        **HX,
    )
    assert response.status_code == 400
    assert "not in this attribution" in html(response)


def test_clear_speaker_and_edit_content(rita, seed):
    response = rita.post(
        f"/attributions/{seed.attribution.pk}/edit/",
        {"version": 1, "claim": seed.arms.pk, "part": "speaker", "clear": "on"},
        **HX,
    )
    assert response.status_code == 200
    assert Attribution.objects.get(pk=seed.attribution.pk).speaker_start is None
    s, e = scenarios.span(seed.article.body, "North Korea has delivered arms to Russia")
    response = rita.post(
        f"/attributions/{seed.attribution.pk}/edit/",
        {"version": 2, "claim": seed.arms.pk, "part": "content", "start": s, "end": e},
        **HX,
    )
    assert response.status_code == 200
    assert Attribution.objects.get(pk=seed.attribution.pk).content_text == (
        "North Korea has delivered arms to Russia"
    )


def test_attribution_conflict_is_409(rita, seed, editor):
    services.attribution_confirm(attribution_id=seed.attribution.pk, actor=editor, version=1)
    s, e = scenarios.span(seed.article.body, "Friedrich Naumann Foundation")
    response = rita.post(
        f"/attributions/{seed.attribution.pk}/edit/",
        {"version": 1, "claim": seed.arms.pk, "part": "speaker", "start": s, "end": e},
        **HX,
    )
    assert response.status_code == 409
    assert "changed by eddie" in html(response)
    assert "concludes" in html(response)
    assert Attribution.objects.get(pk=seed.attribution.pk).speaker_text.startswith("A ")


def test_attribution_confirm_and_reject(rita, seed):
    response = rita.post(
        f"/attributions/{seed.attribution.pk}/confirm/",
        {"version": 1, "claim": seed.arms.pk},
        **HX,
    )
    assert response.status_code == 200
    response = rita.post(
        f"/attributions/{seed.attribution.pk}/reject/", {"version": 2, "claim": seed.arms.pk}
    )
    assert response.status_code == 302
    assert Attribution.objects.get(pk=seed.attribution.pk).review_state == ReviewState.REJECTED


def test_add_attribution_from_selections(rita, seed):
    body = seed.article.body
    cue = scenarios.span(body, "notes")
    content = scenarios.span(body, "North Korea supplied weapons since 2023")
    speaker = scenarios.span(body, "The report")
    response = rita.post(
        f"/articles/{seed.article.pk}/attributions/",
        {
            "claim": seed.soldiers.pk,
            "speaker_start": speaker[0],
            "speaker_end": speaker[1],
            "cue_start": cue[0],
            "cue_end": cue[1],
            "content_start": content[0],
            "content_end": content[1],
        },
        **HX,
    )
    assert response.status_code == 200
    added = Attribution.objects.get(article=seed.article, origin="reviewer")
    assert (added.speaker_text, added.cue_text) == ("The report", "notes")
    assert added.claim_id == seed.soldiers.pk


def test_add_attribution_needs_cue_and_content(rita, seed):
    response = rita.post(
        f"/articles/{seed.article.pk}/attributions/", {"claim": seed.arms.pk}, **HX
    )
    assert response.status_code == 400
    assert "required" in html(response)


# --- flags ------------------------------------------------------------------------------------


def test_editor_dismisses_a_flag_with_a_reason(eddie, seed):
    flag = Flag.objects.get(claim=seed.arms)
    response = eddie.post(
        f"/flags/{flag.pk}/dismiss/", {"reason": "The source rounds the range up."}, **HX
    )
    assert response.status_code == 200
    assert "dismissed by eddie" in html(response)
    flag.refresh_from_db()
    assert flag.is_dismissed and flag.dismiss_reason == "The source rounds the range up."
    # The summary above the text is swapped out of band and no longer lists the flag.
    summary = html(response).split('id="flag-summary"', 1)[1].split("</section>", 1)[0]
    assert 'hx-swap-oob="true"' in summary
    assert f'?claim={seed.arms.pk}"' not in summary


def test_reviewer_cannot_dismiss_flags(rita, seed):
    flag = Flag.objects.get(claim=seed.arms)
    page = html(rita.get(f"/claims/{seed.arms.pk}/", **HX))
    assert "Dismiss flag" not in page
    response = rita.post(f"/flags/{flag.pk}/dismiss/", {"reason": "nope"}, **HX)
    assert response.status_code == 403
    assert "Only editors can dismiss flags" in html(response)
    assert not Flag.objects.get(pk=flag.pk).is_dismissed


def test_dismiss_needs_a_reason(eddie, seed):
    flag = Flag.objects.get(claim=seed.arms)
    response = eddie.post(f"/flags/{flag.pk}/dismiss/", {"reason": ""}, **HX)
    assert response.status_code == 400
    assert not Flag.objects.get(pk=flag.pk).is_dismissed


# --- verdicts ---------------------------------------------------------------------------------


def verdict_data(seed, **extra):
    rating = Rating.objects.get(scale__is_default=True, label="Mostly true")
    evidence = seed.arms.evidence.first()
    return {
        "rating": rating.pk,
        "rationale": "The range is wider than the source's single figure.",
        "evidence": [evidence.pk],
        **extra,
    }


def test_verdict_is_saved_with_evidence(rita, seed):
    response = rita.post(f"/claims/{seed.arms.pk}/verdict/", verdict_data(seed), **HX)
    assert response.status_code == 200
    verdict = Verdict.objects.get(claim=seed.arms)
    assert verdict.rating.label == "Mostly true"
    assert list(verdict.evidence.all()) == [seed.arms.evidence.first()]
    assert "gave a verdict" in html(response)
    assert Claim.objects.get(pk=seed.arms.pk).review_state == ReviewState.CONFIRMED


def test_verdict_needs_a_rationale_and_keeps_what_was_typed(rita, seed):
    data = verdict_data(seed, rationale="   ")
    response = rita.post(f"/claims/{seed.arms.pk}/verdict/", data, **HX)
    assert response.status_code == 400
    assert "Rationale: This field is required." in html(response)
    assert not Verdict.objects.exists()
    response = rita.post(
        f"/claims/{seed.arms.pk}/verdict/", {"rationale": "kept text", "rating": ""}, **HX
    )
    assert response.status_code == 400
    assert "kept text</textarea>" in html(response)


def test_verdict_evidence_of_another_claim_is_refused(rita, seed):
    other = seed.aid.evidence.first()
    response = rita.post(
        f"/claims/{seed.arms.pk}/verdict/", verdict_data(seed, evidence=[other.pk]), **HX
    )
    assert response.status_code == 400
    assert not Verdict.objects.exists()


def test_second_first_verdict_is_a_conflict_not_an_overwrite(rita, seed, editor):
    services.verdict_save(
        claim=seed.arms,
        rating=Rating.objects.get(label="False"),
        rationale="Eddie's verdict.",
        actor=editor,
    )
    response = rita.post(f"/claims/{seed.arms.pk}/verdict/", verdict_data(seed), **HX)
    assert response.status_code == 409
    assert "changed by eddie" in html(response)
    assert Verdict.objects.get(claim=seed.arms).rationale == "Eddie's verdict."


def test_stale_verdict_version_is_a_conflict(rita, seed, editor):
    rita.post(f"/claims/{seed.arms.pk}/verdict/", verdict_data(seed))
    services.verdict_save(
        claim=seed.arms,
        rating=Rating.objects.get(label="False"),
        rationale="Eddie's edit.",
        actor=editor,
        version=1,
    )
    response = rita.post(
        f"/claims/{seed.arms.pk}/verdict/", verdict_data(seed, verdict_version=1), **HX
    )
    assert response.status_code == 409
    assert "Eddie&#x27;s edit." in html(response)


def test_editor_publishes_and_withdraws(eddie, seed, editor):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="True"), rationale="Fine.", actor=editor
    )
    response = eddie.post(
        f"/verdicts/{verdict.pk}/publish/", {"verdict_version": verdict.version}, **HX
    )
    assert response.status_code == 200
    assert "Public" in html(response) and "Withdraw" in html(response)
    assert Verdict.objects.get(pk=verdict.pk).is_published
    # Three claims still pending: the article is in review, never "Published".
    assert Article.objects.get(pk=seed.article.pk).status == Article.Status.IN_REVIEW
    version = Verdict.objects.get(pk=verdict.pk).version
    response = eddie.post(
        f"/verdicts/{verdict.pk}/withdraw/", {"verdict_version": version, "reason": "Bad source"}
    )
    assert response.status_code == 302
    assert not Verdict.objects.get(pk=verdict.pk).is_published


def test_reviewer_cannot_publish(rita, seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="True"), rationale="Fine.", actor=reviewer
    )
    assert "Publish verdict" not in html(rita.get(f"/claims/{seed.arms.pk}/", **HX))
    response = rita.post(f"/verdicts/{verdict.pk}/publish/", **HX)
    assert response.status_code == 403
    assert "Only editors can publish" in html(response)
    assert not Verdict.objects.get(pk=verdict.pk).is_published
    assert rita.post(f"/verdicts/{verdict.pk}/publish/").status_code == 403


# --- article level ----------------------------------------------------------------------------


def test_mark_reviewed_refuses_while_claims_are_pending(rita, seed):
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/", **HX)
    assert response.status_code == 400
    assert html(response).lstrip().startswith('<header id="article-header"')
    assert "still pending" in html(response)


def test_mark_reviewed(rita, seed):
    Claim.objects.filter(article=seed.article).update(review_state=ReviewState.CONFIRMED)
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/", **HX)
    assert response.status_code == 200
    assert "Reviewed" in html(response)
    assert Article.objects.get(pk=seed.article.pk).status == Article.Status.REVIEWED
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/")
    assert response.status_code == 302


def test_mark_reviewed_says_so_on_the_page_and_in_the_queue(rita, seed):
    Claim.objects.filter(article=seed.article).update(review_state=ReviewState.CONFIRMED)
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/", **HX)
    page = html(response)
    assert '<span class="badge status-reviewed">Reviewed</span>' in page
    assert 'role="status">Review complete' in page
    assert "Mark article reviewed" not in page  # nothing left to do there

    follow = rita.get(f"/articles/{seed.article.pk}/")
    assert "Mark article reviewed" not in html(follow)
    row = html(rita.get("/?status=reviewed"))
    assert f'id="article-row-{seed.article.pk}"' in row
    assert '<span class="badge status-reviewed">Reviewed</span>' in row


def test_mark_reviewed_without_htmx_shows_the_message_after_the_redirect(rita, seed):
    Claim.objects.filter(article=seed.article).update(review_state=ReviewState.CONFIRMED)
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/", follow=True)
    assert "Review complete" in html(response)
    assert "marked Reviewed" in html(response)


def test_mark_reviewed_says_published_only_when_every_verdict_is_public(rita, seed, editor):
    Claim.objects.filter(article=seed.article).exclude(pk=seed.arms.pk).update(
        review_state=ReviewState.REJECTED
    )
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=editor
    )
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/", **HX)
    assert response.status_code == 200
    assert "marked Reviewed" in html(response)
    assert Article.objects.get(pk=seed.article.pk).status == Article.Status.REVIEWED
    services.verdict_publish(verdict=verdict, actor=editor)
    assert Article.objects.get(pk=seed.article.pk).status == Article.Status.PUBLISHED
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/", **HX)
    assert "every verdict is public" in html(response)
    event = AuditEvent.objects.filter(verb="article.reviewed", target_id=seed.article.pk).first()
    assert event.actor.username == "rita"


def test_mark_reviewed_refuses_a_published_article_with_pending_claims(rita, seed):
    Article.objects.filter(pk=seed.article.pk).update(status=Article.Status.PUBLISHED)
    response = rita.post(f"/articles/{seed.article.pk}/reviewed/", **HX)
    assert response.status_code == 400
    assert "still pending" in html(response)
    assert not AuditEvent.objects.filter(verb="article.reviewed").exists()


def test_actions_need_post(rita, seed):
    assert rita.get(f"/claims/{seed.aid.pk}/confirm/").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/claims/{claim}/confirm/",
        "/claims/{claim}/reject/",
        "/claims/{claim}/correct/",
        "/claims/{claim}/verdict/",
        "/articles/{article}/claims/",
        "/articles/{article}/assign/",
        "/articles/{article}/reviewed/",
        "/flags/{flag}/dismiss/",
        "/attributions/{attribution}/edit/",
    ],
)
def test_outsider_gets_403_on_every_action(client, outsider, seed, url):
    client.force_login(outsider)
    flag = Flag.objects.filter(claim=seed.arms).first()
    url = url.format(
        claim=seed.arms.pk, article=seed.article.pk, flag=flag.pk, attribution=seed.attribution.pk
    )
    assert client.post(url, {"version": 1}, **HX).status_code == 403
    assert Claim.objects.get(pk=seed.arms.pk).version == 1


def test_csrf_is_enforced_and_the_body_header_satisfies_it(reviewer, seed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    assert client.post(f"/claims/{seed.aid.pk}/confirm/", {"version": 1}, **HX).status_code == 403
    page = html(client.get(f"/articles/{seed.article.pk}/"))
    token = page.split('hx-headers=\'{"X-CSRFToken": "')[1].split('"')[0]
    response = client.post(
        f"/claims/{seed.aid.pk}/confirm/", {"version": 1}, HTTP_X_CSRFTOKEN=token, **HX
    )
    assert response.status_code == 200
