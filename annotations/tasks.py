"""Celery tasks: thin wrappers that take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from .services.preannotation import TRANSIENT_ERRORS


@shared_task(bind=True, acks_late=True, max_retries=4)
def preannotate_article(self, article_id: int, run_id: int | None = None) -> int:
    """Pre-annotate one article. A retry of a finished run changes nothing (the service
    checks the run's status first); only transient database errors are retried."""
    from .services.preannotation import run_execute

    final = self.request.retries >= self.max_retries
    try:
        run = run_execute(article_id=article_id, run_id=run_id, final_attempt=final)
    except TRANSIENT_ERRORS as exc:
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
    return run.pk
