"""Write paths the reviewer UI needs beyond the core services.

Kept apart from the lead's modules: these only compose the core services, each inside one
transaction, and record what they did in the audit trail like every other writer.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from ..models import Article
from .articles import ArticleInput, article_import
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
