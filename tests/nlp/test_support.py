"""The learned support decision: features, the pure-Python model and the rules on top."""

from __future__ import annotations

import json
import math
from collections import Counter

import pytest

from annotations.nlp.judge import overrule, quote_state
from annotations.nlp.support import (
    CLASSES,
    FEATURES,
    WEIGHTS,
    SupportInputs,
    SupportModel,
    load_model,
    support_features,
)
from annotations.nlp.types import Comparison


def inputs(**kw) -> SupportInputs:
    base = {
        "claim_terms": Counter({"ferry": 1, "harbour": 1, "carry": 1, "E:lune": 1}),
        "idf": {"ferry": 2.0, "harbour": 1.0, "carry": 1.0, "E:lune": 3.0},
        "ranked": [Counter({"ferry": 1, "harbour": 1}), Counter({"carry": 1})],
        "scores": [0.6, 0.3],
        "in_sources": frozenset({"ferry", "harbour", "carry"}),
        "comparisons": (),
        "negation_conflict": False,
        "hedged": False,
        "addressed": True,
    }
    base.update(kw)
    return SupportInputs(**base)


def test_features_measure_coverage_by_the_best_passages_and_anywhere():
    f = support_features(inputs())
    assert set(f) == set(FEATURES)
    assert f["cov_top1"] == pytest.approx(3 / 7)  # ferry + harbour of 7 IDF units
    assert f["cov_top3"] == pytest.approx(4 / 7)
    assert f["ents_missing"] == pytest.approx(1 / 3)  # "Lune" is nowhere in the sources
    assert f["top1"] == 0.6 and f["top2"] == 0.3


def test_comparisons_count_into_agreement_features():
    comparisons = (
        Comparison("money", "$3m", "$3.1m", "consistent"),
        Comparison("count", "40", "52", "differs"),
        Comparison("date", "2020", "", "no_counterpart"),
    )
    f = support_features(inputs(comparisons=comparisons))
    assert f["fig_consistent"] > 0 and f["fig_differs"] > 0 and f["date_unmatched"] > 0
    assert f["date_consistent"] == 0


def model_json(**kw) -> dict:
    n = len(FEATURES)
    data = {
        "features": list(FEATURES),
        "classes": list(CLASSES),
        "mean": [0.0] * n,
        "scale": [1.0] * n,
        "coef": [[0.0] * n for _ in CLASSES],
        "intercept": [0.0, 0.0, 0.0],
        "offsets": [0.0, 0.0, 0.0],
    }
    data["coef"][0][FEATURES.index("cov_top3")] = 4.0  # coverage votes "supported"
    data.update(kw)
    return data


def test_the_model_is_a_softmax_over_standardised_features():
    model = SupportModel.from_json(model_json())
    probs = model.probabilities({"cov_top3": 1.0})
    assert sum(probs.values()) == pytest.approx(1.0)
    assert probs["supported"] == pytest.approx(math.exp(4) / (math.exp(4) + 2))
    assert model.decide({"cov_top3": 1.0})[0] == "supported"
    assert model.decide({"cov_top3": 0.0})[0] in ("supported", "partly_supported", "not_found")


def test_offsets_move_the_decision():
    model = SupportModel.from_json(model_json(offsets=[0.0, 0.0, 5.0]))
    assert model.decide({"cov_top3": 1.0})[0] == "not_found"


def test_weights_that_do_not_fit_their_feature_list_are_refused():
    with pytest.raises(ValueError):
        SupportModel.from_json(model_json(mean=[0.0]))


def test_a_missing_weights_file_means_no_model(tmp_path):
    assert load_model(tmp_path / "absent.json") is None


def test_the_shipped_weights_load_and_use_the_current_features():
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    model = load_model(WEIGHTS)
    assert model is not None and model.features == FEATURES
    assert set(model.classes) == set(CLASSES)
    assert "cross_validated" in data["training"] and "held_out" in data["training"]


def test_concrete_conflicts_overrule_the_model():
    assert overrule("supported", {"number_mismatch"}, negation=False, quotes="none") == (
        "contradicted"
    )
    assert overrule("supported", set(), negation=True, quotes="none") == "contradicted"
    assert overrule("supported", {"quote_mismatch"}, negation=False, quotes="differs") == (
        "partly_supported"
    )
    assert overrule("not_found", set(), negation=False, quotes="holds") == "partly_supported"
    assert overrule("supported", set(), negation=False, quotes="holds") == "supported"


def test_quote_state_reads_the_quote_comparisons():
    agree = Comparison("quote", "a b c", "a b c", "consistent")
    differ = Comparison("quote", "a b c", "a x c", "differs")
    assert quote_state([]) == "none"
    assert quote_state([agree]) == "holds"
    assert quote_state([agree, differ]) == "differs"
