"""The life of a pre-annotation run, so that every run finishes: queued, sent to the broker,
claimed by exactly one worker, kept alive by its heartbeat, and swept up when anything on the
way was lost.

What can be lost, and what finds it:

- the broker is down when an article is imported: the run stays queued with no message
  (``queued_at`` empty), the person is told it waits for the worker, and the sweeper sends it
  once the broker answers;
- a message disappears (a broker restart, the folder broker): the sweeper sends a queued run
  again when its last message is older than ``FACTCHECK_RUN_RESEND_AFTER``;
- the pool process running the task is killed: Celery re-delivers the same message
  (``acks_late`` + ``reject_on_worker_lost``), and the same task id may take the run over at
  once, since a task id runs in one place at a time;
- the whole worker is killed: its heartbeat stops, and after ``FACTCHECK_RUN_STALE_AFTER`` the
  sweeper puts the run back in the queue.

Duplicates are harmless by construction: a run is claimed by one conditional UPDATE, and the
results are stored only by the attempt that still holds it (``attempts`` is the token), so an
article is annotated exactly once whatever is delivered twice.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from .. import roles
from ..models import AnnotationRun, Article, AuditVerb
from ..selectors.queue import run_is_stuck, stage_name
from .audit import audit_record
from .errors import ServiceError

if TYPE_CHECKING:
    from collections.abc import Iterator

log = logging.getLogger(__name__)

PIPELINE_VERSION = "1.0"
WAITING_FOR_BROKER = "waiting for the job queue"
WAITING_AFTER_STOP = "waiting for a worker"
# After one refused send, the broker is not asked again for this long: a batch of a thousand
# articles must not wait a second per article for a broker that is down.
_BROKER_PAUSE_SECONDS = 30.0
_broker_down_until = 0.0


def run_queue(*, article: Article, actor: User | None = None) -> AnnotationRun:
    """Create a queued run and send its task once the surrounding transaction commits.

    If the broker cannot be reached the run stays queued without a message; the sweeper sends
    it later (``run_notice`` tells the person so). Nothing here answers with an error.
    """
    with transaction.atomic():
        run = AnnotationRun.objects.create(
            article=article,
            pipeline_version=PIPELINE_VERSION,
            model_name=settings.FACTCHECK_SPACY_MODEL,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        before = {"status": article.status}
        Article.objects.filter(pk=article.pk).update(status=Article.Status.PREANNOTATING)
        article.status = Article.Status.PREANNOTATING
        audit_record(
            actor=actor,
            verb=AuditVerb.PREANNOTATION_QUEUE,
            target=run,
            article=article,
            before=before,
            after={"status": article.status, "run": run.pk},
        )
        transaction.on_commit(lambda: run_send(run_id=run.pk, article_id=article.pk))
    return run


def run_send(*, run_id: int, article_id: int) -> bool:
    """Send one run's task to the broker; False (and the run marked as waiting) if the broker
    cannot be reached. Never raises for a broker that is down."""
    global _broker_down_until
    from ..tasks import preannotate_article

    if time.monotonic() < _broker_down_until:
        _mark_unsent(run_id)
        return False
    try:
        preannotate_article.delay(article_id, run_id)
    except BrokerError as exc:
        _broker_down_until = time.monotonic() + _BROKER_PAUSE_SECONDS
        log.warning("run %s not sent, the broker is unreachable: %s", run_id, exc)
        _mark_unsent(run_id)
        return False
    AnnotationRun.objects.filter(pk=run_id, status=AnnotationRun.Status.QUEUED).update(
        queued_at=timezone.now()
    )
    return True


def _mark_unsent(run_id: int) -> None:
    AnnotationRun.objects.filter(pk=run_id, status=AnnotationRun.Status.QUEUED).update(
        queued_at=None, stage=WAITING_FOR_BROKER
    )


def run_notice(article: Article) -> str:
    """What to tell the person who just queued ``article``'s pre-annotation."""
    run = article.runs.order_by("-created_at", "-id").first()
    if run is not None and run.status == AnnotationRun.Status.QUEUED and run.queued_at is None:
        return (
            "pre-annotation is queued, waiting for the worker: the job queue cannot be "
            "reached right now, and the job will start by itself once it is back."
        )
    return "pre-annotation queued."


# --- claiming, the heartbeat and giving up ----------------------------------------------------


def _stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.FACTCHECK_RUN_STALE_AFTER)


def _dead_holder() -> Q:
    """A running run whose worker shows no sign of life."""
    stale = _stale_before()
    return Q(status=AnnotationRun.Status.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )


