"""The NLP layer must run without Django (workers, benchmarks, notebooks): enforce it."""

from __future__ import annotations

import ast
from pathlib import Path

NLP_DIR = Path(__file__).resolve().parents[2] / "annotations" / "nlp"
TESTS_DIR = Path(__file__).resolve().parent


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


def _offenders(folder: Path) -> list[str]:
    """Modules under ``folder``, subpackages included, that import Django."""
    files = sorted(folder.rglob("*.py"))
    assert files, f"{folder} has no modules to check"
    return [str(p.relative_to(folder)) for p in files if "django" in _imported_roots(p)]


def test_nlp_package_imports_no_django():
    assert _offenders(NLP_DIR) == []


def test_the_scan_reaches_subpackages():
    scanned = {p.relative_to(NLP_DIR).as_posix() for p in NLP_DIR.rglob("*.py")}
    assert "attributions/rules.py" in scanned


def test_nlp_tests_import_no_django():
    assert _offenders(TESTS_DIR) == []


def test_the_import_scanner_sees_django_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from django.conf import settings\nimport os\n", encoding="utf-8")
    assert "django" in _imported_roots(sample)


def test_the_scan_finds_django_in_a_subpackage(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "top.py").write_text("import os\n", encoding="utf-8")
    (tmp_path / "sub" / "deep.py").write_text("import django.db\n", encoding="utf-8")
    assert _offenders(tmp_path) == ["sub/deep.py"]
