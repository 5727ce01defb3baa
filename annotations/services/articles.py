"""Importing articles with their sources, and the article-level workflow."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from .. import roles
from ..ingest.text import TextInputError, check_text
from ..models import Article, AuditVerb, ReviewState, Source
from .audit import audit_record, snapshot
from .errors import ServiceError


@dataclass(frozen=True)
class SourceInput:
    text: str
    name: str = ""
    published_on: date | None = None
    url: str = ""


@dataclass(frozen=True)
class ArticleInput:
    title: str
    body: str
    outlet: str = ""
    url: str = ""
    published_on: date | None = None
    language: str = "en"
    sources: tuple[SourceInput, ...] = field(default_factory=tuple)


class DuplicateArticle(ServiceError):
    def __init__(self, existing: Article):
        self.existing = existing
        super().__init__(f"This text was already imported as article #{existing.pk}: {existing}")


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _checked(text: str, label: str) -> str:
    try:
        return check_text(text, label=label, max_bytes=settings.FACTCHECK_MAX_TEXT_BYTES)
    except TextInputError as exc:
        raise ServiceError(str(exc)) from None


def article_import(*, data: ArticleInput, actor: User | None = None, queue: bool = True) -> Article:
    """Store an article and its sources in one transaction, then queue pre-annotation.

    Everything is validated before the first write so a bad source never leaves a
    half-imported article behind; the same text twice raises DuplicateArticle.
    """
    body = _checked(data.body, "article text")
    if not data.title.strip():
        raise ServiceError("The article needs a title")
    sources = []
    for index, source in enumerate(data.sources, start=1):
        label = f"source {index}" + (f" ({source.name})" if source.name else "")
        sources.append((source, _checked(source.text, label)))
    digest = content_hash(body)
    existing = Article.objects.filter(content_hash=digest).first()
    if existing:
        raise DuplicateArticle(existing)

    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=data.title.strip()[:500],
                outlet=data.outlet.strip()[:200],
                url=data.url,
                published_on=data.published_on,
                body=body,
                language=data.language,
                content_hash=digest,
            )
            seen: set[str] = set()
            for position, (source, text) in enumerate(sources):
                source_hash = content_hash(text)
                if source_hash in seen:
                    continue  # the same source cited twice is one source
                seen.add(source_hash)
                Source.objects.create(
                    article=article,
                    position=position,
                    name=source.name[:200],
                    published_on=source.published_on,
                    url=source.url,
                    text=text,
                    content_hash=source_hash,
                )
            audit_record(
                actor=actor,
                verb=AuditVerb.ARTICLE_IMPORT,
                target=article,
                article=article,
                after={
                    **snapshot(article, ["title", "outlet", "url", "published_on"]),
                    "sources": len(seen),
                },
            )
            if queue:
                from .preannotation import run_queue

                run_queue(article=article, actor=actor)
    except IntegrityError:
        # Two imports of the same text racing each other: the unique hash decides.
        existing = Article.objects.filter(content_hash=digest).first()
        if existing:
            raise DuplicateArticle(existing) from None
        raise
    return article


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
    *, items: Sequence[tuple[int, ArticleInput]], actor: User | None, queue: bool = True
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
                verb=AuditVerb.ARTICLE_BATCH_IMPORT,
                target=created[0],
                after={"articles": [a.pk for a in created], "lines": [line for line, _ in items]},
            )
    return created


def article_assign(*, article: Article, assignee: User | None, actor: User) -> Article:
    """Reviewers may take an article for themselves; only editors assign others."""
    if assignee is not None and assignee != actor and not roles.is_editor(actor):
        raise PermissionDenied("Only editors can assign articles to other people")
    if assignee is None and article.assigned_to not in (None, actor) and not roles.is_editor(actor):
        raise PermissionDenied("Only editors can unassign other people's articles")
    with transaction.atomic():
        before = snapshot(article, ["assigned_to"])
        article.assigned_to = assignee
        article.save(update_fields=["assigned_to", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.ARTICLE_ASSIGN,
            target=article,
            article=article,
            before=before,
            after=snapshot(article, ["assigned_to"]),
        )
    return article


def article_set_status(
    *, article: Article, status: str, actor: User | None, verb: AuditVerb
) -> Article:
    if article.status == status:
        return article
    with transaction.atomic():
        before = {"status": article.status}
        article.status = status
        article.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            verb=verb,
            target=article,
            article=article,
            before=before,
            after={"status": status},
        )
    return article


def article_start_review(*, article: Article, actor: User) -> Article:
    """The first reviewer action moves an article into review: a ready one, and also a new or
    failed one where reviewers annotate by hand because the machine produced nothing."""
    if article.status in (Article.Status.READY, Article.Status.NEW, Article.Status.FAILED):
        return article_set_status(
            article=article,
            status=Article.Status.IN_REVIEW,
            actor=actor,
            verb=AuditVerb.ARTICLE_REVIEW_STARTED,
        )
    return article


def article_mark_reviewed(*, article: Article, actor: User) -> Article:
    """Record that every claim of the article is decided.

    An article that is not yet public becomes "reviewed". A published one (a verdict on it is
    public already) stays published: stepping it back would contradict its public verdict, so
    only the completed review is recorded.
    """
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can mark an article reviewed")
    with transaction.atomic():
        pending = article.claims.filter(review_state=ReviewState.PENDING).count()
        if pending:
            raise ServiceError(
                f"{pending} claim(s) are still pending: confirm or reject them before marking "
                "the article reviewed"
            )
        if article.status != Article.Status.PUBLISHED:
            return article_set_status(
                article=article,
                status=Article.Status.REVIEWED,
                actor=actor,
                verb=AuditVerb.ARTICLE_REVIEWED,
            )
        audit_record(
            actor=actor,
            verb=AuditVerb.ARTICLE_REVIEWED,
            target=article,
            article=article,
            before={"status": article.status},
            after={"status": article.status},
        )
    return article
