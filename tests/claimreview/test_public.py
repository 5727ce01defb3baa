"""Public ClaimReview endpoints and the verdict page (database-backed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations import services
from annotations.models import Claim, Entity, ReviewState, Verdict
from annotations.selectors import claimant_options
from claimreview.records import iter_review_records, review_record_for_claim
from claimreview.validation import validate_claim_review, validate_document
from tests import factories

from .conftest import CLAIM, legacy_wording, publish_verdict, rating

pytestmark = pytest.mark.django_db
JSONLD = "application/ld+json; charset=utf-8"


class _JsonLdScripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._open = False

    def handle_starttag(self, tag, attrs):
        self._open = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        if self._open:
            self.blocks.append("")

    def handle_endtag(self, tag):
        self._open = False

    def handle_data(self, data):
        if self._open:
            self.blocks[-1] += data


def jsonld_blocks(html: str) -> list:
    parser = _JsonLdScripts()
    parser.feed(html)
    return [json.loads(block) for block in parser.blocks]


def claim_url(claim_id: int) -> str:
    return reverse("claimreview:claim_jsonld", kwargs={"claim_id": claim_id})


def page_url(claim_id: int) -> str:
    return reverse("claimreview:verdict_public", kwargs={"claim_id": claim_id})


def feed(client, **params) -> dict:
    response = client.get(reverse("claimreview:feed"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == JSONLD
    assert response.streaming
    return json.loads(b"".join(response.streaming_content))


def test_the_paths_are_the_public_ones(published):
    claim_id = published.claim.pk
    assert page_url(claim_id) == f"/factchecks/{claim_id}/"
    assert claim_url(claim_id) == f"/claims/{claim_id}/claimreview.jsonld"
    article_id = published.claim.article_id
    assert reverse("claimreview:article_jsonld", kwargs={"article_id": article_id}) == (
        f"/articles/{article_id}/claimreview.jsonld"
    )
    assert reverse("claimreview:feed") == "/claimreview/feed.jsonld"


def test_claim_endpoint_serves_the_review_without_sign_in(client, published):
    response = client.get(claim_url(published.claim.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == JSONLD
    review = json.loads(response.content)
    assert review["@context"] == "https://schema.org"
    assert review["url"] == f"https://factcheck.example.org/factchecks/{published.claim.pk}/"
    assert review["claimReviewed"] == CLAIM
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Fact Desk",
        "url": "https://factcheck.example.org/",
    }
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly false",
        "name": "Mostly false",
        "ratingExplanation": "The audit office puts road spending at $3.9 million.",
    }
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "the mayor"}
    assert item["appearance"]["url"] == "https://news.example.com/roads"
    assert item["appearance"]["headline"] == "Roads bill"
    assert item["appearance"]["publisher"] == {"@type": "Organization", "name": "The Daily Test"}
    assert item["appearance"]["datePublished"] == item["datePublished"] == "2026-03-02"
    assert review["datePublished"] == published.verdict.published_at.isoformat()
    # The article is the only appearance known, so it is also the first one.
    assert item["firstAppearance"] == item["appearance"]
    assert validate_claim_review(review, site_domain="factcheck.example.org") == []


def test_speaker_without_a_known_kind_falls_back_to_the_outlet(client, editor):
    pub = publish_verdict(editor, speaker=("the mayor", None))
    review = json.loads(client.get(claim_url(pub.claim.pk)).content)
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "The Daily Test"}


def test_a_speaker_phrase_is_credited_to_the_organisation_inside_it(client, editor):
    article = factories.article(
        body="Budget row\n\nA Harbour Institute study said the city council spent $4.2 million "
        "on road repairs in 2025.\n",
        outlet="The Daily Test",
    )
    phrase = "A Harbour Institute study"
    org = article.body.index("Harbour Institute")
    Entity.objects.create(
        article=article,
        start=org,
        end=org + len("Harbour Institute"),
        text="Harbour Institute",
        label="ORG",
    )
    draft = publish_verdict(
        editor,
        article=article,
        needle="the city council spent $4.2 million",
        speaker=(phrase, None),
        publish=False,
    )
    # The panel offers the organisation inside the phrase, typed by the NER.
    options = claimant_options(draft.claim)
    assert [(o.name, o.kind, o.eligible) for o in options] == [
        ("The Daily Test", "Organization", True),
        ("Harbour Institute", "Organization", True),
    ]
    verdict = services.verdict_save(
        claim=draft.claim,
        rating=draft.verdict.rating,
        rationale="r",
        actor=editor,
        version=draft.verdict.version,
        claimant=services.ClaimantChoice.parse(options[1].key),
    )
    services.verdict_publish(verdict=verdict, actor=editor)
    review = json.loads(client.get(claim_url(draft.claim.pk)).content)
    assert review["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Harbour Institute",
    }


def test_the_public_keeps_the_published_wording_until_a_correction(client, published):
    editor = published.editor
    verdict = services.verdict_save(
        claim=published.claim,
        rating=published.verdict.rating,
        rationale=published.verdict.rationale,
        actor=editor,
        version=published.verdict.version,
        claim_reviewed="Council road repairs cost $4.2m in 2025",
    )
    review = json.loads(client.get(claim_url(published.claim.pk)).content)
    assert review["claimReviewed"] == CLAIM  # a draft revision changes nothing public
    services.verdict_publish(verdict=verdict, actor=editor, note="Shorter wording")
    review = json.loads(client.get(claim_url(published.claim.pk)).content)
    assert review["claimReviewed"] == "Council road repairs cost $4.2m in 2025"


def test_unpublished_verdicts_are_404_everywhere(client, editor):
    draft = publish_verdict(editor, publish=False)
    article_id = draft.claim.article_id
    article_url = reverse("claimreview:article_jsonld", kwargs={"article_id": article_id})
    for url in (claim_url(draft.claim.pk), page_url(draft.claim.pk), article_url):
        assert client.get(url).status_code == 404, url
    assert feed(client)["dataFeedElement"] == []


def test_withdrawing_removes_it_from_every_surface_and_leaves_a_notice(client, published):
    claim_id = published.claim.pk
    article_url = reverse(
        "claimreview:article_jsonld", kwargs={"article_id": published.claim.article_id}
    )
    assert client.get(page_url(claim_id)).status_code == 200
    assert len(feed(client)["dataFeedElement"]) == 1
    services.verdict_withdraw(
        verdict=published.verdict, actor=published.editor, reason="The audit was revised."
    )
    assert client.get(claim_url(claim_id)).status_code == 410
    page = client.get(page_url(claim_id))
    assert page.status_code == 410
    assert "The audit was revised." in page.content.decode()
    assert client.get(article_url).status_code == 404
    assert feed(client)["dataFeedElement"] == []


def test_a_claim_rejected_after_publication_is_hidden(client, published):
    Claim.objects.filter(pk=published.claim.pk).update(review_state=ReviewState.REJECTED)
    assert client.get(claim_url(published.claim.pk)).status_code == 404
    assert client.get(page_url(published.claim.pk)).status_code == 404


def test_unknown_claims_are_404(client, db):
    assert client.get(claim_url(999999)).status_code == 404
    assert client.get(page_url(999999)).status_code == 404


def test_article_endpoint_lists_only_the_published_reviews(client, editor):
    article = factories.article(outlet="The Daily Test", url="https://news.example.com/roads")
    first = publish_verdict(editor, article=article, speaker=None)
    publish_verdict(
        editor,
        article=article,
        needle="spending rose by 12 percent compared with 2024",
        label="True",
        speaker=None,
        evidence=False,
        publish=False,
    )
    response = client.get(reverse("claimreview:article_jsonld", kwargs={"article_id": article.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == JSONLD
    reviews = json.loads(response.content)
    assert [r["url"].rsplit("/", 2)[-2] for r in reviews] == [str(first.claim.pk)]
    assert all(r.ok for r in validate_document(reviews, site_domain="factcheck.example.org"))


def test_feed_streams_every_published_review_in_publication_order(client, editor):
    one = publish_verdict(editor, speaker=None)
    two = publish_verdict(editor, label="False", speaker=None)
    data = feed(client)
    assert data["@type"] == "DataFeed"
    assert data["url"] == "http://testserver/claimreview/feed.jsonld"
    ids = [el["item"]["identifier"] for el in data["dataFeedElement"]]
    assert ids == [str(one.claim.pk), str(two.claim.pk)]
    results = validate_document(data, site_domain="factcheck.example.org")
    assert [r.ok for r in results] == [True, True]


def test_feed_since_filters_on_publication_date(client, editor):
    old = publish_verdict(editor, speaker=None)
    new = publish_verdict(editor, speaker=None)
    long_ago = timezone.now() - timedelta(days=30)
    Verdict.objects.filter(pk=old.verdict.pk).update(published_at=long_ago)
    today = timezone.localdate().isoformat()
    ids = [el["item"]["identifier"] for el in feed(client, since=today)["dataFeedElement"]]
    assert ids == [str(new.claim.pk)]
    since = (long_ago - timedelta(minutes=1)).isoformat()
    assert len(feed(client, since=since)["dataFeedElement"]) == 2


def test_feed_since_accepts_an_unencoded_offset(client, published):
    response = client.get(reverse("claimreview:feed") + "?since=2000-01-01T00:00:00+01:00")
    assert response.status_code == 200
    assert len(json.loads(b"".join(response.streaming_content))["dataFeedElement"]) == 1


def test_feed_rejects_a_bad_since(client, db):
    response = client.get(reverse("claimreview:feed"), {"since": "last tuesday"})
    assert response.status_code == 400


def test_endpoints_are_read_only(client, published):
    assert client.post(claim_url(published.claim.pk)).status_code == 405
    assert client.post(reverse("claimreview:feed")).status_code == 405
    assert client.post(page_url(published.claim.pk)).status_code == 405


def test_public_page_shows_the_verdict_and_embeds_the_same_review(client, published):
    response = client.get(page_url(published.claim.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert CLAIM in html
    assert "Mostly false" in html
    assert "The audit office puts road spending at $3.9 million." in html
    assert "The council&#x27;s road budget was $3.9 million in 2025." in html
    [embedded] = jsonld_blocks(html)
    endpoint = json.loads(client.get(claim_url(published.claim.pk)).content)
    assert embedded == endpoint


def test_hostile_text_cannot_break_out_of_the_page(client, editor):
    body = (
        "The Daily Test\n\n</script><script>alert(1)</script> <!-- said the mayor -->\n"
        "The mayor said the repairs cost \u201c$4.2m\u201d & more.\n"
    )
    article = factories.article(body=body, outlet="</script>", url="https://news.example.com/x")
    pub = publish_verdict(
        editor,
        article=article,
        needle="</script><script>alert(1)</script> <!-- said the mayor -->",
        speaker=None,
        evidence=False,
        rationale="</script><!-- & \u2028 nope",
    )
    html = client.get(page_url(pub.claim.pk)).content.decode()
    assert "<script>alert(1)</script>" not in html
    [embedded] = jsonld_blocks(html)
    assert embedded == json.loads(client.get(claim_url(pub.claim.pk)).content)
    assert embedded["claimReviewed"] == "</script><script>alert(1)</script> <!-- said the mayor -->"


def test_a_wording_carrying_the_verdict_is_not_published(editor):
    body = "The Daily Test\n\nThe minister said the figures were false, the mayor said.\n"
    article = factories.article(body=body, url="https://news.example.com/y")
    with pytest.raises(services.ServiceError, match="rephrase"):
        publish_verdict(
            editor,
            article=article,
            needle="The minister said the figures were false",
            label="False",
            speaker=None,
            evidence=False,
        )
    assert not Verdict.objects.filter(is_published=True).exists()


def test_a_verdict_whose_markup_would_be_wrong_keeps_its_page_but_not_its_markup(
    client, editor, caplog
):
    body = "The Daily Test\n\nThe minister said the figures were false, the mayor said.\n"
    article = factories.article(body=body, url="https://news.example.com/y")
    pub = publish_verdict(
        editor,
        article=article,
        needle="The minister said the figures were false",
        label="False",
        speaker=None,
        evidence=False,
        claim_reviewed="The minister disputed the figures",
    )
    legacy_wording(pub, "The minister said the figures were false")
    assert client.get(claim_url(pub.claim.pk)).status_code == 404
    response = client.get(page_url(pub.claim.pk))
    assert response.status_code == 200
    assert jsonld_blocks(response.content.decode()) == []
    assert "not served" in caplog.text
    assert feed(client)["dataFeedElement"] == []


def test_records_follow_filters_and_stream(published, editor):
    other = publish_verdict(editor, speaker=None)
    assert [r.identifier for r in iter_review_records(article_id=other.claim.article_id)] == [
        other.claim.pk
    ]
    assert review_record_for_claim(published.claim.pk).speaker_type == "Person"
    assert review_record_for_claim(123456) is None
    assert len(list(iter_review_records(chunk_size=1))) == 2


def test_records_cost_a_fixed_number_of_queries(editor, django_assert_max_num_queries):
    for _ in range(6):
        publish_verdict(editor)
    # scale bounds, then per chunk: rows, speakers, entities; never one query per record.
    with django_assert_max_num_queries(4):
        assert len(list(iter_review_records())) == 6
    with django_assert_max_num_queries(1 + 3 * 2):
        assert len(list(iter_review_records(chunk_size=3))) == 6


def test_claimants_land_on_their_own_claims_across_chunks(editor):
    publish_verdict(editor, speaker=("the mayor", "PERSON"))
    publish_verdict(editor, speaker=None)
    publish_verdict(editor, speaker=("the mayor", None))
    publish_verdict(editor, speaker=("the mayor", "ORG"))
    publish_verdict(editor, speaker=("the mayor", "PERSON"), claimant_is_speaker=False)
    outlet = ("The Daily Test", "Organization")
    expected = [("the mayor", "Person"), outlet, outlet, ("the mayor", "Organization"), outlet]
    for size in (1, 2, 3, 100):
        got = [(r.speaker_name, r.speaker_type) for r in iter_review_records(chunk_size=size)]
        assert got == expected, size


def test_date_modified_comes_with_a_published_correction(client, published):
    review = json.loads(client.get(claim_url(published.claim.pk)).content)
    assert "dateModified" not in review  # publishing itself is not a modification
    editor, verdict = published.editor, published.verdict
    verdict = services.verdict_save(
        claim=published.claim,
        rating=rating("False"),
        rationale=verdict.rationale,
        actor=editor,
        version=verdict.version,
    )
    assert "dateModified" not in json.loads(client.get(claim_url(published.claim.pk)).content)
    verdict = services.verdict_publish(verdict=verdict, actor=editor, note="Rated False now")
    review = json.loads(client.get(claim_url(published.claim.pk)).content)
    corrected = verdict.published_revision.published_at
    assert review["dateModified"] == corrected.isoformat()
    assert review["datePublished"] == published.verdict.published_at.isoformat()
    assert review["reviewRating"]["alternateName"] == "False"
    item = feed(client)["dataFeedElement"][0]
    assert item["dateModified"] == corrected.isoformat()


def test_dates_are_given_in_the_desks_time_zone(client, published, settings):
    settings.TIME_ZONE = "America/New_York"
    moment = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    Verdict.objects.filter(pk=published.verdict.pk).update(published_at=moment)
    review = json.loads(client.get(claim_url(published.claim.pk)).content)
    assert review["datePublished"] == "2026-11-19T21:00:00-05:00"
