"""What the review page and its htmx answers read: a fixed number of queries whatever the
number of claims, and a change to one claim redraws exactly what a full redraw would show
for it (its segments, its list entry, the counts, the open flags)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations import selectors
from annotations.markup import segments_in
from annotations.models import Attribution, Claim, Flag, Rating, ReviewState, Verdict
from tests import factories, scenarios

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}

# Signing in costs two queries on every request (the session and the user: the permission
# sets come from the cache, as with CACHE_URL in production); the page's own reads come on top.
SIGNED_IN = 2


def _queries(fn) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def _claims_of(article) -> list[Claim]:
    return list(Claim.objects.filter(article=article).order_by("start", "-end", "id"))


def test_review_page_costs_the_same_queries_for_10_and_300_claims(client, editor):
    small, large = scenarios.many_claims(10), scenarios.many_claims(300)
    client.force_login(editor)
    client.get(f"/articles/{small.pk}/")
    client.get(f"/articles/{large.pk}/")  # each article's cached answers (no double review)
    n_small, _ = _queries(lambda: client.get(f"/articles/{small.pk}/"))
    n_large, sql = _queries(lambda: client.get(f"/articles/{large.pk}/"))
    assert n_large == n_small
    # each table read once: claims twice at most (the list, and the panel's claim in full)
    claim_reads = [q for q in sql if q.startswith('SELECT "annotations_claim"')]
    assert len(claim_reads) <= 2
    for table in ("flag", "attribution", "quantity", "source", "evidencelink"):
        assert sum(q.startswith(f'SELECT "annotations_{table}"') for q in sql) == 1, table


def test_htmx_confirm_reads_only_the_changed_claim_region(client, reviewer):
    large = scenarios.many_claims(300)
    claims = _claims_of(large)
    client.force_login(reviewer)
    client.post(f"/claims/{claims[0].pk}/confirm/", {"version": 1}, **HX)  # first: in review

    def confirm():
        response = client.post(f"/claims/{claims[150].pk}/confirm/", {"version": 1}, **HX)
        assert response.status_code == 200

    n, sql = _queries(confirm)
    # no full claim rows of the article: the claim itself, and an outline of ids and states
    full_claim_reads = [
        q
        for q in sql
        if q.startswith('SELECT "annotations_claim"."id", "annotations_claim"."article_id"')
        and '"annotations_claim"."id" = ' not in q
    ]
    assert full_claim_reads == []
    # attributions and quantities only where they overlap the claim
    quantity_reads = [q for q in sql if q.startswith('SELECT "annotations_quantity"')]
    assert len(quantity_reads) == 1 and '"annotations_quantity"."start" <' in quantity_reads[0]
    assert n <= SIGNED_IN + 20


def test_htmx_confirm_costs_the_same_queries_for_10_and_300_claims(client, reviewer):
    small, large = scenarios.many_claims(10), scenarios.many_claims(300)
    client.force_login(reviewer)
    for article in (small, large):  # the first confirm also starts the review
        first = _claims_of(article)[0]
        client.post(f"/claims/{first.pk}/confirm/", {"version": 1}, **HX)
    counts = []
    for article in (small, large):
        claim = _claims_of(article)[5]
        n, _ = _queries(
            lambda claim=claim: client.post(f"/claims/{claim.pk}/confirm/", {"version": 1}, **HX)
        )
        counts.append(n)
    assert counts[0] == counts[1]


def _oob_segments(html: str) -> dict[str, str]:
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<span id="seg-(\d+)"[^>]*hx-swap-oob="true">.*?</span>', html)
    }


def _nested_article():
    """Claims that nest and overlap, attributions and quantities across their edges: the
    layout where redrawing one claim's region could go wrong."""
    seed = scenarios.build()
    body = seed.article.body
    outer = seed.arms
    inner_start = outer.start + 4
    inner = Claim.objects.create(
        article=seed.article,
        start=inner_start,
        end=inner_start + 12,
        text=body[inner_start : inner_start + 12],
        support="contradicted",
    )
    straddle = Claim.objects.create(
        article=seed.article,
        start=outer.end - 5,
        end=outer.end + 10,
        text=body[outer.end - 5 : outer.end + 10],
    )
    return seed, [outer, inner, straddle]


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a_confirm_redraws_the_same_segments_a_full_redraw_shows(client, reviewer, which):
    seed, claims = _nested_article()
    claim = claims[which]
    client.force_login(reviewer)
    response = client.post(f"/claims/{claim.pk}/confirm/", {"version": 1}, **HX)
    assert response.status_code == 200
    sent = _oob_segments(response.content.decode())

    full = selectors.article_text(seed.article)
    current = full.claim(claim.pk)
    assert current.review_state == ReviewState.CONFIRMED
    expected = {
        str(s.start): str(s.oob) for s in segments_in(full.segments, claim.start, claim.end)
    }
    assert sent == expected
    assert "st-confirmed" in "".join(sent.values())


