"""The editorial gate through the workbench's pages: what a reviewer and an editor are
offered in the claim panel, what each may post, and the answers (htmx fragments, redirects,
400 for missing notes, 403 for the wrong role, 409 for a stale version or a takeover)."""

from __future__ import annotations

import pytest

from annotations import services
from annotations.models import Article, AuditEvent, Flag, Rating, Verdict
from tests import factories, scenarios

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def seed():
    return scenarios.build()


def html(response) -> str:
    return response.content.decode()


def form(seed, **extra) -> dict:
    return {
        "rating": Rating.objects.get(scale__is_default=True, label="Mixed").pk,
        "rationale": "The source gives one figure, not a range.",
        "evidence": [seed.arms.evidence.first().pk],
        **extra,
    }


def panel(client, claim) -> str:
    return html(client.get(f"/claims/{claim.pk}/", **HX))


def fresh(verdict: Verdict) -> Verdict:
    return Verdict.objects.get(pk=verdict.pk)


def publish_as(eddie, verdict: Verdict, **data):
    data.setdefault("verdict_version", fresh(verdict).version)
    return eddie.post(f"/verdicts/{verdict.pk}/publish/", data, **HX)


# --- drafting and submitting ----------------------------------------------------------------


def test_the_form_starts_on_the_claim_text_and_the_outlet_with_the_75_character_guidance(
    rita, seed
):
    page = panel(rita, seed.arms)
    text = " ".join(seed.arms.text.split())
    assert f">{text}</textarea>" in page  # claim reviewed, prefilled
    assert f"<span data-char-count>{len(text)}</span> characters" in page
    assert "fewer than 75 characters<span data-over-limit> — <strong>shorten it</strong>" in page
    assert 'value="outlet" checked' in page and "The Express Gazette" in page


def test_a_reviewer_saves_a_draft_then_submits_it(rita, seed):
    response = rita.post(
        f"/claims/{seed.arms.pk}/verdict/",
        form(seed, claim_reviewed="North Korea sent Russia $5.6bn–$9.8bn of arms"),
        **HX,
    )
    assert response.status_code == 200
    verdict = Verdict.objects.get(claim=seed.arms)
    assert verdict.state == "draft"
    assert verdict.claim_reviewed == "North Korea sent Russia $5.6bn–$9.8bn of arms"
    assert verdict.claimant_name == "The Express Gazette"
    assert "Not public: only the desk sees it." in html(response)
    assert "Submit for publication" in html(response)
    response = rita.post(
        f"/verdicts/{verdict.pk}/submit/", {"verdict_version": verdict.version}, **HX
    )
    assert response.status_code == 200
    assert fresh(verdict).state == "submitted"
    assert "Awaiting an editor" in html(response)


def test_save_and_submit_is_one_click(rita, seed):
    data = form(seed, claim_reviewed="North Korea sent Russia arms", submit_for_publication="1")
    response = rita.post(f"/claims/{seed.arms.pk}/verdict/", data)
    assert response.status_code == 302
    assert Verdict.objects.get(claim=seed.arms).state == "submitted"


def test_an_unsubmittable_draft_is_saved_and_the_reason_shown(rita, seed):
    data = form(seed, claim_reviewed="A mixed claim about arms", submit_for_publication="1")
    response = rita.post(f"/claims/{seed.arms.pk}/verdict/", data, **HX)
    assert response.status_code == 400
    assert "contains the rating" in html(response)
    assert Verdict.objects.get(claim=seed.arms).state == "draft"


# --- what each role may do ------------------------------------------------------------------


