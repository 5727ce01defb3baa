"""The reviewer's day in a real browser: sign in, move through claims with the keyboard,
confirm, correct a span by selecting text, fix an attribution, give a verdict, read the
history, and run into a colleague's change instead of overwriting it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations.models import Attribution, AuditEvent, Claim, ReviewState, Verdict
from tests import factories, scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def review_url(live_server, seed, claim=None) -> str:
    url = f"{live_server.url}/articles/{seed.article.pk}/"
    return url + (f"?claim={claim.pk}" if claim else "")


def test_reviewer_flow(open_page, live_server, reviewer, shots, select_text):
    seed = scenarios.build()
    page = open_page(reviewer)
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.locator(f"#article-row-{seed.article.pk}")).to_contain_text("Ready for review")
    shots(page, "queue")

    # Assign to me from the queue row (htmx swaps only the row).
    page.locator(f"#article-row-{seed.article.pk} button", has_text="Assign to me").click()
    expect(page.locator(f"#article-row-{seed.article.pk}")).to_contain_text("You")

    page.click(f"#article-row-{seed.article.pk} a.article-link")
    expect(page.locator("#claim-panel")).to_contain_text("Claim 1 of 4")
    shots(page, "review")

    # j / k move between claims; c confirms the current one.
    page.keyboard.press("j")
    expect(page.locator("#claim-panel")).to_contain_text("Claim 2 of 4")
    page.keyboard.press("j")
    expect(page.locator("#claim-panel")).to_contain_text("Claim 3 of 4")
    page.keyboard.press("k")
    expect(page.locator("#claim-panel")).to_contain_text("Claim 2 of 4")
    expect(page).to_have_url(re.compile(rf"\?claim={seed.aid.pk}$"))
    page.keyboard.press("c")
    expect(page.locator("#claim-heading")).to_contain_text("Confirmed")
    assert Claim.objects.get(pk=seed.aid.pk).review_state == ReviewState.CONFIRMED
    # The text itself shows the new state (out-of-band swap of the claim's segments).
    expect(page.locator(f'#article-text [data-claim="{seed.aid.pk}"]').first).to_have_class(
        re.compile("st-confirmed")
    )
    shots(page, "confirmed")

    # Correct the soldiers claim's span: select a shorter text and press e.
    page.keyboard.press("j")
    expect(page.locator("#claim-panel")).to_contain_text("Claim 3 of 4")
    needle = "roughly 15,000 North Korean soldiers"
    selected = select_text(page, needle)
    expected_start = seed.article.body.index(needle)
    assert selected == {
        "start": expected_start,
        "end": expected_start + len(needle),
        "text": needle,
        "root": "article-text",
    }
    expect(page.locator("#selection-bar")).to_be_visible()
    shots(page, "selection")
    page.keyboard.press("e")
    expect(page.locator("#claim-heading")).to_contain_text("Corrected")
    claim = Claim.objects.get(pk=seed.soldiers.pk)
    assert (claim.start, claim.end, claim.text) == (
        expected_start,
        expected_start + len(needle),
        needle,
    )
    assert claim.machine_text == "the deployment of roughly 15,000 North Korean soldiers"
    expect(page.locator("#claim-panel .claim-quote")).to_have_text(needle)
    shots(page, "corrected")

    # Edit an attribution's speaker by selection (on the first claim).
    page.keyboard.press("k")
    page.keyboard.press("k")
    expect(page.locator("#claim-panel")).to_contain_text("Claim 1 of 4")
    select_text(page, "Friedrich Naumann Foundation")
    attribution = page.locator(f"#attribution-{seed.attribution.pk}")
    attribution.get_by_role("button", name="Speaker", exact=True).click()
    speaker = page.locator(f"#attribution-{seed.attribution.pk} .attr-parts dd").first
    expect(speaker).to_have_text("Friedrich Naumann Foundation")
    a = Attribution.objects.get(pk=seed.attribution.pk)
    assert a.speaker_text == "Friedrich Naumann Foundation"
    assert a.review_state == ReviewState.CORRECTED
    shots(page, "attribution")

    # Give a verdict: v jumps to the form.
    page.keyboard.press("v")
    expect(page.locator("#verdict-rating")).to_be_focused()
    page.select_option("#verdict-rating", label="Mostly true")
    page.fill(
        "#verdict-rationale",
        "The study gives a range of 5.6–9.8 billion USD; the source reports only the upper bound.",
    )
    page.locator(".evidence-pick input[type=checkbox]").first.check()
    page.get_by_role("button", name="Save verdict").click()
    expect(page.locator(".current-verdict")).to_contain_text("Mostly true")
    verdict = Verdict.objects.get(claim=seed.arms)
    assert verdict.rating.label == "Mostly true"
    assert verdict.evidence.count() == 1
    shots(page, "verdict")

    # ...and it is in the claim's history and the article's.
    history = page.locator("#claim-panel .history-list")
    expect(history).to_contain_text("gave a verdict")
    expect(history).to_contain_text("corrected an attribution")
    page.locator("#claim-panel .history").scroll_into_view_if_needed()
    shots(page, "claim-history")
    page.get_by_role("link", name="Article history").click()
    expect(page.locator(".history-list")).to_contain_text("gave a verdict")
    expect(page.locator(".history-list")).to_contain_text("confirmed the claim")
    shots(page, "article-history", full_page=True)

    # The shortcut help.
    page.go_back()
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    shots(page, "help")
    page.keyboard.press("Escape")
    assert page.js_errors == []


def test_conflict_between_two_reviewers(open_page, live_server, reviewer, editor, shots):
    seed = scenarios.build()
    rita = open_page(reviewer)
    eddie = open_page(editor)
    for page in (rita, eddie):
        page.goto(review_url(live_server, seed, seed.budanov))
        expect(page.locator("#claim-panel")).to_contain_text("Claim 4 of 4")

    eddie.keyboard.press("c")
    expect(eddie.locator("#claim-heading")).to_contain_text("Confirmed")

    # Rita still has version 1 loaded: her reject must not overwrite Eddie's confirm.
    rita.keyboard.press("x")
    conflict = rita.locator("#conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("changed by eddie")
    expect(conflict).to_contain_text("Confirmed")
    assert Claim.objects.get(pk=seed.budanov.pk).review_state == ReviewState.CONFIRMED
    assert not AuditEvent.objects.filter(verb="claim.reject").exists()
    shots(rita, "conflict")

    # The panel now carries the current version, so a deliberate retry goes through.
    rita.keyboard.press("x")
    expect(rita.locator("#claim-heading")).to_contain_text("Rejected")
    assert Claim.objects.get(pk=seed.budanov.pk).review_state == ReviewState.REJECTED
    assert rita.js_errors == [] and eddie.js_errors == []


HOSTILE = (
    "Hostile Times\nMonday, March 2, 2026\n\n"
    "Headline with <script>alert('x')</script> &amp; entities &lt;b&gt;\r\n\r\n"
    "Family 👩‍👩‍👧 and 😀 emoji before the claim: "
    "the minister said unemployment fell to 4.2 percent. "
    "العربية: قال الوزير إن البطالة انخفضت إلى 4.2 في المئة. עברית כאן. "
    + "x"
    * 3000
    + " end of a very long line.\n"
    "After the long line, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 maths letters then the budget rose by 7 percent.\n"
)


def test_hostile_text_renders_inert_and_offsets_stay_exact(
    open_page, live_server, reviewer, shots, select_text
):
    article = factories.article(body=HOSTILE, title="Hostile <b>text</b>")
    factories.claim(article, "unemployment fell to 4.2 percent")
    page = open_page(reviewer)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    expect(page.locator("h1.article-title")).to_have_text("Hostile <b>text</b>")
    text = page.locator("#article-text")
    expect(text).to_contain_text("<script>alert('x')</script> &amp; entities &lt;b&gt;")
    assert (
        page.evaluate("document.querySelectorAll('#article-text script, #article-text b').length")
        == 0
    )
    # The browser holds the text exactly as stored, character for character (its CR LF
    # stored as LF at import, so offsets never depend on how the text travelled).
    article.refresh_from_db()
    assert "\r" in HOSTILE and "\r" not in article.body
    assert page.evaluate("document.getElementById('article-text').textContent") == article.body

    for needle in [
        "unemployment fell to 4.2 percent",
        "البطالة انخفضت إلى 4.2",
        "the budget rose by 7 percent",
        "entities &lt;b&gt;",
    ]:
        got = select_text(page, needle)
        start = article.body.index(needle)
        assert (got["start"], got["end"]) == (start, start + len(needle)), needle

    # Add the claim after the astral characters from the selection, with the keyboard.
    select_text(page, "the budget rose by 7 percent")
    page.keyboard.press("a")
    expect(page.locator("#claim-panel .claim-quote")).to_have_text("the budget rose by 7 percent")
    added = Claim.objects.get(article=article, origin="reviewer")
    assert added.text == "the budget rose by 7 percent"
    shots(page, "hostile")
    assert page.js_errors == []


def test_claims_in_the_text_are_reachable_with_the_keyboard(
    open_page, live_server, reviewer, shots
):
    seed = scenarios.build()
    page = open_page(reviewer)
    page.goto(review_url(live_server, seed, seed.arms))
    panel = page.locator("#claim-panel")
    expect(panel).to_contain_text("Claim 1 of 4")

    def start_of(claim):
        return page.locator(f'#article-text [data-claim-start="{claim.pk}"]')

    # Tab goes from one claim's start to the next, in reading order.
    start_of(seed.arms).focus()
    page.keyboard.press("Tab")
    expect(start_of(seed.aid)).to_be_focused()
    page.keyboard.press("Tab")
    soldiers = start_of(seed.soldiers)
    expect(soldiers).to_be_focused()
    outline = soldiers.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline not in ("", "none")  # a visible focus ring
    shots(page, "claim-focused")

    page.keyboard.press("Enter")
    expect(panel).to_contain_text("Claim 3 of 4")
    expect(panel.locator(".claim-quote")).to_have_text(seed.soldiers.text)

    # j/k still walk the claims while the focus is in the text.
    page.keyboard.press("j")
    expect(panel).to_contain_text("Claim 4 of 4")

    # Space opens the focused claim too, instead of scrolling the page.
    page.evaluate(
        "window.addEventListener('keydown', e => { window.spaceKept = e.defaultPrevented })"
    )
    soldiers.focus()
    page.keyboard.press(" ")
    expect(panel).to_contain_text("Claim 3 of 4")
    assert page.evaluate("window.spaceKept") is True
    assert page.js_errors == []


def test_a_source_attribution_is_fixed_by_selecting_in_the_source(
    open_page, live_server, reviewer, shots, select_text
):
    seed = scenarios.build()
    attribution = scenarios.source_attribution(seed)
    page = open_page(reviewer)
    page.goto(review_url(live_server, seed, seed.arms))
    item = page.locator(f"#attribution-{attribution.pk}")
    expect(item).to_contain_text("In source")

    # Nothing selected in the source: the article's selection must not be used for it.
    select_text(page, "Friedrich Naumann Foundation")
    item.get_by_role("button", name="Speaker", exact=True).click()
    expect(page.locator("#flash")).to_contain_text("Select the text in the source first")
    assert Attribution.objects.get(pk=attribution.pk).speaker_text == "the study"

    item.get_by_role("link", name="the source's text").click()
    root = f"source-text-{seed.source.pk}"
    expect(page.locator(f"#{root}")).to_be_visible()
    needle = "researcher Elena Guseynova"
    got = select_text(page, needle, root=root)
    start = seed.source.text.index(needle)
    assert (got["start"], got["end"]) == (start, start + len(needle))
    shots(page, "source-selection")
    item.get_by_role("button", name="Speaker", exact=True).click()
    expect(item.locator(".attr-parts dd").first).to_have_text(needle)
    a = Attribution.objects.get(pk=attribution.pk)
    assert (a.speaker_start, a.speaker_end, a.speaker_text) == (start, start + len(needle), needle)
    assert a.review_state == ReviewState.CORRECTED
    shots(page, "source-attribution-fixed")
    assert page.js_errors == []