def run_claim(run: AnnotationRun, *, task_id: str = "") -> bool:
    """Take ``run`` for this attempt, or say another attempt holds it.

    Claimable: a queued run; a running one whose holder is dead (no heartbeat); a running one
    held by this very task id, whose earlier delivery died with its process. One UPDATE
    decides, so two workers never both win.
    """
    claimable = Q(status=AnnotationRun.Status.QUEUED) | _dead_holder()
    if task_id:
        claimable |= Q(status=AnnotationRun.Status.RUNNING, task_id=task_id)
    now = timezone.now()
    won = (
        AnnotationRun.objects.filter(claimable, pk=run.pk, attempts=run.attempts)
        .exclude(status=AnnotationRun.Status.RUNNING, attempts__gte=_max_attempts())
        .update(
            status=AnnotationRun.Status.RUNNING,
            stage="loading model",
            progress=5,
            attempts=run.attempts + 1,
            task_id=task_id,
            started_at=now,
            heartbeat_at=now,
            error="",
        )
    )
    if won:
        run.status, run.attempts, run.task_id = (
            AnnotationRun.Status.RUNNING,
            run.attempts + 1,
            task_id,
        )
        run.stage, run.progress, run.started_at, run.heartbeat_at = "loading model", 5, now, now
    return bool(won)


def _max_attempts() -> int:
    return int(settings.FACTCHECK_RUN_MAX_ATTEMPTS)


def run_give_up(run: AnnotationRun) -> bool:
    """Fail a run whose workers died ``FACTCHECK_RUN_MAX_ATTEMPTS`` times: the text itself is
    probably what kills them (memory), and trying forever would starve every other article."""
    if run.status != AnnotationRun.Status.RUNNING or run.attempts < _max_attempts():
        return False
    message = (
        f"The worker stopped {run.attempts} times while {stage_words(run.stage)} this article "
        "(it was killed or ran out of memory), so the job was given up. A very long text is "
        "the usual cause; queue it again once it is shorter, or ask an administrator."
    )
    with transaction.atomic():
        failed = AnnotationRun.objects.filter(pk=run.pk, attempts=run.attempts).update(
            status=AnnotationRun.Status.FAILED, finished_at=timezone.now(), error=message
        )
        if failed:
            Article.objects.filter(pk=run.article_id).update(status=Article.Status.FAILED)
            audit_record(
                actor=None,
                verb=AuditVerb.PREANNOTATION_FAIL,
                target=run,
                article=run.article,
                after={"error": message},
            )
    return bool(failed)


class Heartbeat:
    """While the pipeline runs, a thread stamps ``heartbeat_at`` every
    ``FACTCHECK_RUN_HEARTBEAT`` seconds; it stops with the process, which is the point."""

    def __init__(self, run: AnnotationRun) -> None:
        self.run_id, self.token = run.pk, run.attempts
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-run-{run.pk}")
        self._thread.daemon = True

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        interval = float(settings.FACTCHECK_RUN_HEARTBEAT)
        try:
            while not self._stop.wait(interval):
                AnnotationRun.objects.filter(
                    pk=self.run_id, attempts=self.token, status=AnnotationRun.Status.RUNNING
                ).update(heartbeat_at=timezone.now())
        except Exception:  # a missed beat must not kill the run it reports on
            log.exception("heartbeat of run %s failed", self.run_id)
        finally:
            connection.close()


# --- the sweeper ------------------------------------------------------------------------------


def runs_sweep() -> dict[str, int]:
    """Find runs that nothing is working on and put them back on their way. Safe to run
    anywhere, any number of times at once: every step is a conditional UPDATE."""
    counts = {"resent": 0, "requeued": 0, "given_up": 0}
    for run in _dead_runs():
        if run_give_up(run):
            counts["given_up"] += 1
        elif _requeue_dead(run):
            counts["requeued"] += 1
    for run in _unsent_runs():
        counts["resent"] += int(run_send(run_id=run.pk, article_id=run.article_id))
    if any(counts.values()):
        log.info("sweeper: %s", counts)
    return counts


def _dead_runs() -> Iterator[AnnotationRun]:
    return AnnotationRun.objects.filter(_dead_holder()).select_related("article").iterator()


