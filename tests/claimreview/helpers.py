"""Records, the organisation and the test vectors shared by the ClaimReview tests."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from claimreview.builder import FactCheckOrg, ReviewRecord

VECTORS_DIR = (
    Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "claimreview_testvectors"
)

ORG = FactCheckOrg(name="Example Fact Desk", url="https://factcheck.example.org/")

FULL_RECORD = ReviewRecord(
    claim_text="A study on X was authored by the Friedrich Naumann Foundation",
    verdict_label="Misattributed",
    public_url="/factchecks/12/",
    date_published=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
    rating_value=2,
    best_rating=5,
    worst_rating=1,
    rating_explanation="The study was written by another institute.",
    speaker_name="Jane Doe",
    speaker_type="Person",
    article_url="https://news.example.com/article-123",
    article_headline="Foundation study sparks row",
    article_date=date(2026, 11, 18),
    outlet_name="Example News Daily",
    first_appearance_url="https://social.example.net/posts/1",
    first_appearance_date=date(2026, 11, 17),
    date_modified=datetime(2026, 11, 21, 8, 0, tzinfo=UTC),
    identifier=12,
)

MINIMAL_RECORD = ReviewRecord(
    claim_text="Tap water in the capital contains lithium",
    verdict_label="False",
    public_url="https://factcheck.example.org/factchecks/7/",
)


def record(**changes: Any) -> ReviewRecord:
    """FULL_RECORD with some fields changed."""
    from dataclasses import replace

    return replace(FULL_RECORD, **changes)


def vector_files() -> list[Path]:
    return sorted(VECTORS_DIR.glob("*.jsonld"))


def load_vector(name: str) -> dict[str, Any]:
    return json.loads((VECTORS_DIR / name).read_text(encoding="utf-8"))


def walk_values(node: Any, path: str = "$"):
    """Every (path, value) pair in a JSON tree, containers included."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk_values(value, f"{path}[{i}]")
