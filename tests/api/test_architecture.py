"""The API's rooms keep the project's rules: its views and serializers never write the
domain (every write is a call to ``annotations.services``), and it stays in small modules."""

from __future__ import annotations

from tests.test_architecture import ROOT, imported_modules, orm_writes, python_files


def test_api_views_serializers_and_selectors_never_write():
    files = python_files("api/views", "api/serializers.py", "api/selectors.py", "api/errors.py")
    assert len(files) >= 6
    writes = [
        f"{p.relative_to(ROOT)}:{line} .{attr}()" for p in files for line, attr in orm_writes(p)
    ]
    assert writes == []


def test_api_writes_call_the_annotation_services():
    views = python_files("api/views")
    callers = [p.name for p in views if "annotations.services" in imported_modules(p)]
    assert sorted(callers) == ["articles.py", "review.py", "verdicts.py"]


def test_api_modules_are_small():
    long = {
        str(p.relative_to(ROOT)): n
        for p in python_files("api", "tests/api")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert long == {}