def _requeue_dead(run: AnnotationRun) -> bool:
    with transaction.atomic():
        moved = AnnotationRun.objects.filter(
            _dead_holder(), pk=run.pk, attempts=run.attempts
        ).update(
            status=AnnotationRun.Status.QUEUED,
            stage=WAITING_AFTER_STOP,
            queued_at=None,
            task_id="",
        )
        if moved:
            audit_record(
                actor=None,
                verb=AuditVerb.PREANNOTATION_REQUEUE,
                target=run,
                article=run.article,
                after={"reason": "worker stopped", "stage": run.stage, "attempts": run.attempts},
            )
    if moved:
        log.warning("run %s: its worker stopped during %r; queued again", run.pk, run.stage)
        run_send(run_id=run.pk, article_id=run.article_id)
    return bool(moved)


def _unsent_runs() -> Iterator[AnnotationRun]:
    """Queued runs with no message (never sent) or whose message is presumed lost."""
    now = timezone.now()
    never_sent = Q(queued_at__isnull=True, created_at__lt=now - timedelta(seconds=5))
    lost = Q(queued_at__lt=now - timedelta(seconds=settings.FACTCHECK_RUN_RESEND_AFTER))
    return (
        AnnotationRun.objects.filter(never_sent | lost, status=AnnotationRun.Status.QUEUED)
        .order_by("created_at", "id")
        .iterator()
    )


# --- an editor's retry ------------------------------------------------------------------------


def run_retry(*, article: Article, actor: User) -> AnnotationRun:
    """Start the article's pre-annotation again after its latest run failed or got stuck.

    The old run keeps its error and stage (a stuck one is closed as skipped, saying why), and
    a new run is queued; the store keeps every reviewer decision, as any re-run does.
    """
    if not roles.is_editor(actor):
        raise PermissionDenied("Only editors can retry a pre-annotation.")
    with transaction.atomic():
        Article.objects.select_for_update().filter(pk=article.pk).first()
        old = article.runs.order_by("-created_at", "-id").first()
        if old is None:
            raise ServiceError("This article has no pre-annotation to retry.")
        stuck = run_is_stuck(old)
        if old.status != AnnotationRun.Status.FAILED and not stuck:
            state = old.get_status_display().lower()
            raise ServiceError(f"Nothing to retry: the latest pre-annotation is {state}.")
        before = {"run": old.pk, "status": old.status, "stage": old.stage, "error": old.error}
        if stuck:
            note = (
                f"Stuck while {stage_name(old.stage)}: no sign of progress, so "
                f"{actor.get_username()} started it again."
            )
            closed = AnnotationRun.objects.filter(
                pk=old.pk, status=old.status, attempts=old.attempts
            ).update(status=AnnotationRun.Status.SKIPPED, finished_at=timezone.now(), error=note)
            if not closed:
                raise ServiceError("The run moved on while you looked: reload to see where it is.")
        run = run_queue(article=article, actor=actor)
        audit_record(
            actor=actor,
            verb=AuditVerb.PREANNOTATION_RETRY,
            target=run,
            article=article,
            before=before,
            after={"run": run.pk, "status": run.status},
        )
    return run


# --- failures in plain words ------------------------------------------------------------------

STAGE_WORDS = {
    "loading model": "loading the language model for",
    "analysing": "analysing",
    "layout": "reading the layout of",
    "parse": "parsing",
    "quantities": "finding the figures and dates in",
    "attributions": "finding who said what in",
    "claims": "scoring the claims of",
    "evidence": "matching the claims of",
    "consistency": "checking against the sources",
    "storing": "saving the results for",
}


def stage_words(stage: str) -> str:
    """ "parse" -> "parsing": what the run was doing, to finish "while … this article"."""
    return STAGE_WORDS.get(stage, "processing")


def failure_message(stage: str, exc: BaseException) -> str:
    """One plain sentence for the queue and the run's page: what it was doing, what went
    wrong, and what to do; the exception's own words follow for whoever debugs it."""
    from celery.exceptions import SoftTimeLimitExceeded

    doing = f"Pre-annotation failed while {stage_words(stage)} this article"
    if isinstance(exc, SoftTimeLimitExceeded):
        minutes = max(1, round(settings.FACTCHECK_RUN_TIME_LIMIT / 60))
        return (
            f"{doing}: it took longer than the {minutes}-minute limit "
            "(FACTCHECK_RUN_TIME_LIMIT). A shorter text, or a higher limit, will do."
        )
    if isinstance(exc, MemoryError):
        return f"{doing}: the worker ran out of memory. A shorter text will do."
    detail = str(exc).strip() or type(exc).__name__
    return f"{doing}: {type(exc).__name__}: {detail}"
