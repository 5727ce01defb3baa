"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def load_the_model_before_forking(**kwargs: Any) -> None:
    """Load the spaCy pipeline once in the worker's main process, before the pool forks: every
    pool process shares it (copy-on-write), and one that replaces a killed process starts its
    first task at once instead of loading the model again."""
    from django.conf import settings

    from annotations.nlp.pipeline import load_pipeline

    load_pipeline(settings.FACTCHECK_SPACY_MODEL)
