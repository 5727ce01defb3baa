"""Comments on a claim or an article, and the @mentions in them.

A comment is plain text; its @names that match a colleague (an active reviewer or editor)
become mentions: a line in that person's in-app list and, when they have an address, an
e-mail sent once the comment is committed (a mail server that is down loses the mail, never
the comment). Only the author edits or deletes a comment, against the version they saw.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import cached, roles
from ..commenttext import MAX_LENGTH, mentioned_usernames
from ..models import Article, AuditVerb, Claim, Comment, Mention
from .audit import audit_record
from .errors import ConflictError, ServiceError

log = logging.getLogger(__name__)

__all__ = [
    "CommentConflict",
    "comment_add",
    "comment_delete",
    "comment_edit",
    "mentions_mark_read",
]


class CommentConflict(ConflictError):
    """The comment changed (edited or deleted) since its author opened it."""

    current: Comment  # type: ignore[assignment]  # a comment, where the parent has a claim

    def __init__(self, current: Comment, expected_version: int) -> None:
        self.current = current
        self.expected_version = expected_version
        self.changed_by = current.author.get_username() if current.author else None
        Exception.__init__(
            self,
            f"This comment was changed since you opened it (your version {expected_version}, "
            f"now {current.version}). Nothing was saved; here is the current text.",
        )


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ServiceError("A comment needs some text.")
    if len(body) > MAX_LENGTH:
        raise ServiceError(f"A comment is at most {MAX_LENGTH:,} characters ({len(body):,} now).")
    return body


def _colleagues(names: list[str], *, author: User) -> list[User]:
    """The active reviewers and editors named, the author left out (no note to oneself)."""
    if not names:
        return []
    by_name = Q()
    for name in names:
        by_name |= Q(username__iexact=name)
    people = User.objects.filter(by_name, is_active=True).exclude(pk=author.pk)
    return [person for person in people if roles.is_reviewer(person)]


def _mention(comment: Comment, names: list[str], *, author: User) -> list[Mention]:
    already = set(comment.mentions.values_list("user_id", flat=True))
    mentions = [
        Mention.objects.create(comment=comment, user=person)
        for person in _colleagues(names, author=author)
        if person.pk not in already
    ]
    if mentions:
        cached.forget_unread_mentions(m.user_id for m in mentions)
        ids = [m.pk for m in mentions]
        transaction.on_commit(lambda: mentions_email(mention_ids=ids))
    return mentions


def mentions_email(*, mention_ids: list[int]) -> int:
    """Mail each newly mentioned person who has an address; returns how many were sent.
    Called after the comment is committed: a failing mail server is logged, not raised."""
    sent = 0
    mentions = Mention.objects.filter(pk__in=mention_ids, emailed_at__isnull=True).select_related(
        "user", "comment__author", "comment__article", "comment__claim"
    )
    for mention in mentions:
        if not mention.user.email:
            continue
        comment = mention.comment
        author = comment.author.get_username() if comment.author else "someone"
        where = f"claim #{comment.claim_id}" if comment.claim_id else "the article"
        link = settings.FACTCHECK_SITE_URL.rstrip("/") + reverse(
            "annotations:article_review", args=[comment.article_id]
        )
        if comment.claim_id:
            link += f"?claim={comment.claim_id}"
        try:
            send_mail(
                subject=f"{author} mentioned you on “{comment.article.title[:80]}”",
                message=f"{author} wrote on {where}:\n\n{comment.body}\n\nOpen it: {link}\n",
                from_email=None,
                recipient_list=[mention.user.email],
            )
        except Exception:  # the comment is saved; a lost mail must not turn into an error page
            log.exception("mention %s: the e-mail to %s failed", mention.pk, mention.user.email)
            continue
        Mention.objects.filter(pk=mention.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def comment_add(*, article: Article, body: str, actor: User, claim: Claim | None = None) -> Comment:
    """A new comment on ``claim`` (of ``article``), or on the article when ``claim`` is None."""
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers and editors can comment.")
    if claim is not None and claim.article_id != article.pk:
        raise ServiceError("That claim belongs to another article.")
    body = _clean_body(body)
    with transaction.atomic():
        comment = Comment.objects.create(article=article, claim=claim, author=actor, body=body)
        mentions = _mention(comment, mentioned_usernames(body), author=actor)
        audit_record(
            actor=actor,
            verb=AuditVerb.COMMENT_ADD,
            target=comment,
            article=article,
            after={
                "comment": body,
                "claim": claim.pk if claim is not None else None,
                "mentioned": [m.user.get_username() for m in mentions],
            },
        )
    return comment


def _own_comment(comment_id: int, actor: User, version: int) -> Comment:
    comment = (
        Comment.objects.select_for_update(of=("self",)).select_related("author").get(pk=comment_id)
    )
    if comment.author_id != actor.pk:
        raise PermissionDenied("Only the author can change a comment.")
    if comment.version != version:
        raise CommentConflict(comment, version)
    if comment.is_deleted:
        raise ServiceError("This comment was deleted.")
    return comment


def comment_edit(*, comment_id: int, body: str, actor: User, version: int) -> Comment:
    """The author rewrites their comment; people newly @named are mentioned (and mailed)."""
    body = _clean_body(body)
    with transaction.atomic():
        comment = _own_comment(comment_id, actor, version)
        if comment.body == body:
            return comment
        before = {"comment": comment.body}
        comment.body, comment.version = body, comment.version + 1
        comment.save(update_fields=["body", "version", "updated_at"])
        mentions = _mention(comment, mentioned_usernames(body), author=actor)
        audit_record(
            actor=actor,
            verb=AuditVerb.COMMENT_EDIT,
            target=comment,
            article=comment.article,
            before=before,
            after={"comment": body, "mentioned": [m.user.get_username() for m in mentions]},
        )
    return comment


def comment_delete(*, comment_id: int, actor: User, version: int) -> Comment:
    """The author takes a comment back. The row stays, blanked, so the thread and the
    mentions that pointed at it say "deleted" rather than vanish; the history keeps the text."""
    with transaction.atomic():
        comment = _own_comment(comment_id, actor, version)
        before = {"comment": comment.body}
        comment.body, comment.deleted_at = "", timezone.now()
        comment.version += 1
        comment.save(update_fields=["body", "deleted_at", "version", "updated_at"])
        unread = comment.mentions.filter(read_at__isnull=True)
        cached.forget_unread_mentions(unread.values_list("user_id", flat=True))
        unread.update(read_at=comment.deleted_at)
        audit_record(
            actor=actor,
            verb=AuditVerb.COMMENT_DELETE,
            target=comment,
            article=comment.article,
            before=before,
            after={"comment": None},
        )
    return comment


def mentions_mark_read(*, user: User, mention_ids: list[int] | None = None) -> int:
    """Mark ``user``'s mentions read (all unread ones, or those listed); returns how many.
    Personal reading state, not a change to the record: not audited."""
    unread = Mention.objects.filter(user=user, read_at__isnull=True)
    if mention_ids is not None:
        unread = unread.filter(pk__in=mention_ids)
    cached.forget_unread_mentions([user.pk])
    return unread.update(read_at=timezone.now())
