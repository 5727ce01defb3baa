"""Reviewer workbench URLs. Every action is a POST to a real URL, so forms work without JS."""

from __future__ import annotations

from django.urls import path

from .views import articles, comments, dashboard, double_review, queue, review

app_name = "annotations"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("articles/new/", articles.article_add, name="article_add"),
    path("articles/batch/", articles.article_batch, name="article_batch"),
    path("articles/<int:pk>/", review.article_review, name="article_review"),
    path("articles/<int:pk>/progress/", articles.article_progress, name="article_progress"),
    path("articles/<int:pk>/assign/", articles.article_assign, name="article_assign"),
    path("articles/<int:pk>/reviewed/", articles.article_mark_reviewed, name="article_reviewed"),
    path("articles/<int:pk>/history/", articles.article_history, name="article_history"),
    path("articles/<int:pk>/undo/", review.article_undo, name="article_undo"),
    path("articles/<int:pk>/retry/", articles.article_retry, name="article_retry"),
    path("articles/<int:pk>/comments/", comments.article_comments, name="article_comments"),
    path("claims/<int:pk>/comments/", comments.claim_comments, name="claim_comments"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment_delete"),
    path("mentions/", comments.mentions, name="mentions"),
    path("mentions/read/", comments.mentions_read, name="mentions_read"),
    path(
        "articles/<int:pk>/double-review/",
        double_review.double_review_set,
        name="double_review_set",
    ),
    path(
        "articles/<int:pk>/double-review/first/",
        double_review.review_pass_submit_first,
        name="review_pass_submit_first",
    ),
    path("articles/<int:pk>/second-review/", double_review.second_review, name="second_review"),
    path("articles/<int:pk>/adjudicate/", double_review.adjudicate, name="adjudicate"),
    path(
        "articles/<int:pk>/adjudicate/finish/",
        double_review.adjudication_finish,
        name="adjudication_finish",
    ),
    path("agreement/", double_review.agreement, name="agreement"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("articles/<int:pk>/claims/", review.claim_add, name="claim_add"),
    path("articles/<int:pk>/attributions/", review.attribution_add, name="attribution_add"),
    path("claims/<int:pk>/", review.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/confirm/", review.claim_confirm, name="claim_confirm"),
    path("claims/<int:pk>/reject/", review.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/reopen/", review.claim_reopen, name="claim_reopen"),
    path("claims/<int:pk>/correct/", review.claim_correct, name="claim_correct"),
    path("claims/<int:pk>/verdict/", review.claim_verdict, name="claim_verdict"),
    path("attributions/<int:pk>/edit/", review.attribution_edit, name="attribution_edit"),
    path("attributions/<int:pk>/confirm/", review.attribution_confirm, name="attribution_confirm"),
    path("attributions/<int:pk>/reject/", review.attribution_reject, name="attribution_reject"),
    path("flags/<int:pk>/dismiss/", review.flag_dismiss, name="flag_dismiss"),
    path("verdicts/<int:pk>/submit/", review.verdict_submit, name="verdict_submit"),
    path("verdicts/<int:pk>/return/", review.verdict_return, name="verdict_return"),
    path("verdicts/<int:pk>/publish/", review.verdict_publish, name="verdict_publish"),
    path("verdicts/<int:pk>/withdraw/", review.verdict_withdraw, name="verdict_withdraw"),
    path("verdicts/<int:pk>/discard/", review.verdict_discard, name="verdict_discard"),
    path("verdicts/<int:pk>/revisions/", review.verdict_revisions, name="verdict_revisions"),
]
