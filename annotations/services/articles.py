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
from django.db.models import Count, Q

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


# The same limit on every path (the add form, the JSONL batch, import_article): the form's
# own cap was the only one, and a crafted POST or a batch line got past it.
MAX_SOURCES = 50


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
    if len(data.sources) > MAX_SOURCES:
        raise ServiceError(
            f"An article can cite at most {MAX_SOURCES} sources; this one has "
            f"{len(data.sources)}. Keep the ones its claims rest on."
        )
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


class TakeoverNeedsConfirmation(ServiceError):
    """Someone else is assigned: taking the article from them must be asked for explicitly."""

    def __init__(self, article: Article, holder: User):
        self.article = article
        self.holder = holder
        super().__init__(
            f"{holder.get_username()} is assigned to this article. Take it over from them?"
        )


def article_assign(
    *, article: Article, assignee: User | None, actor: User, takeover: bool = False
) -> Article:
    """Reviewers may take an article for themselves; only editors assign others.

    Taking an article someone else holds is a takeover: it is refused with
    ``TakeoverNeedsConfirmation`` unless ``takeover`` confirms it, and audited as such, so
    nobody loses an article to a stray "Assign to me" without knowing who took it.
    """
    if assignee is not None and assignee != actor and not roles.can_assign(actor):
        raise PermissionDenied("Only editors can assign articles to other people")
    with transaction.atomic():
        article = (
            # of=("self",): PostgreSQL cannot lock the outer-joined (nullable) assignee.
            Article.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=article.pk)
        )
        holder = article.assigned_to
        if assignee is None and holder not in (None, actor) and not roles.can_assign(actor):
            raise PermissionDenied("Only editors can unassign other people's articles")
        taking_over = assignee == actor and holder is not None and holder != actor
        if taking_over and not takeover:
            assert holder is not None
            raise TakeoverNeedsConfirmation(article, holder)
        before = snapshot(article, ["assigned_to"])
        article.assigned_to = assignee
        article.save(update_fields=["assigned_to", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.ARTICLE_TAKEOVER if taking_over else AuditVerb.ARTICLE_ASSIGN,
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
    failed one where reviewers annotate by hand because the machine produced nothing. On a
    reviewed or published article, an action that leaves a claim pending (a reopen, an
    added claim) takes it back into review."""
    if article.status in (Article.Status.READY, Article.Status.NEW, Article.Status.FAILED):
        return article_set_status(
            article=article,
            status=Article.Status.IN_REVIEW,
            actor=actor,
            verb=AuditVerb.ARTICLE_REVIEW_STARTED,
        )
    if article.status in (Article.Status.REVIEWED, Article.Status.PUBLISHED):
        return article_sync_status(article=article, actor=actor)
    return article


def _publication_counts(article: Article) -> tuple[int, int, int]:
    """(pending claims, claims that need a public verdict, claims that have one)."""
    counts = article.claims.aggregate(
        pending=Count("pk", filter=Q(review_state=ReviewState.PENDING)),
        kept=Count("pk", filter=~Q(review_state=ReviewState.REJECTED)),
        live=Count(
            "pk",
            filter=~Q(review_state=ReviewState.REJECTED) & Q(verdict__is_published=True),
        ),
    )
    return counts["pending"], counts["kept"], counts["live"]


def article_sync_status(*, article: Article, actor: User | None) -> Article:
    """Keep "Reviewed" and "Published" true to the claims.

    "Published" means the review is complete *and* every claim kept has a public verdict;
    an article with pending claims is never shown as published (it is back in review), and
    one whose verdicts are not all public is "Reviewed". The queue shows how many are
    published separately, so a partly published article is visible as such.
    """
    if article.status not in (
        Article.Status.IN_REVIEW,
        Article.Status.REVIEWED,
        Article.Status.PUBLISHED,
    ):
        return article
    pending, kept, live = _publication_counts(article)
    status = article.status
    if pending:
        if status != Article.Status.IN_REVIEW:
            status = Article.Status.IN_REVIEW
    elif status == Article.Status.PUBLISHED and live < kept:
        status = Article.Status.REVIEWED
    elif status == Article.Status.REVIEWED and 0 < kept == live:
        status = Article.Status.PUBLISHED
    if status == article.status:
        return article
    verb = {
        Article.Status.PUBLISHED: AuditVerb.ARTICLE_PUBLISHED,
        Article.Status.REVIEWED: AuditVerb.ARTICLE_UNPUBLISHED,
        Article.Status.IN_REVIEW: AuditVerb.ARTICLE_REVIEW_STARTED,
    }[Article.Status(status)]
    return article_set_status(article=article, status=status, actor=actor, verb=verb)


def article_mark_reviewed(*, article: Article, actor: User) -> Article:
    """Record that every claim of the article is decided.

    The article becomes "Reviewed", or "Published" when every claim kept already has a
    public verdict. The event is recorded even when the status does not change.
    """
    if not roles.is_reviewer(actor):
        raise PermissionDenied("Only reviewers can mark an article reviewed")
    with transaction.atomic():
        pending, kept, live = _publication_counts(article)
        if pending:
            raise ServiceError(
                f"{pending} claim(s) are still pending: confirm or reject them before marking "
                "the article reviewed"
            )
        status = Article.Status.PUBLISHED if 0 < kept == live else Article.Status.REVIEWED
        if article.status != status:
            return article_set_status(
                article=article, status=status, actor=actor, verb=AuditVerb.ARTICLE_REVIEWED
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
