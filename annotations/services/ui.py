"""Write paths the reviewer UI needs beyond the core services.

Kept apart from the lead's modules: these only compose the core services, each inside one
transaction, and record what they did in the audit trail like every other writer.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .. import roles
from ..models import Article, ReviewState
from .articles import ArticleInput, article_import, article_mark_reviewed
from .audit import audit_record
from .errors import ServiceError


class BatchImportError(ServiceError):
    """Some lines of a batch were refused; nothing of the batch was kept."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        lines = ", ".join(str(line) for line, _ in errors)
        super().__init__(
            [f"Nothing was imported: line(s) {lines} were refused."]
            + [f"Line {line}: {message}" for line, message in errors]
        )


def articles_import_batch(
    *, items: Sequence[tuple[int, ArticleInput]], actor, queue: bool = True
) -> list[Article]:
    """Import every (line number, article) of a batch, or none of them.

    Each article goes through ``article_import`` in its own savepoint so one refusal (a text
    already in the database, say) is collected with its line number instead of stopping at
    the first; any refusal then rolls the whole batch back. Pre-annotation is queued with
    ``on_commit``, so a rolled-back batch queues nothing.
    """
    errors: list[tuple[int, str]] = []
    created: list[Article] = []
    with transaction.atomic():
        for line, data in items:
            try:
                with transaction.atomic():
                    created.append(article_import(data=data, actor=actor, queue=queue))
            except ServiceError as exc:
                errors.append((line, " ".join(exc.messages)))
        if errors:
            raise BatchImportError(errors)
        if created:
            audit_record(
                actor=actor,
                verb="article.batch_import",
                target=created[0],
                after={"articles": [a.pk for a in created], "lines": [line for line, _ in items]},
            )
    return created


def article_review_complete(*, article: Article, actor) -> Article:
    """Record that every claim of the article is decided.

    An article that is not yet public becomes "reviewed". A published one (a verdict on it is
    public already, as with the demo article) stays published: stepping it back to "reviewed"
    would contradict its public verdict, so only the completed review is recorded.
    """
    if article.status != Article.Status.PUBLISHED:
        return article_mark_reviewed(article=article, actor=actor)
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can mark an article reviewed")
    with transaction.atomic():
        pending = article.claims.filter(review_state=ReviewState.PENDING).count()
        if pending:
            raise ServiceError(
                f"{pending} claim(s) are still pending: confirm or reject them before marking "
                "the article reviewed"
            )
        audit_record(
            actor=actor,
            verb="article.reviewed",
            target=article,
            article=article,
            before={"status": article.status},
            after={"status": article.status},
        )
    return article
