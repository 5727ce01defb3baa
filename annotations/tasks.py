"""Celery tasks: thin wrappers that take ids and call one service.

Delivery is at-least-once on purpose (``acks_late`` and ``reject_on_worker_lost``, set in
settings for every task): a message is acknowledged only when its task has finished, so a
killed worker's message comes back instead of vanishing. ``run_execute`` makes the repeats
harmless, and ``sweep_stuck_runs`` (Celery beat, every ``FACTCHECK_SWEEP_INTERVAL`` seconds)
finds what no message will bring back.
"""

from __future__ import annotations

from celery import Task, shared_task

from .services.preannotation import TRANSIENT_ERRORS


@shared_task(bind=True, max_retries=4)
def preannotate_article(self: Task, article_id: int, run_id: int | None = None) -> int:
    """Pre-annotate one article. A repeat of a finished run changes nothing, a run another
    live attempt holds is left to it; only transient database errors are retried."""
    from .services.preannotation import run_execute

    final = self.request.retries >= (self.max_retries or 0)
    try:
        run = run_execute(
            article_id=article_id,
            run_id=run_id,
            final_attempt=final,
            task_id=self.request.id or "",
        )
    except TRANSIENT_ERRORS as exc:
        if final:
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
    return run.pk


@shared_task(ignore_result=True)
def sweep_stuck_runs() -> dict[str, int]:
    """Re-send runs whose message never left or was lost, re-queue runs whose worker died."""
    from .services.runs import runs_sweep

    return runs_sweep()


@shared_task(bind=True, max_retries=3)
def analyse_claim(self: Task, claim_id: int) -> None:
    """Evidence, comparisons, flags and support for a claim a reviewer added. Idempotent, so
    a repeated delivery changes nothing; only transient database errors are retried."""
    from .services.analysis import claim_analyse

    try:
        claim_analyse(claim_id=claim_id)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= (self.max_retries or 0):
            raise
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
