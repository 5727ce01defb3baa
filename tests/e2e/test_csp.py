"""The Content-Security-Policy in a real browser: Chromium enforces it on the queue (with a
live progress bar polling), the review page, the add page and the admin, and not one
violation is reported — the inline script runs by its nonce, htmx injects no style and evals
nothing, and the progress bar needs no style attribute."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from annotations.models import AnnotationRun, Article
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def test_no_page_violates_the_content_security_policy(open_page, live_server):
    editor = factories.user("stella", role="editor", is_staff=True, is_superuser=True)
    article = factories.article()
    claim = factories.claim(article, "The city council")
    running = factories.article(title="Still running")
    AnnotationRun.objects.create(
        article=running, pipeline_version="1", status="running", stage="analysing", progress=40
    )
    Article.objects.filter(pk=running.pk).update(status="preannotating")

    page = open_page(editor)
    page.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
    violations: list[str] = []

    def visit(url: str) -> None:
        response = page.goto(live_server.url + url)
        assert response is not None and response.status == 200, url
        assert "script-src 'self' 'nonce-" in (
            response.header_value("content-security-policy") or ""
        )
        page.wait_for_load_state("networkidle")
        violations.extend(page.evaluate("window.__csp"))

    page.goto(live_server.url + "/")
    bar = page.locator(f"#run-progress-{running.pk} [role=progressbar]")
    expect(bar).to_have_attribute("aria-valuenow", "40")
    # htmx swaps the bar in place while the run moves on: swapped content is checked too
    AnnotationRun.objects.filter(article=running).update(progress=85, stage="storing")
    expect(bar).to_have_attribute("aria-valuenow", "85", timeout=5000)
    assert page.evaluate("document.documentElement.classList.contains('js')"), "nonce'd script ran"
    violations.extend(page.evaluate("window.__csp"))

    visit(f"/articles/{article.pk}/?claim={claim.pk}")
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_visible()
    visit("/articles/new/")
    visit("/admin/")
    visit("/admin/annotations/article/")

    assert violations == []
    assert [m for m in console if "Content Security Policy" in m or "Refused" in m] == []

    # and the recorder does see a violation: an inline style is refused and reported
    page.evaluate(
        "document.head.appendChild(Object.assign(document.createElement('style'),"
        " {textContent: 'body { color: red }'}))"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__csp")[0].startswith("style-src")
