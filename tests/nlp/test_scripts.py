"""Benchmarks measure and scripts train: no benchmark run can overwrite the shipped weights."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotations.nlp.support import FEATURES
from scripts import train_checkworthy, train_support

ROOT = Path(__file__).resolve().parents[2]


def test_training_refuses_to_run_without_an_explicit_out(capsys):
    with pytest.raises(SystemExit) as exc:
        train_checkworthy.main(["--epochs", "1"])
    assert exc.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_training_and_gold_evaluation_are_not_benchmarks():
    benches = {p.name for p in (ROOT / "bench").glob("*.py")}
    assert not benches & {"train_checkworthy.py", "gold_eval.py"}
    assert (ROOT / "scripts" / "train_checkworthy.py").is_file()
    assert (ROOT / "scripts" / "gold_eval.py").is_file()


def test_no_benchmark_saves_a_pipeline():
    writers = [
        p.name for p in sorted((ROOT / "bench").glob("*.py")) if ".to_disk(" in p.read_text()
    ]
    assert writers == []


def _support_examples(articles: int = 10, cases: int = 4) -> list[train_support.Example]:
    """WiCE-like claims (one of each class per article, so every training part has all three
    classes) with features that carry some signal, and a few gold claims."""
    rng = random.Random(0)

    def claim(k: int) -> dict:
        features = {f: rng.gauss(0.0, 1.0) + (k if i < 3 else 0) for i, f in enumerate(FEATURES)}
        return {
            "features": features,
            "flags": [],
            "negation": False,
            "quotes": "none",
            "rule": "supported",
            "evidence": [],
        }

    out = [
        train_support.Example("wice", f"w{a}-{k}", f"wice:a{a}", label, False, (claim(k),))
        for a in range(articles)
        for k, label in enumerate(train_support.WICE_LABELS)
    ]
    out += [
        train_support.Example("gold", f"c{c}:0", f"gold:c{c}", "supported", False, (claim(0),))
        for c in range(cases)
    ]
    return out


def test_nested_support_cv_never_selects_or_fits_on_its_outer_test_fold(monkeypatch):
    monkeypatch.setattr(train_support, "C_GRID", (1.0,))  # keep it fast
    monkeypatch.setattr(train_support, "OFFSET_GRID", (0.0, 0.5))
    events: list = []  # outer folds (dicts, from the trace) and selection / fit calls (tuples)
    select, fit = train_support.cross_validate, train_support.fit

    def recording_select(tune, *args, **kwargs):
        events.append(("select", {e.group for e in tune}))
        return select(tune, *args, **kwargs)

    def recording_fit(examples, *args, **kwargs):
        events.append(("fit", {e.group for e in examples}))
        return fit(examples, *args, **kwargs)

    monkeypatch.setattr(train_support, "cross_validate", recording_select)
    monkeypatch.setattr(train_support, "fit", recording_fit)
    examples = _support_examples()
    groups = {e.group for e in examples}
    out = train_support.nested_cross_validate(examples, 0.6, repeats=2, trace=events)

    test_folds: dict[int, list[set[str]]] = {}
    current: set[str] | None = None
    selections = 0
    for event in events:
        if isinstance(event, dict):
            current = event["test_groups"]
            test_folds.setdefault(event["repeat"], []).append(current)
            continue
        kind, seen = event
        assert current is not None, "selection or fit before any outer fold"
        assert seen and not seen & current, f"{kind} saw the outer test fold {seen & current}"
        if kind == "select":  # the selection uses the whole outer training part
            selections += 1
            assert seen == groups - current
    assert selections == 2 * train_support.FOLDS
    for folds in test_folds.values():  # each repeat's outer test folds partition the groups
        assert sorted(g for fold in folds for g in fold) == sorted(groups)
    assert test_folds[0] != test_folds[1]  # another grouping per repeat
    assert out["repeats"] == 2 and out["prior_partial"] == 0.6
    assert out["wice"]["n"] == 30 and out["gold"]["n"] == 4
    assert set(out["wice"]) >= {"macro_f1", "f1", "accuracy", "majority", "predicted"}
    assert 0.0 <= out["wice_prior"]["macro_f1"] <= 1.0
    assert out["macro_f1_sd"] == out["wice"]["macro_f1_sd"] >= 0.0
