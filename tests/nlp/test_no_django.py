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


def test_nlp_package_imports_no_django():
    files = sorted(NLP_DIR.glob("*.py"))
    assert files, "annotations/nlp has no modules to check"
    offenders = [p.name for p in files if "django" in _imported_roots(p)]
    assert offenders == []


def test_nlp_tests_import_no_django():
    offenders = [p.name for p in sorted(TESTS_DIR.glob("*.py")) if "django" in _imported_roots(p)]
    assert offenders == []


def test_the_import_scanner_sees_django_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from django.conf import settings\nimport os\n", encoding="utf-8")
    assert "django" in _imported_roots(sample)
