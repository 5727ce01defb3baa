"""Reviewer workbench URLs. Every action is a POST to a real URL, so forms work without JS."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "annotations"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("articles/new/", views.article_add, name="article_add"),
    path("articles/batch/", views.article_batch, name="article_batch"),
    path("articles/<int:pk>/", views.article_review, name="article_review"),
    path("articles/<int:pk>/progress/", views.article_progress, name="article_progress"),
    path("articles/<int:pk>/assign/", views.article_assign, name="article_assign"),
    path("articles/<int:pk>/reviewed/", views.article_mark_reviewed, name="article_reviewed"),
    path("articles/<int:pk>/history/", views.article_history, name="article_history"),
    path("articles/<int:pk>/claims/", views.claim_add, name="claim_add"),
    path("articles/<int:pk>/attributions/", views.attribution_add, name="attribution_add"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/confirm/", views.claim_confirm, name="claim_confirm"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/reopen/", views.claim_reopen, name="claim_reopen"),
    path("claims/<int:pk>/correct/", views.claim_correct, name="claim_correct"),
    path("claims/<int:pk>/verdict/", views.claim_verdict, name="claim_verdict"),
    path("attributions/<int:pk>/edit/", views.attribution_edit, name="attribution_edit"),
    path("attributions/<int:pk>/confirm/", views.attribution_confirm, name="attribution_confirm"),
    path("attributions/<int:pk>/reject/", views.attribution_reject, name="attribution_reject"),
    path("flags/<int:pk>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("verdicts/<int:pk>/publish/", views.verdict_publish, name="verdict_publish"),
    path("verdicts/<int:pk>/unpublish/", views.verdict_unpublish, name="verdict_unpublish"),
]