def test_a_reviewer_is_offered_no_editor_step_and_is_refused_every_one(rita, seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=reviewer
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    page = panel(rita, seed.arms)
    assert "Publish verdict" not in page and "Send back" not in page
    data = {"verdict_version": verdict.version, "note": "n", "reason": "r"}
    for step in ("publish", "return", "withdraw"):
        response = rita.post(f"/verdicts/{verdict.pk}/{step}/", data, **HX)
        assert response.status_code == 403, step
        assert "Only editors can" in html(response)
        assert rita.post(f"/verdicts/{verdict.pk}/{step}/", data).status_code == 403
    assert fresh(verdict).version == verdict.version and not fresh(verdict).is_published


def test_an_editor_publishes_a_submitted_verdict(eddie, seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=reviewer
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    assert "Publish verdict" in panel(eddie, seed.arms)
    response = publish_as(eddie, verdict)
    assert response.status_code == 200
    assert "revision 1, published" in html(response)
    assert f'href="/factchecks/{seed.arms.pk}/"' in html(response)
    assert fresh(verdict).is_published


def test_an_editor_sends_a_verdict_back_with_a_note(eddie, rita, seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=reviewer
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    url = f"/verdicts/{verdict.pk}/return/"
    response = eddie.post(url, {"verdict_version": verdict.version}, **HX)
    assert response.status_code == 400
    assert "What should change: This field is required." in html(response)
    response = eddie.post(url, {"verdict_version": verdict.version, "note": "Cite FAZ."}, **HX)
    assert response.status_code == 200
    assert "Sent back:</strong> “Cite FAZ.”" in panel(rita, seed.arms)


def test_a_correction_needs_its_note_and_shows_publicly(eddie, rita, client, seed, editor):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=editor
    )
    verdict = services.verdict_publish(verdict=verdict, actor=editor)
    rita.post(
        f"/claims/{seed.arms.pk}/verdict/",
        form(seed, verdict_version=verdict.version, submit_for_publication="1"),
    )
    page = panel(eddie, seed.arms)
    assert "Revision 2: awaiting an editor" in page
    assert "The public keeps seeing revision 1" in page
    assert 'name="note" rows="2" required' in page and "Publish correction" in page
    response = publish_as(eddie, verdict)
    assert response.status_code == 400 and "correction note" in html(response)
    response = publish_as(eddie, verdict, note="The rationale now cites the source.")
    assert response.status_code == 200
    public = html(client.get(f"/factchecks/{seed.arms.pk}/"))
    assert "The rationale now cites the source." in public and "Updated" in public


def test_withdrawal_needs_a_reason_and_the_public_page_is_gone(eddie, client, seed, editor):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=editor
    )
    verdict = services.verdict_publish(verdict=verdict, actor=editor)
    url = f"/verdicts/{verdict.pk}/withdraw/"
    assert eddie.post(url, {"verdict_version": verdict.version}, **HX).status_code == 400
    response = eddie.post(url, {"verdict_version": verdict.version, "reason": "Bad source."}, **HX)
    assert response.status_code == 200
    assert "Withdrawn" in html(response) and "410 Gone" in html(response)
    page = client.get(f"/factchecks/{seed.arms.pk}/")
    assert page.status_code == 410 and "Bad source." in html(page)


def test_a_stale_step_is_a_409_showing_the_current_verdict(eddie, seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=reviewer
    )
    verdict = services.verdict_submit(verdict=verdict, actor=reviewer)
    seen = verdict.version
    services.verdict_save(
        claim=seed.arms,
        rating=Rating.objects.get(label="True"),
        rationale="changed",
        actor=reviewer,
        version=seen,
    )
    response = publish_as(eddie, verdict, verdict_version=seen)
    assert response.status_code == 409
    assert "changed by rita" in html(response)
    assert not fresh(verdict).is_published


# --- no dead ends ---------------------------------------------------------------------------


def test_a_conflict_keeps_what_the_loser_typed_beside_the_saved_version(rita, eddie, seed):
    eddie.post(f"/claims/{seed.arms.pk}/verdict/", form(seed, rationale="Eddie's rationale."))
    mine = form(
        seed,
        rating=Rating.objects.get(label="False").pk,
        rationale="Rita's long rationale, typed while Eddie saved his.",
        claim_reviewed="Rita's short wording",
    )
    response = rita.post(f"/claims/{seed.arms.pk}/verdict/", mine, **HX)
    assert response.status_code == 409
    page = html(response)
    assert "Eddie&#x27;s rationale." in page  # the saved version, in the conflict notice
    assert "Rita&#x27;s long rationale, typed while Eddie saved his.</textarea>" in page
    assert "Rita&#x27;s short wording</textarea>" in page
    false = Rating.objects.get(label="False").pk
    assert f'<option value="{false}" selected' in page
    assert "Your input is kept in the verdict form below" in page
    # Saving again replaces Eddie's version deliberately: the form carries its version now.
    verdict = Verdict.objects.get(claim=seed.arms)
    assert f'name="verdict_version" value="{verdict.version}"' in page
    rita.post(f"/claims/{seed.arms.pk}/verdict/", {**mine, "verdict_version": verdict.version})
    assert fresh(verdict).rationale.startswith("Rita's long rationale")


def test_a_draft_is_discarded_from_the_panel(rita, seed, reviewer):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=reviewer
    )
    assert "Discard draft" in panel(rita, seed.arms)
    response = rita.post(
        f"/verdicts/{verdict.pk}/discard/", {"verdict_version": verdict.version}, **HX
    )
    assert response.status_code == 200
    assert not Verdict.objects.filter(pk=verdict.pk).exists()


