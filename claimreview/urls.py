"""Public ClaimReview URLs: no sign-in, read-only, published verdicts only.

The project's root urlconf includes this module at "" so the paths below are the public
ones (``/factchecks/12/``, ``/claimreview/feed.jsonld``, ``/corrections/`` …).
"""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "claimreview"

urlpatterns = [
    path("factchecks/<int:claim_id>/", views.verdict_public, name="verdict_public"),
    path(
        "claims/<int:claim_id>/claimreview.jsonld",
        views.claim_claimreview,
        name="claim_jsonld",
    ),
    path(
        "articles/<int:article_id>/claimreview.jsonld",
        views.article_claimreviews,
        name="article_jsonld",
    ),
    path("claimreview/feed.jsonld", views.claimreview_feed, name="feed"),
    path("corrections/", views.corrections, name="corrections"),
]
