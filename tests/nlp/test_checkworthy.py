"""The check-worthiness ranker: its shipped weights, calibration, training arithmetic and the
features it reads, without the spaCy model (sentences with the model are in test_claims_ranker)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from annotations.nlp import checkworthy
from annotations.nlp.checkworthy import RankerModel, calibrate, context_features
from scripts import train_checkworthy

NLP_DIR = Path(__file__).resolve().parents[2] / "annotations" / "nlp"


def test_the_weights_are_small_json_in_the_weights_folder():
    assert checkworthy.WEIGHTS == NLP_DIR / "weights" / "checkworthy_ranker.json"
    data = json.loads(checkworthy.WEIGHTS.read_text(encoding="utf-8"))
    n = len(data["features"])
    assert n == len(data["mean"]) == len(data["scale"]) == len(data["coef"]) > 20
    assert 0.0 < data["threshold"] < 1.0
    # the figure the weights were chosen on travels with them
    assert data["meta"]["lodo_map"]["mean"] > data["meta"]["rule_lodo_map"]["mean"]


def test_the_default_scorer_is_the_ranker_not_the_fallback():
    # default_scorer() quietly falls back to the rules when the weights are missing, so a
    # misplaced file would only show as worse scores: check the choice itself
    assert checkworthy.default_scorer().name == "ranker"


def test_calibration_maps_the_threshold_to_one_half():
    assert calibrate(0.2, 0.2) == 0.5
    assert calibrate(0.0, 0.2) == 0.0
    assert calibrate(1.0, 0.2) == 1.0
    assert calibrate(0.6, 0.2) == pytest.approx(0.75)


def _model(**coef: float) -> RankerModel:
    names = tuple(coef)
    return RankerModel(
        features=names,
        mean=(0.0,) * len(names),
        scale=(1.0,) * len(names),
        coef=tuple(coef.values()),
        bias=0.0,
        threshold=0.5,
        meta={},
    )


def test_reasons_name_what_the_sentence_has_strongest_first():
    model = _model(numbers=2.0, comparative=1.0, hedge=-1.5, question=-3.0)
    scored = model.explain({"numbers": 1.0, "comparative": 1.0, "hedge": 1.0, "question": 0.0})
    assert scored.reasons == ("a figure", "a comparison")
    assert scored.reasons_against == ("hedged",)
    assert 0.0 <= scored.score <= 1.0
    assert scored.score == pytest.approx(1 / (1 + math.exp(-1.5)))


def test_a_missing_feature_is_no_reason_even_when_its_absence_raises_the_score():
    model = _model(numbers=1.0, question=-2.0)
    # mean-centred: with a mean of 0.5, a sentence that is no question gains from it
    model = RankerModel(model.features, (0.0, 0.5), (1.0, 1.0), model.coef, 0.0, 0.5, {})
    scored = model.explain({"numbers": 0.0, "question": 0.0})
    assert scored.reasons == () and scored.reasons_against == ()


def _sentence(**values: float) -> dict[str, float]:
    base = {"question": 0.0, "numbers": 0.0, "percent": 0.0, "money": 0.0, "first_sg": 0.0}
    return {**base, **values}


def test_context_says_where_a_sentence_stands_in_its_turn_and_what_its_neighbours_do():
    turn = [_sentence(question=1.0), _sentence(numbers=1.0), _sentence()]
    first, middle, last = context_features(turn)
    assert first["turn_first"] == 1.0 and last["turn_last"] == 1.0
    assert middle["turn_first"] == middle["turn_last"] == 0.0
    assert middle["prev_question"] == 1.0
    assert first["next_numbers"] == 1.0 and last["prev_numbers"] == 1.0
    assert first["turn_numbers"] == 0.5  # one of the two others carries a figure
    assert middle["turn_numbers"] == 0.0
    (alone,) = context_features([_sentence(numbers=1.0)])
    assert alone["turn_numbers"] == 0.0 and alone["turn_first"] == alone["turn_last"] == 1.0


def test_training_fits_a_separable_feature_and_cross_validates_by_debate():
    rows = {
        f"d{k}": train_checkworthy.Featurised(
            rows=[{"signal": float(i % 5 == 0), "noise": float(i % 3 == 0)} for i in range(40)],
            rule=[0.0] * 40,
        )
        for k in range(3)
    }
    labels = {name: [int(i % 5 == 0) for i in range(40)] for name in rows}
    weights = train_checkworthy.fit(rows["d0"].rows, labels["d0"], l2=1.0)
    coef = dict(zip(weights["features"], weights["coef"], strict=True))
    assert coef["signal"] > 1.0 > abs(coef["noise"])
    cv = train_checkworthy.leave_one_debate_out(rows, labels, l2=1.0)
    assert cv.aps == {"d0": 1.0, "d1": 1.0, "d2": 1.0}
    assert cv.at_ui_threshold(labels) == (1.0, 1.0, 1.0)


def test_average_precision_and_spread():
    assert train_checkworthy.average_precision([0, 1, 0, 1], [0.9, 0.8, 0.1, 0.7]) == (
        pytest.approx((1 / 2 + 2 / 3) / 2)
    )
    s = train_checkworthy.spread([0.1, 0.2, 0.3])
    assert s["mean"] == 0.2 and s["min"] == 0.1 and s["max"] == 0.3
