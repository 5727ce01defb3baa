"""The review page: what it shows, that article text stays inert with exact offsets, and
that its cost does not grow with the number of claims."""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import AuditEvent, AuditVerb, Claim
from tests import factories, scenarios

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Hostile Times\nMonday, March 2, 2026\n\n"
    "<script>alert('x')</script> &amp; &lt;b&gt; <img src=x onerror=alert(1)>\r\n"
    "Emoji 👩‍👩‍👧 😀 then: unemployment fell to 4.2 percent. "
    "العربية: البطالة انخفضت إلى 4.2 في المئة. "
    + "y" * 5000
    + "\n𝔘𝔫𝔦 the budget rose by 7 percent.\n"
)


class Segments(HTMLParser):
    """Collects (data-start, text) of each segment inside #article-text."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.inside = False
        self.depth = 0
        self.segments: list[list] = []
        self.tags_inside: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "article-text":
            self.inside, self.depth = True, 0
            return
        if self.inside:
            self.depth += 1
            self.tags_inside.append(tag)
            if "data-start" in attrs:
                self.segments.append([int(attrs["data-start"]), ""])

    def handle_endtag(self, tag):
        if self.inside:
            if self.depth == 0:
                self.inside = False
            else:
                self.depth -= 1

    def handle_data(self, data):
        if self.inside and self.segments:
            self.segments[-1][1] += data

    def handle_entityref(self, name):
        self.handle_data(unescape(f"&{name};"))

    def handle_charref(self, name):
        self.handle_data(unescape(f"&#{name};"))


def parse_segments(html: str) -> Segments:
    parser = Segments()
    parser.feed(html)
    return parser


def test_it_requires_sign_in(client, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_outsider_without_role_gets_403(client, outsider, article):
    client.force_login(outsider)
    assert client.get(f"/articles/{article.pk}/").status_code == 403
    assert client.get("/").status_code == 403


def test_it_shows_claims_flags_evidence_and_attribution(client, reviewer):
    seed = scenarios.build()
    client.force_login(reviewer)
    response = client.get(f"/articles/{seed.article.pk}/?claim={seed.arms.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="claim-panel"' in html and f'data-claim-id="{seed.arms.pk}"' in html
    assert "Range vs single figure" in html
    assert "between 5.6 and 9.8 billion USD" in html  # flag, article side
    assert (
        "<mark>North Korea has provided Russia with a staggering $9.8 billion worth</mark>" in html
    )
    assert "A Friedrich Naumann Foundation study" in html
    assert 'class="cl sup-partly_supported st-pending ct' in html
    assert 'class="sp"' in html and 'class="cue"' in html
    assert "qty" in html
    assert "Claim 1 of 4" in html
    assert "Mostly true" in html  # the default scale's ratings in the verdict form


def test_it_opens_the_first_pending_claim_by_default(client, reviewer):
    seed = scenarios.build()
    Claim.objects.filter(pk=seed.arms.pk).update(review_state="confirmed")
    client.force_login(reviewer)
    html = client.get(f"/articles/{seed.article.pk}/").content.decode()
    assert f'data-claim-id="{seed.aid.pk}"' in html


def test_hostile_text_is_escaped_and_every_offset_is_exact(client, reviewer):
    article = factories.article(body=HOSTILE, title="<i>Hostile</i>")
    factories.claim(article, "unemployment fell to 4.2 percent")
    factories.claim(article, "البطالة انخفضت إلى 4.2")
    factories.claim(article, "the budget rose by 7 percent")
    client.force_login(reviewer)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp;amp; &amp;lt;b&amp;gt;" in html
    assert "&lt;i&gt;Hostile&lt;/i&gt;" in html
    # Its CR LF and lone CR were stored as LF (ingest.text): offsets never depend on them.
    assert "\r" in HOSTILE and "\r" not in article.body
    assert article.body == HOSTILE.replace("\r\n", "\n").replace("\r", "\n")

    parsed = parse_segments(html)
    assert set(parsed.tags_inside) == {"span"}
    assert "".join(text for _, text in parsed.segments) == article.body
    for start, text in parsed.segments:
        assert article.body[start : start + len(text)] == text
    starts = [start for start, _ in parsed.segments]
    for claim in Claim.objects.filter(article=article):
        assert claim.start in starts


def _review_queries(client, article) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_review_page_queries_do_not_grow_with_claims(
    client, reviewer, django_assert_max_num_queries
):
    small, large = scenarios.many_claims(10), scenarios.many_claims(300)
    client.force_login(reviewer)
    _review_queries(client, small)  # warm the session, content types and cached answers
    client.get(f"/articles/{large.pk}/")
    baseline = _review_queries(client, small)
    with django_assert_max_num_queries(baseline):
        response = client.get(f"/articles/{large.pk}/")
    assert response.content.decode().count('class="nav-item"') == 300
    assert baseline <= 12


def test_htmx_panel_queries_do_not_grow_with_claims(
    client, reviewer, django_assert_max_num_queries
):
    small, large = scenarios.many_claims(10), scenarios.many_claims(300)
    client.force_login(reviewer)
    first_small = small.claims.order_by("start").first()
    first_large = large.claims.order_by("start").first()
    client.get(f"/claims/{first_small.pk}/", HTTP_HX_REQUEST="true")
    with CaptureQueriesContext(connection) as ctx:
        client.post(f"/claims/{first_small.pk}/confirm/", {"version": 1}, HTTP_HX_REQUEST="true")
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        response = client.post(
            f"/claims/{first_large.pk}/confirm/", {"version": 1}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200


def test_claim_detail_returns_only_the_panel_for_htmx(client, reviewer):
    seed = scenarios.build()
    client.force_login(reviewer)
    response = client.get(f"/claims/{seed.aid.pk}/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="claim-panel"')
    assert "<html" not in html and 'id="article-text"' not in html


def test_claim_detail_without_htmx_redirects_to_the_page(client, reviewer):
    seed = scenarios.build()
    client.force_login(reviewer)
    response = client.get(f"/claims/{seed.aid.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{seed.article.pk}/?claim={seed.aid.pk}"


def test_article_history_lists_who_what_when(client, reviewer):
    seed = scenarios.build()
    client.force_login(reviewer)
    client.post(f"/claims/{seed.aid.pk}/confirm/", {"version": 1})
    html = client.get(f"/articles/{seed.article.pk}/history/").content.decode()
    assert "confirmed the claim" in html
    assert "rita" in html
    assert '<del dir="auto">pending</del> → <ins dir="auto">confirmed</ins>' in html


def test_history_names_each_verb_and_shows_an_unknown_one_as_stored(client, reviewer, article):
    AuditEvent.objects.create(verb=AuditVerb.ADMIN_CHANGE, target_type="article", article=article)
    AuditEvent.objects.create(verb="legacy.verb", target_type="article", article=article)
    client.force_login(reviewer)
    html = client.get(f"/articles/{article.pk}/history/").content.decode()
    assert '<span class="verb">changed it in the admin console</span>' in html
    assert '<span class="verb">legacy.verb</span>' in html
    assert '<span class="verb">imported the article</span>' in html


def test_empty_article_shows_how_to_add_a_claim(client, reviewer, article):
    client.force_login(reviewer)
    html = client.get(f"/articles/{article.pk}/").content.decode()
    assert "No claims on this article yet" in html


def test_open_flags_are_listed_above_the_text_most_telling_first(client, reviewer):
    seed = scenarios.build()
    client.force_login(reviewer)
    page = client.get(f"/articles/{seed.article.pk}/").content.decode()
    summary = page[page.index('id="flag-summary"') : page.index('id="article-text"')]
    assert summary.index("Range vs single figure") < summary.index("Number differs")
    assert "$9.8 billion" in summary
    assert f'hx-get="/claims/{seed.arms.pk}/"' in summary


def test_each_claim_has_one_tab_stop_where_it_starts(client, reviewer):
    seed = scenarios.build()
    client.force_login(reviewer)
    page = client.get(f"/articles/{seed.article.pk}/").content.decode()
    claims = list(seed.article.claims.all())
    for claim in claims:
        assert page.count(f'data-claim-start="{claim.pk}"') == 1
        assert f'tabindex="0" data-claim-start="{claim.pk}"' in page
    assert page.count('tabindex="0" data-claim-start=') == len(claims)


def test_a_source_attribution_backing_the_claim_shows_with_a_selection_form(client, reviewer):
    seed = scenarios.build()
    attribution = scenarios.source_attribution(seed, with_speaker=False)
    client.force_login(reviewer)
    page = client.get(f"/articles/{seed.article.pk}/?claim={seed.arms.pk}").content.decode()
    assert f'id="attribution-{attribution.pk}"' in page
    assert f'data-selection-root="source-text-{seed.source.pk}"' in page
    assert f'<div class="source-text" id="source-text-{seed.source.pk}"' in page
    # Not with a claim it does not back.
    page = client.get(f"/articles/{seed.article.pk}/?claim={seed.budanov.pk}").content.decode()
    assert f'id="attribution-{attribution.pk}"' not in page
