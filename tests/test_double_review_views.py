"""The double review's screens as each person gets them: the article page's bar, the second
reviewer's blind page, the editor's adjudication, the queue badge and the agreement page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Claim, DoubleReview, ReviewPass
from annotations.services import double_review as dr
from tests import factories, scenarios
from tests.test_double_review import first_review, rating, second_decisions

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    seed = scenarios.build()
    people = {
        "rita": factories.user("rita", role="reviewer"),
        "sam": factories.user("sam", role="reviewer"),
        "eddie": factories.user("eddie", role="editor"),
    }
    return seed, people


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(name: str, seed) -> str:
    return reverse(f"annotations:{name}", args=[seed.article.pk])


def form_for(seed) -> dict:
    """Sam's decisions as the second review form posts them."""
    data: dict = {"claim": [seed.arms.pk, seed.aid.pk, seed.soldiers.pk, seed.budanov.pk]}
    data[f"accept-{seed.arms.pk}"] = "keep"
    data[f"rating-{seed.arms.pk}"] = rating("True").pk
    data[f"attr-{seed.arms.pk}-{seed.attribution.pk}"] = "keep"
    data[f"speaker-{seed.arms.pk}-{seed.attribution.pk}"] = "Friedrich Naumann Foundation"
    data[f"accept-{seed.aid.pk}"] = "keep"
    data[f"accept-{seed.soldiers.pk}"] = "keep"
    data[f"accept-{seed.budanov.pk}"] = "reject"
    return data


def test_editor_requires_it_from_the_article_page_and_the_queue_shows_where_it_is(desk):
    seed, p = desk
    page = client(p["rita"]).get(url("article_review", seed)).content.decode()
    assert "Require a blind second review" not in page  # reviewers cannot
    eddie = client(p["eddie"])
    assert (
        "Require a blind second review" in eddie.get(url("article_review", seed)).content.decode()
    )
    assert (
        client(p["rita"]).post(url("double_review_set", seed), {"required": "on"}).status_code
        == 403
    )
    response = eddie.post(url("double_review_set", seed), {"required": "on"})
    assert response.status_code == 302
    assert DoubleReview.objects.get(article=seed.article).stage == "awaiting_first"
    page = eddie.get(url("article_review", seed)).content.decode()
    assert "Awaiting first review" in page and "Nothing on this article can be published" in page
    queue = eddie.get(reverse("annotations:queue")).content.decode()
    assert 'class="badge dr-badge dr-waiting">Awaiting first review' in queue


def test_first_review_refused_while_claims_are_pending_then_handed_in(desk):
    seed, p = desk
    dr.double_review_set(article=seed.article, required=True, actor=p["eddie"])
    rita = client(p["rita"])
    response = rita.post(url("review_pass_submit_first", seed))
    assert response.status_code == 400
    assert "4 of 4 claims are still pending" in response.content.decode()
    first_review(seed, p["rita"])
    assert rita.post(url("review_pass_submit_first", seed)).status_code == 302
    assert ReviewPass.objects.get(number=1).reviewer == p["rita"]
    page = rita.get(url("article_review", seed)).content.decode()
    assert "Awaiting second review" in page


def test_second_reviewer_is_blind_until_both_are_in(desk):
    seed, p = desk
    dr.double_review_set(article=seed.article, required=True, actor=p["eddie"])
    first_review(seed, p["rita"])
    sam = client(p["sam"])
    page = sam.get(url("second_review", seed)).content.decode()
    # the machine's wording of the aid claim, not Rita's correction; none of her verdict
    assert seed.aid.text.replace("'", "&#x27;") in page
    assert "A range." not in page and " selected>Mixed" not in page
    assert sam.post(url("second_review", seed), {**form_for(seed), "save": "1"}).status_code == 302
    # from now on the article page and its history send Sam to his own page
    response = sam.get(url("article_review", seed))
    assert response.status_code == 302 and response["Location"] == url("second_review", seed)
    assert sam.get(url("article_history", seed))["Location"] == url("second_review", seed)
    for comments in (
        reverse("annotations:article_comments", args=[seed.article.pk]),
        reverse("annotations:claim_comments", args=[seed.arms.pk]),
    ):  # colleagues' notes would give the first review away
        assert sam.get(comments)["Location"] == url("second_review", seed)
    claim = reverse("annotations:claim_detail", args=[seed.arms.pk])
    assert sam.get(claim, headers={"HX-Request": "true"}).status_code == 302
    # Rita, the first reviewer, is refused his page
    refusal = client(p["rita"]).get(url("second_review", seed)).content.decode()
    assert "independent" in refusal
    services_pass = ReviewPass.objects.get(number=2)
    page = sam.get(url("second_review", seed)).content.decode()
    assert f'name="version" value="{services_pass.version}"' in page
    dr.review_pass_submit_first(article=seed.article, actor=p["rita"])
    response = sam.post(
        url("second_review", seed),
        {**form_for(seed), "submit": "1", "version": services_pass.version},
    )
    assert response.status_code == 302
    assert sam.get(url("article_review", seed)).status_code == 200  # both in: unblinded


