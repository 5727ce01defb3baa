"""The shipped check-worthiness weights: found where the loader looks, and actually used."""

from __future__ import annotations

from pathlib import Path

from annotations.nlp import checkworthy

NLP_DIR = Path(__file__).resolve().parents[2] / "annotations" / "nlp"


def test_the_weights_live_in_the_weights_folder():
    assert checkworthy.MODEL_DIR == NLP_DIR / "weights" / "checkworthy"
    assert (checkworthy.MODEL_DIR / "meta.json").is_file()
    assert (checkworthy.MODEL_DIR / "textcat" / "model").is_file()


def test_the_default_scorer_is_the_trained_one_not_the_fallback():
    # default_scorer() quietly falls back to the rules when the weights are missing, so a
    # misplaced folder would only show as worse scores: check the choice itself
    scorer = checkworthy.default_scorer()
    assert scorer.name == checkworthy.DEFAULT != "rule"


def test_calibration_maps_the_threshold_to_one_half():
    assert checkworthy.calibrate(0.2, 0.2) == 0.5
    assert checkworthy.calibrate(0.0, 0.2) == 0.0
    assert checkworthy.calibrate(1.0, 0.2) == 1.0
