"""Adding an article in the browser and watching its pre-annotation progress in the queue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from annotations import tasks
from annotations.models import AnnotationRun, Article
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def no_worker(monkeypatch):
    """Queue nothing: the test plays the worker by moving the run through its stages."""
    queued = []
    monkeypatch.setattr(tasks.preannotate_article, "delay", lambda *args: queued.append(args))
    return queued


def test_add_an_article_and_watch_its_progress(
    open_page, live_server, reviewer, shots, no_worker, tmp_path
):
    page = open_page(reviewer)
    page.get_by_role("link", name="Add articles").first.click()
    expect(page.get_by_role("heading", name="One article with its sources")).to_be_visible()
    page.fill("#id_text", factories.ARTICLE_TEXT)
    page.fill("#id_sources-0-text", "CaliToday (22/9/2025): The road budget was $3.9 million.")
    page.get_by_role("button", name="Add another source").click()
    expect(page.locator("#id_sources-2-name")).to_be_focused()
    shots(page, "add-form")
    page.get_by_role("button", name="Import article").click()

    expect(page).to_have_url(re.compile(r"/articles/\d+/$"))
    article = Article.objects.get()
    assert article.title == "Council spent $4.2 million on roads in 2025"
    assert article.outlet == "The Daily Test"
    assert article.sources.get().name == "CaliToday"
    assert no_worker == [(article.pk, AnnotationRun.objects.get().pk)]

    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/progress/" in r.url else None)
    page.goto(live_server.url + "/")
    row = page.locator(f"#article-row-{article.pk}")
    expect(row).to_contain_text("Pre-annotating")
    bar = page.locator(f"#run-progress-{article.pk} [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "0")

    run = AnnotationRun.objects.get()
    for stage, progress in [("loading model", 5), ("analysing", 20), ("storing", 85)]:
        AnnotationRun.objects.filter(pk=run.pk).update(
            status="running", stage=stage, progress=progress
        )
        expect(bar).to_have_attribute("aria-valuenow", str(progress), timeout=5000)
        expect(row).to_contain_text(stage.capitalize())
    shots(page, "progress")

    AnnotationRun.objects.filter(pk=run.pk).update(status="succeeded", stage="done", progress=100)
    Article.objects.filter(pk=article.pk).update(status="ready")
    expect(row).to_contain_text("Done", timeout=5000)
    expect(row).to_contain_text("Ready for review")
    polled = len(requests)
    page.wait_for_timeout(2500)
    assert len(requests) == polled  # the finished fragment has no trigger: polling stopped
    shots(page, "done")
    assert page.js_errors == []


def test_a_bad_batch_lists_its_lines_and_imports_nothing(
    open_page, live_server, reviewer, shots, tmp_path, no_worker
):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"title": "Fine", "text": "Fine text."}\n'
        '{"title": "Broken", "text": \n'
        '{"text": "No title"}\n',
        encoding="utf-8",
    )
    page = open_page(reviewer)
    page.goto(live_server.url + "/articles/new/")
    page.set_input_files("#id_batch-file", str(batch))
    page.get_by_role("button", name="Import batch").click()
    errors = page.locator("#batch-errors")
    expect(errors).to_contain_text("Nothing was imported: 2 bad line(s).")
    expect(errors).to_contain_text("Line 2: not valid JSON")
    expect(errors).to_contain_text("Line 3: “title” is missing or empty")
    assert not Article.objects.exists()
    shots(page, "batch-errors")


def test_sign_in_page(browser, live_server, shots):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/articles/1/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/articles/1/"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    expect(page.locator(".errors")).to_contain_text("correct username and password")
    shots(page, "login")
    context.close()
