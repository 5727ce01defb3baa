"""Corrections and withdrawals in public: "Updated <date>: <note>" on the verdict page,
``dateModified`` in the markup, 410 Gone with a notice for a withdrawn verdict, and the
corrections page listing both, newest first."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations import services
from annotations.models import CorrectionNotice, Verdict
from claimreview.builder import build_claim_review
from claimreview.validation import validate_claim_review, validate_document

from .conftest import Published, publish_verdict, rating
from .helpers import ORG, record

pytestmark = pytest.mark.django_db


def correct(pub: Published, *, label: str, note: str, rationale: str | None = None) -> Verdict:
    """Edit the published verdict (a new draft revision) and publish it as a correction."""
    verdict = Verdict.objects.get(pk=pub.verdict.pk)
    verdict = services.verdict_save(
        claim=pub.claim,
        rating=rating(label),
        rationale=rationale or verdict.rationale,
        actor=pub.editor,
        version=verdict.version,
    )
    return services.verdict_publish(verdict=verdict, actor=pub.editor, note=note)


def withdraw(pub: Published, reason: str) -> Verdict:
    verdict = Verdict.objects.get(pk=pub.verdict.pk)
    return services.verdict_withdraw(verdict=verdict, actor=pub.editor, reason=reason)


def jsonld(client, claim_id: int):
    return client.get(reverse("claimreview:claim_jsonld", kwargs={"claim_id": claim_id}))


def page(client, claim_id: int):
    return client.get(reverse("claimreview:verdict_public", kwargs={"claim_id": claim_id}))


def feed_ids(client) -> list[str]:
    response = client.get(reverse("claimreview:feed"))
    data = json.loads(b"".join(response.streaming_content))
    return [el["item"]["identifier"] for el in data["dataFeedElement"]]


def test_the_corrections_url_is_public_and_stable(client, db):
    assert reverse("claimreview:corrections") == "/corrections/"
    response = client.get("/corrections/")
    assert response.status_code == 200
    assert "No fact check has been corrected or withdrawn." in response.content.decode()


def test_a_correction_shows_on_the_page_and_bumps_date_modified(client, published):
    correct(published, label="False", note="The audit office's figure was misread.")
    html = page(client, published.claim.pk).content.decode()
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f">{today}</time>:</strong> The audit office&#x27;s figure was misread." in html
    assert "Updated <time" in html
    review = jsonld(client, published.claim.pk).json()
    assert review["reviewRating"]["alternateName"] == "False"
    revision = Verdict.objects.get(pk=published.verdict.pk).published_revision
    assert review["dateModified"] == revision.published_at.isoformat()
    assert review["dateModified"] > review["datePublished"]


def test_corrections_are_listed_newest_first_on_the_page(client, published):
    correct(published, label="False", note="First fix.")
    notice = CorrectionNotice.objects.get()
    CorrectionNotice.objects.filter(pk=notice.pk).update(
        created_at=notice.created_at - timedelta(days=1)
    )
    correct(published, label="Mixed", note="Second fix.")
    html = page(client, published.claim.pk).content.decode()
    assert html.index("Second fix.") < html.index("First fix.")


def main(response) -> str:
    """The page's content (the head carries a per-request CSP nonce)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_a_draft_revision_changes_nothing_the_public_sees(client, published):
    before_page = main(page(client, published.claim.pk))
    before_json = jsonld(client, published.claim.pk).json()
    verdict = services.verdict_save(
        claim=published.claim,
        rating=rating("True"),
        rationale="An unreviewed rewrite.",
        actor=published.editor,
        version=published.verdict.version,
    )
    services.verdict_submit(verdict=verdict, actor=published.editor)
    assert main(page(client, published.claim.pk)) == before_page
    assert jsonld(client, published.claim.pk).json() == before_json
    assert (
        "An unreviewed rewrite." not in client.get(reverse("claimreview:feed")).getvalue().decode()
    )


