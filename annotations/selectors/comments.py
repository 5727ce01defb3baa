"""Reads for comments: a claim's or an article's thread, and a person's mentions."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.safestring import SafeString

from .. import cached
from ..commenttext import comment_html
from ..models import Comment, Mention


@dataclass
class CommentView:
    comment: Comment
    html: SafeString
    mine: bool

    @property
    def edited(self) -> bool:
        return self.comment.version > 1 and not self.comment.is_deleted


@dataclass
class Thread:
    """The comments on one claim (``claim_id``) or on the article itself (None)."""

    article_id: int
    claim_id: int | None
    comments: list[CommentView]

    @property
    def count(self) -> int:
        return sum(1 for c in self.comments if not c.comment.is_deleted)

    @property
    def dom_id(self) -> str:
        """The id of the element the thread is, which htmx answers replace."""
        if self.claim_id is None:
            return f"comments-article-{self.article_id}"
        return f"comments-claim-{self.claim_id}"

    @property
    def url(self) -> str:
        if self.claim_id is None:
            return reverse("annotations:article_comments", args=[self.article_id])
        return reverse("annotations:claim_comments", args=[self.claim_id])


def _views(comments: QuerySet[Comment], user: User) -> list[CommentView]:
    rows = comments.select_related("author").prefetch_related(
        Prefetch("mentions", queryset=Mention.objects.select_related("user"))
    )
    views = []
    for comment in rows:
        names = [m.user.get_username() for m in comment.mentions.all()]
        views.append(
            CommentView(
                comment=comment,
                html=comment_html(comment.body, known_users=names),
                mine=comment.author_id == user.pk,
            )
        )
    return views


def comment_thread(*, article_id: int, claim_id: int | None, user: User) -> Thread:
    comments = Comment.objects.filter(article_id=article_id)
    if claim_id is None:
        comments = comments.filter(claim__isnull=True)
    else:
        comments = comments.filter(claim_id=claim_id)
    return Thread(article_id, claim_id, _views(comments, user))


def comment_view(*, comment_id: int, user: User) -> CommentView:
    return _views(Comment.objects.filter(pk=comment_id), user)[0]


def comment_or_404(pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("article"), pk=pk)


def comment_ids_for_claim(claim_id: int) -> list[int]:
    return list(Comment.objects.filter(claim_id=claim_id).values_list("pk", flat=True))


@dataclass
class MentionItem:
    mention: Mention
    html: SafeString


def mentions_for(user: User, *, limit: int = 200) -> list[MentionItem]:
    """``user``'s mentions, newest first, with the comment that made each."""
    mentions = (
        Mention.objects.filter(user=user)
        .select_related("comment__author", "comment__article", "comment__claim")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        MentionItem(m, comment_html(m.comment.body, known_users=[user.get_username()]))
        for m in mentions
    ]


def unread_mention_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return cached.remembered(
        cached.unread_mentions_key(user.pk),
        lambda: Mention.objects.filter(user=user, read_at__isnull=True).count(),
    )


def mention_or_404(pk: int, *, user: User) -> Mention:
    """One of ``user``'s own mentions: another person's is not found, not forbidden."""
    return get_object_or_404(Mention.objects.select_related("comment"), pk=pk, user=user)
