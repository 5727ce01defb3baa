"""The agreement arithmetic, each figure worked out by hand in the comment beside it."""

from __future__ import annotations

import pytest

from annotations import agreement
from annotations.agreement import cohen_kappa, fmt, jaccard, span_agreement, weighted_kappa

A, R = "accepted", "rejected"


def test_kappa_on_a_hand_worked_two_by_two_table():
    # 6 both accept, 1 A/R, 1 R/A, 2 both reject: p_o = 8/10 = 0.8
    # marginals 7/3 and 7/3: p_e = (7*7 + 3*3)/100 = 0.58; kappa = 0.22/0.42 = 0.5238
    pairs = [(A, A)] * 6 + [(A, R), (R, A)] + [(R, R)] * 2
    result = cohen_kappa(pairs)
    assert (result.n, result.agree) == (10, 8)
    assert result.observed == pytest.approx(0.8)
    assert result.percent == pytest.approx(80.0)
    assert result.expected == pytest.approx(0.58)
    assert result.kappa == pytest.approx(0.22 / 0.42)
    assert fmt(result.kappa) == "0.52"


def test_unbalanced_marginals_lower_kappa_below_percent_agreement():
    # 8 A/A, 1 A/R, 1 R/R: p_o = 0.9; marginals 9/1 and 8/2: p_e = (72 + 2)/100 = 0.74
    # kappa = 0.16/0.26 = 0.6154
    pairs = [(A, A)] * 8 + [(A, R), (R, R)]
    result = cohen_kappa(pairs)
    assert result.expected == pytest.approx(0.74)
    assert result.kappa == pytest.approx(0.16 / 0.26)


def test_all_one_class_leaves_kappa_undefined():
    # both accepted everything: p_o = 1 and p_e = 1, so kappa is 0/0 — "n/a", not 1 or 0
    result = cohen_kappa([(A, A)] * 5)
    assert (result.n, result.agree, result.observed, result.expected) == (5, 5, 1.0, 1.0)
    assert result.kappa is None
    assert fmt(result.kappa) == "n/a"


def test_opposite_single_classes_give_kappa_zero():
    # one accepted all, the other rejected all: p_o = 0, p_e = 1*0 + 0*1 = 0, kappa = 0
    result = cohen_kappa([(A, R)] * 4)
    assert result.kappa == 0.0 and result.agree == 0


def test_perfect_agreement_with_variation_is_one_and_no_pairs_is_undefined():
    assert cohen_kappa([(A, A), (R, R), (A, A)]).kappa == pytest.approx(1.0)
    empty = cohen_kappa([])
    assert (empty.n, empty.observed, empty.kappa) == (0, None, None)
    assert empty.percent is None


def test_linear_weighted_kappa_on_a_three_point_scale():
    # scale False < Mixed < True: weights 1 (same), 0.5 (adjacent), 0 (opposite ends)
    # pairs (T,T) (T,M) (F,F) (M,T): p_o(w) = (1 + .5 + 1 + .5)/4 = 0.75
    # both marginals F:1 M:1 T:2 → p_e(w) = 9/16 = 0.5625; kappa_w = 0.1875/0.4375 = 3/7
    order = ["False", "Mixed", "True"]
    pairs = [("True", "True"), ("True", "Mixed"), ("False", "False"), ("Mixed", "True")]
    result = weighted_kappa(pairs, order)
    assert (result.n, result.agree) == (4, 2)
    assert result.observed == pytest.approx(0.75)
    assert result.expected == pytest.approx(9 / 16)
    assert result.kappa == pytest.approx(3 / 7)
    # unweighted, the near misses count for nothing: p_o .5, p_e 6/16, kappa 0.2
    assert cohen_kappa(pairs).kappa == pytest.approx(0.2)


def test_weighted_kappa_penalises_a_far_miss_more_than_a_near_one():
    order = ["False", "Mostly false", "Mixed", "Mostly true", "True"]
    base = [("False", "False"), ("True", "True"), ("Mixed", "Mixed")]
    near = weighted_kappa([*base, ("True", "Mostly true")], order)
    far = weighted_kappa([*base, ("True", "False")], order)
    assert near.kappa is not None and far.kappa is not None
    assert near.kappa > far.kappa


def test_weighted_kappa_degenerate_cases():
    assert weighted_kappa([("True", "True")] * 3, ["False", "True"]).kappa is None
    assert weighted_kappa([], ["False", "True"]).kappa is None
    assert weighted_kappa([("True", "True")], ["True"]).kappa is None
    with pytest.raises(ValueError, match="not in the scale"):
        weighted_kappa([("True", "Pants on fire")], ["False", "True"])


def test_span_overlap_by_hand():
    # (0,10)/(5,15): 5 shared of 15 → 1/3; identical → 1; touching (0,5)/(5,10) → 0
    assert jaccard((0, 10), (5, 15)) == pytest.approx(1 / 3)
    assert jaccard((0, 5), (5, 10)) == 0.0
    result = span_agreement([((0, 10), (5, 15)), ((0, 10), (0, 10)), ((0, 5), (5, 10))])
    assert (result.n, result.identical, result.overlapping) == (3, 1, 2)
    assert result.mean_jaccard == pytest.approx(4 / 9)
    assert result.overlap_share == pytest.approx(2 / 3)
    none = span_agreement([])
    assert (none.mean_jaccard, none.overlap_share) == (None, None)


def test_the_module_has_no_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(agreement.__file__).read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not [n for n in names if n.startswith("django")]