def test_second_review_refusals_keep_what_was_typed(desk):
    seed, p = desk
    dr.double_review_set(article=seed.article, required=True, actor=p["eddie"])
    sam = client(p["sam"])
    data = {**form_for(seed), f"text-{seed.aid.pk}": "<b>words</b> not in the article", "save": "1"}
    response = sam.post(url("second_review", seed), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "is not in the article" in page
    assert "&lt;b&gt;words&lt;/b&gt; not in the article" in page and "<b>words" not in page
    assert not ReviewPass.objects.exists()
    # a stale version (saved from another window meanwhile) is a 409
    sam.post(url("second_review", seed), {**form_for(seed), "save": "1"})
    stale = sam.post(url("second_review", seed), {**form_for(seed), "save": "1", "version": "1"})
    assert stale.status_code == 409
    assert "another window" in stale.content.decode()
    # submitting with a claim undecided
    own = ReviewPass.objects.get()
    data = {**form_for(seed), "submit": "1", "version": own.version}
    del data[f"accept-{seed.budanov.pk}"]
    response = sam.post(url("second_review", seed), data)
    assert (
        response.status_code == 400
        and "1 of 4 claims have no decision" in response.content.decode()
    )


def both_in(seed, p) -> None:
    dr.double_review_set(article=seed.article, required=True, actor=p["eddie"])
    first_review(seed, p["rita"])
    dr.review_pass_submit_first(article=seed.article, actor=p["rita"])
    dr.second_review_save(
        article=seed.article, actor=p["sam"], decisions=second_decisions(seed), submit=True
    )


def test_adjudication_page_lists_each_disagreement_with_the_figures(desk):
    seed, p = desk
    both_in(seed, p)
    assert client(p["rita"]).get(url("adjudicate", seed)).status_code == 403
    page = client(p["eddie"]).get(url("adjudicate", seed)).content.decode()
    assert "5 disagreements, 5 still open" in page
    assert "First review (rita)" in page and "Second review (sam)" in page
    assert "Kept or rejected" in page and "Rating" in page and "Span" in page
    assert "50%" in page and "2 of 4 claims decided alike" in page
    assert "-0.33" in page  # Cohen's kappa, as the service test works it out
    assert "Finish the adjudication" in page and "disabled" in page


def test_editor_settles_with_version_checks_then_finishes_and_publishes(desk):
    seed, p = desk
    both_in(seed, p)
    eddie = client(p["eddie"])
    soldiers = Claim.objects.get(pk=seed.soldiers.pk)
    stale = {
        "claim": soldiers.pk,
        "aspect": "accept",
        "choice": "second",
        "version": soldiers.version - 1,
    }
    response = eddie.post(url("adjudicate", seed), stale)
    assert response.status_code == 409 and "changed by" in response.content.decode()
    bad = {
        "claim": seed.aid.pk,
        "aspect": "span",
        "choice": "typed",
        "typed": "not in it",
        "version": Claim.objects.get(pk=seed.aid.pk).version,
    }
    assert eddie.post(url("adjudicate", seed), bad).status_code == 400
    state_page = eddie.get(url("adjudicate", seed)).content.decode()
    assert "5 still open" in state_page
    from annotations.selectors import double_review as read

    for d in read.adjudication(article=seed.article).disagreements:
        response = eddie.post(
            url("adjudicate", seed),
            {
                "claim": d.claim.pk,
                "aspect": d.aspect,
                "choice": "second",
                "version": d.version if d.version is not None else "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:400]
    page = eddie.get(url("adjudicate", seed)).content.decode()
    assert "0 still open" in page and "Final." in page
    verdict = Claim.objects.get(pk=seed.arms.pk).verdict
    publish = reverse("annotations:verdict_publish", args=[verdict.pk])
    refused = eddie.post(
        publish, {"verdict_version": verdict.version}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 400 and "blind second review" in refused.content.decode()
    assert eddie.post(url("adjudication_finish", seed)).status_code == 302
    assert DoubleReview.objects.get().stage == "adjudicated"
    verdict.refresh_from_db()
    published = eddie.post(
        publish, {"verdict_version": verdict.version}, headers={"HX-Request": "true"}
    )
    assert published.status_code == 200
    verdict.refresh_from_db()
    assert verdict.is_published and verdict.rating.label == "True"
    queue = eddie.get(reverse("annotations:queue")).content.decode()
    assert 'dr-done">Adjudicated' in queue


def test_agreement_page_over_a_date_range(desk):
    seed, p = desk
    reviewer = client(p["rita"])
    empty = reviewer.get(reverse("annotations:agreement")).content.decode()
    assert "n/a" in empty and "0 of 0 claims" in empty
    both_in(seed, p)
    page = reviewer.get(reverse("annotations:agreement")).content.decode()
    assert '<strong id="agreement-articles">1</strong> article' in page
    assert "2 of 4 claims decided alike" in page and seed.article.title in page
    assert reviewer.get(reverse("annotations:agreement"), {"from": "2020-13-01"}).status_code == 400
    backwards = {"from": "2026-02-01", "to": "2026-01-01"}
    assert reviewer.get(reverse("annotations:agreement"), backwards).status_code == 400
    old = reviewer.get(reverse("annotations:agreement"), {"from": "2001-01-01", "to": "2001-12-31"})
    assert '<strong id="agreement-articles">0</strong>' in old.content.decode()
    assert (
        client(factories.user("olga", role=None)).get(reverse("annotations:agreement")).status_code
        == 403
    )


def test_someone_who_might_be_second_is_asked_which_review_before_seeing_the_first(desk):
    seed, p = desk
    dr.double_review_set(article=seed.article, required=True, actor=p["eddie"])
    first_review(seed, p["rita"])
    olive = client(factories.user("olive", role="reviewer"))
    page = olive.get(url("article_review", seed)).content.decode()
    assert "Do the second review" in page and "Open the first review" in page
    assert "A range." not in page  # nothing of the first review behind the question
    assert client(p["rita"]).get(url("article_review", seed)).status_code == 200  # her own
    # opening the first review rules her out as its second reviewer
    assert olive.get(url("article_review", seed), {"first": "1"}).status_code == 200
    assert "Open the first review" not in olive.get(url("article_review", seed)).content.decode()
    refusal = olive.get(url("second_review", seed)).content.decode()
    assert "You opened this article" in refusal
    response = olive.post(url("second_review", seed), {**form_for(seed), "save": "1"})
    assert response.status_code == 403 and not ReviewPass.objects.exists()
    # Sam goes straight to the second review and is never shown the question again
    sam = client(p["sam"])
    assert sam.post(url("second_review", seed), {**form_for(seed), "save": "1"}).status_code == 302
    assert sam.get(url("article_review", seed))["Location"] == url("second_review", seed)


def test_history_names_each_double_review_step(desk):
    seed, p = desk
    both_in(seed, p)
    eddie = client(p["eddie"])
    soldiers = Claim.objects.get(pk=seed.soldiers.pk)
    eddie.post(
        url("adjudicate", seed),
        {"claim": soldiers.pk, "aspect": "accept", "choice": "first", "version": soldiers.version},
    )
    page = eddie.get(url("article_history", seed)).content.decode()
    for phrase in (
        "changed whether a second review is required",
        "submitted their independent review",
        "settled a disagreement between the reviews",
    ):
        assert phrase in page