def test_the_speaker_is_offered_only_once_the_attribution_flag_is_settled(rita, seed):
    Flag.objects.create(claim=seed.arms, type=Flag.Type.ATTRIBUTION_MISMATCH)
    page = panel(rita, seed.arms)
    assert "Friedrich Naumann Foundation" in page
    assert "not available: an attribution flag is open" in page
    key = f"attribution:{seed.attribution.pk}:Organization"
    assert f'value="{key}" disabled' in page
    response = rita.post(f"/claims/{seed.arms.pk}/verdict/", form(seed, claimant=key), **HX)
    assert response.status_code == 400
    assert not Verdict.objects.exists()


# --- revisions, queue, assignment -----------------------------------------------------------


def test_the_revisions_page_shows_each_revision_and_its_differences(rita, client, seed, editor):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="one two", actor=editor
    )
    verdict = services.verdict_publish(verdict=verdict, actor=editor)
    services.verdict_save(
        claim=seed.arms,
        rating=Rating.objects.get(label="Mixed"),
        rationale="one three",
        actor=editor,
        version=verdict.version,
    )
    page = html(rita.get(f"/verdicts/{verdict.pk}/revisions/"))
    assert "Revision 2 (draft, not public)" in page and "public now" in page
    assert '<del dir="auto">two</del>' in page and '<ins dir="auto">three</ins>' in page
    outsider = factories.user("olga", role=None)
    client.force_login(outsider)
    assert client.get(f"/verdicts/{verdict.pk}/revisions/").status_code == 403


def test_the_queue_shows_publication_apart_from_review_progress(rita, seed, editor):
    verdict = services.verdict_save(
        claim=seed.arms, rating=Rating.objects.get(label="Mixed"), rationale="r", actor=editor
    )
    services.verdict_publish(verdict=verdict, actor=editor)
    services.verdict_save(
        claim=seed.aid, rating=Rating.objects.get(label="False"), rationale="r", actor=editor
    )
    services.verdict_submit(verdict=Verdict.objects.get(claim=seed.aid), actor=editor)
    row = html(rita.get("/")).split(f'id="article-row-{seed.article.pk}"')[1].split("</tr>")[0]
    assert "1 of 4 published · 2 pending" in row
    assert "1 awaiting an editor" in row
    assert "status-in_review" in row and "status-published" not in row


def test_taking_over_asks_first_then_moves_the_article(rita, seed, editor):
    Article.objects.filter(pk=seed.article.pk).update(assigned_to=editor)
    queue = html(rita.get("/"))
    assert "Take over…" in queue
    url = f"/articles/{seed.article.pk}/assign/"
    headers = {**HX, "HTTP_HX_TARGET": f"article-row-{seed.article.pk}"}
    response = rita.post(url, {"assignee": rita.session["_auth_user_id"]}, **headers)
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#flash"
    assert "<strong>eddie</strong> is assigned" in html(response)
    assert f'hx-target="#article-row-{seed.article.pk}"' in html(response)
    assert Article.objects.get(pk=seed.article.pk).assigned_to == editor
    data = {"assignee": rita.session["_auth_user_id"], "takeover": "1"}
    response = rita.post(url, data, **headers)
    assert response.status_code == 200
    assert 'id="flash"' in html(response) and "hx-swap-oob" in html(response)
    assert Article.objects.get(pk=seed.article.pk).assigned_to.username == "rita"
    assert AuditEvent.objects.filter(verb="article.takeover").count() == 1


def test_taking_over_without_javascript_asks_on_a_page(rita, seed, editor):
    Article.objects.filter(pk=seed.article.pk).update(assigned_to=editor)
    url = f"/articles/{seed.article.pk}/assign/"
    me = rita.session["_auth_user_id"]
    response = rita.post(url, {"assignee": me, "next": f"/articles/{seed.article.pk}/"})
    assert response.status_code == 409
    assert "Take it over" in html(response) and "<html" in html(response)
    response = rita.post(
        url, {"assignee": me, "takeover": "1", "next": f"/articles/{seed.article.pk}/"}
    )
    assert response.status_code == 302 and response["Location"] == f"/articles/{seed.article.pk}/"
    response = rita.post(url, {"assignee": me, "next": "//evil.example/"})
    assert response["Location"] == "/"
