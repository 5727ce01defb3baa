"""The dashboard in Chromium, on the seed article as ``load_demo`` pre-annotates it: two
reviewers and an editor work on it (through the services, as the review page would), and
the editor's dashboard shows exactly that work; a reviewer is refused it.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from playwright.sync_api import expect

from annotations import services
from annotations.models import (
    AnnotationRun,
    Article,
    Attribution,
    AuditEvent,
    Claim,
    Flag,
    Origin,
    Rating,
    ReviewState,
    Verdict,
)
from annotations.selectors.dashboard import REVIEW_VERBS
from annotations.selectors.machine_quality import Version
from tests import factories

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.model,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def the_desk_works(article: Article, rita, sam, eddie) -> Claim:
    """Rita confirms, rejects, corrects and adds; Sam rejects and confirms an attribution;
    Rita drafts a verdict that Eddie publishes, and Eddie dismisses a flag."""
    pending = list(
        Claim.objects.filter(
            article=article, origin=Origin.MACHINE, review_state=ReviewState.PENDING
        ).order_by("start")
    )
    assert len(pending) >= 5, "the seed's pre-annotation found fewer claims than expected"
    confirmed, rejected, corrected, by_sam = pending[:4]
    services.claim_confirm(claim_id=confirmed.pk, actor=rita, version=None)
    services.claim_reject(claim_id=rejected.pk, actor=rita, version=None)
    words = corrected.text.split(" ")
    shorter = corrected.start + len(" ".join(words[: max(1, len(words) - 2)]))
    services.claim_correct(
        claim_id=corrected.pk, start=corrected.start, end=shorter, actor=rita, version=None
    )
    title = article.body.index(article.title)  # the headline: a span no claim has
    services.claim_add(article=article, start=title, end=title + 30, actor=rita)
    services.claim_reject(claim_id=by_sam.pk, actor=sam, version=None)
    attribution = Attribution.objects.filter(
        article=article, origin=Origin.MACHINE, review_state=ReviewState.PENDING
    ).first()
    assert attribution is not None
    services.attribution_confirm(attribution_id=attribution.pk, actor=sam, version=None)

    verdict = services.verdict_save(
        claim=confirmed,
        rating=Rating.objects.get(scale__is_default=True, label="Mostly true"),
        rationale="The source says so.",
        actor=rita,
    )
    verdict = services.verdict_submit(verdict=verdict, actor=rita)
    services.verdict_publish(verdict=verdict, actor=eddie)
    flag = Flag.objects.filter(claim__article=article, dismissed_at__isnull=True).first()
    assert flag is not None
    services.flag_dismiss(flag_id=flag.pk, reason="The source rounds the figure.", actor=eddie)
    return confirmed


def cells(page, selector: str) -> list[str]:
    return [c.strip() for c in page.locator(f"{selector} td.num").all_inner_texts()]


def test_the_desk_s_work_shows_on_the_editor_s_dashboard(open_page, shots):
    with override_settings(DEBUG=True):  # load_demo refuses in production
        call_command("load_demo")
    cache.clear()  # the live server shares this process's local-memory cache
    article = Article.objects.get()
    run = AnnotationRun.objects.get(article=article, status=AnnotationRun.Status.SUCCEEDED)
    version = Version(
        run.pipeline_version,
        run.model_version,
        str((run.model_versions or {}).get("checkworthy", "")),
    )
    rita = factories.user("rita", role="reviewer")
    sam = factories.user("sam", role="reviewer")
    eddie = factories.user("eddie", role="editor")
    the_desk_works(article, rita, sam, eddie)

    page = open_page(eddie)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator("svg.chart[role=img]")).to_have_count(6)

    today = timezone.localdate()
    actions = AuditEvent.objects.filter(verb__in=REVIEW_VERBS, created_at__date=today).count()
    assert actions >= 9  # Rita 4 + Sam 2 + the verdict's steps + the flag + the demo's own
    expect(page.locator("#reviews-total")).to_have_text(str(actions))

    # the machine's claims against the decisions, counted here straight from the rows
    machine = Claim.objects.filter(article=article, origin=Origin.MACHINE)
    expected = [
        machine.filter(review_state=ReviewState.CONFIRMED).count(),
        machine.filter(review_state=ReviewState.CORRECTED).count(),
        machine.filter(review_state=ReviewState.REJECTED).count(),
        Claim.objects.filter(article=article, origin=Origin.REVIEWER).count(),
        machine.filter(review_state=ReviewState.PENDING).count(),
    ]
    assert expected[1:4] == [1, 2, 1] and expected[0] >= 2  # the demo's verdict confirmed one
    row = f'#quality tr[data-kind="claim"][data-version="{version.label}"]'
    assert cells(page, row)[:5] == [str(n) for n in expected]
    hits = expected[0] + 0.5 * expected[1]
    precision = hits / (expected[0] + expected[1] + expected[2])
    recall = hits / (expected[0] + expected[1] + expected[3])
    expect(page.locator(f'{row} [data-measure="precision"]')).to_have_text(f"{precision:.2f}")
    expect(page.locator(f'{row} [data-measure="recall"]')).to_have_text(f"{recall:.2f}")

    dismissed = Flag.objects.get(claim__article=article, dismissed_at__isnull=False)
    flag_row = cells(page, f'#flags tr[data-kind="flag:{dismissed.type}"]')
    assert flag_row[1] == "1"  # dismissed: a false alarm

    published = Verdict.objects.filter(is_published=True)
    assert published.count() == 2  # the demo's and Rita's
    for label in ("Mixed", "Mostly true"):
        expect(page.locator(f'#verdicts tr[data-rating="{label}"] td.num').first).to_have_text(
            str(published.filter(rating__label=label).count())
        )
    expect(page.locator("#publish-n")).to_have_text("0")  # the seed has claims still pending
    shots(page, "dashboard", full_page=True)
    assert page.js_errors == []

    reviewer = open_page(rita)
    expect(reviewer.get_by_role("link", name="Dashboard")).to_have_count(0)
    response = reviewer.goto(reviewer.url.rstrip("/") + "/dashboard/")
    assert response is not None and response.status == 403
