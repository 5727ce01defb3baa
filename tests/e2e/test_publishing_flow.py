"""The publishing chain in Chromium, as a desk works it: a reviewer and an editor, each in
their own browser context, take one verdict from draft to submitted, published, corrected
and withdrawn, while a reader's context checks what the public sees after every step."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from annotations.models import AuditEvent, CorrectionNotice, Verdict
from tests import scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDING = "North Korea sent Russia $5.6bn–$9.8bn of arms since 2023"


def test_draft_submit_publish_correct_withdraw(
    browser, open_page, live_server, reviewer, editor, shots
):
    seed = scenarios.build()
    claim_url = f"{live_server.url}/articles/{seed.article.pk}/?claim={seed.arms.pk}"
    public_url = f"{live_server.url}/factchecks/{seed.arms.pk}/"
    jsonld_url = f"{live_server.url}/claims/{seed.arms.pk}/claimreview.jsonld"
    reader = browser.new_context().new_page()  # signed out: what the public sees

    # --- The reviewer drafts: the claim's own text is the default wording, over 75 chars.
    rita = open_page(reviewer)
    rita.goto(claim_url)
    panel = rita.locator("#claim-panel")
    wording = rita.locator("#verdict-claim-reviewed")
    hint = rita.locator("#claim-reviewed-hint")
    expect(wording).to_have_value(" ".join(seed.arms.text.split()))
    expect(hint).to_contain_text("shorten it")
    expect(rita.locator('input[name="claimant"][value="outlet"]')).to_be_checked()
    rita.select_option("#verdict-rating", label="Mixed")
    rita.fill("#verdict-rationale", "The source gives one figure, $9.8 billion, not a range.")
    wording.fill(WORDING)
    expect(hint.locator("[data-char-count]")).to_have_text(str(len(WORDING)))
    expect(hint.locator("[data-over-limit]")).to_be_hidden()
    rita.get_by_role("button", name="Save verdict draft").click()
    expect(panel.locator(".verdict-state")).to_have_text("Draft")
    expect(panel.locator(".publication")).to_contain_text("Not public")
    shots(rita, "reviewer-draft")
    assert reader.goto(public_url).status == 404

    # --- The reviewer submits; the draft waits for an editor.
    panel.get_by_role("button", name="Submit for publication", exact=True).click()
    expect(panel.locator(".verdict-state")).to_have_text("Awaiting an editor")
    expect(panel.get_by_role("button", name="Publish verdict")).to_have_count(0)
    shots(rita, "reviewer-submitted")

    # --- The editor publishes from their own context.
    eddie = open_page(editor)
    eddie.goto(claim_url)
    epanel = eddie.locator("#claim-panel")
    expect(epanel.locator(".verdict-state")).to_have_text("Awaiting an editor")
    epanel.get_by_role("button", name="Publish verdict").click()
    expect(epanel.locator(".publication")).to_contain_text("revision 1, published")
    shots(eddie, "editor-published")
    assert reader.goto(public_url).status == 200
    expect(reader.locator("h1")).to_contain_text("The Express Gazette:")
    expect(reader.locator("h1")).to_contain_text(WORDING)
    expect(reader.locator(".verdict-rating")).to_contain_text("Mixed")
    shots(reader, "public-published")

    # --- The reviewer edits the published verdict: a pending revision, the public unchanged.
    rita.reload()
    rita.select_option("#verdict-rating", label="Mostly false")
    rita.get_by_role("button", name="Save and submit for publication").click()
    expect(panel.locator(".verdict-state")).to_have_text("Revision 2: awaiting an editor")
    expect(panel.locator(".publication")).to_contain_text("keeps seeing revision 1")
    shots(rita, "reviewer-pending-revision")
    reader.goto(public_url)
    expect(reader.locator(".verdict-rating")).to_contain_text("Mixed")

    # --- The editor publishes it as a correction, with the note the public will read.
    eddie.reload()
    note = "We first rated this Mixed; the source's single figure makes it Mostly false."
    epanel.get_by_label("Correction note").fill(note)
    shots(eddie, "editor-correction-note")
    epanel.get_by_role("button", name="Publish correction").click()
    expect(epanel.locator(".publication")).to_contain_text("revision 2, published")
    reader.goto(public_url)
    expect(reader.locator(".verdict-rating")).to_contain_text("Mostly false")
    expect(reader.locator(".corrections")).to_contain_text("Updated")
    expect(reader.locator(".corrections")).to_contain_text(note)
    shots(reader, "public-corrected")
    review = json.loads(reader.goto(jsonld_url).text())
    assert review["dateModified"] > review["datePublished"]

    # --- The editor withdraws it, saying why; the page answers 410 with the notice.
    eddie.reload()
    epanel.locator("details.withdraw summary").click()
    epanel.get_by_label("Why it is withdrawn").fill("The source retracted its study.")
    epanel.get_by_role("button", name="Withdraw verdict").click()
    expect(epanel.locator(".publication")).to_contain_text("Withdrawn")
    expect(epanel.locator(".publication")).to_contain_text("410 Gone")
    shots(eddie, "editor-withdrawn")
    response = reader.goto(public_url)
    assert response.status == 410
    expect(reader.locator(".withdrawal-notice")).to_contain_text("The source retracted its study.")
    expect(reader.locator(".withdrawal-notice")).to_contain_text(WORDING)
    shots(reader, "public-withdrawn")
    assert reader.goto(jsonld_url).status == 410
    reader.goto(f"{live_server.url}/corrections/")
    items = reader.locator(".notice")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("The source retracted its study.")
    expect(items.nth(1)).to_contain_text(note)
    shots(reader, "public-corrections")

    # --- The reviewer sees the withdrawal, and has no control over what is public.
    rita.reload()
    expect(panel.locator(".publication")).to_contain_text("The source retracted its study.")
    expect(panel.get_by_role("button", name="Withdraw verdict")).to_have_count(0)

    verdict = Verdict.objects.get(claim=seed.arms)
    assert verdict.revisions.count() == 2 and verdict.withdrawn_at is not None
    assert CorrectionNotice.objects.filter(verdict=verdict).count() == 2
    events = AuditEvent.objects.filter(target_type="verdict", target_id=verdict.pk)
    assert list(events.order_by("id").values_list("verb", "actor__username")) == [
        ("verdict.create", "rita"),
        ("verdict.submit", "rita"),
        ("verdict.publish", "eddie"),
        ("verdict.update", "rita"),
        ("verdict.submit", "rita"),
        ("verdict.correct", "eddie"),
        ("verdict.withdraw", "eddie"),
    ]
    assert rita.js_errors == [] and eddie.js_errors == []
    reader.context.close()
