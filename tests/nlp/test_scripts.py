"""Benchmarks measure and scripts train: no benchmark run can overwrite the shipped weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import train_checkworthy

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