def test_a_confirm_redraws_its_list_entry_and_the_counts(client, reviewer):
    article = scenarios.many_claims(12)
    claims = _claims_of(article)
    client.force_login(reviewer)
    client.post(f"/claims/{claims[0].pk}/reject/", {"version": 1}, **HX)
    response = client.post(f"/claims/{claims[3].pk}/confirm/", {"version": 1}, **HX)
    html = response.content.decode()
    item = re.search(rf'<li id="nav-{claims[3].pk}"[^>]*>.*?</li>', html).group(0)
    assert 'hx-swap-oob="true"' in item
    assert "st-confirmed" in item and "confirmed · ⚑1" in item
    counts = re.search(r'<p id="review-counts".*?</p>', html, re.S).group(0)
    assert "10 pending" in counts and "1 confirmed" in counts and "1 rejected" in counts
    assert 'id="article-text"' not in html and 'id="claim-nav"' not in html


def test_a_list_entry_escapes_the_claim_and_shows_its_verdict(client, reviewer):
    article = factories.article(body="Intro. The <b>mayor</b> spent $5 & more on 3 roads. End.")
    claim = factories.claim(article, "The <b>mayor</b> spent $5 & more on 3 roads.")
    Flag.objects.create(claim=claim, type=Flag.Type.NUMBER_MISMATCH, article_text="$5")
    Verdict.objects.create(
        claim=claim, rating=Rating.objects.filter(scale__is_default=True).first()
    )
    client.force_login(reviewer)
    page = client.get(f"/articles/{article.pk}/").content.decode()
    item = re.search(rf'<li id="nav-{claim.pk}"[^>]*>.*?</li>', page).group(0)
    assert "The &lt;b&gt;mayor&lt;/b&gt; spent $5 &amp; more" in item
    assert "<b>" not in item
    assert "pending · ⚑1 · " in item
    assert f'hx-get="/claims/{claim.pk}/"' in item
    assert f'href="/articles/{article.pk}/?claim={claim.pk}"' in item


def test_a_long_claim_is_shortened_in_the_list_like_truncatechars():
    claim = Claim(pk=7, start=0, end=120, text="x" * 120, support="supported")
    item = selectors.claim_nav_item(claim, review_url="/a/1/", claims_url="/claims/")
    assert "x" * 89 + "…</span>" in item and "x" * 90 not in item


