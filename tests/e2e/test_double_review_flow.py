"""Blind double review in Chromium, on the seed article as ``load_demo`` pre-annotates it: an
editor requires a second review; Rita reviews the article page with the keyboard and hands it
in as the first review; Sam, in his own context, reaches the article from the queue, is
offered the second review instead of the first, and decides the machine's suggestions without
seeing hers; the editor cannot publish until he has settled every disagreement on the
adjudication page, whose agreement figures are checked against the hand-worked values below.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from annotations.models import Article, AuditEvent, AuditVerb, Claim, ReviewState
from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.model,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HEADLINE = "Study finds North Korea supplied Russia"
TRIMMED = "North Korea supplied Russia up to $9.8B in arms"
FNF_SAYS = "Friedrich Naumann Foundation analysis says"
STUDY = "A Friedrich Naumann Foundation study concludes"
AID = "Moscow's reciprocal aid to Pyongyang"
REPORT = "The report notes that North Korea supplied weapons"
ANALYSTS = "Analysts highlight"
WESTERN = "Western leaders have kept the alliance"
OVERALL = "Overall, the foundation's analysis"

# Rita (first review): commentary is not a claim; two verdicts; everything else confirmed.
RITA_REJECTS = (ANALYSTS, WESTERN, OVERALL)
RITA_RATES = {
    AID: ("Mostly false", "The source puts Moscow's aid at no more than $1.2 billion."),
    REPORT: ("True", "The cited source says the same."),
}
# Sam (second review, blind): agrees on two rejections, keeps "Analysts", rejects the
# foundation's summary, trims the headline to its claim, rates three claims.
SAM_REJECTS = (WESTERN, OVERALL, FNF_SAYS)
SAM_RATES = {STUDY: "Mostly false", AID: "Mostly false", REPORT: "Mostly true"}


def claim_by(article: Article, prefix: str) -> Claim:
    return Claim.objects.get(article=article, text__startswith=prefix)


def first_review_with_the_keyboard(page, article: Article) -> None:
    panel = page.locator("#claim-panel")
    total = Claim.objects.filter(article=article).count()
    for n in range(1, total + 1):
        expect(panel).to_contain_text(f"Claim {n} of {total}")
        if panel.locator("#claim-heading .badge").first.inner_text() == "Pending":
            text = panel.locator(".claim-quote").inner_text()
            rated = next((v for k, v in RITA_RATES.items() if text.startswith(k)), None)
            if text.startswith(RITA_REJECTS):
                page.keyboard.press("x")
                expect(panel.locator("#claim-heading")).to_contain_text("Rejected")
            elif rated:
                page.keyboard.press("v")
                expect(page.locator("#verdict-rating")).to_be_focused()
                page.keyboard.type(rated[0])
                page.keyboard.press("Tab")
                page.keyboard.type(rated[1])
                page.keyboard.press("Control+Enter")
                expect(panel.locator(".current-verdict")).to_contain_text(rated[0])
            else:
                page.keyboard.press("c")
                expect(panel.locator("#claim-heading")).to_contain_text("Confirmed")
        if n < total:
            page.keyboard.press("j")


def figures(page) -> dict[str, tuple[str, str]]:
    rows = page.locator("table.agreement tbody tr")
    found = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        cells = row.locator("td")
        found[row.get_attribute("data-measure")] = (
            cells.nth(0).inner_text(),
            cells.nth(1).inner_text(),
        )
    return found


def test_two_reviewers_and_an_editor_take_the_seed_through_double_review(
    open_page, live_server, shots
):
    with override_settings(DEBUG=True):  # load_demo refuses in production
        call_command("load_demo")
    article = Article.objects.get()
    rita = factories.user("rita", role="reviewer")
    sam = factories.user("sam", role="reviewer")
    eddie = factories.user("eddie", role="editor")
    article_url = f"{live_server.url}/articles/{article.pk}/"
    claims = {p: claim_by(article, p) for p in (HEADLINE, FNF_SAYS, STUDY, AID, REPORT, ANALYSTS)}
    total = Claim.objects.filter(article=article).count()

    # --- The editor asks for a blind second review.
    editor = open_page(eddie)
    editor.goto(article_url)
    bar = editor.locator("#double-review")
    bar.get_by_role("button", name="Require a blind second review").click()
    expect(editor.locator("#double-review")).to_contain_text("Awaiting first review")
    expect(editor.locator("#double-review")).to_contain_text(
        "Nothing on this article can be published"
    )
    shots(editor, "editor-required")

    # --- Rita is asked which review she is there for, opens the first, reviews it.
    first = open_page(rita)
    first.goto(article_url)
    expect(first.locator("#double-review-choose")).to_be_visible()
    first.get_by_role("link", name="Open the first review").click()
    first.goto(
        f"{article_url}?claim={Claim.objects.filter(article=article).order_by('start').first().pk}"
    )
    first_review_with_the_keyboard(first, article)
    expect(first.locator("#review-counts")).to_contain_text("0 pending")
    first.goto(f"{article_url}?claim={claims[AID].pk}")
    first.locator("#claim-panel").get_by_role(
        "button", name="Submit for publication", exact=True
    ).click()
    expect(first.locator("#claim-panel .verdict-state")).to_have_text("Awaiting an editor")
    first.locator("#double-review").get_by_role(
        "button", name="Hand in as the first review"
    ).click()
    expect(first.locator("#double-review")).to_contain_text("Awaiting second review")
    shots(first, "first-review-handed-in")

    # --- Sam comes from the queue and takes the second review; Rita's decisions stay hidden.
    second = open_page(sam)
    row = second.locator(f"#article-row-{article.pk}")
    expect(row.locator(".dr-badge")).to_have_text("Awaiting second review")
    shots(second, "queue-awaiting-second")
    row.get_by_role("link", name=article.title).click()
    expect(second.locator("#double-review-choose")).to_be_visible()
    shots(second, "which-review")
    second.get_by_role("link", name="Do the second review").click()
    expect(second.locator("h1")).to_contain_text("Second review")
    form = second.locator("#second-review-form")
    expect(form.locator("input[type=radio][name^=accept-]:checked")).to_have_count(0)
    expect(form.locator(f'select[name="rating-{claims[STUDY].pk}"]')).to_have_value("")
    expect(form.locator(f'select[name="rating-{claims[AID].pk}"]')).to_have_value("")
    shots(second, "second-review-blank", full_page=True)
    for claim in Claim.objects.filter(article=article):
        choice = "reject" if claim.text.startswith(SAM_REJECTS) else "keep"
        form.locator(f'input[name="accept-{claim.pk}"][value="{choice}"]').check()
        rated = next((v for k, v in SAM_RATES.items() if claim.text.startswith(k)), None)
        if rated:
            form.locator(f'select[name="rating-{claim.pk}"]').select_option(label=rated)
    form.locator(f'textarea[name="text-{claims[HEADLINE].pk}"]').fill(TRIMMED)
    form.get_by_role("button", name="Save my second review").click()
    expect(second.locator(".messages")).to_contain_text("Nobody else sees your decisions")
    second.goto(article_url)  # the article page would show Rita's review: back to his own
    expect(second).to_have_url(f"{live_server.url}/articles/{article.pk}/second-review/")
    second.locator("#second-review-form").get_by_role(
        "button", name="Hand in my second review"
    ).click()
    expect(second.locator("#second-review-done")).to_contain_text("Both reviews are in")
    shots(second, "second-review-handed-in")

    # --- The editor cannot publish yet; he adjudicates.
    editor.goto(live_server.url + "/")
    expect(editor.locator(f"#article-row-{article.pk} .dr-badge")).to_have_text(
        "Awaiting adjudication"
    )
    editor.goto(f"{article_url}?claim={claims[AID].pk}")
    panel = editor.locator("#claim-panel")
    panel.get_by_role("button", name="Publish verdict").click()
    expect(panel.locator(".errors")).to_contain_text("blind second review")
    shots(editor, "publish-refused")
    editor.locator("#double-review").get_by_role("link", name="Adjudicate").click()
    expect(editor.locator("h1")).to_contain_text("Adjudication")
    shots(editor, "adjudication", full_page=True)
    got = figures(editor)
    print("\nAGREEMENT FIGURES (seed, e2e):")
    for measure, (figure, counts) in got.items():
        print(f"  {measure:15} {figure:>6}  {counts}")
    # kept/rejected: 14 of 16 alike; marginals 13/3 each: p_e = 178/256, kappa = 0.59
    assert got["accept-percent"][0] == "88%"
    assert f"14 of {total} claims" in got["accept-percent"][1]
    assert got["accept-kappa"][0] == "0.59"
    # spans: 12 both kept, 11 identical, the headline trimmed
    headline = claims[HEADLINE]
    jaccard = len(TRIMMED) / (headline.end - headline.start)
    assert got["span-jaccard"][0] == f"{(11 + jaccard) / 12:.2f}"
    assert "12 claims both kept: 11 identical, 12 overlapping" in got["span-jaccard"][1]
    # ratings: (Mixed, Mostly false), (Mostly false, Mostly false), (True, Mostly true):
    # p_o = 2.5/3, p_e = 6/9, weighted kappa = 0.50
    assert got["rating-kappa"][0] == "0.50"
    assert "3 claims both kept and rated, 1 with the same rating" in got["rating-kappa"][1]

    items = editor.locator(".dr-disagreement")
    expect(items).to_have_count(5)
    editor.set_viewport_size({"width": 390, "height": 844})  # a phone: no sideways scrolling
    assert editor.evaluate("document.documentElement.scrollWidth") <= 390
    shots(editor, "adjudication-390", full_page=True)
    editor.set_viewport_size({"width": 1440, "height": 1000})
    plan = {
        f"{headline.pk}-span": "first",
        f"{claims[FNF_SAYS].pk}-accept": "first",
        f"{claims[STUDY].pk}-rating": "first",
        f"{claims[REPORT].pk}-rating": "second",
        f"{claims[ANALYSTS].pk}-accept": "second",
    }
    for key, choice in plan.items():
        item = editor.locator(f'.dr-disagreement[data-key="{key}"]')
        item.locator(f'input[name="choice"][value="{choice}"]').check()
        item.get_by_role("button", name="Settle").click()
        expect(editor.locator(f'.dr-disagreement[data-key="{key}"] .dr-decided')).to_contain_text(
            "Final"
        )
    editor.get_by_role("button", name="Finish the adjudication").click()
    expect(editor.locator("#double-review")).to_contain_text("Adjudicated")
    shots(editor, "adjudicated")

    # --- Publishing opens again; the editor's choices are on the canonical records.
    editor.goto(f"{article_url}?claim={claims[AID].pk}")
    editor.locator("#claim-panel").get_by_role("button", name="Publish verdict").click()
    expect(editor.locator("#claim-panel .publication")).to_contain_text("Public")
    editor.goto(live_server.url + "/")
    expect(editor.locator(f"#article-row-{article.pk} .dr-badge")).to_have_text("Adjudicated")
    shots(editor, "queue-adjudicated")
    assert claim_by(article, ANALYSTS).review_state == ReviewState.CONFIRMED
    assert claim_by(article, REPORT).verdict.rating.label == "Mostly true"
    assert claim_by(article, STUDY).verdict.rating.label == "Mixed"
    assert claim_by(article, HEADLINE).text.startswith(HEADLINE)
    decided = AuditEvent.objects.filter(article=article, verb=AuditVerb.ADJUDICATION_DECIDE)
    assert decided.count() == 5
    assert AuditEvent.objects.filter(verb=AuditVerb.ADJUDICATION_FINISH, actor=eddie).exists()

    # --- The desk's agreement page shows the same figures.
    editor.goto(live_server.url + "/agreement/")
    expect(editor.locator("#agreement-articles")).to_have_text("1")
    assert figures(editor)["accept-kappa"][0] == "0.59"
    shots(editor, "agreement-page")
    for page in (editor, first, second):
        assert page.js_errors == []
