"""Issue 12 in Chromium: the article page's live progress, retrying a failed run from the
article page and the queue, comments with a mention, and a pass on a 390 × 844 phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from annotations import services, tasks
from annotations.models import AnnotationRun, Article, Comment, Mention
from tests import factories, scenarios

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/shots"))
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def no_worker(monkeypatch):
    """Queue nothing: the test plays the worker by moving the run through its stages."""
    queued: list[tuple] = []
    monkeypatch.setattr(tasks.preannotate_article, "delay", lambda *args: queued.append(args))
    return queued


def _shot(page, name: str, *, full_page: bool = False) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def _fail(article: Article) -> AnnotationRun:
    run = services.run_queue(article=article)
    AnnotationRun.objects.filter(pk=run.pk).update(
        status="failed",
        stage="parse",
        progress=20,
        finished_at=timezone.now(),
        error="Pre-annotation failed while parsing this article: ValueError: [E088] too long",
    )
    Article.objects.filter(pk=article.pk).update(status="failed")
    return run


def test_the_article_page_follows_its_run_and_shows_the_claims_when_it_ends(
    open_page, live_server, reviewer, no_worker
):
    article = factories.article(title="Live one")
    run = services.run_queue(article=article)
    page = open_page(reviewer)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    bar = page.locator(f"#article-progress #run-progress-{article.pk} [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    for stage, progress in [("loading model", 5), ("parse", 20), ("storing", 85)]:
        AnnotationRun.objects.filter(pk=run.pk).update(
            status="running", stage=stage, progress=progress
        )
        expect(bar).to_have_attribute("aria-valuenow", str(progress), timeout=5000)
        expect(page.locator("#article-progress")).to_contain_text(stage.capitalize())
    _shot(page, "live-progress-article")

    factories.claim(article, "The city council spent $4.2 million on road repairs in 2025")
    AnnotationRun.objects.filter(pk=run.pk).update(status="succeeded", stage="done", progress=100)
    Article.objects.filter(pk=article.pk).update(status="ready")
    # The page reloads itself: the claims are there and the bar is gone.
    expect(page.locator("#claim-panel")).to_contain_text("Claim 1 of 1", timeout=6000)
    expect(page.locator("#article-progress")).to_have_count(0)
    expect(page.locator("#article-header")).to_contain_text("Ready for review")
    assert page.js_errors == []


def test_an_editor_retries_from_the_article_page_and_from_the_queue(
    open_page, live_server, editor, no_worker
):
    first = factories.article(title="Fails on the page")
    second = factories.article(title="Fails in the queue")
    old_first, old_second = _fail(first), _fail(second)
    page = open_page(editor)

    page.goto(f"{live_server.url}/articles/{first.pk}/")
    progress = page.locator("#article-progress")
    expect(progress).to_contain_text("Failed while parsing the text.")
    expect(progress).to_contain_text("[E088] too long")
    _shot(page, "retry-article-failed")
    progress.get_by_role("button", name="Retry pre-annotation").click()
    expect(progress).to_contain_text("Queued", timeout=5000)
    new_first = AnnotationRun.objects.filter(article=first).latest("id")
    assert new_first.pk != old_first.pk and new_first.status == "queued"
    old_first.refresh_from_db()
    assert old_first.status == "failed" and "[E088]" in old_first.error  # kept
    assert (first.pk, new_first.pk) in no_worker

    page.goto(f"{live_server.url}/?outlet=")
    row = page.locator(f"#article-row-{second.pk}")
    expect(row).to_contain_text("Failed while parsing the text.")
    ready_tab = page.locator("#status-tabs a", has_text="Ready for review")
    expect(ready_tab).to_contain_text("0")
    row.get_by_role("button", name="Retry pre-annotation").click()
    expect(row).to_contain_text("Pre-annotating", timeout=5000)
    failed_tab = page.locator("#status-tabs a", has_text="Failed")
    expect(failed_tab).to_contain_text("0")  # recounted with the row the retry answered
    new_second = AnnotationRun.objects.filter(article=second).latest("id")
    assert new_second.pk != old_second.pk
    # The run ends: the row and, out of band, the tab counts follow.
    AnnotationRun.objects.filter(pk=new_second.pk).update(
        status="succeeded", stage="done", progress=100
    )
    Article.objects.filter(pk=second.pk).update(status="ready")
    expect(row).to_contain_text("Ready for review", timeout=5000)
    expect(ready_tab).to_contain_text("1", timeout=5000)
    _shot(page, "retry-queue-done")
    assert page.js_errors == []


def test_a_comment_with_a_link_and_a_mention_reaches_the_colleague(
    open_page, live_server, reviewer, editor
):
    seed = scenarios.build()
    page = open_page(reviewer)
    page.goto(f"{live_server.url}/articles/{seed.article.pk}/?claim={seed.arms.pk}")
    thread = page.locator(f"#comments-claim-{seed.arms.pk}")
    thread.scroll_into_view_if_needed()  # the thread is fetched as it comes into view
    expect(thread).to_contain_text("No comments yet.")
    thread.locator("textarea[name=body]").fill(
        "@eddie the source gives one figure: https://example.org/report <b>sure?</b>"
    )
    thread.get_by_role("button", name="Comment").click()
    expect(thread.locator(".comment-body a")).to_have_attribute(
        "href", "https://example.org/report"
    )
    expect(thread.locator(".comment-body")).to_contain_text("<b>sure?</b>")
    expect(thread.locator(".mention")).to_have_text("@eddie")
    expect(page.locator("#claim-history")).to_contain_text("commented")
    thread.scroll_into_view_if_needed()
    _shot(page, "comments-thread")
    assert Mention.objects.get().user == editor

    other = open_page(editor)
    expect(other.locator(".mentions-link .nav-count")).to_have_text("1 unread")
    other.click(".mentions-link")
    expect(other.locator(".mention-item")).to_contain_text("the source gives one figure")
    _shot(other, "mentions-page")
    other.get_by_role("button", name="Open the claim").click()
    expect(other.locator("#claim-panel")).to_contain_text("commented")
    expect(other.locator(".mentions-link .nav-count")).to_have_count(0)
    assert Comment.objects.count() == 1
    assert page.js_errors == [] and other.js_errors == []


def _phone_page(browser, live_server, user):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-" + user.username)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return context, page, errors


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_390_pixel_phone_gets_cards_an_overlay_panel_and_no_sideways_scrolling(
    browser, live_server, reviewer, no_worker
):
    seed = scenarios.build()
    for n in range(3):
        factories.article(title=f"A much longer headline number {n} that wraps on a phone")
    _fail(factories.article(title="Failed on a phone"))
    context, page, errors = _phone_page(browser, live_server, reviewer)
    try:
        expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
        assert _scroll_width(page) <= 390
        row = page.locator(f"#article-row-{seed.article.pk}")
        assert row.evaluate("el => getComputedStyle(el).display") == "block"  # a card
        _shot(page, "phone-queue", full_page=True)

        page.goto(f"{live_server.url}/articles/{seed.article.pk}/")
        expect(page.locator("#article-text")).to_be_visible()
        assert _scroll_width(page) <= 390
        _shot(page, "phone-review")
        overlay = page.locator(".panel-col")

        claim = page.locator(f'#article-text [data-claim="{seed.aid.pk}"]').first
        claim.scroll_into_view_if_needed()
        claim.tap()
        expect(page.locator("#claim-panel")).to_have_attribute("data-claim-id", str(seed.aid.pk))
        expect(overlay).to_have_attribute("aria-modal", "true")
        box = overlay.bounding_box()
        assert box is not None and box["y"] == 0 and box["width"] == 390
        expect(
            page.get_by_role("button", name="Close the claim and go back to the text")
        ).to_be_visible()
        expect(page.locator("#claim-heading")).to_be_in_viewport()
        assert _scroll_width(page) <= 390
        _shot(page, "phone-panel-open")

        page.keyboard.press("Escape")
        expect(overlay).not_to_have_attribute("aria-modal", "true")
        expect(claim).to_be_in_viewport()
        _shot(page, "phone-panel-closed")

        claim.tap()
        expect(overlay).to_have_attribute("aria-modal", "true")
        page.get_by_role("button", name="Close the claim and go back to the text").tap()
        expect(overlay).not_to_have_attribute("aria-modal", "true")
        assert _scroll_width(page) <= 390

        too_wide = {}
        for path in (
            f"/articles/{seed.article.pk}/history/",
            f"/articles/{seed.article.pk}/comments/",
            f"/claims/{seed.aid.pk}/comments/",
            "/mentions/",
            "/articles/new/",
        ):
            page.goto(live_server.url + path)
            if (width := _scroll_width(page)) > 390:
                too_wide[path] = width
        assert too_wide == {}
        _shot(page, "phone-add-article", full_page=True)
        assert errors == []
    finally:
        context.close()