def test_a_dismissed_flag_redraws_the_flag_list_numbered_by_reading_order(client, editor):
    article = scenarios.many_claims(6)
    claims = _claims_of(article)
    flag = Flag.objects.get(claim=claims[2])
    client.force_login(editor)
    response = client.post(f"/flags/{flag.pk}/dismiss/", {"reason": "rounded"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<section id="flag-summary".*?</section>', html, re.S).group(0)
    assert 'hx-swap-oob="true"' in summary
    assert "5 open flags" in summary
    assert f'hx-get="/claims/{claims[2].pk}/"' not in summary
    for n, claim in enumerate(claims, start=1):
        if n != 3:
            assert f"Claim {n}</span> <strong>Number differs</strong>" in summary
            assert f'hx-get="/claims/{claim.pk}/"' in summary
    item = re.search(rf'<li id="nav-{claims[2].pk}"[^>]*>.*?</li>', html).group(0)
    assert "⚑" not in item


def test_the_page_panel_matches_the_panel_htmx_shows(client, reviewer):
    """The page hands its loaded rows to the panel; the htmx panel reads its own: both
    show the same attributions, flags and evidence."""
    seed = scenarios.build()
    scenarios.source_attribution(seed)
    client.force_login(reviewer)
    page = client.get(f"/articles/{seed.article.pk}/?claim={seed.arms.pk}").content.decode()
    panel = client.get(f"/claims/{seed.arms.pk}/", **HX).content.decode()
    from_page = page[page.index('<section id="claim-panel"') :]
    from_page = from_page[: from_page.index('<details id="claim-nav"')]

    def ids(html: str, kind: str) -> list[str]:
        return re.findall(rf'id="{kind}-(\d+)"', html)

    for kind in ("attribution", "flag", "evidence"):
        assert ids(from_page, kind) == ids(panel, kind), kind
    assert ids(panel, "attribution")
    assert Attribution.objects.filter(source__isnull=False).exists()


def test_the_page_opens_on_the_first_pending_claim_and_404s_an_unknown_article(client, reviewer):
    article = scenarios.many_claims(3)
    claims = _claims_of(article)
    client.force_login(reviewer)
    client.post(f"/claims/{claims[0].pk}/confirm/", {"version": 1})
    page = client.get(f"/articles/{article.pk}/").content.decode()
    assert f'data-claim-id="{claims[1].pk}"' in page
    assert client.get("/articles/999999/").status_code == 404


def test_the_panel_marks_the_passages_the_verdict_cites(client, reviewer):
    seed = scenarios.build()
    links = list(seed.arms.evidence.order_by("id"))
    assert links
    rating = Rating.objects.filter(scale__is_default=True).first()
    client.force_login(reviewer)
    response = client.post(
        f"/claims/{seed.arms.pk}/verdict/",
        {"rating": rating.pk, "rationale": "Checked.", "evidence": [links[0].pk]},
    )
    assert response.status_code == 302
    for html in (
        client.get(f"/claims/{seed.arms.pk}/", **HX).content.decode(),
        client.get(f"/articles/{seed.article.pk}/?claim={seed.arms.pk}").content.decode(),
    ):
        item = re.search(
            rf'<article class="evidence-item" id="evidence-{links[0].pk}">.*?</article>', html, re.S
        )
        assert '<span class="tag">in verdict</span>' in item.group(0)
        assert html.count('<span class="tag">in verdict</span>') == 1


def _article_text(page: str) -> str:
    return re.search(r'<div id="article-text".*?</div>', page, re.S).group(0)


def _segment_classes(page: str, start: int) -> str:
    return re.search(rf'<span id="seg-{start}" class="([^"]*)"', page).group(1)


def test_the_drawn_text_shows_a_changed_state_at_once(client, reviewer):
    """The drawn text is cached under a digest of what it is drawn from: the page drawn
    before a change is never what is shown after it."""
    seed = scenarios.build()
    client.force_login(reviewer)
    url = f"/articles/{seed.article.pk}/"
    before = client.get(url).content.decode()
    assert "st-pending" in _segment_classes(before, seed.aid.start)
    again = client.get(url).content.decode()
    assert _article_text(again) == _article_text(before)  # drawn again, from the cache
    client.post(f"/claims/{seed.aid.pk}/confirm/", {"version": 1})
    after = client.get(url).content.decode()
    assert "st-confirmed" in _segment_classes(after, seed.aid.start)


def test_the_drawn_text_drops_a_rejected_attribution_at_once(client, reviewer):
    seed = scenarios.build()
    attribution = seed.attribution
    client.force_login(reviewer)
    url = f"/articles/{seed.article.pk}/"
    assert "cue" in _segment_classes(client.get(url).content.decode(), attribution.cue_start)
    response = client.post(
        f"/attributions/{attribution.pk}/reject/",
        {"version": attribution.version, "claim": seed.budanov.pk},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert not re.search(rf'<span id="seg-{attribution.cue_start}" class="[^"]*\bcue\b', page)
