"""The rooms' import rules, as the README's "Architecture" section states them.

Kept by parsing the source (no imports run), so a rule breaks the build the moment someone
crosses it, not when a test happens to exercise the crossing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# ORM calls that write. `create`/`update` are only counted on a manager or queryset, because
# dict.update() is everywhere in view code.
ALWAYS_WRITES = {
    "save",
    "delete",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_WRITES = {"create", "update"}
QUERYSET_RECEIVERS = {"objects", "filter", "exclude", "all", "select_for_update"}


def python_files(*relative: str) -> list[Path]:
    files: list[Path] = []
    for rel in relative:
        path = ROOT / rel
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*.py")) if "migrations" not in p.parts)
    return files


def imported_modules(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against its package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def orm_writes(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr = node.func.attr
        if attr in ALWAYS_WRITES:
            yield node.lineno, attr
        elif attr in QUERYSET_WRITES:
            receiver = node.func.value
            name = None
            if isinstance(receiver, ast.Attribute):
                name = receiver.attr
            elif isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
                name = receiver.func.attr
            if name in QUERYSET_RECEIVERS:
                yield node.lineno, attr


def test_nlp_never_imports_django():
    files = python_files("annotations/nlp")
    assert len(files) > 5
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in imported_modules(p) if m.startswith("django"))
        for p in files
    }
    assert {k: v for k, v in offenders.items() if v} == {}


@pytest.mark.parametrize("module", ["claimreview/builder.py", "claimreview/writers.py"])
def test_claimreview_builder_never_touches_models(module):
    path = ROOT / module
    assert path.is_file(), f"{module} is part of the documented layout"
    imports = imported_modules(path)
    assert not [m for m in imports if m.startswith(("django", "annotations"))]


def test_views_selectors_forms_and_tasks_never_write_the_domain():
    """Services are the only writers: every other room reads, or calls a service."""
    files = python_files(
        "annotations/views",
        "annotations/selectors",
        "annotations/markup.py",
        "annotations/forms.py",
        "annotations/tasks.py",
        "annotations/ingest",
        "claimreview/views.py",
        "claimreview/records.py",
        "claimreview/builder.py",
        "claimreview/writers.py",
        "claimreview/parser.py",
    )
    assert len(files) > 8
    writes = [
        f"{p.relative_to(ROOT)}:{line} .{attr}()" for p in files for line, attr in orm_writes(p)
    ]
    assert writes == []


def test_markup_and_selectors_do_not_import_services_or_views():
    files = python_files("annotations/markup.py", "annotations/selectors")
    bad = {
        str(p.relative_to(ROOT)): sorted(
            m
            for m in imported_modules(p)
            if m.startswith(("annotations.services", "annotations.views"))
        )
        for p in files
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_markup_needs_no_database():
    imports = imported_modules(ROOT / "annotations/markup.py")
    assert not [m for m in imports if m.startswith(("django.db", "annotations.models"))]


def test_the_write_scanner_sees_writes(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(obj, qs, ctx):\n"
        "    obj.save()\n"
        "    Claim.objects.create(text='x')\n"
        "    qs.filter(pk=1).update(text='y')\n"
        "    ctx.update({'a': 1})\n",
        encoding="utf-8",
    )
    assert [attr for _, attr in orm_writes(sample)] == ["save", "create", "update"]


def test_no_python_module_is_over_800_lines():
    files = python_files("annotations", "claimreview", "factcheck", "tests", "bench", "scripts")
    long = {
        str(p.relative_to(ROOT)): n
        for p in files
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 800
    }
    assert long == {}