def test_a_withdrawn_verdict_answers_410_with_what_when_and_why(client, published):
    withdraw(published, "The audit office withdrew its report.")
    response = page(client, published.claim.pk)
    assert response.status_code == 410
    html = response.content.decode()
    assert "This fact check was withdrawn" in html
    assert "The city council spent $4.2 million on road repairs in 2025" in html  # what
    assert "Mostly false" in html
    assert timezone.localdate().strftime("%-d %B %Y") in html  # when
    assert "The audit office withdrew its report." in html  # why
    assert 'type="application/ld+json"' not in html
    assert jsonld(client, published.claim.pk).status_code == 410
    article = reverse(
        "claimreview:article_jsonld", kwargs={"article_id": published.claim.article_id}
    )
    assert client.get(article).status_code == 404
    assert feed_ids(client) == []


def test_a_withdrawal_leaves_the_articles_other_reviews_in_place(client, editor):
    first = publish_verdict(editor, speaker=None)
    second = publish_verdict(
        editor,
        article=first.claim.article,
        needle="spending rose by 12 percent compared with 2024",
        label="True",
        speaker=None,
        evidence=False,
    )
    withdraw(first, "Wrong figure.")
    article = reverse("claimreview:article_jsonld", kwargs={"article_id": first.claim.article_id})
    reviews = client.get(article).json()
    assert [r["identifier"] for r in reviews] == [str(second.claim.pk)]
    assert feed_ids(client) == [str(second.claim.pk)]


def test_the_corrections_page_lists_corrections_and_withdrawals_newest_first(client, editor):
    one = publish_verdict(editor, speaker=None)
    two = publish_verdict(editor, speaker=None, label="False")
    correct(one, label="False", note="Misread the audit.")
    withdraw(two, "The source was retracted.")
    html = client.get("/corrections/").content.decode()
    assert html.index("The source was retracted.") < html.index("Misread the audit.")
    assert f'href="/factchecks/{one.claim.pk}/"' in html
    assert f'href="/factchecks/{two.claim.pk}/"' in html
    assert "withdrawn; it was rated False" in html
    assert "now rated False (revision 2)" in html


def test_the_corrections_page_needs_no_sign_in_and_is_read_only(client, published):
    correct(published, label="False", note="Fix.")
    assert client.get("/corrections/").status_code == 200
    assert client.post("/corrections/").status_code == 405


def test_published_reviews_carry_first_appearance_and_no_recommended_warning(client, editor):
    publish_verdict(editor)
    publish_verdict(editor, speaker=None)
    data = json.loads(b"".join(client.get(reverse("claimreview:feed")).streaming_content))
    for result in validate_document(data, site_domain="factcheck.example.org"):
        assert result.ok
        assert [i for i in result.issues if i.code == "missing-recommended"] == []
    for element in data["dataFeedElement"]:
        item = element["item"]["itemReviewed"]
        assert item["firstAppearance"] == item["appearance"]
        assert item["appearance"]["url"] == "https://news.example.com/roads"


def test_the_builder_uses_the_article_as_first_appearance_only_when_told():
    plain = record(first_appearance_url=None, first_appearance_date=None)
    assert "firstAppearance" not in build_claim_review(plain, org=ORG)["itemReviewed"]
    flagged = record(
        first_appearance_url=None, first_appearance_date=None, first_appearance_is_article=True
    )
    item = build_claim_review(flagged, org=ORG)["itemReviewed"]
    assert item["firstAppearance"] == item["appearance"]
    assert item["firstAppearance"]["@type"] == "NewsArticle"
    explicit = record(first_appearance_is_article=True)  # an explicit one wins
    item = build_claim_review(explicit, org=ORG)["itemReviewed"]
    assert item["firstAppearance"]["url"] == "https://social.example.net/posts/1"
    assert validate_claim_review(build_claim_review(flagged, org=ORG)) == []
